import { DatasetProfile } from "../profiles/DatasetProfile.js";
import { DEFAULT_SKETCH_OPTIONS, type FeatureProfile, type SketchOptions } from "../profiles/FeatureProfile.js";
import { parallelProfilingAvailable, profileCsvParallel, type ProfileProgress } from "./profileDatasetParallel.js";
import { readDataset, type DatasetFormat } from "../records/datasetReader.js";
import type { InputBytes } from "../records/inputBytes.js";
import { SkipLog } from "../records/skipLog.js";

export type { ProfileProgress } from "./profileDatasetParallel.js";

/**
 * Streams a dataset into a DatasetProfile. Memory is bounded by the sketches (per feature: the
 * KLL levels, 2^p HyperLogLog registers, at most 2·category_cap category counters), not by the
 * number of rows.
 */
export async function profileDataset(
  input: InputBytes,
  format: DatasetFormat,
  options?: SketchOptions,
  onProgress?: (p: ProfileProgress) => void,
  threads = 1,
): Promise<{ profile: DatasetProfile; skips: SkipLog }> {
  // CSV with the default delimiter can be split by columns across threads (same result, bit for bit)
  if (threads > 1 && format.format === "csv" && format.delimiter === undefined && parallelProfilingAvailable()) {
    return profileCsvParallel(input, format.header, threads, options ?? DEFAULT_SKETCH_OPTIONS, onProgress);
  }
  const profile = new DatasetProfile(options);
  const skips = new SkipLog();
  let columns: FeatureProfile[] = [];
  await readDataset(
    input,
    format,
    {
      columns(names) {
        columns = profile.columns(names);
      },
      textRow(fields) {
        profile.addTextRow(columns, fields);
      },
      objectRow(row) {
        profile.addObjectRow(row);
      },
    },
    skips,
    onProgress === undefined ? undefined : () => onProgress({ rows: profile.itemCount, bytes: input.bytesRead() }),
  );
  return { profile, skips };
}
