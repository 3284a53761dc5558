// Restart from a commit (docs/design-monitor.md): the checkpoint a partition commits, restored in
// a new engine that re-reads from the commit offset, gives the same closed windows, bit for bit,
// as a run that never stopped.
import { describe, expect, it } from "vitest";
import { MonitorEngine } from "../../src/engine/MonitorEngine.js";
import { decodeCheckpoint, encodeCheckpoint, MAX_METADATA_BYTES } from "../../src/sources/kafka/checkpointCodec.js";
import type { FeatureLayout } from "../../src/records/featureRow.js";
import { sagemakerCaptureDecoder } from "../../src/records/decoders/sagemakerCapture/index.js";
import { toStatistics } from "../../src/profiles/toStatistics.js";
import type { PartitionKey, SourceRecord } from "../../src/records/SourceRecord.js";
import { checkpointOf, newLedger, restoreFromCheckpoint } from "../../src/sources/kafka/restartLedger.js";
import { WindowManager, type ClosedWindow } from "../../src/windows/WindowManager.js";
import { mulberry32 } from "../support/random.js";

const T0 = Date.UTC(2026, 10, 1);
const W = 60_000;
const LAYOUT: FeatureLayout = { featureNames: ["label", "x", "c"], outputColumnsPosition: "START" };
const P: PartitionKey = { topic: "t", partition: 0 };

function line(ms: number, x: number, c: string, shadow = false): string {
  return JSON.stringify({
    captureData: {
      endpointInput: { observedContentType: "text/csv", mode: "INPUT", data: `${x},${c}`, encoding: "CSV" },
      endpointOutput: { observedContentType: "text/csv", mode: "OUTPUT", data: "1", encoding: "CSV" },
    },
    eventMetadata: { eventId: "e", inferenceTime: new Date(ms).toISOString(), ...(shadow ? { invocationSource: "ShadowExperiment" } : {}) },
    eventVersion: "0",
  });
}

/** A partition's records: mostly rising event times with jitter (some late), a few malformed and shadow records. */
function records(seed: number, n: number): SourceRecord[] {
  const rand = mulberry32(seed);
  const out: SourceRecord[] = [];
  let t = T0 + Math.floor(rand() * W);
  for (let i = 0; i < n; i++) {
    t += Math.floor(rand() * 4_000);
    const jitter = rand() < 0.15 ? -Math.floor(rand() * 90_000) : 0;
    const r = rand();
    const value = r < 0.04 ? "{not json" : line(t + jitter, Math.floor(rand() * 100), rand() < 0.5 ? "a" : "b", r > 0.96);
    out.push({ partition: P, position: { topic: P.topic, partition: P.partition, offset: String(i) }, value });
  }
  return out;
}

function engine(): MonitorEngine {
  return new MonitorEngine({
    decoder: sagemakerCaptureDecoder,
    windows: new WindowManager({ windowMs: W, allowedLatenessMs: 30_000, history: newLedger }),
    layout: LAYOUT,
    fallbackToSourceTimestamp: false,
  });
}

function bytes(w: ClosedWindow): string {
  return JSON.stringify({ s: w.startMs, stats: toStatistics(w.profile), counts: w.counts, inputs: w.inputs });
}

function batches(rs: readonly SourceRecord[], seed: number): SourceRecord[][] {
  const rand = mulberry32(seed);
  const out: SourceRecord[][] = [];
  for (let i = 0; i < rs.length;) {
    const n = 1 + Math.floor(rand() * 12);
    out.push(rs.slice(i, i + n));
    i += n;
  }
  return out;
}

async function uninterrupted(rs: readonly SourceRecord[], seed: number): Promise<Map<number, string>> {
  const e = engine();
  const out = new Map<number, string>();
  for (const b of batches(rs, seed)) for (const w of (await e.process(b, [P])).closed) out.set(w.startMs, bytes(w));
  for (const w of e.closeAll()) out.set(w.startMs, bytes(w));
  return out;
}

describe("MonitorEngine: restart from a committed checkpoint", () => {
  for (const seed of Array.from({ length: 24 }, (_, i) => i + 1)) {
    it(`gives the windows of an uninterrupted run (seed ${seed})`, async () => {
      const rs = records(seed, 400);
      const expected = await uninterrupted(rs, seed);
      const bs = batches(rs, seed);
      const rand = mulberry32(seed * 31);
      const commitAfter = 1 + Math.floor(rand() * (bs.length - 2));
      const crashAfter = Math.min(bs.length - 1, commitAfter + Math.floor(rand() * 6));

      // Run 1: commits after batch `commitAfter`, keeps going, and crashes after `crashAfter`.
      const written = new Map<number, string>();
      const e1 = engine();
      let commit: { offset: string; metadata: string } | undefined;
      for (const [i, b] of bs.entries()) {
        if (i > crashAfter) break;
        for (const w of (await e1.process(b, [P])).closed) written.set(w.startMs, bytes(w));
        if (i === commitAfter) {
          const last = b[b.length - 1] as SourceRecord;
          const next = String(Number((last.position as { offset: string }).offset) + 1);
          const c = checkpointOf(e1.windows, P, next);
          commit = { offset: c.offset, metadata: encodeCheckpoint(c.checkpoint) };
        }
      }
      if (commit === undefined) throw new Error("no commit");

      // Run 2: restored from the commit, re-reads from its offset to the end.
      const e2 = engine();
      const checkpoint = decodeCheckpoint(commit.metadata);
      if (checkpoint === undefined) throw new Error("checkpoint unreadable");
      restoreFromCheckpoint(e2.windows, P, checkpoint, commit.offset);
      const from = Number(commit.offset);
      const rest = rs.slice(from);
      const rewritten = new Map<number, string>();
      for (const b of batches(rest, seed + 100)) for (const w of (await e2.process(b, [P])).closed) rewritten.set(w.startMs, bytes(w));
      for (const w of e2.closeAll()) rewritten.set(w.startMs, bytes(w));

      // A window written by both runs is written with the same bytes; together they are the uninterrupted run's.
      for (const [start, b] of rewritten) if (written.has(start)) expect(b).toBe(written.get(start));
      const final = new Map([...written, ...rewritten]);
      expect([...final.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [start, b] of expected) expect(final.get(start), new Date(start).toISOString()).toBe(b);
    });
  }
});

describe("MonitorEngine: chained restarts (a run restored from a commit crashes while re-reading)", () => {
  // 405 and 431 failed before the ledger kept first-read history through re-reads (of seeds 101–500)
  for (const seed of [...Array.from({ length: 60 }, (_, i) => i + 101), 405, 431]) {
    it(`three crashes give the windows of an uninterrupted run (seed ${seed})`, async () => {
      const rs = records(seed, 400);
      const expected = await uninterrupted(rs, seed);
      const rand = mulberry32(seed * 17);
      const final = new Map<number, string>();
      let commit: { offset: string; metadata: string } | undefined;
      for (let run = 0; run <= 3; run++) {
        const e = engine();
        if (commit !== undefined) {
          const checkpoint = decodeCheckpoint(commit.metadata);
          if (checkpoint === undefined) throw new Error("checkpoint unreadable");
          restoreFromCheckpoint(e.windows, P, checkpoint, commit.offset);
        }
        // each run reads from the commit in batches of its own: windows close at other offsets than before
        const bs = batches(rs.slice(commit === undefined ? 0 : Number(commit.offset)), seed + 1000 * run);
        // runs 0–2 crash a few batches in, committing after each batch until then; run 3 goes to the end
        const crashAfter = run === 3 ? bs.length : 1 + Math.floor(rand() * 8);
        for (const [i, b] of bs.entries()) {
          if (i > crashAfter) break;
          for (const w of (await e.process(b, [P])).closed) {
            const was = final.get(w.startMs);
            if (was !== undefined) expect(bytes(w), `run ${run}: ${new Date(w.startMs).toISOString()} rewritten differently`).toBe(was);
            final.set(w.startMs, bytes(w));
          }
          const last = b[b.length - 1] as SourceRecord;
          const c = checkpointOf(e.windows, P, String(Number((last.position as { offset: string }).offset) + 1));
          commit = { offset: c.offset, metadata: encodeCheckpoint(c.checkpoint) };
        }
        if (run === 3) for (const w of e.closeAll()) final.set(w.startMs, bytes(w));
      }
      expect([...final.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [start, b] of expected) expect(final.get(start), new Date(start).toISOString()).toBe(b);
    });
  }
});

/**
 * Two partitions whose windows also close by each other's watermark and by idle closes: whether a
 * record finds its window closed then depends on how the partitions interleaved, which the commit
 * metadata's `closes` history carries over a restart.
 */
describe("MonitorEngine: restart with two partitions, cross-partition and idle closes", () => {
  const Q: PartitionKey = { topic: "t", partition: 1 };
  type Step = { kind: "batch"; key: PartitionKey; records: SourceRecord[] } | { kind: "idle" };

  function partitionRecords(key: PartitionKey, seed: number, n: number): SourceRecord[] {
    return records(seed, n).map((r) => ({
      ...r,
      partition: key,
      position: { ...(r.position as { offset: string }), topic: key.topic, partition: key.partition },
    }));
  }

  /** Batches of P and Q interleaved at random, P or Q running ahead for a while, idle closes in between. */
  function schedule(seed: number): Step[] {
    const rand = mulberry32(seed);
    const queues = [partitionRecords(P, seed * 7, 300), partitionRecords(Q, seed * 13, 300)];
    const steps: Step[] = [];
    let bias = 0.5;
    while (queues.some((q) => q.length > 0)) {
      if (rand() < 0.1) bias = rand();
      if (rand() < 0.03) {
        steps.push({ kind: "idle" });
        continue;
      }
      const which = queues[0]?.length === 0 ? 1 : queues[1]?.length === 0 ? 0 : rand() < bias ? 0 : 1;
      const q = queues[which] as SourceRecord[];
      steps.push({ kind: "batch", key: which === 0 ? P : Q, records: q.splice(0, 1 + Math.floor(rand() * 10)) });
    }
    return steps;
  }

  const nextOf = (b: readonly SourceRecord[]): string => String(Number(((b[b.length - 1] as SourceRecord).position as { offset: string }).offset) + 1);

  async function step(e: MonitorEngine, st: Step, out: Map<number, string>): Promise<void> {
    const closed = st.kind === "idle" ? e.closeAll() : (await e.process(st.records, [P, Q])).closed;
    for (const w of closed) out.set(w.startMs, bytes(w));
  }

  for (const seed of Array.from({ length: 16 }, (_, i) => i + 1)) {
    it(`gives the windows of an uninterrupted run (seed ${seed})`, async () => {
      const steps = schedule(seed);
      const expected = new Map<number, string>();
      const ref = engine();
      for (const st of steps) await step(ref, st, expected);
      for (const w of ref.closeAll()) expected.set(w.startMs, bytes(w));

      // Run 1 commits both partitions after every step (as the monitor does) and crashes at a random step.
      const rand = mulberry32(seed * 101);
      const crashAt = 1 + Math.floor(rand() * (steps.length - 2));
      const written = new Map<number, string>();
      const e1 = engine();
      const next = new Map<number, string>();
      const commits = new Map<number, { offset: string; metadata: string }>();
      for (const st of steps.slice(0, crashAt)) {
        await step(e1, st, written);
        if (st.kind === "batch") next.set(st.key.partition, nextOf(st.records));
        for (const key of [P, Q]) {
          const n = next.get(key.partition);
          if (n === undefined) continue;
          const c = checkpointOf(e1.windows, key, n);
          commits.set(key.partition, { offset: c.offset, metadata: encodeCheckpoint(c.checkpoint) });
        }
      }

      // Run 2: both partitions restored from their commits, re-read in a different interleaving
      // up to where run 1 stopped, then the rest of the schedule as the uninterrupted run had it.
      const e2 = engine();
      const rewritten = new Map<number, string>();
      const reread: SourceRecord[][] = [];
      for (const key of [P, Q]) {
        const c = commits.get(key.partition);
        const done = steps.slice(0, crashAt).flatMap((st) => (st.kind === "batch" && st.key === key ? st.records : []));
        if (c === undefined) {
          reread.push(done);
          continue;
        }
        const checkpoint = decodeCheckpoint(c.metadata);
        if (checkpoint === undefined) throw new Error("checkpoint unreadable");
        restoreFromCheckpoint(e2.windows, key, checkpoint, c.offset);
        reread.push(done.filter((r) => Number((r.position as { offset: string }).offset) >= Number(c.offset)));
      }
      const [rp, rq] = reread as [SourceRecord[], SourceRecord[]];
      const order = [...batches(rq, seed + 5), ...batches(rp, seed + 3)]; // Q first this time
      for (const b of order) if (b.length > 0) for (const w of (await e2.process(b, [P, Q])).closed) rewritten.set(w.startMs, bytes(w));
      for (const st of steps.slice(crashAt)) await step(e2, st, rewritten);
      for (const w of e2.closeAll()) rewritten.set(w.startMs, bytes(w));

      for (const [start, b] of rewritten) if (written.has(start)) expect(b, new Date(start).toISOString()).toBe(written.get(start));
      const final = new Map([...written, ...rewritten]);
      expect([...final.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [start, b] of expected) expect(final.get(start), new Date(start).toISOString()).toBe(b);
    });
  }
});

describe("commit metadata", () => {
  it("round-trips, with −∞ as null", () => {
    const c = {
      maxEventMs: Number.NEGATIVE_INFINITY,
      closedUpToMs: T0,
      processedTo: "42",
      closes: [
        ["40", Number.NEGATIVE_INFINITY],
        ["41", T0],
      ] as const,
    };
    expect(encodeCheckpoint(c)).toBe(`{"v":2,"max_event_ms":null,"closed_up_to_ms":${T0},"processed_to":"42","closes":[["40",null],["41",${T0}]]}`);
    expect(decodeCheckpoint(encodeCheckpoint(c))).toEqual(c);
    expect(decodeCheckpoint(`{"v":1,"max_event_ms":null,"closed_up_to_ms":${T0}}`)).toEqual({ maxEventMs: Number.NEGATIVE_INFINITY, closedUpToMs: T0 });
    expect(decodeCheckpoint(null)).toBeUndefined();
    expect(decodeCheckpoint("")).toBeUndefined();
    expect(decodeCheckpoint("{")).toBeUndefined();
    expect(decodeCheckpoint('{"v":3,"max_event_ms":1,"closed_up_to_ms":1}')).toBeUndefined();
    expect(decodeCheckpoint('{"v":2,"max_event_ms":1,"closed_up_to_ms":1,"processed_to":"x","closes":[]}')).toBeUndefined();
    expect(decodeCheckpoint('{"v":2,"max_event_ms":1,"closed_up_to_ms":1,"processed_to":"3","closes":[["1"]]}')).toBeUndefined();
  });

  it("stays within Kafka's metadata limit by merging the oldest history entries", () => {
    const closes = Array.from({ length: 300 }, (_, i) => [String(1000 + i), T0 + i * W] as const);
    const text = encodeCheckpoint({ maxEventMs: T0, closedUpToMs: T0 + 300 * W, processedTo: "2000", closes });
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_METADATA_BYTES);
    const back = decodeCheckpoint(text);
    expect(back?.closes?.[0]?.[0]).toBe("1000"); // the commit offset's entry stays first
    expect(back?.closes?.at(-1)).toEqual(closes.at(-1)); // the newest survive unchanged
  });
});
