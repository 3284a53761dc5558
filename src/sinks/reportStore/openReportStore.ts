import { isS3Uri, parseS3Uri } from "../../storage/location.js";
import { createObjectStore } from "../../storage/s3Client.js";
import { DEFAULT_S3_CONFIG, type S3Config } from "../../storage/s3Schema.js";
import { LocalReportStore } from "./localReportStore.js";
import type { ReportStore } from "./ReportStore.js";
import { S3ReportStore } from "./s3ReportStore.js";

/** The report store a location names: `s3://bucket/prefix` (through the `s3` section's client) or a local folder. */
export async function openReportStore(location: string, s3: S3Config | undefined): Promise<ReportStore> {
  if (!isS3Uri(location)) return new LocalReportStore(location);
  return new S3ReportStore(parseS3Uri(location), await createObjectStore(s3 ?? DEFAULT_S3_CONFIG));
}

/**
 * Before a command does its work: proves that `location` can be written (a probe written and
 * removed), so an hour of consuming does not end in "cannot write". `label` names the setting in
 * errors (`--reports`, `reports_dir`). WriteError (exit 1), or ConfigError for S3 without a region.
 */
export async function checkReportStore(location: string, s3: S3Config | undefined, label: string): Promise<void> {
  await (await openReportStore(location, s3)).check(label);
}
