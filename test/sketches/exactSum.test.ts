import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ExactSum } from "../../src/sketches/exactSum.js";
import { SketchStateError } from "../../src/sketches/Sketch.js";
import { exactSumScaled, fromScaled, params, prng, wideScaled } from "../laws/lawSupport.js";

function sum(xs: readonly number[]): number {
  const s = new ExactSum();
  for (const x of xs) s.add(x);
  return s.value();
}

/** C99/Python hex float literal ("0x1.df11f45f4e61ap+2") → number, exactly. */
function hexFloat(text: string): number {
  const m = /^(-?)0x([0-9a-f]+)\.([0-9a-f]*)p([+-]\d+)$/i.exec(text);
  if (m === null) throw new Error(`bad hex float ${text}`);
  const [, sign, int, frac, exp] = m as unknown as [string, string, string, string, string];
  const mantissa = Number(BigInt(`0x${int}${frac}`)); // ≤ 53 bits: exact
  const value = mantissa * 2 ** (Number(exp) - 4 * frac.length);
  return sign === "-" ? -value : value;
}

function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const out = xs.slice();
  const r = prng(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe("ExactSum: classic cancellation cases (CPython's test_fsum table)", () => {
  const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);
  const cases: Array<[string, number[], number]> = [
    ["empty", [], 0],
    ["[0]", [0], 0],
    ["1e100, 1, -1e100", [1e100, 1, -1e100], 1],
    ["[0.1] × 10", Array(10).fill(0.1) as number[], 1],
    ["1e100, 1, −1e100, 1e-100, 1e50, −1, −1e50", [1e100, 1.0, -1e100, 1e-100, 1e50, -1.0, -1e50], 1e-100],
    ["2^53, −0.5, −2^-54", [2 ** 53, -0.5, -(2 ** -54)], 2 ** 53 - 1],
    ["2^53, 1, 2^-100 (round half even, corrected)", [2 ** 53, 1.0, 2 ** -100], 2 ** 53 + 2],
    ["2^53+10, 1, 2^-100", [2 ** 53 + 10, 1.0, 2 ** -100], 2 ** 53 + 12],
    ["2^53−4, 0.5, 2^-54", [2 ** 53 - 4, 0.5, 2 ** -54], 2 ** 53 - 3],
    ["harmonic 1/n, n < 1001", range(1, 1001).map((n) => 1 / n), hexFloat("0x1.df11f45f4e61ap+2")],
    ["alternating (−1)^n/n, n < 1001", range(1, 1001).map((n) => (-1) ** n / n), hexFloat("-0x1.62a2af1bd3624p-1")],
    ["1e16, 1, 1e-16", [1e16, 1, 1e-16], 10000000000000002.0],
    ["1e16−2, 1−2^-53, −(1e16−2), −(1−2^-53)", [1e16 - 2, 1 - 2 ** -53, -(1e16 - 2), -(1 - 2 ** -53)], 0],
    [
      "2^n − 2^(n+50) + 2^(n+52) for n = −1074, −1072, …, 970, then −2^1022 (many partials)",
      [
        ...range(0, 1023)
          .map((i) => -1074 + 2 * i)
          .map((n) => 2 ** n - 2 ** (n + 50) + 2 ** (n + 52)),
        -(2 ** 1022),
      ],
      hexFloat("0x1.5555555555555p+970"),
    ],
  ];
  for (const [name, xs, expected] of cases) {
    it(`${name} → ${expected}`, () => {
      expect(sum(xs)).toBe(expected);
      expect(sum(xs.slice().reverse())).toBe(expected);
      expect(sum(shuffled(xs, xs.length))).toBe(expected);
    });
  }

  it("naive summation gets these wrong (the cases are not trivial)", () => {
    expect([1e100, 1, -1e100].reduce((a, b) => a + b, 0)).toBe(0);
    expect((Array(10).fill(0.1) as number[]).reduce((a, b) => a + b, 0)).toBe(0.9999999999999999);
  });
});

describe("ExactSum: order independence", () => {
  it("any permutation and any split into merged parts gives the same, correctly rounded, value", () => {
    fc.assert(
      fc.property(fc.array(wideScaled, { maxLength: 50 }), fc.nat(), fc.nat(), (qs, seed, cut) => {
        const xs = qs.map(fromScaled);
        const expected = exactSumScaled(qs);
        expect(sum(xs)).toBe(expected);
        const perm = shuffled(xs, seed);
        expect(sum(perm)).toBe(expected);
        const c = cut % (perm.length + 1);
        const a = new ExactSum();
        const b = new ExactSum();
        perm.slice(0, c).forEach((x) => a.add(x));
        perm.slice(c).forEach((x) => b.add(x));
        expect(a.merge(b).value()).toBe(expected);
        expect(b.merge(a).value()).toBe(expected);
      }),
      params(1001, 300),
    );
  });

  it("merge leaves its inputs untouched", () => {
    const a = new ExactSum();
    const b = new ExactSum();
    a.add(1e100);
    b.add(1);
    b.add(-1e100);
    const m = a.merge(b);
    expect(m.value()).toBe(1);
    expect(a.value()).toBe(1e100);
    expect(b.value()).toBe(-1e100);
  });
});

describe("ExactSum: non-finite values", () => {
  it("±Infinity dominates, Infinity − Infinity and NaN give NaN", () => {
    expect(sum([1, Infinity, 2])).toBe(Infinity);
    expect(sum([1, -Infinity])).toBe(-Infinity);
    expect(sum([Infinity, 5, -Infinity])).toBeNaN();
    expect(sum([NaN, 1])).toBeNaN();
    expect(sum([1, NaN, Infinity])).toBeNaN();
  });

  it("reports a sum beyond the double range as ±Infinity", () => {
    expect(sum([1e308, 1e308])).toBe(Infinity);
    expect(sum([-1.7976931348623157e308, -1e300, -1e300])).toBe(-Infinity);
    expect(sum([1.7976931348623157e308, 9.979201547673598e291])).toBe(1.7976931348623157e308); // rounds down
  });

  it("keeps non-finite parts across merge and serialization", () => {
    const a = new ExactSum();
    a.add(Infinity);
    a.add(3);
    const b = new ExactSum();
    b.add(-Infinity);
    expect(a.merge(b).value()).toBeNaN();
    for (const special of [Infinity, -Infinity, NaN]) {
      const s = new ExactSum();
      s.add(2);
      s.add(special);
      const state = JSON.parse(JSON.stringify(s.serialize())) as unknown;
      expect((state as { special: unknown }).special).toBe(String(special));
      expect(Object.is(ExactSum.deserialize(state).value(), special)).toBe(true);
    }
  });
});

describe("ExactSum: serialization", () => {
  it("stores the partials and restores the exact value", () => {
    const s = new ExactSum();
    for (const x of [1e100, 1, -1e100, 0.1]) s.add(x);
    const state = s.serialize();
    expect(state.v).toBe(1);
    expect(state.special).toBe(0);
    const back = ExactSum.deserialize(JSON.parse(JSON.stringify(state)));
    expect(back.value()).toBe(s.value());
    back.add(-1);
    s.add(-1);
    expect(back.value()).toBe(s.value());
    expect(back.value()).toBe(0.1);
  });

  it("rejects bad states with SketchStateError", () => {
    expect(() => ExactSum.deserialize({ v: 2, partials: [], special: 0 })).toThrow(SketchStateError);
    expect(() => ExactSum.deserialize({ v: 1, partials: "1", special: 0 })).toThrow(/partials must be an array/);
    expect(() => ExactSum.deserialize({ v: 1, partials: ["1"], special: 0 })).toThrow(/partials must be numbers/);
    expect(() => ExactSum.deserialize("x")).toThrow(/exact_sum state: expected an object/);
  });
});
