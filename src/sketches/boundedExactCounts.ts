import { expectVersion, SketchStateError, type Mergeable } from "./Sketch.js";

/**
 * Exact counts of each distinct value while there are at most `cap` of them; past that, only the
 * total. Overflow is absorbing (a merge with an overflowed side, or a union over `cap`, is
 * overflowed), so merge is commutative and associative bit for bit. It is what a feature keeps for
 * its numeric values, which only matter as categories when the feature turns out String and are
 * then mostly few (a code column with some "N/A"); keeping heavy hitters of every high-cardinality
 * numeric column would cost more than the rest of its profile (bench/README.md).
 */
export class BoundedExactCounts implements Mergeable<BoundedExactCounts> {
  readonly cap: number;
  #counts: Map<string, number> | undefined = new Map();
  #total = 0;

  constructor(cap: number) {
    if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`cap must be a positive integer, got ${cap}`);
    this.cap = cap;
  }

  static empty(cap: number): BoundedExactCounts {
    return new BoundedExactCounts(cap);
  }

  /**
   * Counts a value. Returns the distinct values seen (this one included) when this add made the
   * counts overflow, for a caller that must know them all; else undefined.
   */
  add(value: string): string[] | undefined {
    this.#total++;
    const m = this.#counts;
    if (m === undefined) return undefined;
    const prev = m.get(value);
    if (prev !== undefined) m.set(value, prev + 1);
    else if (m.size < this.cap) m.set(value, 1);
    else {
      this.#counts = undefined;
      return [...m.keys(), value];
    }
    return undefined;
  }

  /** The distinct values counted, while not overflowed. */
  keys(): IterableIterator<string> {
    return (this.#counts ?? new Map<string, number>()).keys();
  }

  get total(): number {
    return this.#total;
  }

  get overflowed(): boolean {
    return this.#counts === undefined;
  }

  /** (value, count) by descending count, then value; empty once overflowed. */
  entries(): Array<[string, number]> {
    return this.#counts === undefined ? [] : sorted(this.#counts);
  }

  merge(other: BoundedExactCounts): BoundedExactCounts {
    if (other.cap !== this.cap) throw new RangeError(`cannot merge counts with caps ${this.cap} and ${other.cap}`);
    const out = new BoundedExactCounts(this.cap);
    out.#total = this.#total + other.#total;
    if (this.#counts === undefined || other.#counts === undefined) {
      out.#counts = undefined;
      return out;
    }
    const m = new Map(this.#counts);
    for (const [v, c] of other.#counts) m.set(v, (m.get(v) ?? 0) + c);
    out.#counts = m.size <= this.cap ? m : undefined;
    return out;
  }

  /**
   * `{ v: 1, cap, total, by_count }` with the values grouped by count, counts descending, values
   * in code unit order within a group: `[[3, ["1.5"]], [1, ["0.25", "2"]]]` (an entry per value
   * costs its text and a comma, not a pair; most values of a numeric column are seen once).
   * Overflowed: `counts: null`. Earlier versions wrote `counts: [[value, count], …]`, still read.
   */
  serialize(): { v: 1; cap: number; total: number; counts: null } | { v: 1; cap: number; total: number; by_count: Array<[number, string[]]> } {
    if (this.#counts === undefined) return { v: 1, cap: this.cap, total: this.#total, counts: null };
    return { v: 1, cap: this.cap, total: this.#total, by_count: groupedByCount(this.#counts) };
  }

  static deserialize(state: unknown): BoundedExactCounts {
    const s = expectVersion("bounded_exact_counts", state, 1);
    const { cap, total } = s;
    if (!Number.isInteger(cap) || (cap as number) < 1 || typeof total !== "number") {
      throw new SketchStateError("bounded_exact_counts", "cap (a positive integer) and total are required");
    }
    const out = new BoundedExactCounts(cap as number);
    out.#total = total;
    if ("by_count" in s) {
      if ("counts" in s) throw new SketchStateError("bounded_exact_counts", "counts and by_count are exclusive");
      out.#counts = fromGroups(s["by_count"], cap as number);
      return out;
    }
    const counts = s["counts"];
    if (counts === null) {
      out.#counts = undefined;
      return out;
    }
    if (!Array.isArray(counts) || counts.length > (cap as number))
      throw new SketchStateError("bounded_exact_counts", "counts must be null or at most cap [value, count] pairs");
    for (const e of counts as unknown[]) {
      if (!Array.isArray(e) || typeof e[0] !== "string" || typeof e[1] !== "number")
        throw new SketchStateError("bounded_exact_counts", "counts must be [value, count] pairs");
      out.#counts?.set(e[0], e[1]);
    }
    return out;
  }
}

/** by_count → the counts; strict: counts descending positive integers, values ascending and distinct, at most `cap`. */
function fromGroups(groups: unknown, cap: number): Map<string, number> {
  const fail = (why: string): never => {
    throw new SketchStateError("bounded_exact_counts", `by_count: ${why}`);
  };
  if (!Array.isArray(groups)) return fail("expected [count, [values]] groups");
  const m = new Map<string, number>();
  let lastCount = Infinity;
  for (const g of groups as unknown[]) {
    if (!Array.isArray(g) || g.length !== 2 || !Array.isArray(g[1])) return fail("expected [count, [values]] groups");
    const [count, values] = g as [unknown, unknown[]];
    if (!Number.isInteger(count) || (count as number) < 1 || (count as number) >= lastCount)
      return fail("counts must be positive integers in descending order");
    lastCount = count as number;
    let last: string | undefined;
    for (const v of values) {
      if (typeof v !== "string" || (last !== undefined && !(last < v))) return fail("values must be strings in ascending order");
      if (m.has(v)) return fail(`value "${v}" listed twice`);
      m.set(v, count as number);
      last = v;
    }
    if (values.length === 0) return fail("a group without values");
  }
  if (m.size > cap) return fail(`more than cap (${cap}) values`);
  return m;
}

/** The counts grouped by count, descending; each group's values sorted by the default sort (code units, as `<`). */
function groupedByCount(m: Map<string, number>): Array<[number, string[]]> {
  const byCount = new Map<number, string[]>();
  for (const [value, count] of m) {
    const group = byCount.get(count);
    if (group === undefined) byCount.set(count, [value]);
    else group.push(value);
  }
  return [...byCount.keys()].sort((a, b) => b - a).map((count) => [count, (byCount.get(count) as string[]).sort()]);
}

/** (value, count) by descending count, then value in UTF-16 code unit order (entries()). */
function sorted(m: Map<string, number>): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (const [count, values] of groupedByCount(m)) for (const value of values) out.push([value, count]);
  return out;
}
