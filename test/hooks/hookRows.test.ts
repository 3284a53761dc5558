import { describe, expect, it } from "vitest";
import { hookRows } from "../../src/hooks/hookRows.js";
import { flattenObject } from "../../src/records/flatten.js";

/** A preprocess hook's result as rows, flattened by the same flattenObject as JSON payloads. */
describe("hookRows", () => {
  it("drops the record for null, undefined and []; one row per object", () => {
    expect(hookRows(null)).toEqual({ ok: true, rows: [] });
    expect(hookRows(undefined)).toEqual({ ok: true, rows: [] });
    expect(hookRows([])).toEqual({ ok: true, rows: [] });
    expect(hookRows({ a: 1 })).toEqual({ ok: true, rows: [{ a: 1 }] });
    expect(hookRows([{ a: 1 }, { b: 2 }])).toEqual({ ok: true, rows: [{ a: 1 }, { b: 2 }] });
  });

  it("flattens nested objects exactly as JSON payloads are flattened, keeping a __proto__ key as a feature", () => {
    const value = JSON.parse('{"a":{"b":{"c":1}},"d":[1,2],"__proto__":{"x":2}}') as Record<string, unknown>;
    const r = hookRows(value);
    expect(r).toEqual({ ok: true, rows: [flattenObject(value)] });
    expect(r.ok && Object.keys(r.rows[0] ?? {})).toEqual(["a.b.c", "d", "__proto__.x"]);
  });

  it("flattens deep results without recursion", () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 20_000; i++) deep = { n: deep };
    const r = hookRows(deep);
    expect(r.ok && Object.keys(r.rows[0] ?? {})[0]?.split(".")).toHaveLength(20_001);
  });

  it("anything else is preprocess_invalid_result saying what was returned", () => {
    expect(hookRows("x")).toEqual({
      ok: false,
      kind: "preprocess_invalid_result",
      detail: "preprocess returned string; expected a flat object, an array of objects, null or []",
    });
    expect(hookRows([{ a: 1 }, 2])).toMatchObject({ ok: false, detail: expect.stringContaining("an array with a non-object element") });
  });
});
