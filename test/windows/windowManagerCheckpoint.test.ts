// WindowManager's checkpoints (docs/design-monitor.md): the commit offset and metadata of a
// partition, and the restore that lets a re-read skip what was counted before.
import { describe, expect, it } from "vitest";
import type { PartitionKey, Position } from "../../src/sources/Source.js";
import { WindowManager } from "../../src/windows/WindowManager.js";

const W = 60_000;
const P: PartitionKey = { topic: "t", partition: 0 };
const Q: PartitionKey = { topic: "t", partition: 1 };
const pos = (offset: number): Position => ({ topic: P.topic, partition: P.partition, offset: String(offset) });

function arrive(wm: WindowManager, eventMs: number, offset: number): void {
  const s = wm.partition(P);
  const w = wm.windowFor(s, eventMs);
  wm.touch(w, pos(offset));
}

describe("WindowManager checkpoints", () => {
  it("points at the first record of the oldest open window, with the greatest event time before it", () => {
    const wm = new WindowManager({ windowMs: W, allowedLatenessMs: 0 });
    arrive(wm, 10_000, 0);
    arrive(wm, 50_000, 1);
    arrive(wm, 70_000, 2); // window [60 s, 120 s) created after max 50 s
    arrive(wm, 80_000, 3);
    expect(wm.checkpoint(P, "4")).toEqual({ offset: "0", checkpoint: { maxEventMs: Number.NEGATIVE_INFINITY, closedUpToMs: Number.NEGATIVE_INFINITY } });
    expect(wm.closeReady([P]).map((w) => w.startMs)).toEqual([0]);
    expect(wm.checkpoint(P, "4")).toEqual({ offset: "2", checkpoint: { maxEventMs: 50_000, closedUpToMs: W } });
    wm.closeAll();
    expect(wm.checkpoint(P, "4")).toEqual({ offset: "4", checkpoint: { maxEventMs: 80_000, closedUpToMs: 2 * W } });
    // a partition never seen: the next offset, nothing known
    expect(wm.checkpoint(Q, "7").offset).toBe("7");
  });

  it("a pending slot (records before any window) holds the commit at its first record", () => {
    const wm = new WindowManager({ windowMs: W, allowedLatenessMs: 0 });
    const s = wm.partition(P);
    wm.touch(wm.attributionTarget(s), pos(5));
    expect(wm.checkpoint(P, "6").offset).toBe("5");
    arrive(wm, 1_000, 6); // the window takes the pending counts and their first position
    expect(wm.checkpoint(P, "7")).toEqual({ offset: "5", checkpoint: { maxEventMs: Number.NEGATIVE_INFINITY, closedUpToMs: Number.NEGATIVE_INFINITY } });
  });

  it("restores the watermark and recognises re-read records of closed windows", () => {
    const wm = new WindowManager({ windowMs: W, allowedLatenessMs: 10_000 });
    const s = wm.restorePartition(P, { maxEventMs: 65_000, closedUpToMs: W });
    expect(wm.watermark(s)).toBe(55_000);
    expect(wm.closedUpToMs).toBe(W);
    expect(wm.isReread(s, 58_000)).toBe(true); // on time, in the closed window [0, 60 s)
    expect(wm.isReread(s, 50_000)).toBe(false); // late by the restored watermark
    expect(wm.isReread(s, 61_000)).toBe(false); // in an open window
    wm.advance(s, 90_000);
    expect(s.maxEventMs).toBe(90_000);
    // attribution: the window of the greatest event time is open → not a re-read
    expect(wm.attributionIsReread(s)).toBe(false);
    const t = wm.restorePartition(Q, { maxEventMs: 30_000, closedUpToMs: W });
    expect(wm.attributionIsReread(t)).toBe(true);
    // a partition never restored is never a re-read
    const fresh = new WindowManager({ windowMs: W, allowedLatenessMs: 0 });
    expect(fresh.isReread(fresh.partition(P), 1)).toBe(false);
    expect(fresh.attributionIsReread(fresh.partition(P))).toBe(false);
  });
});
