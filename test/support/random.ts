// mulberry32, the seeded PRNG the bundled examples are generated with, so generated test data is
// the same on every run.
export { mulberry32 } from "../../scripts/exampleModel.mjs";

/** Standard normal deviates by Box–Muller from a uniform source. */
export function normal(rand: () => number): () => number {
  return () => {
    const u = 1 - rand();
    const v = rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}
