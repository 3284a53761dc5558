/**
 * scalaHashMapOrder / deequHistogramOrder: the order SageMaker lists categorical buckets and
 * suggested domains in.
 *
 * Where the expected values come from:
 * - STATES, COUNTIES and the event_time value: the categorical buckets, in order, of a real 2024
 *   SageMaker baselining job (ScottReidux/aai-540, statistics.json of 2024-10-27); its
 *   constraints.json lists the same `domains` in the same order. The values are US state and
 *   county names.
 * - Hash codes, improved hashes, Tuple2 hashes and the small-map orders: Scala 2.12.15
 *   (scala-library 2.12.15 on JDK 17) during development — immutable.HashMap's iterator, and
 *   Deequ 2.0.2's computeHistograms code shape (collect().toMap, filter, map, toMap, map).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  deequHistogramOrder,
  improveHash,
  javaStringHashCode,
  scalaHashMapOrder,
  scalaTuple2StringHash,
  trieOrderKey,
} from "../../src/profiles/scalaHashMapOrder.js";
import { params, prng } from "../laws/lawSupport.js";
import { COUNTIES, EVENT_TIME, STATES } from "../support/sagemaker2024.js";

function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs];
  const r = prng(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe("scalaHashMapOrder against the 2024 SageMaker output", () => {
  it("reproduces the state, county and event_time bucket (and domains) order from shuffled value sets", () => {
    expect(STATES).toHaveLength(54);
    expect(COUNTIES).toHaveLength(83);
    for (let seed = 1; seed <= 20; seed++) {
      expect(scalaHashMapOrder(shuffled(STATES, seed))).toStrictEqual(STATES);
      expect(scalaHashMapOrder(shuffled(COUNTIES, seed))).toStrictEqual(COUNTIES);
    }
    expect(scalaHashMapOrder([...STATES].sort())).toStrictEqual(STATES);
    expect(scalaHashMapOrder([...COUNTIES].reverse())).toStrictEqual(COUNTIES);
    expect(scalaHashMapOrder([EVENT_TIME])).toStrictEqual([EVENT_TIME]);
  });

  it("deequHistogramOrder agrees for these columns (more than 4 values, or a single one)", () => {
    expect(deequHistogramOrder("state", shuffled(STATES, 3))).toStrictEqual(STATES);
    expect(deequHistogramOrder("county", shuffled(COUNTIES, 4))).toStrictEqual(COUNTIES);
    expect(deequHistogramOrder("event_time", [EVENT_TIME])).toStrictEqual([EVENT_TIME]);
  });
});

describe("hashes (values from Scala 2.12.15 on the JVM)", () => {
  it("javaStringHashCode is Java's String.hashCode over UTF-16 units", () => {
    const cases: Array<[string, number]> = [
      ["", 0],
      ["a", 97],
      ["hello", 99162322],
      ["Aa", 2112],
      ["BB", 2112],
      ["\u{1F600}", 1772899],
      ["São Paulo", 1507770662],
      ["New Mexico", 1560287093],
      [EVENT_TIME, 1671784142],
    ];
    for (const [s, h] of cases) expect(javaStringHashCode(s), JSON.stringify(s)).toBe(h);
  });

  it("improveHash is HashMap.improve", () => {
    const cases: Array<[number, number]> = [
      [0, -8130816],
      [1, -8139033],
      [-1, 8662],
      [-2147483648, 2143418240],
      [2147483647, -2147341994],
      [123456789, 1272491941],
      [javaStringHashCode("hello"), 1864930842],
      [javaStringHashCode("Aa"), -24362134],
      [javaStringHashCode("New Mexico"), 702297248],
      [javaStringHashCode(EVENT_TIME), -1501833694],
    ];
    for (const [h, improved] of cases) expect(improveHash(h), String(h)).toBe(improved);
  });

  it("scalaTuple2StringHash is (a, b).## (MurmurHash3.productHash)", () => {
    const cases: Array<[string, string, number]> = [
      ["state", "Arizona", -1602858648],
      ["a", "b", -900438667],
      ["", "", -1107367767],
      ["county", "Unknown", -355339242],
    ];
    for (const [a, b, h] of cases) expect(scalaTuple2StringHash(a, b)).toBe(h);
  });

  it("trieOrderKey orders by the 5-bit groups of h from the least significant", () => {
    expect(trieOrderKey(0)).toBe(0);
    expect(trieOrderKey(1)).toBe(2 ** 27); // slot 1 at level 0
    expect(trieOrderKey(32)).toBe(2 ** 22); // slot 0 at level 0, slot 1 at level 5
    expect(trieOrderKey(-1)).toBe(2 ** 32 - 1);
    expect(trieOrderKey(1 << 30)).toBe(1); // the last level holds 2 bits
    expect(trieOrderKey(31)).toBeGreaterThan(trieOrderKey(30 + (31 << 5)));
  });
});

describe("scalaHashMapOrder (orders from Scala 2.12.15's immutable.HashMap iterator)", () => {
  it("matches HashMap iteration for small sets", () => {
    const cases: Array<[string[], string[]]> = [
      [
        ["true", "false"],
        ["false", "true"],
      ],
      [
        ["0", "1"],
        ["1", "0"],
      ],
      [
        ["yes", "no", "maybe"],
        ["maybe", "yes", "no"],
      ],
      [
        ["a", "b", "c", "d"],
        ["a", "b", "c", "d"],
      ],
      [
        ["a", "b", "c", "d", "e"],
        ["e", "a", "b", "c", "d"],
      ],
    ];
    for (const [input, expected] of cases) {
      expect(scalaHashMapOrder(input)).toStrictEqual(expected);
      expect(scalaHashMapOrder([...input].reverse())).toStrictEqual(expected);
    }
  });

  it("keeps values with equal String.hashCode in input (= insertion) order, as HashMapCollision1 does", () => {
    expect(scalaHashMapOrder(["AaAa", "BBBB", "AaBB", "BBAa", "x", "y", "z"])).toStrictEqual(["x", "y", "AaAa", "BBBB", "AaBB", "BBAa", "z"]);
    expect(scalaHashMapOrder(["BBBB", "AaAa", "BBAa", "AaBB", "x", "y", "z"])).toStrictEqual(["x", "y", "BBBB", "AaAa", "BBAa", "AaBB", "z"]);
    expect(scalaHashMapOrder(["Aa", "BB"])).toStrictEqual(["Aa", "BB"]);
    expect(scalaHashMapOrder(["BB", "Aa"])).toStrictEqual(["BB", "Aa"]);
  });

  it("is a permutation that depends only on the set when hash codes are distinct, and leaves its input alone", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ maxLength: 12 }), { maxLength: 150 }), fc.nat(), (values, seed) => {
        const distinctHashes = new Set(values.map(javaStringHashCode)).size === values.length;
        const copy = [...values];
        const a = scalaHashMapOrder(values);
        expect(values).toStrictEqual(copy);
        expect([...a].sort()).toStrictEqual([...values].sort());
        if (distinctHashes) expect(scalaHashMapOrder(shuffled(values, seed))).toStrictEqual(a);
        const keys = a.map((v) => trieOrderKey(improveHash(javaStringHashCode(v))));
        for (let i = 1; i < keys.length; i++) expect(keys[i - 1]! <= keys[i]!).toBe(true);
      }),
      params(3201, 200),
    );
  });
});

describe("deequHistogramOrder (orders from Deequ's computeHistograms code shape on Scala 2.12.15)", () => {
  it("orders 1–4 values by the (column, value) tuple HashMap, which differs from the value HashMap", () => {
    const cases: Array<[string, string[], string[]]> = [
      ["flag", ["0", "1"], ["1", "0"]],
      ["bool", ["true", "false"], ["false", "true"]],
      ["answer", ["yes", "no", "maybe"], ["maybe", "no", "yes"]],
      ["grade", ["A", "B", "C", "D"], ["D", "B", "A", "C"]],
    ];
    for (const [column, input, expected] of cases) {
      expect(deequHistogramOrder(column, input)).toStrictEqual(expected);
      expect(deequHistogramOrder(column, [...input].reverse())).toStrictEqual(expected);
    }
    expect(scalaHashMapOrder(["yes", "no", "maybe"])).toStrictEqual(["maybe", "yes", "no"]);
    expect(scalaHashMapOrder(["A", "B", "C", "D"])).not.toStrictEqual(["D", "B", "A", "C"]);
  });

  it("uses the value HashMap from 5 values on, colliding values in input (Spark collect) order", () => {
    expect(deequHistogramOrder("coll", ["AaAa", "BBBB", "AaBB", "BBAa", "x", "y"])).toStrictEqual(["x", "y", "AaAa", "BBBB", "AaBB", "BBAa"]);
    expect(deequHistogramOrder("coll", ["y", "x", "BBAa", "AaBB", "BBBB", "AaAa"])).toStrictEqual(["x", "y", "BBAa", "AaBB", "BBBB", "AaAa"]);
    expect(deequHistogramOrder("pair", ["Aa", "BB"])).toStrictEqual(["Aa", "BB"]);
    expect(deequHistogramOrder("pair", ["BB", "Aa"])).toStrictEqual(["BB", "Aa"]);
  });
});
