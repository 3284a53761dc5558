// `dqstream monitor` end to end against the run's real Kafka broker (test/setup/kafkaBroker.ts):
// capture records on a 3-partition topic, per-window reports like replay's, committed offsets with
// checkpoint metadata, dead letters with headers, a restart that rewrites nothing differently, a
// second instance joining and leaving, and the CLI as a child process (SIGTERM → exit 0).
import { spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { MonitorConfigSchema } from "../../src/config/monitorSchema.js";
import type { RunningMonitor } from "../../src/engine/runMonitor.js";
import { decodeCheckpoint } from "../../src/sources/kafka/checkpointCodec.js";
import { DEAD_LETTER_HEADERS } from "../../src/sinks/kafkaDeadLetterSink.js";
import { kafkaBrokers, uniqueName } from "../setup/kafka.js";
import {
  admin,
  cleanups,
  CONSTRAINTS,
  createTopic,
  newTopics,
  expectCommittedToEnd,
  expectSameReports,
  EXPECTED,
  kafka,
  lineIndexAt,
  lines,
  listFiles,
  monitor,
  monitorConfig,
  monitorConfigInput,
  produceCapture,
  ROOT,
  send,
  STATISTICS,
  tempDir,
  uninterruptedReports,
  violationsOf,
  windowJsons,
} from "./monitorHarness.js";

describe("dqstream monitor (integration)", () => {
  it("publishes parts larger than the parts topic's max.message.bytes in chunks, in requests the broker accepts: the reports of an uninterrupted run", async () => {
    const { topic, deadLetterTopic, groupId } = await newTopics("dq-chunks", 3);
    // the parts topic made beforehand with a 4 kB limit: every window part is several chunks, and
    // one transaction's chunks together pass the limit a record batch must keep
    await createTopic(`${groupId}-dqstream-parts`, 1, { "max.message.bytes": "4096" });
    await produceCapture(topic);
    const reports = await tempDir();
    const m = await monitor(monitorConfig({ topic, groupId, reports, deadLetterTopic }));
    await vi.waitFor(() => expect(m.reports.length).toBe(7), { timeout: 60_000, interval: 200 });
    await m.stop();
    await expect(m.done).resolves.toMatchObject({ records: lines.length });
    await expectSameReports(reports, await uninterruptedReports({ topic, deadLetterTopic: uniqueName("dq-chunks-ref-dlq") }, 7));
  });

  it("stops once stage 2 has read the parts topic to its end, which is a transaction marker, not after its whole drain time", async () => {
    const { topic, deadLetterTopic, groupId } = await newTopics("dq-drain", 3);
    await produceCapture(topic);
    const reports = await tempDir();
    // a drain of up to 300 s (half of shutdown_timeout_seconds): the test's 60 s end it if stop waits
    // for an offset the consumer is never handed (the marker after stage 1's last transaction)
    const m = await monitor(MonitorConfigSchema.parse({ ...monitorConfigInput({ topic, groupId, reports, deadLetterTopic }), shutdown_timeout_seconds: 600 }));
    await vi.waitFor(() => expect(m.reports.length).toBe(7), { timeout: 30_000, interval: 200 });
    await m.stop();
    await expect(m.done).resolves.toMatchObject({ records: lines.length });
  });

  it("stops at once when stage 2 has nothing to read (no capture yet, or every window reported before a restart), not after its whole drain time", async () => {
    const { topic, deadLetterTopic, groupId } = await newTopics("dq-idle-stop", 3);
    // a drain of up to 300 s: the test's 60 s end it if stop waits for a fetch that never comes
    // (the parts consumer is at the topic's end from its assignment on)
    const config = MonitorConfigSchema.parse({
      ...monitorConfigInput({ topic, groupId, reports: await tempDir(), deadLetterTopic }),
      shutdown_timeout_seconds: 600,
    });
    // stage 2 owns the parts partition and has restored its state: a stop now drains
    const reporting = async (m: RunningMonitor): Promise<void> =>
      expect((await m.metrics.registry.getSingleMetric("dqstream_reporting")?.get())?.values[0]?.value).toBe(1);
    // no capture at all: the parts topic is empty, nothing committed
    const idle = await monitor(config);
    await vi.waitFor(() => reporting(idle), { timeout: 30_000, interval: 200 });
    await idle.stop();
    await expect(idle.done).resolves.toMatchObject({ records: 0, reports: 0 });

    // every window reported and committed, then a restart with nothing new
    await produceCapture(topic);
    const first = await monitor(config);
    await vi.waitFor(() => expect(first.reports.length).toBe(7), { timeout: 30_000, interval: 200 });
    await first.stop();
    const again = await monitor(config);
    await vi.waitFor(() => reporting(again), { timeout: 30_000, interval: 200 });
    await again.stop();
    await expect(again.done).resolves.toMatchObject({ reports: 0 });
  });

  it("a capture topic written in transactions (exactly-once producers): the same reports, committed past each commit marker to the end, lag 0", async () => {
    const { topic, deadLetterTopic, groupId } = await newTopics("dq-tx-input", 3);
    await produceCapture(topic, 0, lines.length, false, 100, true);
    const reports = await tempDir();
    const m = await monitor(monitorConfig({ topic, groupId, reports, deadLetterTopic }));
    await vi.waitFor(() => expect(m.reports.length).toBe(7), { timeout: 60_000, interval: 200 });
    await vi.waitFor(() => expectCommittedToEnd(topic, groupId), { timeout: 30_000, interval: 200 });
    const lag = (await m.metrics.registry.getSingleMetric("dqstream_consumer_lag_messages")?.get())?.values ?? [];
    expect(lag.map((v) => v.value)).toEqual([0, 0, 0]);
    await m.stop();
    await expectSameReports(reports, await uninterruptedReports({ topic, deadLetterTopic: uniqueName("dq-tx-input-ref-dlq") }, 7));
  });

  it("reports every window of records spread over 3 partitions, like replay, and commits to the end", async () => {
    const topic = uniqueName("dq-mon");
    const groupId = uniqueName("dq-mon-group");
    const deadLetterTopic = uniqueName("dq-mon-dlq");
    await createTopic(topic, 3);
    await createTopic(deadLetterTopic, 1);
    await produceCapture(topic);
    const reports = await tempDir();
    const m = await monitor(monitorConfig({ topic, groupId, reports, deadLetterTopic }));

    await vi.waitFor(() => expect(m.reports.length).toBe(7), { timeout: 60_000, interval: 200 });
    const expected = await windowJsons(EXPECTED);
    const actual = await windowJsons(join(reports, "churn", "ten-minutes"));
    expect([...actual.keys()]).toEqual([...expected.keys()]);
    let items = 0;
    for (const [f, w] of actual) {
      const e = expected.get(f) as Record<string, unknown>;
      expect(w["item_count"], f).toBe(e["item_count"]);
      expect(w["records"], f).toEqual(e["records"]);
      expect(w["violations"], f).toBe(e["violations"]);
      items += w["item_count"] as number;
      const folder = f.replace(/\/window\.json$/, "");
      expect(await violationsOf(join(reports, "churn", "ten-minutes"), folder), f).toEqual(await violationsOf(EXPECTED, folder));
      // each window's input: one range per partition, by topic, partition and offsets
      expect(
        (w["input"] as Array<Record<string, unknown>>).every((i) => i["topic"] === topic),
        f,
      ).toBe(true);
    }
    expect(items).toBe(lines.length);
    // clean window and injected violations (folders named by the window's end: 00:00–00:10 is …/00/10)
    expect(await violationsOf(reports, "churn/ten-minutes/2026/11/01/00/10")).toEqual([]);
    expect(await violationsOf(reports, "churn/ten-minutes/2026/11/01/00/50")).toContain("categorical_values_check:plan");

    // offsets committed to the end, with the checkpoint metadata (every window closed)
    await vi.waitFor(
      async () => {
        const metadata = await expectCommittedToEnd(topic, groupId);
        for (const md of metadata) expect(decodeCheckpoint(md)?.closedUpToMs).toBe(Date.UTC(2026, 10, 1, 1, 10));
      },
      { timeout: 20_000, interval: 250 },
    );

    // operations endpoint
    const ready = await fetch(`${m.url}/readyz`);
    expect(ready.status).toBe(200);
    const metrics = await (await fetch(`${m.url}/metrics`)).text();
    expect(metrics).toMatch(/^dqstream_windows_closed_total 7$/m);
    expect(metrics).toMatch(/^dqstream_records_total\{outcome="counted"\} 560$/m);

    await m.stop();
    await expect(m.done).resolves.toMatchObject({ reports: 7, records: lines.length });
  }, 120_000);

  it("sends poison messages to the dead-letter topic with headers and keeps going", async () => {
    const topic = uniqueName("dq-poison");
    const groupId = uniqueName("dq-poison-group");
    const deadLetterTopic = uniqueName("dq-poison-dlq");
    await createTopic(topic, 1);
    await createTopic(deadLetterTopic, 1);
    const good = lines.slice(0, 30);
    const truncated = (good[0] as string).slice(0, 40);
    // random bytes without a newline (a newline would split the message into several records, each a dead letter)
    const random = Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 73 + 11) % 256).map((b) => (b === 10 ? 11 : b)));
    await send(topic, [
      ...good.slice(0, 10).map((value) => ({ value })),
      { value: random },
      { value: truncated },
      ...good.slice(10).map((value) => ({ value })),
    ]);
    const reports = await tempDir();
    const m = await monitor(monitorConfig({ topic, groupId, reports, deadLetterTopic }));

    await vi.waitFor(() => expect(m.reports.length).toBeGreaterThan(0), { timeout: 60_000, interval: 200 });
    const windows = await windowJsons(join(reports, "churn", "ten-minutes"));
    const all = [...windows.values()];
    expect(all.reduce((n, w) => n + (w["item_count"] as number), 0)).toBe(good.length);
    expect(all.reduce((n, w) => n + (w["records"] as { malformed: number }).malformed, 0)).toBe(2);

    // the dead letters, with their reason and source position
    const received: Array<{ value: string; headers: Record<string, string> }> = [];
    const consumer = kafka.consumer({ groupId: uniqueName("dq-poison-reader"), maxWaitTimeInMs: 200 });
    await consumer.connect();
    cleanups.push(() => consumer.disconnect());
    await consumer.subscribe({ topic: deadLetterTopic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
        received.push({ value: message.value?.toString("utf8") ?? "", headers });
      },
    });
    await vi.waitFor(() => expect(received.length).toBe(2), { timeout: 30_000, interval: 200 });
    const byOffset = new Map(received.map((r) => [r.headers[DEAD_LETTER_HEADERS.offset], r]));
    expect([...byOffset.keys()].sort()).toEqual(["10", "11"]);
    for (const r of received) {
      expect(r.headers[DEAD_LETTER_HEADERS.topic]).toBe(topic);
      expect(r.headers[DEAD_LETTER_HEADERS.partition]).toBe("0");
      expect(r.headers[DEAD_LETTER_HEADERS.reason]).toBeTruthy();
    }
    expect(byOffset.get("11")?.value).toBe(truncated);
    await vi.waitFor(() => expectCommittedToEnd(topic, groupId), { timeout: 20_000, interval: 250 });
    await m.stop();
    await expect(m.done).resolves.toMatchObject({ deadLetters: 2 });
  }, 120_000);

  it("stopped mid-stream and started again, writes the reports of an uninterrupted run, byte for byte", async () => {
    const topic = uniqueName("dq-restart");
    const deadLetterTopic = uniqueName("dq-restart-dlq");
    await createTopic(topic, 3);
    await createTopic(deadLetterTopic, 1);
    // out of order, with allowed lateness: after a restart, records of windows closed before it are re-read and must be skipped
    // (small produce requests: small record batches, so that small fetches make many consumer batches)
    await produceCapture(topic, 0, lines.length, true, 6);

    // uninterrupted
    const whole = await tempDir();
    const a = await monitor(monitorConfig({ topic, groupId: uniqueName("dq-restart-whole"), reports: whole, deadLetterTopic, latenessSeconds: 120 }));
    await vi.waitFor(() => expect(a.reports.length).toBe(7), { timeout: 60_000, interval: 200 });
    await a.stop();

    // small fetches (many batches), stopped after the first windows closed, then started again
    const groupId = uniqueName("dq-restart-group");
    const split = await tempDir();
    const config = monitorConfig({ topic, groupId, reports: split, deadLetterTopic, maxBytes: 1024, latenessSeconds: 120 });
    const b1 = await monitor(config);
    await vi.waitFor(() => expect(b1.reports.length).toBeGreaterThanOrEqual(3), { timeout: 60_000, interval: 10 });
    await b1.stop();
    const firstRun = b1.reports.length;
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const ends = await admin.fetchTopicOffsets(topic);
    // stopped mid-stream: some partition is not committed to its end
    expect(committed?.partitions.some((p) => ends.find((e) => e.partition === p.partition)?.high !== p.offset)).toBe(true);
    const b2 = await monitor(config);
    await vi.waitFor(() => expect(new Set([...b1.reports, ...b2.reports].map((r) => r.startMs)).size).toBe(7), { timeout: 60_000, interval: 200 });
    await b2.stop();
    expect(firstRun).toBeLessThan(7);

    const files = await listFiles(whole);
    expect(files.length).toBe(28); // 7 windows × statistics, constraint_violations, constraints, window
    expect(await listFiles(split)).toEqual(files);
    const counted = [...(await windowJsons(join(whole, "churn", "ten-minutes"))).values()];
    expect(counted.reduce((n, w) => n + (w["item_count"] as number), 0)).toBe(lines.length);
    for (const f of files) expect(await readFile(join(split, f), "utf8"), f).toBe(await readFile(join(whole, f), "utf8"));
  }, 180_000);

  it("a second instance joins the group mid-stream and leaves again: one reports folder, the uninterrupted run's reports byte for byte", async () => {
    const topic = uniqueName("dq-rebalance");
    const deadLetterTopic = uniqueName("dq-rebalance-dlq");
    const groupId = uniqueName("dq-rebalance-group");
    await createTopic(topic, 3);
    await createTopic(deadLetterTopic, 1);
    // phases end at window boundaries and the idle close waits 20 s, so pauses close no window early
    const base = { topic, deadLetterTopic, maxBytes: 1024, idleCloseSeconds: 20 };
    const shared = await tempDir();
    const phase2 = lineIndexAt("2026-11-01T00:20:00Z");
    const phase3 = lineIndexAt("2026-11-01T00:50:00Z");

    await produceCapture(topic, 0, phase2, false, 6);
    const m1 = await monitor(monitorConfig({ ...base, groupId, reports: shared }));
    await vi.waitFor(() => expect(m1.reports.length).toBeGreaterThanOrEqual(1), { timeout: 60_000, interval: 50 });

    // joins: the group splits the 3 partitions between the two
    const m2 = await monitor(monitorConfig({ ...base, groupId, reports: shared }));
    await vi.waitFor(async () => expect((await fetch(`${m2.url}/readyz`)).status).toBe(200), { timeout: 60_000, interval: 200 });
    await vi.waitFor(async () => expect((await fetch(`${m1.url}/readyz`)).status).toBe(200), { timeout: 60_000, interval: 200 });
    await produceCapture(topic, phase2, phase3, false, 6);
    // both close windows 00:20 and 00:30 for their own partitions and publish their parts; the one
    // instance owning the parts topic reports each window from both instances' parts
    await vi.waitFor(async () => expect((await windowJsons(join(shared, "churn", "ten-minutes"))).size).toBeGreaterThanOrEqual(4), {
      timeout: 60_000,
      interval: 200,
    });

    // leaves: its partitions go back to the first instance, which re-reads them from the commits
    await m2.stop();
    await produceCapture(topic, phase3, lines.length, false, 6);
    await vi.waitFor(() => expectCommittedToEnd(topic, groupId), { timeout: 60_000, interval: 250 });
    await vi.waitFor(async () => expect((await windowJsons(join(shared, "churn", "ten-minutes"))).size).toBe(7), { timeout: 60_000, interval: 250 });
    await m1.stop();
    // every window reported once, by one of them
    const starts = [...m1.reports, ...m2.reports].map((r) => r.startMs);
    expect(starts.length).toBe(7);
    expect(new Set(starts).size).toBe(7);

    const reference = await uninterruptedReports({ topic, deadLetterTopic: uniqueName("dq-rebalance-ref-dlq") }, 7);
    await expectSameReports(shared, reference);
    const counted = [...(await windowJsons(join(shared, "churn", "ten-minutes"))).values()];
    expect(counted.reduce((n, w) => n + (w["item_count"] as number), 0)).toBe(lines.length);
  }, 240_000);

  it("a partition without records stops holding the watermark back after kafka.idle_partition_seconds", async () => {
    const topic = uniqueName("dq-idle");
    const deadLetterTopic = uniqueName("dq-idle-dlq");
    await createTopic(topic, 3);
    await createTopic(deadLetterTopic, 1);
    // partitions 0 and 1 only; partition 2 never gets a record (its watermark would stay −∞)
    await send(
      topic,
      lines.map((value, i) => ({ partition: i % 2, value })),
    );
    const dir = await tempDir();
    const m = await monitor(
      monitorConfig({ topic, groupId: uniqueName("dq-idle-group"), reports: dir, deadLetterTopic, idlePartitionSeconds: 1, idleCloseSeconds: 3600 }),
    );
    // every window but the last closes by the watermark of partitions 0 and 1 (the idle close is an hour away)
    await vi.waitFor(() => expect(m.reports.map((r) => r.startMs)).toHaveLength(6), { timeout: 60_000, interval: 200 });
    const expected = new Map([...(await windowJsons(EXPECTED))].map(([f, w]) => [f, w["item_count"] as number]));
    const actual = new Map([...(await windowJsons(join(dir, "churn", "ten-minutes")))].map(([f, w]) => [f, w["item_count"] as number]));
    expect(actual).toEqual(new Map([...expected].slice(0, 6)));
    expect(m.metrics.registry.getSingleMetric("dqstream_open_windows")).toBeDefined();
    expect(await (await fetch(`${m.url}/metrics`)).text()).toMatch(/^dqstream_open_windows 1$/m);
    await m.stop();
  }, 120_000);

  it("runs as `dqstream monitor` and exits 0 on SIGTERM", async () => {
    const topic = uniqueName("dq-cli");
    const deadLetterTopic = uniqueName("dq-cli-dlq");
    await createTopic(topic, 3);
    await createTopic(deadLetterTopic, 1);
    await produceCapture(topic, 0, 260);
    const dir = await tempDir();
    const configFile = join(dir, "monitor.yaml");
    await writeFile(
      configFile,
      [
        `baseline: { statistics: ${JSON.stringify(STATISTICS)}, constraints: ${JSON.stringify(CONSTRAINTS)} }`,
        `window_seconds: 600`,
        `kafka: { brokers: ${JSON.stringify(kafkaBrokers())}, topics: [${JSON.stringify(topic)}], dead_letter_topic: ${JSON.stringify(deadLetterTopic)}, session_timeout_ms: 10000, heartbeat_interval_ms: 1000 }`,
        `idle_close_seconds: 2`,
        "",
      ].join("\n"),
    );
    const env: NodeJS.ProcessEnv = { PATH: process.env["PATH"], DQSTREAM_KAFKA__GROUP_ID: uniqueName("dq-cli-group"), DQSTREAM_LOG_LEVEL: "info" };
    const child = spawn(
      process.execPath,
      [
        join(ROOT, "dist/cli/main.js"),
        "monitor",
        "--config",
        configFile,
        "--reports",
        join(dir, "reports"),
        "--http-port",
        "0",
        "--endpoint",
        "churn",
        "--schedule",
        "ten-minutes",
      ],
      {
        env,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on("close", (code, signal) => r({ code, signal })));
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill("SIGKILL");
    });
    // 260 records: windows 00:00 … 00:20 and part of 00:30, closed by the idle timer
    await vi.waitFor(() => expect(stderr).toMatch(/"window_start":"2026-11-01T00:30:00Z"/), { timeout: 60_000, interval: 200 });
    // signals keep coming through the shutdown (an orchestrator's and a user's second Ctrl-C): the
    // first stops the monitor, the others change nothing
    child.kill("SIGTERM");
    const repeat = setInterval(() => !stderr.includes('"event":"monitor_stopped"') && child.kill("SIGTERM"), 5);
    const outcome = await exited.finally(() => clearInterval(repeat));
    expect(outcome, stderr.slice(-2000)).toEqual({ code: 0, signal: null });
    expect(stderr.match(/"event":"monitor_stopping"/g)).toHaveLength(1);
    const windows = await windowJsons(join(dir, "reports", "churn", "ten-minutes"));
    expect([...windows.values()].reduce((n, w) => n + (w["item_count"] as number), 0)).toBe(260);
    expect(stderr).not.toMatch(/"window_start":"2026-11-01T00:40:00Z"/);
  }, 120_000);

  it("exits 2 naming the flag when the configuration is wrong", async () => {
    const child = spawn(
      process.execPath,
      [
        join(ROOT, "dist/cli/main.js"),
        "monitor",
        "--brokers",
        "127.0.0.1:1",
        "--topic",
        "t",
        "--statistics",
        STATISTICS,
        "--constraints",
        CONSTRAINTS,
        "--reports",
        "/tmp/x",
        "--window-seconds",
        "5",
      ],
      {
        env: { PATH: process.env["PATH"] },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    expect(code).toBe(2);
    expect(stderr).toMatch(/--window-seconds: window_seconds:/);
  }, 30_000);

  it("exits 1 with one clear line when the brokers cannot be reached (after kafkajs's retries)", async () => {
    const child = spawn(
      process.execPath,
      [
        join(ROOT, "dist/cli/main.js"),
        "monitor",
        "--brokers",
        "127.0.0.1:1",
        "--topic",
        "captures",
        "--statistics",
        STATISTICS,
        "--constraints",
        CONSTRAINTS,
        "--reports",
        join(await tempDir(), "r"),
        "--http-port",
        "0",
        "--log-level",
        "fatal",
      ],
      {
        env: { PATH: process.env["PATH"] },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    expect(code).toBe(1);
    expect(stderr.trim()).toBe("error: Kafka brokers 127.0.0.1:1: cannot start consuming captures: Connection error: connect ECONNREFUSED 127.0.0.1:1");
  }, 120_000);
});
