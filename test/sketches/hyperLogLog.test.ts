import { describe, expect, it } from "vitest";
import { HyperLogLog } from "../../src/sketches/hyperLogLog.js";
import { SketchStateError } from "../../src/sketches/Sketch.js";

function hllOf(values: Iterable<string>, precision?: number): HyperLogLog {
  const h = new HyperLogLog(precision);
  for (const v of values) h.add(v);
  return h;
}

function* ids(from: number, to: number, prefix = "user-"): Generator<string> {
  for (let i = from; i < to; i++) yield `${prefix}${i}`;
}

const relErr = (est: number, n: number): number => Math.abs(est / n - 1);

describe("HyperLogLog accuracy (p = 14: standard error 0.81 %)", () => {
  it("is within 3 % at 10,000; 100,000 and 1,000,000 distinct strings", () => {
    // one sketch, read at three sizes (fixed inputs; measured errors 0.35 %, 0.73 %, 1.48 %)
    const h = new HyperLogLog();
    let next = 0;
    for (const n of [10_000, 100_000, 1_000_000]) {
      while (next < n) h.add(`user-${next++}`);
      expect(relErr(h.estimate(), n)).toBeLessThanOrEqual(0.03);
    }
  });

  it("is within 3 % at 100,000 for differently shaped strings", () => {
    const shapes: Array<(i: number) => string> = [(i) => String(i), (i) => `v${i * 7919}x`, (i) => (i / 1024).toString(), (i) => `${i % 97}-${i}`];
    for (const f of shapes) {
      const h = new HyperLogLog();
      for (let i = 0; i < 100_000; i++) h.add(f(i));
      expect(relErr(h.estimate(), 100_000)).toBeLessThanOrEqual(0.03);
    }
  });

  it("is accurate at small counts: 0 → 0, 1 → ≈1, 100 → within 2 %", () => {
    expect(new HyperLogLog().estimate()).toBe(0);
    const one = hllOf(["x"]);
    expect(Math.abs(one.estimate() - 1)).toBeLessThan(0.01);
    expect(relErr(hllOf(ids(0, 100)).estimate(), 100)).toBeLessThanOrEqual(0.02);
    expect(relErr(hllOf(ids(0, 10)).estimate(), 10)).toBeLessThanOrEqual(0.01);
  });

  it("ignores duplicates", () => {
    const h = new HyperLogLog();
    for (let i = 0; i < 5000; i++) h.add(`dup-${i % 50}`);
    expect(h.estimate()).toBe(hllOf(ids(0, 50, "dup-")).estimate());
    expect(relErr(h.estimate(), 50)).toBeLessThanOrEqual(0.02);
  });

  it("keeps registers within 0…Q+1 = 33", () => {
    const h = hllOf(ids(0, 200_000));
    expect(Math.max(...h.registers)).toBeLessThanOrEqual(HyperLogLog.Q + 1);
    expect(Math.min(...h.registers)).toBeGreaterThanOrEqual(1); // every register hit at n ≫ m
  });
});

describe("HyperLogLog merge", () => {
  it("is the union: merge(A, B) has the registers of one sketch over A ∪ B", () => {
    const a = hllOf(ids(0, 60_000));
    const b = hllOf(ids(40_000, 100_000));
    const union = hllOf(ids(0, 100_000));
    const m = a.merge(b);
    expect(Buffer.from(m.registers).equals(Buffer.from(union.registers))).toBe(true);
    expect(m.estimate()).toBe(union.estimate());
    expect(relErr(m.estimate(), 100_000)).toBeLessThanOrEqual(0.03);
  });

  it("is idempotent and leaves its inputs untouched", () => {
    const a = hllOf(ids(0, 1000));
    const before = Buffer.from(a.registers).toString("base64");
    const m = a.merge(a);
    expect(Buffer.from(m.registers).toString("base64")).toBe(before);
    expect(Buffer.from(a.registers).toString("base64")).toBe(before);
    expect(m.registers).not.toBe(a.registers);
  });

  it("refuses sketches of different precision", () => {
    expect(() => new HyperLogLog(12).merge(new HyperLogLog(14))).toThrow(/precision 12 and 14/);
  });
});

describe("HyperLogLog precision and state", () => {
  it("accepts precision 4…18 (2^p registers) and rejects anything else", () => {
    expect(new HyperLogLog(4).registers.length).toBe(16);
    expect(new HyperLogLog(18).registers.length).toBe(262_144);
    expect(new HyperLogLog().precision).toBe(14);
    expect(new HyperLogLog().registers.length).toBe(16_384);
    for (const p of [3, 19, 14.5, Number.NaN, -1]) expect(() => new HyperLogLog(p)).toThrow(RangeError);
  });

  it("round-trips through JSON and keeps behaving the same", () => {
    const a = hllOf(ids(0, 5000), 12);
    const state = JSON.parse(JSON.stringify(a.serialize())) as unknown;
    expect(state).toMatchObject({ v: 1, precision: 12 });
    const b = HyperLogLog.deserialize(state);
    expect(b.precision).toBe(12);
    expect(b.estimate()).toBe(a.estimate());
    for (const s of ids(5000, 9000)) {
      a.add(s);
      b.add(s);
    }
    expect(b.serialize()).toEqual(a.serialize());
  });

  it("rejects bad states with a SketchStateError naming the problem", () => {
    const good = hllOf(["a"], 4).serialize();
    const cases: Array<[unknown, RegExp]> = [
      [{ ...good, v: 0 }, /unsupported version 0/],
      [{ ...good, registers: 5 }, /precision and registers are required/],
      [{ ...good, precision: "4" }, /precision and registers are required/],
      [{ ...good, precision: 5 }, /expected 32 registers, found 16/],
      [{ ...good, precision: 3, registers: Buffer.alloc(8).toString("base64") }, /precision must be an integer in \[4, 18\], got 3/],
      [{ ...good, precision: 4.5 }, /precision must be an integer/],
      [{ ...good, registers: Buffer.alloc(16, 34).toString("base64") }, /register value 34 exceeds 33/],
    ];
    for (const [state, message] of cases) {
      expect(() => HyperLogLog.deserialize(state)).toThrow(SketchStateError);
      expect(() => HyperLogLog.deserialize(state)).toThrow(message);
    }
  });
});
