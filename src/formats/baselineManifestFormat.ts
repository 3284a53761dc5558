import * as z from "zod";
import { parseWith, readJsonFile } from "./jsonFile.js";

/**
 * baseline.json: dqstream's record of how a baseline was made, written beside statistics.json and
 * constraints.json by `dqstream baseline`. `dataset_format` uses SageMaker's spelling
 * (sagemaker-model-monitor.md §1.4); `output_columns_position` tells replay and monitor where the
 * model's outputs sit in captured CSV rows. No timestamps: the file is reproducible.
 */
const OutputColumnsPosition = z.enum(["START", "END"]);

export const BaselineManifestSchema = z.strictObject({
  dataset: z.string(),
  dataset_format: z.union([
    z.strictObject({ csv: z.strictObject({ header: z.boolean(), output_columns_position: OutputColumnsPosition }) }),
    z.strictObject({ json: z.strictObject({ lines: z.literal(true) }), output_columns_position: OutputColumnsPosition }),
  ]),
  item_count: z.number().int().min(0),
  features: z.number().int().min(0),
  skipped: z.array(z.strictObject({ reason: z.string(), count: z.number().int().min(1), first_lines: z.array(z.number().int().min(1)), example: z.string() })),
  sketch_options: z.strictObject({
    category_cap: z.number().int().min(1),
    hll_precision: z.number().int().min(4).max(18),
    kll_k: z.number().int().min(2),
    kll_c: z.number().gt(0).max(1),
  }),
});

export type BaselineManifest = z.output<typeof BaselineManifestSchema>;

export function parseBaselineManifest(file: string, value: unknown): BaselineManifest {
  return parseWith(file, BaselineManifestSchema, value);
}

export async function readBaselineManifest(file: string): Promise<BaselineManifest> {
  return readJsonFile(file, BaselineManifestSchema);
}

/** Where a manifest says the output columns sit (START when it does not say). */
export function outputColumnsPosition(m: BaselineManifest): "START" | "END" {
  return "csv" in m.dataset_format ? m.dataset_format.csv.output_columns_position : m.dataset_format.output_columns_position;
}
