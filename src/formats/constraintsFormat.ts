import * as z from "zod";
import { INFERRED_TYPES } from "./statisticsFormat.js";
import { FormatError, parseWith, readJsonFile } from "./jsonFile.js";

/**
 * SageMaker Model Monitor's `constraints.json` (docs: model-monitor-byoc-constraints;
 * ../shared/reference/sagemaker-model-monitor.md §3), read in its current form and in the legacy
 * spellings the reference lists, and normalised to one shape:
 * - `distribution_constraints.comparion_method` (old docs' misspelling) → `comparison_method`;
 * - `comparison_method` values `linf_simple` / `linf_robust` (docs table) → `Simple` / `Robust`;
 * - 2019 `distribution_constraints {enable_comparisons, min_domain_mass}` → `perform_comparison`
 *   (Enabled/Disabled) and `domain_content_threshold` when that is absent;
 * - per-feature overrides in every spelling SageMaker's SDKs and docs use (FEATURE_OVERRIDE_SPELLINGS)
 *   → `monitoringConfigOverrides`.
 * Missing `monitoring_config` keys take the analyzer container's defaults (dqstream-decisions.md).
 */
const EnabledSchema = z.union([z.enum(["Enabled", "Disabled"]), z.boolean().transform((b) => (b ? "Enabled" : "Disabled"))]);
/**
 * Every number of constraints.json is a fraction, valid from 0 to 1 (docs/formats.md):
 * `completeness` and `datatype_check_threshold` / `domain_content_threshold` (`min_domain_mass`)
 * are minimum shares of values (sagemaker-model-monitor.md §3: "Expected match: 100.0%" for 1.0);
 * `comparison_threshold` bounds an L∞ distance between two distributions (CDFs or frequencies),
 * itself in [0, 1]; `categorical_comparison_threshold` is that too, or a p-value (ChiSquared).
 * Outside [0, 1] a check would always or never fire whatever the data: the file is refused.
 */
const threshold = z.number().superRefine((v, ctx) => {
  if (!(v >= 0 && v <= 1)) ctx.addIssue({ code: "custom", message: `expected a number from 0 to 1, got ${v}` });
});
const ComparisonMethodSchema = z
  .enum(["Simple", "Robust", "linf_simple", "linf_robust"])
  .transform((m) => (m === "linf_simple" ? "Simple" : m === "linf_robust" ? "Robust" : m));
const CategoricalDriftMethodSchema = z.enum(["LInfinity", "ChiSquared"]);

const DistributionConstraintsInput = z.looseObject({
  perform_comparison: EnabledSchema.optional(),
  enable_comparisons: z.boolean().optional(),
  comparison_threshold: threshold.optional(),
  comparison_method: ComparisonMethodSchema.optional(),
  comparion_method: ComparisonMethodSchema.optional(),
  categorical_comparison_threshold: threshold.optional(),
  categorical_drift_method: CategoricalDriftMethodSchema.optional(),
  min_domain_mass: threshold.optional(),
});

const MonitoringConfigInput = z.looseObject({
  evaluate_constraints: EnabledSchema.optional(),
  emit_metrics: EnabledSchema.optional(),
  datatype_check_threshold: threshold.optional(),
  domain_content_threshold: threshold.optional(),
  distribution_constraints: DistributionConstraintsInput.optional(),
});

const FeatureConstraintsInput = z.looseObject({
  name: z.string().min(1, "expected a non-empty feature name"),
  inferred_type: z.enum(INFERRED_TYPES).optional(),
  completeness: threshold.optional(),
  num_constraints: z.looseObject({ is_non_negative: z.boolean().optional(), monitoring_config_overrides: MonitoringConfigInput.optional() }).optional(),
  monitoring_config_overrides: MonitoringConfigInput.optional(),
  string_constraints: z
    .looseObject({
      domains: z.array(z.union([z.string(), z.number(), z.boolean()]).transform(String)).optional(),
      monitoring_config_overrides: MonitoringConfigInput.optional(),
    })
    .optional(),
  monitoringConfigOverrides: MonitoringConfigInput.optional(),
});

const ConstraintsInput = z.looseObject({
  version: z.number().optional(),
  features: z.array(FeatureConstraintsInput),
  monitoring_config: MonitoringConfigInput.optional(),
});

export type Enabled = "Enabled" | "Disabled";

export interface DistributionConstraints {
  perform_comparison: Enabled;
  comparison_threshold: number;
  comparison_method: "Simple" | "Robust";
  categorical_comparison_threshold: number;
  categorical_drift_method: "LInfinity" | "ChiSquared";
}

export interface MonitoringConfig {
  evaluate_constraints: Enabled;
  emit_metrics: Enabled;
  datatype_check_threshold: number;
  domain_content_threshold: number;
  distribution_constraints: DistributionConstraints;
}

/** A per-feature override: any subset of monitoring_config, distribution_constraints by key. */
export interface MonitoringConfigOverrides {
  evaluate_constraints?: Enabled;
  emit_metrics?: Enabled;
  datatype_check_threshold?: number;
  domain_content_threshold?: number;
  distribution_constraints?: Partial<DistributionConstraints>;
}

export interface FeatureConstraints {
  name: string;
  inferred_type?: (typeof INFERRED_TYPES)[number];
  completeness?: number;
  num_constraints?: { is_non_negative?: boolean };
  string_constraints?: { domains?: string[] };
  monitoringConfigOverrides?: MonitoringConfigOverrides;
}

export interface Constraints {
  version: number;
  features: FeatureConstraints[];
  monitoring_config: MonitoringConfig;
}

/** The analyzer container's defaults (dqstream-decisions.md, Suggested constraints). */
export const DEFAULT_MONITORING_CONFIG: MonitoringConfig = Object.freeze({
  evaluate_constraints: "Enabled",
  emit_metrics: "Enabled",
  datatype_check_threshold: 1.0,
  domain_content_threshold: 1.0,
  distribution_constraints: Object.freeze({
    perform_comparison: "Enabled",
    comparison_threshold: 0.1,
    comparison_method: "Robust",
    categorical_comparison_threshold: 0.1,
    categorical_drift_method: "LInfinity",
  }),
});

type MonitoringConfigIn = z.output<typeof MonitoringConfigInput>;

function normaliseOverrides(m: MonitoringConfigIn | undefined): MonitoringConfigOverrides {
  const out: MonitoringConfigOverrides = {};
  if (m === undefined) return out;
  if (m.evaluate_constraints !== undefined) out.evaluate_constraints = m.evaluate_constraints;
  if (m.emit_metrics !== undefined) out.emit_metrics = m.emit_metrics;
  if (m.datatype_check_threshold !== undefined) out.datatype_check_threshold = m.datatype_check_threshold;
  const d = m.distribution_constraints;
  const domain = m.domain_content_threshold ?? d?.min_domain_mass;
  if (domain !== undefined) out.domain_content_threshold = domain;
  if (d !== undefined) {
    const dc: Partial<DistributionConstraints> = {};
    const perform = d.perform_comparison ?? (d.enable_comparisons === undefined ? undefined : d.enable_comparisons ? "Enabled" : "Disabled");
    if (perform !== undefined) dc.perform_comparison = perform;
    if (d.comparison_threshold !== undefined) dc.comparison_threshold = d.comparison_threshold;
    const method = d.comparison_method ?? d.comparion_method;
    if (method !== undefined) dc.comparison_method = method;
    if (d.categorical_comparison_threshold !== undefined) dc.categorical_comparison_threshold = d.categorical_comparison_threshold;
    if (d.categorical_drift_method !== undefined) dc.categorical_drift_method = d.categorical_drift_method;
    out.distribution_constraints = dc;
  }
  return out;
}

/** Applies overrides on top of a complete config (per-feature overrides win over the global config). */
export function applyOverrides(base: MonitoringConfig, o: MonitoringConfigOverrides | undefined): MonitoringConfig {
  if (o === undefined) return base;
  return {
    evaluate_constraints: o.evaluate_constraints ?? base.evaluate_constraints,
    emit_metrics: o.emit_metrics ?? base.emit_metrics,
    datatype_check_threshold: o.datatype_check_threshold ?? base.datatype_check_threshold,
    domain_content_threshold: o.domain_content_threshold ?? base.domain_content_threshold,
    distribution_constraints: { ...base.distribution_constraints, ...o.distribution_constraints },
  };
}

type FeatureConstraintsIn = z.output<typeof FeatureConstraintsInput>;

/**
 * Where a feature's monitoring_config overrides are found, lowest precedence first; where a file
 * has several, they merge key by key and later spellings win (docs/formats.md):
 * - `string_constraints.monitoring_config_overrides`: what `Constraints.set_monitoring(…,
 *   feature_name=…)` writes in sagemaker 1.x and 2.x up to 2.257.6 (monitoring_files.py) and
 *   sagemaker-core's copy of it, and the SDK's own test fixture tests/data/monitor/constraints.json;
 * - `num_constraints.monitoring_config_overrides`: the same place for a numeric feature (the SDK
 *   raises KeyError there, but hand-edited files use it);
 * - `monitoring_config_overrides`: feature level, snake case, what set_monitoring writes since
 *   sagemaker 2.257.7 (the fix of sagemaker-python-sdk#2745), for any feature;
 * - `monitoringConfigOverrides`: feature level, the spelling of SageMaker's constraints
 *   documentation (model-monitor-byoc-constraints), and what dqstream writes.
 */
export const FEATURE_OVERRIDE_SPELLINGS: ReadonlyArray<{ path: string; read: (f: FeatureConstraintsIn) => MonitoringConfigIn | undefined }> = [
  { path: "string_constraints.monitoring_config_overrides", read: (f) => f.string_constraints?.monitoring_config_overrides },
  { path: "num_constraints.monitoring_config_overrides", read: (f) => f.num_constraints?.monitoring_config_overrides },
  { path: "monitoring_config_overrides", read: (f) => f.monitoring_config_overrides },
  { path: "monitoringConfigOverrides", read: (f) => f.monitoringConfigOverrides },
];

export function parseConstraints(file: string, value: unknown): Constraints {
  const input = parseWith(file, ConstraintsInput, value);
  const seen = new Set<string>();
  const features = input.features.map((f, i): FeatureConstraints => {
    if (seen.has(f.name)) throw new FormatError(file, `$.features[${i}].name: duplicate feature name "${f.name}"`);
    seen.add(f.name);
    const out: FeatureConstraints = { name: f.name };
    if (f.inferred_type !== undefined) out.inferred_type = f.inferred_type;
    if (f.completeness !== undefined) out.completeness = f.completeness;
    if (f.num_constraints?.is_non_negative !== undefined) out.num_constraints = { is_non_negative: f.num_constraints.is_non_negative };
    if (f.string_constraints?.domains !== undefined) out.string_constraints = { domains: f.string_constraints.domains };
    const found = FEATURE_OVERRIDE_SPELLINGS.map((spelling) => spelling.read(f)).filter((o) => o !== undefined);
    if (found.length > 0) {
      out.monitoringConfigOverrides = found.map(normaliseOverrides).reduce((a, b) => ({
        ...a,
        ...b,
        ...(a.distribution_constraints || b.distribution_constraints
          ? { distribution_constraints: { ...a.distribution_constraints, ...b.distribution_constraints } }
          : {}),
      }));
    }
    return out;
  });
  return {
    version: input.version ?? 0,
    features,
    monitoring_config: applyOverrides(DEFAULT_MONITORING_CONFIG, normaliseOverrides(input.monitoring_config)),
  };
}

export async function readConstraintsFile(file: string): Promise<Constraints> {
  const value = await readJsonFile(file, z.unknown());
  return parseConstraints(file, value);
}

/** The constraints.json document (current SageMaker spellings, our key order). */
export function toConstraintsJson(c: Constraints): Record<string, unknown> {
  return {
    version: c.version,
    features: c.features.map((f) => {
      const o: Record<string, unknown> = { name: f.name };
      if (f.inferred_type !== undefined) o["inferred_type"] = f.inferred_type;
      if (f.completeness !== undefined) o["completeness"] = f.completeness;
      if (f.num_constraints !== undefined) o["num_constraints"] = f.num_constraints;
      if (f.string_constraints !== undefined) o["string_constraints"] = f.string_constraints;
      if (f.monitoringConfigOverrides !== undefined) o["monitoringConfigOverrides"] = f.monitoringConfigOverrides;
      return o;
    }),
    monitoring_config: c.monitoring_config,
  };
}
