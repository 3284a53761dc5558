// End to end through runReplay: the bundled example captures (examples/capture, eight hours with
// drift injected at 02:00, 04:00, 05:00 and 07:00; scripts/generate-example-captures.mjs) against
// the baseline of examples/data/training.csv, with alerts to two local webhooks (JSON and Slack).
// Alerts open exactly in the drift windows, resolve in the clean window after, never fire in clean
// windows; a second replay into the same reports sends nothing; a replay interrupted and resumed
// sends what one uninterrupted replay sends.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { AlertEvent } from "../../src/alerts/alertEvent.js";
import { RunConfigSchema, type RunConfig } from "../../src/config/schema.js";
import { runReplay } from "../../src/engine/runReplay.js";
import type { WindowReport } from "../../src/reports/WindowReport.js";
import { silentLogger } from "../../src/telemetry/logger.js";
import { startWebhookServer, type WebhookServer } from "./webhookServer.js";

const ROOT = join(import.meta.dirname, "../..");
const CAPTURES = join(ROOT, "examples/capture/churn-endpoint/AllTraffic");
// the baseline of examples/data/training.csv (test/golden/baselineGolden.test.ts makes it from there)
const BASELINE = join(ROOT, "test/golden/baseline/csv-header");

let inputs: string[];
const tmp: string[] = [];
const servers: WebhookServer[] = [];

beforeAll(async () => {
  inputs = (await readdir(CAPTURES, { recursive: true }))
    .filter((f) => f.endsWith(".jsonl"))
    .sort()
    .map((f) => join(CAPTURES, f));
  expect(inputs.length).toBe(8);
});

afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

afterAll(async () => {
  for (const d of tmp) await rm(d, { recursive: true, force: true });
});

async function reportsDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), "dqstream-replay-alerts-"));
  tmp.push(d);
  return d;
}

async function webhooks(): Promise<{ json: WebhookServer; slack: WebhookServer }> {
  const json = await startWebhookServer();
  const slack = await startWebhookServer();
  servers.push(json, slack);
  return { json, slack };
}

function config(reports: string, hooks: { json: WebhookServer; slack: WebhookServer }): RunConfig {
  return RunConfigSchema.parse({
    baseline: { statistics: join(BASELINE, "statistics.json"), constraints: join(BASELINE, "constraints.json") },
    reports_dir: reports,
    endpoint: "churn-endpoint",
    schedule: "hourly",
    window_seconds: 3600,
    // the example captures' JSON hours are keyed by the (unsorted) baseline's names
    json_column_matching: "name",
    alerts: {
      channels: {
        log: false,
        webhooks: [
          { url: hooks.json.url, backoff_initial_ms: 10, backoff_max_ms: 50 },
          { url: hooks.slack.url, format: "slack", name: "slack" },
        ],
      },
    },
  });
}

const brief = (events: readonly unknown[]): string[] =>
  (events as AlertEvent[]).map((e) => `${e.window_start.slice(11, 13)} ${e.type} ${e.check_type} ${e.feature}`);

describe("alerts through dqstream replay of the example captures", () => {
  it("open in the drift windows, resolved in the next clean one, nothing in clean windows", async () => {
    const hooks = await webhooks();
    const reports = await reportsDir();
    const written: WindowReport[] = [];
    const summary = await runReplay(config(reports, hooks), inputs, silentLogger(), undefined, (r) => written.push(r));
    expect(summary.windows.windows).toBe(8);
    expect(written).toHaveLength(8);

    // runReplay returns after the sinks closed: every alert was delivered by then
    expect(brief(hooks.json.delivered)).toEqual([
      "02 open baseline_drift_check churn",
      "02 open baseline_drift_check day_mins",
      "02 open baseline_drift_check monthly_charge",
      "03 resolved baseline_drift_check churn",
      "03 resolved baseline_drift_check day_mins",
      "03 resolved baseline_drift_check monthly_charge",
      "04 open baseline_drift_check plan",
      "04 open categorical_values_check plan",
      "04 open baseline_drift_check monthly_charge",
      "05 open completeness_check intl_mins",
      "05 resolved baseline_drift_check plan",
      "05 resolved categorical_values_check plan",
      "05 resolved baseline_drift_check monthly_charge",
      "06 resolved completeness_check intl_mins",
      "07 open data_type_check account_length",
    ]);

    // the oracle: opens are exactly each window's violations that were not already open
    const events = hooks.json.delivered as AlertEvent[];
    for (const r of written) {
      const start = new Date(r.startMs).toISOString().replace(".000", "");
      const opened = events.filter((e) => e.window_start === start && e.type !== "resolved");
      if (r.violations.length === 0) expect(opened, start).toEqual([]);
      else
        expect(
          opened.map((e) => `${e.check_type}/${e.feature}`),
          start,
        ).toEqual(r.violations.map((v) => `${v.constraint_check_type}/${v.feature_name}`));
      for (const e of opened) {
        const evaluation = r.evaluations.find((x) => x.feature_name === e.feature && x.constraint_check_type === e.check_type);
        expect(e).toMatchObject({
          report_folder: r.folder,
          endpoint: "churn-endpoint",
          schedule: "hourly",
          value: evaluation?.value,
          threshold: evaluation?.threshold,
        });
        expect(e.description).toBe(r.violations.find((v) => v.feature_name === e.feature && v.constraint_check_type === e.check_type)?.description);
      }
    }
    const drift = events.find((e) => e.feature === "day_mins" && e.type === "open");
    expect(drift).toMatchObject({
      metric: "linf_robust",
      threshold: 0.1,
      report_folder: "churn-endpoint/hourly/2026/11/01/03",
      window_end: "2026-11-01T03:00:00Z",
    });

    // the Slack webhook got the same alerts as text
    expect(hooks.slack.delivered.length).toBe(15);
    expect((hooks.slack.delivered[0] as { text: string }).text).toMatch(/^:rotating_light: \*OPEN\* churn-endpoint\/hourly: baseline_drift_check on `churn`/);

    // replaying again into the same reports: the windows are known, nothing is sent
    const again = await webhooks();
    await runReplay(config(reports, again), inputs, silentLogger());
    expect(again.json.received).toEqual([]);
    expect(again.slack.received).toEqual([]);
  }, 120_000);

  it("a replay stopped after 02:00 and resumed over everything sends what one replay sends", async () => {
    const whole = await webhooks();
    await runReplay(config(await reportsDir(), whole), inputs, silentLogger());

    const reports = await reportsDir();
    const first = await webhooks();
    await runReplay(config(reports, first), inputs.slice(0, 3), silentLogger());
    expect(brief(first.json.delivered).every((e) => e.startsWith("02 open"))).toBe(true);
    const second = await webhooks();
    await runReplay(config(reports, second), inputs, silentLogger());
    expect([...first.json.delivered, ...second.json.delivered]).toEqual(whole.json.delivered);
  }, 120_000);
});
