/**
 * Java's `Double.toString` (JDK 19+, shortest repr), which SageMaker's Scala analyzer uses for the
 * numbers in violation descriptions ("Expected match: 100.0%", "Only 99.64592817400101% …"):
 * plain notation with at least one fractional digit for 1e-3 ≤ |x| < 1e7, else computerized
 * scientific notation ("1.0E-4", "1.2345E7").
 */
export function javaDouble(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Number.POSITIVE_INFINITY) return "Infinity";
  if (x === Number.NEGATIVE_INFINITY) return "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(x);
    return s.includes(".") ? s : `${s}.0`;
  }
  const [mantissa, exponent] = x.toExponential().split("e") as [string, string];
  const m = mantissa.includes(".") ? mantissa : `${mantissa}.0`;
  return `${m}E${exponent.startsWith("+") ? exponent.slice(1) : exponent}`;
}
