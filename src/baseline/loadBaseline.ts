import { createHash } from "node:crypto";
import type { Baseline, BaselineFeature } from "../checks/Check.js";
import { applyOverrides, parseConstraints, type Constraints } from "../formats/constraintsFormat.js";
import { FormatError } from "../formats/jsonFile.js";
import { distributionOf, parseStatistics, type StatisticsFile } from "../formats/statisticsFormat.js";
import { locationReader, readRequired, type LocationReader } from "../storage/readLocation.js";

export interface LoadedBaseline {
  baseline: Baseline;
  statistics: StatisticsFile;
  constraints: Constraints;
  /** constraints.json as read: each execution folder carries a copy, as SageMaker's do. */
  constraintsBytes: Buffer;
  /** SHA-256 (hex) of the files as read, for window manifests. */
  sha256: { statistics: string; constraints: string };
  /** Baseline feature names in statistics order: the positions captured CSV rows map to. */
  featureNames: string[];
  /**
   * What is legal but probably not meant, one message each, naming the file: constraints for
   * features the statistics lack (SageMaker's own files can have them). Replay prints them on
   * standard error, monitor logs them.
   */
  warnings: string[];
}

/** Feature names a warning lists before "… and N more". */
const LISTED_NAMES = 20;

/**
 * Reads a baseline (SageMaker's or ours): statistics.json gives the features in order, their types
 * and distributions; constraints.json the rules. A feature in constraints but not in statistics is
 * still a baseline feature (after the statistics ones); its drift check is skipped for want of a
 * distribution, and `warnings` says so. Any unreadable or invalid file is a FormatError naming it.
 * The files may be local paths or s3:// URIs (`read`: default, local files and S3 with the `s3`
 * section's defaults).
 */
export async function loadBaseline(statisticsFile: string, constraintsFile: string, read: LocationReader = locationReader(undefined)): Promise<LoadedBaseline> {
  const [statsBytes, consBytes] = await Promise.all([readRequired(read, statisticsFile), readRequired(read, constraintsFile)]).then(
    (files) => files.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength)) as [Buffer, Buffer],
  );
  const statistics = parseStatistics(statisticsFile, parseJson(statisticsFile, statsBytes));
  const constraints = parseConstraints(constraintsFile, parseJson(constraintsFile, consBytes));
  const { baseline, featureNames, withoutStatistics } = buildBaseline(statistics, constraints);
  const warnings: string[] = [];
  if (withoutStatistics.length > 0) {
    const k = withoutStatistics.length;
    const names = withoutStatistics.slice(0, LISTED_NAMES).join(", ") + (k > LISTED_NAMES ? `, … and ${k - LISTED_NAMES} more` : "");
    warnings.push(
      `${constraintsFile}: ${k} feature${k === 1 ? "" : "s"} that ${statisticsFile} lacks: ${names} (kept as baseline features after the statistics' ones, without a distribution: no drift check; a window without them has missing columns)`,
    );
  }
  return {
    baseline,
    featureNames,
    warnings,
    statistics,
    constraints,
    constraintsBytes: consBytes,
    sha256: { statistics: sha256(statsBytes), constraints: sha256(consBytes) },
  };
}

/** A statistics.json alone (a local path or an s3:// URI), validated: the dashboard's baseline. FormatError naming it. */
export async function readStatistics(location: string, read: LocationReader): Promise<StatisticsFile> {
  const bytes = await readRequired(read, location);
  return parseStatistics(location, parseJson(location, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
}

/**
 * The baseline features: the statistics' in their order, then those only constraints.json names
 * (`withoutStatistics`, in its order).
 */
export function buildBaseline(
  statistics: StatisticsFile,
  constraints: Constraints,
): { baseline: Baseline; featureNames: string[]; withoutStatistics: string[] } {
  const byName = new Map(constraints.features.map((f) => [f.name, f]));
  const features: BaselineFeature[] = statistics.features.map((s) => {
    const c = byName.get(s.name);
    const buckets = s.string_statistics?.distribution?.categorical.buckets;
    return {
      name: s.name,
      inferred_type: c?.inferred_type ?? s.inferred_type,
      constraints: c,
      config: applyOverrides(constraints.monitoring_config, c?.monitoringConfigOverrides),
      distribution: distributionOf(s),
      categories: buckets?.map((b) => [b.value, b.count] as const),
      num_present: (s.numerical_statistics ?? s.string_statistics)?.common.num_present,
    };
  });
  const known = new Set(features.map((f) => f.name));
  const withoutStatistics: string[] = [];
  for (const c of constraints.features) {
    if (known.has(c.name)) continue;
    withoutStatistics.push(c.name);
    features.push({
      name: c.name,
      inferred_type: c.inferred_type ?? "Unknown",
      constraints: c,
      config: applyOverrides(constraints.monitoring_config, c.monitoringConfigOverrides),
      distribution: undefined,
      categories: undefined,
      num_present: undefined,
    });
  }
  return { baseline: { features, constraints }, featureNames: features.map((f) => f.name), withoutStatistics };
}

function parseJson(file: string, bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch (e) {
    throw new FormatError(file, `not valid JSON: ${(e as Error).message}`);
  }
}

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
