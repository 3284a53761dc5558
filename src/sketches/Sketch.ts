import { DqstreamError } from "../errors/DqstreamError.js";

/**
 * The contract every sketch and profile in dqstream keeps.
 *
 * A sketch type is a commutative monoid over the multiset of values it has seen:
 * - `empty()` is the identity: merge(empty(), a) ≡ a;
 * - `merge` is associative and commutative;
 * - the statistics read from merge(sketch(A), sketch(B)) equal those read from sketch(A ∪ B),
 *   exactly for exact components and within the component's stated error for approximate ones.
 * `≡` is equality of the statistics the sketch reports (its read side). Exact sketches (counters,
 * moments' counts, min/max, the exact sum) satisfy the laws bit for bit; approximate ones
 * (quantiles, distinct counts, heavy hitters) satisfy commutativity bit for bit and associativity
 * within their error bound. test/laws/ proves both with fast-check.
 *
 * `update` mutates and never throws on the hot path; `merge` returns a new value and leaves its
 * inputs untouched. `serialize` returns a versioned, JSON-safe state that `deserialize` restores
 * exactly, so window state can be checkpointed and partial states from several consumers merged.
 */
export interface Mergeable<Self> {
  merge(other: Self): Self;
  serialize(): unknown;
}

/** Static side of a sketch type: the identity and the decoder of `serialize()`'s output. */
export interface SketchCodec<S> {
  empty(): S;
  deserialize(state: unknown): S;
}

/** Thrown by `deserialize` when a checkpointed state is not one this version can read. */
export class SketchStateError extends DqstreamError {
  constructor(sketch: string, message: string) {
    super("sketch_state", `${sketch} state: ${message}`);
    this.name = "SketchStateError";
  }
}

export function expectVersion(sketch: string, state: unknown, version: number): Record<string, unknown> {
  if (typeof state !== "object" || state === null || Array.isArray(state)) {
    throw new SketchStateError(sketch, "expected an object");
  }
  const v = (state as Record<string, unknown>)["v"];
  if (v !== version) throw new SketchStateError(sketch, `unsupported version ${String(v)} (this build reads ${version})`);
  return state as Record<string, unknown>;
}
