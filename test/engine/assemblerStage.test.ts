// Stage 2's delivery contract (docs/design-monitor.md, "Each window once"): a window reported is
// committed before anything else can fail. A rebalance of the parts topic's group shows up as a
// failing heartbeat in the batch; the member then rejoins and reads again from its commit, so a
// window reported but not yet committed would go to the report sinks (CloudWatch, alerts) twice.
import { describe, expect, it, vi } from "vitest";
import { startMonitor } from "../../src/engine/runMonitor.js";
import { batchOf, captureLog, standIn, standInConfig } from "../support/kafkaStandIn.js";

describe("stage 2 (AssemblerStage)", () => {
  it("a rebalance signalled right after a window's report does not report that window again", async () => {
    const config = await standInConfig();
    // the whole capture in one batch: six windows close at once, and stage 2 reads their parts in one batch
    const s = standIn([await batchOf(560)], { hangOnStop: false, partsHeartbeatFailures: 1 });
    const { log, text } = captureLog();
    // each report written and handed to the report sinks logs window_closed once
    const reported = (): string[] =>
      text()
        .split("\n")
        .filter((l) => l.includes('"event":"window_closed"'))
        .map((l) => (JSON.parse(l) as { window_start: string }).window_start);
    const m = await startMonitor(config, log, { source: s.source, http: false });
    await vi.waitFor(() => expect(new Set(reported()).size).toBe(6), { timeout: 20_000, interval: 20 });
    await m.stop();
    await m.done;
    expect(reported().length, `reported: ${reported().join(", ")}`).toBe(6);
  });

  it("an assignment whose restore failed (its committed position could not be read) is restored again, and the windows are reported", async () => {
    const config = await standInConfig();
    const s = standIn([await batchOf(560)], { hangOnStop: false, committedPartsFailures: 2 });
    const { log, text } = captureLog();
    const m = await startMonitor(config, log, { source: s.source, http: false });
    const reporting = async (): Promise<number | undefined> => (await m.metrics.registry.getSingleMetric("dqstream_reporting")?.get())?.values[0]?.value;
    await vi.waitFor(() => expect(m.reports.length).toBe(6), { timeout: 20_000, interval: 20 });
    expect(await reporting()).toBe(1);
    expect(text()).toContain('"event":"parts_restore_failed"');
    await m.stop();
    await m.done;
    expect(await reporting()).toBe(0);
  });
});
