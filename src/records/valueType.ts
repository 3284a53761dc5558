/**
 * Deequ's per-value type rules (awslabs/deequ 2.0.2, analyzers/DataType.scala), which SageMaker's
 * analyzer inherits. A non-missing string is tested in this order:
 *   Fractional  ^(-|\+)? ?\d+((\.\d+)|((?:\.\d+)?[Ee][-+]?\d+))$
 *   Integral    ^(-|\+)? ?\d+$
 *   Boolean     ^(true|false)$
 *   otherwise   String
 * dqstream's decision: empty and white-space-only strings are missing. `\d` is ASCII [0-9]
 * (Java regex without UNICODE_CHARACTER_CLASS). The scanner below is the regexes written out as
 * an automaton for speed; test/records/valueType.test.ts checks it against the regexes.
 */
export const ValueKind = {
  Missing: 0,
  Integral: 1,
  Fractional: 2,
  Boolean: 3,
  String: 4,
} as const;
export type ValueKind = (typeof ValueKind)[keyof typeof ValueKind];

export const FRACTIONAL_PATTERN = /^(-|\+)? ?\d+((\.\d+)|((?:\.\d+)?[Ee][-+]?\d+))$/;
export const INTEGRAL_PATTERN = /^(-|\+)? ?\d+$/;
export const BOOLEAN_PATTERN = /^(true|false)$/;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Number of ASCII digits from i on. */
function digitsFrom(s: string, i: number): number {
  let j = i;
  while (j < s.length && isDigit(s.charCodeAt(j))) j++;
  return j - i;
}

export function classifyString(s: string): ValueKind {
  const n = s.length;
  if (n === 0) return ValueKind.Missing;
  let i = 0;
  let c = s.charCodeAt(0);
  if (c === 45 /* - */ || c === 43 /* + */) {
    i = 1;
    c = s.charCodeAt(1);
  }
  if (c === 32 /* space */) {
    i++;
  }
  const intDigits = digitsFrom(s, i);
  if (intDigits > 0) {
    i += intDigits;
    if (i === n) return ValueKind.Integral;
    c = s.charCodeAt(i);
    if (c === 46 /* . */) {
      const frac = digitsFrom(s, i + 1);
      if (frac === 0) return whitespaceOr(s, ValueKind.String);
      i += 1 + frac;
      if (i === n) return ValueKind.Fractional;
      c = s.charCodeAt(i);
    }
    if (c === 69 /* E */ || c === 101 /* e */) {
      i++;
      c = s.charCodeAt(i);
      if (c === 45 || c === 43) i++;
      const exp = digitsFrom(s, i);
      if (exp > 0 && i + exp === n) return ValueKind.Fractional;
    }
    return ValueKind.String;
  }
  if (s === "true" || s === "false") return ValueKind.Boolean;
  return whitespaceOr(s, ValueKind.String);
}

function whitespaceOr(s: string, kind: ValueKind): ValueKind {
  return s.trim().length === 0 ? ValueKind.Missing : kind;
}

/**
 * The number a string classified Integral or Fractional denotes. The regexes allow one space
 * between the sign and the digits ("- 12"), which `Number` rejects, so it is removed first.
 */
export function parseNumeric(s: string): number {
  const c = s.charCodeAt(1);
  if (c === 32 && (s.charCodeAt(0) === 45 || s.charCodeAt(0) === 43)) return Number(s[0] + s.slice(2));
  return Number(s);
}

/** Raw values as they come from CSV (strings) or JSON (typed). */
export type RawValue = string | number | boolean | null | undefined | object;

/**
 * Type of a JSON value: numbers are Integral when integer-valued, else Fractional; booleans
 * Boolean; strings by the regexes; null/undefined missing; arrays and objects String (their
 * JSON text is the value).
 */
export function classifyRaw(v: RawValue): ValueKind {
  if (typeof v === "string") return classifyString(v);
  if (v === null || v === undefined) return ValueKind.Missing;
  if (typeof v === "number") {
    if (Number.isNaN(v)) return ValueKind.Missing;
    return Number.isInteger(v) ? ValueKind.Integral : ValueKind.Fractional;
  }
  if (typeof v === "boolean") return ValueKind.Boolean;
  return ValueKind.String;
}
