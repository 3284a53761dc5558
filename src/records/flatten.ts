import type { RawValue } from "./valueType.js";

/**
 * Flattens a JSON object into feature name → value: nested objects become dotted names
 * (`{"a":{"b":1}}` → `a.b`), arrays stay values (their JSON text is a String value), `null` stays
 * null (missing). SageMaker's analyzer reads flat objects only; dotted names are dqstream's
 * extension (dqstream-decisions.md, records). Names come out in depth-first key order. Iterative:
 * the input is untrusted, so no recursion (callers bound its nesting first: jsonLimits.ts).
 */
export function flattenObject(obj: Readonly<Record<string, unknown>>, prefix = ""): Record<string, RawValue> {
  // no prototype: a "__proto__" key (an own property after JSON.parse) must stay a feature
  const out = Object.create(null) as Record<string, RawValue>;
  // each frame: an object's keys, the next key's index, and its name prefix
  const frames: Array<{ obj: Readonly<Record<string, unknown>>; keys: string[]; next: number; prefix: string }> = [
    { obj, keys: Object.keys(obj), next: 0, prefix },
  ];
  while (frames.length > 0) {
    const f = frames[frames.length - 1] as (typeof frames)[number];
    if (f.next === f.keys.length) {
      frames.pop();
      continue;
    }
    const key = f.keys[f.next++] as string;
    const v = f.obj[key];
    const name = f.prefix === "" ? key : `${f.prefix}.${key}`;
    if (v !== null && typeof v === "object" && !Array.isArray(v))
      frames.push({ obj: v as Record<string, unknown>, keys: Object.keys(v), next: 0, prefix: name });
    else out[name] = v as RawValue;
  }
  return out;
}
