import { readFile } from "node:fs/promises";
import { dirname, extname, isAbsolute, join } from "node:path";
import { parse as parseYaml } from "yaml";
import type * as z from "zod";
import { jsonPath } from "../formats/jsonFile.js";

/** A configuration problem: names where (file, flag or variable), the key and what is expected. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Reads a YAML (.yaml, .yml) or JSON config file into a plain object. */
export async function readConfigFile(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new ConfigError(`${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let value: unknown;
  try {
    value = extname(file) === ".json" ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new ConfigError(`${file}: not valid ${extname(file) === ".json" ? "JSON" : "YAML"}: ${(e as Error).message}`);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new ConfigError(`${file}: expected a mapping of keys to values at the top level`);
  return value as Record<string, unknown>;
}

/** Deep merge where later sources win; arrays and scalars replace. */
export function mergeConfig(...sources: ReadonlyArray<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const src of sources) {
    for (const [k, v] of Object.entries(src)) {
      if (v === undefined) continue;
      const prev = out[k];
      out[k] = isObject(prev) && isObject(v) ? mergeConfig(prev, v) : v;
    }
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * Validates a merged config. `origin(path)` says where a key came from (a file, a flag, a
 * variable) so the error can name it.
 */
export function validateConfig<S extends z.ZodType>(schema: S, value: unknown, origin: (path: readonly PropertyKey[]) => string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const lines = r.error.issues.slice(0, 5).map((i) => {
    if (i.code === "unrecognized_keys") {
      return i.keys.map((k) => `${origin([...i.path, k])}: unknown key ${jsonPath([...i.path, k]).slice(2)}`).join("; ");
    }
    const key = jsonPath(i.path).slice(2) || "(top level)";
    return `${origin(i.path)}: ${key}: ${i.message}`;
  });
  throw new ConfigError(lines.join("\n"));
}

/**
 * Config keys that hold paths: in a config file they are relative to the file's folder. Keys a
 * command's schema lacks are simply absent from its files.
 */
export const PATH_KEYS: ReadonlyArray<readonly string[]> = [
  ["baseline", "statistics"],
  ["baseline", "constraints"],
  ["reports_dir"],
  ["preprocessor", "module"],
  ["postprocessor", "module"],
  ["kafka", "tls", "ca_file"],
  ["kafka", "tls", "cert_file"],
  ["kafka", "tls", "key_file"],
  ["cloudwatch", "emf", "path"],
];

/** Values of path keys that are not paths: "-" is standard output (cloudwatch.emf.path). */
const NOT_A_PATH: ReadonlySet<string> = new Set(["-"]);

/** Reads a config file (readConfigFile) with its relative paths resolved against its folder. */
export async function readConfigFileResolved(file: string): Promise<Record<string, unknown>> {
  const out = await readConfigFile(file);
  const dir = dirname(file);
  for (const path of PATH_KEYS) {
    let node: unknown = out;
    for (const key of path.slice(0, -1)) node = (node as Record<string, unknown> | undefined)?.[key];
    if (node === null || typeof node !== "object") continue;
    const last = path[path.length - 1] as string;
    const value = (node as Record<string, unknown>)[last];
    if (typeof value === "string" && !isAbsolute(value) && !NOT_A_PATH.has(value)) (node as Record<string, unknown>)[last] = join(dir, value);
  }
  return out;
}
