// `dqstream monitor` over SASL and TLS against a real broker's security listeners
// (test/setup/kafkaBroker.ts: the local broker always has them; KAFKA_BROKERS needs
// KAFKA_SECURITY_FILE). Each case writes a config file, resolves it as `dqstream monitor --config`
// does, creates its topics and produces the capture records through the same listener with the
// same client settings (kafkaClientConfig), and runs the monitor to the last report. Without the
// listeners every test here fails with the reason; none is skipped.
import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { Kafka, Partitioners } from "kafkajs";
import { afterEach, beforeAll, describe, expect, it, inject, vi } from "vitest";
import { stringify } from "yaml";
import { resolveMonitorConfig } from "../../src/cli/monitorCommand.js";
import type { MonitorConfig } from "../../src/config/monitorSchema.js";
import { ConfigError } from "../../src/config/loadConfig.js";
import { startMonitor } from "../../src/engine/runMonitor.js";
import { kafkaClientConfig } from "../../src/sources/kafka/kafkaClient.js";
import { createLogger, silentLogger } from "../../src/telemetry/logger.js";
import type { SecurityListener, TestKafkaSecurity } from "../setup/kafkaBroker.js";
import { createTopicsReady, uniqueName } from "../setup/kafka.js";

const ROOT = resolve(import.meta.dirname, "../..");
const CAPTURE = join(ROOT, "test/golden/replay/csv-start/input/capture.jsonl");
const EXPECTED = join(ROOT, "test/golden/replay/csv-start/expected/reports/churn/ten-minutes");
const STATISTICS = join(ROOT, "test/golden/baseline/csv-header/statistics.json");
const CONSTRAINTS = join(ROOT, "test/golden/baseline/csv-header/constraints.json");

type Security = Extract<TestKafkaSecurity, { available: true }>;
type Mechanism = "plain" | "scram-sha-256" | "scram-sha-512";

const cleanups: Array<() => Promise<unknown>> = [];
let lines: string[];
let expectedCounts: Map<string, number>;

beforeAll(async () => {
  lines = (await readFile(CAPTURE, "utf8")).split("\n").filter((l) => l.trim() !== "");
  expectedCounts = await itemCounts(EXPECTED);
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await Promise.race([cleanup().catch(() => {}), new Promise((r) => setTimeout(r, 20_000))]);
  }
});

/** The run's SASL and TLS listeners, or an error saying why there are none. */
function security(): Security {
  const s = inject("kafkaSecurity");
  if (s === undefined) throw new Error("No kafkaSecurity was provided: run the tests through vitest.config.ts, whose globalSetup starts the broker.");
  if (!s.available) throw new Error(`No SASL/TLS listeners for this test: ${s.reason}`);
  return s;
}

function need<T>(value: T | undefined, what: string, s: Security): T {
  if (value === undefined) throw new Error(`${s.description} has no ${what}, which this test needs.`);
  return value;
}

function listener(s: Security, key: SecurityListener): string[] {
  return need(s.listeners[key], `listeners.${key}`, s);
}

function sasl(s: Security, mechanism: Mechanism, password?: string): Record<string, string> {
  if (!s.mechanisms.includes(mechanism)) throw new Error(`${s.description} does not list the SASL mechanism ${mechanism}, which this test needs.`);
  return { mechanism, username: need(s.username, "username", s), password: password ?? need(s.password, "password", s) };
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "dqstream-security-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** window.json files under `dir` → item_count, by path relative to `dir`. */
async function itemCounts(dir: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const e of entries.filter((e) => e.isFile() && e.name === "window.json").sort((a, b) => a.parentPath.localeCompare(b.parentPath))) {
    const file = join(e.parentPath, e.name);
    out.set(relative(dir, file), (JSON.parse(await readFile(file, "utf8")) as { item_count: number }).item_count);
  }
  return out;
}

/**
 * A monitor config file in a folder of its own, with the given `kafka` section (TLS paths written
 * relative to the file), resolved like `dqstream monitor --config <file>` with `env`.
 */
async function writeConfig(kafka: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): Promise<{ file: string; dir: string; config: MonitorConfig }> {
  const dir = await tempDir();
  const file = join(dir, "monitor.yaml");
  const tls = kafka["tls"] === undefined ? undefined : { ...(kafka["tls"] as Record<string, unknown>) };
  if (tls !== undefined) {
    for (const key of ["ca_file", "cert_file", "key_file"]) if (typeof tls[key] === "string") tls[key] = relative(dir, tls[key]);
  }
  const doc = {
    baseline: { statistics: STATISTICS, constraints: CONSTRAINTS },
    reports_dir: "reports",
    endpoint: "churn",
    schedule: "ten-minutes",
    window_seconds: 600,
    kafka: {
      topics: [uniqueName("dq-sec")],
      group_id: uniqueName("dq-sec-group"),
      dead_letter_topic: uniqueName("dq-sec-dlq"),
      session_timeout_ms: 10_000,
      heartbeat_interval_ms: 1_000,
      ...kafka,
      ...(tls === undefined ? {} : { tls }),
    },
    http: { host: "127.0.0.1", port: 0 },
    idle_close_seconds: 2,
    shutdown_timeout_seconds: 20,
  };
  await writeFile(file, stringify(doc));
  return { file, dir, config: await resolveMonitorConfig({ config: file }, env) };
}

/**
 * Through the config's own listener and client settings: creates the topic (3 partitions) and the
 * dead-letter topic, and produces the capture lines (line i on partition i mod 3).
 */
async function prepareTopics(config: MonitorConfig): Promise<void> {
  const kafka = new Kafka({ ...kafkaClientConfig(config.kafka), clientId: "dqstream-test-security" });
  const admin = kafka.admin();
  await admin.connect();
  cleanups.push(() => admin.disconnect());
  const topic = config.kafka.topics[0] as string;
  await createTopicsReady(admin, [
    { topic, numPartitions: 3, replicationFactor: 1 },
    { topic: config.kafka.dead_letter_topic, numPartitions: 1, replicationFactor: 1 },
  ]);
  cleanups.push(() => admin.deleteTopics({ topics: [topic, config.kafka.dead_letter_topic] }));
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    const messages = lines.map((value, i) => ({ partition: i % 3, value }));
    for (let i = 0; i < messages.length; i += 200) await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 200) });
  } finally {
    await producer.disconnect();
  }
}

/** Runs the monitor until every window is reported; checks the counts against replay's golden reports. */
async function expectMonitorReportsAll(config: MonitorConfig, reportsDir: string): Promise<void> {
  await prepareTopics(config);
  const log = process.env["DQSTREAM_TEST_MONITOR_LOG"] === "1" ? createLogger("trace") : silentLogger();
  const m = await startMonitor(config, log, { maxWaitTimeInMs: 200, tickMs: 200 });
  cleanups.push(() => m.stop());
  await vi.waitFor(() => expect(m.reports.length).toBe(expectedCounts.size), { timeout: 60_000, interval: 200 });
  const ready = await fetch(`${m.url}/readyz`);
  expect(ready.status).toBe(200);
  await m.stop();
  await expect(m.done).resolves.toMatchObject({ reports: expectedCounts.size, records: lines.length, deadLetters: 0 });
  const counts = await itemCounts(join(reportsDir, "churn", "ten-minutes"));
  expect(counts).toEqual(expectedCounts);
  expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(lines.length);
}

/** A kafkajs admin with the config's client settings and no retries must fail to connect with `pattern`. */
async function expectConnectFails(config: MonitorConfig, pattern: RegExp): Promise<void> {
  const admin = new Kafka({ ...kafkaClientConfig(config.kafka), clientId: "dqstream-test-security-negative", retry: { retries: 0 } }).admin();
  try {
    await expect(admin.connect()).rejects.toThrow(pattern);
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

describe("dqstream monitor over SASL and TLS (integration)", () => {
  it("consumes over SASL_PLAINTEXT with SASL/PLAIN, the password from DQSTREAM_KAFKA__SASL__PASSWORD", async () => {
    const s = security();
    const { mechanism, username } = sasl(s, "plain");
    const { dir, config } = await writeConfig(
      { brokers: listener(s, "sasl_plaintext"), sasl: { mechanism, username, password: "overridden-by-the-environment" } },
      { DQSTREAM_KAFKA__SASL__PASSWORD: need(s.password, "password", s) },
    );
    expect(config.kafka.sasl).toEqual({ mechanism: "plain", username, password: s.password });
    await expectMonitorReportsAll(config, join(dir, "reports"));
  }, 120_000);

  it("consumes over SASL_PLAINTEXT with SCRAM-SHA-512", async () => {
    const s = security();
    const { dir, config } = await writeConfig({ brokers: listener(s, "sasl_plaintext"), sasl: sasl(s, "scram-sha-512") });
    await expectMonitorReportsAll(config, join(dir, "reports"));
  }, 120_000);

  it("consumes over TLS, trusting the CA of kafka.tls.ca_file (and fails without it)", async () => {
    const s = security();
    const caFile = need(s.ca_file, "ca_file", s);
    const { dir, config } = await writeConfig({ brokers: listener(s, "ssl"), tls: { ca_file: caFile } });
    expect(config.kafka.tls?.ca_file).toBe(caFile);
    await expectMonitorReportsAll(config, join(dir, "reports"));
    // the CA file is what makes the broker's certificate trusted
    const { config: withoutCa } = await writeConfig({ brokers: listener(s, "ssl"), tls: { enabled: true } });
    await expectConnectFails(withoutCa, /certificate/i);
  }, 120_000);

  it("consumes over mutual TLS with kafka.tls.cert_file and key_file (and the broker refuses a client without them)", async () => {
    const s = security();
    const tls = { ca_file: need(s.ca_file, "ca_file", s), cert_file: need(s.cert_file, "cert_file", s), key_file: need(s.key_file, "key_file", s) };
    const { dir, config } = await writeConfig({ brokers: listener(s, "mtls"), tls });
    await expectMonitorReportsAll(config, join(dir, "reports"));
    const { config: withoutCert } = await writeConfig({ brokers: listener(s, "mtls"), tls: { ca_file: tls.ca_file } });
    await expectConnectFails(withoutCert, /certificate|socket|ECONNRESET|closed/i);
  }, 120_000);

  it("consumes over SASL_SSL with SCRAM-SHA-256 over TLS", async () => {
    const s = security();
    const { dir, config } = await writeConfig({
      brokers: listener(s, "sasl_ssl"),
      tls: { ca_file: need(s.ca_file, "ca_file", s) },
      sasl: sasl(s, "scram-sha-256"),
    });
    await expectMonitorReportsAll(config, join(dir, "reports"));
  }, 120_000);

  it("an untrusted broker certificate stops the monitor at once, naming kafka.tls.ca_file", async () => {
    const s = security();
    const { config } = await writeConfig({ brokers: listener(s, "ssl"), tls: { enabled: true } });
    const error = await startMonitor(config, silentLogger(), { maxWaitTimeInMs: 200, tickMs: 200 }).then(
      (m) => {
        cleanups.push(() => m.stop());
        throw new Error("startMonitor resolved without a trusted CA");
      },
      (e: unknown) => e as Error,
    );
    expect(error.message).toMatch(
      /its TLS certificate cannot be verified \((SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\): set kafka.tls.ca_file/,
    );
  }, 60_000);

  it("an unreadable TLS file is a configuration error naming the key", async () => {
    const s = security();
    const { config } = await writeConfig({ brokers: listener(s, "ssl"), tls: { ca_file: need(s.ca_file, "ca_file", s) } });
    const missing = {
      ...config,
      kafka: { ...config.kafka, tls: { ...(config.kafka.tls as NonNullable<MonitorConfig["kafka"]["tls"]>), ca_file: "/nonexistent/ca.pem" } },
    };
    expect(() => kafkaClientConfig(missing.kafka)).toThrow(ConfigError);
    expect(() => kafkaClientConfig(missing.kafka)).toThrow("kafka.tls.ca_file: cannot read /nonexistent/ca.pem: ENOENT");
  });

  it("a wrong password stops the monitor at start with the broker's authentication error, never showing the password", async () => {
    const s = security();
    const wrong = `not-the-password-${uniqueName("x")}`;
    const { config } = await writeConfig({ brokers: listener(s, "sasl_plaintext"), sasl: sasl(s, "plain", wrong) });
    const started = startMonitor(config, silentLogger(), { maxWaitTimeInMs: 200, tickMs: 200 });
    const error = await started.then(
      (m) => {
        cleanups.push(() => m.stop());
        throw new Error("startMonitor resolved with a wrong password");
      },
      (e: unknown) => e as Error,
    );
    expect(error.message).toMatch(/SASL PLAIN authentication failed: .*(credentials|password)/i);
    expect(error.message).not.toContain(wrong);
  }, 60_000);

  it("the CLI exits 1 on a wrong SCRAM password, saying the authentication failed, and logs no password", async () => {
    const s = security();
    const wrong = `not-the-password-${uniqueName("y")}`;
    const { file } = await writeConfig({ brokers: listener(s, "sasl_plaintext"), sasl: { ...sasl(s, "scram-sha-256"), password: "from-the-file" } });
    const child = spawn(process.execPath, [join(ROOT, "dist/cli/main.js"), "monitor", "--config", file, "--http-port", "0"], {
      env: { ...process.env, DQSTREAM_KAFKA__SASL__PASSWORD: wrong },
      stdio: ["ignore", "pipe", "pipe"],
    });
    cleanups.push(async () => child.kill("SIGKILL"));
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    expect(code, output).toBe(1);
    // one line that says what failed: the broker's answer to the SCRAM exchange
    expect(output).toMatch(/^error: .*SASL SCRAM SHA256 authentication failed: .*(credentials|password)/m);
    expect(output).toContain('"password":"[redacted]"');
    expect(output).not.toContain(wrong);
    expect(output).not.toContain("from-the-file");
  }, 60_000);
});
