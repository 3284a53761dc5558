import type * as z from "zod";
import { configFromEnv } from "../config/envConfig.js";
import { MonitorConfigSchema } from "../config/monitorSchema.js";
import { RunConfigSchema, type RunConfig } from "../config/schema.js";
import { ConfigError, mergeConfig, readConfigFileResolved, validateConfig } from "../config/loadConfig.js";
import { secrets } from "../telemetry/redaction.js";
import { UsageError } from "./exitCodes.js";

export type FlagKind = "int" | "string" | "list";

/** A flag that sets a config key: the flags object's property, the key path, the flag's name, its kind. */
export type FlagKey<F> = readonly [keyof F & string, readonly string[], string, FlagKind];

export interface CommandConfigSource<F> {
  /** `--config`: a YAML or JSON file, its relative paths resolved against its folder. */
  readonly file: string | undefined;
  readonly flags: F;
  readonly flagKeys: ReadonlyArray<FlagKey<F>>;
  /** The first `required` flag keys must be set somewhere (else a usage error naming the flag). */
  readonly required: number;
  /** DQSTREAM_… variables, between the file and the flags; absent for commands that do not read them. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * A command's configuration: the file < DQSTREAM_… variables (when given) < flags, validated by
 * `schema` (or the schema chosen from the merged value). Every error names the most specific source that set the key (flag, variable, else the
 * file) and exits 2 (ConfigError / UsageError).
 */
export async function resolveCommandConfig<S extends z.ZodType, F>(
  schema: S | ((merged: Record<string, unknown>) => S),
  source: CommandConfigSource<F>,
): Promise<z.output<S>> {
  // paths and secrets are those of the monitor's schema, whose keys include every other command's
  const fromFile = source.file === undefined ? {} : await readConfigFileResolved(source.file, MonitorConfigSchema);
  const fromFlags: Record<string, unknown> = {};
  const flagOf = new Map<string, string>();
  for (const [prop, path, flag, kind] of source.flagKeys) {
    const raw = (source.flags as Record<string, unknown>)[prop];
    if (raw === undefined) continue;
    let value: unknown = raw;
    if (kind === "int") {
      if (typeof raw !== "string" || !/^-?\d+$/.test(raw))
        throw new ConfigError(`${flag}: expected an integer, got ${typeof raw === "string" ? `"${raw}"` : JSON.stringify(raw)}`);
      value = Number(raw);
    } else if (kind === "list") {
      value = (Array.isArray(raw) ? (raw as string[]) : [typeof raw === "string" ? raw : JSON.stringify(raw)])
        .flatMap((s) => s.split(","))
        .map((s) => s.trim())
        .filter((s) => s !== "");
    }
    let node = fromFlags;
    for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
    node[path[path.length - 1] as string] = value;
    flagOf.set(path.join("."), flag);
  }
  // variables are typed by the schema that validates them; a schema chosen from the merged value
  // is chosen by which keys are set, which the default typing already shows
  const env = source.env;
  const chosen = typeof schema === "function" ? schema(mergeConfig(fromFile, env === undefined ? {} : configFromEnv(env).config, fromFlags)) : schema;
  const fromEnv = env === undefined ? { config: {}, origin: new Map<string, string>() } : configFromEnv(env, chosen);
  const merged = mergeConfig(fromFile, fromEnv.config, fromFlags);
  // before validation, whose messages could otherwise quote them
  secrets.addConfig(merged, MonitorConfigSchema);
  for (const [, path, flag] of source.flagKeys.slice(0, source.required)) {
    let node: unknown = merged;
    for (const key of path) node = (node as Record<string, unknown> | undefined)?.[key];
    if (node === undefined) {
      const variable = `DQSTREAM_${path.map((p) => p.toUpperCase()).join("__")}`;
      throw new UsageError(`missing ${flag} (or ${path.join(".")} in --config${source.env === undefined ? "" : `, or ${variable}`})`);
    }
  }
  return validateConfig(chosen, merged, (path) => {
    for (let n = path.length; n > 0; n--) {
      const key = path.slice(0, n).map(String).join(".");
      const where = flagOf.get(key) ?? fromEnv.origin.get(key);
      if (where !== undefined) return where;
    }
    // a section only variables or flags created (DQSTREAM_NO_SUCH__KEY makes no_such): the first of them
    if (path.length > 0 && !hasPath(fromFile, path)) {
      const prefix = `${path.map(String).join(".")}.`;
      const inside = [...flagOf.entries(), ...fromEnv.origin.entries()].filter(([k]) => k.startsWith(prefix)).map(([, where]) => where);
      if (inside.length > 0) return inside.sort()[0] as string;
    }
    return source.file ?? "configuration";
  });
}

/** Whether a value has an own key at `path`. */
function hasPath(value: unknown, path: readonly PropertyKey[]): boolean {
  let node = value;
  for (const key of path) {
    if (node === null || typeof node !== "object" || !Object.hasOwn(node, key)) return false;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return true;
}

/**
 * Flags that are not config keys, validated by `schema` whose keys are the flags' names without
 * "--": the first problem becomes a UsageError naming the flag and the value given (exit 2).
 */
export function parseFlags<S extends z.ZodType>(schema: S, input: Readonly<Record<string, unknown>>): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const key = String(issue?.path[0] ?? "");
  throw new UsageError(`--${key}: ${issue?.message ?? "invalid"}, got "${String(input[key])}"`);
}

/** `--config` of report and dashboard: any part of a replay or monitor config (a file with just reports_dir and s3 will do). */
export async function readStoreSettings(file: string): Promise<Partial<RunConfig>> {
  return (await resolveCommandConfig((merged): z.ZodType => ("kafka" in merged ? MonitorConfigSchema : RunConfigSchema).partial(), {
    file,
    flags: {},
    flagKeys: [],
    required: 0,
    env: process.env,
  })) as Partial<RunConfig>;
}
