/**
 * The order in which SageMaker's analyzer lists categorical buckets (`distribution.categorical.
 * buckets` in statistics.json) and suggested `string_constraints.domains` (constraints.json): the
 * iteration order of a Scala 2.12 `immutable.HashMap[String, _]` holding the value strings.
 *
 * Scala 2.12 (scala/scala, tag v2.12.15 — the Scala of Spark 3.3.0 — file
 * src/library/scala/collection/immutable/HashMap.scala):
 * - a key's hash is `improve(key.##)`, and for a String `##` is Java's String.hashCode
 *   (s[0]·31^(n−1) + … + s[n−1] over UTF-16 code units, 32-bit);
 * - `improve(h) = { h += ~(h << 9); h ^= h >>> 14; h += h << 4; h ^ (h >>> 10) }` (32-bit ints);
 * - a HashTrieMap stores its children in a 32-slot bitmap indexed by `(hash >>> level) & 31` with
 *   level = 0, 5, 10, …, 30, and its TrieIterator walks the children in slot order. So keys come
 *   out ordered by (h & 31, (h >>> 5) & 31, (h >>> 10) & 31, …, h >>> 30), i.e. by the 32-bit
 *   number whose 5-bit groups are those of h in reverse order;
 * - keys with the same improved hash (improve is a bijection, so: the same String.hashCode, e.g.
 *   "Aa" and "BB") share a HashMapCollision1 node whose ListMap iterates in insertion order.
 *
 * `scalaHashMapOrder` sorts by that key; equal hashes keep their order in the input (a stable
 * sort), which is Scala's order when the input is in insertion order.
 *
 * Checked against the real 2024 SageMaker baselining job (ScottReidux/aai-540, statistics.json and
 * constraints.json of 2024-10-27): the bucket orders of `state` (54 values), `county` (83) and
 * `event_time` (1), and the `domains` order of constraints.json, are reproduced exactly from the
 * shuffled value sets (test/profiles/scalaHashMapOrder.test.ts).
 *
 * Which map Deequ builds (awslabs/deequ tag 2.0.2, profiles/ColumnProfiler.scala,
 * computeHistograms): `counts = data.rdd.flatMap(row => (column -> value, 1) per target column)
 * .countByKey()` — Spark's countByKey is `reduceByKey(_ + _).collect().toMap`, a
 * `scala.collection.Map[(String, String), Long]` over all histogram columns together — then per
 * column `counts.filter(column == target).map { case ((_, value), n) => value -> n }.toMap` and
 * `.map { case (value, n) => value -> DistributionValue(…) }`. Those `map` calls go through
 * `immutable.MapBuilder`, which makes `Map1`…`Map4` (insertion order) for up to 4 entries and an
 * `immutable.HashMap` from 5 on. Consequences:
 * - 5 or more values: the value-string HashMap order above (what `scalaHashMapOrder` returns).
 * - 1 to 4 values: insertion order, i.e. the iteration order of `counts`: a HashMap keyed by the
 *   tuple (column, value), hashed with Scala 2.12's MurmurHash3.productHash (Tuple2's hashCode;
 *   `scalaTuple2StringHash`) — provided all histogram columns together have more than 4
 *   (column, value) pairs; with 4 or fewer, `counts` is itself a Map1…Map4 in Spark's collect
 *   order. `deequHistogramOrder(column, values)` implements this; `scalaHashMapOrder` does not
 *   (for 2–4 values it gives the value-hash order, which differs: e.g. ["yes", "no", "maybe"] is
 *   maybe, yes, no as a HashMap but maybe, no, yes through Deequ's path for column "answer").
 * - Values with equal String.hashCode also have equal tuple hashes, so in both cases they reach
 *   the collision node in Spark's collect order (reduceByKey's partition order): not reproducible
 *   from the values. Both functions keep such values in their input order.
 * - The order is that of the maps' `iterator`/`foreach`; `keys`/`keySet` (a HashSet) would list
 *   colliding values differently.
 *
 * Checked on the JVM during development (harnesses not kept in this repository): Scala 2.12.15's
 * immutable.HashMap iteration order for 400 random value sets of 1–300 strings (non-ASCII,
 * astral and colliding strings included), Tuple2 hashes for 500 pairs, and the Deequ
 * computeHistograms code shape (collect().toMap, filter, map, toMap, map) for 300 random sets of
 * 1–3 histogram columns with 1–40 values each, all identical to these functions.
 *
 * Unverified against SageMaker: the 1–4 value case (no real artifact has a categorical feature
 * with 2–4 values; the derivation above is from Deequ's source and the Scala 2.12 library, not
 * from SageMaker output), and the order of String.hashCode collisions (none in the artifact). It is
 * assumed that SageMaker writes buckets and domains in the Distribution map's iteration order
 * (true for the artifact's 54- and 83-value features).
 */

/** Java's String.hashCode over UTF-16 code units, as a signed 32-bit int. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** Scala 2.12 `immutable.HashMap.improve`. */
export function improveHash(hcode: number): number {
  let h = (hcode + ~(hcode << 9)) | 0;
  h ^= h >>> 14;
  h = (h + (h << 4)) | 0;
  return h ^ (h >>> 10);
}

/**
 * The position of a hash in HashTrieMap iteration order, as an unsigned 32-bit number: the 5-bit
 * groups of h from the least significant (level 0) to the last 2-bit group (level 30), most
 * significant first.
 */
export function trieOrderKey(h: number): number {
  return (
    (((h & 31) << 27) |
      (((h >>> 5) & 31) << 22) |
      (((h >>> 10) & 31) << 17) |
      (((h >>> 15) & 31) << 12) |
      (((h >>> 20) & 31) << 7) |
      (((h >>> 25) & 31) << 2) |
      (h >>> 30)) >>>
    0
  );
}

/** Orders `items` (stably) by the HashTrieMap position of `hashOf(item)`. */
function trieSort<T>(items: readonly T[], hashOf: (item: T) => number): T[] {
  const keyed = items.map((item, i) => ({ item, key: trieOrderKey(improveHash(hashOf(item))), i }));
  keyed.sort((a, b) => a.key - b.key || a.i - b.i);
  return keyed.map((k) => k.item);
}

/**
 * `values` in the iteration order of a Scala 2.12 `immutable.HashMap[String, _]` holding them
 * (as SageMaker orders categorical buckets of features with 5 or more values). Values with equal
 * String.hashCode keep their input order. Duplicates are not removed.
 */
export function scalaHashMapOrder(values: readonly string[]): string[] {
  return trieSort(values, javaStringHashCode);
}

/** Scala 2.12 `(a, b).##` for two Strings: MurmurHash3.productHash with productSeed 0xcafebabe. */
export function scalaTuple2StringHash(a: string, b: string): number {
  let h = 0xcafebabe | 0;
  h = murmurMix(h, javaStringHashCode(a));
  h = murmurMix(h, javaStringHashCode(b));
  return murmurAvalanche(h ^ 2);
}

function murmurMix(hash: number, data: number): number {
  let k = Math.imul(data, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  let h = hash ^ k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function murmurAvalanche(hash: number): number {
  let h = hash;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/**
 * The order of Deequ's histogram (ColumnProfiler.computeHistograms) for `column` with these
 * distinct `values`: with 5 or more values the value-string HashMap order (`scalaHashMapOrder`);
 * with 1–4 values the HashMap order of the (column, value) tuples. Values with equal
 * String.hashCode keep their input order (Deequ: Spark's collect order). Assumes the job's
 * histogram columns together have more than 4 (column, value) pairs (otherwise Deequ's order is
 * Spark's collect order); see the header for what is unverified against SageMaker.
 */
export function deequHistogramOrder(column: string, values: readonly string[]): string[] {
  if (values.length > 4) return scalaHashMapOrder(values);
  return trieSort(values, (v) => scalaTuple2StringHash(column, v));
}
