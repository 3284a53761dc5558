import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { MonitorEngine } from "../../src/engine/MonitorEngine.js";
import { FeatureProfile } from "../../src/profiles/FeatureProfile.js";
import type { FeatureLayout } from "../../src/records/featureRow.js";
import { sagemakerCaptureDecoder, SKIP_SHADOW } from "../../src/records/decoders/sagemakerCapture/index.js";
import { toStatistics } from "../../src/profiles/toStatistics.js";
import type { DeadLetter } from "../../src/sinks/DeadLetterSink.js";
import type { PartitionKey, Position, SourceRecord } from "../../src/records/SourceRecord.js";
import { totalOf, type WindowCounts } from "../../src/windows/WindowCounts.js";
import { WindowManager, type ClosedWindow } from "../../src/windows/WindowManager.js";
import { mulberry32 as prng } from "../support/random.js";

const T0 = Date.UTC(2026, 10, 1); // 2026-11-01T00:00:00Z
const S = 1000;
const W = 60 * S;
const LAYOUT: FeatureLayout = { featureNames: ["label", "x", "c"], outputColumnsPosition: "START" };

// ---------------------------------------------------------------------------------------------
// Capture lines

interface CaptureOptions {
  input?: string;
  output?: string;
  /** inferenceTime as written; omitted when undefined. */
  time?: string | undefined;
  shadow?: boolean;
  inputEncoding?: "CSV" | "BASE64";
}

function captureLine(o: CaptureOptions): string {
  const captureData: Record<string, unknown> = {};
  if (o.input !== undefined)
    captureData["endpointInput"] = { observedContentType: "text/csv", mode: "INPUT", data: o.input, encoding: o.inputEncoding ?? "CSV" };
  if (o.output !== undefined) captureData["endpointOutput"] = { observedContentType: "text/csv", mode: "OUTPUT", data: o.output, encoding: "CSV" };
  const eventMetadata: Record<string, unknown> = { eventId: "e" };
  if (o.time !== undefined) eventMetadata["inferenceTime"] = o.time;
  if (o.shadow === true) eventMetadata["invocationSource"] = "ShadowExperiment";
  return JSON.stringify({ captureData, eventMetadata, eventVersion: "0" });
}

/** inferenceTime `sec` seconds after T0 (may be negative). */
function at(sec: number): string {
  return new Date(T0 + sec * S).toISOString().replace(/\.000Z$/, "Z");
}

function engine(opts: { lateness?: number; fallback?: boolean } = {}): MonitorEngine {
  return new MonitorEngine({
    decoder: sagemakerCaptureDecoder,
    windows: new WindowManager({ windowMs: W, allowedLatenessMs: opts.lateness ?? 0 }),
    layout: LAYOUT,
    fallbackToSourceTimestamp: opts.fallback ?? false,
  });
}

function total(c: WindowCounts): number {
  return c.records + totalOf(c.skipped) + c.late + totalOf(c.malformed) + totalOf(c.hook_errors);
}

interface Outcome {
  windows: Array<{ startMs: number; endMs: number; statistics: string; counts: string; inputs: string }>;
  deadLetters: DeadLetter[];
  closed: ClosedWindow[];
}

async function run(e: MonitorEngine, batches: ReadonlyArray<readonly SourceRecord[]>, active?: readonly PartitionKey[]): Promise<Outcome> {
  const closed: ClosedWindow[] = [];
  const deadLetters: DeadLetter[] = [];
  for (const b of batches) {
    const r = await e.process(b, active);
    closed.push(...r.closed);
    deadLetters.push(...r.deadLetters);
  }
  closed.push(...e.closeAll());
  return {
    windows: closed.map((w) => ({
      startMs: w.startMs,
      endMs: w.endMs,
      statistics: JSON.stringify(toStatistics(w.profile)),
      counts: JSON.stringify(w.counts),
      inputs: JSON.stringify(w.inputs),
    })),
    deadLetters,
    closed,
  };
}

// ---------------------------------------------------------------------------------------------
// Fixed examples

const REPLAY: PartitionKey = { topic: "replay", partition: 0 };

function fileRecords(lines: ReadonlyArray<string | { value: string; timestampMs: number }>): SourceRecord[] {
  return lines.map((l, i) => {
    const position: Position = { file: "capture.jsonl", line: i + 1 };
    return typeof l === "string" ? { partition: REPLAY, position, value: l } : { partition: REPLAY, position, value: l.value, timestampMs: l.timestampMs };
  });
}

describe("MonitorEngine: counts per window and dead letters", () => {
  const lines = [
    /* 1 */ captureLine({ input: "5,a", output: "1", time: at(5) }),
    /* 2 */ captureLine({ input: "!!", inputEncoding: "BASE64", output: "1", time: at(7) }),
    /* 3 */ captureLine({ input: "6,b\n7,c\n", output: "0\n1\n", time: at(10) }),
    /* 4 */ captureLine({ input: "9,z", output: "1", time: at(20), shadow: true }),
    /* 5 */ "{",
    /* 6 */ "[1]",
    /* 7 */ captureLine({ input: "5,a", output: "1" }),
    /* 8 */ captureLine({ input: "5,a", output: "1", time: "yesterday" }),
    /* 9 */ captureLine({ input: "8,a", output: "1", time: at(90) }),
    /* 10 */ captureLine({ input: "8,a", output: "1", time: at(30) }),
    /* 11 */ captureLine({ input: "1,a\n2,b\n3,c", output: "1\n0", time: at(100) }),
    /* 12 */ captureLine({ input: "1,a", output: "1", time: at(130), shadow: true }),
    /* 13 */ captureLine({ input: "1,a", output: "1", shadow: true }),
  ];

  it("counts records, items, skipped, late and malformed by reason in the right windows", async () => {
    const e = engine();
    const first = await e.process(fileRecords(lines));
    // the partition's watermark (100 s) passed the end of [0, 60 s): it closed with the batch
    expect(first.closed.map((w) => w.startMs)).toEqual([T0]);
    const rest = e.closeAll();
    expect(rest.map((w) => w.startMs)).toEqual([T0 + W]);
    const [w0, w1] = [first.closed[0], rest[0]];
    if (w0 === undefined || w1 === undefined) throw new Error("windows missing");
    expect(w0.counts).toEqual({
      records: 2,
      items: 3,
      skipped: { [SKIP_SHADOW]: 1 },
      late: 0,
      malformed: { "invalid JSON": 1, "invalid payload": 1, "missing event time": 2, "not a capture record": 1 },
      hook_errors: {},
    });
    expect(w1.counts).toEqual({
      records: 1,
      items: 1,
      // line 12's window [120 s, 180 s) was never opened; line 13 has no time: both go to the
      // window holding the partition's greatest event time
      skipped: { [SKIP_SHADOW]: 2 },
      late: 1,
      malformed: { "row count mismatch": 1 },
      hook_errors: {},
    });
    expect(total(w0.counts) + total(w1.counts)).toBe(lines.length);
    expect(w0.inputs).toEqual([{ partition: REPLAY, first: { file: "capture.jsonl", line: 1 }, last: { file: "capture.jsonl", line: 8 } }]);
    expect(w1.inputs).toEqual([{ partition: REPLAY, first: { file: "capture.jsonl", line: 9 }, last: { file: "capture.jsonl", line: 13 } }]);

    const stats = toStatistics(w0.profile) as { dataset: { item_count: number }; features: Array<{ name: string; inferred_type: string }> };
    expect(stats.dataset.item_count).toBe(3);
    expect(stats.features.map((f) => [f.name, f.inferred_type])).toEqual([
      ["label", "Integral"],
      ["x", "Integral"],
      ["c", "String"],
    ]);
    expect((toStatistics(w1.profile) as { dataset: { item_count: number } }).dataset.item_count).toBe(1);
  });

  it("dead letters carry reason, detail, position and the record as read, in input order", async () => {
    const e = engine();
    const { deadLetters } = await e.process(fileRecords(lines));
    expect(deadLetters.map((d) => ["line" in d.position ? d.position.line : -1, d.reason])).toEqual([
      [2, "invalid payload"], // found after decoding, still in input order
      [5, "invalid JSON"],
      [6, "not a capture record"],
      [7, "missing event time"],
      [8, "missing event time"],
      [10, "late"],
      [11, "row count mismatch"],
    ]);
    const byLine = new Map(deadLetters.map((d) => ["line" in d.position ? d.position.line : -1, d]));
    expect(byLine.get(2)?.detail).toBe("endpointInput: data is not valid base64");
    expect(byLine.get(5)?.record).toBe("{");
    expect(byLine.get(6)?.detail).toMatch(/^\$: /);
    expect(byLine.get(7)?.detail).toBe("no eventMetadata.inferenceTime and no source timestamp");
    expect(byLine.get(8)?.detail).toBe('unparsable eventMetadata.inferenceTime "yesterday"');
    expect(byLine.get(10)?.detail).toBe("event time 2026-11-01T00:00:30Z is before the partition's watermark 2026-11-01T00:01:30Z");
    expect(byLine.get(10)?.record).toBe(lines[9]);
    expect(byLine.get(11)?.detail).toBe("endpointInput has 3 rows, endpointOutput has 2");
    for (const d of deadLetters) expect(d.record).toBe(lines[("line" in d.position ? d.position.line : 0) - 1]);
  });

  it("batching does not change the dead letters, counts or statistics", async () => {
    const whole = await run(engine(), [fileRecords(lines)]);
    const single = await run(
      engine(),
      fileRecords(lines).map((r) => [r]),
    );
    const pairs = fileRecords(lines);
    const two = await run(engine(), [pairs.slice(0, 3), [], pairs.slice(3, 10), pairs.slice(10)]);
    for (const other of [single, two]) {
      expect(other.windows).toEqual(whole.windows);
      expect(other.deadLetters).toEqual(whole.deadLetters);
    }
  });

  it("allowed lateness merges out-of-order records into their own windows", async () => {
    const e = engine({ lateness: 120 * S });
    const r = await run(e, [fileRecords(lines)]);
    expect(r.windows.map((w) => w.startMs)).toEqual([T0, T0 + W]);
    const [c0, c1] = r.closed.map((w) => w.counts);
    expect(c0?.records).toBe(3); // line 10 (30 s) is on time now
    expect(c0?.late).toBe(0);
    expect(c1?.late).toBe(0);
    expect(r.deadLetters.map((d) => d.reason)).not.toContain("late");
  });

  it("fallbackToSourceTimestamp: the source timestamp stands in for a missing or unparsable inferenceTime", async () => {
    const recs = [
      { value: captureLine({ input: "1,a", output: "1" }), timestampMs: T0 + 5 * S }, // → [0, 60)
      { value: captureLine({ input: "2,a", output: "1", time: at(20) }), timestampMs: T0 + 500 * S }, // inferenceTime wins → [0, 60)
      { value: captureLine({ input: "3,a", output: "1", time: "yesterday" }), timestampMs: T0 + 70 * S }, // → [60, 120)
      captureLine({ input: "4,a", output: "1" }), // neither
    ];
    const on = await run(engine({ fallback: true }), [fileRecords(recs)]);
    expect(on.closed.map((w) => [w.startMs - T0, w.counts.records])).toEqual([
      [0, 2],
      [W, 1],
    ]);
    expect(on.deadLetters.map((d) => [d.reason, d.detail])).toEqual([["missing event time", "no eventMetadata.inferenceTime and no source timestamp"]]);
    expect(on.closed[1]?.counts.malformed).toEqual({ "missing event time": 1 });

    const off = await run(engine({ fallback: false }), [fileRecords(recs)]);
    expect(off.closed.map((w) => [w.startMs - T0, w.counts.records])).toEqual([[0, 1]]);
    expect(off.closed[0]?.counts.malformed).toEqual({ "missing event time": 3 });
  });

  it("a shadow record is skipped where the partition's uncounted records go (the window of its greatest event time); its rows are never counted", async () => {
    const e = engine({ lateness: 600 * S });
    const r = await run(e, [
      fileRecords([
        captureLine({ input: "1,a", output: "1", time: at(10) }),
        captureLine({ input: "2,a", output: "1", time: at(200) }),
        captureLine({ input: "3,a", output: "1", time: at(20), shadow: true }), // its own window [0, 60) is open, yet
        captureLine({ input: "3,a", output: "1", time: at(300), shadow: true }), // no window [300, 360) yet
      ]),
    ]);
    expect(r.closed.map((w) => [w.startMs - T0, w.counts.records, w.counts.skipped])).toEqual([
      [0, 1, {}],
      [180 * S, 1, { [SKIP_SHADOW]: 2 }],
    ]);
    expect(r.closed.map((w) => w.profile.itemCount)).toEqual([1, 1]);
    expect(r.deadLetters).toEqual([]);
  });

  it("a payload without rows is malformed (invalid payload), not 'dropped by preprocessor' (there is none)", async () => {
    const r = await run(engine(), [
      fileRecords([captureLine({ input: "", output: "", time: at(5) }), captureLine({ input: "1,a", output: "1", time: at(6) })]),
    ]);
    expect(r.closed[0]?.counts).toEqual({ records: 1, items: 1, skipped: {}, late: 0, malformed: { "invalid payload": 1 }, hook_errors: {} });
    expect(r.deadLetters.map((d) => [d.reason, d.detail])).toEqual([["invalid payload", "the payload has no rows"]]);
  });

  it("records before a partition's first window wait and join it", async () => {
    const r = await run(engine(), [
      fileRecords(["{", captureLine({ input: "1,a", output: "1", time: at(5), shadow: true }), captureLine({ input: "1,a", output: "1" })]),
      fileRecords(["x", "y", captureLine({ input: "1,a", output: "1", time: at(130) })]).map((s) => ({ ...s, position: { file: "b.jsonl", line: 0 } })),
    ]);
    expect(r.closed).toHaveLength(1);
    expect(r.closed[0]?.startMs).toBe(T0 + 120 * S);
    expect(r.closed[0]?.counts).toEqual({
      records: 1,
      items: 1,
      skipped: { [SKIP_SHADOW]: 1 },
      late: 0,
      malformed: { "invalid JSON": 3, "missing event time": 1 },
      hook_errors: {},
    });
    expect(r.closed[0]?.inputs[0]?.first).toEqual({ file: "capture.jsonl", line: 1 });
  });
});

// ---------------------------------------------------------------------------------------------
// Several partitions

const KEYS: PartitionKey[] = [
  { topic: "captures", partition: 1 },
  { topic: "captures", partition: 0 },
  { topic: "alpha", partition: 7 },
];

function kafkaRecord(key: PartitionKey, offset: number, value: string): SourceRecord {
  return { partition: key, position: { topic: key.topic, partition: key.partition, offset: String(offset) }, value };
}

describe("MonitorEngine: several partitions", () => {
  it("a record late in its own partition is late even while another partition lags", async () => {
    const [A, B] = [KEYS[0] as PartitionKey, KEYS[1] as PartitionKey];
    const r = await run(
      engine(),
      [
        [
          kafkaRecord(A, 0, captureLine({ input: "1,a", output: "1", time: at(100) })),
          kafkaRecord(B, 0, captureLine({ input: "2,a", output: "1", time: at(10) })),
          kafkaRecord(A, 1, captureLine({ input: "3,a", output: "1", time: at(50) })), // late in A
          kafkaRecord(B, 1, captureLine({ input: "4,a", output: "1", time: at(50) })), // on time in B
        ],
      ],
      [A, B],
    );
    expect(r.deadLetters.map((d) => [d.position, d.reason])).toEqual([[{ topic: A.topic, partition: A.partition, offset: "1" }, "late"]]);
    expect(r.closed.map((w) => [w.startMs - T0, w.counts.records, w.counts.late])).toEqual([
      [0, 2, 0],
      [W, 1, 1], // A's late record counts where A's greatest event time is
    ]);
  });

  it("with `active`, a partition whose first records come late in the stream is judged by its own order only", async () => {
    const [A, B] = [KEYS[0] as PartitionKey, KEYS[1] as PartitionKey];
    const aRecords = [
      kafkaRecord(A, 0, captureLine({ input: "1,a", output: "1", time: at(10) })),
      kafkaRecord(A, 1, captureLine({ input: "1,a", output: "1", time: at(500) })),
    ];
    const bRecord = kafkaRecord(B, 0, captureLine({ input: "2,b", output: "0", time: at(20) }));
    const withActive = await run(engine(), [aRecords, [bRecord]], [A, B]);
    expect(withActive.deadLetters).toEqual([]);
    expect(withActive.closed[0]?.counts.records).toBe(2);
    // without it (the default, meant for one partition) A alone closes [0, 60) and B's record is late
    const withoutActive = await run(engine(), [aRecords, [bRecord]]);
    expect(withoutActive.deadLetters.map((d) => [d.reason, d.detail])).toEqual([
      // B's own watermark is −∞ here: the detail must not depend on it
      ["late", "event time 2026-11-01T00:00:20Z is in a window already closed (windows are closed up to 2026-11-01T00:01:00Z)"],
    ]);
    expect(withoutActive.closed[0]?.counts.records).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------
// Generated streams

type Kind =
  | "valid"
  | "shadow"
  | "invalid JSON"
  | "not a capture record"
  | "no time"
  | "bad time"
  | "invalid payload"
  | "row count mismatch"
  | "shadow without time"
  | "empty payload";

interface GenRecord {
  kind: Kind;
  /** How far the partition's clock advances before this record (s). */
  step: number;
  /** How far behind the clock the record's event time is (s): out-of-order records. */
  back: number;
  x: number;
  c: string;
  rows: number;
}

const kindArb: fc.Arbitrary<Kind> = fc.oneof(
  { arbitrary: fc.constant<Kind>("valid"), weight: 12 },
  {
    arbitrary: fc.constantFrom<Kind>(
      "shadow",
      "invalid JSON",
      "not a capture record",
      "no time",
      "bad time",
      "invalid payload",
      "row count mismatch",
      "shadow without time",
      "empty payload",
    ),
    weight: 5,
  },
);

const genRecordArb: fc.Arbitrary<GenRecord> = fc.record({
  kind: kindArb,
  step: fc.integer({ min: 0, max: 40 }),
  back: fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.integer({ min: 1, max: 150 }), weight: 1 }),
  x: fc.oneof(fc.integer({ min: -50, max: 50 }), fc.double({ min: -100, max: 100, noNaN: true, noDefaultInfinity: true })),
  c: fc.constantFrom("a", "b", "c", "", "7"),
  rows: fc.integer({ min: 1, max: 3 }),
});

/** The lines of one partition: event times follow a clock that moves forward, some behind it. */
function partitionLines(recs: readonly GenRecord[], startSec: number): string[] {
  let clock = startSec;
  return recs.map((r) => {
    clock += r.step;
    const time = at(clock - r.back);
    const input = Array.from({ length: r.rows }, (_, i) => `${r.x + i},${r.c}`).join("\n");
    const output = Array.from({ length: r.rows }, (_, i) => String((r.step + i) % 2)).join("\n");
    switch (r.kind) {
      case "valid":
        return captureLine({ input, output: r.step % 3 === 0 ? "1" : output, time });
      case "shadow":
        return captureLine({ input, output, time, shadow: true });
      case "invalid JSON":
        return `{"captureData": ${r.step}`;
      case "not a capture record":
        return JSON.stringify({ eventMetadata: { inferenceTime: time } });
      case "no time":
        return captureLine({ input, output });
      case "bad time":
        return captureLine({ input, output, time: time.replace("T", " ") });
      case "invalid payload":
        return captureLine({ input: "%%%", inputEncoding: "BASE64", output, time });
      case "row count mismatch":
        return captureLine({ input: `${input}\n1,a\n2,b`, output: "0\n1", time });
      case "shadow without time":
        return captureLine({ input, output, shadow: true });
      case "empty payload":
        return captureLine({ input: "", output: "", time });
    }
  });
}

/** Whether a generated record opens a window when its partition has none (see the nothing-lost property). */
function opensWindow(k: Kind): boolean {
  return k === "valid" || k === "invalid payload" || k === "row count mismatch" || k === "empty payload";
}

const streamArb = fc.record({
  partitions: fc.array(fc.record({ recs: fc.array(genRecordArb, { maxLength: 30 }), startSec: fc.integer({ min: -200, max: 400 }) }), {
    minLength: 2,
    maxLength: 3,
  }),
  lateness: fc.constantFrom(0, 30 * S, 90 * S),
  interleaveSeed: fc.integer(),
  batchSeed: fc.integer(),
  batchChance: fc.double({ min: 0.05, max: 1, noNaN: true }),
});

/** A random merge of the partitions' sequences that keeps each partition's order. */
function interleave(parts: ReadonlyArray<readonly SourceRecord[]>, seed: number): SourceRecord[] {
  const rand = prng(seed);
  const next = parts.map(() => 0);
  const out: SourceRecord[] = [];
  for (;;) {
    const open = parts.map((p, i) => i).filter((i) => (next[i] as number) < (parts[i] as readonly SourceRecord[]).length);
    if (open.length === 0) return out;
    const i = open[Math.floor(rand() * open.length)] as number;
    out.push((parts[i] as readonly SourceRecord[])[next[i] as number] as SourceRecord);
    next[i] = (next[i] as number) + 1;
  }
}

/** Cuts a stream into batches (some empty) at random points. */
function cut(stream: readonly SourceRecord[], seed: number, chance: number): SourceRecord[][] {
  const rand = prng(seed);
  const batches: SourceRecord[][] = [[]];
  for (const r of stream) {
    (batches[batches.length - 1] as SourceRecord[]).push(r);
    if (rand() < chance) batches.push([]);
    if (rand() < 0.05) batches.push([]);
  }
  return batches;
}

function sourceRecords(s: { partitions: ReadonlyArray<{ recs: readonly GenRecord[]; startSec: number }> }): SourceRecord[][] {
  return s.partitions.map((p, pi) => partitionLines(p.recs, p.startSec).map((line, i) => kafkaRecord(KEYS[pi] as PartitionKey, i, line)));
}

function lettersOf(letters: readonly DeadLetter[], key: PartitionKey): DeadLetter[] {
  return letters.filter((d) => "topic" in d.position && d.position.topic === key.topic && d.position.partition === key.partition);
}

describe("MonitorEngine: the outcome depends only on each partition's own record order", () => {
  it("KEY PROPERTY: closed windows' statistics and counts do not depend on interleaving or batching", async () => {
    await fc.assert(
      fc.asyncProperty(streamArb, async (s) => {
        const parts = sourceRecords(s);
        const active = parts.map((_, i) => KEYS[i] as PartitionKey);
        // reference: partition after partition, one batch
        const reference = await run(engine({ lateness: s.lateness }), [parts.flat()], active);
        const mixed = interleave(parts, s.interleaveSeed);
        const other = await run(engine({ lateness: s.lateness }), cut(mixed, s.batchSeed, s.batchChance), active);
        expect(other.windows).toEqual(reference.windows);
        // dead letters: each partition's in its own order (the stream's order between partitions)
        for (const key of active) expect(lettersOf(other.deadLetters, key)).toEqual(lettersOf(reference.deadLetters, key));
        expect(other.deadLetters.map((d) => d.position)).toEqual(
          mixed.filter((r) => reference.deadLetters.some((d) => d.position === r.position)).map((r) => r.position),
        );
      }),
      { seed: 20_250_610, numRuns: 150 },
    );
  });

  it("one partition: identical whatever the batching (no `active` needed)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(genRecordArb, { maxLength: 60 }),
        fc.constantFrom(0, 30 * S, 90 * S),
        fc.integer(),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        async (recs, lateness, seed, chance) => {
          const stream = partitionLines(recs, 0).map((line, i) => kafkaRecord(REPLAY, i, line));
          const whole = await run(engine({ lateness }), [stream]);
          const batched = await run(engine({ lateness }), cut(stream, seed, chance));
          const singles = await run(
            engine({ lateness }),
            stream.map((r) => [r]),
          );
          expect(batched.windows).toEqual(whole.windows);
          expect(singles.windows).toEqual(whole.windows);
          expect(batched.deadLetters).toEqual(whole.deadLetters);
          expect(singles.deadLetters).toEqual(whole.deadLetters);
        },
      ),
      { seed: 20_250_611, numRuns: 150 },
    );
  });

  it("the property is not vacuous: generated streams close several windows with rows, late and malformed records", async () => {
    let windows = 0;
    let late = 0;
    let malformed = 0;
    let items = 0;
    await fc.assert(
      fc.asyncProperty(streamArb, async (s) => {
        const parts = sourceRecords(s);
        const r = await run(
          engine({ lateness: s.lateness }),
          [parts.flat()],
          parts.map((_, i) => KEYS[i] as PartitionKey),
        );
        windows += r.closed.length;
        for (const w of r.closed) {
          late += w.counts.late;
          malformed += totalOf(w.counts.malformed);
          items += w.counts.items;
        }
      }),
      { seed: 20_250_610, numRuns: 50 },
    );
    expect(windows).toBeGreaterThan(100);
    expect(late).toBeGreaterThan(20);
    expect(malformed).toBeGreaterThan(50);
    expect(items).toBeGreaterThan(500);
  });
});

describe("MonitorEngine: nothing is lost", () => {
  /**
   * Every input record is counted once: as counted (records), skipped, late, malformed or a hook
   * error, over all windows closed until closeAll. The exception: a partition in which no record
   * ever opens a window (no parsable, non-shadow record with a usable event time that is on time)
   * keeps its records in the partition's `pending`, which is not a window and is never reported.
   */
  it("closed windows' counts + what waits in pending = the input, and pending is empty for partitions that opened a window", async () => {
    await fc.assert(
      fc.asyncProperty(streamArb, fc.boolean(), async (s, withActive) => {
        const parts = sourceRecords(s);
        const active = parts.map((_, i) => KEYS[i] as PartitionKey);
        const e = engine({ lateness: s.lateness });
        const r = await run(e, cut(interleave(parts, s.interleaveSeed), s.batchSeed, s.batchChance), withActive ? active : undefined);
        const counted = r.closed.reduce((n, w) => n + total(w.counts), 0);
        const pending = e.windows.partitions().reduce((n, p) => n + (p.pending === undefined ? 0 : total(p.pending.counts)), 0);
        expect(counted + pending).toBe(parts.flat().length);
        // without hooks, the dead letters are exactly the late and malformed records
        expect(r.deadLetters).toHaveLength(r.closed.reduce((n, w) => n + w.counts.late + totalOf(w.counts.malformed), 0) + deadInPending(e));
        if (withActive) {
          // with every partition active, a partition's first window-opening record is never late
          s.partitions.forEach((p, i) => {
            if (p.recs.some((g) => opensWindow(g.kind))) expect(e.windows.partition(KEYS[i] as PartitionKey).pending).toBeUndefined();
          });
          if (s.partitions.every((p) => p.recs.some((g) => opensWindow(g.kind)))) expect(counted).toBe(parts.flat().length);
        }
      }),
      { seed: 20_250_612, numRuns: 150 },
    );
  });

  it("the exception: a partition that never opens a window keeps its records in pending", async () => {
    const [A, B] = [KEYS[0] as PartitionKey, KEYS[1] as PartitionKey];
    const e = engine();
    const r = await run(
      e,
      [
        [
          kafkaRecord(A, 0, captureLine({ input: "1,a", output: "1", time: at(10) })),
          kafkaRecord(B, 0, "{"),
          kafkaRecord(B, 1, captureLine({ input: "1,a", output: "1", time: at(10), shadow: true })),
        ],
      ],
      [A, B],
    );
    expect(r.closed.reduce((n, w) => n + total(w.counts), 0)).toBe(1);
    expect(e.windows.partition(B).pending?.counts).toEqual({
      records: 0,
      items: 0,
      skipped: { [SKIP_SHADOW]: 1 },
      late: 0,
      malformed: { "invalid JSON": 1 },
      hook_errors: {},
    });
    expect(r.deadLetters.map((d) => d.reason)).toEqual(["invalid JSON"]);
  });
});

function deadInPending(e: MonitorEngine): number {
  return e.windows.partitions().reduce((n, p) => n + (p.pending === undefined ? 0 : p.pending.counts.late + totalOf(p.pending.counts.malformed)), 0);
}

describe("MonitorEngine: column blocks", () => {
  it("counts every row of a batch before process() returns, so a window's close does not count its last rows", async () => {
    const e = engine();
    const update = vi.spyOn(FeatureProfile.prototype, "update");
    try {
      await e.process(fileRecords([captureLine({ input: "5,a", output: "1", time: at(5) }), captureLine({ input: "6,b", output: "0", time: at(6) })]));
      // every value counted (2 rows × label, x, c) though nothing read the profile yet
      expect(update).toHaveBeenCalledTimes(6);
      const w = e.windows.oldestOpenWindow(REPLAY);
      expect(w?.profile.features.get("x")?.numPresent).toBe(2);
    } finally {
      update.mockRestore();
    }
  });
});
