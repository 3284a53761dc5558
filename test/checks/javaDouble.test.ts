import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { javaDouble } from "../../src/checks/javaDouble.js";
import { params } from "../laws/lawSupport.js";

describe("javaDouble (Java's Double.toString)", () => {
  const table: Array<[number, string]> = [
    [100, "100.0"],
    [0, "0.0"],
    [-0, "-0.0"],
    [99.64592817400101, "99.64592817400101"],
    [0.1, "0.1"],
    [50, "50.0"],
    [75, "75.0"],
    [1e7, "1.0E7"],
    [1.2345e-5, "1.2345E-5"],
    [0.001, "0.001"],
    [12345678.9, "1.23456789E7"],
    [9999999.999, "9999999.999"],
    [1e-4, "1.0E-4"],
    [0.0009999, "9.999E-4"],
    [123456789, "1.23456789E8"],
    [1e21, "1.0E21"],
    [1e100, "1.0E100"],
    [1.5e-300, "1.5E-300"],
    [Number.MAX_VALUE, "1.7976931348623157E308"],
    [66.66666666666667, "66.66666666666667"],
    [2 / 3, "0.6666666666666666"],
    [0.30000000000000004, "0.30000000000000004"],
    [-1, "-1.0"],
    [-0.5, "-0.5"],
    [-99.64592817400101, "-99.64592817400101"],
    [-1e7, "-1.0E7"],
    [-12345678.9, "-1.23456789E7"],
    [-1.2345e-5, "-1.2345E-5"],
    [-0.001, "-0.001"],
    [Number.NaN, "NaN"],
    [Number.POSITIVE_INFINITY, "Infinity"],
    [Number.NEGATIVE_INFINITY, "-Infinity"],
  ];
  for (const [x, s] of table) {
    it(`${String(x)} → ${s}`, () => {
      expect(javaDouble(x)).toBe(s);
    });
  }

  it("uses plain notation with a fractional digit in [1e-3, 1e7), computerized scientific notation outside; both read back as the same double", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const s = javaDouble(x);
        const abs = Math.abs(x);
        if (x === 0) return s === (Object.is(x, -0) ? "-0.0" : "0.0");
        if (abs >= 1e-3 && abs < 1e7) {
          if (!/^-?\d+\.\d+$/.test(s)) return false;
        } else if (!/^-?[1-9]\.\d+E-?[1-9]\d*$/.test(s)) {
          return false;
        }
        return Number(s.replace("E", "e")) === x;
      }),
      params(701, 2000),
    );
  });
});
