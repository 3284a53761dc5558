import type { RawValue } from "./valueType.js";

/**
 * Flattens a JSON object into feature name → value: nested objects become dotted names
 * (`{"a":{"b":1}}` → `a.b`), arrays stay values (their JSON text is a String value), `null` stays
 * null (missing). SageMaker's analyzer reads flat objects only; dotted names are dqstream's
 * extension (dqstream-decisions.md, records).
 */
export function flattenObject(
  obj: Readonly<Record<string, unknown>>,
  prefix = "",
  // no prototype: a "__proto__" key (an own property after JSON.parse) must stay a feature
  out: Record<string, RawValue> = Object.create(null) as Record<string, RawValue>,
): Record<string, RawValue> {
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    const name = prefix === "" ? key : `${prefix}.${key}`;
    if (v !== null && typeof v === "object" && !Array.isArray(v)) flattenObject(v as Record<string, unknown>, name, out);
    else out[name] = v as RawValue;
  }
  return out;
}
