// Kafka checkpoints of window state (docs/design-monitor.md): the commit offset and metadata of a
// partition, and the restore that lets a re-read skip what was counted before.
import { describe, expect, it } from "vitest";
import type { PartitionKey, Position } from "../../../src/records/SourceRecord.js";
import { checkpointOf, newLedger, restoreFromCheckpoint } from "../../../src/sources/kafka/restartLedger.js";
import { WindowManager } from "../../../src/windows/WindowManager.js";

const W = 60_000;
const P: PartitionKey = { topic: "t", partition: 0 };
const Q: PartitionKey = { topic: "t", partition: 1 };
const pos = (offset: number): Position => ({ topic: P.topic, partition: P.partition, offset: String(offset) });

function arrive(wm: WindowManager, eventMs: number, offset: number): void {
  const s = wm.partition(P);
  wm.seen(s, pos(offset));
  const w = wm.windowFor(s, eventMs);
  wm.touch(w, pos(offset));
}

describe("Kafka checkpoints of window state (restartLedger)", () => {
  it("points at the first record of the oldest open window, with the greatest event time before it", () => {
    const wm = new WindowManager({ windowMs: W, allowedLatenessMs: 0, history: newLedger });
    arrive(wm, 10_000, 0);
    arrive(wm, 50_000, 1);
    arrive(wm, 70_000, 2); // window [60 s, 120 s) created after max 50 s
    arrive(wm, 80_000, 3);
    const NEG = Number.NEGATIVE_INFINITY;
    expect(checkpointOf(wm, P, "4")).toEqual({ offset: "0", checkpoint: { maxEventMs: NEG, closedUpToMs: NEG, processedTo: "4", closes: [["0", NEG]] } });
    expect(wm.closeReady([P]).map((w) => w.startMs)).toEqual([0]);
    // records from offset 4 on see windows closed up to 60 s; those from 2 (the commit) to 3 did not
    expect(checkpointOf(wm, P, "4")).toEqual({ offset: "2", checkpoint: { maxEventMs: 50_000, closedUpToMs: W, processedTo: "4", closes: [["2", NEG]] } });
    wm.closeAll();
    expect(checkpointOf(wm, P, "4")).toEqual({ offset: "4", checkpoint: { maxEventMs: 80_000, closedUpToMs: 2 * W, processedTo: "4", closes: [] } });
    // a partition never seen: the next offset, nothing known
    expect(checkpointOf(wm, Q, "7").offset).toBe("7");
  });

  it("a pending slot (records before any window) holds the commit at its first record", () => {
    const wm = new WindowManager({ windowMs: W, allowedLatenessMs: 0, history: newLedger });
    const s = wm.partition(P);
    wm.seen(s, pos(5));
    wm.touch(wm.attributionTarget(s), pos(5));
    expect(checkpointOf(wm, P, "6").offset).toBe("5");
    arrive(wm, 1_000, 6); // the window takes the pending counts and their first position
    const NEG = Number.NEGATIVE_INFINITY;
    expect(checkpointOf(wm, P, "7")).toEqual({ offset: "5", checkpoint: { maxEventMs: NEG, closedUpToMs: NEG, processedTo: "7", closes: [["5", NEG]] } });
  });

  it("restores the watermark and recognises re-read records of closed windows", () => {
    const wm = new WindowManager({ windowMs: W, allowedLatenessMs: 10_000, history: newLedger });
    // processed up to offset 20; windows were closed up to 0 for offsets 10–14, up to 60 s from 15 on
    const s = restoreFromCheckpoint(
      wm,
      P,
      {
        maxEventMs: 65_000,
        closedUpToMs: W,
        processedTo: "20",
        closes: [
          ["10", 0],
          ["15", W],
        ],
      },
      "10",
    );
    expect(wm.watermark(s)).toBe(55_000);
    expect(wm.closedUpToMs).toBe(W);
    expect(wm.isLate(s, 58_000, pos(12))).toBe(false); // its window [0, 60 s) was open when offset 12 was processed
    expect(wm.isReread(s, 58_000, pos(12))).toBe(true); // … and has been reported since
    expect(wm.isLate(s, 58_000, pos(16))).toBe(true); // at offset 16 it was closed already: late then
    expect(wm.isLate(s, 58_000, pos(25))).toBe(true); // never processed: late by today's closed windows
    expect(wm.isReread(s, 58_000, pos(25))).toBe(false);
    expect(wm.isLate(s, 50_000, pos(12))).toBe(true); // late by the restored watermark
    expect(wm.isLate(s, 61_000, pos(12))).toBe(false);
    expect(wm.isReread(s, 61_000, pos(12))).toBe(false); // in an open window
    wm.advance(s, 90_000);
    expect(s.maxEventMs).toBe(90_000);
    // attribution: the window of the greatest event time is open → not a re-read
    expect(wm.attributionIsReread(s, pos(12))).toBe(false);
    const q = (offset: number): Position => ({ topic: Q.topic, partition: Q.partition, offset: String(offset) });
    const t = restoreFromCheckpoint(
      wm,
      Q,
      {
        maxEventMs: 30_000,
        closedUpToMs: W,
        processedTo: "9",
        closes: [
          ["3", 0],
          ["6", W],
        ],
      },
      "3",
    );
    // the window [0, 60 s) of Q's greatest event time: open at offset 4 (counted there, reported since), closed at 7 (pending then)
    expect(wm.attributionIsReread(t, q(4))).toBe(true);
    expect(wm.attributionIsReread(t, q(7))).toBe(false);
    expect(wm.attributionIsReread(t, q(9))).toBe(false); // never processed
    // a partition never restored is never a re-read
    const fresh = new WindowManager({ windowMs: W, allowedLatenessMs: 0, history: newLedger });
    expect(fresh.isReread(fresh.partition(P), 1, pos(0))).toBe(false);
    expect(fresh.attributionIsReread(fresh.partition(P), pos(0))).toBe(false);
  });

  it("a second restart classifies re-read records as they were first read, whatever closed while they were re-read", () => {
    const NEG = Number.NEGATIVE_INFINITY;
    const wm = new WindowManager({ windowMs: W, allowedLatenessMs: 0, history: newLedger });
    // run 0 processed offsets 10–19 with every window open, committed at 10, and crashed
    restoreFromCheckpoint(wm, P, { maxEventMs: NEG, closedUpToMs: NEG, processedTo: "20", closes: [["10", NEG]] }, "10");
    // run 1 re-reads 10–12; window [0, 60 s) closes after offset 11 (in run 0 it had not closed by offset 19)
    arrive(wm, 10_000, 10);
    arrive(wm, 70_000, 11);
    expect(wm.closeReady([P]).map((w) => w.startMs)).toEqual([0]);
    arrive(wm, 75_000, 12);
    // its commit: offsets 11–19 were first read with every window open, whatever run 1 closed meanwhile; from 20 on, records are new
    expect(checkpointOf(wm, P, "13")).toEqual({ offset: "11", checkpoint: { maxEventMs: 10_000, closedUpToMs: W, processedTo: "20", closes: [["11", NEG]] } });

    // run 2 restores that: offset 15 (first read in run 0 with the window open) is not late, and counted in a reported window: a re-read
    const wm2 = new WindowManager({ windowMs: W, allowedLatenessMs: 0, history: newLedger });
    const s2 = restoreFromCheckpoint(wm2, P, checkpointOf(wm, P, "13").checkpoint, "11");
    expect(wm2.isLate(s2, 30_000, pos(15))).toBe(false);
    expect(wm2.isReread(s2, 30_000, pos(15))).toBe(true);
    expect(wm2.isLate(s2, 30_000, pos(20))).toBe(true); // never read before: late by today's closed windows
  });

  it("a commit with every window closed while re-reading keeps the first reads' history up to processed_to", () => {
    const NEG = Number.NEGATIVE_INFINITY;
    const wm = new WindowManager({ windowMs: W, allowedLatenessMs: 0, history: newLedger });
    restoreFromCheckpoint(wm, P, { maxEventMs: NEG, closedUpToMs: NEG, processedTo: "20", closes: [["10", NEG]] }, "10");
    arrive(wm, 10_000, 10);
    wm.closeAll();
    expect(checkpointOf(wm, P, "11")).toEqual({ offset: "11", checkpoint: { maxEventMs: 10_000, closedUpToMs: W, processedTo: "20", closes: [["11", NEG]] } });
  });

  it("reads metadata written before processed_to existed as before (every re-read record processed, history unknown)", () => {
    const wm = new WindowManager({ windowMs: W, allowedLatenessMs: 10_000, history: newLedger });
    const s = restoreFromCheckpoint(wm, P, { maxEventMs: 65_000, closedUpToMs: W });
    expect(wm.isLate(s, 58_000, pos(1))).toBe(false);
    expect(wm.isReread(s, 58_000, pos(1))).toBe(true);
    expect(wm.isReread(s, 61_000, pos(1))).toBe(false);
  });
});
