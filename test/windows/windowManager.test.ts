import { describe, expect, it } from "vitest";
import { DatasetProfile } from "../../src/profiles/DatasetProfile.js";
import type { RawValue } from "../../src/records/valueType.js";
import { toStatistics } from "../../src/profiles/toStatistics.js";
import type { PartitionKey, Position } from "../../src/records/SourceRecord.js";
import { bump, emptyCounts } from "../../src/windows/WindowCounts.js";
import { WindowManager, type PartitionWindow } from "../../src/windows/WindowManager.js";

const S = 1000;
const W = 60 * S; // 1-minute windows
const P0: PartitionKey = { topic: "t", partition: 0 };
const P1: PartitionKey = { topic: "t", partition: 1 };

function pos(key: PartitionKey, offset: number): Position {
  return { topic: key.topic, partition: key.partition, offset: String(offset) };
}

/**
 * What the engine does with one record of a partition: late → counted late in the attribution
 * target; on time → its window (created if needed), one row added.
 */
function arrive(
  wm: WindowManager,
  key: PartitionKey,
  eventMs: number,
  offset: number,
  row: Record<string, RawValue> = { v: eventMs / S },
): "late" | PartitionWindow {
  const s = wm.partition(key);
  if (wm.isLate(s, eventMs)) {
    const target = wm.attributionTarget(s);
    target.counts.late++;
    wm.touch(target, pos(key, offset));
    return "late";
  }
  const w = wm.windowFor(s, eventMs);
  wm.touch(w, pos(key, offset));
  w.counts.records++;
  w.counts.items++;
  w.profile.addObjectRow(row);
  return w;
}

function starts(closed: ReadonlyArray<{ startMs: number }>): number[] {
  return closed.map((c) => c.startMs);
}

describe("WindowManager: lateness is per partition", () => {
  it("a record behind its own partition's watermark is late even while another partition lags and its window is open", () => {
    const wm = new WindowManager({ windowMs: W, allowedLatenessMs: 0 });
    arrive(wm, P0, 100 * S, 1);
    arrive(wm, P1, 10 * S, 1);
    expect(wm.closeReady()).toEqual([]); // P1's watermark (10 s) holds [0, 60 s) open
    expect(wm.isLate(wm.partition(P0), 50 * S)).toBe(true); // below P0's watermark 100 s
    expect(arrive(wm, P0, 50 * S, 2)).toBe("late");
    // the same time is on time in P1, whose own watermark is 10 s
    expect(wm.isLate(wm.partition(P1), 50 * S)).toBe(false);
    const w = arrive(wm, P1, 50 * S, 2);
    expect(w).not.toBe("late");
    expect((w as PartitionWindow).startMs).toBe(0);
  });

  it("a record exactly at the watermark is on time; just below it is late", () => {
    const wm = new WindowManager({ windowMs: W, allowedLatenessMs: 0 });
    const s = wm.partition(P0);
    expect(wm.watermark(s)).toBe(Number.NEGATIVE_INFINITY);
    expect(wm.isLate(s, -1e15)).toBe(false); // nothing seen yet: nothing is late
    arrive(wm, P0, 100 * S, 1);
    expect(wm.watermark(s)).toBe(100 * S);
    expect(wm.isLate(s, 100 * S)).toBe(false);
    expect(wm.isLate(s, 100 * S - 1)).toBe(true);
  });

  it("allowed lateness lets out-of-order records in: watermark = greatest event time − allowed lateness", () => {
    const wm = new WindowManager({ windowMs: W, allowedLatenessMs: 30 * S });
    const s = wm.partition(P0);
    arrive(wm, P0, 100 * S, 1);
    expect(wm.watermark(s)).toBe(70 * S);
    expect(arrive(wm, P0, 75 * S, 2)).not.toBe("late");
    expect(arrive(wm, P0, 70 * S, 3)).not.toBe("late");
    expect(arrive(wm, P0, 45 * S, 4)).toBe("late"); // 45 s < 70 s
    // an out-of-order record does not move the watermark back
    expect(s.maxEventMs).toBe(100 * S);
    // a record in an earlier window, still within the lateness, lands in that window
    const wm2 = new WindowManager({ windowMs: W, allowedLatenessMs: 90 * S });
    arrive(wm2, P0, 100 * S, 1);
    const w = arrive(wm2, P0, 20 * S, 2) as PartitionWindow;
    expect(w.startMs).toBe(0);
    expect(wm2.partition(P0).windows.size).toBe(2);
  });
});

describe("WindowManager: closing", () => {
  it("a window closes only when the smallest watermark over the partitions passes its end", () => {
    const wm = new WindowManager({ windowMs: W, allowedLatenessMs: 0 });
    arrive(wm, P0, 10 * S, 1);
    arrive(wm, P0, 200 * S, 2);
    arrive(wm, P1, 30 * S, 1);
    expect(wm.closeReady()).toEqual([]); // min watermark 30 s
    arrive(wm, P1, 59 * S, 2);
    expect(wm.closeReady()).toEqual([]); // 59 s < end 60 s
    arrive(wm, P1, 60 * S, 3);
    const first = wm.closeReady(); // min watermark 60 s = end of [0, 60 s)
    expect(starts(first)).toEqual([0]);
    expect(first[0]?.endMs).toBe(W);
    expect(first[0]?.counts.records).toBe(3); // P0@10 s, P1@30 s, P1@59 s
    expect(first[0]?.profile.itemCount).toBe(3);
    expect(wm.closedUpToMs).toBe(W);
    arrive(wm, P1, 190 * S, 4);
    // min watermark 190 s: [60, 120) (P1 only) and [120, 180) (nobody) → only existing windows close
    const second = wm.closeReady();
    expect(starts(second)).toEqual([60 * S]);
    expect(second[0]?.inputs.map((i) => i.partition)).toEqual([P1]);
    expect(wm.closedUpToMs).toBe(120 * S);
    // [180, 240) is held open by both partitions' watermarks
    expect(wm.openWindowCount).toBe(1);
    expect(wm.closeReady()).toEqual([]);
  });

  it("allowed lateness delays closing: the watermark, not the greatest event time, must pass the end", () => {
    const wm = new WindowManager({ windowMs: W, allowedLatenessMs: 30 * S });
    arrive(wm, P0, 10 * S, 1);
    arrive(wm, P0, 89 * S, 2);
    expect(wm.closeReady()).toEqual([]); // watermark 59 s
    arrive(wm, P0, 90 * S, 3);
    expect(starts(wm.closeReady())).toEqual([0]);
  });

  it("closes several windows in start order and merges each window's partitions", () => {
    const wm = new WindowManager({ windowMs: W, allowedLatenessMs: 300 * S });
    arrive(wm, P1, 130 * S, 1);
    arrive(wm, P0, 70 * S, 1);
    arrive(wm, P0, 10 * S, 2);
    arrive(wm, P1, 20 * S, 2);
    arrive(wm, P0, 500 * S, 3);
    arrive(wm, P1, 500 * S, 3);
    const closed = wm.closeReady(); // min watermark 200 s
    expect(starts(closed)).toEqual([0, 60 * S, 120 * S]);
    expect(closed.map((c) => c.inputs.map((i) => i.partition.partition))).toEqual([[0, 1], [0], [1]]);
    expect(closed.map((c) => c.counts.records)).toEqual([2, 1, 1]);
  });

  it("with an explicit active list, a listed partition without any event time yet holds every window open", () => {
    const wm = new WindowManager({ windowMs: W, allowedLatenessMs: 0 });
    arrive(wm, P0, 10 * S, 1);
    arrive(wm, P0, 500 * S, 2);
    expect(wm.closeReady([P0, P1])).toEqual([]); // P1 assigned but silent: watermark −∞
    expect(wm.closedUpToMs).toBe(Number.NEGATIVE_INFINITY);
    // so P1's first records, however old, are judged by P1's own order only
    expect(arrive(wm, P1, 5 * S, 1)).not.toBe("late");
    arrive(wm, P1, 400 * S, 2);
    expect(starts(wm.closeReady([P0, P1]))).toEqual([0]);
    // a partition left out of the list (idle) no longer holds windows back
    expect(starts(wm.closeReady([P0]))).toEqual([360 * S]);
  });

  it("closeAll closes every open window in start order, whatever the watermarks", () => {
    const wm = new WindowManager({ windowMs: W, allowedLatenessMs: 0 });
    arrive(wm, P1, 300 * S, 1);
    arrive(wm, P0, 10 * S, 1);
    arrive(wm, P0, 130 * S, 2);
    const closed = wm.closeAll();
    expect(starts(closed)).toEqual([0, 120 * S, 300 * S]);
    expect(wm.openWindowCount).toBe(0);
    expect(wm.closedUpToMs).toBe(360 * S);
    expect(wm.closeAll()).toEqual([]);
    expect(wm.closeReady()).toEqual([]);
  });
});

describe("WindowManager: closedUpTo", () => {
  it("a partition first seen after windows closed finds them closed: its records for them are late", () => {
    const wm = new WindowManager({ windowMs: W, allowedLatenessMs: 0 });
    arrive(wm, P0, 10 * S, 1);
    arrive(wm, P0, 200 * S, 2);
    expect(starts(wm.closeReady())).toEqual([0]); // by default only partitions seen count
    const s1 = wm.partition(P1);
    expect(wm.watermark(s1)).toBe(Number.NEGATIVE_INFINITY);
    expect(wm.isLate(s1, 30 * S)).toBe(true); // its window [0, 60 s) is closed
    expect(wm.isLate(s1, W - 1)).toBe(true);
    expect(wm.isLate(s1, W)).toBe(false); // [60 s, 120 s) never opened: not closed
    expect(arrive(wm, P1, 30 * S, 1)).toBe("late");
    // the late record waits in P1's pending (P1 has no window yet) and joins its first window
    expect(s1.pending?.counts.late).toBe(1);
    const w = arrive(wm, P1, 70 * S, 2) as PartitionWindow;
    expect(w.counts.late).toBe(1);
    expect(s1.pending).toBeUndefined();
  });

  it("after closeAll every record for a closed window is late, a later window is not", () => {
    const wm = new WindowManager({ windowMs: W, allowedLatenessMs: 600 * S });
    arrive(wm, P0, 100 * S, 1);
    wm.closeAll();
    const s = wm.partition(P0);
    expect(wm.isLate(s, 90 * S)).toBe(true); // within the allowed lateness, but [60, 120) is closed
    expect(wm.isLate(s, 120 * S)).toBe(false);
  });
});

describe("WindowManager: attribution of records not counted in their own window", () => {
  it("goes to the window holding the partition's greatest event time", () => {
    const wm = new WindowManager({ windowMs: W, allowedLatenessMs: 120 * S });
    arrive(wm, P0, 150 * S, 1); // [120, 180)
    arrive(wm, P0, 40 * S, 2); // on time: [0, 60)
    const s = wm.partition(P0);
    expect(wm.attributionTarget(s).startMs).toBe(120 * S); // not the newest window, the greatest time's
    arrive(wm, P0, 200 * S, 3); // [180, 240)
    expect(wm.attributionTarget(s).startMs).toBe(180 * S);
    expect(arrive(wm, P0, 50 * S, 4)).toBe("late"); // 50 s < watermark 80 s
    expect(s.windows.get(180 * S)?.counts.late).toBe(1);
    expect(s.windows.get(0)?.counts.late).toBe(0); // not its own (open) window
  });

  it("is another partition's business only through the merge: each partition has its own target", () => {
    const wm = new WindowManager({ windowMs: W, allowedLatenessMs: 0 });
    arrive(wm, P0, 200 * S, 1);
    arrive(wm, P1, 10 * S, 1);
    expect(wm.attributionTarget(wm.partition(P0)).startMs).toBe(180 * S);
    expect(wm.attributionTarget(wm.partition(P1)).startMs).toBe(0);
  });

  it("before a partition has any window, counts wait in `pending` and join its first window", () => {
    const wm = new WindowManager({ windowMs: W, allowedLatenessMs: 0 });
    const s = wm.partition(P0);
    const p = wm.attributionTarget(s);
    expect(s.pending).toBe(p);
    expect(Number.isNaN(p.startMs)).toBe(true);
    bump(p.counts.malformed, "invalid JSON");
    wm.touch(p, pos(P0, 7));
    const p2 = wm.attributionTarget(s);
    expect(p2).toBe(p); // the same pending
    bump(p2.counts.skipped, "shadow traffic");
    wm.touch(p2, pos(P0, 8));
    expect(wm.closeAll()).toEqual([]); // pending is not a window
    expect(wm.closedUpToMs).toBe(Number.NEGATIVE_INFINITY);

    const w = arrive(wm, P0, 130 * S, 9) as PartitionWindow;
    expect(w.startMs).toBe(120 * S);
    expect(s.pending).toBeUndefined();
    expect(w.counts).toEqual({ ...emptyCounts(), records: 1, items: 1, skipped: { "shadow traffic": 1 }, malformed: { "invalid JSON": 1 } });
    expect(w.first).toEqual(pos(P0, 7));
    expect(w.last).toEqual(pos(P0, 9));
    // only the first window takes them
    const w2 = arrive(wm, P0, 190 * S, 10) as PartitionWindow;
    expect(w2.counts).toEqual({ ...emptyCounts(), records: 1, items: 1 });
    const [closed] = wm.closeAll();
    expect(closed?.counts.malformed).toEqual({ "invalid JSON": 1 });
    expect(closed?.inputs).toEqual([{ partition: P0, first: pos(P0, 7), last: pos(P0, 9) }]);
  });
});

describe("WindowManager: merge at close in (topic, partition) order", () => {
  it("merges partition profiles by topic, then partition number, whatever the arrival order", () => {
    const keys: PartitionKey[] = [
      { topic: "b", partition: 0 },
      { topic: "a", partition: 10 },
      { topic: "a", partition: 2 },
    ];
    const wm = new WindowManager({ windowMs: W, allowedLatenessMs: 0 });
    const rows = new Map<string, Array<Record<string, RawValue>>>([
      ["b/0", [{ b: 1.5 }, { b: 2.25, x: "q" }]],
      ["a/10", [{ ten: 3 }, { x: "p" }]],
      ["a/2", [{ two: 0.1 }, { x: "r", two: 0.2 }]],
    ]);
    let offset = 0;
    // arrival order: b/0, a/10, a/2, interleaved
    for (let i = 0; i < 2; i++) {
      for (const k of keys) {
        const row = rows.get(`${k.topic}/${k.partition}`)?.[i] ?? {};
        arrive(wm, k, (10 + i) * S, offset++, row);
      }
    }
    const [closed] = wm.closeAll();
    if (closed === undefined) throw new Error("no window");
    expect(closed.inputs.map((i) => `${i.partition.topic}/${i.partition.partition}`)).toEqual(["a/2", "a/10", "b/0"]);
    // features in first-seen order of the merge order: a/2's, then a/10's, then b/0's
    expect([...closed.profile.features.keys()]).toEqual(["two", "x", "ten", "b"]);
    // byte-identical to merging the partitions' own profiles in that order
    const part = (k: string): DatasetProfile => {
      const p = new DatasetProfile();
      for (const r of rows.get(k) ?? []) p.addObjectRow(r);
      return p;
    };
    const expected = new DatasetProfile().merge(part("a/2")).merge(part("a/10")).merge(part("b/0"));
    expect(JSON.stringify(toStatistics(closed.profile))).toBe(JSON.stringify(toStatistics(expected)));
    expect(closed.counts.records).toBe(6);
  });

  it("merges counts with sorted reason keys", () => {
    const wm = new WindowManager({ windowMs: W, allowedLatenessMs: 0 });
    const w1 = wm.windowFor(wm.partition(P1), 5 * S);
    bump(w1.counts.malformed, "row count mismatch");
    bump(w1.counts.malformed, "invalid JSON");
    const w0 = wm.windowFor(wm.partition(P0), 5 * S);
    bump(w0.counts.malformed, "invalid payload");
    bump(w0.counts.malformed, "invalid JSON", 2);
    const [closed] = wm.closeAll();
    expect(JSON.stringify(closed?.counts.malformed)).toBe('{"invalid JSON":3,"invalid payload":1,"row count mismatch":1}');
  });
});

describe("WindowManager: oldestOpenWindow (its first position)", () => {
  it("is the earliest first position over the partition's open windows, compared as offsets (not strings)", () => {
    const wm = new WindowManager({ windowMs: W, allowedLatenessMs: 120 * S });
    expect(wm.oldestOpenWindow(P0)?.first).toBeUndefined(); // unknown partition
    arrive(wm, P0, 70 * S, 9); // [60, 120) first = 9
    arrive(wm, P0, 10 * S, 10); // [0, 60) first = 10: "10" < "9" as strings
    arrive(wm, P0, 80 * S, 11);
    expect(wm.oldestOpenWindow(P0)?.first).toEqual(pos(P0, 9));
    arrive(wm, P0, 200 * S, 12); // watermark 80 s: [0, 60) closes
    expect(starts(wm.closeReady())).toEqual([0]);
    expect(wm.oldestOpenWindow(P0)?.first).toEqual(pos(P0, 9));
    arrive(wm, P0, 250 * S, 13); // watermark 130 s: [60, 120) closes
    expect(starts(wm.closeReady())).toEqual([60 * S]);
    expect(wm.oldestOpenWindow(P0)?.first).toEqual(pos(P0, 12));
    wm.closeAll();
    expect(wm.oldestOpenWindow(P0)?.first).toBeUndefined();
  });

  it("includes records waiting in pending, and orders file positions by file, then line", () => {
    const wm = new WindowManager({ windowMs: W, allowedLatenessMs: 0 });
    const replay: PartitionKey = { topic: "replay", partition: 0 };
    const s = wm.partition(replay);
    wm.touch(wm.attributionTarget(s), { file: "a.jsonl", line: 10 });
    expect(wm.oldestOpenWindow(replay)?.first).toEqual({ file: "a.jsonl", line: 10 });
    const w = wm.windowFor(s, 10 * S);
    wm.touch(w, { file: "a.jsonl", line: 11 });
    const w2 = wm.windowFor(s, 100 * S);
    wm.touch(w2, { file: "a.jsonl", line: 9 }); // an earlier line in a later window
    expect(wm.oldestOpenWindow(replay)?.first).toEqual({ file: "a.jsonl", line: 9 });
    const w3 = wm.windowFor(s, 200 * S);
    wm.touch(w3, { file: "0.jsonl", line: 50 });
    expect(wm.oldestOpenWindow(replay)?.first).toEqual({ file: "0.jsonl", line: 50 });
  });
});

describe("WindowManager: dropPartition", () => {
  it("forgets the partition's open windows and its watermark", () => {
    const wm = new WindowManager({ windowMs: W, allowedLatenessMs: 0 });
    arrive(wm, P0, 10 * S, 1);
    arrive(wm, P0, 100 * S, 2);
    arrive(wm, P0, 300 * S, 3);
    arrive(wm, P1, 20 * S, 1);
    arrive(wm, P1, 70 * S, 2);
    expect(starts(wm.closeReady())).toEqual([0]); // P1's watermark 70 s
    wm.dropPartition(P1);
    expect(wm.partitions().map((p) => p.key)).toEqual([P0]);
    expect(wm.oldestOpenWindow(P1)?.first).toBeUndefined();
    // P1 no longer holds windows back, and its [60, 120) share is gone (the new owner re-reads it)
    const closed = wm.closeReady();
    expect(starts(closed)).toEqual([60 * S]);
    expect(closed[0]?.inputs.map((i) => i.partition)).toEqual([P0]);
    expect(closed[0]?.counts.records).toBe(1);
    const rest = wm.closeAll();
    expect(starts(rest)).toEqual([300 * S]);
    expect(rest[0]?.inputs.map((i) => i.partition)).toEqual([P0]);
    // seen again, the partition starts afresh
    expect(wm.partition(P1).maxEventMs).toBe(Number.NEGATIVE_INFINITY);
    expect(wm.partition(P1).windows.size).toBe(0);
  });
});
