import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/config/loadConfig.js";
import { createAlarmsApi, createPutMetricDataApi } from "../../../src/sinks/cloudwatch/cloudWatchClient.js";

const VARS = ["AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"] as const;
let saved: Record<string, string | undefined>;

beforeEach(() => {
  saved = Object.fromEntries(VARS.map((v) => [v, process.env[v]]));
  for (const v of VARS) delete process.env[v];
  // no shared config file either: the SDK's chain has no region to find
  process.env["AWS_CONFIG_FILE"] = "/nonexistent/dqstream-test/config";
  process.env["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/dqstream-test/credentials";
});
afterEach(() => {
  for (const v of VARS) {
    if (saved[v] === undefined) delete process.env[v];
    else process.env[v] = saved[v];
  }
});

describe("the CloudWatch client", () => {
  it("is a configuration error, at start, when no region is configured anywhere", async () => {
    const o = { endpointUrl: "http://127.0.0.1:9", requestTimeoutMs: 1_000 };
    await expect(createPutMetricDataApi(o)).rejects.toThrow(ConfigError);
    await expect(createAlarmsApi(o)).rejects.toThrow("cloudwatch.region: not set, and the AWS SDK found no region either");
  });

  it("takes the region from the config, or from AWS_REGION", async () => {
    const a = await createPutMetricDataApi({ region: "eu-west-1", requestTimeoutMs: 1_000 });
    expect(typeof a.putMetricData).toBe("function");
    a.destroy();
    process.env["AWS_REGION"] = "us-west-2";
    const b = await createAlarmsApi({ requestTimeoutMs: 1_000 });
    expect(typeof b.putMetricAlarm).toBe("function");
    b.destroy();
  });
});
