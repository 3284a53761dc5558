import { ConfigError } from "./loadConfig.js";

export const ENV_PREFIX = "DQSTREAM_";
/** The test setup's switches (DQSTREAM_TEST_KAFKA, DQSTREAM_TEST_MOTO_URL, …): never config keys. */
export const TEST_PREFIX = "DQSTREAM_TEST_";

/**
 * DQSTREAM_… variables that are not config keys: dqstream's own switches for logging, the local
 * Kafka broker and the baseline's worker threads; and every DQSTREAM_TEST_… variable (the test
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
]);

/**
 * Config keys from the environment: `DQSTREAM_<KEY>` with `__` between levels, upper case —
 * `DQSTREAM_WINDOW_SECONDS=600`, `DQSTREAM_KAFKA__BROKERS=a:9092,b:9092`,
 * `DQSTREAM_KAFKA__SASL__PASSWORD=…`. Values: a number or true/false where the text is one, a
 * comma-separated list for the keys named in `listKeys`, else the text. The variables in
 * NON_CONFIG_VARIABLES are not config keys. Returns the nested object and, for error messages, which variable
 * set each key.
 */
export function configFromEnv(
  env: NodeJS.ProcessEnv,
  listKeys: ReadonlySet<string> = new Set(["kafka.brokers", "kafka.topics"]),
): { config: Record<string, unknown>; origin: Map<string, string> } {
  const config: Record<string, unknown> = {};
  const origin = new Map<string, string>();
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || raw === undefined || NON_CONFIG_VARIABLES.has(name) || name.startsWith(TEST_PREFIX)) continue;
    const path = name
      .slice(ENV_PREFIX.length)
      .split("__")
      .map((p) => p.toLowerCase());
    if (path.some((p) => p === "")) throw new ConfigError(`${name}: expected DQSTREAM_<KEY>, with __ between levels`);
    const key = path.join(".");
    let value: unknown = raw;
    if (listKeys.has(key)) value = raw.split(",").map((s) => s.trim()).filter((s) => s !== "");
    else if (/^-?\d+(\.\d+)?$/.test(raw.trim())) value = Number(raw);
    else if (raw === "true" || raw === "false") value = raw === "true";
    let node = config;
    for (const p of path.slice(0, -1)) {
      const next = node[p];
      if (next !== undefined && (next === null || typeof next !== "object")) throw new ConfigError(`${name}: ${p} is set as a value elsewhere`);
      node = (node[p] ??= {}) as Record<string, unknown>;
    }
    node[path[path.length - 1] as string] = value;
    origin.set(key, name);
  }
  return { config, origin };
}
