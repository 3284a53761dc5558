import { describe, expect, it } from "vitest";
import { REPORT_SINKS } from "../../src/components/registry.js";
import { markedPaths } from "../../src/components/schemaKeys.js";
import { MonitorConfigSchema } from "../../src/config/monitorSchema.js";
import { REPORT_SINK_SECTIONS, RunConfigSchema } from "../../src/config/schema.js";

describe("the component registry", () => {
  it("composes each report sink's section into the run configuration, in registry order", () => {
    expect(REPORT_SINKS.map((d) => [d.configKey, d.schema])).toEqual(REPORT_SINK_SECTIONS.map((s) => [s.configKey, s.schema]));
    const keys = Object.keys(RunConfigSchema.shape);
    expect(keys.slice(-REPORT_SINKS.length)).toEqual(REPORT_SINKS.map((d) => d.configKey));
    for (const d of REPORT_SINKS) expect(RunConfigSchema.shape[d.configKey].unwrap()).toBe(d.schema);
  });

  it("declares the secrets and paths the hand lists held before (redaction, path resolution)", () => {
    const dotted = (paths: ReadonlyArray<readonly string[]>) => paths.map((p) => p.join("."));
    expect(dotted(markedPaths(MonitorConfigSchema, "path")).sort()).toEqual(
      [
        "baseline.statistics",
        "baseline.constraints",
        "reports_dir",
        "preprocessor.module",
        "postprocessor.module",
        "kafka.tls.ca_file",
        "kafka.tls.cert_file",
        "kafka.tls.key_file",
        "cloudwatch.emf.path",
      ].sort(),
    );
    expect(dotted(markedPaths(MonitorConfigSchema, "secret")).sort()).toEqual(
      ["alerts.channels.webhooks.*.url", "alerts.channels.webhooks.*.headers", "kafka.sasl.password"].sort(),
    );
    expect(dotted(markedPaths(MonitorConfigSchema, "unlogged"))).toEqual(["kafka.tls.key_file"]);
  });
});
