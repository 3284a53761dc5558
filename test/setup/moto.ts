// What CloudWatch integration tests use: the run's moto server (test/setup/motoServer.ts), an SDK
// client for reading back, private moto instances for outage tests, and fake credentials. Tests
// fail, never skip, when there is no emulator.
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
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
