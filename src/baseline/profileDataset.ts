import { DatasetProfile } from "../profiles/DatasetProfile.js";
import type { FeatureProfile, SketchOptions } from "../profiles/FeatureProfile.js";
import { readDataset, type DatasetFormat } from "../records/datasetReader.js";
import type { InputBytes } from "../records/inputBytes.js";
import { SkipLog } from "../records/skipLog.js";

export interface ProfileProgress {
  rows: number;
  bytes: number;
}

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
): Promise<{ profile: DatasetProfile; skips: SkipLog }> {
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
