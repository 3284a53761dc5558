// Issue 9, point 3: too many features. A window profiles at most max_features features (the
// baseline's always); the rest are counted and raise extra_column_check; memory is bounded.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { NOT_PROFILED_FEATURES } from "../../src/checks/Check.js";
import { DatasetProfile, type FeatureLimit } from "../../src/profiles/DatasetProfile.js";
import { ensureBuilt } from "../support/cli.js";
import { capture, jsonCapture, replay, STATS, tempDir, windows } from "./support.js";

beforeAll(() => ensureBuilt());

const row = (keys: readonly string[], value = 1): Record<string, number> => Object.fromEntries(keys.map((k) => [k, value]));
const names = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe("3: too many features", () => {
  const limit: FeatureLimit = { maxFeatures: 10, reserved: new Set(["a", "b", "c"]) };

  it("3: a profile holds the reserved (baseline) features always and at most max_features in all; the rest are counted", () => {
    const p = new DatasetProfile(undefined, limit);
    p.addObjectRow(row(names("x", 50)));
    p.addObjectRow(row(["a", "b", "c", "x0"]));
    expect([...p.features.keys()]).toEqual(["x0", "x1", "x2", "x3", "x4", "x5", "x6", "a", "b", "c"]);
    expect(p.notProfiled.values).toBe(43);
    expect(p.notProfiled.distinctNames()).toBe(43);
    // memory does not grow with more names
    for (let i = 0; i < 20; i++) p.addObjectRow(row(names(`y${i}-`, 1000)));
    expect(p.features.size).toBe(10);
    expect(p.notProfiled.values).toBe(20_043);
  });

  it("3: merging keeps the limit, in operand order, and counts what it leaves out; state round-trips", () => {
    const left = new DatasetProfile(undefined, limit);
    left.addObjectRow(row(["a", ...names("l", 6)]));
    const right = new DatasetProfile(undefined, limit);
    right.addObjectRow(row(["b", ...names("r", 6)]));
    const merged = left.merge(right);
    expect([...merged.features.keys()]).toEqual(["a", "l0", "l1", "l2", "l3", "l4", "l5", "b", "r0"]);
    expect(merged.notProfiled.values).toBe(5);
    const back = DatasetProfile.deserialize(JSON.parse(JSON.stringify(merged.serialize())));
    expect(back.notProfiled.values).toBe(5);
    expect(back.notProfiled.distinctNames()).toBe(5);
  });

  it("3: one record with 100,000 keys: 10,000 features profiled (the baseline's included), the rest counted, extra_column_check raised", async () => {
    const dir = await tempDir("features");
    const payload = JSON.stringify(row(names("k", 100_000)));
    const lines = [jsonCapture("2026-11-01T00:00:00Z", payload), capture("2026-11-01T00:00:01Z"), capture("2026-11-01T00:00:02Z")];
    const file = join(dir, "capture.jsonl");
    await writeFile(file, `${lines.join("\n")}\n`);
    await writeFile(join(dir, "limits.yaml"), "max_record_bytes: 4194304\n");
    const r = replay(dir, [file], ["--config", join(dir, "limits.yaml")]);
    expect(r.status, r.stderr).toBe(0);
    const [folder, w] = [...(await windows(join(dir, "reports"))).entries()][0] as [string, Record<string, unknown>];
    expect(w["features_not_profiled"]).toMatchObject({ max_features: 10_000, values: 100_000 - (10_000 - 13) });
    const distinct = (w["features_not_profiled"] as { distinct_names_estimate: number }).distinct_names_estimate;
    expect(Math.abs(distinct - 90_013) / 90_013).toBeLessThan(0.05);
    const stats = JSON.parse(await readFile(join(dir, "reports/endpoint/schedule", folder, "statistics.json"), "utf8")) as {
      features: Array<{ name: string }>;
    };
    expect(stats.features).toHaveLength(10_000);
    // the baseline's features come after the 100,000 keys and are still profiled, first in the report
    const baseline = JSON.parse(await readFile(STATS, "utf8")) as { features: Array<{ name: string }> };
    expect(baseline.features).toHaveLength(13);
    expect(stats.features.slice(0, 13).map((f) => f.name)).toEqual(baseline.features.map((f) => f.name));
    const violations = JSON.parse(await readFile(join(dir, "reports/endpoint/schedule", folder, "constraint_violations.json"), "utf8")) as {
      violations: Array<{ feature_name: string; constraint_check_type: string; description: string }>;
    };
    const extra = violations.violations.filter((v) => v.constraint_check_type === "extra_column_check");
    expect(extra.at(-1)?.feature_name).toBe(NOT_PROFILED_FEATURES);
    expect(extra.at(-1)?.description).toMatch(
      new RegExp(`Number of columns in current dataset: ${10_000 + distinct}, Number of columns in baseline constraints: 13`),
    );
  });
});
