// The `alerts` config section: defaults, and errors that name the key.
import { describe, expect, it } from "vitest";
import { AlertsSchema } from "../../src/alerts/alertsSchema.js";
import { ConfigError, validateConfig } from "../../src/config/loadConfig.js";
import { RunConfigSchema } from "../../src/config/schema.js";

const base = { baseline: { statistics: "s.json", constraints: "c.json" }, reports_dir: "reports" };

function errorOf(alerts: unknown): string {
  try {
    validateConfig(RunConfigSchema, { ...base, alerts }, () => "config.yaml");
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("expected a configuration error");
}

describe("alerts config", () => {
  it("an empty section gets the documented defaults", () => {
    expect(AlertsSchema.parse({})).toEqual({
      lifecycle: {
        open_after_violating_windows: 1,
        of_last_windows: 1,
        repeat_interval_seconds: 14_400,
        resolve_after_clean_windows: 1,
        rebuild_windows: 1_000,
      },
      channels: { log: true, webhooks: [] },
      close_timeout_ms: 10_000,
    });
    const hook = AlertsSchema.parse({ channels: { webhooks: [{ url: "https://hooks.example.com/x" }], kafka: { topic: "alerts" } } }).channels;
    expect(hook.webhooks[0]).toEqual({
      url: "https://hooks.example.com/x",
      format: "json",
      timeout_ms: 5_000,
      headers: {},
      max_attempts: 5,
      backoff_initial_ms: 500,
      backoff_max_ms: 30_000,
      max_queued_events: 1_000,
    });
    expect(hook.kafka).toEqual({ topic: "alerts", max_attempts: 3, backoff_initial_ms: 500, backoff_max_ms: 30_000, max_queued_events: 1_000 });
  });

  it("the run config has no alerts unless the section is there", () => {
    expect(RunConfigSchema.parse(base).alerts).toBeUndefined();
  });

  it("N above M is an error naming the key", () => {
    expect(errorOf({ lifecycle: { open_after_violating_windows: 3, of_last_windows: 2 } })).toBe(
      "config.yaml: alerts.lifecycle.open_after_violating_windows: open_after_violating_windows (N) must not exceed of_last_windows (M)",
    );
  });

  it("rebuild_windows below M or K is an error naming the key", () => {
    expect(errorOf({ lifecycle: { resolve_after_clean_windows: 5, rebuild_windows: 4 } })).toMatch(/^config\.yaml: alerts\.lifecycle\.rebuild_windows: /);
  });

  it("a webhook URL that is not http(s) with a host is an error naming the list entry", () => {
    expect(errorOf({ channels: { webhooks: [{ url: "https://ok.example.com" }, { url: "ftp://files.example.com/x" }] } })).toBe(
      "config.yaml: alerts.channels.webhooks[1].url: expected an http:// or https:// URL with a host",
    );
    expect(errorOf({ channels: { webhooks: [{ url: "hooks.slack.com/services/x" }] } })).toMatch(/alerts\.channels\.webhooks\[0\]\.url: expected an http/);
    expect(errorOf({ channels: { webhooks: [{ url: "http:/x" }] } })).toMatch(/alerts\.channels\.webhooks\[0\]\.url/);
  });

  it("unknown keys, bad formats, header names and duplicate names are errors naming the key", () => {
    expect(errorOf({ lifecycle: { open_after: 2 } })).toBe("config.yaml: unknown key alerts.lifecycle.open_after");
    expect(errorOf({ channels: { webhooks: [{ url: "http://x.example", format: "teams" }] } })).toMatch(
      /^config\.yaml: alerts\.channels\.webhooks\[0\]\.format: /,
    );
    expect(errorOf({ channels: { webhooks: [{ url: "http://x.example", headers: { "bad header": "v" } }] } })).toMatch(
      /alerts\.channels\.webhooks\[0\]\.headers/,
    );
    expect(errorOf({ channels: { webhooks: [{ url: "http://a.example", name: "1" }, { url: "http://b.example" }] } })).toMatch(
      /^config\.yaml: alerts\.channels\.webhooks: webhook names must be unique/,
    );
    expect(errorOf({ channels: { webhooks: [{ url: "http://a.example", backoff_initial_ms: 5000, backoff_max_ms: 100 }] } })).toMatch(
      /alerts\.channels\.webhooks\[0\]\.backoff_initial_ms: backoff_initial_ms must not exceed backoff_max_ms/,
    );
    expect(errorOf({ channels: { kafka: { topic: "no spaces" } } })).toMatch(/^config\.yaml: alerts\.channels\.kafka\.topic: expected a Kafka topic name/);
    expect(errorOf({ lifecycle: { repeat_interval_seconds: 0 } })).toMatch(/^config\.yaml: alerts\.lifecycle\.repeat_interval_seconds: /);
  });
});
