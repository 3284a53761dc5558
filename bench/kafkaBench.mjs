// What the Kafka benchmarks (bench/monitor.mjs, bench/scale.mjs) share.
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";

/** Produces the first `records` lines of `file` to `topic`, partition = index mod `partitions`, in order. */
export async function produceLines(kafka, topic, file, records, partitions) {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const t = performance.now();
  // a partition's record batch must stay under the broker's message.max.bytes (1 MB)
  const chunkBytes = partitions * 512 * 1024;
  let messages = [];
  let bytes = 0;
  let total = 0;
  let i = 0;
  for await (const line of createInterface({ input: createReadStream(file, { highWaterMark: 1 << 20 }), crlfDelay: Infinity })) {
    if (line === "") continue;
    if (i >= records) break;
    messages.push({ partition: i % partitions, value: line });
    bytes += line.length;
    i++;
    if (bytes >= chunkBytes) {
      await producer.send({ topic, acks: -1, messages });
      total += bytes;
      messages = [];
      bytes = 0;
    }
  }
  if (messages.length > 0) await producer.send({ topic, acks: -1, messages });
  total += bytes;
  await producer.disconnect();
  if (i !== records) throw new Error(`${file} holds ${i} records, expected ${records}`);
  return { seconds: (performance.now() - t) / 1000, bytes: total };
}

/** Creates `topic` with `partitions` partitions and its dead-letter topic `<topic>-dlq` (1 partition); returns the dead-letter topic's name. */
export async function createTopicWithDeadLetters(admin, topic, partitions) {
  const dlq = `${topic}-dlq`;
  await admin.createTopics({
    topics: [
      { topic, numPartitions: partitions, replicationFactor: 1 },
      { topic: dlq, numPartitions: 1, replicationFactor: 1 },
    ],
    waitForLeaders: true,
  });
  return dlq;
}
