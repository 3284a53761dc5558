// The Kafka adapter against the real broker (src/sources/kafka/kafkaClient.ts): after a failed
// batch moved the partitions back to their commits, the batches kafkajs had already fetched from
// the old positions (of the other partitions, queued behind the failed one) are stale. Handled,
// they would read on past records whose state the failure dropped: a window reported without them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Admin } from "kafkajs";
import type { PartitionKey } from "../../src/records/SourceRecord.js";
import { KafkaSchema } from "../../src/sources/kafka/config.js";
import { createKafkaClient, type KafkaClient } from "../../src/sources/kafka/kafkaClient.js";
import { silentLogger } from "../../src/telemetry/logger.js";
import { createTopicsReady, kafkaBrokers, testKafka, uniqueName } from "../setup/kafka.js";

let admin: Admin;
beforeAll(async () => {
  admin = testKafka("dqstream-test-stale").admin();
  await admin.connect();
});
afterAll(async () => {
  await admin.disconnect();
});

describe("kafka client: batches fetched before a move back to the commits", () => {
  it("are not handed to the handler: after the failure, every partition is read from its commit", async () => {
    const topic = uniqueName("dq-stale");
    await createTopicsReady(admin, [{ topic, numPartitions: 3 }]);
    const producer = testKafka("dqstream-test-stale-producer").producer();
    await producer.connect();
    // one record batch per message: a fetch of 1024 bytes per partition brings a dozen of them
    for (let i = 0; i < 60; i++)
      for (let partition = 0; partition < 3; partition++) await producer.send({ topic, messages: [{ partition, value: `{"n":${i}}` }] });
    await producer.disconnect();
    // small fetches: each partition's records come in many batches, several partitions per fetch
    const config = KafkaSchema.parse({ brokers: kafkaBrokers(), topics: [topic], group_id: uniqueName("dq-stale-group"), max_bytes_per_partition: 1024 });
    const client: KafkaClient = createKafkaClient(config, silentLogger(), { maxWaitTimeInMs: 100 });
    const keys: PartitionKey[] = [0, 1, 2].map((partition) => ({ topic, partition }));
    // per partition, the first offset of each batch handed over after the failure
    const after = new Map<number, string[]>();
    let failed = false;
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    try {
      await client.start({
        onAssignment: () => {},
        onCrash: () => {},
        onBatch: async (b) => {
          const at = b.records[0]?.position;
          const first = at !== undefined && "offset" in at ? at.offset : "";
          if (!failed && b.partition.partition === 0 && BigInt(first) >= 20n) {
            failed = true;
            // nothing committed: every partition goes back to the earliest offset
            await client.seekToCommitted(keys, new Map());
            throw new Error("the batch failed");
          }
          if (!failed) return;
          const seen = after.get(b.partition.partition) ?? [];
          seen.push(first);
          after.set(b.partition.partition, seen);
          if ([0, 1, 2].every((p) => (after.get(p)?.length ?? 0) > 0)) done();
        },
      });
      await finished;
      for (const p of [0, 1, 2]) expect([p, after.get(p)?.[0]]).toEqual([p, "0"]);
    } finally {
      await client.stop();
      await client.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    }
  }, 60_000);
});
