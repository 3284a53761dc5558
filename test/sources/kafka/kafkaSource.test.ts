// The Kafka Source's contract for a rejected batch (src/sources/Source.ts): reading resumes from
// the last commit. kafkajs would retry the batch from the batch itself, so the source moves the
// assigned partitions back to their committed offsets before the rejection goes on.
import { describe, expect, it } from "vitest";
import type { PartitionKey } from "../../../src/records/SourceRecord.js";
import { kafkaSource } from "../../../src/sources/kafka/index.js";
import type { CommittedOffset, KafkaClient, KafkaClientHandlers } from "../../../src/sources/kafka/kafkaClient.js";
import { silentLogger } from "../../../src/telemetry/logger.js";

const P: PartitionKey = { topic: "captures", partition: 0 };
const Q: PartitionKey = { topic: "captures", partition: 1 };

describe("kafkaSource", () => {
  it("a rejected batch moves every assigned partition back to its committed offset, then rejects", async () => {
    let handlers: KafkaClientHandlers | undefined;
    const seeks: Array<{ keys: PartitionKey[]; committed: ReadonlyMap<string, CommittedOffset> }> = [];
    const client = {
      start: async (h: KafkaClientHandlers) => void (handlers = h),
      committed: async () =>
        new Map([
          ["captures:0", { offset: "21", metadata: null }],
          ["captures:1", { offset: "7", metadata: null }],
        ]),
      seekToCommitted: async (keys: readonly PartitionKey[], committed: ReadonlyMap<string, CommittedOffset>) =>
        void seeks.push({ keys: [...keys], committed }),
      leaders: async () => new Map(),
    } as unknown as KafkaClient;
    const source = kafkaSource(client, { idlePartitionMs: 60_000, maxWaitMs: 100, plausibleCeilingMs: () => Number.MAX_SAFE_INTEGER }, silentLogger());
    await source.start({
      onBatch: async () => {
        throw new Error("the batch failed");
      },
      onAssignment: () => {},
      onCrash: () => {},
      mayRestart: () => true,
    });
    handlers?.onAssignment([P, Q]);
    const batch = { partition: P, records: [], lastOffset: "40", highWatermark: "41" };
    await expect(handlers?.onBatch(batch)).rejects.toThrow("the batch failed");
    expect(seeks).toHaveLength(1);
    expect(seeks[0]?.keys).toEqual([P, Q]);
    expect([...(seeks[0]?.committed.values() ?? [])].map((c) => c.offset)).toEqual(["21", "7"]);
  });
});
