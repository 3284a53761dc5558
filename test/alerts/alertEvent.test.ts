// The alert event's JSON (golden file) and its Slack rendering. Regenerate after an intended
// change with UPDATE_GOLDEN=1 npx vitest run test/alerts/alertEvent.test.ts and review the diff.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { slackMessage, toAlertEvent, type AlertEvent } from "../../src/alerts/alertEvent.js";
import { alertMessage } from "../../src/alerts/kafkaChannel.js";
import { advance, initialState, type WindowOutcome } from "../../src/alerts/lifecycle.js";
import { formatJson } from "../../src/formats/jsonFile.js";
import { HOUR, T0, lifecycle } from "./support.js";

const GOLDEN = join(import.meta.dirname, "golden/events.json");
const update = process.env["UPDATE_GOLDEN"] === "1";

/** A drift violation at 02:00, still there at 03:00 (repeat), gone at 04:00 (resolved); a missing column at 03:00 (no evaluation), gone at 04:00. */
function scripted(): AlertEvent[] {
  const folder = (h: number): string => `churn-endpoint/hourly/2026/11/01/0${h}`;
  const drift = (value: number) => ({
    feature_name: "day_mins",
    constraint_check_type: "baseline_drift_check" as const,
    verdict: value > 0.1 ? ("violation" as const) : ("pass" as const),
    metric: "linf_robust",
    value,
    threshold: 0.1,
    ...(value > 0.1 ? { description: `Baseline drift distance: ${value} exceeds threshold: 0.1` } : {}),
  });
  const windows: WindowOutcome[] = [
    {
      startMs: T0 + 2 * HOUR,
      endMs: T0 + 3 * HOUR,
      folder: folder(2),
      hasData: true,
      violations: [
        {
          feature_name: "day_mins",
          constraint_check_type: "baseline_drift_check",
          description: "Baseline drift distance: 0.5219380063325713 exceeds threshold: 0.1",
        },
      ],
      evaluations: [drift(0.5219380063325713)],
    },
    {
      startMs: T0 + 3 * HOUR,
      endMs: T0 + 4 * HOUR,
      folder: folder(3),
      hasData: true,
      violations: [
        { feature_name: "day_mins", constraint_check_type: "baseline_drift_check", description: "Baseline drift distance: 0.3 exceeds threshold: 0.1" },
        {
          feature_name: "a<b>&c",
          constraint_check_type: "missing_column_check",
          description: "There are missing columns in current dataset. Number of columns in current dataset: 3, Number of columns in baseline constraints: 4",
        },
      ],
      evaluations: [drift(0.3)],
    },
    { startMs: T0 + 4 * HOUR, endMs: T0 + 5 * HOUR, folder: folder(4), hasData: true, violations: [], evaluations: [drift(0.02)] },
  ];
  const config = lifecycle({ repeat_interval_seconds: 3600 });
  let state = initialState();
  const events: AlertEvent[] = [];
  for (const window of windows) {
    const r = advance(config, state, window);
    state = r.state;
    events.push(...r.transitions.map((t) => toAlertEvent(t, "churn-endpoint", "hourly", config.resolve_after_clean_windows)));
  }
  return events;
}

describe("alert event", () => {
  it("matches the golden file: JSON of open, repeat and resolved events and their Slack text", async () => {
    const events = scripted();
    expect(events.map((e) => `${e.type} ${e.fingerprint}`)).toEqual([
      "open churn-endpoint/hourly/baseline_drift_check/day_mins",
      "repeat churn-endpoint/hourly/baseline_drift_check/day_mins",
      "open churn-endpoint/hourly/missing_column_check/a<b>&c",
      "resolved churn-endpoint/hourly/baseline_drift_check/day_mins",
      "resolved churn-endpoint/hourly/missing_column_check/a<b>&c",
    ]);
    const actual = formatJson({ events, slack: events.map(slackMessage) });
    if (update) await writeFile(GOLDEN, actual);
    expect(actual).toBe(await readFile(GOLDEN, "utf8"));
  });

  it("every key is present, null when unknown, and values are JSON-safe", () => {
    const [, , missing] = scripted();
    expect(missing).toMatchObject({ metric: null, value: null, threshold: null });
    for (const e of scripted()) expect(JSON.parse(JSON.stringify(e))).toEqual(e);
  });

  it("Slack text escapes &, < and > from the data", () => {
    const [, , missing] = scripted();
    const { text } = slackMessage(missing as AlertEvent);
    expect(text).toContain("`a&lt;b&gt;&amp;c`");
    expect(text).not.toContain("<b>");
  });

  it("the Kafka message is keyed by fingerprint, with the event as value and its type in a header", () => {
    const [open] = scripted();
    const m = alertMessage(open as AlertEvent);
    expect(m.key).toBe("churn-endpoint/hourly/baseline_drift_check/day_mins");
    expect(JSON.parse(m.value)).toEqual(open);
    expect(m.headers).toEqual({ "dqstream-alert-type": "open", "content-type": "application/json" });
  });
});
