import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BOOLEAN_PATTERN, classifyRaw, classifyString, FRACTIONAL_PATTERN, INTEGRAL_PATTERN, parseNumeric, ValueKind } from "../../src/records/valueType.js";

/** Deequ's rules, literally: the regexes in their order; white space only is missing (decisions). */
function deequ(s: string): ValueKind {
  if (s.trim().length === 0) return ValueKind.Missing;
  if (FRACTIONAL_PATTERN.test(s)) return ValueKind.Fractional;
  if (INTEGRAL_PATTERN.test(s)) return ValueKind.Integral;
  if (BOOLEAN_PATTERN.test(s)) return ValueKind.Boolean;
  return ValueKind.String;
}

describe("classifyString", () => {
  const table: Array<[string, ValueKind]> = [
    [" 12", ValueKind.Integral],
    ["+1", ValueKind.Integral],
    ["-7", ValueKind.Integral],
    ["- 7", ValueKind.Integral],
    ["007", ValueKind.Integral],
    ["1e5", ValueKind.Fractional],
    ["1E-05", ValueKind.Fractional],
    ["1.5e+3", ValueKind.Fractional],
    ["3.14", ValueKind.Fractional],
    ["1.", ValueKind.String],
    [".5", ValueKind.String],
    ["1.e5", ValueKind.String],
    ["NaN", ValueKind.String],
    ["Infinity", ValueKind.String],
    ["true", ValueKind.Boolean],
    ["false", ValueKind.Boolean],
    ["True", ValueKind.String],
    ["", ValueKind.Missing],
    ["  ", ValueKind.Missing],
    ["\t", ValueKind.Missing],
    ["12 ", ValueKind.String],
    ["  12", ValueKind.String],
    ["1,000", ValueKind.String],
    ["0x1F", ValueKind.String],
    ["٣", ValueKind.String], // Arabic-Indic digit: \d is ASCII only in Java regex
    ["+", ValueKind.String],
    ["-", ValueKind.String],
  ];
  it.each(table)("%j is %s", (s, kind) => {
    expect(classifyString(s)).toBe(kind);
    expect(deequ(s)).toBe(kind);
  });

  it("agrees with Deequ's regexes on arbitrary strings", () => {
    const alphabet = fc.constantFrom("0", "1", "9", ".", "e", "E", "+", "-", " ", "t", "r", "u", "f", "a", "l", "s", "x", "\t");
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 8 }).map((a) => a.join("")),
        (s) => {
          expect(classifyString(s)).toBe(deequ(s));
        },
      ),
      { numRuns: 20000 },
    );
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(classifyString(s)).toBe(deequ(s));
      }),
      { numRuns: 5000 },
    );
  });
});

describe("parseNumeric", () => {
  it("reads the space the regexes allow after a sign", () => {
    expect(parseNumeric("- 12")).toBe(-12);
    expect(parseNumeric("+ 1.5")).toBe(1.5);
    expect(parseNumeric(" 12")).toBe(12);
    expect(parseNumeric("1e5")).toBe(100000);
  });
});

describe("classifyRaw", () => {
  it("types JSON values", () => {
    expect(classifyRaw(3)).toBe(ValueKind.Integral);
    expect(classifyRaw(3.5)).toBe(ValueKind.Fractional);
    expect(classifyRaw(true)).toBe(ValueKind.Boolean);
    expect(classifyRaw(null)).toBe(ValueKind.Missing);
    expect(classifyRaw(undefined)).toBe(ValueKind.Missing);
    expect(classifyRaw([1, 2])).toBe(ValueKind.String);
    expect(classifyRaw("12")).toBe(ValueKind.Integral);
  });
});
