import type { FeatureRow } from "../records/featureRow.js";
import { flattenObject } from "../records/flatten.js";
import type { PreprocessOutcome } from "./Preprocessor.js";

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * A preprocess hook's result as rows: null or undefined drop the record ([]), an object is one
 * row, an array of objects several; nested objects are flattened with dots by the same
 * flattenObject as JSON payloads (iterative; "__proto__" stays a feature). Anything else is
 * `preprocess_invalid_result` with what was returned.
 */
export function hookRows(result: unknown): PreprocessOutcome {
  if (result === null || result === undefined) return { ok: true, rows: [] };
  if (isPlainObject(result)) return { ok: true, rows: [flattenObject(result)] };
  if (Array.isArray(result) && result.every(isPlainObject)) return { ok: true, rows: result.map((r) => flattenObject(r) as FeatureRow) };
  const what = Array.isArray(result) ? "an array with a non-object element" : typeof result;
  return { ok: false, kind: "preprocess_invalid_result", detail: `preprocess returned ${what}; expected a flat object, an array of objects, null or []` };
}
