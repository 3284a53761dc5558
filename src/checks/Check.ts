import type { Constraints, FeatureConstraints, MonitoringConfig } from "../formats/constraintsFormat.js";
import type { InferredType } from "../formats/statisticsFormat.js";
import type { WeightedDistribution } from "../sketches/kllSketch.js";

/** SageMaker's `constraint_check_type` values, verbatim. */
export const CHECK_TYPES = [
  "data_type_check",
  "completeness_check",
  "baseline_drift_check",
  "missing_column_check",
  "extra_column_check",
  "categorical_values_check",
] as const;
export type CheckType = (typeof CHECK_TYPES)[number];

/** One entry of constraint_violations.json. */
export interface Violation {
  feature_name: string;
  constraint_check_type: CheckType;
  description: string;
}

/**
 * The outcome of one check on one feature, violation or not: what window.json records as "the
 * distance or value with its threshold and verdict".
 */
export interface CheckEvaluation {
  feature_name: string;
  constraint_check_type: CheckType;
  verdict: "violation" | "pass" | "skipped";
  /** What `value` measures, e.g. "match_fraction", "linf_robust", "chi_squared_p_value". */
  metric: string;
  value: number | null;
  threshold: number | null;
  /** Why the check was skipped, or extra context. */
  note?: string;
  /** The violation's description (SageMaker's wording), when verdict is "violation". */
  description?: string;
}

/** A window's feature as the checks see it (read side of a FeatureProfile). */
export interface CurrentFeature {
  name: string;
  inferred_type: InferredType;
  num_present: number;
  num_missing: number;
  /** Present values by Deequ kind. */
  integral: number;
  fractional: number;
  boolean: number;
  string: number;
  /** Distribution of the values that parse as finite numbers; undefined when there are none. */
  distribution: WeightedDistribution | undefined;
  /**
   * Counts of present values by text: exact while `exact`, else Misra–Gries heavy hitters, whose
   * counts are low by at most total/(category_cap + 1). `unlisted` counts values no bucket can
   * stand for (numeric values of a feature with more than category_cap distinct ones are only
   * counted): a distance over these buckets would not account for them.
   */
  categories: { buckets: ReadonlyArray<readonly [string, number]>; total: number; exact: boolean; unlisted: number };
}

export interface CurrentDataset {
  item_count: number;
  features: readonly CurrentFeature[];
  /**
   * Features the window had but did not profile (over max_features): their values and an estimate
   * of how many distinct names. Absent when every feature was profiled.
   */
  not_profiled?: { values: number; distinct_names: number; max_features: number };
}

/** The window's number of columns, in SageMaker's descriptions: profiled features plus those over max_features. */
export function columnCount(current: CurrentDataset): number {
  return current.features.length + (current.not_profiled?.distinct_names ?? 0);
}

/** feature_name of the one extra_column_check evaluation for the features over max_features (which have no single name). */
export const NOT_PROFILED_FEATURES = "(features over max_features)";

/** A baseline feature: its statistics and constraints, and the effective monitoring config. */
export interface BaselineFeature {
  name: string;
  inferred_type: InferredType;
  constraints: FeatureConstraints | undefined;
  /** monitoring_config with the feature's overrides applied. */
  config: MonitoringConfig;
  /** Rebuilt from the baseline's kll.sketch; undefined when it has none. */
  distribution: WeightedDistribution | undefined;
  /** The baseline's categorical buckets (String features); undefined when it has none. */
  categories: ReadonlyArray<readonly [string, number]> | undefined;
  /** The baseline's non-missing values (statistics `common.num_present`); undefined without statistics. */
  num_present: number | undefined;
}

export interface Baseline {
  features: readonly BaselineFeature[];
  constraints: Constraints;
}

/** A check: a pure function from the window and the baseline to evaluations. */
export type Check = (current: CurrentDataset, baseline: Baseline) => CheckEvaluation[];

export function evaluatesConstraints(config: MonitoringConfig): boolean {
  return config.evaluate_constraints === "Enabled";
}
