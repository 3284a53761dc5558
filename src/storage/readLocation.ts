import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { FormatError } from "../formats/jsonFile.js";
import { isS3Uri, parseS3Uri } from "./location.js";
import { createObjectStore, S3RequestError, type ObjectStoreApi } from "./s3Client.js";
import { DEFAULT_S3_CONFIG, type S3Config } from "./s3Schema.js";

/** Reads whole files named by a location (a local path or an s3:// URI); absent files are undefined. */
export type LocationReader = (location: string) => Promise<Uint8Array | undefined>;

/**
 * A reader for local paths and, through one S3 client made on first use from the `s3` section,
 * s3:// URIs. Failures other than "no such file" throw FormatError naming the location.
 */
export function locationReader(s3Config: S3Config | undefined): LocationReader {
  let s3: Promise<ObjectStoreApi> | undefined;
  return async (location) => {
    if (isS3Uri(location)) {
      const loc = parseS3Uri(location);
      s3 ??= createObjectStore(s3Config ?? DEFAULT_S3_CONFIG);
      try {
        // the URI names one object: its "prefix" is the whole key
        return await (await s3).get(loc.bucket, loc.prefix);
      } catch (e) {
        if (e instanceof S3RequestError) throw new FormatError(location, `cannot read: ${e.describe()}`);
        throw e;
      }
    }
    try {
      return await readFile(location);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return undefined;
      throw new FormatError(location, `cannot read: ${code ?? (e as Error).message}`);
    }
  };
}

/** The location of a file beside another: `besideLocation("s3://b/p/statistics.json", "baseline.json")` is `s3://b/p/baseline.json`. */
export function besideLocation(location: string, name: string): string {
  return isS3Uri(location) ? `${location.slice(0, location.lastIndexOf("/") + 1)}${name}` : join(dirname(location), name);
}

/** Reads a file that must exist: absent is a FormatError too (`cannot read: ENOENT`, or NoSuchKey for S3). */
export async function readRequired(read: LocationReader, location: string): Promise<Uint8Array> {
  const bytes = await read(location);
  if (bytes === undefined) throw new FormatError(location, `cannot read: ${isS3Uri(location) ? "NoSuchKey: no such object" : "ENOENT"}`);
  return bytes;
}
