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
 * - a malformed record is reported with its first line number and parsing resumes at the next
 *   physical line, so one bad quote costs one line: "invalid quoting" (a character after a
 *   closing quote), "unclosed quote" (a quote still open at the end of input), "record too long"
 *   (more than `maxRecordChars` characters from the record's start to its end, or to where its
 *   fate is decided). Records, line numbers and reports do not depend on how the text is chunked.
 * - memory is bounded by the chunk size plus `maxRecordChars` (default 1 MiB of characters).
 */
export interface CsvHandler {
  record(fields: string[], line: number): void;
  malformed(reason: string, detail: string, line: number): void;
}

export interface CsvParserOptions {
  delimiter?: string;
  quote?: string;
  maxRecordChars?: number;
  /**
   * Fields a consumer needs: from the second record on, unquoted one-line records fill only the
   * fields with index ≡ `fieldOffset` (mod `fieldStride`) and leave the others "" (the count of
   * fields stays right). Saves the slicing of fields a worker thread does not profile. Default 1
   * and 0: every field.
   */
  fieldStride?: number;
  fieldOffset?: number;
}

const NEED_MORE = null;

export class CsvParser {
  readonly #handler: CsvHandler;
  readonly #delim: string;
  readonly #quote: string;
  readonly #max: number;
  readonly #stride: number;
  readonly #offset: number;
  #records = 0;
  #buf = "";
  #line = 1;
  #started = false;
  /** Discarding the rest of an over-long physical line, up to its newline. */
  #skipping = false;
  emptyLines = 0;

  constructor(handler: CsvHandler, options: CsvParserOptions = {}) {
    this.#handler = handler;
    this.#delim = options.delimiter ?? ",";
    this.#quote = options.quote ?? '"';
    this.#max = options.maxRecordChars ?? 1 << 20;
    this.#stride = options.fieldStride ?? 1;
    this.#offset = options.fieldOffset ?? 0;
    if (!Number.isInteger(this.#stride) || this.#stride < 1 || !Number.isInteger(this.#offset) || this.#offset < 0 || this.#offset >= this.#stride) {
      throw new RangeError("fieldStride must be a positive integer and 0 ≤ fieldOffset < fieldStride");
    }
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
    if (this.#skipping) {
      const nl = this.#buf.indexOf("\n");
      if (nl === -1) {
        this.#buf = "";
        if (final) this.#skipping = false;
        return;
      }
      this.#skipping = false;
      this.#buf = this.#buf.slice(nl + 1);
      this.#line++;
    }
    const buf = this.#buf;
    const quote = this.#quote;
    const max = this.#max;
    let pos = 0;
    // position of the next quote at or after pos (-1: none left); cached so lines without quotes
    // cost one indexOf each
    let q = buf.indexOf(quote);
    while (pos < buf.length) {
      const nl = buf.indexOf("\n", pos);
      if (nl === -1 && !final) {
        if (buf.length - pos > max) {
          // over the limit before its first line even ends: decide now as the whole text would
          // (a quoting error within the limit, else too long) and skip to that line's end
          const r = buf.indexOf(quote, pos) === -1 ? NEED_MORE : this.#parseQuoted(buf, pos, false);
          if (r !== NEED_MORE && "error" in r && r.at - pos <= max) {
            this.#handler.malformed("invalid quoting", r.error, this.#line);
            this.#line++;
          } else this.#tooLong();
          this.#line--; // counted again when the skipped line's newline arrives
          this.#skipping = true;
          pos = buf.length;
        }
        break;
      }
      const lineEnd = nl === -1 ? buf.length : nl;
      if (q !== -1 && q < pos) q = buf.indexOf(quote, pos);
      if (q === -1 || q > lineEnd) {
        // fast path: a record on one physical line without quotes
        if (lineEnd - pos > max) this.#tooLong();
        else {
          let end = lineEnd;
          if (end > pos && buf.charCodeAt(end - 1) === 13) end--;
          if (end === pos) this.emptyLines++;
          else {
            this.#handler.record(
              this.#stride === 1 || this.#records === 0 ? buf.slice(pos, end).split(this.#delim) : this.#selected(buf, pos, end),
              this.#line,
            );
            this.#records++;
          }
          this.#line++;
        }
        pos = lineEnd + 1;
        continue;
      }
      const parsed = this.#parseQuoted(buf, pos, final);
      if (parsed === NEED_MORE) {
        if (buf.length - pos > max) this.#tooLong();
        else if (!final) break;
        else {
          this.#handler.malformed("unclosed quote", "a quoted field opened on this line is not closed before the end of input", this.#line);
          this.#line++;
        }
        // the record's first physical line is dropped; the lines a stray quote swallowed are read
        pos = lineEnd + 1;
        continue;
      }
      if ("error" in parsed) {
        if (parsed.at - pos > max) this.#tooLong();
        else {
          this.#handler.malformed("invalid quoting", parsed.error, this.#line);
          this.#line++;
        }
        pos = lineEnd + 1;
        continue;
      }
      const length = (buf.charCodeAt(parsed.next - 1) === 10 ? parsed.next - 1 : parsed.next) - pos;
      if (length > max) {
        this.#tooLong();
        pos = lineEnd + 1;
        continue;
      }
      this.#handler.record(parsed.fields, this.#line);
      this.#records++;
      this.#line += parsed.newlines + 1;
      pos = parsed.next;
    }
    this.#buf = pos >= buf.length ? "" : buf.slice(pos);
  }

  /**
   * A record longer than maxRecordChars (from its first character to its terminating newline,
   * quoted line breaks included) is reported at its first line, which is dropped; decided on the
   * text alone, whatever the chunking.
   */
  #tooLong(): void {
    this.#handler.malformed("record too long", `a record longer than ${this.#max} characters`, this.#line);
    this.#line++;
  }

  /** The fields of an unquoted one-line record, only the selected ones sliced (see fieldStride). */
  #selected(buf: string, pos: number, end: number): string[] {
    const delim = this.#delim;
    const stride = this.#stride;
    const fields: string[] = [];
    let start = pos;
    let next = this.#offset;
    for (let i = 0; ; i++) {
      let d = buf.indexOf(delim, start);
      if (d === -1 || d > end) d = end;
      if (i === next) {
        fields.push(buf.slice(start, d));
        next += stride;
      } else {
        fields.push("");
      }
      if (d === end) return fields;
      start = d + 1;
    }
  }

  /** Parses one record starting at `start` that contains a quote. */
  #parseQuoted(
    buf: string,
    start: number,
    final: boolean,
  ): { fields: string[]; next: number; newlines: number } | { error: string; at: number } | typeof NEED_MORE {
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
        // decided where the text decides it: a CR is an error only once the next character is known
        return { error: `unexpected ${JSON.stringify(c)} after the closing quote of field ${fields.length}`, at: c === "\r" ? i + 1 : i };
      }
      // unquoted field: up to the next delimiter or end of line
      const d = buf.indexOf(delim, i);
      const nl = buf.indexOf("\n", i);
      if (d !== -1 && (nl === -1 || d < nl)) {
        fields.push(buf.slice(i, d));
        i = d + 1;
        continue;
      }
      if (nl === -1 && !final) return NEED_MORE;
      const lineEnd = nl === -1 ? buf.length : nl;
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
