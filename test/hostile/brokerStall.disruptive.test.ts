// The hostile-input suite's tests that stall the run's broker (SIGSTOP / SIGCONT of its process),
// in the "disruptive" project so the stall reaches no other test (issue 9):
// 10. a stalled broker is not idleness: no partition turns idle, no window closes over a
//     partition that simply could not be read, and the idle close does not fire either;
//  9. SIGTERM ends `dqstream monitor` within shutdown_timeout_seconds even when its consumer
//     fails during the shutdown.
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { freezeKafka, uniqueName } from "../setup/kafka.js";
import {
  cleanups,
  createTopic,
  expectSameReports,
  lineIndexAt,
  lines,
  monitor,
  monitorConfig,
  monitorConfigInput,
  ROOT,
  send,
  tempDir,
  uninterruptedReports,
} from "../integration/monitorHarness.js";

// a failed test must not leave the broker stalled for the next one
afterEach(async () => {
  await freezeKafka(false);
});

/** Line i on partition i mod 2. */
const onTwo = (from: number, to: number): Array<{ partition: number; value: string }> =>
  lines.slice(from, to).map((value, k) => ({ partition: (from + k) % 2, value }));

describe("a stalled broker (SIGSTOP)", () => {
  it("10: a 25 s stall with idle_partition_seconds 5 makes no partition idle: the uninterrupted run's reports, byte for byte", async () => {
    const topic = uniqueName("dq-stall");
    const deadLetterTopic = uniqueName("dq-stall-dlq");
    await createTopic(topic, 2);
    await createTopic(deadLetterTopic, 1);
    const middle = lineIndexAt("2026-11-01T00:25:00Z");
    await send(topic, onTwo(0, middle));
    const options = { topic, deadLetterTopic, idlePartitionSeconds: 5, idleCloseSeconds: 10 };
    const reports = await tempDir();
    const m = await monitor(monitorConfig({ ...options, groupId: uniqueName("dq-stall-group"), reports }));
    // both partitions' records are in (two windows closed), then the broker stalls at once
    await vi.waitFor(() => expect(m.reports.length).toBe(2), { timeout: 60_000, interval: 50 });
    await freezeKafka(true);
    await new Promise((r) => setTimeout(r, 25_000));
    // the rest of the traffic waits in the producer until the broker answers again
    const rest = send(topic, onTwo(middle, lines.length));
    await freezeKafka(false);
    await rest;
    await vi.waitFor(() => expect(m.reports.length).toBeGreaterThanOrEqual(7), { timeout: 120_000, interval: 200 });
    await m.stop();
    const reference = await uninterruptedReports({ ...options, deadLetterTopic: uniqueName("dq-stall-ref-dlq") }, 7);
    await expectSameReports(reports, reference);
  }, 300_000);

  it("9: SIGTERM while the broker is stalled (the consumer fails during the shutdown) ends the process within shutdown_timeout_seconds", async () => {
    const topic = uniqueName("dq-term");
    const deadLetterTopic = uniqueName("dq-term-dlq");
    await createTopic(topic, 2);
    await createTopic(deadLetterTopic, 1);
    await send(topic, onTwo(0, 200));
    const dir = await tempDir();
    const configFile = join(dir, "monitor.json");
    const input = monitorConfigInput({ topic, deadLetterTopic, groupId: uniqueName("dq-term-group"), reports: join(dir, "reports") });
    await writeFile(configFile, JSON.stringify({ ...input, shutdown_timeout_seconds: 5 }));
    const child = spawn(process.execPath, [join(ROOT, "dist/cli/main.js"), "monitor", "--config", configFile], {
      env: { PATH: process.env["PATH"], DQSTREAM_LOG_LEVEL: "info" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    cleanups.push(async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    });
    await vi.waitFor(() => expect(stderr).toMatch(/"msg":"window closed"/), { timeout: 60_000, interval: 100 });
    await freezeKafka(true);
    await new Promise((r) => setTimeout(r, 2_000));
    const signalled = Date.now();
    child.kill("SIGTERM");
    // 5 s of shutdown_timeout_seconds, the closing of what is left, and the 2 s grace of the CLI
    const code = await Promise.race([exited, new Promise<"running">((r) => setTimeout(() => r("running"), 15_000))]);
    const tookMs = Date.now() - signalled;
    await freezeKafka(false);
    expect(code, `the process still ran ${tookMs} ms after SIGTERM; its log:\n${stderr.slice(-3000)}`).not.toBe("running");
    expect(stderr).toMatch(/"msg":"shutdown timed out"/);
    // and nothing restarted the consumer after the monitor stopped
    const after = stderr.slice(stderr.indexOf('"msg":"monitor stopped"'));
    expect(after).not.toMatch(/Restarting the consumer|"msg":"partitions assigned"/);
  }, 180_000);
});
