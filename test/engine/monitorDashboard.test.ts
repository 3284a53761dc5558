// The monitor serves the dashboard on its HTTP server (http.dashboard): a window it reports is in
// the API at once, without waiting for the store's refresh; `enabled: false` serves none of it.
// A stand-in KafkaClient drives it (the browser test over the real broker is test/integration/dashboard.test.ts).
import { describe, expect, it } from "vitest";
import type { TimelineAnswer } from "../../src/dashboard/apiTypes.js";
import { startMonitor } from "../../src/engine/runMonitor.js";
import { batchOf, captureLog, standIn, standInConfig } from "../support/kafkaStandIn.js";

describe("the monitor's dashboard", () => {
  it("shows a window the moment this instance reports it (a refresh an hour away)", async () => {
    const s = standIn([await batchOf(100)], { hangOnStop: false });
    const { log } = captureLog();
    const config = await standInConfig({ http: { port: 0, dashboard: { refresh_seconds: 3600 } } });
    const m = await startMonitor(config, log, { source: s.source });
    try {
      const url = `${m.url as string}/api/timeline?endpoint=${config.endpoint}&schedule=${config.schedule}`;
      await expect.poll(() => m.reports.length, { timeout: 20_000 }).toBe(1);
      await expect
        .poll(async () => ((await (await fetch(url)).json()) as Partial<TimelineAnswer>).windows?.map((w) => w.item_count), { timeout: 5_000, interval: 50 })
        .toEqual([80]);
      expect((await fetch(`${m.url as string}/`)).status).toBe(200);
    } finally {
      await m.stop();
    }
  });

  it("http.dashboard.enabled: false serves /metrics and the probes only", async () => {
    const s = standIn([await batchOf(10)], { hangOnStop: false });
    const { log } = captureLog();
    const m = await startMonitor(await standInConfig({ http: { port: 0, dashboard: { enabled: false } } }), log, { source: s.source });
    try {
      expect((await fetch(`${m.url as string}/`)).status).toBe(404);
      expect((await fetch(`${m.url as string}/api/schedules`)).status).toBe(404);
      expect((await fetch(`${m.url as string}/metrics`)).status).toBe(200);
    } finally {
      await m.stop();
    }
  });
});
