// Alerts on a Kafka topic of the run's real broker (test/setup/kafkaBroker.ts): produced through
// the KafkaClient's send (the monitor's producer) and read back keyed by fingerprint from a
// compacted topic; and `dqstream monitor` end to end, whose alerts match those of a replay of the
// same capture records.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Admin, Kafka } from "kafkajs";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { AlertEvent } from "../../src/alerts/alertEvent.js";
import { alertSinks } from "../../src/alerts/index.js";
import type { LoadedBaseline } from "../../src/baseline/loadBaseline.js";
import { AlertsSchema } from "../../src/alerts/alertsSchema.js";
import { KafkaSchema, MonitorConfigSchema } from "../../src/config/monitorSchema.js";
import { RunConfigSchema } from "../../src/config/schema.js";
import { runReplay } from "../../src/engine/runReplay.js";
import { startMonitor } from "../../src/engine/runMonitor.js";
import { createKafkaClient } from "../../src/sources/kafka/kafkaClient.js";
import { silentLogger } from "../../src/telemetry/logger.js";
import { report, w } from "../alerts/support.js";
import { startWebhookServer } from "../alerts/webhookServer.js";
import { createTopicsReady, kafkaBrokers, testKafka, uniqueName } from "../setup/kafka.js";
import { LocalReportStore } from "../../src/sinks/reportStore/localReportStore.js";

const ROOT = resolve(import.meta.dirname, "../..");
const CAPTURE = join(ROOT, "test/golden/replay/csv-start/input/capture.jsonl");
const STATISTICS = join(ROOT, "test/golden/baseline/csv-header/statistics.json");
const CONSTRAINTS = join(ROOT, "test/golden/baseline/csv-header/constraints.json");

const cleanups: Array<() => Promise<unknown>> = [];
let kafka: Kafka;
let admin: Admin;

beforeAll(async () => {
  kafka = testKafka("dqstream-test-alerts");
  admin = kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  await admin?.disconnect();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await Promise.race([cleanup().catch(() => {}), new Promise((r) => setTimeout(r, 20_000))]);
  }
});

async function createTopic(topic: string, numPartitions: number, configEntries: Array<{ name: string; value: string }> = []): Promise<void> {
  await createTopicsReady(admin, [{ topic, numPartitions, replicationFactor: 1, configEntries }]);
  cleanups.push(() => admin.deleteTopics({ topics: [topic] }));
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "dqstream-alerts-it-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

interface Read {
  key: string;
  partition: number;
  event: AlertEvent;
  type: string;
}

/** Reads `topic` from the beginning until `count` messages arrived. */
async function readTopic(topic: string, count: number): Promise<Read[]> {
  const out: Read[] = [];
  const consumer = kafka.consumer({ groupId: uniqueName("dq-alerts-reader"), maxWaitTimeInMs: 200 });
  await consumer.connect();
  cleanups.push(() => consumer.disconnect());
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      out.push({
        key: message.key?.toString("utf8") ?? "",
        partition,
        event: JSON.parse(message.value?.toString("utf8") ?? "null") as AlertEvent,
        type: message.headers?.["dqstream-alert-type"]?.toString() ?? "",
      });
    },
  });
  await vi.waitFor(() => expect(out.length).toBeGreaterThanOrEqual(count), { timeout: 60_000, interval: 200 });
  await consumer.stop();
  return out;
}

describe("alerts to Kafka (integration)", () => {
  it("produces each alert keyed by fingerprint to a compacted topic through the monitor's producer", async () => {
    const topic = uniqueName("dq-alerts");
    await createTopic(topic, 3, [{ name: "cleanup.policy", value: "compact" }]);
    const kafkaConfig = KafkaSchema.parse({ brokers: kafkaBrokers(), topics: ["unused"] });
    const source = createKafkaClient(kafkaConfig, silentLogger());
    cleanups.push(() => source.disconnect());
    const [sink] = await alertSinks(AlertsSchema.parse({ channels: { log: false, kafka: { topic } } }), {
      endpoint: "ep",
      schedule: "sch",
      windowMs: 3_600_000,
      store: new LocalReportStore(await tempDir()),
      baseline: {} as LoadedBaseline,
      log: silentLogger(),
      kafkaSend: (t, messages) => source.send(t, messages),
    });
    if (sink === undefined) throw new Error("no alert sink");
    sink.publish([w(0, ["drift:a", "completeness:b"]), w(1, ["drift:a"]), w(2, [])].map(report));
    await sink.close();

    const read = await readTopic(topic, 4);
    expect(read.length).toBe(4);
    const byKey = new Map<string, Read[]>();
    for (const r of read) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
    expect([...byKey.keys()].sort()).toEqual(["ep/sch/baseline_drift_check/a", "ep/sch/completeness_check/b"]);
    // one fingerprint's events on one partition, in order
    const a = byKey.get("ep/sch/baseline_drift_check/a") as Read[];
    expect(a.map((r) => r.event.type)).toEqual(["open", "resolved"]);
    expect(new Set(a.map((r) => r.partition)).size).toBe(1);
    const b = byKey.get("ep/sch/completeness_check/b") as Read[];
    expect(b.map((r) => r.event.type)).toEqual(["open", "resolved"]);
    for (const r of read) {
      expect(r.event.fingerprint).toBe(r.key);
      expect(r.type).toBe(r.event.type);
    }
    expect(a[0]?.event).toMatchObject({
      window_start: "2026-11-01T00:00:00Z",
      window_end: "2026-11-01T01:00:00Z",
      feature: "a",
      check_type: "baseline_drift_check",
      value: 0.5,
      threshold: 0.1,
    });
    expect(a[1]?.event).toMatchObject({ type: "resolved", window_start: "2026-11-01T02:00:00Z", opened_window_start: "2026-11-01T00:00:00Z" });
  }, 120_000);

  it("dqstream monitor sends the alerts of its windows to the topic, the same as a replay of the records", async () => {
    const lines = (await readFile(CAPTURE, "utf8")).split("\n").filter((l) => l.trim() !== "");
    const base = {
      baseline: { statistics: STATISTICS, constraints: CONSTRAINTS },
      endpoint: "churn",
      schedule: "ten-minutes",
      window_seconds: 600,
    };

    // the oracle: a replay of the same records, alerts to a webhook
    const hook = await startWebhookServer();
    cleanups.push(() => hook.close());
    await runReplay(
      RunConfigSchema.parse({ ...base, reports_dir: await tempDir(), alerts: { channels: { log: false, webhooks: [{ url: hook.url }] } } }),
      [CAPTURE],
      silentLogger(),
    );
    const expected = (hook.delivered as AlertEvent[]).map((e) => `${e.window_start} ${e.type} ${e.fingerprint}`);
    expect(expected.length).toBeGreaterThan(0);

    const topic = uniqueName("dq-alerts-in");
    const alertsTopic = uniqueName("dq-alerts-out");
    const deadLetterTopic = uniqueName("dq-alerts-dlq");
    await createTopic(topic, 1);
    await createTopic(alertsTopic, 1, [{ name: "cleanup.policy", value: "compact" }]);
    await createTopic(deadLetterTopic, 1);
    const producer = kafka.producer();
    await producer.connect();
    for (let i = 0; i < lines.length; i += 100) await producer.send({ topic, acks: -1, messages: lines.slice(i, i + 100).map((value) => ({ value })) });
    await producer.disconnect();

    const config = MonitorConfigSchema.parse({
      ...base,
      reports_dir: await tempDir(),
      kafka: {
        brokers: kafkaBrokers(),
        topics: [topic],
        group_id: uniqueName("dq-alerts-group"),
        dead_letter_topic: deadLetterTopic,
        session_timeout_ms: 10_000,
        heartbeat_interval_ms: 1_000,
      },
      http: { host: "127.0.0.1", port: 0 },
      idle_close_seconds: 2,
      shutdown_timeout_seconds: 20,
      alerts: { channels: { log: false, kafka: { topic: alertsTopic } } },
    });
    const m = await startMonitor(config, silentLogger(), { maxWaitTimeInMs: 200, tickMs: 200 });
    cleanups.push(() => m.stop());
    const read = await readTopic(alertsTopic, expected.length);
    expect(read.map((r) => `${r.event.window_start} ${r.event.type} ${r.key}`)).toEqual(expected);
    const metrics = await (await fetch(`${m.url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`^dqstream_alerts_sent_total\\{channel="kafka"\\} ${expected.length}$`, "m"));
    await m.stop();
  }, 180_000);
});
