/**
 * Counts of skipped input by reason, with the first few positions of each, for summaries and
 * manifests. Bounded: at most `keep` positions and one example detail per reason.
 */
export interface SkipReason {
  reason: string;
  count: number;
  /** First positions (line numbers, or offsets), in input order. */
  first: number[];
  /** The detail of the first occurrence, e.g. "expected 20 fields, found 19". */
  example: string;
}

export class SkipLog {
  readonly #reasons = new Map<string, SkipReason>();
  readonly keep: number;

  constructor(keep = 5) {
    this.keep = keep;
  }

  add(reason: string, detail: string, position: number): void {
    let r = this.#reasons.get(reason);
    if (r === undefined) {
      r = { reason, count: 0, first: [], example: detail };
      this.#reasons.set(reason, r);
    }
    r.count++;
    if (r.first.length < this.keep) r.first.push(position);
  }

  /** Rebuilds a log from `reasons()` output (e.g. sent from a worker thread). */
  static from(reasons: readonly SkipReason[], keep = 5): SkipLog {
    const log = new SkipLog(keep);
    for (const r of reasons) log.#reasons.set(r.reason, { reason: r.reason, count: r.count, first: r.first.slice(0, keep), example: r.example });
    return log;
  }

  get total(): number {
    let n = 0;
    for (const r of this.#reasons.values()) n += r.count;
    return n;
  }

  /** Reasons by descending count, then name. */
  reasons(): SkipReason[] {
    return [...this.#reasons.values()].map((r) => ({ ...r, first: r.first.slice() })).sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1));
  }
}
