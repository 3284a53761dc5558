import { DatasetProfile } from "./DatasetProfile.js";

/**
 * How a window's JSON object keys are matched to the baseline's features (config
 * `json_column_matching`): `sorted_position`, SageMaker's rule, or `name`.
 *
 * SageMaker's analyzer reads a window's JSON payloads as Spark does (schema inference sorts the
 * union of the keys as text) and then gives the columns the baseline's names by position: in
 * SageMaker's own workshop (aws-samples/amazon-sagemaker-from-idea-to-production, 2025 run), a
 * record preprocessor emitted keys `_c0` … `_c58` with floats in `_c0`, `_c1`, `_c2`, and the real
 * data_type_check violations were on `_c0`, `_c12` and `_c1`: `_c2` sorts 13th. Missing and extra
 * columns are then a matter of count (docs/formats.md, Column checks on JSON payloads).
 */
export const JSON_COLUMN_MATCHINGS = ["sorted_position", "name"] as const;
export type JsonColumnMatching = (typeof JSON_COLUMN_MATCHINGS)[number];

/**
 * The window's profile with its keyed features (DatasetProfile.keyed) renamed SageMaker's way:
 * sorted as text (UTF-16 code units, as Java's String.compareTo), they take in order the
 * baseline's names that no positional feature of the window holds (positional outputs of a CSV
 * side keep their places); keys beyond the baseline keep their name, or `_c<i>` (i = their column
 * index) when a baseline feature has it. `renamed` lists every key whose name changed. With
 * `name` matching, or no keyed feature, the profile is returned as is.
 */
export function alignKeyedColumns(
  profile: DatasetProfile,
  baselineNames: readonly string[],
  matching: JsonColumnMatching,
): { profile: DatasetProfile; renamed: Record<string, string> } {
  const renamed: Record<string, string> = Object.create(null) as Record<string, string>;
  if (matching === "name" || profile.keyed.size === 0) return { profile, renamed };
  const keyed = [...profile.keyed].sort(byText);
  const positional = new Set([...profile.features.keys()].filter((n) => !profile.keyed.has(n)));
  const free = baselineNames.filter((n) => !positional.has(n));
  const taken = new Set([...positional, ...free.slice(0, keyed.length)]);
  const target = new Map<string, string>();
  keyed.forEach((key, i) => {
    const name = i < free.length ? (free[i] as string) : taken.has(key) ? `_c${positional.size + i}` : key;
    target.set(key, name);
    if (name !== key) renamed[key] = name;
  });
  if (Object.keys(renamed).length === 0) return { profile, renamed };
  const out = new DatasetProfile(profile.options, profile.limit);
  out.itemCount = profile.itemCount;
  out.notProfiled.values = profile.notProfiled.values;
  out.notProfiled.names = profile.notProfiled.names;
  for (const [name, f] of profile.features) {
    const to = target.get(name);
    if (to === undefined) out.features.set(name, f);
    else out.features.set(to, to === name ? f : f.withName(to));
  }
  return { profile: out, renamed };
}

/** Text order of Java's String.compareTo (UTF-16 code units), which JavaScript's `<` on strings is. */
function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The profile with its features sorted by name as text: the column order Spark's JSON schema
 * inference gives a JSON Lines dataset, and so SageMaker's baseline of one.
 */
export function sortedByName(profile: DatasetProfile): DatasetProfile {
  const out = new DatasetProfile(profile.options, profile.limit);
  out.itemCount = profile.itemCount;
  for (const name of [...profile.features.keys()].sort(byText)) out.features.set(name, profile.features.get(name)!);
  return out;
}
