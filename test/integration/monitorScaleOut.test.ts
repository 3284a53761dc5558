// Scale-out on Kafka (docs/design-monitor.md, "Two stages over Kafka"), end to end: three
// `dqstream monitor` processes of one group, each in a working folder of its own, reports in moto's
// S3, the golden capture moved to recent hours on a 4-partition topic. With instances added and
// removed mid-stream, the reports are a single uninterrupted instance's, byte for byte, and moto
// has each window's CloudWatch datums once; with instances killed by SIGKILL at random points and
// started again, the reports are the same bytes; a partition whose instance is frozen past
// max_window_wait_seconds gets its windows reported incomplete, then corrected.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { uniqueName } from "../setup/kafka.js";
import { motoUrl, newBucket, readBackClient, readObjects, TEST_REGION, useFakeAwsCredentials } from "../setup/moto.js";
import { mulberry32 } from "../support/random.js";
import { formatJson } from "../../src/formats/jsonFile.js";
import { metricSeries, recentStart, uniqueEndpoint } from "./cloudwatchFixtures.js";
import {
  newTopics,
  expectCommittedToEnd,
  expectSameReports,
  lines,
  monitorConfigInput,
  send,
  spawnMonitor,
  tempDir,
  uninterruptedReports,
  windowJsons,
  type Child,
  type MonitorTestOptions,
} from "./monitorHarness.js";

const PARTITIONS = 4;
const T0 = Date.UTC(2026, 10, 1);
const WINDOW_MS = 600_000;
const AWS_ENV = { AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing", AWS_REGION: TEST_REGION };

let shifted: string[] = [];
let startMs = 0;
beforeAll(() => {
  useFakeAwsCredentials();
  // CloudWatch keeps datums for two weeks: the capture moved to three hours ago, window-aligned
  startMs = recentStart();
  shifted = lines.map((l) => {
    const r = JSON.parse(l) as { eventMetadata: { inferenceTime: string } };
    r.eventMetadata.inferenceTime = new Date(Date.parse(r.eventMetadata.inferenceTime) - T0 + startMs).toISOString().replace(/\.\d{3}Z$/, "Z");
    return JSON.stringify(r);
  });
});

/** Lines [from, to) of the moved capture, line i on partition i mod 4, in order. */
const produce = (topic: string, from: number, to: number): Promise<void> =>
  send(
    topic,
    shifted.slice(from, to).map((value, k) => ({ partition: (from + k) % PARTITIONS, value })),
    8,
  );

/** Index of the first moved line at or after window `w` (0-based) of the capture. */
const lineAtWindow = (w: number): number => {
  const t = startMs + w * WINDOW_MS;
  const i = shifted.findIndex((l) => Date.parse((JSON.parse(l) as { eventMetadata: { inferenceTime: string } }).eventMetadata.inferenceTime) >= t);
  return i === -1 ? shifted.length : i;
};

interface Cluster {
  readonly bucket: string;
  /** Starts instance `name` in its own folder (again, after a kill: same folder and config). */
  start(name: string): Promise<Child>;
}

async function cluster(o: Omit<MonitorTestOptions, "reports">, extra: Record<string, unknown> = {}, kafka: Record<string, unknown> = {}): Promise<Cluster> {
  const bucket = await newBucket("scale");
  const configs = new Map<string, string>();
  return {
    bucket,
    async start(name) {
      let file = configs.get(name);
      if (file === undefined) {
        const dir = await tempDir();
        file = join(dir, "monitor.json");
        const input = monitorConfigInput({ ...o, reports: `s3://${bucket}/reports` });
        const config = {
          ...input,
          kafka: { ...(input["kafka"] as Record<string, unknown>), ...kafka },
          s3: { endpoint_url: motoUrl() },
          endpoint: "churn",
          ...extra,
        };
        await writeFile(file, JSON.stringify(config, null, 2));
        configs.set(name, file);
      }
      return spawnMonitor(file, AWS_ENV, dirname(file));
    },
  };
}

/** The report objects under s3://bucket/reports downloaded into a folder, for expectSameReports. */
async function download(bucket: string): Promise<string> {
  const dir = await tempDir();
  for (const [key, bytes] of await readObjects(bucket, "reports")) {
    await mkdir(dirname(join(dir, key)), { recursive: true });
    await writeFile(join(dir, key), bytes);
  }
  return dir;
}

const windowJsonCount = async (bucket: string): Promise<number> =>
  [...(await readObjects(bucket, "reports")).keys()].filter((k) => k.endsWith("window.json")).length;

async function stop(c: Child): Promise<void> {
  // a process still loading would die of the signal before its handler is set
  await vi.waitFor(() => expect(c.stderr()).toContain('"event":"monitor_started"'), { timeout: 60_000, interval: 100 });
  c.process.kill("SIGTERM");
  expect(await c.exited, c.stderr().slice(-3000)).toEqual({ code: 0, signal: null });
}

describe("dqstream monitor scaled out over Kafka (three processes, reports in S3)", () => {
  it("instances added and removed mid-stream: the single instance's reports byte for byte, each window's CloudWatch datums once", async () => {
    const { topic, deadLetterTopic, groupId } = await newTopics("dq-scale", PARTITIONS);
    const endpoint = uniqueEndpoint("scale-ep");
    // phases end at window boundaries and the idle close waits 20 s, so pauses close no window early
    const base = { topic, deadLetterTopic, groupId, maxBytes: 1024, idleCloseSeconds: 20 };
    const c = await cluster(base, { endpoint, cloudwatch: { enabled: true, endpoint_url: motoUrl(), region: TEST_REGION, own_metrics: false } });

    await produce(topic, 0, lineAtWindow(2));
    const i1 = await c.start("one");
    const i2 = await c.start("two");
    await vi.waitFor(async () => expect(await windowJsonCount(c.bucket)).toBeGreaterThanOrEqual(1), { timeout: 90_000, interval: 500 });
    const i3 = await c.start("three"); // added
    await produce(topic, lineAtWindow(2), lineAtWindow(4));
    await vi.waitFor(async () => expect(await windowJsonCount(c.bucket)).toBeGreaterThanOrEqual(3), { timeout: 90_000, interval: 500 });
    await stop(i1); // removed
    await produce(topic, lineAtWindow(4), shifted.length);
    await vi.waitFor(() => expectCommittedToEnd(topic, groupId), { timeout: 120_000, interval: 500 });
    await vi.waitFor(async () => expect(await windowJsonCount(c.bucket)).toBe(7), { timeout: 120_000, interval: 500 });
    await stop(i2);
    await stop(i3);

    const reference = await uninterruptedReports({ topic, deadLetterTopic: uniqueName("dq-scale-ref-dlq") }, 7);
    const got = await download(c.bucket);
    // the reference ran under the harness's endpoint name (churn): the same folders under another
    await expectSameReportsUnder(join(got, endpoint), join(reference, "churn"));

    // CloudWatch: feature_data_account_length's SampleCount at each window end is that window's count, not twice it
    const client = readBackClient();
    const counts = await metricSeries(client, {
      namespace: "aws/sagemaker/Endpoints/data-metrics",
      metric: "feature_data_account_length",
      endpoint,
      schedule: "ten-minutes",
      stat: "SampleCount",
      fromMs: startMs - WINDOW_MS,
      toMs: startMs + 9 * WINDOW_MS,
    });
    // each window's count of present account_length values, from the reference's statistics.json
    const expected = new Map<number, number>();
    for (const [file, w] of await windowJsons(join(reference, "churn", "ten-minutes"))) {
      const folder = join(reference, "churn", "ten-minutes", dirname(file));
      const stats = JSON.parse(await readFile(join(folder, "statistics.json"), "utf8")) as {
        features: Array<{ name: string; numerical_statistics?: { common: { num_present: number } } }>;
      };
      const f = stats.features.find((x) => x.name === "account_length");
      expected.set(Date.parse(String(w["window_end"])), f?.numerical_statistics?.common.num_present ?? -1);
    }
    expect([...counts.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [t, n] of counts) expect(n, new Date(t).toISOString()).toBe(expected.get(t));
  }, 420_000);

  it("instances killed with SIGKILL at random points and started again: the single instance's reports byte for byte", async () => {
    const { topic, deadLetterTopic, groupId } = await newTopics("dq-scale-kill", PARTITIONS);
    const base = { topic, deadLetterTopic, groupId, maxBytes: 1024, idleCloseSeconds: 20 };
    const c = await cluster(base);
    await produce(topic, 0, shifted.length);
    const seed = Number(process.env["DQSTREAM_TEST_SEED"] ?? Date.now() % 100_000);
    const rand = mulberry32(seed);
    const names = ["one", "two", "three"];
    const running = new Map<string, Child>();
    for (const n of names) running.set(n, await c.start(n));
    const kills: string[] = [];
    for (let k = 0; k < 3; k++) {
      const victim = names[Math.floor(rand() * names.length)] as string;
      const child = running.get(victim) as Child;
      const at = child.batches() + 3 + Math.floor(rand() * 15);
      await vi.waitFor(() => expect(child.batches()).toBeGreaterThanOrEqual(at), { timeout: 90_000, interval: 5 }).catch(() => undefined);
      child.process.kill("SIGKILL");
      await child.exited;
      kills.push(`${victim}@${child.batches()}`);
      running.set(victim, await c.start(victim));
    }
    console.info(`monitorScaleOut: seed ${seed}, killed ${kills.join(", ")}`);
    await vi.waitFor(() => expectCommittedToEnd(topic, groupId), { timeout: 150_000, interval: 500 });
    await vi.waitFor(async () => expect(await windowJsonCount(c.bucket)).toBe(7), { timeout: 150_000, interval: 500 });
    for (const child of running.values()) await stop(child);
    const reference = await uninterruptedReports({ topic, deadLetterTopic: uniqueName("dq-scale-kill-ref-dlq") }, 7);
    await expectSameReports(await download(c.bucket), reference);
  }, 480_000);
});

describe("a partition whose instance stops longer than max_window_wait_seconds", () => {
  it("gets its windows reported incomplete, naming it, then corrected once another instance takes it over", async () => {
    const { topic, deadLetterTopic, groupId } = await newTopics("dq-scale-wait", PARTITIONS);
    const base = { topic, deadLetterTopic, groupId, maxBytes: 1024, idleCloseSeconds: 30 };
    // the frozen instance stays in the group for 12 s: long past the 3 s wait
    const c = await cluster(base, { max_window_wait_seconds: 3 }, { session_timeout_ms: 12_000, heartbeat_interval_ms: 1_000 });
    const one = await c.start("one");
    await vi.waitFor(() => expect(one.stderr()).toContain('"event":"reporting_taken_over"'), { timeout: 60_000, interval: 100 });
    const two = await c.start("two");
    const assignedTo = (child: Child): number[] => {
      const m = [...child.stderr().matchAll(/"event":"partitions_assigned","assigned":(\[[^\n]*?\]),"msg"/g)].at(-1);
      return m === undefined ? [] : (JSON.parse(m[1] as string) as string[]).map((p) => Number(/\[(\d+)\]$/.exec(p)?.[1]));
    };
    await vi.waitFor(() => expect(assignedTo(two).length, two.stderr().slice(-3000)).toBeGreaterThan(0), { timeout: 60_000, interval: 100 });
    await vi.waitFor(() => expect(one.stderr().split('"event":"partitions_assigned"').length).toBeGreaterThanOrEqual(3), { timeout: 60_000, interval: 100 });
    // stage 2's group gave its one partition to one of them: the other is the one frozen
    await vi.waitFor(() => expect(two.stderr()).toMatch(/"event":"reporting_(taken_over|elsewhere)"/), { timeout: 60_000, interval: 100 });
    const [reporter, idle] = two.stderr().includes('"event":"reporting_taken_over"') ? [two, one] : [one, two];
    const frozen = assignedTo(idle).sort();
    await produce(topic, 0, lineAtWindow(2));
    await vi.waitFor(async () => expect(await windowJsonCount(c.bucket)).toBeGreaterThanOrEqual(1), { timeout: 60_000, interval: 250 });

    idle.process.kill("SIGSTOP");
    await produce(topic, lineAtWindow(2), lineAtWindow(5));
    // windows 2–3 close on the reporter's partitions; the frozen one's say nothing: after 3 s, reported incomplete
    const incomplete = async (): Promise<Array<Record<string, unknown>>> =>
      [...(await readObjects(c.bucket, "reports"))]
        .filter(([k]) => k.endsWith("window.json"))
        .map(([, v]) => JSON.parse(v.toString("utf8")) as Record<string, unknown>)
        .filter((w) => w["complete"] === false);
    await vi.waitFor(async () => expect((await incomplete()).length, reporter.stderr().slice(-3000)).toBeGreaterThanOrEqual(1), {
      timeout: 30_000,
      interval: 250,
    });
    const first = (await incomplete())[0] as Record<string, unknown>;
    expect((first["missing_partitions"] as Array<{ partition: number }>).map((p) => p.partition).sort()).toEqual(frozen);
    expect(reporter.stderr()).toContain('"event":"window_incomplete"');

    // the frozen instance is gone for good: after its session times out, the reporter takes its partitions over from their commits and the windows are corrected
    idle.process.kill("SIGKILL");
    await produce(topic, lineAtWindow(5), shifted.length);
    await vi.waitFor(() => expectCommittedToEnd(topic, groupId), { timeout: 120_000, interval: 500 });
    await vi.waitFor(async () => expect(await windowJsonCount(c.bucket)).toBe(7), { timeout: 120_000, interval: 500 });
    await vi.waitFor(async () => expect(await incomplete()).toEqual([]), { timeout: 60_000, interval: 500 });
    expect(reporter.stderr()).toContain('"event":"window_corrected"');
    await stop(reporter);

    const reference = await uninterruptedReports({ topic, deadLetterTopic: uniqueName("dq-scale-wait-ref-dlq") }, 7);
    const got = await download(c.bucket);
    // the corrected windows' files equal the reference's; their window.json says it is a correction
    const corrected: string[] = [];
    for (const [file, w] of await windowJsons(join(got, "churn", "ten-minutes"))) {
      if (w["correction"] === true) {
        corrected.push(file);
        expect(w["complete"]).toBe(true);
        delete w["correction"];
        await writeFile(join(got, "churn", "ten-minutes", file), formatJson(w));
      }
    }
    expect(corrected.length).toBeGreaterThanOrEqual(1);
    await expectSameReports(got, reference);
  }, 300_000);
});

/** expectSameReports with the endpoint folder level renamed (window.json names the endpoint too). */
async function expectSameReportsUnder(actual: string, expected: string): Promise<void> {
  const { readFile, readdir } = await import("node:fs/promises");
  const files = (await readdir(expected, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(expected.length + 1));
  expect(files.length).toBeGreaterThan(0);
  for (const f of files.sort()) {
    const a = await readFile(join(actual, f), "utf8");
    const e = await readFile(join(expected, f), "utf8");
    if (f.endsWith("window.json")) {
      const [ja, je] = [JSON.parse(a) as Record<string, unknown>, JSON.parse(e) as Record<string, unknown>];
      expect({ ...ja, endpoint: "churn" }, f).toEqual(je);
    } else expect(a, f).toBe(e);
  }
}
