import * as z from "zod";
import { WeightedDistribution } from "../sketches/kllSketch.js";
import { FormatError, parseWith, readJsonFile } from "./jsonFile.js";

/**
 * SageMaker Model Monitor's `statistics.json` (docs: model-monitor-interpreting-statistics;
 * ../shared/reference/sagemaker-model-monitor.md §2). The schema below reads SageMaker's own
 * files and ours; unknown keys are tolerated on read (SageMaker's writers add fields over time),
 * and every field we rely on is checked.
 */
export const INFERRED_TYPES = ["Integral", "Fractional", "String", "Unknown"] as const;
export type InferredType = (typeof INFERRED_TYPES)[number];

const finite = z.number().refine(Number.isFinite, "expected a finite number");
const count = z.number().min(0, "expected a count ≥ 0");

export const CommonStatisticsSchema = z.looseObject({ num_present: count, num_missing: count });

export const KllBucketSchema = z.looseObject({ lower_bound: finite, upper_bound: finite, count: count });

export const KllSketchSchema = z.looseObject({
  parameters: z.looseObject({ c: finite, k: finite }),
  data: z.array(z.array(finite)),
});

export const NumericalStatisticsSchema = z.looseObject({
  common: CommonStatisticsSchema,
  mean: finite,
  sum: finite,
  std_dev: finite,
  min: finite,
  max: finite,
  /** Written by SageMaker's current analyzer (2024) and by dqstream; absent from older files. */
  approximate_num_distinct_values: count.optional(),
  completeness: finite.optional(),
  distribution: z.looseObject({ kll: z.looseObject({ buckets: z.array(KllBucketSchema), sketch: KllSketchSchema.optional() }) }).optional(),
});

const categoryValue = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));

export const StringStatisticsSchema = z.looseObject({
  common: CommonStatisticsSchema,
  distinct_count: count,
  completeness: finite.optional(),
  distribution: z.looseObject({ categorical: z.looseObject({ buckets: z.array(z.looseObject({ value: categoryValue, count: count })) }) }).optional(),
});

export const FeatureStatisticsSchema = z
  .looseObject({
    name: z.string().min(1, "expected a non-empty feature name"),
    inferred_type: z.enum(INFERRED_TYPES),
    numerical_statistics: NumericalStatisticsSchema.optional(),
    string_statistics: StringStatisticsSchema.optional(),
  })
  .superRefine((f, ctx) => {
    const numeric = f.inferred_type === "Integral" || f.inferred_type === "Fractional";
    if (numeric && f.numerical_statistics === undefined) {
      ctx.addIssue({ code: "custom", path: ["numerical_statistics"], message: `expected numerical_statistics for a ${f.inferred_type} feature` });
    }
    if (f.inferred_type === "String" && f.string_statistics === undefined) {
      ctx.addIssue({ code: "custom", path: ["string_statistics"], message: "expected string_statistics for a String feature" });
    }
  });

export const StatisticsSchema = z.looseObject({
  version: z.number(),
  dataset: z.looseObject({ item_count: count }),
  features: z.array(FeatureStatisticsSchema),
});

export type StatisticsFile = z.output<typeof StatisticsSchema>;
export type FeatureStatistics = z.output<typeof FeatureStatisticsSchema>;
export type NumericalStatistics = z.output<typeof NumericalStatisticsSchema>;
export type StringStatistics = z.output<typeof StringStatisticsSchema>;

export async function readStatisticsFile(file: string): Promise<StatisticsFile> {
  const stats = await readJsonFile(file, StatisticsSchema);
  checkUniqueNames(
    file,
    stats.features.map((f) => f.name),
  );
  return stats;
}

export function parseStatistics(file: string, value: unknown): StatisticsFile {
  const stats = parseWith(file, StatisticsSchema, value);
  checkUniqueNames(
    file,
    stats.features.map((f) => f.name),
  );
  return stats;
}

function checkUniqueNames(file: string, names: string[]): void {
  const seen = new Set<string>();
  names.forEach((n, i) => {
    if (seen.has(n)) throw new FormatError(file, `$.features[${i}].name: duplicate feature name "${n}"`);
    seen.add(n);
  });
}

/**
 * The distribution a `kll.sketch` describes: every item of `data[i]` weighs 2^i (Deequ
 * QuantileNonSample's output). Undefined when the feature carries no sketch.
 */
export function distributionOf(feature: FeatureStatistics): WeightedDistribution | undefined {
  const sketch = feature.numerical_statistics?.distribution?.kll.sketch;
  if (sketch === undefined) return undefined;
  return WeightedDistribution.fromLevels(sketch.data);
}
