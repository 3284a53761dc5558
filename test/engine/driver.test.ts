// The Driver's contract with its Source (src/sources/Source.ts): after every reset (an assignment,
// a failed batch) every assigned partition's window state is rebuilt from its commit before a
// record is processed or anything is committed. The Kafka source publishes each assigned
// partition's progress (how far its windows are closed) with every commit; a partition whose state
// was not restored would be published as closed as far as the others, and stage 2 would report
// its windows without its parts.
import { describe, expect, it } from "vitest";
import { Driver } from "../../src/engine/driver.js";
import { MonitorEngine } from "../../src/engine/MonitorEngine.js";
import { sagemakerCaptureDecoder } from "../../src/records/decoders/sagemakerCapture/index.js";
import { partitionId, type PartitionKey, type SourceRecord } from "../../src/records/SourceRecord.js";
import type { Source, SourceBatch, SourceHandlers } from "../../src/sources/Source.js";
import { silentLogger } from "../../src/telemetry/logger.js";
import { WindowManager } from "../../src/windows/WindowManager.js";

const T0 = Date.UTC(2026, 10, 1);
const W = 600_000;
const P: PartitionKey = { topic: "captures", partition: 0 };
const Q: PartitionKey = { topic: "captures", partition: 1 };
/** How far each partition's windows were closed at its commit. */
const COMMITTED: Record<string, number> = { [partitionId(P)]: T0 + 3 * W, [partitionId(Q)]: T0 + W };

function record(key: PartitionKey, offset: number, ms: number): SourceRecord {
  const value = JSON.stringify({
    captureData: { endpointInput: { observedContentType: "text/csv", mode: "INPUT", data: "1,2", encoding: "CSV" } },
    eventMetadata: { eventId: "e", inferenceTime: new Date(ms).toISOString() },
    eventVersion: "0",
  });
  return { partition: key, position: { ...key, offset: String(offset) }, value };
}

describe("Driver", () => {
  it("after a failed batch, restores every assigned partition from its commit before the next commit, not only the batch's", async () => {
    let handlers: SourceHandlers | undefined;
    let failCommit = true;
    /** Per commit: each assigned partition's closedUpToMs as the source would publish it (undefined: no state). */
    const published: Array<Record<string, number | undefined>> = [];
    const source: Source = {
      bounded: false,
      start: async (h) => void (handlers = h),
      async restore(keys, windows) {
        for (const k of keys)
          windows.restorePartition(k, { maxEventMs: COMMITTED[partitionId(k)] as number, closedUpToMs: COMMITTED[partitionId(k)] as number }, undefined);
      },
      async commit(_progress, windows) {
        if (failCommit) {
          failCommit = false;
          throw new Error("the transaction failed (broker restarting)");
        }
        published.push(Object.fromEntries([P, Q].map((k) => [partitionId(k), windows.existingPartition(k)?.closedUpToMs])));
      },
      activePartitions: () => [P, Q],
      quietFor: () => false,
      pause: () => {},
      stop: async () => {},
      close: async () => {},
    };
    const driver = new Driver({
      source,
      newEngine: () =>
        new MonitorEngine({
          decoder: sagemakerCaptureDecoder,
          windows: new WindowManager({ windowMs: W, allowedLatenessMs: 0 }),
          layout: { featureNames: ["a", "b"], outputColumnsPosition: "START" },
          fallbackToSourceTimestamp: false,
        }),
      deadLetters: { description: "none", write: async () => {}, close: async () => {} } as never,
      report: async () => {},
      reportsDescription: "none",
      deliver: (_d, _desc, attempt) => attempt(),
      log: silentLogger(),
      tickMs: 3_600_000,
    });
    await driver.run();
    handlers?.onAssignment([P, Q]);
    const batch = (offset: number): SourceBatch => ({ partition: P, records: [record(P, offset, T0 + 3 * W + 1_000)], next: String(offset + 1) });
    await expect(handlers?.onBatch(batch(10))).rejects.toThrow("the transaction failed");
    await handlers?.onBatch(batch(10));
    await driver.stop();
    expect(published).toEqual([{ [partitionId(P)]: T0 + 3 * W, [partitionId(Q)]: T0 + W }]);
  });
});
