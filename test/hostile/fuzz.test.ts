// Issue 9, proof: fast-check fuzzing of what reads untrusted input. Random and mutated inputs, deep
// nesting, huge sizes and binary data: no exception escapes, every input is either processed or
// counted with a reason, and what is kept stays within its limits. (The config loader's fuzzing
// is in test/hostile/config.test.ts.)
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MonitorEngine } from "../../src/engine/MonitorEngine.js";
import { captureRows, parseCaptureRecord } from "../../src/records/decoders/sagemakerCapture/captureRecord.js";
import { sagemakerCaptureDecoder } from "../../src/records/decoders/sagemakerCapture/index.js";
import { readDataset, type RowVisitor } from "../../src/records/datasetReader.js";
import type { InputBytes } from "../../src/records/inputBytes.js";
import { SkipLog } from "../../src/records/skipLog.js";
import { decodeCheckpoint, encodeCheckpoint } from "../../src/sources/kafka/checkpointCodec.js";
import { messageRecords } from "../../src/sources/kafka/kafkaClient.js";
import type { SourceRecord } from "../../src/records/SourceRecord.js";
import { totalOf, type WindowCounts } from "../../src/windows/WindowCounts.js";
import { WindowManager } from "../../src/windows/WindowManager.js";
import { capture, jsonCapture, nestedObject } from "./support.js";

const RUNS = 300;
const LAYOUT = { featureNames: ["churn", "a", "b"], outputColumnsPosition: "START" as const };

/** Valid capture lines, then damaged: cut, spliced, characters replaced, nested, binary. */
const valid = fc.oneof(
  fc.integer({ min: 0, max: 86_400 }).map((s) => capture(new Date(Date.UTC(2026, 10, 1) + s * 1000).toISOString())),
  fc.jsonValue({ maxDepth: 4 }).map((v) => jsonCapture("2026-11-01T00:00:00Z", JSON.stringify(v) ?? "null")),
  fc.jsonValue({ maxDepth: 4 }).map((v) => jsonCapture("2026-11-01T00:00:00Z", JSON.stringify(v) ?? "null", "BASE64")),
);
const damaged = fc.oneof(
  { weight: 3, arbitrary: valid },
  { weight: 2, arbitrary: fc.tuple(valid, fc.nat(), fc.nat()).map(([s, a, b]) => s.slice(0, a % (s.length + 1)) + s.slice(b % (s.length + 1))) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(valid, fc.nat(), fc.string({ maxLength: 3 }))
      .map(([s, i, c]) => s.slice(0, i % (s.length + 1)) + c + s.slice((i % (s.length + 1)) + 1)),
  },
  { weight: 1, arbitrary: fc.integer({ min: 90, max: 3000 }).map((d) => jsonCapture("2026-11-01T00:00:00Z", nestedObject(d))) },
  { weight: 1, arbitrary: fc.integer({ min: 90, max: 3000 }).map((d) => `${"[".repeat(d)}${"]".repeat(d)}`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v) ?? "") },
);

const countTotal = (c: WindowCounts): number => c.records + totalOf(c.skipped) + c.late + totalOf(c.malformed) + totalOf(c.hook_errors);

describe("fuzzing the readers of untrusted input", () => {
  it("the capture-record decoder never throws: a record parses and decodes, or says why", () => {
    fc.assert(
      fc.property(damaged, (text) => {
        const parsed = parseCaptureRecord(text);
        if (!parsed.ok) {
          expect(parsed.reason).toMatch(/^(invalid JSON|not a capture record|invalid payload)$/);
          return;
        }
        const rows = captureRows(parsed.value, LAYOUT);
        if (!rows.ok) expect(rows.reason).toMatch(/^(invalid payload|row count mismatch)$/);
      }),
      { numRuns: RUNS },
    );
  });

  it("Kafka messages of any bytes become records; the engine accounts for every one of them, in a window or as unattributed", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            damaged.map((s) => Buffer.from(s)),
            fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
          ),
          { maxLength: 30 },
        ),
        async (values) => {
          const partition = { topic: "t", partition: 0 };
          const records: SourceRecord[] = values.flatMap((value, i) =>
            messageRecords(partition, { offset: String(i), timestamp: String(Date.UTC(2026, 10, 2)), value }, 4096),
          );
          for (const r of records) expect(r.unreadable !== undefined || typeof r.value === "string").toBe(true);
          const engine = new MonitorEngine({
            decoder: sagemakerCaptureDecoder,
            windows: new WindowManager({ windowMs: 3_600_000, allowedLatenessMs: 0 }),
            layout: LAYOUT,
            fallbackToSourceTimestamp: true,
          });
          const first = await engine.process(records);
          const last = await engine.finish();
          const counted = [...first.closed, ...last.closed].reduce((n, w) => n + countTotal(w.counts), 0) + countTotal(engine.windows.unattributedCounts());
          expect(counted).toBe(records.length);
          // every dead letter carries bytes that were received
          for (const d of [...first.deadLetters, ...last.deadLetters]) expect(d.reason.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("the JSON Lines reader: every non-blank line is a row or a skip with a reason, whatever the bytes and chunking", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            damaged,
            fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString("latin1")),
            fc.constant("x".repeat(5000)),
          ),
          { maxLength: 25 },
        ),
        fc.integer({ min: 1, max: 64 }),
        async (lines, chunk) => {
          const bytes = Buffer.concat(lines.map((l) => Buffer.from(`${l.replaceAll("\n", " ")}\n`, "latin1")));
          const { rows, skips } = await read(bytes, chunk, { format: "jsonl", maxRecordBytes: 4096 });
          const nonBlank = bytes
            .toString("latin1")
            .split("\n")
            .filter((l, i, all) => (i < all.length - 1 || l !== "") && !isBlankUtf8(l));
          expect(rows + skips.total).toBe(nonBlank.length);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("the CSV reader never throws on any text once its header is read, and keeps no record over its limit", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(fc.string({ unit: fc.constantFrom(",", '"', "\r", "\n", "a", "1", " ", "é", "\u0000"), maxLength: 40 }), fc.constant("y".repeat(3000))),
          { maxLength: 20 },
        ),
        fc.integer({ min: 1, max: 50 }),
        async (parts, chunk) => {
          const bytes = Buffer.from(`a,b,c\n${parts.join("\n")}`);
          const widest = { n: 0 };
          const { skips } = await read(bytes, chunk, { format: "csv", header: true }, (fields) => (widest.n = Math.max(widest.n, fields.join(",").length)));
          expect(skips.total).toBeGreaterThanOrEqual(0);
          expect(widest.n).toBeLessThanOrEqual(1 << 20);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("the commit-metadata decoder never throws, and what it accepts is consistent and round-trips", () => {
    const checkpointish = fc.record({
      v: fc.oneof(fc.constant(2), fc.constant(1), fc.anything()),
      max_event_ms: fc.oneof(fc.constant(null), fc.double(), fc.integer(), fc.string()),
      closed_up_to_ms: fc.oneof(fc.constant(null), fc.double(), fc.integer()),
      processed_to: fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n }).map(String), fc.string(), fc.constant("007")),
      closes: fc.array(fc.tuple(fc.oneof(fc.nat().map(String), fc.string()), fc.oneof(fc.constant(null), fc.double())), { maxLength: 5 }),
    });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          checkpointish.map((c) => JSON.stringify(c)),
          fc.jsonValue().map((v) => JSON.stringify(v) ?? ""),
        ),
        (text) => {
          const c = decodeCheckpoint(text);
          if (c === undefined) return;
          expect(Number.isNaN(c.maxEventMs) || Number.isNaN(c.closedUpToMs)).toBe(false);
          if (c.processedTo !== undefined) {
            let previous = -1n;
            for (const [from] of c.closes ?? []) {
              expect(BigInt(from)).toBeGreaterThan(previous);
              expect(BigInt(from)).toBeLessThanOrEqual(BigInt(c.processedTo));
              previous = BigInt(from);
            }
            expect(decodeCheckpoint(encodeCheckpoint(c))).toEqual(c);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

function isBlankUtf8(latin1: string): boolean {
  return Buffer.from(latin1, "latin1").toString("utf8").trim() === "";
}

/** Reads bytes in chunks of `chunk` through readDataset; counts rows. */
async function read(
  bytes: Buffer,
  chunk: number,
  format: Parameters<typeof readDataset>[1],
  onRow?: (fields: string[]) => void,
): Promise<{ rows: number; skips: SkipLog }> {
  const input: InputBytes = {
    chunks: (async function* () {
      for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
    })(),
    bytesRead: () => bytes.length,
  };
  let rows = 0;
  const skips = new SkipLog();
  const visitor: RowVisitor = {
    columns: () => {},
    textRow: (fields) => {
      rows++;
      onRow?.(fields);
    },
    objectRow: () => void rows++,
  };
  try {
    await readDataset(input, format, visitor, skips);
  } catch (e) {
    // a CSV header that cannot be read is an input error, named; nothing else may escape
    expect((e as Error).name).toBe("InputError");
  }
  return { rows, skips };
}
