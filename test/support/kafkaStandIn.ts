// A stand-in KafkaClient that delivers given batches of the golden capture to the monitor,
// without a broker (the real broker is in test/integration/ and test/hostile/).
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Writable } from "node:stream";
import { MonitorConfigSchema, type MonitorConfig } from "../../src/config/monitorSchema.js";
import { createLogger, type Logger } from "../../src/telemetry/logger.js";
import type { ConsumedMessage, KafkaBatch, KafkaClient, KafkaClientHandlers, PartsConsumerHandlers } from "../../src/sources/kafka/kafkaClient.js";
import type { PartitionKey } from "../../src/records/SourceRecord.js";

const ROOT = resolve(import.meta.dirname, "../..");
const CAPTURE = join(ROOT, "test/golden/replay/csv-start/input/capture.jsonl");
const P: PartitionKey = { topic: "captures", partition: 0 };

/**
 * A KafkaClient that delivers the given batches when started; `stop` hangs when told to. Its parts
 * topic is an array: a transaction appends its messages and records its commit, and stage 2's
 * consumer is handed what was appended (one partition, owned by this instance).
 */
export function standIn(
  batches: KafkaBatch[],
  o: {
    hangOnStop: boolean;
    batchGate?: Promise<void>;
    /** The parts consumer's first heartbeats that fail as during a rebalance: its batch is then rejected, and the member rejoins and reads again from its commit (as kafkajs does). */
    partsHeartbeatFailures?: number;
    /** The first reads of stage 2's committed position that fail (the group coordinator not reachable yet). */
    committedPartsFailures?: number;
  },
) {
  const commits: Array<{ offset: string; metadata: string }> = [];
  const parts: ConsumedMessage[] = [];
  let partsCommit: { offset: string; metadata: string | null } = { offset: "-1", metadata: null };
  let partsTimer: NodeJS.Timeout | undefined;
  let committedPartsFailures = o.committedPartsFailures ?? 0;
  let handlers: KafkaClientHandlers | undefined;
  let delivered: Promise<void> = Promise.resolve();
  const calls: string[] = [];
  const source: KafkaClient = {
    async start(h) {
      handlers = h;
      h.onAssignment([P]);
      delivered = (async () => {
        for (const b of batches) {
          await o.batchGate;
          await h.onBatch(b);
        }
      })();
    },
    async commit(offsets) {
      for (const x of offsets) commits.push({ offset: x.offset, metadata: x.metadata });
    },
    async committed() {
      return new Map();
    },
    async send() {},
    async transact(_input, _topic, messages, offset) {
      for (const m of messages)
        parts.push({
          offset: String(parts.length),
          key: m.key === undefined ? null : Buffer.from(m.key),
          value: Buffer.from(m.value),
          headers: { ...m.headers },
        });
      if (offset !== undefined) commits.push(offset);
    },
    async startParts(_topic, _group, h: PartsConsumerHandlers) {
      h.onAssignment([0]);
      let read = 0;
      let busy = false;
      let failures = o.partsHeartbeatFailures ?? 0;
      const heartbeat = async (): Promise<void> => {
        if (failures-- > 0) throw new Error("The group is rebalancing, so a rejoin is needed");
      };
      partsTimer = setInterval(() => {
        if (busy || read >= parts.length) return;
        busy = true;
        const messages = parts.slice(read);
        read = parts.length;
        void h
          .onBatch({ partition: 0, messages, heartbeat })
          .catch(() => {
            h.onAssignment([0]);
            read = Math.max(0, Number(partsCommit.offset));
          })
          .finally(() => (busy = false));
      }, 5);
    },
    async commitParts(_topic, _partition, offset, metadata) {
      partsCommit = { offset, metadata };
    },
    async committedParts() {
      if (committedPartsFailures-- > 0) throw new Error("The coordinator is not available");
      return partsCommit;
    },
    async partsOffsets() {
      return { low: "0", high: String(parts.length) };
    },
    async seekToCommitted() {},
    async stopParts() {
      clearInterval(partsTimer);
    },
    async describeTopics(topics) {
      return new Map(topics.map((t) => [t, { partitions: 1, maxMessageBytes: 1_048_588 }]));
    },
    async createTopic() {},
    async leaders() {
      return new Map();
    },
    pause() {
      calls.push("pause");
    },
    stop() {
      calls.push("stop");
      return o.hangOnStop ? new Promise<void>(() => {}) : delivered;
    },
    async disconnect() {
      calls.push("disconnect");
    },
  };
  return { source, commits, calls, handlers: () => handlers };
}

export async function batchOf(n: number): Promise<KafkaBatch> {
  const lines = (await readFile(CAPTURE, "utf8"))
    .split("\n")
    .filter((l) => l.trim() !== "")
    .slice(0, n);
  return {
    partition: P,
    records: lines.map((value, i) => ({ partition: P, position: { topic: P.topic, partition: P.partition, offset: String(i) }, value })),
    lastOffset: String(n - 1),
    highWatermark: String(n),
  };
}

/** A monitor config for the stand-in: the golden baseline, 10-minute windows, a fresh reports folder, `extra` keys on top. */
export async function standInConfig(extra: Record<string, unknown> = {}): Promise<MonitorConfig> {
  return MonitorConfigSchema.parse({
    baseline: {
      statistics: join(ROOT, "test/golden/baseline/csv-header/statistics.json"),
      constraints: join(ROOT, "test/golden/baseline/csv-header/constraints.json"),
    },
    reports_dir: await mkdtemp(join(tmpdir(), "dq-stand-in-")),
    window_seconds: 600,
    kafka: { brokers: ["127.0.0.1:1"], topics: [P.topic] },
    ...extra,
  });
}

/** A logger at info whose JSON lines are kept: `text` all of them. */
export function captureLog(): { log: Logger; text: () => string } {
  const lines: string[] = [];
  const log = createLogger("info", new Writable({ write: (c: Buffer, _e, done) => void (lines.push(c.toString()), done()) }));
  return { log, text: () => lines.join("") };
}
