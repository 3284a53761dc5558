// The one delivery vocabulary (src/delivery/schema.ts): the same keys in every section, and the
// keys CloudWatch had before 0.3 refused by name, pointing at their new names.
import { describe, expect, it } from "vitest";
import { ConfigError, validateConfig } from "../../src/config/loadConfig.js";
import { RunConfigSchema } from "../../src/config/schema.js";

const base = { baseline: { statistics: "s.json", constraints: "c.json" }, reports_dir: "reports" };

function load(extra: Record<string, unknown>) {
  return validateConfig(RunConfigSchema, { ...base, ...extra }, (path) => (path[0] === "cloudwatch" ? "config.yaml" : "flags"));
}

function errorOf(extra: Record<string, unknown>): string {
  try {
    load(extra);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("expected a configuration error");
}

describe("delivery keys", () => {
  it("cloudwatch uses the alert channels' spelling, with its own defaults", () => {
    const cw = load({ cloudwatch: {} }).cloudwatch;
    expect(cw).toMatchObject({ max_attempts: 5, backoff_initial_ms: 200, backoff_max_ms: 20_000, queue_max_datums: 100_000 });
    const set = load({ cloudwatch: { max_attempts: 15, backoff_initial_ms: 100, backoff_max_ms: 1_000 } }).cloudwatch;
    expect(set).toMatchObject({ max_attempts: 15, backoff_initial_ms: 100, backoff_max_ms: 1_000 });
    const hook = load({ alerts: { channels: { webhooks: [{ url: "https://h.example/x" }], kafka: { topic: "a" } } } }).alerts?.channels;
    expect(hook?.webhooks[0]).toMatchObject({ max_attempts: 5, backoff_initial_ms: 500, backoff_max_ms: 30_000, max_queued_events: 1_000 });
    expect(hook?.kafka).toMatchObject({ max_attempts: 3, backoff_initial_ms: 500, backoff_max_ms: 30_000, max_queued_events: 1_000 });
  });

  it("the 0.2 CloudWatch spellings fail naming the old key and the new one", () => {
    expect(errorOf({ cloudwatch: { retry_base_delay_ms: 100 } })).toBe(
      'config.yaml: cloudwatch.retry_base_delay_ms was renamed to cloudwatch.backoff_initial_ms in 0.3 (docs/deployment.md, "Upgrading")',
    );
    const both = errorOf({ cloudwatch: { retry_base_delay_ms: 100, retry_max_delay_ms: 1_000 } });
    expect(both).toContain("cloudwatch.retry_base_delay_ms was renamed to cloudwatch.backoff_initial_ms in 0.3");
    expect(both).toContain("cloudwatch.retry_max_delay_ms was renamed to cloudwatch.backoff_max_ms in 0.3");
    expect(both).not.toContain("unknown key");
    // other unknown keys still say so
    expect(errorOf({ cloudwatch: { retry_delay_ms: 1 } })).toBe("config.yaml: unknown key cloudwatch.retry_delay_ms");
  });

  it("backoff_initial_ms must not exceed backoff_max_ms, in every section", () => {
    expect(errorOf({ cloudwatch: { backoff_initial_ms: 5_000, backoff_max_ms: 100 } })).toBe(
      "config.yaml: cloudwatch.backoff_initial_ms: backoff_initial_ms must not exceed backoff_max_ms",
    );
    expect(errorOf({ alerts: { channels: { kafka: { topic: "a", backoff_initial_ms: 5_000, backoff_max_ms: 100 } } } })).toMatch(
      /alerts\.channels\.kafka\.backoff_initial_ms: backoff_initial_ms must not exceed backoff_max_ms/,
    );
  });
});
