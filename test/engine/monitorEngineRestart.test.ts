// Restart from a commit (docs/design-monitor.md): the checkpoint a partition commits, restored in
// a new engine that re-reads from the commit offset, gives the same closed windows, bit for bit,
// as a run that never stopped.
import { describe, expect, it } from "vitest";
import { MonitorEngine } from "../../src/engine/MonitorEngine.js";
import { decodeCheckpoint, encodeCheckpoint } from "../../src/engine/runMonitor.js";
import type { FeatureLayout } from "../../src/records/captureRecord.js";
import { toStatistics } from "../../src/profiles/toStatistics.js";
import type { PartitionKey, SourceRecord } from "../../src/sources/Source.js";
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
  return new MonitorEngine({ windows: new WindowManager({ windowMs: W, allowedLatenessMs: 30_000 }), layout: LAYOUT, fallbackToSourceTimestamp: false });
}

function bytes(w: ClosedWindow): string {
  return JSON.stringify({ s: w.startMs, stats: toStatistics(w.profile), counts: w.counts, inputs: w.inputs });
}

function batches(rs: readonly SourceRecord[], seed: number): SourceRecord[][] {
  const rand = mulberry32(seed);
  const out: SourceRecord[][] = [];
  for (let i = 0; i < rs.length; ) {
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
          const c = e1.windows.checkpoint(P, next);
          commit = { offset: c.offset, metadata: encodeCheckpoint(c.checkpoint) };
        }
      }
      if (commit === undefined) throw new Error("no commit");

      // Run 2: restored from the commit, re-reads from its offset to the end.
      const e2 = engine();
      const checkpoint = decodeCheckpoint(commit.metadata);
      if (checkpoint === undefined) throw new Error("checkpoint unreadable");
      e2.windows.restorePartition(P, checkpoint);
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

describe("commit metadata", () => {
  it("round-trips, with −∞ as null", () => {
    const c = { maxEventMs: Number.NEGATIVE_INFINITY, closedUpToMs: T0 };
    expect(encodeCheckpoint(c)).toBe(`{"v":1,"max_event_ms":null,"closed_up_to_ms":${T0}}`);
    expect(decodeCheckpoint(encodeCheckpoint(c))).toEqual(c);
    expect(decodeCheckpoint(null)).toBeUndefined();
    expect(decodeCheckpoint("")).toBeUndefined();
    expect(decodeCheckpoint("{")).toBeUndefined();
    expect(decodeCheckpoint('{"v":2,"max_event_ms":1,"closed_up_to_ms":1}')).toBeUndefined();
  });
});
