// The Kafka Source's contract for a rejected batch (src/sources/Source.ts): reading resumes from
// the last commit. kafkajs would retry the batch from the batch itself, so the source moves the
// assigned partitions back to their committed offsets before the rejection goes on; when it cannot
// (the broker is down), no batch is processed before a later move back or a rejoin.
import { describe, expect, it } from "vitest";
import type { PartitionKey } from "../../../src/records/SourceRecord.js";
import { kafkaSource } from "../../../src/sources/kafka/index.js";
import type { CommittedOffset, KafkaClient, KafkaClientHandlers } from "../../../src/sources/kafka/kafkaClient.js";
import type { SourceBatch } from "../../../src/sources/Source.js";
import { silentLogger } from "../../../src/telemetry/logger.js";

const P: PartitionKey = { topic: "captures", partition: 0 };
const Q: PartitionKey = { topic: "captures", partition: 1 };

/**
 * The Kafka source started over a stand-in client (`committed` and `seekToCommitted` as given),
 * with `onBatch` as the driver's handler; returns the client's handlers, as kafkajs would call them.
 */
async function started(client: Pick<KafkaClient, "committed" | "seekToCommitted">, onBatch: (b: SourceBatch) => Promise<void>): Promise<KafkaClientHandlers> {
  let handlers: KafkaClientHandlers | undefined;
  const full = { ...client, start: async (h: KafkaClientHandlers) => void (handlers = h), leaders: async () => new Map() } as unknown as KafkaClient;
  const source = kafkaSource(full, { idlePartitionMs: 60_000, maxWaitMs: 100, plausibleCeilingMs: () => Number.MAX_SAFE_INTEGER }, silentLogger());
  await source.start({ onBatch, onAssignment: () => {}, onCrash: () => {}, mayRestart: () => true });
  return handlers as KafkaClientHandlers;
}

const UNREACHABLE = "Connection error: connect ECONNREFUSED 127.0.0.1:9092";

describe("kafkaSource", () => {
  it("a rejected batch moves every assigned partition back to its committed offset, then rejects", async () => {
    const seeks: Array<{ keys: PartitionKey[]; committed: ReadonlyMap<string, CommittedOffset> }> = [];
    const handlers = await started(
      {
        committed: async () =>
          new Map([
            ["captures:0", { offset: "21", metadata: null }],
            ["captures:1", { offset: "7", metadata: null }],
          ]),
        seekToCommitted: async (keys, committed) => void seeks.push({ keys: [...keys], committed }),
      },
      async () => {
        throw new Error("the batch failed");
      },
    );
    handlers.onAssignment([P, Q]);
    const batch = { partition: P, records: [], lastOffset: "40", highWatermark: "41" };
    await expect(handlers.onBatch(batch)).rejects.toThrow("the batch failed");
    expect(seeks).toHaveLength(1);
    expect(seeks[0]?.keys).toEqual([P, Q]);
    expect([...(seeks[0]?.committed.values() ?? [])].map((c) => c.offset)).toEqual(["21", "7"]);
  });

  it("when the move back fails, kafkajs's retries of the batch are refused until a move back succeeds: no record after a gap reaches the handler", async () => {
    let reachable = false;
    let seeks = 0;
    const handled: string[] = [];
    let fail = true;
    const handlers = await started(
      {
        committed: async () => {
          // the broker restarts: the committed offsets cannot be read
          if (!reachable) throw new Error(UNREACHABLE);
          return new Map([["captures:0", { offset: "21", metadata: null }]]);
        },
        seekToCommitted: async () => void seeks++,
      },
      async (b) => {
        handled.push(b.next ?? "");
        if (fail) throw new Error("the transaction failed");
      },
    );
    handlers.onAssignment([P]);
    // offsets 21–39 were processed in earlier batches, uncommitted; the batch 40–41 fails
    const failed = { partition: P, records: [], lastOffset: "41", highWatermark: "42" };
    await expect(handlers.onBatch(failed)).rejects.toThrow("the transaction failed");
    fail = false;
    // kafkajs retries from the failed batch's own position: refused while the move back fails
    await expect(handlers.onBatch(failed)).rejects.toThrow(/committed offsets/);
    expect(handled).toEqual(["42"]);
    expect(seeks).toBe(0);
    // the broker is back: the move back is made, and that batch is still refused (it starts past the commit)
    reachable = true;
    await expect(handlers.onBatch(failed)).rejects.toThrow(/committed offsets/);
    expect(seeks).toBe(1);
    expect(handled).toEqual(["42"]);
    // read again from the commit: handled
    await handlers.onBatch({ partition: P, records: [], lastOffset: "41", highWatermark: "42" });
    expect(handled).toEqual(["42", "42"]);
  });

  it("a rejoin after a failed move back reads from the commits: batches are handled again", async () => {
    let calls = 0;
    const handlers = await started(
      {
        committed: async () => {
          throw new Error(UNREACHABLE);
        },
        seekToCommitted: async () => {},
      },
      async () => {
        if (calls++ === 0) throw new Error("the transaction failed");
      },
    );
    handlers.onAssignment([P]);
    const batch = { partition: P, records: [], lastOffset: "41", highWatermark: "42" };
    await expect(handlers.onBatch(batch)).rejects.toThrow("the transaction failed");
    await expect(handlers.onBatch(batch)).rejects.toThrow(/committed offsets/);
    // kafkajs's restart rejoins the group: its fetch positions come from the commits
    handlers.onAssignment([P]);
    await handlers.onBatch(batch);
    expect(calls).toBe(2);
  });
});
