import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CsvParser, type CsvParserOptions } from "../../src/records/csvParser.js";

type Event = { kind: "record"; line: number; fields: string[] } | { kind: "malformed"; line: number; reason: string; detail: string };

interface Parsed {
  events: Event[];
  emptyLines: number;
}

/** Pushes `chunks` in order, then ends, and returns everything the handler saw. */
function parseChunks(chunks: readonly string[], options?: CsvParserOptions): Parsed {
  const events: Event[] = [];
  const parser = new CsvParser(
    {
      record: (fields, line) => events.push({ kind: "record", line, fields }),
      malformed: (reason, detail, line) => events.push({ kind: "malformed", line, reason, detail }),
    },
    options,
  );
  for (const c of chunks) parser.push(c);
  parser.end();
  return { events, emptyLines: parser.emptyLines };
}

function parse(text: string, options?: CsvParserOptions): Parsed {
  return parseChunks([text], options);
}

function records(p: Parsed): Array<[number, string[]]> {
  return p.events.flatMap((e) => (e.kind === "record" ? [[e.line, e.fields] as [number, string[]]] : []));
}

function malformed(p: Parsed): Array<{ line: number; reason: string; detail: string }> {
  return p.events.flatMap((e) => (e.kind === "malformed" ? [{ line: e.line, reason: e.reason, detail: e.detail }] : []));
}

/** Splits `text` at the given offsets (any order, repeats give empty chunks). */
function splitAt(text: string, cuts: readonly number[]): string[] {
  const points = cuts.map((c) => c % (text.length + 1)).sort((a, b) => a - b);
  const out: string[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(text.slice(prev, p));
    prev = p;
  }
  out.push(text.slice(prev));
  return out;
}

describe("CsvParser: well-formed input", () => {
  it("splits records on LF and fields on the delimiter, numbering lines from 1", () => {
    const p = parse("a,b,c\n1,2,3\nx,,z\n");
    expect(records(p)).toEqual([
      [1, ["a", "b", "c"]],
      [2, ["1", "2", "3"]],
      [3, ["x", "", "z"]],
    ]);
    expect(malformed(p)).toEqual([]);
    expect(p.emptyLines).toBe(0);
  });

  it("reads quoted fields holding delimiters, doubled quotes and CR/LF, counting their lines", () => {
    const p = parse('id,text,more\n1,"a,b","say ""hi"""\n2,"multi\r\nline\nfield",x\n3,"",""""\n');
    expect(records(p)).toEqual([
      [1, ["id", "text", "more"]],
      [2, ["1", "a,b", 'say "hi"']],
      [3, ["2", "multi\r\nline\nfield", "x"]],
      // the record above spans lines 3-5
      [6, ["3", "", '"']],
    ]);
    expect(malformed(p)).toEqual([]);
  });

  it("accepts CRLF and LF line ends, mixed, and strips the CR", () => {
    const p = parse('a,b\r\n1,2\n3,"4"\r\n"5",6\r\n7,8');
    expect(records(p)).toEqual([
      [1, ["a", "b"]],
      [2, ["1", "2"]],
      [3, ["3", "4"]],
      [4, ["5", "6"]],
      [5, ["7", "8"]],
    ]);
  });

  it("reads a final record without a line end, also one ending in a CR", () => {
    expect(records(parse("a,b\nc,d"))).toEqual([
      [1, ["a", "b"]],
      [2, ["c", "d"]],
    ]);
    expect(records(parse("a,b\nc,d\r"))).toEqual([
      [1, ["a", "b"]],
      [2, ["c", "d"]],
    ]);
    expect(records(parse('a,b\nc,"d"\r'))).toEqual([
      [1, ["a", "b"]],
      [2, ["c", "d"]],
    ]);
    expect(records(parse('a,"b"'))).toEqual([[1, ["a", "b"]]]);
  });

  it("drops a leading BOM, also when the first chunk is empty or the BOM comes alone", () => {
    expect(records(parse("\uFEFFa,b\n1,2\n"))).toEqual([
      [1, ["a", "b"]],
      [2, ["1", "2"]],
    ]);
    expect(records(parse('\uFEFF"a",b\n'))).toEqual([[1, ["a", "b"]]]);
    expect(records(parseChunks(["", "\uFEFFa,b\n"]))).toEqual([[1, ["a", "b"]]]);
    expect(records(parseChunks(["\uFEFF", "a,b\n"]))).toEqual([[1, ["a", "b"]]]);
    // only a leading BOM is dropped
    expect(records(parse("a\n\uFEFFb\n"))).toEqual([
      [1, ["a"]],
      [2, ["\uFEFFb"]],
    ]);
  });

  it("skips empty lines (LF or CRLF), counts them, and keeps counting lines", () => {
    const p = parse("a,b\n\n1,2\r\n\r\n\n3,4\n\n");
    expect(records(p)).toEqual([
      [1, ["a", "b"]],
      [3, ["1", "2"]],
      [6, ["3", "4"]],
    ]);
    expect(p.emptyLines).toBe(4);
    expect(malformed(p)).toEqual([]);
  });

  it("keeps a quote inside an unquoted field literally", () => {
    expect(records(parse('ab"c,d",5 "in" x\n12"x,"q"\n'))).toEqual([
      [1, ['ab"c', 'd"', '5 "in" x']],
      [2, ['12"x', "q"]],
    ]);
    // a field starting with a blank is unquoted: its quotes are literal
    expect(records(parse(' "a",b\n'))).toEqual([[1, [' "a"', "b"]]]);
  });

  it("reads empty fields, quoted or not, at any position", () => {
    expect(records(parse(',\n"",\n,""\n""\n'))).toEqual([
      [1, ["", ""]],
      [2, ["", ""]],
      [3, ["", ""]],
      [4, [""]],
    ]);
  });

  it("takes another delimiter and quote character", () => {
    expect(records(parse("a;'b;c';'it''s'\n", { delimiter: ";", quote: "'" }))).toEqual([[1, ["a", "b;c", "it's"]]]);
    expect(records(parse('a\t"b\tc"\n', { delimiter: "\t" }))).toEqual([[1, ["a", "b\tc"]]]);
    // a comma is just a character then
    expect(records(parse("a,b;c\n", { delimiter: ";" }))).toEqual([[1, ["a,b", "c"]]]);
  });

  it("rejects delimiters and quotes that are not one character", () => {
    const h = { record: () => {}, malformed: () => {} };
    expect(() => new CsvParser(h, { delimiter: "" })).toThrow(RangeError);
    expect(() => new CsvParser(h, { delimiter: ";;" })).toThrow(RangeError);
    expect(() => new CsvParser(h, { quote: "''" })).toThrow(RangeError);
  });

  it("reports the line of the next unparsed record", () => {
    const parser = new CsvParser({ record: () => {}, malformed: () => {} });
    expect(parser.line).toBe(1);
    parser.push('a\n"b\nc"\nd');
    expect(parser.line).toBe(4);
    parser.end();
    expect(parser.line).toBe(5);
  });
});

describe("CsvParser: malformed records are reported and every good record is kept", () => {
  it('a character after a closing quote (4,"x"y) costs its line only', () => {
    // csv-parse 7 loses every record after this line
    const p = parse('a,b\n1,2\n4,"x"y\n5,6\n"7",8\n9,"10"\n');
    expect(malformed(p)).toEqual([{ line: 3, reason: "invalid quoting", detail: 'unexpected "y" after the closing quote of field 2' }]);
    expect(records(p)).toEqual([
      [1, ["a", "b"]],
      [2, ["1", "2"]],
      [4, ["5", "6"]],
      [5, ["7", "8"]],
      [6, ["9", "10"]],
    ]);
  });

  it('blanks after a closing quote ("a"  ,b) are invalid', () => {
    const p = parse('x,y\n"a"  ,b\nc,d\n');
    expect(malformed(p)).toEqual([{ line: 2, reason: "invalid quoting", detail: 'unexpected " " after the closing quote of field 1' }]);
    expect(records(p)).toEqual([
      [1, ["x", "y"]],
      [3, ["c", "d"]],
    ]);
  });

  it("an unclosed quote mid-file costs its line, even when a later quote seems to close it", () => {
    const text = 'id,name\n1,"bob\n2,alice\n3,"carol"\n4,dave\n5,"e\nf",g\n6,"h"\n';
    const p = parse(text);
    // the quote opened on line 2 pairs with the first quote of line 4, and "c" follows it
    expect(malformed(p)).toEqual([{ line: 2, reason: "invalid quoting", detail: 'unexpected "c" after the closing quote of field 2' }]);
    expect(records(p)).toEqual([
      [1, ["id", "name"]],
      [3, ["2", "alice"]],
      [4, ["3", "carol"]],
      [5, ["4", "dave"]],
      [6, ["5", "e\nf", "g"]],
      [8, ["6", "h"]],
    ]);
  });

  it("an unclosed quote mid-file with no later quote costs its line", () => {
    const p = parse('a,b\n1,"x\n2,y\n\n3,z\n');
    expect(malformed(p)).toEqual([{ line: 2, reason: "unclosed quote", detail: "a quoted field opened on this line is not closed before the end of input" }]);
    expect(records(p)).toEqual([
      [1, ["a", "b"]],
      [3, ["2", "y"]],
      [5, ["3", "z"]],
    ]);
    expect(p.emptyLines).toBe(1);
  });

  it("an unclosed quote at the end of input is reported with its line", () => {
    const p = parse('a,b\n1,2\n3,"x');
    expect(malformed(p)).toEqual([{ line: 3, reason: "unclosed quote", detail: "a quoted field opened on this line is not closed before the end of input" }]);
    expect(records(p)).toEqual([
      [1, ["a", "b"]],
      [2, ["1", "2"]],
    ]);
    const q = parse('a\n"');
    expect(malformed(q)).toEqual([{ line: 2, reason: "unclosed quote", detail: expect.stringContaining("end of input") }]);
  });

  it("a record (here a quote left open) longer than maxRecordChars is reported however the text is chunked", () => {
    const text = `a,b\n1,"${"x,x\n".repeat(20)}y"\n2,c\n`;
    const options = { maxRecordChars: 16 };
    const whole = parse(text, options);
    expect(malformed(whole)).toEqual([{ line: 2, reason: "record too long", detail: "a record longer than 16 characters" }]);
    // the lines the open quote swallowed are read again as records (line 22 is `y"`: its quote is literal)
    expect(records(whole)).toEqual([
      [1, ["a", "b"]],
      ...Array.from({ length: 19 }, (_, k): [number, string[]] => [k + 3, ["x", "x"]]),
      [22, ['y"']],
      [23, ["2", "c"]],
    ]);
    expect(parseChunks([...text], options)).toEqual(whole);
    expect(parseChunks([text.slice(0, 30), text.slice(30)], options)).toEqual(whole);
    // with the default limit the same text is one good record over lines 2-22
    expect(records(parse(text))).toEqual([
      [1, ["a", "b"]],
      [2, ["1", `${"x,x\n".repeat(20)}y`]],
      [23, ["2", "c"]],
    ]);
  });

  it("records past maxRecordChars are reported as too long, a record within the limit is not", () => {
    const options = { maxRecordChars: 16 };
    const p = parse(`1,"${"y".repeat(30)}"\n2,"${"z".repeat(10)}"\n3,"${"w".repeat(40)}`, options);
    expect(malformed(p)).toEqual([
      { line: 1, reason: "record too long", detail: "a record longer than 16 characters" },
      { line: 3, reason: "record too long", detail: "a record longer than 16 characters" },
    ]);
    expect(records(p)).toEqual([[2, ["2", "z".repeat(10)]]]);
  });

  it("line numbers stay right after multi-line records and malformed ones", () => {
    const p = parse('"a\nb",1\n2,"c"d\n"e\r\nf\r\ng",3\n4,"h\n');
    expect(records(p)).toEqual([
      [1, ["a\nb", "1"]],
      [4, ["e\r\nf\r\ng", "3"]],
    ]);
    expect(malformed(p).map((m) => [m.line, m.reason])).toEqual([
      [3, "invalid quoting"],
      [7, "unclosed quote"],
    ]);
  });

  it("many bad lines in a row are each reported, the good ones between them kept", () => {
    const lines: string[] = [];
    const good: Array<[number, string[]]> = [];
    for (let i = 1; i <= 50; i++) {
      if (i % 3 === 0) lines.push(`${i},"bad"${i}`);
      else {
        lines.push(`${i},"ok ${i}"`);
        good.push([i, [String(i), `ok ${i}`]]);
      }
    }
    const p = parse(lines.join("\n"));
    expect(records(p)).toEqual(good);
    expect(malformed(p).map((m) => m.line)).toEqual(Array.from({ length: 16 }, (_, k) => 3 * (k + 1)));
  });
});

describe("CsvParser: chunk boundaries do not matter", () => {
  // tokens that stress the boundaries: quotes, doubled quotes, CR, LF, CRLF, delimiters
  const token = fc.constantFrom('"', '""', ",", "\n", "\r", "\r\n", "a", "bc", " ", '",', ',"', '"\n');
  const text = fc.tuple(fc.boolean(), fc.array(token, { maxLength: 40 })).map(([bom, ts]) => (bom ? "\uFEFF" : "") + ts.join(""));
  const cuts = fc.array(fc.nat(), { maxLength: 12 });

  it("any split gives the same records, line numbers, reports and empty-line count as the whole text", () => {
    fc.assert(
      fc.property(text, cuts, fc.constantFrom(undefined, 4, 9, 25), (t, c, max) => {
        const options = max === undefined ? {} : { maxRecordChars: max };
        const whole = parse(t, options);
        expect(parseChunks(splitAt(t, c), options)).toEqual(whole);
      }),
      { numRuns: 2000 },
    );
  });

  it("one character a chunk gives the same result as the whole text", () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(parseChunks([...t])).toEqual(parse(t));
      }),
      { numRuns: 500 },
    );
  });

  it("splits between the quotes of a doubled quote, between CR and LF, and at the start", () => {
    const t = 'a,"x""y"\r\n"p""",q\r\n\r\nr,"s\r\nt"\r\n';
    const whole = parse(t);
    expect(records(whole)).toEqual([
      [1, ["a", 'x"y']],
      [2, ['p"', "q"]],
      [4, ["r", "s\r\nt"]],
    ]);
    expect(whole.emptyLines).toBe(1);
    for (let i = 0; i <= t.length; i++) {
      expect(parseChunks([t.slice(0, i), t.slice(i)])).toEqual(whole);
      expect(parseChunks(["", t.slice(0, i), "", t.slice(i), ""])).toEqual(whole);
    }
  });
});

describe("CsvParser: RFC 4180 round trip", () => {
  // arbitrary strings, biased towards the characters that need quoting
  const special = fc.string({ unit: fc.constantFrom(",", '"', "\r", "\n", "a", "b", " ", "\t", "é") });
  const anyText = fc.string({ unit: "grapheme", maxLength: 8 }).filter((s) => !s.includes("\uFEFF"));
  const field = fc.oneof(special, anyText);
  const table = fc.array(fc.array(field, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 8 });

  function serialiseField(f: string, only: boolean): string {
    // RFC 4180: quote a field holding a delimiter, quote, CR or LF, and double its quotes. A row
    // of one empty field is written "" as well: an empty line is no record (it is skipped).
    if (/[",\r\n]/.test(f) || (only && f === "")) return `"${f.replace(/"/g, '""')}"`;
    return f;
  }

  it("parsing serialised rows gives the fields back, with the line each row starts on", () => {
    fc.assert(
      fc.property(table, fc.constantFrom("\n", "\r\n"), fc.boolean(), cuts(), (rows, eol, finalEol, c) => {
        let text = "";
        const expected: Array<[number, string[]]> = [];
        rows.forEach((row, i) => {
          const line = 1 + (text.match(/\n/g)?.length ?? 0);
          expected.push([line, row]);
          text += row.map((f) => serialiseField(f, row.length === 1)).join(",");
          if (i < rows.length - 1 || finalEol) text += eol;
        });
        const whole = parse(text);
        expect(malformed(whole)).toEqual([]);
        expect(records(whole)).toEqual(expected);
        expect(parseChunks(splitAt(text, c))).toEqual(whole);
      }),
      { numRuns: 1000 },
    );
  });

  function cuts() {
    return fc.array(fc.nat(), { maxLength: 6 });
  }
});

describe("CsvParser: memory stays bounded on over-long lines", () => {
  it("reports a line longer than maxRecordChars without a newline in sight, drops it, and keeps the next lines", () => {
    const long = "x".repeat(50);
    // pushed in small chunks, so the parser sees the long line grow past the limit before its end
    const p = parseChunks(["a,b\n", long.slice(0, 20), long.slice(20, 40), long.slice(40), ",y\n1,2\n"], { maxRecordChars: 16 });
    expect(records(p)).toEqual([
      [1, ["a", "b"]],
      [3, ["1", "2"]],
    ]);
    expect(malformed(p)).toEqual([{ line: 2, reason: "record too long", detail: "a record longer than 16 characters" }]);
  });
});

describe("CsvParser: fieldStride / fieldOffset", () => {
  it("fills only the selected fields of unquoted records after the first, keeping the field count", () => {
    const text = 'a,b,c,d,e\n1,2,3,4,5\n6,"7,x",8,9,10\n11,12\n';
    const p = parse(text, { fieldStride: 2, fieldOffset: 1 });
    expect(records(p)).toEqual([
      [1, ["a", "b", "c", "d", "e"]], // the first record is always whole (a header)
      [2, ["", "2", "", "4", ""]],
      [3, ["6", "7,x", "8", "9", "10"]], // a quoted record is parsed whole
      [4, ["", "12"]],
    ]);
  });

  it("gives the same selected fields as a full parse, for any stride and offset (fast-check)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.stringMatching(/^[a-z0-9 .]{0,4}$/), { minLength: 1, maxLength: 7 }), { minLength: 2, maxLength: 20 }),
        fc.integer({ min: 1, max: 4 }),
        fc.nat(),
        (rows, stride, o) => {
          const offset = o % stride;
          const text = rows.map((r) => r.join(",")).join("\n") + "\n";
          const whole = records(parse(text));
          const selected = records(parse(text, { fieldStride: stride, fieldOffset: offset }));
          expect(selected.length).toBe(whole.length);
          selected.forEach(([line, fields], k) => {
            const [wholeLine, wholeFields] = whole[k] as [number, string[]];
            expect(line).toBe(wholeLine);
            expect(fields.length).toBe(wholeFields.length);
            fields.forEach((f, i) => {
              if (k === 0 || i % stride === offset) expect(f).toBe(wholeFields[i]);
              else expect(f).toBe("");
            });
          });
        },
      ),
      { seed: 11, numRuns: 500 },
    );
  });

  it("rejects a bad stride or offset", () => {
    expect(() => new CsvParser({ record: () => undefined, malformed: () => undefined }, { fieldStride: 2, fieldOffset: 2 })).toThrow(RangeError);
    expect(() => new CsvParser({ record: () => undefined, malformed: () => undefined }, { fieldStride: 0 })).toThrow(RangeError);
  });
});
