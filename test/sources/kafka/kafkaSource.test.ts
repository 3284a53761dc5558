// The Kafka Source's contract for a rejected batch (src/sources/Source.ts): reading resumes from
// the last commit. kafkajs would retry the batch from the batch itself, so the source moves the
// assigned partitions back to their committed offsets before the rejection goes on; when it cannot
// (the broker is down), no batch is processed before a later move back or a rejoin.
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

  it("when the move back fails, kafkajs's retries of the batch are refused until a move back succeeds: no record after a gap reaches the handler", async () => {
    let handlers: KafkaClientHandlers | undefined;
    let reachable = false;
    let seeks = 0;
    const client = {
      start: async (h: KafkaClientHandlers) => void (handlers = h),
      committed: async () => {
        // the broker restarts: the committed offsets cannot be read
        if (!reachable) throw new Error("Connection error: connect ECONNREFUSED 127.0.0.1:9092");
        return new Map([["captures:0", { offset: "21", metadata: null }]]);
      },
      seekToCommitted: async () => void seeks++,
      leaders: async () => new Map(),
    } as unknown as KafkaClient;
    const source = kafkaSource(client, { idlePartitionMs: 60_000, maxWaitMs: 100, plausibleCeilingMs: () => Number.MAX_SAFE_INTEGER }, silentLogger());
    const handled: string[] = [];
    let fail = true;
    await source.start({
      onBatch: async (b) => {
        handled.push(b.next ?? "");
        if (fail) throw new Error("the transaction failed");
      },
      onAssignment: () => {},
      onCrash: () => {},
      mayRestart: () => true,
    });
    handlers?.onAssignment([P]);
    // offsets 21–39 were processed in earlier batches, uncommitted; the batch 40–41 fails
    const failed = { partition: P, records: [], lastOffset: "41", highWatermark: "42" };
    await expect(handlers?.onBatch(failed)).rejects.toThrow("the transaction failed");
    fail = false;
    // kafkajs retries from the failed batch's own position: refused while the move back fails
    await expect(handlers?.onBatch(failed)).rejects.toThrow(/committed offsets/);
    expect(handled).toEqual(["42"]);
    expect(seeks).toBe(0);
    // the broker is back: the move back is made, and that batch is still refused (it starts past the commit)
    reachable = true;
    await expect(handlers?.onBatch(failed)).rejects.toThrow(/committed offsets/);
    expect(seeks).toBe(1);
    expect(handled).toEqual(["42"]);
    // read again from the commit: handled
    await handlers?.onBatch({ partition: P, records: [], lastOffset: "41", highWatermark: "42" });
    expect(handled).toEqual(["42", "42"]);
  });

  it("a rejoin after a failed move back reads from the commits: batches are handled again", async () => {
    let handlers: KafkaClientHandlers | undefined;
    const client = {
      start: async (h: KafkaClientHandlers) => void (handlers = h),
      committed: async () => {
        throw new Error("Connection error: connect ECONNREFUSED 127.0.0.1:9092");
      },
      seekToCommitted: async () => {},
      leaders: async () => new Map(),
    } as unknown as KafkaClient;
    const source = kafkaSource(client, { idlePartitionMs: 60_000, maxWaitMs: 100, plausibleCeilingMs: () => Number.MAX_SAFE_INTEGER }, silentLogger());
    let calls = 0;
    await source.start({
      onBatch: async () => {
        if (calls++ === 0) throw new Error("the transaction failed");
      },
      onAssignment: () => {},
      onCrash: () => {},
      mayRestart: () => true,
    });
    handlers?.onAssignment([P]);
    const batch = { partition: P, records: [], lastOffset: "41", highWatermark: "42" };
    await expect(handlers?.onBatch(batch)).rejects.toThrow("the transaction failed");
    await expect(handlers?.onBatch(batch)).rejects.toThrow(/committed offsets/);
    // kafkajs's restart rejoins the group: its fetch positions come from the commits
    handlers?.onAssignment([P]);
    await handlers?.onBatch(batch);
    expect(calls).toBe(2);
  });
});
