import { readFile } from "node:fs/promises";
import { dirname, extname, isAbsolute, join } from "node:path";
import { Parser as YamlParser, parse as parseYaml } from "yaml";
import type * as z from "zod";
import { keysAt, markedPaths } from "../components/schemaKeys.js";
import { jsonPath } from "../formats/jsonFile.js";
import { DqstreamError } from "../errors/DqstreamError.js";
import { renamedKeyMessage } from "./renamedKeys.js";

/** A configuration problem: names where (file, flag or variable), the key and what is expected. */
export class ConfigError extends DqstreamError {
  constructor(message: string) {
    super("config", message);
    this.name = "ConfigError";
  }
}

/**
 * Nesting a config file may have. dqstream's deepest key is six levels down
 * (alerts.channels.webhooks[i].headers.<name>); the limit keeps the YAML reader, which composes
 * nodes recursively, far from the stack's end: 2,000 nested flow sequences (`[[[…]]]`, 4 kB)
 * abort the whole process in yaml 2.x instead of throwing.
 */
export const MAX_CONFIG_DEPTH = 64;

/** Reads a YAML (.yaml, .yml) or JSON config file into a plain object. */
export async function readConfigFile(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new ConfigError(`${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const json = extname(file) === ".json";
  if (!json && yamlDepth(text) > MAX_CONFIG_DEPTH) throw new ConfigError(`${file}: nested deeper than ${MAX_CONFIG_DEPTH} levels`);
  let value: unknown;
  try {
    value = json ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new ConfigError(`${file}: not valid ${json ? "JSON" : "YAML"}: ${(e as Error).message}`);
  }
  if (json && valueDepth(value) > MAX_CONFIG_DEPTH) throw new ConfigError(`${file}: nested deeper than ${MAX_CONFIG_DEPTH} levels`);
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new ConfigError(`${file}: expected a mapping of keys to values at the top level`);
  const proto = protoKeyPath(value);
  if (proto !== undefined) throw new ConfigError(`${file}: unknown key ${jsonPath(proto).slice(2)}`);
  return value as Record<string, unknown>;
}

interface CstNode {
  type: string;
  value?: CstNode;
  items?: Array<{ key?: CstNode | null; value?: CstNode | null }>;
}

/** The deepest nesting of collections in a YAML text, from yaml's concrete syntax tree (built without recursion). */
function yamlDepth(text: string): number {
  let max = 0;
  const stack: Array<[CstNode, number]> = [];
  for (const token of new YamlParser().parse(text)) stack.push([token, 0]);
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [node, depth] = next;
    max = Math.max(max, depth);
    if (node.value !== undefined && node.value !== null) stack.push([node.value, depth]);
    for (const item of node.items ?? []) {
      if (item.key !== undefined && item.key !== null) stack.push([item.key, depth + 1]);
      if (item.value !== undefined && item.value !== null) stack.push([item.value, depth + 1]);
    }
  }
  return max;
}

/** The deepest nesting of arrays and objects in a parsed value, without recursion. */
function valueDepth(value: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [v, depth] = next;
    if (v === null || typeof v !== "object") continue;
    max = Math.max(max, depth + 1);
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return max;
}

/**
 * Deep merge where later sources win; arrays and scalars replace. Keys are copied as own data
 * properties: `__proto__`, `constructor` or `prototype` in a source stays a key of the result
 * (which the schema then refuses by name), never a prototype.
 */
export function mergeConfig(...sources: ReadonlyArray<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const src of sources) {
    for (const [k, v] of Object.entries(src)) {
      if (v === undefined) continue;
      const prev = Object.hasOwn(out, k) ? out[k] : undefined;
      setOwn(out, k, isObject(prev) && isObject(v) ? mergeConfig(prev, v) : v);
    }
  }
  return out;
}

/** `o[key] = value` as an own data property, whatever the key (`o["__proto__"] = v` would set the prototype). */
export function setOwn(o: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * The path of the first `__proto__` key at any depth of a config value (objects, lists, free-form
 * maps), without recursion; cycles (YAML aliases can make them) are visited once. No dqstream key
 * is named so, and a free-form map (webhook headers) would lose it silently: zod builds its output
 * with assignments, and `out["__proto__"] = v` sets a prototype instead of a key.
 */
function protoKeyPath(value: unknown): Array<string | number> | undefined {
  const seen = new Set<object>();
  // each entry: a value, and the entry of its parent with its key there (a path without copying)
  interface At {
    value: unknown;
    key: string | number | undefined;
    parent: At | undefined;
  }
  const pathOf = (at: At | undefined, last: string): Array<string | number> => {
    const out: Array<string | number> = [last];
    for (let a = at; a?.key !== undefined; a = a.parent) out.unshift(a.key);
    return out;
  };
  const stack: At[] = [{ value, key: undefined, parent: undefined }];
  for (let at = stack.pop(); at !== undefined; at = stack.pop()) {
    const v = at.value;
    if (v === null || typeof v !== "object" || seen.has(v)) continue;
    seen.add(v);
    if (!Array.isArray(v) && Object.hasOwn(v, "__proto__")) return pathOf(at, "__proto__");
    for (const [k, child] of Object.entries(v)) stack.push({ value: child, key: Array.isArray(v) ? Number(k) : k, parent: at });
  }
  return undefined;
}

/**
 * Validates a merged config. `origin(path)` says where a key came from (a file, a flag, a
 * variable) so the error can name it.
 */
export function validateConfig<S extends z.ZodType>(schema: S, value: unknown, origin: (path: readonly PropertyKey[]) => string): z.output<S> {
  const proto = protoKeyPath(value);
  if (proto !== undefined) throw new ConfigError(`${origin(proto)}: unknown key ${jsonPath(proto).slice(2)}`);
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const lines = r.error.issues.slice(0, 5).map((i) => {
    if (i.code === "unrecognized_keys") {
      return i.keys
        .map((k) => {
          const key = jsonPath([...i.path, k]).slice(2);
          return `${origin([...i.path, k])}: ${renamedKeyMessage(key) ?? `unknown key ${key}`}`;
        })
        .join("; ");
    }
    const key = jsonPath(i.path).slice(2) || "(top level)";
    return `${origin(i.path)}: ${key}: ${i.message}`;
  });
  throw new ConfigError(lines.join("\n"));
}

/** Values of path keys that are not paths: "-" is standard output (cloudwatch.emf.path). */
const NOT_A_PATH: ReadonlySet<string> = new Set(["-"]);
/** Values of path keys that are URIs, not relative paths: `s3://bucket/prefix` (src/storage/location.ts). */
const URI = /^[a-z][a-z0-9+.-]*:\/\//;

/**
 * Reads a config file (readConfigFile) with its relative paths resolved against its folder: the
 * values of the keys `schema` marks as paths (`path`, FilePath). Keys the schema lacks are left for
 * its unknown-key error.
 */
export async function readConfigFileResolved(file: string, schema: z.ZodType): Promise<Record<string, unknown>> {
  const out = await readConfigFile(file);
  const dir = dirname(file);
  for (const path of markedPaths(schema, "path")) {
    for (const at of keysAt(out, path)) {
      if (typeof at.value === "string" && !isAbsolute(at.value) && !NOT_A_PATH.has(at.value) && !URI.test(at.value))
        (at.container as Record<string, unknown>)[at.key] = join(dir, at.value);
    }
  }
  return out;
}
