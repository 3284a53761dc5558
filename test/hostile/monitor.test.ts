// The hostile-input suite against the run's real broker (issue 9): poison messages that used to
// crash-loop the monitor (1), absurd event times and absurd commit metadata (4), a missing
// dead-letter topic (6), dead letters too large for their topic (7), and outages of the
// dead-letter topic and of the reports folder (8).
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Writable } from "node:stream";
import { describe, expect, it, vi } from "vitest";
import { ConfigError } from "../../src/config/loadConfig.js";
import { MonitorConfigSchema } from "../../src/config/monitorSchema.js";
import { secrets } from "../../src/telemetry/redaction.js";
import { startMonitor } from "../../src/engine/runMonitor.js";
import { decodeCheckpoint, encodeCheckpoint } from "../../src/sources/kafka/checkpointCodec.js";
import { DEAD_LETTER_HEADERS } from "../../src/sinks/kafkaDeadLetterSink.js";
import { createLogger, silentLogger } from "../../src/telemetry/logger.js";
import { createTopicsReady, uniqueName } from "../setup/kafka.js";
import {
  admin,
  cleanups,
  createTopic,
  EXPECTED,
  expectCommittedToEnd,
  kafka,
  lines,
  monitor,
  monitorConfig,
  monitorConfigInput,
  send,
  tempDir,
  windowJsons,
} from "../integration/monitorHarness.js";
import { nestedObject } from "./support.js";

interface Received {
  offset: string;
  value: Buffer;
  headers: Record<string, string>;
}

/** Reads every message of a topic (from the start) until `n` arrived. */
async function readTopic(topic: string, n: number): Promise<Received[]> {
  const out: Received[] = [];
  const consumer = kafka.consumer({ groupId: uniqueName("dq-hostile-reader"), maxWaitTimeInMs: 200 });
  await consumer.connect();
  cleanups.push(() => consumer.disconnect());
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
      out.push({ offset: message.offset, value: message.value ?? Buffer.alloc(0), headers });
    },
  });
  await vi.waitFor(() => expect(out.length).toBeGreaterThanOrEqual(n), { timeout: 30_000, interval: 100 });
  return out;
}

/** Item counts by window, from window.json files. */
async function itemCounts(dir: string): Promise<Map<string, number>> {
  return new Map([...(await windowJsons(dir))].map(([f, w]) => [f, w["item_count"] as number]));
}

const expectedCounts = async (): Promise<Map<string, number>> => itemCounts(EXPECTED);

describe("hostile traffic against a real broker", () => {
  it("1: a message nested 5,000 levels is dead-lettered and the monitor goes on; a restart does not meet it again", async () => {
    const topic = uniqueName("dq-h-nest");
    const dlq = uniqueName("dq-h-nest-dlq");
    await createTopic(topic, 1);
    await createTopic(dlq, 1);
    const deep = JSON.stringify(JSON.parse(lines[0] as string)).replace(/}$/, `,"x":${nestedObject(5000)}}`);
    await send(topic, [...lines.slice(0, 100).map((value) => ({ value })), { value: deep }, ...lines.slice(100).map((value) => ({ value }))]);
    const reports = await tempDir();
    const groupId = uniqueName("dq-h-nest-group");
    const m = await monitor(monitorConfig({ topic, groupId, reports, deadLetterTopic: dlq }));
    await vi.waitFor(() => expect(m.reports.length).toBe(7), { timeout: 60_000, interval: 200 });
    expect(await itemCounts(join(reports, "churn", "ten-minutes"))).toEqual(await expectedCounts());
    const [letter] = await readTopic(dlq, 1);
    expect(letter?.headers[DEAD_LETTER_HEADERS.reason]).toBe("invalid payload");
    expect(letter?.value.toString()).toBe(deep);
    await vi.waitFor(() => expectCommittedToEnd(topic, groupId), { timeout: 20_000, interval: 250 });
    await m.stop();
    // started again on the same group: nothing left to re-read, nothing dies
    const again = await monitor(monitorConfig({ topic, groupId, reports, deadLetterTopic: dlq }));
    await new Promise((r) => setTimeout(r, 1500));
    expect(again.metrics.registry.getSingleMetric("dqstream_consumer_crashes_total")).toBeDefined();
    expect(await again.metrics.text()).toMatch(/^dqstream_consumer_crashes_total 0$/m);
    await again.stop();
  }, 120_000);

  it("4: a record stamped 9999-12-31 is dead-lettered, never committed as a watermark, and the windows around it are reported", async () => {
    const topic = uniqueName("dq-h-time");
    const dlq = uniqueName("dq-h-time-dlq");
    await createTopic(topic, 1);
    await createTopic(dlq, 1);
    const absurd = (lines[0] as string).replace(/"inferenceTime":"[^"]*"/, '"inferenceTime":"9999-12-31T23:59:59Z"');
    // the broker stamps each message with the time it is produced: the golden records' 2026-11-01
    // times are in the past of that, so only the absurd one is ahead of its message timestamp
    await send(topic, [...lines.slice(0, 200).map((value) => ({ value })), { value: absurd }, ...lines.slice(200).map((value) => ({ value }))]);
    const reports = await tempDir();
    const groupId = uniqueName("dq-h-time-group");
    // stopped after the absurd record and started again: the same verdict on the re-read records
    const first = await monitor(monitorConfig({ topic, groupId, reports, deadLetterTopic: dlq, maxBytes: 4096 }));
    await vi.waitFor(() => expect(first.reports.length).toBeGreaterThanOrEqual(3), { timeout: 60_000, interval: 20 });
    await first.stop();
    const m = await monitor(monitorConfig({ topic, groupId, reports, deadLetterTopic: dlq }));
    await vi.waitFor(() => expect(new Set([...first.reports, ...m.reports].map((r) => r.startMs)).size).toBe(7), { timeout: 60_000, interval: 200 });
    expect(await itemCounts(join(reports, "churn", "ten-minutes"))).toEqual(await expectedCounts());
    const [letter] = await readTopic(dlq, 1);
    expect(letter?.headers[DEAD_LETTER_HEADERS.reason]).toBe("implausible event time");
    const metadata = await vi.waitFor(() => expectCommittedToEnd(topic, groupId), { timeout: 20_000, interval: 250 });
    for (const md of metadata) expect(decodeCheckpoint(md)?.maxEventMs).toBeLessThan(Date.UTC(2027, 0, 1));
    await m.stop();
  }, 120_000);

  it("4: commit metadata holding 9999 (from an earlier version) is repaired on restore, not trusted", async () => {
    const topic = uniqueName("dq-h-meta");
    const dlq = uniqueName("dq-h-meta-dlq");
    await createTopic(topic, 1);
    await createTopic(dlq, 1);
    await send(
      topic,
      lines.map((value) => ({ value })),
    );
    const groupId = uniqueName("dq-h-meta-group");
    const year9999 = Date.UTC(9999, 11, 31, 23);
    // what a monitor without the plausibility rule committed after a 9999 record at offset 0: a
    // member of the group commits it (without consuming anything) and leaves
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
    await consumer.connect();
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => void (joined = true));
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => {} });
    consumer.pause([{ topic }]);
    await vi.waitFor(() => expect(joined).toBe(true), { timeout: 30_000, interval: 100 });
    const metadata = encodeCheckpoint({ maxEventMs: year9999, closedUpToMs: year9999 + 3_600_000, processedTo: "0", closes: [["0", year9999 + 3_600_000]] });
    await consumer.commitOffsets([{ topic, partition: 0, offset: "0", metadata }]);
    await consumer.disconnect();
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(committed?.partitions[0]?.metadata).toBe(metadata);
    const reports = await tempDir();
    const m = await monitor(monitorConfig({ topic, groupId, reports, deadLetterTopic: dlq }));
    await vi.waitFor(() => expect(m.reports.length).toBe(7), { timeout: 60_000, interval: 200 });
    expect(await itemCounts(join(reports, "churn", "ten-minutes"))).toEqual(await expectedCounts());
    expect(await m.metrics.text()).toMatch(/^dqstream_checkpoints_repaired_total 1$/m);
    await m.stop();
  }, 120_000);

  it("6: a missing dead-letter topic (or capture topic), or a parts topic made with 2 partitions or a tiny max.message.bytes, stops the start with a configuration error naming the key; create_dead_letter_topic creates it", async () => {
    const topic = uniqueName("dq-h-dlq");
    await createTopic(topic, 1);
    const reports = await tempDir();
    const dlq = uniqueName("dq-h-missing-dlq");
    const start = (o: { topic?: string; create?: boolean }) =>
      startMonitor(
        monitorConfig({
          topic: o.topic ?? topic,
          groupId: uniqueName("dq-h-dlq-group"),
          reports,
          deadLetterTopic: dlq,
          createDeadLetterTopic: o.create ?? false,
        }),
        silentLogger(),
        { maxWaitTimeInMs: 200, tickMs: 200 },
      );
    const error = await start({}).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(new RegExp(`^kafka.dead_letter_topic: "${dlq}" does not exist on .*create_dead_letter_topic: true`));
    const noCapture = await start({ topic: uniqueName("dq-h-nope") }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((noCapture as Error).message).toMatch(/^kafka.topics: "dq-h-nope-.*" does not exist/);
    // a parts topic made beforehand that stage 2 cannot use: refused at the start, naming it
    for (const [partitions, config, message] of [
      [2, {}, /^kafka.parts_topic: ".*" has 2 partitions; the parts topic needs exactly 1/],
      [1, { "max.message.bytes": "2048" }, /^kafka.parts_topic: ".*" has max.message.bytes 2048; the parts topic needs at least 4096/],
    ] as const) {
      const groupId = uniqueName("dq-h-parts-group");
      await createTopic(`${groupId}-dqstream-parts`, partitions, config);
      const refused = await startMonitor(monitorConfig({ topic, groupId, reports, deadLetterTopic: dlq, createDeadLetterTopic: true }), silentLogger(), {
        maxWaitTimeInMs: 200,
        tickMs: 200,
      }).then(
        (m) => m.stop().then(() => undefined),
        (e: unknown) => e,
      );
      expect(refused).toBeInstanceOf(ConfigError);
      expect((refused as Error).message).toMatch(message);
    }
    const m = await start({ create: true });
    cleanups.push(() => admin.deleteTopics({ topics: [dlq] }));
    cleanups.push(() => m.stop());
    expect((await admin.listTopics()).includes(dlq)).toBe(true);
    await m.stop();
  }, 120_000);

  it("7: a 3 MB poison message and a batch of many late records reach a dead-letter topic limited to 100 kB, truncated and in several requests", async () => {
    const topic = uniqueName("dq-h-big");
    const dlq = uniqueName("dq-h-big-dlq");
    await createTopicsReady(admin, [{ topic, numPartitions: 1, replicationFactor: 1, configEntries: [{ name: "max.message.bytes", value: String(8 << 20) }] }]);
    cleanups.push(() => admin.deleteTopics({ topics: [topic] }));
    await createTopicsReady(admin, [{ topic: dlq, numPartitions: 1, replicationFactor: 1, configEntries: [{ name: "max.message.bytes", value: "100000" }] }]);
    cleanups.push(() => admin.deleteTopics({ topics: [dlq] }));
    const poison = `{"oops":"${"p".repeat(3_000_000)}"`;
    // 40 late records of 20 kB each, after the stream moved an hour on (one batch, 800 kB of dead letters)
    const late = Array.from({ length: 40 }, (_, i) =>
      (lines[i] as string).replace(/"data":"([^"]*)","encoding":"CSV"}/, `"data":"$1","encoding":"CSV","pad":"${"x".repeat(20_000)}"}`),
    );
    await send(topic, [...lines.map((value) => ({ value })), { value: poison }, ...late.map((value) => ({ value }))], 10);
    const reports = await tempDir();
    const config = monitorConfig({ topic, groupId: uniqueName("dq-h-big-group"), reports, deadLetterTopic: dlq, maxBytes: 4 << 20 });
    const m = await monitor({ ...config, max_record_bytes: 4 << 20 });
    const letters = await readTopic(dlq, 41);
    const big = letters.find((l) => l.headers[DEAD_LETTER_HEADERS.reason] === "invalid JSON");
    expect(big?.headers[DEAD_LETTER_HEADERS.truncated]).toBe("true");
    expect(big?.headers[DEAD_LETTER_HEADERS.originalBytes]).toBe(String(Buffer.byteLength(poison)));
    expect(big?.value.length).toBeLessThan(100_000);
    expect(poison.startsWith(big?.value.toString() ?? "-")).toBe(true);
    expect(letters.filter((l) => l.headers[DEAD_LETTER_HEADERS.reason] === "late")).toHaveLength(40);
    expect(await m.metrics.text()).toMatch(/^dqstream_consumer_crashes_total 0$/m);
    await m.stop();
  }, 120_000);

  it("8: while the dead-letter topic is gone the monitor is blocked (readyz, metric, one log line), commits nothing, and then loses nothing", async () => {
    const topic = uniqueName("dq-h-outage");
    const dlq = uniqueName("dq-h-outage-dlq");
    await createTopic(topic, 1);
    await createTopic(dlq, 1);
    const reports = await tempDir();
    const groupId = uniqueName("dq-h-outage-group");
    // the idle close must not close the window the first records left open while the topic is gone
    const logged: string[] = [];
    const log = createLogger("info", new Writable({ write: (c: Buffer, _e, done) => void (logged.push(c.toString()), done()) }));
    const m = await startMonitor(monitorConfig({ topic, groupId, reports, deadLetterTopic: dlq, idleCloseSeconds: 3600 }), log, {
      maxWaitTimeInMs: 200,
      tickMs: 200,
    });
    cleanups.push(() => m.stop());
    await send(
      topic,
      lines.slice(0, 100).map((value) => ({ value })),
    );
    // committed: the first offset of the oldest open window (the 00:10 window from line 80 on)
    const offsetOf = async (): Promise<string | undefined> => (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]?.partitions[0]?.offset;
    await vi.waitFor(async () => expect(await offsetOf()).toBe("80"), { timeout: 30_000, interval: 250 });
    await admin.deleteTopics({ topics: [dlq] });
    await vi.waitFor(async () => expect(await admin.listTopics()).not.toContain(dlq), { timeout: 30_000, interval: 250 });
    // a poison message now cannot be dead-lettered
    await send(topic, [{ value: "{poison" }, ...lines.slice(100).map((value) => ({ value }))]);
    await vi.waitFor(async () => expect(await m.metrics.text()).toMatch(/^dqstream_blocked\{destination="dead_letters"\} 1$/m), {
      timeout: 60_000,
      interval: 250,
    });
    const ready = await fetch(`${m.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.text()).toMatch(/blocked: dead_letters failing since/);
    expect(await offsetOf()).toBe("80");
    await createTopicsReady(admin, [{ topic: dlq, numPartitions: 1, replicationFactor: 1 }]);
    await vi.waitFor(async () => expect(await m.metrics.text()).toMatch(/^dqstream_blocked\{destination="dead_letters"\} 0$/m), {
      timeout: 90_000,
      interval: 250,
    });
    // every window but the last (the idle close is an hour away) has all its records
    await vi.waitFor(() => expect(m.reports.length).toBe(6), { timeout: 60_000, interval: 200 });
    expect(await itemCounts(join(reports, "churn", "ten-minutes"))).toEqual(new Map([...(await expectedCounts())].slice(0, 6)));
    const letters = await readTopic(dlq, 1);
    expect(letters.map((l) => l.value.toString())).toEqual(["{poison"]);
    await m.stop();
    // one line when it became blocked, one when it was not any more
    expect(logged.filter((l) => l.includes('"msg":"blocked: ')).length).toBe(1);
    expect(logged.filter((l) => l.includes('"msg":"unblocked: ')).length).toBe(1);
  }, 180_000);

  it("13: a monitor whose webhooks fail logs, serves and writes none of their secrets", async () => {
    const topic = uniqueName("dq-h-secrets");
    const dlq = uniqueName("dq-h-secrets-dlq");
    await createTopic(topic, 1);
    await createTopic(dlq, 1);
    await send(
      topic,
      lines.map((value) => ({ value })),
    );
    const secret = { user: "mon-user-S3CR1T", password: "mon-pass-S3CR2T", token: "mon-tok-S3CR3T", header: "mon-hdr-S3CR4T" };
    const reports = await tempDir();
    const logged: string[] = [];
    const log = createLogger("debug", new Writable({ write: (c: Buffer, _e, done) => void (logged.push(c.toString()), done()) }));
    const input = monitorConfigInput({ topic, groupId: uniqueName("dq-h-secrets-group"), reports, deadLetterTopic: dlq });
    const config = MonitorConfigSchema.parse({
      ...input,
      alerts: {
        channels: {
          log: true,
          webhooks: [
            {
              url: `http://${secret.user}:${secret.password}@127.0.0.1:1/hooks/${secret.token}`,
              headers: { Authorization: `Bearer ${secret.header}` },
              max_attempts: 2,
              backoff_initial_ms: 1,
              backoff_max_ms: 5,
            },
          ],
        },
      },
    });
    secrets.addConfig(config, MonitorConfigSchema);
    const m = await startMonitor(config, log, { maxWaitTimeInMs: 200, tickMs: 200 });
    cleanups.push(() => m.stop());
    await vi.waitFor(() => expect(m.reports.length).toBe(7), { timeout: 60_000, interval: 200 });
    await vi.waitFor(() => expect(logged.join("")).toMatch(/"msg":"alert not delivered"/), { timeout: 30_000, interval: 200 });
    const served = (await (await fetch(`${m.url}/metrics`)).text()) + (await (await fetch(`${m.url}/readyz`)).text());
    await m.stop();
    const everything = [
      logged.join(""),
      served,
      ...[...(await windowJsons(join(reports, "churn", "ten-minutes"))).values()].map((w) => JSON.stringify(w)),
    ].join("\n");
    expect(Object.values(secret).filter((x) => everything.includes(x))).toEqual([]);
  }, 120_000);

  it("8: while a window's report folder cannot be written the monitor is blocked, then writes it", async () => {
    const topic = uniqueName("dq-h-disk");
    const dlq = uniqueName("dq-h-disk-dlq");
    await createTopic(topic, 1);
    await createTopic(dlq, 1);
    const reports = await tempDir();
    // a file where the 00:20 window's folder (its end, 00:30) goes: mkdir fails (as root too)
    const blocker = join(reports, "churn", "ten-minutes", "2026", "11", "01", "00", "30");
    await mkdir(join(blocker, ".."), { recursive: true });
    await writeFile(blocker, "not a folder");
    await send(
      topic,
      lines.map((value) => ({ value })),
    );
    const m = await monitor(monitorConfig({ topic, groupId: uniqueName("dq-h-disk-group"), reports, deadLetterTopic: dlq }));
    await vi.waitFor(async () => expect(await m.metrics.text()).toMatch(/^dqstream_blocked\{destination="reports"\} 1$/m), { timeout: 60_000, interval: 250 });
    expect(m.reports.map((r) => r.folder.slice(-5))).toEqual(["00/10", "00/20"]);
    await rm(blocker);
    await vi.waitFor(() => expect(m.reports.length).toBe(7), { timeout: 90_000, interval: 200 });
    expect(await itemCounts(join(reports, "churn", "ten-minutes"))).toEqual(await expectedCounts());
    expect(await readFile(join(blocker, "window.json"), "utf8")).toMatch(/"window_start": "2026-11-01T00:20:00Z"/);
    await m.stop();
  }, 180_000);
});
