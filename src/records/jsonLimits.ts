/**
 * Limits on untrusted JSON. `JSON.parse` itself is iterative in V8 (it parses 100,000 nested
 * arrays), but everything that walks a parsed value afterwards — flattening, `JSON.stringify`,
 * `structuredClone` to a hook's worker — recurses natively and overflows the stack at a few
 * thousand levels. So every value parsed from input is checked here, without recursion, before
 * anything else touches it; past the limit the record is malformed (`invalid payload: nesting
 * deeper than 100 levels`), never a crash.
 */
export const MAX_JSON_DEPTH = 100;

/** The detail of a record refused for its nesting. */
export const NESTING_DETAIL = `nesting deeper than ${MAX_JSON_DEPTH} levels`;

/**
 * Whether a parsed JSON value nests objects and arrays more than `limit` levels deep (a scalar is
 * level 0, `{}` and `[]` level 1). Iterative; stops at the first path over the limit.
 */
export function nestingExceeds(value: unknown, limit: number = MAX_JSON_DEPTH): boolean {
  if (value === null || typeof value !== "object") return false;
  const stack: unknown[] = [value];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const v = stack.pop() as object;
    const depth = depths.pop() as number;
    if (depth > limit) return true;
    const children: unknown[] = Array.isArray(v) ? v : Object.values(v);
    for (const c of children) {
      if (c !== null && typeof c === "object") {
        stack.push(c);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

/** JSON.parse with the nesting limit: `{ok: false}` names why (`invalid JSON` or nesting). */
export function parseJsonBounded(text: string): { ok: true; value: unknown } | { ok: false; nested: boolean; detail: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, nested: false, detail: (e as Error).message };
  }
  if (nestingExceeds(value)) return { ok: false, nested: true, detail: NESTING_DETAIL };
  return { ok: true, value };
}
