/**
 * DeequHyperLogLog: the port of Deequ 2.0.2's HyperLogLog++ (p = 9, XXH64 seed 42) that
 * reproduces SageMaker's approximate distinct counts.
 *
 * Where the expected values come from:
 * - XXH64, seed 0 and 2654435761: xxHash's own sanity-check vectors (the test buffer of
 *   xxhash's sanity test), also given by the reference C library (python-xxhash 3.x, libxxhash
 *   0.8.4). Seed 42 over strings: Spark 3.3.0's XXH64.hashUnsafeBytes (spark-catalyst_2.12-3.3.0
 *   jar) over Java String.getBytes(UTF_8), run on the JVM during development; the reference C
 *   library agrees on the well-formed strings.
 * - Estimates of the register states below: Deequ 2.0.2's DeequHyperLogLogPlusPlusUtils.count
 *   and HLLConstants, compiled with Scala 2.12.15 and run on JDK 17 during development.
 * - 53 and 86: the distinct_count SageMaker printed for `state` and `county` in a real 2024
 *   baselining job (ScottReidux/aai-540, statistics.json, 2024-10-27); their value lists (US state
 *   and county names, as listed by that job's categorical buckets) are below. The job's other 12
 *   columns were checked with a script outside this repository (the data set has no licence).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DeequHyperLogLog, javaUtf8Bytes, xxh64 } from "../../src/sketches/deequHyperLogLog.js";
import { SketchStateError } from "../../src/sketches/Sketch.js";
import { cutsArb, params, prng, splitAt, viaJson } from "../laws/lawSupport.js";
import { COUNTIES, EVENT_TIME, STATES } from "../support/sagemaker2024.js";

function sketchOf(values: Iterable<string>): DeequHyperLogLog {
  const h = new DeequHyperLogLog();
  for (const v of values) h.add(v);
  return h;
}

const regs = (h: DeequHyperLogLog): string => Buffer.from(h.registers).toString("base64");

function fromRegisters(r: Uint8Array): DeequHyperLogLog {
  return DeequHyperLogLog.deserialize({ v: 1, registers: Buffer.from(r).toString("base64") });
}

/** xxHash's sanity-test buffer: byte i = top byte of PRIME32 · PRIME64^i (mod 2^64). */
function sanityBuffer(n: number): Uint8Array {
  const out = new Uint8Array(n);
  let gen = 2654435761n;
  for (let i = 0; i < n; i++) {
    out[i] = Number(gen >> 56n);
    gen = BigInt.asUintN(64, gen * 11400714785074694797n);
  }
  return out;
}

describe("XXH64", () => {
  it("gives xxHash's sanity-check vectors (seed 0 and PRIME32)", () => {
    const cases: Array<[number, bigint, bigint]> = [
      [0, 0n, 0xef46db3751d8e999n],
      [0, 2654435761n, 0xac75fda2929b17efn],
      [1, 0n, 0xe934a84adb052768n],
      [1, 2654435761n, 0x5014607643a9b4c3n],
      [4, 0n, 0x9136a0dca57457een],
      [4, 2654435761n, 0xcaab286bd8e9fdb5n],
      [14, 0n, 0x8282dcc4994e35c8n],
      [14, 2654435761n, 0xc3bd6bf63deb6df0n],
      [222, 0n, 0xb641ae8cb691c174n],
      [222, 2654435761n, 0x20cb8ab7ae10c14an],
    ];
    for (const [n, seed, expected] of cases) expect(xxh64(sanityBuffer(n), seed), `len ${n} seed ${seed}`).toBe(expected);
  });

  it("gives the reference values for seed 42 (all length classes: <4, 4–7, 8–31, ≥32 with tails)", () => {
    const cases: Array<[number, bigint]> = [
      [0, 0x98b1582b0977e704n],
      [1, 0x83a7b47f8d92d727n],
      [4, 0x27d4e436e915d2ban],
      [14, 0xd6b2664234c14556n],
      [222, 0xf1d340ad87791d2an],
    ];
    for (const [n, expected] of cases) expect(xxh64(sanityBuffer(n), 42n), `len ${n}`).toBe(expected);
  });

  it("hashes strings like Spark's XXH64.hashUnsafeBytes over Java's UTF-8 bytes, seed 42", () => {
    const cases: Array<[string, bigint]> = [
      ["", 0x98b1582b0977e704n],
      ["a", 0x88e4fe59adf7b0ccn],
      ["abc", 0x13c1d910702770e6n],
      [EVENT_TIME, 0x5ebd7e086ca33827n],
      ["Arizona", 0x74f3e19775376308n],
      ["85086.0", 0x49091cf570dd30a2n],
      ["5c5dec80-595c-410e-80df-f83de591f893", 0xa401bf21f11337c8n], // 36 bytes: one stripe + tail
      ["São Paulo", 0xb0a7cf4162505e72n],
      ["\u{1F600}", 0xae8b540397f5f1dfn],
      ["Nebraska is a state of the Great Plains, 40+ bytes long", 0xb2aaf199bb1dbb2an],
      // Java's String.getBytes(UTF_8) turns an unpaired surrogate into '?', and so does this
      ["a?b", 0xc1c28653e2f0349dn],
      ["a\ud800b", 0xc1c28653e2f0349dn],
      ["x\udc00", 0x5555a617a49b06abn],
      ["\ud83d", 0x78b602bbb08778ffn],
    ];
    for (const [s, expected] of cases) expect(xxh64(s, 42n), JSON.stringify(s)).toBe(expected);
  });

  it("encodes strings to the same bytes as Buffer for well-formed text, on both encoder paths", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), (s) => {
        expect(Buffer.from(javaUtf8Bytes(s)).equals(Buffer.from(s, "utf8"))).toBe(true);
        expect(xxh64(s, 42n)).toBe(xxh64(new Uint8Array(Buffer.from(s, "utf8")), 42n));
      }),
      params(3101, 300),
    );
  });

  it("replaces every unpaired surrogate with '?' on both encoder paths (short and > 20 units)", () => {
    const short = "ab\ud800c\udc00";
    const long = `${"z".repeat(25)}\ud800-\udfff-\u{1F600}`;
    expect(Buffer.from(javaUtf8Bytes(short)).toString("latin1")).toBe("ab?c?");
    expect(Buffer.from(javaUtf8Bytes(long)).equals(Buffer.from(`${"z".repeat(25)}?-?-\u{1F600}`, "utf8"))).toBe(true);
  });
});

describe("DeequHyperLogLog estimates", () => {
  it("reproduces SageMaker's 53 (state) and 86 (county) from the 2024 job's value lists", () => {
    expect(STATES).toHaveLength(54);
    expect(COUNTIES).toHaveLength(83);
    expect(sketchOf(STATES).estimate()).toBe(53);
    expect(sketchOf(COUNTIES).estimate()).toBe(86);
  });

  it("counts the job's constant event_time, repeated for every row, as 1", () => {
    const h = new DeequHyperLogLog();
    for (let i = 0; i < 23_432; i++) h.add(EVENT_TIME);
    expect(h.estimate()).toBe(1);
  });

  it("ignores order and duplicates", () => {
    const r = prng(7);
    const values = [...COUNTIES, ...COUNTIES, ...STATES];
    for (let i = values.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [values[i], values[j]] = [values[j] as string, values[i] as string];
    }
    const h = sketchOf(values);
    expect(regs(h)).toBe(regs(sketchOf([...STATES, ...COUNTIES])));
  });

  it("gives Deequ's values for 0…100 distinct values (exact up to 22 here; linear counting after)", () => {
    // estimate after adding item-0 … item-(n−1), n = 0…100: Deequ's count() on the JVM
    const deequ = [
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 41, 42,
      43, 44, 45, 46, 47, 48, 49, 50, 52, 53, 54, 55, 56, 57, 58, 59, 60, 60, 62, 63, 64, 65, 66, 67, 68, 70, 71, 72, 73, 74, 75, 76, 78, 79, 80, 81, 81, 82,
      83, 85, 86, 87, 87, 88, 89, 89, 91, 92, 93, 93, 94, 95, 95, 97, 98, 99, 100, 101, 103, 104,
    ];
    const h = new DeequHyperLogLog();
    const got = [h.estimate()];
    for (let n = 1; n <= 100; n++) {
      h.add(`item-${n - 1}`);
      got.push(h.estimate());
    }
    expect(got).toStrictEqual(deequ);
  });

  it("takes the linear-counting branch exactly as Deequ: round(512·ln(512/V)) while that is ≤ 400", () => {
    const h = new DeequHyperLogLog();
    for (let i = 0; i < 300; i++) {
      h.add(`lc-${i}`);
      const zeros = h.registers.filter((x) => x === 0).length;
      const lc = 512 * Math.log(512 / zeros);
      if (lc <= 400) expect(h.estimate()).toBe(Math.round(lc));
    }
  });

  it("is within 3·1.04/√512 ≈ 14 % of the truth from 1,000 to 1,000,000 (bias-corrected and raw HLL branches)", () => {
    const h = new DeequHyperLogLog();
    let next = 0;
    for (const n of [1_000, 2_000, 5_000, 20_000, 100_000, 1_000_000]) {
      while (next < n) h.add(`user-${next++}`);
      expect(Math.abs(h.estimate() / n - 1), `n = ${n}`).toBeLessThan(0.14);
    }
  });

  it("gives Deequ's values for register states with large registers (JVM 32-bit shift semantics)", () => {
    const mk = (f: (i: number) => number): Uint8Array => Uint8Array.from({ length: 512 }, (_, i) => f(i));
    // expected: Deequ's count() on the JVM, where 1 << r is an int shift (count taken mod 32)
    const cases: Array<[Uint8Array, number]> = [
      [mk((i) => (i === 7 ? 31 : 1)), 604],
      [mk((i) => (i === 7 ? 32 : 1)), 598],
      [mk((i) => (i === 7 ? 56 : 0)), 1],
      [mk((i) => (i < 3 ? 31 : 2)), 1466],
      [mk(() => 56), 6_182_889_864],
      [mk((i) => 1 + (i % 5)), 1895],
      [mk((i) => (i % 2 ? 0 : 3)), 355],
    ];
    for (const [r, expected] of cases) expect(fromRegisters(r).estimate()).toBe(expected);
  });

  it("keeps registers within 0…56 and allocates none until the first add", () => {
    const empty = DeequHyperLogLog.empty();
    expect(empty.estimate()).toBe(0);
    expect(empty.serialize()).toStrictEqual({ v: 1, sparse: "" });
    const h = sketchOf(Array.from({ length: 200_000 }, (_, i) => `r-${i}`));
    expect(Math.max(...h.registers)).toBeLessThanOrEqual(DeequHyperLogLog.MAX_REGISTER);
    expect(Math.min(...h.registers)).toBeGreaterThanOrEqual(1);
  });
});

describe("DeequHyperLogLog merge laws", () => {
  const strings = fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.integer().map(String), fc.constantFrom(...STATES)), {
    maxLength: 300,
  });

  it("identity: merging with empty() gives a's registers and estimate, either side", () => {
    fc.assert(
      fc.property(strings, (xs) => {
        const a = sketchOf(xs);
        for (const m of [DeequHyperLogLog.empty().merge(a), a.merge(DeequHyperLogLog.empty())]) {
          expect(regs(m)).toBe(regs(a));
          expect(m.estimate()).toBe(a.estimate());
        }
      }),
      params(3102, 100),
    );
  });

  it("commutativity: identical serialize() and estimate", () => {
    fc.assert(
      fc.property(strings, strings, (x, y) => {
        const a = sketchOf(x);
        const b = sketchOf(y);
        expect(a.merge(b).serialize()).toStrictEqual(b.merge(a).serialize());
        expect(a.merge(b).estimate()).toBe(b.merge(a).estimate());
      }),
      params(3103, 100),
    );
  });

  it("associativity: identical registers and estimate", () => {
    fc.assert(
      fc.property(strings, strings, strings, (x, y, z) => {
        const [a, b, c] = [sketchOf(x), sketchOf(y), sketchOf(z)];
        const l = a.merge(b).merge(c);
        const r = a.merge(b.merge(c));
        expect(regs(l)).toBe(regs(r));
        expect(l.estimate()).toBe(r.estimate());
      }),
      params(3104, 100),
    );
  });

  it("idempotence: merge(a, a) is a, and merge leaves its inputs untouched", () => {
    fc.assert(
      fc.property(strings, strings, (x, y) => {
        const a = sketchOf(x);
        const b = sketchOf(y);
        const [ra, rb] = [regs(a), regs(b)];
        expect(regs(a.merge(a))).toBe(ra);
        expect(a.merge(a).estimate()).toBe(a.estimate());
        const m = a.merge(b);
        expect(regs(a)).toBe(ra);
        expect(regs(b)).toBe(rb);
        expect(m.registers).not.toBe(a.registers);
      }),
      params(3105, 100),
    );
  });

  it("union: merge(sketch(A), sketch(B)) has the registers and estimate of sketch(A ∪ B)", () => {
    fc.assert(
      fc.property(strings, strings, (x, y) => {
        const m = sketchOf(x).merge(sketchOf(y));
        const u = sketchOf([...x, ...y]);
        expect(regs(m)).toBe(regs(u));
        expect(m.estimate()).toBe(u.estimate());
      }),
      params(3106, 100),
    );
  });

  it("split/merge over 50,000 seeded values equals one sketch over all of them", () => {
    fc.assert(
      fc.property(fc.nat(), cutsArb, (seed, cuts) => {
        const r = prng(seed);
        const xs = Array.from({ length: 50_000 }, () => `id-${Math.floor(r() * 30_000)}`);
        const whole = sketchOf(xs);
        const merged = splitAt(xs, cuts)
          .map((part) => sketchOf(part))
          .reduce((acc, p) => acc.merge(p), DeequHyperLogLog.empty());
        expect(regs(merged)).toBe(regs(whole));
        expect(merged.estimate()).toBe(whole.estimate());
      }),
      params(3107, 5),
    );
  });
});

describe("DeequHyperLogLog serialize/deserialize", () => {
  it("round-trips through JSON: registers, estimate and later behaviour", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 10 }), { maxLength: 200 }), fc.array(fc.string(), { maxLength: 50 }), (x, more) => {
        const a = sketchOf(x);
        const b = DeequHyperLogLog.deserialize(viaJson(a.serialize()));
        expect(regs(b)).toBe(regs(a));
        expect(b.estimate()).toBe(a.estimate());
        for (const s of more) {
          a.add(s);
          b.add(s);
        }
        expect(b.serialize()).toStrictEqual(a.serialize());
      }),
      params(3108, 100),
    );
  });

  it("round-trips the empty sketch, which stays empty", () => {
    const e = DeequHyperLogLog.deserialize(viaJson(DeequHyperLogLog.empty().serialize()));
    expect(e.estimate()).toBe(0);
    expect(e.merge(sketchOf(STATES)).estimate()).toBe(53);
  });

  it("serializes sparsely below 256 set registers, densely from there, and reads both back to the same sketch", () => {
    const withSet = (n: number): Uint8Array => Uint8Array.from({ length: 512 }, (_, i) => (i % 2 === 1 && (i - 1) / 2 < n ? 1 + (i % 56) : 0));
    const sparse = fromRegisters(withSet(255)).serialize();
    const dense = fromRegisters(withSet(256)).serialize();
    expect(Object.keys(sparse)).toEqual(["v", "sparse"]);
    expect(Object.keys(dense)).toEqual(["v", "registers"]);
    expect(DeequHyperLogLog.empty().serialize()).toStrictEqual({ v: 1, sparse: "" });
    // 255 two-byte words, against 512 bytes dense
    expect(Buffer.from((sparse as { sparse: string }).sparse, "base64").length).toBe(510);
    for (const n of [0, 1, 54, 255, 256, 400, 256 + 255]) {
      const r = withSet(Math.min(n, 256));
      const back = DeequHyperLogLog.deserialize(viaJson(fromRegisters(r).serialize()));
      expect(n === 0 ? back.estimate() : [...back.registers], String(n)).toEqual(n === 0 ? 0 : [...r]);
    }
    // the old dense form of a sparse sketch still reads (parts written by earlier versions)
    const r = withSet(10);
    const old = { v: 1, registers: Buffer.from(r).toString("base64") };
    expect(DeequHyperLogLog.deserialize(old).serialize()).toStrictEqual(fromRegisters(r).serialize());
  });

  it("rejects states it cannot read", () => {
    const good = fromRegisters(Uint8Array.from({ length: 512 }, (_, i) => 1 + (i % 56))).serialize() as { v: 1; registers: string };
    const sparse = sketchOf(STATES).serialize() as { v: 1; sparse: string };
    const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64");
    const words = (...w: number[]): string => b64(Uint8Array.from(w.flatMap((x) => [x >>> 8, x & 255])));
    const bad: unknown[] = [
      null,
      "x",
      [good],
      { ...good, v: 2 },
      { registers: good.registers },
      { v: 1 },
      { v: 1, registers: 42 },
      { v: 1, registers: b64(new Uint8Array(511)) },
      { v: 1, registers: b64(new Uint8Array(513)) },
      { v: 1, registers: b64(Uint8Array.from({ length: 512 }, (_, i) => (i === 9 ? 57 : 1))) },
      { v: 1, registers: `${good.registers.slice(0, -4)}!!!!` },
      { v: 1, registers: good.registers.replace(/=+$/, "") },
      { v: 1, registers: ` ${good.registers}` },
      { ...good, precision: 9 },
      { v: 1, sparse: 42 },
      { v: 1, sparse: sparse.sparse, registers: good.registers },
      { v: 1, sparse: b64(Uint8Array.from([1, 2, 3])) },
      { v: 1, sparse: words((5 << 6) | 1, (5 << 6) | 2) },
      { v: 1, sparse: words((6 << 6) | 1, (5 << 6) | 2) },
      { v: 1, sparse: words(5 << 6) },
      { v: 1, sparse: words((5 << 6) | 57) },
      { v: 1, sparse: ` ${sparse.sparse}` },
    ];
    for (const state of bad) expect(() => DeequHyperLogLog.deserialize(state), JSON.stringify(state)).toThrow(SketchStateError);
  });

  it("accepts a register of 56, the largest reachable", () => {
    const r = Uint8Array.from({ length: 512 }, (_, i) => (i === 0 ? 56 : 0));
    expect(fromRegisters(r).registers[0]).toBe(56);
  });
});
