import * as z from "zod";
import { path } from "../components/Component.js";

/** An object-store location: a bucket and a key prefix (no leading slash; "" is the bucket's root). */
export interface S3Location {
  readonly bucket: string;
  readonly prefix: string;
}

const S3_SCHEME = "s3://";

/**
 * S3's bucket naming rules for general purpose buckets: 3–63 characters of lowercase letters,
 * digits, dots and hyphens, starting and ending with a letter or digit, no two adjacent dots, not
 * an IP address (Amazon S3 User Guide, "Bucket naming rules").
 */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Whether a configured location names S3 (`s3://…`) rather than a local path. */
export function isS3Uri(location: string): boolean {
  return location.startsWith(S3_SCHEME);
}

/**
 * `s3://bucket/prefix/` → { bucket, prefix: "prefix" }; throws a RangeError saying what is wrong.
 * Trailing slashes are dropped (the prefix names a folder); empty path segments and `.`/`..`
 * segments are refused, as they would make keys no other tool lists the same way.
 */
export function parseS3Uri(uri: string): S3Location {
  if (!isS3Uri(uri)) throw new RangeError(`expected s3://bucket/prefix, got "${uri}"`);
  const rest = uri.slice(S3_SCHEME.length);
  const slash = rest.indexOf("/");
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  if (!BUCKET.test(bucket) || bucket.includes("..") || /^\d+\.\d+\.\d+\.\d+$/.test(bucket)) {
    throw new RangeError(`"${bucket}" is not a valid S3 bucket name (3–63 lowercase letters, digits, '.' or '-', starting and ending with a letter or digit)`);
  }
  const prefix = (slash < 0 ? "" : rest.slice(slash + 1)).replace(/\/+$/, "");
  if (prefix !== "") {
    for (const segment of prefix.split("/")) {
      if (segment === "" || segment === "." || segment === "..") throw new RangeError(`"${uri}": empty, "." and ".." path segments are not allowed`);
    }
  }
  if (prefix.includes("\0")) throw new RangeError(`"${uri}": NUL characters are not allowed`);
  return { bucket, prefix };
}

/** `s3://bucket/prefix/key`, for people, logs and hooks. */
export function s3Uri(loc: S3Location, key = ""): string {
  const path = [loc.prefix, key].filter((p) => p !== "").join("/");
  return `${S3_SCHEME}${loc.bucket}/${path}`;
}

/** The object key of `key` below a location's prefix. */
export function s3Key(loc: S3Location, key: string): string {
  return loc.prefix === "" ? key : `${loc.prefix}/${key}`;
}

/**
 * A place to read from or write to: a local path, or an `s3://bucket/prefix` URI (validated here,
 * so a bad bucket name is a configuration error naming its key). Relative local paths in a config
 * file are resolved against its folder; URIs are left alone (readConfigFileResolved).
 */
export const Location = path(
  z
    .string()
    .min(1)
    .superRefine((s, ctx) => {
      if (s.includes("\0")) ctx.addIssue({ code: "custom", message: "expected a path without NUL characters" });
      else if (isS3Uri(s)) {
        try {
          parseS3Uri(s);
        } catch (e) {
          ctx.addIssue({ code: "custom", message: (e as Error).message });
        }
      }
    }),
);
