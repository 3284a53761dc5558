import type * as z from "zod";
import { alternatives, nodesAt, type ZodNode } from "../components/schemaKeys.js";
import { ConfigError, setOwn } from "./loadConfig.js";
import { MonitorConfigSchema } from "./monitorSchema.js";

export const ENV_PREFIX = "DQSTREAM_";
/** The test setup's switches (DQSTREAM_TEST_KAFKA, DQSTREAM_TEST_MOTO_URL, …): never config keys. */
export const TEST_PREFIX = "DQSTREAM_TEST_";

/**
 * DQSTREAM_… variables that are not config keys: dqstream's own switches for logging, the local
 * Kafka broker, the baseline's worker threads and the heap's growth; and every DQSTREAM_TEST_… variable (the test
 * setup's switches: no config key starts with `test`). Any other DQSTREAM_ variable is
 * a config key, so a typo is an error that names it rather than a setting silently ignored.
 */
export const NON_CONFIG_VARIABLES: ReadonlySet<string> = new Set([
  "DQSTREAM_LOG_LEVEL",
  "DQSTREAM_KAFKA_IMAGE",
  "DQSTREAM_KAFKA_VERSION",
  "DQSTREAM_KAFKA_JAVA_OPTS",
  "DQSTREAM_CACHE_DIR",
  "DQSTREAM_WORKER_YOUNG_MB",
  "DQSTREAM_HEAP_GROWING_PERCENT",
]);

/**
 * Config keys from the environment: `DQSTREAM_<KEY>` with `__` between levels, upper case —
 * `DQSTREAM_WINDOW_SECONDS=600`, `DQSTREAM_KAFKA__BROKERS=a:9092,b:9092`,
 * `DQSTREAM_KAFKA__SASL__PASSWORD=…`. A value is typed by what `schema` accepts at its key
 * (valueKindsAt): a comma-separated list where it wants an array of values, a number where it
 * wants a number and the text is one, true/false where it wants a boolean, else the text as
 * given — so a password of digits stays a string, and a key the schema lacks stays text for the
 * schema's unknown-key error to name the variable. `schema` defaults to the monitor's, whose keys
 * include every other command's. The variables in NON_CONFIG_VARIABLES are not config keys.
 * Returns the nested object and, for error messages, which variable set each key.
 */
export function configFromEnv(
  env: NodeJS.ProcessEnv,
  schema: z.ZodType = MonitorConfigSchema,
): { config: Record<string, unknown>; origin: Map<string, string> } {
  const config: Record<string, unknown> = {};
  const origin = new Map<string, string>();
  // in name order, so which of two clashing variables an error names does not depend on the environment's order
  const names = Object.keys(env).sort();
  for (const name of names) {
    const raw = env[name];
    if (!name.startsWith(ENV_PREFIX) || raw === undefined || NON_CONFIG_VARIABLES.has(name) || name.startsWith(TEST_PREFIX)) continue;
    const path = name
      .slice(ENV_PREFIX.length)
      .split("__")
      .map((p) => p.toLowerCase());
    if (path.some((p) => p === "")) throw new ConfigError(`${name}: expected DQSTREAM_<KEY>, with __ between levels`);
    const value = typedValue(raw, valueKindsAt(schema, path));
    let node = config;
    for (const [i, p] of path.slice(0, -1).entries()) {
      const next = Object.hasOwn(node, p) ? node[p] : undefined;
      if (next !== undefined && !isSection(next))
        throw new ConfigError(
          `${name}: ${path.slice(0, i + 1).join(".")} is set as a value and as a section (by ${origin.get(path.slice(0, i + 1).join("."))})`,
        );
      if (next === undefined) setOwn(node, p, {});
      node = node[p] as Record<string, unknown>;
    }
    const last = path[path.length - 1] as string;
    const key = path.join(".");
    if (Object.hasOwn(node, last)) {
      // two spellings of one key (DQSTREAM_Kafka and DQSTREAM_KAFKA__…, or the same key twice)
      if (!isSection(node[last])) throw new ConfigError(`${name}: ${key} is also set by ${origin.get(key)}`);
      const by = [...origin.entries()].find(([k]) => k.startsWith(`${key}.`))?.[1];
      throw new ConfigError(`${name}: ${key} is set as a value and as a section (by ${by})`);
    }
    setOwn(node, last, value);
    origin.set(key, name);
  }
  return { config, origin };
}

function isSection(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** What a schema accepts at one key: the kinds of plain values, and for an array of plain values, its elements'. */
export interface ValueKinds {
  string: boolean;
  number: boolean;
  boolean: boolean;
  /** Set when the key holds an array of plain values (strings, numbers, booleans). */
  list?: ValueKinds;
}

/** The plain-value kinds a set of schema nodes accepts. */
function kindsOf(nodes: readonly ZodNode[]): ValueKinds {
  const kinds: ValueKinds = { string: false, number: false, boolean: false };
  const literal = (v: unknown): void => {
    if (typeof v === "string") kinds.string = true;
    else if (typeof v === "number") kinds.number = true;
    else if (typeof v === "boolean") kinds.boolean = true;
  };
  for (const n of nodes) {
    const def = n._zod.def;
    if (def.type === "string" || def.type === "template_literal") kinds.string = true;
    else if (def.type === "number" || def.type === "int") kinds.number = true;
    else if (def.type === "boolean") kinds.boolean = true;
    else if (def.type === "literal") (def.values ?? []).forEach(literal);
    else if (def.type === "enum") Object.values(def.entries ?? {}).forEach(literal);
    else if (def.type === "array" && def.element !== undefined) {
      const element = kindsOf(alternatives(def.element));
      // an array of objects is no list of values: it stays text, and the schema says it expects an array
      if (element.string || element.number || element.boolean) kinds.list = element;
    }
  }
  return kinds;
}

/** What `schema` accepts at `path`: nothing for a path it lacks (the value then stays text). */
export function valueKindsAt(schema: z.ZodType, path: readonly string[]): ValueKinds {
  return kindsOf(nodesAt(schema, path));
}

/** Decimal numbers as people write them in variables: `600`, `-1`, `0.5`, `1e3`. */
const NUMBER = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/** An environment text as the value the schema wants at its key (see configFromEnv). */
function typedValue(raw: string, kinds: ValueKinds): unknown {
  if (kinds.list !== undefined) {
    const element = kinds.list;
    return raw
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "")
      .map((s) => typedValue(s, element));
  }
  const text = raw.trim();
  if (kinds.number && NUMBER.test(text)) return Number(text);
  if (kinds.boolean && (text === "true" || text === "false")) return text === "true";
  return raw;
}
