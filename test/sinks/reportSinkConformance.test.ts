// The report sink contract (src/sinks/ReportSink.ts), checked against every sink in
// src/components/registry.ts REPORT_SINKS, its destination failing: publish returns at once and
// never throws, close is bounded and may be repeated, publish after close does not throw.
import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoadedBaseline } from "../../src/baseline/loadBaseline.js";
import { REPORT_SINKS } from "../../src/components/registry.js";
import type { WindowReport } from "../../src/reports/WindowReport.js";
import type { ReportSink, ReportSinkContext, ReportSinkDefinition } from "../../src/sinks/ReportSink.js";
import { csvStartReports } from "./cloudwatch/support.js";
import { REPORT_SINK_FIXTURES, reportSinkContext, type FailingDestination } from "./conformance.js";

let reports: WindowReport[] = [];
let baseline: LoadedBaseline;
const folders: string[] = [];
beforeAll(async () => {
  ({ reports, baseline } = await csvStartReports());
}, 60_000);
afterAll(async () => {
  for (const f of folders) await rm(f, { recursive: true, force: true });
});

async function open(definition: ReportSinkDefinition): Promise<{ sinks: readonly ReportSink[]; failing: FailingDestination }> {
  const fixture = REPORT_SINK_FIXTURES[definition.name];
  if (fixture === undefined) throw new Error(`no conformance fixture for report sink ${definition.name} (test/sinks/conformance.ts)`);
  const base: ReportSinkContext = await reportSinkContext(baseline);
  const reportsDir = base.store.localRoot as string;
  folders.push(reportsDir);
  const failing: FailingDestination = { calls: 0 };
  const section = definition.schema.parse(fixture.section(reportsDir));
  return { sinks: await definition.create(section, fixture.context(base, failing) as unknown as ReportSinkContext), failing };
}

describe.each((REPORT_SINKS as readonly ReportSinkDefinition[]).map((d) => [d.name, d] as const))("report sink %s", (_name, definition) => {
  it("has a conformance fixture and creates its sinks from it", async () => {
    const { sinks } = await open(definition);
    expect(sinks.length).toBeGreaterThan(0);
    for (const s of sinks) await s.close();
  });

  // (CloudWatch drops the fixture's 2026 datums as out of its time range before sending: its failing client is exercised by test/sinks/cloudwatch/publisher.test.ts)
  it("publishes without throwing and at once, window by window, while its destination fails; close is bounded", async () => {
    const { sinks } = await open(definition);
    for (const sink of sinks) {
      const started = performance.now();
      for (const r of reports) expect(() => sink.publish([r])).not.toThrow();
      expect(performance.now() - started, `${sink.name}: publish`).toBeLessThan(1_000);
    }
    const closing = performance.now();
    await Promise.all(sinks.map((s) => s.close()));
    expect(performance.now() - closing, "close").toBeLessThan(5_000);
  }, 30_000);

  it("takes a second close and a publish after close without throwing", async () => {
    const { sinks } = await open(definition);
    for (const sink of sinks) {
      sink.publish(reports.slice(0, 1));
      await sink.close();
      await expect(sink.close()).resolves.toBeUndefined();
      expect(() => sink.publish(reports.slice(1, 2))).not.toThrow();
    }
  }, 30_000);
});
