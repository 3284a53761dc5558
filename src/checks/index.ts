import { baselineDriftCheck } from "./baselineDriftCheck.js";
import { categoricalValuesCheck } from "./categoricalValuesCheck.js";
import {
  CHECK_TYPES,
  NOT_PROFILED_FEATURES,
  type Baseline,
  type Check,
  type CheckEvaluation,
  type CheckType,
  type CurrentDataset,
  type Violation,
} from "./Check.js";
import { completenessCheck } from "./completenessCheck.js";
import { dataTypeCheck } from "./dataTypeCheck.js";
import { extraColumnCheck } from "./extraColumnCheck.js";
import { missingColumnCheck } from "./missingColumnCheck.js";

/** Every check, one line each, keyed by SageMaker's constraint_check_type. */
export const CHECKS: Readonly<Record<CheckType, Check>> = {
  data_type_check: dataTypeCheck,
  completeness_check: completenessCheck,
  baseline_drift_check: baselineDriftCheck,
  missing_column_check: missingColumnCheck,
  extra_column_check: extraColumnCheck,
  categorical_values_check: categoricalValuesCheck,
};

export interface CheckOutcome {
  evaluations: CheckEvaluation[];
  violations: Violation[];
}

/**
 * Runs every check. Evaluations are ordered by feature (baseline order, then the window's extra
 * features in window order), then by check type in CHECK_TYPES order, so reports are stable.
 */
export function runChecks(current: CurrentDataset, baseline: Baseline): CheckOutcome {
  const order = new Map<string, number>();
  for (const f of baseline.features) if (!order.has(f.name)) order.set(f.name, order.size);
  for (const f of current.features) if (!order.has(f.name)) order.set(f.name, order.size);
  if (!order.has(NOT_PROFILED_FEATURES)) order.set(NOT_PROFILED_FEATURES, order.size);
  const evaluations = skipDriftOfMistypedFeatures(CHECK_TYPES.flatMap((type) => CHECKS[type](current, baseline)));
  evaluations.sort(
    (a, b) =>
      (order.get(a.feature_name) as number) - (order.get(b.feature_name) as number) ||
      CHECK_TYPES.indexOf(a.constraint_check_type) - CHECK_TYPES.indexOf(b.constraint_check_type),
  );
  const ordered = evaluations.map(canonical);
  const violations = ordered
    .filter((e) => e.verdict === "violation")
    .map((e) => ({ feature_name: e.feature_name, constraint_check_type: e.constraint_check_type, description: e.description as string }));
  return { evaluations: ordered, violations };
}

/**
 * A feature that fails data_type_check in a window has no drift verdict: its baseline_drift_check
 * becomes `skipped`, with the reason. SageMaker's rule, from its real execution in the Model
 * Monitor introduction example (2022-04-18, 00:00–01:00): the captured output column `Churn`
 * held probabilities against a 0/1 baseline, failed data_type_check ("Only 0.0% of data is
 * Integral") and had no baseline_drift_check violation although its L∞ distance was about 0.8;
 * the execution reported exactly 60 violations, all data_type_check (docs/formats.md).
 */
export function skipDriftOfMistypedFeatures(evaluations: CheckEvaluation[]): CheckEvaluation[] {
  const mistyped = new Set(evaluations.filter((e) => e.constraint_check_type === "data_type_check" && e.verdict === "violation").map((e) => e.feature_name));
  if (mistyped.size === 0) return evaluations;
  return evaluations.map((e): CheckEvaluation => {
    if (e.constraint_check_type !== "baseline_drift_check" || !mistyped.has(e.feature_name) || e.verdict === "skipped") return e;
    const { description: _, ...rest } = e;
    return { ...rest, verdict: "skipped", value: null, note: "data_type_check failed: drift is not evaluated for values not of the baseline type" };
  });
}

/** One key order for every evaluation, so window.json reads the same whichever check made it. */
function canonical(e: CheckEvaluation): CheckEvaluation {
  const out: CheckEvaluation = {
    feature_name: e.feature_name,
    constraint_check_type: e.constraint_check_type,
    verdict: e.verdict,
    metric: e.metric,
    value: e.value,
    threshold: e.threshold,
  };
  if (e.note !== undefined) out.note = e.note;
  if (e.description !== undefined) out.description = e.description;
  return out;
}

export { CHECK_TYPES };
export type { Baseline, CheckEvaluation, CheckType, CurrentDataset, Violation };
