// config/monitor.example.yaml documents every option of `dqstream monitor`'s config schema, so the
// example cannot drift from the schema: its active settings load with the real loader (the path
// of `dqstream monitor --config`), uncommenting every commented-out option gives a valid config
// holding every key of the schema (walked recursively, into lists of objects such as
// alerts.channels.webhooks), and each option's comment names its DQSTREAM_… variable (or, for keys
// inside a list, says that no variable sets them), its default and the flags that really set it.
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadBaseline } from "../../src/baseline/loadBaseline.js";
import { resolveMonitorConfig, type MonitorFlags } from "../../src/cli/monitorCommand.js";
import { buildProgram } from "../../src/cli/program.js";
import { configFromEnv, ENV_PREFIX, NON_CONFIG_VARIABLES } from "../../src/config/envConfig.js";
import { markedPaths } from "../../src/components/schemaKeys.js";
import { MonitorConfigSchema } from "../../src/config/monitorSchema.js";

const ROOT = resolve(import.meta.dirname, "../..");
const FILE = join(ROOT, "config/monitor.example.yaml");

/**
 * Top-level sections being written elsewhere (issue 5) and not yet in the example. When a section
 * is added to the example, remove its name here: from then on its keys are checked like the others.
 */
const PENDING_SECTIONS: ReadonlySet<string> = new Set<string>();

/** Options that are not config keys. */
const NON_KEY_FLAGS: ReadonlySet<string> = new Set(["--config", "--log-level"]);

/** The path segment standing for "each element" of a list of objects: alerts.channels.webhooks[].url. */
const EACH = "[]";

interface SchemaKey {
  /** Key names, with EACH for the elements of a list of objects. */
  path: string[];
  /** The key's schema without optional/default wrappers. */
  type: string;
  /** Whether the schema gives the key a default, and which. */
  hasDefault: boolean;
  defaultValue?: unknown;
  /** A container whose keys are listed too (an object, a union of objects, a list of objects) rather than a value. */
  isObject: boolean;
  /** A list of objects: its elements' keys are listed under EACH. */
  isList: boolean;
  /** Inside a list of objects: DQSTREAM_ variables cannot reach it (they make objects, not lists). */
  inList: boolean;
  /** An enum's values. */
  values?: string[];
}

interface ZodInternals {
  _zod: {
    def: {
      type: string;
      innerType?: ZodInternals;
      defaultValue?: unknown;
      options?: ZodInternals[];
      shape?: Record<string, ZodInternals>;
      /** z.array's element schema. */
      element?: ZodInternals;
      /** z.enum's values. */
      entries?: Record<string, string>;
    };
  };
}

/** A schema without its optional/default wrappers, and the outermost default. */
function unwrap(schema: ZodInternals): { node: ZodInternals; hasDefault: boolean; defaultValue?: unknown } {
  let node = schema;
  let hasDefault = false;
  let defaultValue: unknown;
  for (;;) {
    const def = node._zod.def;
    if (def.type === "default" || def.type === "prefault") {
      if (!hasDefault) {
        hasDefault = true;
        defaultValue = def.defaultValue;
      }
    } else if (def.type !== "optional" && def.type !== "nullable" && def.type !== "readonly") break;
    node = def.innerType as ZodInternals;
  }
  return { node, hasDefault, ...(hasDefault ? { defaultValue } : {}) };
}

const hasKeys = (type: string): boolean => type === "object" || type === "union";

/**
 * Every key of the schema, objects and values, recursively; discriminated unions contribute every
 * option's keys; a list of objects contributes its element's keys under EACH. Records (webhook
 * `headers`) and lists of values (kafka.brokers) are values: their entries are free-form.
 */
function schemaKeys(schema: ZodInternals, path: string[] = []): SchemaKey[] {
  const { node, hasDefault, defaultValue } = unwrap(schema);
  const def = node._zod.def;
  const element = def.type === "array" && def.element !== undefined ? unwrap(def.element).node : undefined;
  const isList = element !== undefined && hasKeys(element._zod.def.type);
  const here: SchemaKey[] =
    path.length === 0
      ? []
      : [
          {
            path,
            type: def.type,
            hasDefault,
            ...(hasDefault ? { defaultValue } : {}),
            isObject: hasKeys(def.type) || isList,
            isList,
            inList: path.includes(EACH),
            ...(def.type === "enum" && def.entries !== undefined ? { values: Object.values(def.entries) } : {}),
          },
        ];
  if (isList) return [...here, ...schemaKeys(element, [...path, EACH]).slice(1)];
  if (def.type === "object") {
    return [...here, ...Object.entries(def.shape ?? {}).flatMap(([k, v]) => schemaKeys(v, [...path, k]))];
  }
  if (def.type === "union") {
    const seen = new Map<string, SchemaKey>();
    for (const option of def.options ?? []) for (const k of schemaKeys(option, path)) if (!seen.has(k.path.join("."))) seen.set(k.path.join("."), k);
    return [...here, ...[...seen.values()].filter((k) => k.path.length > path.length)];
  }
  return here;
}

const ALL_KEYS = schemaKeys(MonitorConfigSchema);
const KEYS = ALL_KEYS.filter((k) => !PENDING_SECTIONS.has(k.path[0] as string));
const KEY_NAMES = new Set(ALL_KEYS.map((k) => k.path[k.path.length - 1] as string));
const envName = (path: readonly string[]): string => `${ENV_PREFIX}${path.map((p) => p.toUpperCase()).join("__")}`;
/** A key path as the loader's errors write it: alerts.channels.webhooks[].url. */
const keyName = (path: readonly string[]): string => path.join(".").replaceAll(`.${EACH}`, EACH);
/** A default as a comment shows it: 5000, "-", {} (a record without entries). */
const shownDefault = (value: unknown): string => (value !== null && typeof value === "object" ? JSON.stringify(value) : String(value));

/**
 * The example with every commented-out option uncommented: a line `<indent># <more indent>key: …`
 * (or `… - key: …`, a list's element) whose key is a schema key becomes `<indent><more indent>key: …`.
 * Prose comments stay.
 */
function uncommentOptions(text: string): string {
  return text
    .split("\n")
    .map((line) => {
      const m = /^(\s*)# (\s*(?:- )?([a-z_][a-z0-9_]*):(?:\s.*)?)$/.exec(line);
      return m && KEY_NAMES.has(m[3] as string) ? `${m[1]}${m[2]}` : line;
    })
    .join("\n");
}

/**
 * Key path (keyName) → line index, from the indentation of the (uncommented) YAML's block mappings
 * and block sequences (`- key: …` starts an element, indented under its list's key); for keys of
 * list elements, the first element that has the key.
 */
function keyLines(lines: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  const stack: Array<{ indent: number; key: string }> = [];
  const popTo = (indent: number): void => {
    while (stack.length > 0 && (stack[stack.length - 1] as { indent: number }).indent >= indent) stack.pop();
  };
  lines.forEach((line, i) => {
    const m = /^(\s*)(- )?([a-z_][a-z0-9_]*):/.exec(line);
    if (!m) return;
    let indent = (m[1] as string).length;
    if (m[2] !== undefined) {
      popTo(indent);
      stack.push({ indent, key: EACH });
      indent += 2;
    }
    popTo(indent);
    stack.push({ indent, key: m[3] as string });
    const name = keyName(stack.map((s) => s.key));
    if (!out.has(name)) out.set(name, i);
  });
  return out;
}

/** The comment lines right above line `i` (up to a blank or YAML line) and the line's own comment. */
function docOf(lines: readonly string[], i: number): string {
  const block: string[] = [];
  for (let j = i - 1; j >= 0 && /^\s*#/.test(lines[j] as string); j--) block.unshift(lines[j] as string);
  const inline = /\s#\s.*$/.exec(lines[i] as string);
  return [...block, inline?.[0] ?? ""].join("\n");
}

/** The value at a key path; under EACH, the first element's that has one. */
function at(value: unknown, path: readonly string[]): unknown {
  let nodes = [value];
  for (const key of path) {
    nodes =
      key === EACH
        ? nodes.flatMap((n) => (Array.isArray(n) ? (n as unknown[]) : []))
        : nodes.map((n) => (n === null || typeof n !== "object" || Array.isArray(n) ? undefined : (n as Record<string, unknown>)[key]));
  }
  return nodes.find((n) => n !== undefined);
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("config/monitor.example.yaml", () => {
  it("loads with the real loader, as `dqstream monitor --config` does, runnable against the plain local broker", async () => {
    const config = await resolveMonitorConfig({ config: FILE }, {});
    expect(config.baseline.statistics).toBe(join(ROOT, "test/golden/baseline/csv-header/statistics.json"));
    expect(config.reports_dir).toBe(join(ROOT, "demo-output/monitor-example"));
    expect(config.kafka.brokers).toEqual(["127.0.0.1:9092"]);
    // the active settings need neither TLS nor SASL, so `npm run kafka:local -- --port 9092` serves them
    expect(config.kafka.tls).toBeUndefined();
    expect(config.kafka.sasl).toBeUndefined();
    // nor AWS (the cloudwatch section is commented out), nor a webhook receiver: alerts go to the log
    expect(config.cloudwatch).toBeUndefined();
    expect(config.alerts?.channels).toEqual({ log: true, webhooks: [] });
    await expect(loadBaseline(config.baseline.statistics, config.baseline.constraints)).resolves.toBeDefined();
  });

  it("holds every key of the schema once its commented-out options are uncommented, and that is a valid config", async () => {
    expect(KEYS.length).toBeGreaterThan(30);
    const text = await readFile(FILE, "utf8");
    const full = uncommentOptions(text);
    const doc = parse(full) as Record<string, unknown>;
    const missing = KEYS.filter((k) => at(doc, k.path) === undefined).map((k) => keyName(k.path));
    expect(missing, "schema keys the example does not document").toEqual([]);
    for (const section of PENDING_SECTIONS) {
      expect(doc[section], `${section} is in the example now: remove it from PENDING_SECTIONS so its keys are checked`).toBeUndefined();
      expect(
        ALL_KEYS.some((k) => k.path.length === 1 && k.path[0] === section),
        `${section} is no longer in the schema: remove it from PENDING_SECTIONS`,
      ).toBe(true);
    }

    // valid as a whole, through the same loader (in a folder of its own: the loader does not open files)
    const dir = await mkdtemp(join(tmpdir(), "dqstream-monitor-example-"));
    try {
      const file = join(dir, "monitor.full.yaml");
      await writeFile(file, full);
      const config = await resolveMonitorConfig({ config: file }, {});
      expect(config.kafka.tls).toBeDefined();
      expect(config.kafka.sasl).toBeDefined();
      expect(config.preprocessor).toBeDefined();
      expect(config.cloudwatch?.enabled).toBe(true);
      expect(config.alerts?.channels.webhooks.map((w) => w.format)).toEqual(["json", "slack"]);
      expect(config.alerts?.channels.kafka).toBeDefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }

    // the paths it shows exist (relative to the file), except the TLS files `kafka:local --security`
    // makes and "-" (standard output, cloudwatch.emf.path)
    for (const path of markedPaths(MonitorConfigSchema, "path")) {
      const value = at(doc, path);
      if (typeof value !== "string" || value === "-" || path[0] === "reports_dir" || path[1] === "tls") continue;
      expect(existsSync(resolve(dirname(FILE), value)), `${path.join(".")}: ${value}`).toBe(true);
    }
  });

  it("names each option's DQSTREAM_ variable and its default in the option's comment", async () => {
    const lines = uncommentOptions(await readFile(FILE, "utf8")).split("\n");
    const where = keyLines(lines);
    const problems: string[] = [];
    for (const key of KEYS.filter((k) => !k.isObject)) {
      const name = keyName(key.path);
      const line = where.get(name);
      if (line === undefined) {
        problems.push(`${name}: no line`);
        continue;
      }
      const doc = docOf(lines, line);
      if (key.inList) {
        // no variable reaches it (see the list's own comment): naming one would mislead
        const named = doc.match(/\bDQSTREAM_[A-Z0-9_]+/g);
        if (named !== null) problems.push(`${name}: inside a list, yet its comment names ${named.join(", ")}`);
      } else {
        const variable = envName(key.path);
        if (!doc.includes(variable)) problems.push(`${name}: its comment does not name ${variable}`);
        // the variable really sets the key
        expect(configFromEnv({ [variable]: "x" }).origin.get(name)).toBe(variable);
      }
      if (key.hasDefault) {
        const shown = new RegExp(`\\bdefault:? "?${escapeRegExp(shownDefault(key.defaultValue))}"?(?![\\w-])`);
        if (!shown.test(doc)) problems.push(`${name}: its comment does not say "default ${shownDefault(key.defaultValue)}"`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("says at each list of objects that no DQSTREAM_ variable sets it or its elements' keys, which holds", async () => {
    const lists = KEYS.filter((k) => k.isList);
    expect(lists.map((k) => keyName(k.path))).toContain("alerts.channels.webhooks");
    const lines = uncommentOptions(await readFile(FILE, "utf8")).split("\n");
    const where = keyLines(lines);
    for (const list of lists) {
      const name = keyName(list.path);
      const line = where.get(name);
      expect(line, `${name}: no line`).toBeDefined();
      expect(docOf(lines, line as number), `${name}: its comment should say "no DQSTREAM_ variable"`).toMatch(/\bno DQSTREAM_ variable\b/);
      // what the environment could try: the list's own variable, or one per element and key
      const elementKey = KEYS.find((k) => k.path.length === list.path.length + 2 && list.path.every((p, i) => k.path[i] === p)) as SchemaKey;
      for (const variable of [envName(list.path), envName([...list.path, "0", elementKey.path[elementKey.path.length - 1] as string])]) {
        const value = at(configFromEnv({ [variable]: "x" }).config, list.path);
        expect(value, `${variable} makes a value or an object, not a list`).toBeDefined();
        expect(Array.isArray(value), `${variable} makes a list: document the variable at ${name}`).toBe(false);
      }
    }
  });

  it("mentions only DQSTREAM_ variables that are config keys (or dqstream's own switches)", async () => {
    const text = await readFile(FILE, "utf8");
    const names = new Set(KEYS.filter((k) => !k.inList).map((k) => k.path.join(".")));
    const mentioned = [...new Set(text.match(/\bDQSTREAM_[A-Z0-9_]+/g) ?? [])];
    expect(mentioned.length).toBeGreaterThan(30);
    for (const variable of mentioned) {
      if (NON_CONFIG_VARIABLES.has(variable)) continue;
      const [key] = [...configFromEnv({ [variable]: "x" }).origin.keys()];
      expect(names.has(key as string), `${variable} is not a config key`).toBe(true);
    }
  });

  it("names every flag of `dqstream monitor` at the option it sets, and each named flag sets that option", async () => {
    const monitor = buildProgram().commands.find((c) => c.name() === "monitor");
    const flags = (monitor?.options ?? []).map((o) => o.long as string).filter((f) => !NON_KEY_FLAGS.has(f));
    expect(flags.length).toBeGreaterThan(10);
    const lines = uncommentOptions(await readFile(FILE, "utf8")).split("\n");
    const where = keyLines(lines);
    const base = await resolveMonitorConfig({ config: FILE }, {});
    const named = new Set<string>();
    for (const key of KEYS.filter((k) => !k.isObject)) {
      const doc = docOf(lines, where.get(keyName(key.path)) as number);
      for (const flag of doc.match(/--[a-z][a-z-]+/g) ?? []) {
        if (!flags.includes(flag)) continue; // e.g. `kafka:local` options in the prose
        named.add(flag);
        const prop = flag.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) as keyof MonitorFlags;
        const current = at(base, key.path);
        const value =
          key.type === "array"
            ? "flaghost:1234"
            : key.type === "number"
              ? String((current as number) + 1)
              : key.values !== undefined
                ? (key.values.find((v) => v !== current) as string)
                : "flag-value";
        const config = await resolveMonitorConfig({ config: FILE, [prop]: prop === "topic" ? [value] : value }, {});
        const expected = key.type === "array" ? [value] : key.type === "number" ? Number(value) : value;
        expect(at(config, key.path), `${flag} should set ${keyName(key.path)}`).toEqual(expected);
      }
    }
    expect([...named].sort()).toEqual([...flags].sort());
  });
});
