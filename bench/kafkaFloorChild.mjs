// Child process of bench/monitor.mjs: a Kafka floor for `dqstream monitor`. Consumes a topic from
// the beginning with kafkajs in a fresh consumer group, with the consumer settings the monitor's
// own source uses (src/sources/kafka/kafkaClient.ts: eachBatch, one partition at a time, 1 MiB
// per partition and fetch, maxWaitTimeInMs 1000, no auto-commit; resolveOffset + heartbeat after
// each batch), until it has seen <records> messages, then disconnects. Commits nothing.
//   mode "consume": nothing per message (kafkajs fetch and record-batch decoding only);
//   mode "parse":   each message's value as UTF-8 text through bench/captureParse.mjs (JSON.parse
//                   of the capture record, split of its CSV payload, Number() per field).
// Timing: the clock starts when the first batch has been handled (group join and the first fetch
// excluded) and stops when the batch that brings the count to <records> has been handled:
// rate = (records − first batch's messages) ÷ that time — the same rule bench/monitor.mjs applies
// to the monitor's batch_done log lines. Prints one JSON line {mode, records, fields, seconds,
// recPerSec, batches, maxRssKiB, …}.
// Usage: node bench/kafkaFloorChild.mjs <brokers,…> <topic> <records> <consume|parse> <group id>
import kafkajs from "kafkajs";
import { createCaptureParser } from "./captureParse.mjs";

const { Kafka, logLevel } = kafkajs;
const [brokers, topic, recordsArg, mode, groupId] = process.argv.slice(2);
const expected = Number(recordsArg);
if (!brokers || !topic || !Number.isInteger(expected) || expected < 1 || !["consume", "parse"].includes(mode) || !groupId) {
  process.stderr.write("usage: node bench/kafkaFloorChild.mjs <brokers,…> <topic> <records> <consume|parse> <group id>\n");
  process.exit(2);
}

const kafka = new Kafka({
  clientId: "dqstream-bench-floor",
  brokers: brokers.split(","),
  logLevel: logLevel.NOTHING,
  connectionTimeout: 5_000,
  requestTimeout: 30_000,
});
const consumer = kafka.consumer({
  groupId,
  sessionTimeout: 30_000,
  heartbeatInterval: 3_000,
  maxBytesPerPartition: 1_048_576,
  maxWaitTimeInMs: 1_000,
  allowAutoTopicCreation: false,
});
const parser = createCaptureParser();
const started = performance.now();
let seen = 0;
let batches = 0;
let first; // {t, n}: the end of the first batch
let last; // the end of the batch that reached `expected`
let finished;
const done = new Promise((resolve) => (finished = resolve));

await consumer.connect();
await consumer.subscribe({ topics: [topic], fromBeginning: true });
await consumer.run({
  autoCommit: false,
  eachBatchAutoResolve: false,
  partitionsConsumedConcurrently: 1,
  eachBatch: async ({ batch, heartbeat, resolveOffset }) => {
    const messages = batch.messages;
    if (messages.length === 0 || last !== undefined) return;
    if (mode === "parse") for (const m of messages) parser.handle(m.value.toString("utf8"));
    seen += messages.length;
    batches++;
    const now = performance.now();
    first ??= { t: now, n: messages.length };
    resolveOffset(messages[messages.length - 1].offset);
    await heartbeat();
    if (seen >= expected) {
      last = now;
      finished();
    }
  },
});
await done;
await consumer.disconnect();
const seconds = (last - first.t) / 1000;
process.stdout.write(
  `${JSON.stringify({
    pass: `kafka-${mode}`,
    mode,
    records: seen,
    fields: mode === "parse" ? parser.fields : undefined,
    parsedRecords: mode === "parse" ? parser.records : undefined,
    checksum: mode === "parse" ? parser.checksum : undefined,
    batches,
    firstBatchRecords: first.n,
    seconds,
    recPerSec: (seen - first.n) / seconds,
    untilFirstBatchSeconds: (first.t - started) / 1000,
    maxRssKiB: process.resourceUsage().maxRSS,
  })}\n`,
);
process.exit(0);
