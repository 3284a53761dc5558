import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { outputColumnsPosition, parseBaselineManifest, readBaselineManifest } from "../../src/formats/baselineManifestFormat.js";

const golden = (name: string): string => join(import.meta.dirname, "../golden/baseline", name, "baseline.json");

describe("baseline.json", () => {
  it("reads the manifests the baseline command writes, with the output columns position", async () => {
    const csv = await readBaselineManifest(golden("csv-header"));
    expect(csv.dataset_format).toEqual({ csv: { header: true, output_columns_position: "START" } });
    expect(outputColumnsPosition(csv)).toBe("START");
    expect(outputColumnsPosition(await readBaselineManifest(golden("csv-no-header")))).toBe("END");
    const jsonl = await readBaselineManifest(golden("jsonl-nested"));
    expect("json" in jsonl.dataset_format).toBe(true);
    expect(jsonl.item_count).toBe(400);
  });

  it("rejects unknown keys and wrong values, naming the path", () => {
    const ok = {
      dataset: "d.csv",
      dataset_format: { csv: { header: true, output_columns_position: "START" } },
      item_count: 1,
      features: 1,
      skipped: [],
      sketch_options: { category_cap: 1000, hll_precision: 14, kll_k: 2048, kll_c: 0.64 },
    };
    expect(parseBaselineManifest("b.json", ok).item_count).toBe(1);
    expect(() => parseBaselineManifest("b.json", { ...ok, extra: 1 })).toThrow(/^b\.json: .*extra/);
    expect(() => parseBaselineManifest("b.json", { ...ok, dataset_format: { csv: { header: true, output_columns_position: "MIDDLE" } } })).toThrow(
      /b\.json: \$\.dataset_format/,
    );
  });
});
