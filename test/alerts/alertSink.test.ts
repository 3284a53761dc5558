// The alerts ReportSink from alertSinks(): state rebuilt from the reports on disk at start (a
// restart neither re-opens nor forgets open alerts), idempotent per window start, the Kafka
// channel refused without a producer, metrics on the monitor's registry, damaged reports skipped.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import type { AlertEvent } from "../../src/alerts/alertEvent.js";
import { alertSinks } from "../../src/alerts/index.js";
import { openAlerts } from "../../src/alerts/lifecycle.js";
import type { AlertSink } from "../../src/alerts/AlertSink.js";
import { readRecentWindows } from "../../src/alerts/recentReports.js";
import { folderTimeMs } from "../../src/reports/readReports.js";
import type { LoadedBaseline } from "../../src/baseline/loadBaseline.js";
import { AlertsSchema } from "../../src/alerts/alertsSchema.js";
import { ConfigError } from "../../src/config/loadConfig.js";
import type { ReportSinkContext } from "../../src/sinks/ReportSink.js";
import { createLogger } from "../../src/telemetry/logger.js";
import { T0, report, w, writeReportFiles } from "./support.js";
import type { WindowOutcome } from "../../src/alerts/lifecycle.js";
import { LocalReportStore } from "../../src/sinks/reportStore/localReportStore.js";

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), "dqstream-alerts-"));
  dirs.push(d);
  return d;
}

/** A sink with the log channel only; its alert events are read back from the log lines. */
async function logSink(reportsDir: string, alerts: unknown = {}, extra: Partial<ReportSinkContext> = {}) {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString("utf8").split("\n").filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  const ctx: ReportSinkContext = {
    endpoint: "ep",
    schedule: "sch",
    windowMs: 3_600_000,
    store: new LocalReportStore(reportsDir),
    baseline: {} as LoadedBaseline,
    log: createLogger("info", stream),
    ...extra,
  };
  const [sink] = (await alertSinks(AlertsSchema.parse(alerts), ctx)) as [AlertSink];
  const events = (): AlertEvent[] => lines.filter((l) => l["alert"] !== undefined).map((l) => l["alert"] as AlertEvent);
  return { sink, events, lines };
}

/** What the monitor does per window: files on disk first, then publish. */
async function reportAndPublish(reportsDir: string, sink: AlertSink, windows: readonly WindowOutcome[]): Promise<void> {
  for (const x of windows) {
    await writeReportFiles(reportsDir, x);
    sink.publish([report(x)]);
  }
}

const brief = (events: readonly AlertEvent[]): string[] => events.map((e) => `${e.window_start.slice(11, 13)} ${e.type} ${e.check_type}/${e.feature}`);

const SEQUENCE = [w(0, []), w(1, ["drift:a", "completeness:b"]), w(2, ["drift:a"]), w(3, ["drift:a"]), w(4, []), w(5, ["drift:a"]), w(6, [])];

describe("alert sink", () => {
  it("a restart at any window gives the same alerts as one uninterrupted run, re-reported windows included", async () => {
    const config = { lifecycle: { open_after_violating_windows: 2, of_last_windows: 3, repeat_interval_seconds: 7_200, resolve_after_clean_windows: 2 } };
    const once = await logSink(await tempDir(), config);
    await reportAndPublish(join(await tempDir()), once.sink, SEQUENCE);
    const uninterrupted = brief(once.events());
    expect(uninterrupted).toEqual(["02 open baseline_drift_check/a", "05 repeat baseline_drift_check/a"]);

    for (let cut = 1; cut < SEQUENCE.length; cut++) {
      const dir = await tempDir();
      const before = await logSink(dir, config);
      await reportAndPublish(dir, before.sink, SEQUENCE.slice(0, cut));
      await before.sink.close();
      const after = await logSink(dir, config);
      // after a restart the monitor re-reports the windows since its last commit: here the last two
      await reportAndPublish(dir, after.sink, SEQUENCE.slice(Math.max(0, cut - 2)));
      expect([...brief(before.events()), ...brief(after.events())], `restart after ${cut} windows`).toEqual(uninterrupted);
    }
  });

  it("an alert open before the restart resolves after it; one resolved before is not re-opened", async () => {
    const dir = await tempDir();
    const first = await logSink(dir);
    await reportAndPublish(dir, first.sink, [w(0, ["drift:a"]), w(1, ["drift:a", "type:b"]), w(2, ["type:b"])]);
    expect(brief(first.events())).toEqual(["00 open baseline_drift_check/a", "01 open data_type_check/b", "02 resolved baseline_drift_check/a"]);
    await first.sink.close();

    const second = await logSink(dir);
    expect(openAlerts(second.sink.state).map((a) => `${a.checkType}/${a.feature}@${(a.openedStartMs - T0) / 3_600_000}`)).toEqual(["data_type_check/b@1"]);
    expect(second.lines.find((l) => l["msg"] === "alerts: state rebuilt from the reports on disk")).toMatchObject({
      windows: 3,
      open_alerts: ["data_type_check/b"],
    });
    await reportAndPublish(dir, second.sink, [w(2, ["type:b"]), w(3, [])]);
    expect(brief(second.events())).toEqual(["03 resolved data_type_check/b"]);
  });

  it("replaying the same windows into the same reports folder again sends nothing", async () => {
    const dir = await tempDir();
    const first = await logSink(dir);
    await reportAndPublish(dir, first.sink, SEQUENCE);
    expect(first.events().length).toBeGreaterThan(0);
    const second = await logSink(dir);
    await reportAndPublish(dir, second.sink, SEQUENCE);
    expect(second.events()).toEqual([]);
  });

  it("counts events and deliveries on the monitor's registry", async () => {
    const registry = new Registry();
    const { sink } = await logSink(await tempDir(), {}, { registry });
    sink.publish([report(w(0, ["drift:a"])), report(w(1, []))]);
    const text = await registry.metrics();
    expect(text).toMatch(/^dqstream_alert_events_total\{type="open"\} 1$/m);
    expect(text).toMatch(/^dqstream_alert_events_total\{type="resolved"\} 1$/m);
    expect(text).toMatch(/^dqstream_alerts_sent_total\{channel="log"\} 2$/m);
    expect(text).toMatch(/^dqstream_alerts_failed_total\{channel="log",reason="queue_full"\} 0$/m);
  });

  it("a Kafka channel without a Kafka producer (dqstream replay) fails at start, saying it needs dqstream monitor", async () => {
    const attempt = logSink(await tempDir(), { channels: { kafka: { topic: "alerts" } } });
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    await expect(attempt).rejects.toThrow(/^alerts\.channels\.kafka: the Kafka alert channel needs `dqstream monitor`/);
  });

  it("no alerts section, no sink", async () => {
    expect(await alertSinks(undefined, {} as ReportSinkContext)).toEqual([]);
  });
});

describe("reports on disk", () => {
  it("reads the latest rebuild_windows complete reports, oldest first, skipping damaged ones with a warning", async () => {
    const dir = await tempDir();
    for (const x of SEQUENCE) await writeReportFiles(dir, x);
    // an incomplete report (no window.json yet) and a damaged one
    await writeFile(join(dir, "ep/sch/2026/11/01/07.tmp"), "");
    await writeReportFiles(dir, w(8, ["drift:z"]));
    await rm(join(dir, "ep/sch/2026/11/01/08/window.json"));
    await writeFile(join(dir, "ep/sch/2026/11/01/05/constraint_violations.json"), "{ not json");
    const warnings: string[] = [];
    const log = createLogger(
      "warn",
      new Writable({
        write(chunk: Buffer, _e, done) {
          warnings.push(chunk.toString("utf8"));
          done();
        },
      }),
    );
    const windows = await readRecentWindows(new LocalReportStore(dir), "ep", "sch", 4, log);
    expect(windows.map((x) => (x.startMs - T0) / 3_600_000)).toEqual([3, 4, 6]);
    expect(windows[0]).toMatchObject({
      folder: "ep/sch/2026/11/01/03",
      hasData: true,
      violations: [{ feature_name: "a", constraint_check_type: "baseline_drift_check" }],
    });
    expect(warnings.join("")).toContain("ep/sch/2026/11/01/05/constraint_violations.json: not valid JSON");
    expect(await readRecentWindows(new LocalReportStore(join(dir, "nothing-here")), "ep", "sch", 4, log)).toEqual([]);
  });

  it("a window without data is read as such", async () => {
    const dir = await tempDir();
    await writeReportFiles(dir, w(0, null));
    const [x] = await readRecentWindows(new LocalReportStore(dir), "ep", "sch", 10, createLogger("silent"));
    expect(x?.hasData).toBe(false);
  });

  it("folder paths map to window starts (hour and minute levels)", () => {
    expect(folderTimeMs("2026/11/01/02")).toBe(Date.UTC(2026, 10, 1, 2));
    expect(folderTimeMs("2026/11/01/02/30")).toBe(Date.UTC(2026, 10, 1, 2, 30));
    expect(folderTimeMs("2026/11/01")).toBeUndefined();
    expect(folderTimeMs("hooks/out/x/y")).toBeUndefined();
    // a store rooted one level too deep (at the endpoint) sees "11/01/00/10": not a window folder
    expect(folderTimeMs("11/01/00/10")).toBeUndefined();
    expect(folderTimeMs("2026/1/01/00")).toBeUndefined();
  });
});
