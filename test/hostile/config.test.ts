import type { SpawnSyncReturns } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { resolveAlarmsConfig } from "../../src/cli/alarmsCommand.js";
import { resolveMonitorConfig } from "../../src/cli/monitorCommand.js";
import { resolveReplayConfig } from "../../src/cli/replayCommand.js";
import { ConfigError, mergeConfig, validateConfig } from "../../src/config/loadConfig.js";
import { MonitorConfigSchema, type MonitorConfig } from "../../src/config/monitorSchema.js";
import { RunConfigSchema } from "../../src/config/schema.js";
import { UsageError } from "../../src/cli/exitCodes.js";
import { params } from "../laws/lawSupport.js";
import { ensureBuilt, ROOT, runCli, unreachableMonitorArgs } from "../support/cli.js";

/**
 * The hostile-input suite, configuration: names, keys and values that must be refused with an
 * error naming where they came from, never applied.
 */

const STATS = join(ROOT, "test/golden/baseline/csv-header/statistics.json");
const CONS = join(ROOT, "test/golden/baseline/csv-header/constraints.json");
const CAPTURE = join(ROOT, "test/golden/replay/csv-start/input/capture.jsonl");

let tmp = "";
beforeAll(async () => {
  ensureBuilt();
  tmp = await mkdtemp(join(tmpdir(), "dqstream-hostile-config-"));
});
afterAll(async () => {
  if (tmp !== "") await rm(tmp, { recursive: true, force: true });
});

let cases = 0;
/** A fresh folder `case-N` with the reports folder two levels down, so a `..` escape would show. */
async function freshCase(): Promise<{ dir: string; reports: string }> {
  const dir = join(tmp, `case-${++cases}`);
  const reports = join(dir, "a", "b", "reports");
  await mkdir(reports, { recursive: true });
  return { dir, reports };
}

/** Every path under `dir`, relative, sorted. */
async function tree(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).sort();
}

const REFUSED = [".", "..", ".partials", ".hidden", "dead-letter", "Dead-Letter", "a".repeat(256)];
const KEYS = ["endpoint", "schedule"] as const;

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function expectRefused(r: SpawnSyncReturns<string>, source: string, key: string): void {
  expect(r.status, r.stderr).toBe(2);
  expect(r.stderr).toMatch(new RegExp(`^error: ${source}: ${key}: `, "m"));
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe("12: endpoint and schedule become folder names", () => {
  it("12: '.', '..', hidden, reserved and over-long names are refused from flags, the config file and DQSTREAM_ variables, naming the source and the key", async () => {
    const dir = join(tmp, "names");
    await mkdir(dir, { recursive: true });
    const baseline = { statistics: STATS, constraints: CONS };
    for (const key of KEYS) {
      for (const name of REFUSED) {
        const flag = `--${key}`;
        const variable = `DQSTREAM_${key.toUpperCase()}`;
        const file = join(dir, `${key}-${cases++}.json`);
        await writeFile(file, JSON.stringify({ baseline, reports_dir: "reports", kafka: { brokers: ["127.0.0.1:1"], topics: ["capture"] }, [key]: name }));
        const replayFile = join(dir, `${key}-${cases++}.json`);
        await writeFile(replayFile, JSON.stringify({ baseline, reports_dir: "reports", [key]: name }));
        const flags = { statistics: STATS, constraints: CONS, reports: "reports" };
        const monitorFlags = { ...flags, brokers: "127.0.0.1:1", topic: ["capture"] };
        const attempts: Array<[string, () => Promise<unknown>]> = [
          [flag, () => resolveReplayConfig({ ...flags, [key]: name })],
          [replayFile, () => resolveReplayConfig({ config: replayFile })],
          [flag, () => resolveMonitorConfig({ ...monitorFlags, [key]: name }, {})],
          [variable, () => resolveMonitorConfig(monitorFlags, { [variable]: name })],
          [file, () => resolveMonitorConfig({ config: file }, {})],
        ];
        for (const [source, attempt] of attempts) {
          const error = await attempt().then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(error, `${source} = ${name.slice(0, 20)}`).toBeInstanceOf(ConfigError);
          expect((error as Error).message).toMatch(new RegExp(`^${escapeRegExp(source)}: ${key}: `));
        }
      }
    }
  });

  it("12: the CLI exits 2 before writing anything: replay --endpoint .. --schedule .., monitor with DQSTREAM_SCHEDULE=.partials or endpoint: dead-letter in its file", async () => {
    const a = await freshCase();
    expectRefused(
      runCli(a.dir, ["replay", "--statistics", STATS, "--constraints", CONS, "--reports", a.reports, "--endpoint", "..", "--schedule", "..", CAPTURE]),
      "--endpoint",
      "endpoint",
    );
    // port 1 on loopback: nothing listens, so getting past the configuration would show as a Kafka error, not exit 2
    const monitor = (reports: string): string[] => unreachableMonitorArgs({ statistics: STATS, constraints: CONS, reports: reports });
    const b = await freshCase();
    expectRefused(runCli(b.dir, monitor(b.reports), undefined, { DQSTREAM_SCHEDULE: ".partials" }), "DQSTREAM_SCHEDULE", "schedule");
    const c = await freshCase();
    const config = join(c.dir, "monitor.yaml");
    await writeFile(config, "endpoint: dead-letter\n");
    expectRefused(runCli(c.dir, [...monitor(c.reports), "--config", config]), escapeRegExp(config), "endpoint");
    for (const x of [a, b, c]) expect((await tree(x.dir)).filter((p) => p !== "monitor.yaml")).toEqual(["a", "a/b", "a/b/reports"]);
  });

  it("12: names with dots inside, digits, '_' and '-' stay valid folder names", async () => {
    const { dir, reports } = await freshCase();
    const r = runCli(dir, [
      "replay",
      "--statistics",
      STATS,
      "--constraints",
      CONS,
      "--reports",
      reports,
      "--endpoint",
      "churn.v2..x",
      "--schedule",
      "_daily-1.",
      CAPTURE,
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(join(reports, "churn.v2..x", "_daily-1.", "2026"))).toBe(true);
  });
});

/** The error a promise rejects with, or undefined when it resolves. */
async function failure(p: () => Promise<unknown>): Promise<unknown> {
  try {
    await p();
    return undefined;
  } catch (e) {
    return e;
  }
}

let files = 0;
async function configFile(ext: "yaml" | "json", text: string): Promise<string> {
  const dir = join(tmp, "files");
  await mkdir(dir, { recursive: true });
  const file = join(dir, `c-${++files}.${ext}`);
  await writeFile(file, text);
  return file;
}

const BASELINE_YAML = `baseline: { statistics: ${STATS}, constraints: ${CONS} }\nreports_dir: reports\n`;
const MONITOR_FLAGS = { statistics: STATS, constraints: CONS, reports: "reports", brokers: "127.0.0.1:9092", topic: ["capture"] };

/** Whether Object.prototype gained any property (a polluted prototype shows up on every object). */
function polluted(): string[] {
  return Object.getOwnPropertyNames(Object.prototype).filter((k) => !ORIGINAL_PROTOTYPE_KEYS.has(k));
}
const ORIGINAL_PROTOTYPE_KEYS = new Set(Object.getOwnPropertyNames(Object.prototype));

describe("14: prototype keys in configuration", () => {
  it("14: __proto__ in a YAML or JSON file is an unknown key at any depth, never applied as a prototype", async () => {
    const cases: Array<{ ext: "yaml" | "json"; text: string; key: string; monitor?: boolean }> = [
      // the whole configuration hidden in a prototype: without the fix it loads
      {
        ext: "json",
        text: JSON.stringify({ reports_dir: "reports" }).replace(
          "{",
          `{"__proto__": {"baseline": {"statistics": "${STATS}", "constraints": "${CONS}"}, "window_seconds": 60},`,
        ),
        key: "__proto__",
      },
      { ext: "yaml", text: `${BASELINE_YAML}__proto__:\n  window_seconds: 60\n`, key: "__proto__" },
      { ext: "yaml", text: `${BASELINE_YAML}kafka:\n  __proto__: { group_id: evil }\n`, key: "kafka.__proto__", monitor: true },
      { ext: "json", text: `{"kafka": {"__proto__": {"group_id": "evil"}}}`, key: "kafka.__proto__", monitor: true },
      {
        ext: "yaml",
        text: `${BASELINE_YAML}alerts:\n  channels:\n    webhooks:\n      - url: http://127.0.0.1:1/hook\n        headers: { __proto__: x, X-Ok: y }\n`,
        key: "alerts.channels.webhooks[0].headers.__proto__",
      },
      { ext: "json", text: `{"cloudwatch": {"alarms": {"__proto__": {"evaluation_periods": 7}}}}`, key: "cloudwatch.alarms.__proto__", monitor: true },
    ];
    for (const c of cases) {
      const file = await configFile(c.ext, c.text);
      const e = await failure(() =>
        c.monitor === true ? resolveMonitorConfig({ ...MONITOR_FLAGS, config: file }, {}) : resolveReplayConfig({ config: file }),
      );
      expect(e, c.text).toBeInstanceOf(ConfigError);
      expect((e as Error).message, c.text).toContain(`${file}: unknown key ${c.key}`);
    }
    expect(polluted()).toEqual([]);
  });

  it("14: constructor and prototype are unknown keys where the schema is strict, plain header names in free-form maps, and pollute nothing", async () => {
    const strict: Array<[string, string]> = [
      [`{"constructor": {"prototype": {"polluted": true}}}`, "constructor"],
      [`{"kafka": {"constructor": 1, "prototype": 2}}`, "kafka.constructor"],
      [`{"http": {"prototype": {"port": 1}}}`, "http.prototype"],
    ];
    for (const [text, key] of strict) {
      const file = await configFile("json", text);
      const e = await failure(() => resolveMonitorConfig({ ...MONITOR_FLAGS, config: file }, {}));
      expect(e, text).toBeInstanceOf(ConfigError);
      expect((e as Error).message, text).toContain(`${file}: unknown key ${key}`);
    }
    for (const [variable, key] of [
      ["DQSTREAM_CONSTRUCTOR__PROTOTYPE__POLLUTED", "constructor"],
      ["DQSTREAM_KAFKA__CONSTRUCTOR", "kafka.constructor"],
      ["DQSTREAM_TOSTRING", "tostring"],
      ["DQSTREAM_HASOWNPROPERTY__X", "hasownproperty"],
    ] as const) {
      const e = await failure(() => resolveMonitorConfig(MONITOR_FLAGS, { [variable]: "1" }));
      expect(e, variable).toBeInstanceOf(ConfigError);
      expect((e as Error).message, variable).toContain(`${variable}: unknown key ${key}`);
    }
    // header names are free-form (HTTP tokens): these two are ordinary own keys of the map
    const file = await configFile(
      "yaml",
      `${BASELINE_YAML}alerts:\n  channels:\n    webhooks:\n      - url: http://127.0.0.1:1/hook\n        headers: { constructor: a, prototype: b }\n`,
    );
    const config = await resolveReplayConfig({ config: file });
    const headers = config.alerts?.channels.webhooks[0]?.headers as Record<string, string>;
    expect(Object.entries(headers)).toEqual([
      ["constructor", "a"],
      ["prototype", "b"],
    ]);
    expect(Object.getPrototypeOf(headers)).toBe(Object.prototype);
    expect(polluted()).toEqual([]);
  });
});

describe("14: DQSTREAM_ values are typed by the schema at their key", () => {
  it("14: strings stay strings (DQSTREAM_KAFKA__SASL__PASSWORD=123456), numbers and booleans only where the schema wants them, lists where it wants an array of values", async () => {
    const env = {
      DQSTREAM_KAFKA__SASL__MECHANISM: "plain",
      DQSTREAM_KAFKA__SASL__USERNAME: "true",
      DQSTREAM_KAFKA__SASL__PASSWORD: "123456",
      DQSTREAM_KAFKA__GROUP_ID: "007",
      DQSTREAM_KAFKA__CLIENT_ID: "1e3",
      DQSTREAM_KAFKA__TOPICS: "1, 2,false",
      DQSTREAM_KAFKA__TLS__REJECT_UNAUTHORIZED: "false",
      DQSTREAM_KAFKA__TLS__CA_FILE: "42",
      DQSTREAM_ENDPOINT: "123",
      DQSTREAM_WINDOW_SECONDS: "600",
      DQSTREAM_HTTP__PORT: "0",
      DQSTREAM_FALLBACK_TO_SOURCE_TIMESTAMP: "false",
      DQSTREAM_CLOUDWATCH__ALARMS__NAME_PREFIX: "1",
      DQSTREAM_CLOUDWATCH__OWN_METRICS: "true",
    };
    const { statistics, constraints, reports } = MONITOR_FLAGS;
    const c = await resolveMonitorConfig({ statistics, constraints, reports, brokers: "127.0.0.1:9092" }, env);
    expect(c.kafka.sasl).toEqual({ mechanism: "plain", username: "true", password: "123456" });
    expect(c.kafka.group_id).toBe("007");
    expect(c.kafka.client_id).toBe("1e3");
    expect(c.kafka.topics).toEqual(["1", "2", "false"]);
    expect(c.kafka.tls?.reject_unauthorized).toBe(false);
    expect(c.kafka.tls?.ca_file).toBe("42");
    expect(c.endpoint).toBe("123");
    expect(c.window_seconds).toBe(600);
    expect(c.http.port).toBe(0);
    expect(c.fallback_to_source_timestamp).toBe(false);
    expect(c.cloudwatch?.alarms.name_prefix).toBe("1");
    expect(c.cloudwatch?.own_metrics).toBe(true);
  });

  it("14: alarms types its variables by the schema it validates with (replay's or monitor's)", async () => {
    const file = await configFile("yaml", `${BASELINE_YAML}kafka: { brokers: ["127.0.0.1:9092"], topics: [capture] }\n`);
    const { config } = await resolveAlarmsConfig(
      { config: file },
      {
        DQSTREAM_KAFKA__SASL__MECHANISM: "scram-sha-256",
        DQSTREAM_KAFKA__SASL__USERNAME: "1",
        DQSTREAM_KAFKA__SASL__PASSWORD: "123456",
        DQSTREAM_SCHEDULE: "2",
      },
    );
    expect((config as MonitorConfig).kafka.sasl).toEqual({ mechanism: "scram-sha-256", username: "1", password: "123456" });
    expect(config.schedule).toBe("2");
  });

  it("14: a wrong type or an unknown key is an error naming the variable; a list of objects is not read from a variable", async () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ DQSTREAM_WINDOW_SECONDS: "ten" }, /^DQSTREAM_WINDOW_SECONDS: window_seconds: .*expected number/m],
      [{ DQSTREAM_WINDOW_SECOND: "60" }, /^DQSTREAM_WINDOW_SECOND: unknown key window_second$/m],
      [{ DQSTREAM_KAFKA__TLS__ENABLED: "yes" }, /^DQSTREAM_KAFKA__TLS__ENABLED: kafka\.tls\.enabled: .*expected boolean/m],
      [
        { DQSTREAM_ALERTS__CHANNELS__WEBHOOKS: "http://127.0.0.1:1/hook" },
        /^DQSTREAM_ALERTS__CHANNELS__WEBHOOKS: alerts\.channels\.webhooks: .*expected array/m,
      ],
      [{ DQSTREAM_KAFKA: "x", DQSTREAM_KAFKA__GROUP_ID: "g" }, /DQSTREAM_KAFKA(__GROUP_ID)?: kafka is set as a value and as a section/],
      [{ DQSTREAM_KAFKA__GROUP_ID: "g", DQSTREAM_KAFKA: "x" }, /DQSTREAM_KAFKA(__GROUP_ID)?: kafka is set as a value and as a section/],
    ];
    for (const [env, message] of cases) {
      const e = await failure(() => resolveMonitorConfig(MONITOR_FLAGS, env));
      expect(e, JSON.stringify(env)).toBeInstanceOf(ConfigError);
      expect((e as Error).message, JSON.stringify(env)).toMatch(message);
    }
  });
});

/** Only configuration and usage errors may leave the loader: anything else is a bug. */
function expectConfigOutcome(e: unknown, input: string): void {
  if (e === undefined) return;
  expect(e instanceof ConfigError || e instanceof UsageError, `${e instanceof Error ? e.stack : JSON.stringify(e)}\nfor ${input.slice(0, 500)}`).toBe(true);
}

const VALID_YAML = `# a replay and monitor configuration
baseline:
  statistics: ${STATS}
  constraints: ${CONS}
reports_dir: reports
endpoint: churn
schedule: hourly
window_seconds: 600
allowed_lateness_seconds: 30
output_columns_position: END
category_cap: 50
kafka:
  brokers: [127.0.0.1:9092, "[::1]:9093"]
  topics: [capture]
  sasl: { mechanism: plain, username: u, password: "123" }
  tls: { ca_file: ca.pem }
alerts:
  lifecycle: { open_after_violating_windows: 2, of_last_windows: 3 }
  channels:
    webhooks:
      - url: http://127.0.0.1:1/hook
        headers: { Authorization: Bearer x }
cloudwatch:
  enabled: true
  alarms: { evaluation_periods: 3 }
`;
const VALID_JSON = JSON.stringify(parseYaml(VALID_YAML));

/** A text with random edits: characters inserted, deleted or replaced, pieces duplicated. */
const mutatedText = (base: string): fc.Arbitrary<string> =>
  fc
    .array(fc.tuple(fc.nat(), fc.constantFrom("insert", "delete", "replace", "duplicate"), fc.string({ unit: "binary", maxLength: 8 }), fc.nat({ max: 40 })), {
      minLength: 1,
      maxLength: 8,
    })
    .map((edits) => {
      let t = base;
      for (const [at, kind, piece, length] of edits) {
        const i = at % (t.length + 1);
        if (kind === "insert") t = t.slice(0, i) + piece + t.slice(i);
        else if (kind === "delete") t = t.slice(0, i) + t.slice(i + length);
        else if (kind === "replace") t = t.slice(0, i) + piece + t.slice(i + piece.length);
        else t = t.slice(0, i) + t.slice(i, i + length) + t.slice(i);
      }
      return t;
    });

/** Keys a config may hold, the prototype's own names and a few of the schema's. */
const KEY = fc.constantFrom(
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "baseline",
  "kafka",
  "alerts",
  "channels",
  "webhooks",
  "headers",
  "window_seconds",
  "endpoint",
  "x",
);

/** A JSON text of a random tree whose keys may be prototype names, written out by hand: JSON.stringify would drop nothing, but objects built in JS cannot hold `__proto__` as a key without care. */
const jsonTree: fc.Arbitrary<string> = fc.letrec<{ tree: string }>((tie) => ({
  tree: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.jsonValue({ maxDepth: 1 }).map((v) => JSON.stringify(v)),
    fc.array(tie("tree"), { maxLength: 4 }).map((items) => `[${items.join(",")}]`),
    fc
      .uniqueArray(fc.tuple(KEY, tie("tree")), { maxLength: 5, selector: ([k]) => k })
      .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(",")}}`),
  ),
})).tree;

/** Paths in a valid config where a prototype key is inserted: the top, strict sections, a free-form map, a list element. */
const INSERT_AT: ReadonlyArray<readonly (string | number)[]> = [
  [],
  ["baseline"],
  ["kafka"],
  ["kafka", "sasl"],
  ["alerts", "lifecycle"],
  ["alerts", "channels", "webhooks", 0],
  ["alerts", "channels", "webhooks", 0, "headers"],
  ["cloudwatch", "alarms"],
];

describe("14: fuzzing the config loader (fast-check)", () => {
  it("14: random and mutated YAML and JSON texts end in a loaded config or a ConfigError/UsageError, never another exception", async () => {
    const text = fc.oneof(fc.string({ unit: "binary", maxLength: 200 }), mutatedText(VALID_YAML), mutatedText(VALID_JSON), jsonTree);
    await fc.assert(
      fc.asyncProperty(text, fc.constantFrom("yaml" as const, "json" as const), async (t, ext) => {
        const file = await configFile(ext, t);
        expectConfigOutcome(await failure(() => resolveMonitorConfig({ config: file }, {})), t);
        expectConfigOutcome(await failure(() => resolveReplayConfig({ config: file })), t);
        expectConfigOutcome(await failure(() => resolveAlarmsConfig({ config: file }, {})), t);
      }),
      params(1, 300),
    );
    expect(polluted()).toEqual([]);
  });

  it("14: a prototype key inserted anywhere in a valid config is refused by name; nothing is polluted", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...INSERT_AT),
        fc.constantFrom("__proto__", "constructor", "prototype"),
        jsonTree,
        fc.constantFrom("yaml" as const, "json" as const),
        async (at, key, value, ext) => {
          // in free-form maps (headers) constructor and prototype are ordinary names; __proto__ never is
          if (at[at.length - 1] === "headers" && key !== "__proto__") return;
          const doc = JSON.parse(VALID_JSON) as Record<string, unknown>;
          let node: Record<string | number, unknown> = doc;
          for (const k of at) node = node[k] as Record<string | number, unknown>;
          const marker = `"__insert_here__":0`;
          node["__insert_here__"] = 0;
          // JSON is YAML: the same text serves both readers
          const text = JSON.stringify(doc).replace(marker, () => `${JSON.stringify(key)}:${value}`);
          const file = await configFile(ext, text);
          const e = await failure(() => resolveMonitorConfig({ config: file }, {}));
          expect(e, text).toBeInstanceOf(ConfigError);
          const where = at.reduce<string>((p, k) => (typeof k === "number" ? `${p}[${k}]` : p === "" ? k : `${p}.${k}`), "");
          expect((e as Error).message, text).toContain(`unknown key ${where === "" ? key : `${where}.${key}`}`);
        },
      ),
      params(2, 300),
    );
    expect(polluted()).toEqual([]);
  });

  it("14: random objects (any key, prototype names included, any value) merged and validated end in a config or a ConfigError", () => {
    const key = fc.oneof(KEY, fc.string({ maxLength: 12 }));
    const anything = fc.object({
      key,
      maxDepth: 4,
      withNullPrototype: true,
      withBigInt: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withTypedArray: true,
      withSparseArray: true,
      withBoxedValues: true,
    });
    let protoKeys = 0;
    fc.assert(
      fc.property(anything, anything, (a, b) => {
        const proto = [a, b].some((o) => Object.hasOwn(o, "__proto__") && o["__proto__"] !== undefined);
        if (proto) protoKeys++;
        const merged = mergeConfig({ baseline: { statistics: STATS, constraints: CONS }, reports_dir: "r" }, a, b);
        for (const schema of [RunConfigSchema, MonitorConfigSchema]) {
          let error: unknown;
          try {
            validateConfig(schema, merged, () => "config.yaml");
          } catch (e) {
            error = e;
          }
          if (error !== undefined) expect(error, String((error as Error)?.stack)).toBeInstanceOf(ConfigError);
          // a top-level __proto__ is refused by name, whatever else is wrong
          if (proto) expect((error as Error | undefined)?.message).toContain("unknown key __proto__");
        }
      }),
      params(5, 500),
    );
    // the generator does reach the key this is about
    expect(protoKeys).toBeGreaterThan(0);
    expect(polluted()).toEqual([]);
  });

  it("14: deep nesting and huge values end in a ConfigError", async () => {
    const n = 100_000;
    const texts: Array<["yaml" | "json", string]> = [
      ["yaml", "[".repeat(10_000) + "]".repeat(10_000)],
      ["yaml", `kafka: ${"[".repeat(5_000)}${"]".repeat(5_000)}\n`],
      ["yaml", `${"- ".repeat(10_000)}x\n`],
      ["yaml", Array.from({ length: 2_000 }, (_, i) => `${" ".repeat(i)}a:`).join("\n") + " 1\n"],
      ["json", "[".repeat(n) + "]".repeat(n)],
      ["json", `{"alerts":${'{"a":'.repeat(n)}1${"}".repeat(n)}}`],
      ["json", `{"alerts":{"channels":{"webhooks":[{"url":"http://127.0.0.1:1/","headers":${'{"__proto__":'.repeat(n)}1${"}".repeat(n)}}]}}}`],
      ["json", JSON.stringify({ endpoint: "e".repeat(10_000_000) })],
      ["json", JSON.stringify({ kafka: { topics: Array.from({ length: 1_000_000 }, (_, i) => `t${i}`), brokers: ["a:1"] }, window_seconds: 1e308 })],
      ["json", `{"window_seconds": 1e400, "category_cap": -0, "allowed_lateness_seconds": 123456789012345678901234567890}`],
      [
        "yaml",
        `a: &a [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n`,
      ],
      ["yaml", `a: &x { b: *x }\n`],
    ];
    for (const [ext, text] of texts) {
      const file = await configFile(ext, text);
      const e = await failure(() => resolveMonitorConfig({ ...MONITOR_FLAGS, config: file }, {}));
      expect(e, text.slice(0, 200)).toBeInstanceOf(ConfigError);
    }
  });

  it("14: valid configs still load, from YAML, JSON and DQSTREAM_ variables, with the values given", async () => {
    const name = fc.stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,40}$/).filter((s) => s.toLowerCase() !== "dead-letter");
    const settings = fc.record({
      endpoint: name,
      schedule: name,
      window_seconds: fc.integer({ min: 60, max: 86_400 }),
      allowed_lateness_seconds: fc.integer({ min: 0, max: 7 * 86_400 }),
      category_cap: fc.integer({ min: 1, max: 1_000_000 }),
      fallback_to_source_timestamp: fc.boolean(),
      output_columns_position: fc.constantFrom("START", "END"),
    });
    const secret = fc.oneof(
      fc.stringMatching(/^[0-9]{1,12}$/),
      fc.constantFrom("true", "false", "1e5", "-1", "0x10"),
      fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() === s && s !== "" && !s.includes("\0")),
    );
    await fc.assert(
      fc.asyncProperty(settings, secret, fc.constantFrom("yaml" as const, "json" as const, "env" as const), async (s, password, how) => {
        const kafka = { brokers: ["127.0.0.1:9092"], topics: ["capture"], sasl: { mechanism: "plain", username: "u", password } };
        const doc = { baseline: { statistics: STATS, constraints: CONS }, reports_dir: "reports", ...s, kafka };
        let config: MonitorConfig;
        if (how === "env") {
          const env: Record<string, string> = {
            DQSTREAM_KAFKA__SASL__MECHANISM: "plain",
            DQSTREAM_KAFKA__SASL__USERNAME: "u",
            DQSTREAM_KAFKA__SASL__PASSWORD: password,
          };
          for (const [k, v] of Object.entries(s)) env[`DQSTREAM_${k.toUpperCase()}`] = String(v);
          config = await resolveMonitorConfig(MONITOR_FLAGS, env);
        } else {
          config = await resolveMonitorConfig({ config: await configFile(how, how === "json" ? JSON.stringify(doc) : stringifyYaml(doc)) }, {});
        }
        expect(config).toMatchObject({ ...s, kafka: { sasl: { password } } });
      }),
      params(3, 200),
    );
  });

  it("14: random DQSTREAM_ variables end in a loaded config or a ConfigError/UsageError", async () => {
    const variable = fc.oneof(
      fc.constantFrom(
        ...[
          "WINDOW_SECONDS",
          "KAFKA__BROKERS",
          "KAFKA__TOPICS",
          "KAFKA__SASL__PASSWORD",
          "KAFKA__SASL",
          "KAFKA",
          "HTTP__PORT",
          "ALERTS__CHANNELS__WEBHOOKS",
          "ALERTS__CHANNELS__WEBHOOKS__0__URL",
          "CONSTRUCTOR__PROTOTYPE",
          "__PROTO__",
          "A____B",
          "KAFKA__TLS__ENABLED",
          "CLOUDWATCH__ALARMS__EVALUATION_PERIODS",
        ].map((v) => `DQSTREAM_${v}`),
      ),
      fc.stringMatching(/^[A-Za-z_]{1,30}$/).map((v) => `DQSTREAM_${v}`),
    );
    const value = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom("1", "-1", "1.5", "1e400", "true", "false", ",", "a:1,b:2", ""));
    await fc.assert(
      fc.asyncProperty(fc.dictionary(variable, value, { maxKeys: 6 }), async (env) => {
        expectConfigOutcome(await failure(() => resolveMonitorConfig(MONITOR_FLAGS, env)), JSON.stringify(env));
      }),
      params(4, 300),
    );
    expect(polluted()).toEqual([]);
  });
});
