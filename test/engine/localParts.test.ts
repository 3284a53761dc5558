// A single monitor's stage 2 reads back the parts its own stage 1 published: taken without decoding
// (src/windows/localParts.ts) and counted in /metrics; what it reports is the same. A stand-in
// KafkaClient loops the parts topic back (the real broker: test/integration/monitor*.test.ts).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startMonitor } from "../../src/engine/runMonitor.js";
import { batchOf, captureLog, standIn, standInConfig } from "../support/kafkaStandIn.js";

describe("stage 2 and the parts this process published", () => {
  it("takes them back instead of decoding them, and reports the same window", async () => {
    const s = standIn([await batchOf(100)], { hangOnStop: false });
    const { log } = captureLog();
    const config = await standInConfig({ http: { port: 0, dashboard: { enabled: false } } });
    const m = await startMonitor(config, log, { source: s.source });
    try {
      await expect.poll(() => m.reports.length, { timeout: 20_000 }).toBe(1);
      const metrics = await (await fetch(`${m.url as string}/metrics`)).text();
      expect(metrics).toMatch(/^dqstream_parts_read_total\{how="taken"\} 1$/m);
      expect(metrics).toMatch(/^dqstream_parts_read_total\{how="decoded"\} 0$/m);
      // the golden replay's first window: the same statistics as decoding would give
      const folder = join(config.reports_dir, config.endpoint, config.schedule, "2026/11/01/00/10");
      const golden = join(import.meta.dirname, "../golden/replay/csv-start/expected/reports/churn/ten-minutes/2026/11/01/00/10");
      expect(await readFile(join(folder, "statistics.json"), "utf8")).toBe(await readFile(join(golden, "statistics.json"), "utf8"));
    } finally {
      await m.stop();
    }
  });
});
