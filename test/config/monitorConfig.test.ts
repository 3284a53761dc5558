import { describe, expect, it } from "vitest";
import { configFromEnv } from "../../src/config/envConfig.js";
import { ConfigError, mergeConfig, validateConfig } from "../../src/config/loadConfig.js";
import { MonitorConfigSchema, redact } from "../../src/config/monitorSchema.js";

const minimal = {
  baseline: { statistics: "s.json", constraints: "c.json" },
  reports_dir: "reports",
  kafka: { brokers: ["127.0.0.1:9092"], topics: ["capture"] },
};

describe("monitor config schema", () => {
  it("fills the documented defaults", () => {
    const c = validateConfig(MonitorConfigSchema, minimal, () => "config.yaml");
    expect(c.kafka).toMatchObject({
      group_id: "dqstream",
      client_id: "dqstream",
      start_from: "earliest",
      dead_letter_topic: "dqstream-dead-letter",
      session_timeout_ms: 30_000,
      idle_partition_seconds: 60,
    });
    expect(c.http).toEqual({ host: "127.0.0.1", port: 9464, dashboard: { enabled: true, refresh_seconds: 5 } });
    expect(c.idle_close_seconds).toBe(300);
    expect(c.window_seconds).toBe(3600);
    expect(c.report_folder_time).toBe("window_end");
  });

  it("report_folder_time takes window_end or window_start, nothing else", () => {
    expect(validateConfig(MonitorConfigSchema, { ...minimal, report_folder_time: "window_start" }, () => "config.yaml").report_folder_time).toBe(
      "window_start",
    );
    expect(() => validateConfig(MonitorConfigSchema, { ...minimal, report_folder_time: "start" }, () => "config.yaml")).toThrow(/report_folder_time/);
  });

  it("names unknown keys, wrong values and cross-field mistakes with where they came from", () => {
    const bad = (value: unknown): string => {
      try {
        validateConfig(MonitorConfigSchema, value, () => "config.yaml");
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
      }
      throw new Error("accepted");
    };
    expect(bad({ ...minimal, kafka: { ...minimal.kafka, group: "x" } })).toContain("config.yaml: unknown key kafka.group");
    expect(bad({ ...minimal, kafka: { ...minimal.kafka, brokers: ["no-port"] } })).toContain("config.yaml: kafka.brokers[0]: expected host:port");
    expect(bad({ ...minimal, kafka: { ...minimal.kafka, brokers: [] } })).toMatch(/expected at least one broker/);
    expect(bad({ ...minimal, kafka: { ...minimal.kafka, session_timeout_ms: 10_000, heartbeat_interval_ms: 5_000 } })).toMatch(
      /heartbeat_interval_ms must be lower than a third of session_timeout_ms/,
    );
    expect(bad({ ...minimal, kafka: { ...minimal.kafka, sasl: { mechanism: "gssapi" } } })).toMatch(/kafka\.sasl/);
    expect(bad({ ...minimal, kafka: { ...minimal.kafka, tls: { cert_file: "c.pem" } } })).toMatch(/tls\.cert_file and tls\.key_file go together/);
    expect(bad({ ...minimal, http: { port: 70_000 } })).toMatch(/http\.port/);
  });

  it("accepts TLS and each SASL mechanism", () => {
    for (const mechanism of ["plain", "scram-sha-256", "scram-sha-512"]) {
      const c = validateConfig(
        MonitorConfigSchema,
        { ...minimal, kafka: { ...minimal.kafka, tls: { ca_file: "ca.pem" }, sasl: { mechanism, username: "u", password: "p" } } },
        () => "x",
      );
      expect(c.kafka.sasl?.mechanism).toBe(mechanism);
      expect(c.kafka.tls).toEqual({ enabled: true, ca_file: "ca.pem", reject_unauthorized: true });
    }
  });

  it("redacts secrets for logging", () => {
    const c = validateConfig(
      MonitorConfigSchema,
      {
        ...minimal,
        kafka: { ...minimal.kafka, sasl: { mechanism: "plain", username: "u", password: "hunter2" }, tls: { cert_file: "c.pem", key_file: "k.pem" } },
      },
      () => "x",
    );
    const text = JSON.stringify(redact(c));
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("k.pem");
    expect(text).toContain('"username":"u"');
  });
});

describe("DQSTREAM_… environment variables", () => {
  it("become config keys, with __ between levels, lists for brokers and topics, numbers and booleans typed", () => {
    const { config, origin } = configFromEnv({
      DQSTREAM_WINDOW_SECONDS: "600",
      DQSTREAM_KAFKA__BROKERS: "a:9092, b:9093",
      DQSTREAM_KAFKA__TOPICS: "capture",
      DQSTREAM_KAFKA__SASL__PASSWORD: "s3cret",
      DQSTREAM_KAFKA__TLS__REJECT_UNAUTHORIZED: "false",
      DQSTREAM_LOG_LEVEL: "debug",
      OTHER: "x",
    });
    expect(config).toEqual({
      window_seconds: 600,
      kafka: { brokers: ["a:9092", "b:9093"], topics: ["capture"], sasl: { password: "s3cret" }, tls: { reject_unauthorized: false } },
    });
    expect(origin.get("kafka.sasl.password")).toBe("DQSTREAM_KAFKA__SASL__PASSWORD");
  });

  it("merge under flags and over the file, and errors name the variable", () => {
    const { config, origin } = configFromEnv({ DQSTREAM_WINDOW_SECONDS: "30" });
    const merged = mergeConfig(minimal, config);
    expect(() => validateConfig(MonitorConfigSchema, merged, (path) => origin.get(path.map(String).join(".")) ?? "config.yaml")).toThrow(
      /DQSTREAM_WINDOW_SECONDS: window_seconds: /,
    );
    expect(() => configFromEnv({ DQSTREAM_KAFKA____X: "1" })).toThrow(/DQSTREAM_KAFKA____X: expected DQSTREAM_<KEY>/);
  });
});

describe("DQSTREAM_ variables that are not config keys", () => {
  it("are ignored (the test setup's and the broker script's switches), while a typo is still a key", () => {
    const { config } = configFromEnv({
      DQSTREAM_TEST_KAFKA: "local",
      DQSTREAM_KAFKA_VERSION: "3.9.1",
      DQSTREAM_CACHE_DIR: "/tmp/c",
      DQSTREAM_WINDOW_SECOND: "60",
    });
    // a key the schema lacks stays text: the schema's unknown-key error then names the variable
    expect(config).toEqual({ window_second: "60" });
  });
});

describe("config files: relative paths", () => {
  it("resolves path keys against the file's folder, and leaves '-' (standard output) alone", async () => {
    const { mkdtemp, writeFile } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const join = (await import("node:path")).join.bind(null);
    const { readConfigFileResolved } = await import("../../src/config/loadConfig.js");
    const dir = await mkdtemp(join(tmpdir(), "dq-cfg-"));
    const file = join(dir, "c.yaml");
    await writeFile(file, "reports_dir: out\nkafka: { tls: { ca_file: ca.pem } }\ncloudwatch: { emf: { path: emf.jsonl } }\n");
    const c = (await readConfigFileResolved(file, MonitorConfigSchema)) as {
      reports_dir: string;
      kafka: { tls: { ca_file: string } };
      cloudwatch: { emf: { path: string } };
    };
    expect(c.reports_dir).toBe(join(dir, "out"));
    expect(c.kafka.tls.ca_file).toBe(join(dir, "ca.pem"));
    expect(c.cloudwatch.emf.path).toBe(join(dir, "emf.jsonl"));
    await writeFile(file, "cloudwatch: { emf: { path: '-' } }\n");
    expect(((await readConfigFileResolved(file, MonitorConfigSchema)) as { cloudwatch: { emf: { path: string } } }).cloudwatch.emf.path).toBe("-");
  });

  it("ignores dqstream's own DQSTREAM_ switches, including the test setup's", () => {
    const { config } = configFromEnv({ DQSTREAM_TEST_MOTO_URL: "http://127.0.0.1:5000", DQSTREAM_TEST_SEED: "7", DQSTREAM_WINDOW_SECONDS: "600" });
    expect(config).toEqual({ window_seconds: 600 });
  });
});
