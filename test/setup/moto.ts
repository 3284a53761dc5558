// What CloudWatch and S3 integration tests use: the run's moto server (test/setup/motoServer.ts),
// SDK clients for reading back, fresh buckets, private moto instances for outage tests, and fake
// credentials. Tests fail, never skip, when there is no emulator.
import { randomBytes } from "node:crypto";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { inject } from "vitest";

export const TEST_REGION = "us-east-1";

/** Credentials and region for the SDK's default chain (moto accepts any). Sets them on process.env. */
export function useFakeAwsCredentials(): Record<string, string> {
  const env = {
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
    AWS_REGION: TEST_REGION,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
  Object.assign(process.env, env);
  return env;
}

/** The run's moto URL; throws if the globalSetup did not run. */
export function motoUrl(): string {
  const url = inject("motoUrl");
  if (!url) throw new Error("No moto server was provided: run the tests through vitest.config.ts, whose globalSetup starts one.");
  return url;
}

/** An SDK client on `url` (default: the run's moto) for reading metrics and alarms back. */
export function readBackClient(url: string = motoUrl()): CloudWatchClient {
  return new CloudWatchClient({ region: TEST_REGION, endpoint: url, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
}

/** An S3 client on the run's moto, for making buckets and reading objects back. */
export function s3ReadBackClient(url: string = motoUrl()): S3Client {
  return new S3Client({ region: TEST_REGION, endpoint: url, forcePathStyle: true, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
}

/** A new, empty bucket on the run's moto (unique name: tests share the server). */
export async function newBucket(label = "dq"): Promise<string> {
  const name = `${label}-${randomBytes(6).toString("hex")}`;
  await s3ReadBackClient().send(new CreateBucketCommand({ Bucket: name }));
  return name;
}

/** Every object under a prefix as key → bytes (keys relative to the prefix). */
export async function readObjects(bucket: string, prefix: string): Promise<Map<string, Buffer>> {
  const s3 = s3ReadBackClient();
  const out = new Map<string, Buffer>();
  const base = prefix === "" ? "" : `${prefix}/`;
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: base, ...(token === undefined ? {} : { ContinuationToken: token }) }));
    for (const o of page.Contents ?? []) {
      const body = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key }));
      out.set((o.Key as string).slice(base.length), Buffer.from(await (body.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray()));
    }
    token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return out;
}

/** Puts one object (a baseline file, say). */
export async function putObject(bucket: string, key: string, body: string | Uint8Array): Promise<void> {
  await s3ReadBackClient().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

/** A moto of the test's own, which it may stop and start (the shared one must stay up for others). */
export interface PrivateMoto {
  readonly url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function privateMoto(): Promise<PrivateMoto> {
  const control = inject("motoControlUrl");
  if (!control) throw new Error("No moto control endpoint was provided: run the tests through vitest.config.ts.");
  const call = async (method: string, path: string): Promise<Record<string, unknown>> => {
    const res = await fetch(`${control}${path}`, { method, signal: AbortSignal.timeout(120_000) });
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (!res.ok)
      throw new Error(`moto control ${method} ${path} refused (HTTP ${res.status}): ${typeof body["error"] === "string" ? body["error"] : res.statusText}`);
    return body;
  };
  const { id, url } = (await call("POST", "/instances")) as { id: string; url: string };
  return {
    url,
    stop: async () => void (await call("POST", `/instances/${id}/stop`)),
    start: async () => void (await call("POST", `/instances/${id}/start`)),
    close: async () => void (await call("DELETE", `/instances/${id}`)),
  };
}
