import { describe, expect, it } from "vitest";
import { runChecks } from "../../src/checks/index.js";
import { alignKeyedColumns, sortedByName } from "../../src/profiles/alignKeyedColumns.js";
import { currentView } from "../../src/profiles/currentView.js";
import { DatasetProfile } from "../../src/profiles/DatasetProfile.js";
import { captureRows } from "../../src/records/decoders/sagemakerCapture/captureRecord.js";
import { objectKeysOf } from "../../src/records/featureRow.js";
import { baselineFromRows } from "../checks/support.js";

/** A header-less CSV baseline `_c0` … `_c58`, all Integral, as in SageMaker's workshop. */
const names = Array.from({ length: 59 }, (_, i) => `_c${i}`);
const baselineRows = Array.from({ length: 50 }, (_, r) => Object.fromEntries(names.map((n, i) => [n, r + i])));
const baselineConstraints = { version: 0, features: names.map((name) => ({ name, inferred_type: "Integral", completeness: 1.0 })) };

/** The workshop's preprocessor output as JSON payloads: floats in _c0, _c1, _c2, integers elsewhere. */
function jsonWindow(rows: number): DatasetProfile {
  const p = new DatasetProfile();
  for (let r = 0; r < rows; r++) {
    const data = JSON.stringify(Object.fromEntries(names.map((n, i) => [n, i < 3 ? r + i + 0.5 : r + i])));
    const parsed = captureRows(
      { captureData: { endpointInput: { observedContentType: "application/json", mode: "INPUT", data, encoding: "JSON" } } } as never,
      { featureNames: names, outputColumnsPosition: "START" },
    );
    if (!parsed.ok) throw new Error(parsed.detail);
    for (const row of parsed.value) p.addObjectRow(row, objectKeysOf(row));
  }
  return p;
}

describe("JSON object keys matched to the baseline by sorted position (SageMaker's rule, issue 10 point 7)", () => {
  it("reproduces the workshop's real violations: _c0, _c12 and _c1, not _c2", () => {
    const window = jsonWindow(40);
    const { profile, renamed } = alignKeyedColumns(window, names, "sorted_position");
    expect(renamed["_c2"]).toBe("_c12");
    expect(renamed["_c10"]).toBe("_c2");
    const { violations } = runChecks(currentView(profile), baselineFromRows(baselineConstraints, baselineRows));
    expect(violations.filter((v) => v.constraint_check_type === "data_type_check").map((v) => v.feature_name)).toEqual(["_c0", "_c1", "_c12"]);
  });

  it("matches by name with json_column_matching: name", () => {
    const { profile, renamed } = alignKeyedColumns(jsonWindow(40), names, "name");
    expect(renamed).toEqual({});
    const { violations } = runChecks(currentView(profile), baselineFromRows(baselineConstraints, baselineRows));
    expect(violations.filter((v) => v.constraint_check_type === "data_type_check").map((v) => v.feature_name)).toEqual(["_c0", "_c1", "_c2"]);
  });

  it("takes the union of the window's keys: a key some records lack is missing there, it does not shift the others", () => {
    const p = new DatasetProfile();
    p.addObjectRow({ a: 1, b: 2, c: 3 }, "all");
    p.addObjectRow({ a: 1, c: 3 }, "all");
    const { profile } = alignKeyedColumns(p, ["A", "B", "C"], "sorted_position");
    expect([...profile.features.keys()]).toEqual(["A", "B", "C"]);
    expect(profile.features.get("B")?.numPresent).toBe(1);
    expect(profile.features.get("C")?.numPresent).toBe(2);
  });

  it("leaves positional columns (a CSV output beside a JSON input) in their places and fills the other baseline names", () => {
    const p = new DatasetProfile();
    p.addObjectRow({ score: 0.5, z: 1, y: 2 }, new Set(["z", "y"]));
    const { profile, renamed } = alignKeyedColumns(p, ["score", "f1", "f2"], "sorted_position");
    expect(renamed).toEqual({ y: "f1", z: "f2" });
    expect([...profile.features.keys()]).toEqual(["score", "f2", "f1"]);
  });

  it("counts columns: more keys than baseline names are extra columns under their own names", () => {
    const p = new DatasetProfile();
    p.addObjectRow({ b: 1, a: 2, c: 3 }, "all");
    const { profile } = alignKeyedColumns(p, ["x", "y"], "sorted_position");
    expect([...profile.features.keys()].sort()).toEqual(["c", "x", "y"]);
    const fewer = new DatasetProfile();
    fewer.addObjectRow({ q: 1 }, "all");
    expect([...alignKeyedColumns(fewer, ["x", "y"], "sorted_position").profile.features.keys()]).toEqual(["x"]);
  });

  it("keeps keys through merge and serialization", () => {
    const a = new DatasetProfile();
    a.addObjectRow({ k: 1 }, "all");
    const b = new DatasetProfile();
    b.addObjectRow({ j: 1, p: 2 }, new Set(["j"]));
    const merged = a.merge(b);
    expect([...merged.keyed]).toEqual(["k", "j"]);
    expect([...DatasetProfile.deserialize(JSON.parse(JSON.stringify(merged.serialize()))).keyed]).toEqual(["k", "j"]);
    expect(() => DatasetProfile.deserialize({ ...merged.serialize(), keyed: ["nope"] })).toThrow(/keyed must list names/);
  });

  it("sortedByName orders features as Spark's JSON schema inference does (UTF-16 code units)", () => {
    const p = new DatasetProfile();
    p.addObjectRow({ b: 1, B: 1, _c10: 1, _c2: 1, é: 1, a: 1 });
    expect([...sortedByName(p).features.keys()]).toEqual(["B", "_c10", "_c2", "a", "b", "é"]);
  });
});
