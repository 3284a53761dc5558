// Types for the parts of exampleModel.mjs that TypeScript code uses.

/** mulberry32: a small seeded PRNG (uniform in [0, 1)), the same numbers for the same seed. */
export declare function mulberry32(seed: number): () => number;
