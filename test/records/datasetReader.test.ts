import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultColumnNames, headerNames, readDataset, type DatasetFormat } from "../../src/records/datasetReader.js";
import { flattenObject } from "../../src/records/flatten.js";
import { InputError, openInputBytes, type InputBytes } from "../../src/records/inputBytes.js";
import { SkipLog } from "../../src/records/skipLog.js";
import type { RawValue } from "../../src/records/valueType.js";

const FIXTURES = new URL("../fixtures/datasets/", import.meta.url);

/** InputBytes over in-memory chunks (strings are UTF-8 encoded). */
function bytesOf(...chunks: Array<string | Buffer>): InputBytes {
  let read = 0;
  return {
    chunks: (async function* () {
      for (const c of chunks) {
        const b = typeof c === "string" ? Buffer.from(c, "utf8") : c;
        read += b.length;
        yield b;
      }
    })(),
    bytesRead: () => read,
  };
}

interface Seen {
  columns: string[][];
  rows: Array<[number, string[]]>;
  objects: Array<[number, Record<string, RawValue>]>;
  skips: SkipLog;
  chunks: number;
}

async function read(input: InputBytes, format: DatasetFormat): Promise<Seen> {
  const seen: Seen = { columns: [], rows: [], objects: [], skips: new SkipLog(), chunks: 0 };
  await readDataset(
    input,
    format,
    {
      columns: (names) => seen.columns.push(names),
      textRow: (fields, line) => seen.rows.push([line, fields]),
      objectRow: (row, line) => seen.objects.push([line, { ...row }]),
    },
    seen.skips,
    () => seen.chunks++,
  );
  return seen;
}

const CSV_HEADER: DatasetFormat = { format: "csv", header: true };
const CSV_NO_HEADER: DatasetFormat = { format: "csv", header: false };
const JSONL: DatasetFormat = { format: "jsonl" };

async function collect(input: InputBytes): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of input.chunks) parts.push(c);
  return Buffer.concat(parts);
}

describe("readDataset: CSV", () => {
  it("takes column names from the header and delivers the other rows with their line numbers", async () => {
    const seen = await read(bytesOf('id,name,score\n1,ann,3.5\n2,"bob, jr",4\n'), CSV_HEADER);
    expect(seen.columns).toEqual([["id", "name", "score"]]);
    expect(seen.rows).toEqual([
      [2, ["1", "ann", "3.5"]],
      [3, ["2", "bob, jr", "4"]],
    ]);
    expect(seen.skips.total).toBe(0);
    expect(seen.chunks).toBe(1);
  });

  it("names the columns _c0, _c1, … without a header, and the first line is data", async () => {
    const seen = await read(bytesOf("1,ann,3.5\n2,bob,4\n"), CSV_NO_HEADER);
    expect(seen.columns).toEqual([["_c0", "_c1", "_c2"]]);
    expect(seen.rows).toEqual([
      [1, ["1", "ann", "3.5"]],
      [2, ["2", "bob", "4"]],
    ]);
    expect(defaultColumnNames(3)).toEqual(["_c0", "_c1", "_c2"]);
    expect(defaultColumnNames(0)).toEqual([]);
  });

  it("makes empty and duplicate header names usable, as Spark does", async () => {
    const seen = await read(bytesOf("a,,b,a,\n1,2,3,4,5\n"), CSV_HEADER);
    expect(seen.columns).toEqual([["a0", "_c1", "b", "a3", "_c4"]]);
    expect(seen.rows).toEqual([[2, ["1", "2", "3", "4", "5"]]]);
  });

  it("keeps header names distinct when the renaming rules collide with a given name", () => {
    // Spark's rules give `a1` twice here, and `_c1` twice below
    expect(headerNames(["a", "a", "a1"])).toEqual(["a0", "a1", "a1_2"]);
    expect(headerNames(["_c1", ""])).toEqual(["_c1", "_c1_1"]);
    expect(headerNames(["x", "x", "x1", "x1_2"])).toEqual(["x0", "x1", "x1_2_2", "x1_2"]);
    expect(headerNames(["p", "q", "r"])).toEqual(["p", "q", "r"]);
    fc.assert(
      fc.property(fc.array(fc.constantFrom("", "a", "a0", "a1", "_c0", "_c1", "_c2", "a1_1", "b"), { maxLength: 8 }), (fields) => {
        const names = headerNames(fields);
        expect(names).toHaveLength(fields.length);
        expect(new Set(names).size).toBe(names.length);
        expect(names.every((n) => n.length > 0)).toBe(true);
      }),
    );
  });

  it('skips rows with the wrong field count: reason "wrong field count", detail "expected N fields, found M"', async () => {
    const seen = await read(bytesOf("a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n,,\n"), CSV_HEADER);
    expect(seen.rows).toEqual([
      [2, ["1", "2", "3"]],
      [5, ["10", "11", "12"]],
      [6, ["", "", ""]],
    ]);
    expect(seen.skips.reasons()).toEqual([{ reason: "wrong field count", count: 2, first: [3, 4], example: "expected 3 fields, found 2" }]);
  });

  it("without a header the first record sets the field count", async () => {
    const seen = await read(bytesOf("1,2\n3,4,5\n6,7\n"), CSV_NO_HEADER);
    expect(seen.columns).toEqual([["_c0", "_c1"]]);
    expect(seen.rows).toEqual([
      [1, ["1", "2"]],
      [3, ["6", "7"]],
    ]);
    expect(seen.skips.reasons()).toEqual([{ reason: "wrong field count", count: 1, first: [2], example: "expected 2 fields, found 3" }]);
  });

  it("records malformed quoting in the skip log and keeps the good rows", async () => {
    const seen = await read(bytesOf('a,b\n1,"x"y\n2,ok\n3,"open\n'), CSV_HEADER);
    expect(seen.rows).toEqual([[3, ["2", "ok"]]]);
    expect(seen.skips.reasons()).toEqual([
      { reason: "invalid quoting", count: 1, first: [2], example: 'unexpected "y" after the closing quote of field 2' },
      { reason: "unclosed quote", count: 1, first: [4], example: "a quoted field opened on this line is not closed before the end of input" },
    ]);
  });

  it("drops a BOM split over chunks, skips empty lines and decodes UTF-8 split over chunks", async () => {
    const bytes = Buffer.from("\uFEFFname,city\r\n\r\nzoë,Zürich\r\n", "utf8");
    // EF | BB BF …: the decoder yields "" for the first chunk
    const chunks = [bytes.subarray(0, 1), bytes.subarray(1, 3), ...Array.from(bytes.subarray(3), (b) => Buffer.from([b]))];
    const seen = await read(bytesOf(...chunks), CSV_HEADER);
    expect(seen.columns).toEqual([["name", "city"]]);
    expect(seen.rows).toEqual([[3, ["zoë", "Zürich"]]]);
    expect(seen.chunks).toBe(chunks.length);
  });

  it("takes another delimiter", async () => {
    const seen = await read(bytesOf("a;b\n1,5;2\n"), { format: "csv", header: true, delimiter: ";" });
    expect(seen.columns).toEqual([["a", "b"]]);
    expect(seen.rows).toEqual([[2, ["1,5", "2"]]]);
  });

  it("a header-only file has columns and no rows; an empty file has neither", async () => {
    const header = await read(bytesOf("a,b\n"), CSV_HEADER);
    expect(header.columns).toEqual([["a", "b"]]);
    expect(header.rows).toEqual([]);
    const empty = await read(bytesOf(), CSV_HEADER);
    expect(empty.columns).toEqual([]);
    expect(empty.rows).toEqual([]);
    expect(empty.skips.total).toBe(0);
  });

  it("reads the fixture with malformed lines: good rows all delivered, every bad line logged", async () => {
    const seen = await read(openInputBytes(new URL("malformed.csv", FIXTURES).pathname), CSV_HEADER);
    expect(seen.columns).toEqual([["id", "name", "amount"]]);
    expect(seen.rows.map(([line, f]) => [line, f[0]])).toEqual([
      [2, "1"],
      [3, "2"],
      [5, "4"],
      [7, "6"],
      [8, "7"],
      [10, "9"],
      [11, "10"],
    ]);
    expect(seen.skips.reasons()).toEqual([
      { reason: "invalid quoting", count: 2, first: [4, 9], example: 'unexpected "y" after the closing quote of field 2' },
      { reason: "wrong field count", count: 1, first: [6], example: "expected 3 fields, found 4" },
    ]);
  });
});

describe("readDataset: JSON Lines", () => {
  it("flattens nested objects with dots, keeps arrays as values and null as null", async () => {
    const seen = await read(bytesOf('{"a":1,"b":{"c":"x","d":{"e":true}},"arr":[1,{"k":2}],"n":null}\n'), JSONL);
    expect(seen.objects).toEqual([[1, { a: 1, "b.c": "x", "b.d.e": true, arr: [1, { k: 2 }], n: null }]]);
    expect(seen.columns).toEqual([]);
  });

  it("ignores blank lines, and skips invalid JSON and non-object lines with their line numbers", async () => {
    const text = ['{"a":1}', "", "   ", "{not json", '{"a":2}', "[1,2]", "42", '"s"', "null", "true", '{"a":', '{"a":3}'].join("\n");
    const seen = await read(bytesOf(text), JSONL);
    expect(seen.objects).toEqual([
      [1, { a: 1 }],
      [5, { a: 2 }],
      [12, { a: 3 }],
    ]);
    const reasons = seen.skips.reasons();
    expect(reasons.map((r) => [r.reason, r.count, r.first])).toEqual([
      ["not a JSON object", 5, [6, 7, 8, 9, 10]],
      ["invalid JSON", 2, [4, 11]],
    ]);
    expect(reasons[0]?.example).toBe("expected an object, found an array");
    expect(reasons[1]?.example).toMatch(/JSON/);
    expect(seen.skips.total).toBe(7);
  });

  it("names the kind of a non-object line", async () => {
    for (const [line, kind] of [
      ["null", "null"],
      ["[]", "an array"],
      ["1.5", "number"],
      ['"x"', "string"],
      ["false", "boolean"],
    ]) {
      const seen = await read(bytesOf(`${line}\n`), JSONL);
      expect(seen.skips.reasons()).toEqual([{ reason: "not a JSON object", count: 1, first: [1], example: `expected an object, found ${kind}` }]);
    }
  });

  it("drops a BOM, accepts CRLF and reads a final line without a newline", async () => {
    const seen = await read(bytesOf('\uFEFF{"a":1}\r\n\r\n{"a":"x\\ny"}\r\n{"b":2}'), JSONL);
    expect(seen.objects).toEqual([
      [1, { a: 1 }],
      [3, { a: "x\ny" }],
      [4, { b: 2 }],
    ]);
    expect(seen.skips.total).toBe(0);
  });

  it("drops a BOM whose bytes arrive in separate chunks", async () => {
    const bytes = Buffer.from('\uFEFF{"é":1}\n', "utf8");
    const seen = await read(bytesOf(...Array.from(bytes, (b) => Buffer.from([b]))), JSONL);
    expect(seen.objects).toEqual([[1, { é: 1 }]]);
  });

  it("keeps a __proto__ key as a feature", async () => {
    const seen = await read(bytesOf('{"__proto__":5,"a":{"__proto__":"x"}}\n'), JSONL);
    const row = seen.objects[0]?.[1];
    expect(row === undefined ? [] : Object.keys(row)).toEqual(["__proto__", "a.__proto__"]);
    expect(Object.getOwnPropertyDescriptor(row, "__proto__")?.value).toBe(5);
  });

  it("gives the same rows and skips however the input is chunked", async () => {
    const line = fc.constantFrom('{"a":1}', '{"b":{"c":"é"}}', "", "  ", "{bad", "[1]", '{"x":"\\u00e9,\\n"}', "null");
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 10 }), fc.constantFrom("\n", "\r\n"), fc.array(fc.nat(), { maxLength: 6 }), async (lines, eol, cuts) => {
        const bytes = Buffer.from(lines.join(eol), "utf8");
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const chunks: Buffer[] = [];
        let prev = 0;
        for (const p of points) {
          chunks.push(bytes.subarray(prev, p));
          prev = p;
        }
        chunks.push(bytes.subarray(prev));
        const whole = await read(bytesOf(bytes), JSONL);
        const split = await read(bytesOf(...chunks), JSONL);
        expect(split.objects).toEqual(whole.objects);
        expect(split.skips.reasons()).toEqual(whole.skips.reasons());
        expect(whole.objects.length + whole.skips.total).toBe(lines.filter((l) => l.trim() !== "").length);
      }),
      { numRuns: 300 },
    );
  });

  it("reads the fixture", async () => {
    const seen = await read(openInputBytes(new URL("small.jsonl", FIXTURES).pathname), JSONL);
    expect(seen.objects).toHaveLength(10);
    expect(seen.objects.slice(0, 2)).toEqual([
      [1, { id: 1, price: 1.5, flag: true, "meta.color": "red", "meta.size": 12, tags: ["a"] }],
      [2, { id: 2, price: null, flag: false, "meta.color": "blue", "meta.size": 1 }],
    ]);
    expect(seen.skips.total).toBe(0);
  });
});

describe("flattenObject", () => {
  it("uses dotted names for nested objects, and leaves empty objects out", () => {
    expect(flattenObject({ a: { b: { c: 1 } }, d: [], e: {}, f: null, g: "s" })).toEqual({ "a.b.c": 1, d: [], f: null, g: "s" });
  });

  it("takes a prefix", () => {
    expect(flattenObject({ x: 1, y: { z: 2 } }, "p")).toEqual({ "p.x": 1, "p.y.z": 2 });
  });
});

describe("openInputBytes", () => {
  let dir = "";
  const csv = "a,b\n1,2\n3,4\n";

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "dqstream-input-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads a plain file and counts its bytes", async () => {
    const file = join(dir, "plain.csv");
    await writeFile(file, csv);
    const input = openInputBytes(file);
    expect((await collect(input)).toString()).toBe(csv);
    expect(input.bytesRead()).toBe(Buffer.byteLength(csv));
  });

  it("recognises gzip by its magic bytes, whatever the file is called", async () => {
    const gz = gzipSync(csv);
    for (const name of ["data.csv.gz", "data.csv", "data"]) {
      const file = join(dir, name);
      await writeFile(file, gz);
      const input = openInputBytes(file);
      expect((await collect(input)).toString()).toBe(csv);
      // compressed bytes
      expect(input.bytesRead()).toBe(gz.length);
    }
  });

  it("a .gz name does not make a plain file gzip", async () => {
    const file = join(dir, "not-really.gz");
    await writeFile(file, csv);
    expect((await collect(openInputBytes(file))).toString()).toBe(csv);
  });

  it("reads concatenated gzip members to the end", async () => {
    const file = join(dir, "members.gz");
    await writeFile(file, Buffer.concat([gzipSync("a,b\n"), gzipSync("1,2\n")]));
    expect((await collect(openInputBytes(file))).toString()).toBe("a,b\n1,2\n");
  });

  it("reads standard input for -, also gzip arriving a byte at a time", async () => {
    expect((await collect(openInputBytes("-", Readable.from([Buffer.from("x\n"), Buffer.from("y\n")])))).toString()).toBe("x\ny\n");
    const gz = gzipSync(csv);
    const bytewise = Readable.from(Array.from(gz, (b) => Buffer.from([b])));
    const input = openInputBytes("-", bytewise);
    expect((await collect(input)).toString()).toBe(csv);
    expect(input.bytesRead()).toBe(gz.length);
  });

  it("an empty input yields nothing, and a one-byte input that byte", async () => {
    const file = join(dir, "empty.csv");
    await writeFile(file, "");
    expect((await collect(openInputBytes(file))).length).toBe(0);
    expect([...(await collect(openInputBytes("-", Readable.from([Buffer.from([0x1f])]))))]).toEqual([0x1f]);
  });

  it("a missing file is an InputError naming the path", async () => {
    const file = join(dir, "no-such-dir", "missing.csv");
    const err = await collect(openInputBytes(file)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).input).toBe(file);
    expect((err as InputError).message).toBe(`${file}: no such file`);
  });

  it("a directory is an InputError", async () => {
    const sub = join(dir, "a-directory");
    await mkdir(sub, { recursive: true });
    await expect(collect(openInputBytes(sub))).rejects.toThrow(`${sub}: is a directory`);
  });

  it("corrupt and truncated gzip are InputErrors", async () => {
    const corrupt = join(dir, "corrupt.gz");
    await writeFile(corrupt, Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from("definitely not deflate data")]));
    const e1 = await collect(openInputBytes(corrupt)).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(InputError);
    expect((e1 as Error).message).toMatch(new RegExp(`^${escape(corrupt)}: corrupt gzip data: `));

    const truncated = join(dir, "truncated.csv.gz");
    const gz = gzipSync("x,y\n".repeat(10_000));
    await writeFile(truncated, gz.subarray(0, gz.length - 20));
    const e2 = await collect(openInputBytes(truncated)).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(InputError);
    expect((e2 as Error).message).toContain("corrupt gzip data");
  });

  it("a failing standard input is an InputError for stdin", async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error("boom"));
      },
    });
    const err = await collect(openInputBytes("-", failing)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe("stdin: boom");
  });

  it("readDataset surfaces the InputError", async () => {
    await expect(read(openInputBytes(join(dir, "gone.csv")), CSV_HEADER)).rejects.toBeInstanceOf(InputError);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("readDataset: a malformed CSV header", () => {
  it("is an InputError naming the input and the line, not a silently shifted header", async () => {
    const bytes = Buffer.from('a,"b"x,c\n1,2,3\n');
    const input: InputBytes = { chunks: Readable.from([bytes]), bytesRead: () => bytes.length, name: "data.csv" };
    const rows: string[][] = [];
    const err = await readDataset(
      input,
      { format: "csv", header: true },
      { columns: () => undefined, textRow: (f) => rows.push(f), objectRow: () => undefined },
      new (await import("../../src/records/skipLog.js")).SkipLog(),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/^data\.csv: line 1: the header line is malformed \(invalid quoting: /);
    expect(rows).toEqual([]);
  });
});
