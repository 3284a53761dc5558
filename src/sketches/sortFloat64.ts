import { endianness } from "node:os";

const LITTLE_ENDIAN = endianness() === "LE";
/** Digit widths of the six LSD passes over a 64-bit key: low word 11+11+10 bits, high word the same. */
const PASSES: ReadonlyArray<readonly [word: 0 | 1, shift: number, bits: number]> = [
  [0, 0, 11],
  [0, 11, 11],
  [0, 22, 10],
  [1, 0, 11],
  [1, 11, 11],
  [1, 22, 10],
];
const counts = new Uint32Array(1 << 11);
let scratch = new Uint32Array(0);

/**
 * Sorts finite doubles ascending in place: the order of `Float64Array.prototype.sort` (−0 before
 * +0), by an LSD radix sort on the IEEE-754 bits, which is several times faster on the ~2,000-item
 * buffers a KLL compaction sorts. Keys are mapped to unsigned order (negative: all bits inverted;
 * positive: sign bit set), sorted in six 10–11-bit passes (a pass whose digit is the same for every
 * key is skipped), and mapped back. Equal keys have equal bits, so the result is the same array
 * `sort()` gives. NaN must not occur. Falls back to `sort()` for short arrays and big-endian hosts.
 */
export function sortFloat64(a: Float64Array): void {
  const n = a.length;
  if (n < 128 || !LITTLE_ENDIAN) {
    a.sort();
    return;
  }
  let src: Uint32Array<ArrayBufferLike> = new Uint32Array(a.buffer, a.byteOffset, 2 * n);
  const original = src;
  if (scratch.length < 2 * n) scratch = new Uint32Array(2 * n);
  let dst: Uint32Array<ArrayBufferLike> = scratch.subarray(0, 2 * n);
  for (let k = 0; k < 2 * n; k += 2) {
    const hi = src[k + 1] as number;
    if (hi & 0x80000000) {
      src[k] = ~(src[k] as number);
      src[k + 1] = ~hi;
    } else {
      src[k + 1] = hi | 0x80000000;
    }
  }
  for (const [word, shift, bits] of PASSES) {
    const mask = (1 << bits) - 1;
    const size = 1 << bits;
    counts.fill(0, 0, size);
    for (let k = word; k < 2 * n; k += 2) counts[((src[k] as number) >>> shift) & mask]!++;
    if (counts[((src[word] as number) >>> shift) & mask] === n) continue;
    let sum = 0;
    for (let d = 0; d < size; d++) {
      const c = counts[d] as number;
      counts[d] = sum;
      sum += c;
    }
    for (let k = 0; k < 2 * n; k += 2) {
      const d = ((src[k + word] as number) >>> shift) & mask;
      const at = 2 * (counts[d] as number);
      counts[d]!++;
      dst[at] = src[k] as number;
      dst[at + 1] = src[k + 1] as number;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src !== original) original.set(src);
  for (let k = 0; k < 2 * n; k += 2) {
    const hi = original[k + 1] as number;
    if (hi & 0x80000000) {
      original[k + 1] = hi & 0x7fffffff;
    } else {
      original[k] = ~(original[k] as number);
      original[k + 1] = ~hi;
    }
  }
}
