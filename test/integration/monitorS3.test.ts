// `dqstream monitor` with its reports in S3 (the run's moto) against the real broker: two
// instances of one group, the second joining mid-stream and leaving again, reports in one bucket:
// the objects are the bytes an uninterrupted run writes to a folder.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { MonitorConfigSchema } from "../../src/config/monitorSchema.js";
import { uniqueName } from "../setup/kafka.js";
import { motoUrl, newBucket, readObjects, useFakeAwsCredentials } from "../setup/moto.js";
import {
  createTopic,
  expectCommittedToEnd,
  expectSameReports,
  lineIndexAt,
  lines,
  monitor,
  monitorConfigInput,
  produceCapture,
  tempDir,
  uninterruptedReports,
  type MonitorTestOptions,
} from "./monitorHarness.js";

beforeAll(() => void useFakeAwsCredentials());

const s3Monitor = (o: Omit<MonitorTestOptions, "reports">, reports: string) =>
  MonitorConfigSchema.parse({ ...monitorConfigInput({ ...o, reports }), s3: { endpoint_url: motoUrl() } });

/** The report objects under a prefix, downloaded into a folder (window parts left out). */
async function download(bucket: string, prefix: string): Promise<string> {
  const dir = await tempDir();
  for (const [key, bytes] of await readObjects(bucket, prefix)) {
    if (key.startsWith(".partials/")) continue;
    await mkdir(dirname(join(dir, key)), { recursive: true });
    await writeFile(join(dir, key), bytes);
  }
  return dir;
}

describe("dqstream monitor with reports in S3", () => {
  it("two instances report into one bucket: the uninterrupted run's reports byte for byte", async () => {
    const topic = uniqueName("dq-s3mon");
    const deadLetterTopic = uniqueName("dq-s3mon-dlq");
    const groupId = uniqueName("dq-s3mon-group");
    await createTopic(topic, 3);
    await createTopic(deadLetterTopic, 1);
    const bucket = await newBucket("monitor");
    const reports = `s3://${bucket}/dq`;
    const base = { topic, deadLetterTopic, maxBytes: 1024, idleCloseSeconds: 20, groupId };
    const phase2 = lineIndexAt("2026-11-01T00:20:00Z");
    const phase3 = lineIndexAt("2026-11-01T00:50:00Z");

    await produceCapture(topic, 0, phase2, false, 6);
    const m1 = await monitor(s3Monitor(base, reports));
    await vi.waitFor(() => expect(m1.reports.length).toBeGreaterThanOrEqual(1), { timeout: 60_000, interval: 50 });
    const m2 = await monitor(s3Monitor(base, reports));
    await vi.waitFor(async () => expect((await fetch(`${m2.url}/readyz`)).status).toBe(200), { timeout: 60_000, interval: 200 });
    await vi.waitFor(async () => expect((await fetch(`${m1.url}/readyz`)).status).toBe(200), { timeout: 60_000, interval: 200 });
    await produceCapture(topic, phase2, phase3, false, 6);
    await vi.waitFor(
      async () =>
        expect([...(await readObjects(bucket, "dq/churn/ten-minutes")).keys()].filter((k) => k.endsWith("window.json")).length).toBeGreaterThanOrEqual(4),
      { timeout: 60_000, interval: 500 },
    );
    await m2.stop();
    await produceCapture(topic, phase3, lines.length, false, 6);
    await vi.waitFor(() => expectCommittedToEnd(topic, groupId), { timeout: 60_000, interval: 250 });
    await vi.waitFor(
      async () => expect([...(await readObjects(bucket, "dq/churn/ten-minutes")).keys()].filter((k) => k.endsWith("window.json"))).toHaveLength(7),
      { timeout: 60_000, interval: 500 },
    );
    await m1.stop();

    const reference = await uninterruptedReports({ topic, deadLetterTopic: uniqueName("dq-s3mon-ref-dlq"), idleCloseSeconds: 20 }, 7);
    await expectSameReports(await download(bucket, "dq"), reference);
    // only reports in the bucket: the window parts went through the parts topic
    expect([...(await readObjects(bucket, "dq")).keys()].every((k) => k.startsWith("churn/ten-minutes/"))).toBe(true);
  }, 240_000);
});
