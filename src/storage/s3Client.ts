// The only module that imports @aws-sdk/client-s3: the rest of dqstream sees ObjectStoreApi, so
// tests can fake S3 and the SDK can be swapped in one place.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { quietAwsSdkNodeWarning } from "../config/awsSdk.js";
import { ConfigError } from "../config/loadConfig.js";
import type { S3Config } from "./s3Schema.js";

/** An S3 request that failed: the service's error code (NoSuchBucket, AccessDenied, …) or the network's, and its HTTP status. */
export class S3RequestError extends Error {
  readonly s3Code: string;
  readonly status: number | undefined;
  constructor(s3Code: string, message: string, status: number | undefined, cause: unknown) {
    super(message, { cause });
    this.name = "S3RequestError";
    this.s3Code = s3Code;
    this.status = status;
  }

  /** `NoSuchBucket: The specified bucket does not exist (HTTP 404)`. */
  describe(): string {
    return `${this.s3Code}: ${this.message}${this.status === undefined ? "" : ` (HTTP ${this.status})`}`;
  }
}

/** What dqstream does with S3: whole objects by key. Every method throws S3RequestError. */
export interface ObjectStoreApi {
  put(bucket: string, key: string, body: string | Uint8Array): Promise<void>;
  /** Uploads a local file (streamed: its size is not bounded by memory, up to S3's 5 GB per PUT). */
  putFile(bucket: string, key: string, file: string): Promise<void>;
  /** The object's bytes, or undefined when there is no such key. */
  get(bucket: string, key: string): Promise<Uint8Array | undefined>;
  /** Every key starting with `prefix`, in S3's order (UTF-8 binary). */
  list(bucket: string, prefix: string): Promise<string[]>;
  /** The "folders" right below `prefix` (which ends with "/"): the distinct next path segments of its keys. */
  listFolders(bucket: string, prefix: string): Promise<string[]>;
  /** Deletes the keys (absent ones are no error). */
  delete(bucket: string, keys: readonly string[]): Promise<void>;
}

/** Keys per DeleteObjects request (S3's limit). */
const DELETE_BATCH = 1000;

function toRequestError(e: unknown): S3RequestError {
  if (e instanceof S3RequestError) return e;
  if (e instanceof S3ServiceException) return new S3RequestError(e.name, e.message || e.name, e.$metadata.httpStatusCode, e);
  const err = e as NodeJS.ErrnoException;
  return new S3RequestError(err.code ?? err.name ?? "Error", err.message ?? String(e), undefined, e);
}

/** An S3 client from the `s3` section, with the SDK's credential chain and standard retries. */
export async function createObjectStore(config: S3Config): Promise<ObjectStoreApi> {
  quietAwsSdkNodeWarning();
  const client = new S3Client({
    ...(config.region === undefined ? {} : { region: config.region }),
    ...(config.endpoint_url === undefined ? {} : { endpoint: config.endpoint_url }),
    forcePathStyle: config.force_path_style ?? config.endpoint_url !== undefined,
    maxAttempts: config.max_attempts,
    requestHandler: { connectionTimeout: config.request_timeout_ms, requestTimeout: config.request_timeout_ms },
  });
  // without a region every request fails the same way: say so once, as a configuration error
  let region: string | undefined;
  try {
    region = await client.config.region();
  } catch {
    region = undefined;
  }
  if (!region) throw new ConfigError("s3.region: not set, and the AWS SDK found no region either (set AWS_REGION, a profile's region, or s3.region)");

  return {
    async put(bucket, key, body) {
      try {
        // the length given: the SDK warns on bodies it cannot measure (an empty string among them)
        const length = typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: body,
            ContentLength: length,
            ContentType: key.endsWith(".json") ? "application/json" : undefined,
          }),
        );
      } catch (e) {
        throw toRequestError(e);
      }
    },
    async putFile(bucket, key, file) {
      try {
        const { size } = await stat(file);
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: createReadStream(file), ContentLength: size }));
      } catch (e) {
        throw toRequestError(e);
      }
    },
    async get(bucket, key) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return out.Body === undefined ? new Uint8Array() : await out.Body.transformToByteArray();
      } catch (e) {
        if (e instanceof S3ServiceException && (e.name === "NoSuchKey" || e.$metadata.httpStatusCode === 404) && e.name !== "NoSuchBucket") return undefined;
        throw toRequestError(e);
      }
    },
    async list(bucket, prefix) {
      const keys: string[] = [];
      let token: string | undefined;
      try {
        do {
          const out = await client.send(
            new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token === undefined ? {} : { ContinuationToken: token }) }),
          );
          for (const o of out.Contents ?? []) if (o.Key !== undefined) keys.push(o.Key);
          token = out.IsTruncated === true ? out.NextContinuationToken : undefined;
        } while (token !== undefined);
      } catch (e) {
        throw toRequestError(e);
      }
      return keys;
    },
    async listFolders(bucket, prefix) {
      const names: string[] = [];
      let token: string | undefined;
      try {
        do {
          const out = await client.send(
            new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: "/", ...(token === undefined ? {} : { ContinuationToken: token }) }),
          );
          for (const p of out.CommonPrefixes ?? []) if (p.Prefix !== undefined) names.push(p.Prefix.slice(prefix.length, -1));
          token = out.IsTruncated === true ? out.NextContinuationToken : undefined;
        } while (token !== undefined);
      } catch (e) {
        throw toRequestError(e);
      }
      return names;
    },
    async delete(bucket, keys) {
      try {
        for (let i = 0; i < keys.length; i += DELETE_BATCH) {
          const out = await client.send(
            new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.slice(i, i + DELETE_BATCH).map((Key) => ({ Key })), Quiet: true } }),
          );
          const failed = out.Errors?.[0];
          if (failed !== undefined)
            throw new S3RequestError(failed.Code ?? "DeleteFailed", `${failed.Key ?? "?"}: ${failed.Message ?? "not deleted"}`, undefined, undefined);
        }
      } catch (e) {
        throw toRequestError(e);
      }
    },
  };
}
