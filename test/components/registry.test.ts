import { describe, expect, it } from "vitest";
import { REPORT_SINKS } from "../../src/components/registry.js";
import { markedPaths } from "../../src/components/schemaKeys.js";
import { MonitorConfigSchema } from "../../src/config/monitorSchema.js";
import { RunConfigSchema } from "../../src/config/schema.js";
import { createRecordDecoder, RECORD_DECODER_SECTIONS } from "../../src/records/decoders/index.js";

describe("the component registry", () => {
  it("composes each report sink's and each record decoder's section into the run configuration, in registry order", () => {
    const sections = [...REPORT_SINKS, ...RECORD_DECODER_SECTIONS];
    const keys = Object.keys(RunConfigSchema.shape);
    expect(keys.slice(-sections.length)).toEqual(sections.map((d) => d.configKey));
    const shape = RunConfigSchema.shape as unknown as Record<string, { unwrap(): unknown }>;
    for (const d of sections) expect(shape[d.configKey]?.unwrap()).toBe(d.schema);
  });

  it("accepts a decoder's options section in the run configuration and hands it to the decoder", async () => {
    const base = { baseline: { statistics: "s.json", constraints: "c.json" }, reports_dir: "r" };
    const config = RunConfigSchema.parse({ ...base, record_format: "flat_json", flat_json: { event_time_field: "ts" } });
    const decoder = await createRecordDecoder(config.record_format, config);
    const decoded = decoder.decode('{"ts": "2026-11-01T00:00:05Z", "x": 1}');
    expect(decoded.ok && decoder.eventTimeMs(decoded.value)).toBe(Date.UTC(2026, 10, 1, 0, 0, 5));
    expect(() => RunConfigSchema.parse({ ...base, flat_json: { event_time: "ts" } })).toThrow(/event_time/);
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
