/**
 * What happened to the records attributed to a window: counted (their rows are in the window's
 * statistics), skipped by reason (shadow traffic, dropped by the preprocessor), late, malformed by
 * reason, and hook failures by kind. A commutative monoid under `addCounts`.
 */
export interface WindowCounts {
  records: number;
  items: number;
  skipped: Record<string, number>;
  late: number;
  malformed: Record<string, number>;
  hook_errors: Record<string, number>;
}

export function emptyCounts(): WindowCounts {
  return { records: 0, items: 0, skipped: {}, late: 0, malformed: {}, hook_errors: {} };
}

export function bump(map: Record<string, number>, key: string, n = 1): void {
  map[key] = (map[key] ?? 0) + n;
}

export function addCounts(a: WindowCounts, b: WindowCounts): WindowCounts {
  const sum = (x: Record<string, number>, y: Record<string, number>): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const k of [...new Set([...Object.keys(x), ...Object.keys(y)])].sort()) out[k] = (x[k] ?? 0) + (y[k] ?? 0);
    return out;
  };
  return {
    records: a.records + b.records,
    items: a.items + b.items,
    skipped: sum(a.skipped, b.skipped),
    late: a.late + b.late,
    malformed: sum(a.malformed, b.malformed),
    hook_errors: sum(a.hook_errors, b.hook_errors),
  };
}

export function totalOf(map: Record<string, number>): number {
  let n = 0;
  for (const v of Object.values(map)) n += v;
  return n;
}
