/**
 * Builders for the check tests: a Baseline from constraints.json and statistics.json documents
 * (through the real readers: parseConstraints, parseStatistics, buildBaseline), and a window's
 * CurrentDataset from object rows (DatasetProfile → currentView).
 */
import { buildBaseline } from "../../src/baseline/loadBaseline.js";
import type { Baseline, CheckEvaluation, CurrentDataset } from "../../src/checks/Check.js";
import { parseConstraints } from "../../src/formats/constraintsFormat.js";
import { parseStatistics } from "../../src/formats/statisticsFormat.js";
import { DatasetProfile } from "../../src/profiles/DatasetProfile.js";
import { currentView } from "../../src/profiles/currentView.js";
import { toStatistics } from "../../src/profiles/toStatistics.js";
import type { RawValue } from "../../src/records/valueType.js";
import type { SketchOptions } from "../../src/profiles/FeatureProfile.js";

export type Row = Readonly<Record<string, RawValue>>;

/** A profile of object rows (JSON-style: a key absent from a row is missing in it). */
export function profileOf(rows: readonly Row[], options?: SketchOptions): DatasetProfile {
  const p = new DatasetProfile(options);
  for (const row of rows) p.addObjectRow(row);
  return p;
}

/** The window as the checks see it. */
export function currentOf(rows: readonly Row[], options?: SketchOptions): CurrentDataset {
  return currentView(profileOf(rows, options));
}

/** statistics.json of object rows, as our baseline job writes it (JSON round trip included). */
export function statisticsOf(rows: readonly Row[]): Record<string, unknown> {
  return JSON.parse(JSON.stringify(toStatistics(profileOf(rows)))) as Record<string, unknown>;
}

/** A Baseline from a constraints.json object and a statistics.json object. */
export function baselineOf(constraints: unknown, statistics: unknown): Baseline {
  return buildBaseline(parseStatistics("statistics.json", statistics), parseConstraints("constraints.json", constraints)).baseline;
}

/** A Baseline whose statistics are profiled from `baselineRows`. */
export function baselineFromRows(constraints: unknown, baselineRows: readonly Row[]): Baseline {
  return baselineOf(constraints, statisticsOf(baselineRows));
}

/** Rows with one feature `name` taking each of `values` in turn. */
export function column(name: string, values: readonly RawValue[]): Row[] {
  return values.map((v) => ({ [name]: v }));
}

/** The single evaluation for `feature`, failing loudly when there is not exactly one. */
export function only(evaluations: readonly CheckEvaluation[], feature: string): CheckEvaluation {
  const hits = evaluations.filter((e) => e.feature_name === feature);
  if (hits.length !== 1) throw new Error(`expected one evaluation for ${feature}, got ${hits.length}: ${JSON.stringify(evaluations)}`);
  return hits[0] as CheckEvaluation;
}

/** Repeats `value` `times` times. */
export function times<T>(value: T, n: number): T[] {
  return Array.from({ length: n }, () => value);
}

/** The integers from..to inclusive. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
