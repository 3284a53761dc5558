/**
 * Incremental CSV record parser (RFC 4180 quoting) that survives bad lines.
 *
 * Why not csv-parse: csv-parse 7.0.3 with `skip_records_with_error` loses every record after an
 * invalid closing quote (`4,"x"y` ends the file for it: the rest is reported as one
 * "Quote Not Closed" error), papaparse and csv-parser likewise run an unbalanced quote to the end
 * of the input, and csv-parse's sync API costs 36 µs a record. dqstream must skip a bad line and
 * keep every good one (docs/formats.md, "Malformed input").
 *
 * Contract:
 * - fields are split on `delimiter`; a field that *starts* with `quote` is quoted: it may hold
 *   delimiters, CR/LF and doubled quotes (`""` → `"`); after its closing quote only a delimiter
 *   or the end of the record may follow. A quote inside an unquoted field is literal (as Spark's
 *   CSV reader keeps it).
 * - records end at LF or CRLF outside quotes; a leading BOM is dropped; empty lines are skipped
 *   and counted.
 * - a malformed record (a character after a closing quote, or a quote not closed within
 *   `maxRecordChars` characters of the record's start or up to the end of input) is reported
 *   with its first line number, and parsing resumes at the next physical line, so one bad quote
 *   costs one line. Records, line numbers and reports do not depend on how the text is chunked.
 * - memory is bounded by the chunk size plus `maxRecordChars`.
 */
export interface CsvHandler {
  record(fields: string[], line: number): void;
  malformed(reason: string, detail: string, line: number): void;
}

export interface CsvParserOptions {
  delimiter?: string;
  quote?: string;
  maxRecordChars?: number;
}

const NEED_MORE = null;
/** A quoted field of the record is not closed within `maxRecordChars` of the record's start. */
const TOO_LONG = "too long";

export class CsvParser {
  readonly #handler: CsvHandler;
  readonly #delim: string;
  readonly #quote: string;
  readonly #max: number;
  #buf = "";
  #line = 1;
  #started = false;
  emptyLines = 0;

  constructor(handler: CsvHandler, options: CsvParserOptions = {}) {
    this.#handler = handler;
    this.#delim = options.delimiter ?? ",";
    this.#quote = options.quote ?? '"';
    this.#max = options.maxRecordChars ?? 1 << 20;
    if (this.#delim.length !== 1 || this.#quote.length !== 1) throw new RangeError("delimiter and quote must be single characters");
  }

  /** Current physical line number (1-based) of the next unparsed record. */
  get line(): number {
    return this.#line;
  }

  push(chunk: string): void {
    // the BOM is looked for in the first non-empty chunk (a UTF-8 decoder yields "" for a chunk
    // that ends inside the BOM's bytes)
    if (!this.#started && chunk.length > 0) {
      this.#started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    this.#buf = this.#buf.length === 0 ? chunk : this.#buf + chunk;
    this.#drain(false);
  }

  end(): void {
    this.#drain(true);
    this.#buf = "";
  }

  #drain(final: boolean): void {
    const buf = this.#buf;
    const quote = this.#quote;
    let pos = 0;
    // position of the next quote at or after pos (-1: none left); cached so lines without quotes
    // cost one indexOf each
    let q = buf.indexOf(quote);
    while (pos < buf.length) {
      const nl = buf.indexOf("\n", pos);
      if (nl === -1 && !final) break;
      const lineEnd = nl === -1 ? buf.length : nl;
      if (q !== -1 && q < pos) q = buf.indexOf(quote, pos);
      if (q === -1 || q > lineEnd) {
        // fast path: a record on one physical line without quotes
        let end = lineEnd;
        if (end > pos && buf.charCodeAt(end - 1) === 13) end--;
        if (end === pos) this.emptyLines++;
        else this.#handler.record(buf.slice(pos, end).split(this.#delim), this.#line);
        this.#line++;
        pos = lineEnd + 1;
        continue;
      }
      const parsed = this.#parseQuoted(buf, pos, final);
      if (parsed === NEED_MORE && !final) break;
      if (parsed === NEED_MORE || parsed === TOO_LONG || "error" in parsed) {
        // a quote left open past the limit or the end of input, or a character after a closing
        // quote: drop the record's first physical line and resume at the next one, so the
        // records on the lines a stray quote swallowed are still read
        if (parsed === NEED_MORE) this.#handler.malformed("unclosed quote", "a quoted field opened on this line is not closed before the end of input", this.#line);
        else if (parsed === TOO_LONG) this.#handler.malformed("unclosed quote", `a quoted field opened on this line is not closed within ${this.#max} characters`, this.#line);
        else this.#handler.malformed("invalid quoting", parsed.error, this.#line);
        this.#line++;
        pos = lineEnd + 1;
        continue;
      }
      this.#handler.record(parsed.fields, this.#line);
      this.#line += parsed.newlines + 1;
      pos = parsed.next;
    }
    this.#buf = pos >= buf.length ? "" : buf.slice(pos);
  }

  /** Parses one record starting at `start` that contains a quote. */
  #parseQuoted(buf: string, start: number, final: boolean):
    | { fields: string[]; next: number; newlines: number }
    | { error: string }
    | typeof NEED_MORE
    | typeof TOO_LONG {
    const delim = this.#delim;
    const quote = this.#quote;
    const fields: string[] = [];
    let i = start;
    let newlines = 0;
    for (;;) {
      if (buf[i] === quote) {
        let value = "";
        let seg = i + 1;
        let j = seg;
        for (;;) {
          const q = buf.indexOf(quote, j);
          // decided on the text alone, whatever the chunking: the closing quote is at q or later
          if ((q === -1 ? buf.length : q) - start >= this.#max) return TOO_LONG;
          if (q === -1) return NEED_MORE;
          if (buf[q + 1] === quote) {
            value += buf.slice(seg, q + 1);
            j = q + 2;
            seg = j;
            continue;
          }
          if (q + 1 === buf.length && !final) return NEED_MORE; // the next chunk may start with a quote
          value += buf.slice(seg, q);
          newlines += countNewlines(buf, i, q);
          i = q + 1;
          break;
        }
        fields.push(value);
        const c = buf[i];
        if (c === delim) {
          i++;
          continue;
        }
        if (c === "\n") return { fields, next: i + 1, newlines };
        if (c === "\r" && buf[i + 1] === "\n") return { fields, next: i + 2, newlines };
        if (i >= buf.length) return final ? { fields, next: i, newlines } : NEED_MORE;
        // a CR ending the input ends the record, as on the unquoted path
        if (c === "\r" && i + 1 >= buf.length) return final ? { fields, next: i + 1, newlines } : NEED_MORE;
        return { error: `unexpected ${JSON.stringify(c)} after the closing quote of field ${fields.length}` };
      }
      // unquoted field: up to the next delimiter or end of line
      const d = buf.indexOf(delim, i);
      const nl = buf.indexOf("\n", i);
      if (nl === -1 && !final) return NEED_MORE;
      const lineEnd = nl === -1 ? buf.length : nl;
      if (d !== -1 && d < lineEnd) {
        fields.push(buf.slice(i, d));
        i = d + 1;
        continue;
      }
      let end = lineEnd;
      if (end > i && buf.charCodeAt(end - 1) === 13) end--;
      fields.push(buf.slice(i, end));
      return { fields, next: lineEnd + 1, newlines };
    }
  }
}

function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = s.indexOf("\n", from); i !== -1 && i < to; i = s.indexOf("\n", i + 1)) n++;
  return n;
}
