import * as z from "zod";

/**
 * What a configuration key is, declared once on its schema node and read by everything that
 * treats keys specially: redaction (secrets), path resolution against the config file's folder
 * (paths), and the configuration reference in docs/configuration.md.
 */
export interface ConfigKeyMeta {
  /** Its value is a secret (a password, a token-bearing URL, headers): never printed. */
  readonly secret?: boolean;
  /** Its value is a file or folder path: relative paths in a config file resolve against the file's folder. */
  readonly path?: boolean;
  /**
   * Its value is left out of the logged configuration, though it is no secret to scrub from every
   * text (where a private key lives: error messages still name the file). `secret` implies it.
   */
  readonly unlogged?: boolean;
}

/** The registry of ConfigKeyMeta, keyed by schema node (zod 4 registries). */
export const configKeyMeta = z.registry<ConfigKeyMeta>();

/** Marks a schema node as holding a secret. */
export function secret<T extends z.ZodType>(schema: T): T {
  configKeyMeta.add(schema, { ...configKeyMeta.get(schema), secret: true });
  return schema;
}

/** Marks a schema node as holding a path. */
export function path<T extends z.ZodType>(schema: T): T {
  configKeyMeta.add(schema, { ...configKeyMeta.get(schema), path: true });
  return schema;
}

/** Marks a schema node as left out of the logged configuration (see ConfigKeyMeta.unlogged). */
export function unlogged<T extends z.ZodType>(schema: T): T {
  configKeyMeta.add(schema, { ...configKeyMeta.get(schema), unlogged: true });
  return schema;
}

/** The kinds of pluggable components; each kind has one registry. */
export type ComponentKind = "source" | "record_decoder" | "report_sink" | "dead_letter_sink" | "alert_channel";

/**
 * Where a component's configuration sits in the run configuration (dotted, e.g. "cloudwatch",
 * "alerts.channels.webhooks") and the schema validating it: the part of a component the run
 * configuration composes, importable without the component's implementation.
 */
export interface ConfigSection<S extends z.ZodType = z.ZodType, Key extends string = string> {
  readonly configKey: Key;
  readonly schema: S;
}

/**
 * A pluggable component: one folder exporting one definition, composed by its kind's registry (one
 * line per component). `configKey` is where its section sits in the run configuration (dotted,
 * e.g. "cloudwatch", "alerts.channels.webhook", "kafka"); `schema` validates that section (strict:
 * unknown keys are errors naming them) and declares its secrets and paths (`secret`, `path`).
 * `create` builds the component from its validated section and what the run provides (`Context`,
 * per kind); a component whose section is absent is not created.
 */
export interface ComponentDefinition<S extends z.ZodType, Context, Instance, Key extends string = string> {
  readonly kind: ComponentKind;
  readonly name: string;
  readonly configKey: Key;
  readonly schema: S;
  create(config: z.output<S>, context: Context): Instance | Promise<Instance>;
}
