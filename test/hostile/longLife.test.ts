// Issue 9, point 17: nothing the monitor holds grows with the records or windows processed. The
// running monitor keeps only the latest reports (summaries, no statistics); `npm run bench:soak`
// shows its resident set flat over 5,000 windows against a real broker (bench/README.md).
import { describe, expect, it } from "vitest";
import { startMonitor } from "../../src/engine/runMonitor.js";
import { silentLogger } from "../../src/telemetry/logger.js";
import { batchOf, standIn, standInConfig } from "../support/kafkaStandIn.js";

describe("17: a long life", () => {
  it("17: RunningMonitor.reports keeps the latest reports only, as summaries without statistics", async () => {
    const config = await standInConfig();
    const s = standIn([await batchOf(560)], { hangOnStop: false });
    const m = await startMonitor(config, silentLogger(), { source: s.source, http: false, recentReports: 3 });
    await m.stop();
    expect(m.reportsWritten).toBe(6);
    expect(m.reports.map((r) => r.startMs)).toEqual([3, 4, 5].map((k) => Date.UTC(2026, 10, 1, 0, 10 * k)));
    expect(Object.keys(m.reports[0] ?? {}).sort()).toEqual(["endMs", "folder", "itemCount", "startMs", "violations"]);
  });
});

describe("9: stopping", () => {
  it("9: once stopping, a consumer that crashes is not restarted, and the crash does not stop anything twice", async () => {
    const config = await standInConfig();
    const s = standIn([await batchOf(10)], { hangOnStop: true });
    const m = await startMonitor(config, silentLogger(), { source: s.source, http: false });
    const handlers = s.handlers();
    expect(handlers?.mayRestart?.(new Error("broker gone"))).toBe(true);
    const stopping = m.stop();
    // kafkajs asks before restarting a consumer that crashed: the answer is no from now on
    expect(handlers?.mayRestart?.(new Error("broker gone"))).toBe(false);
    handlers?.onCrash(new Error("broker gone"), true);
    await stopping;
    await expect(m.done).resolves.toMatchObject({ records: 10 });
    expect(await m.metrics.text()).toMatch(/^dqstream_consumer_crashes_total 0$/m);
  });
});
