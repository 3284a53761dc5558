import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readConfigFileResolved } from "../../src/config/loadConfig.js";
import { RunConfigSchema } from "../../src/config/schema.js";
import { isS3Uri, Location, parseS3Uri, s3Key, s3Uri } from "../../src/storage/location.js";
import { besideLocation } from "../../src/storage/readLocation.js";

describe("s3:// locations", () => {
  it("parse into bucket and prefix, without trailing slashes", () => {
    expect(parseS3Uri("s3://my-bucket")).toEqual({ bucket: "my-bucket", prefix: "" });
    expect(parseS3Uri("s3://my-bucket/")).toEqual({ bucket: "my-bucket", prefix: "" });
    expect(parseS3Uri("s3://my.bucket-1/monitoring/reports/")).toEqual({ bucket: "my.bucket-1", prefix: "monitoring/reports" });
    expect(s3Uri(parseS3Uri("s3://b1b/p/q"), "ep/s/window.json")).toBe("s3://b1b/p/q/ep/s/window.json");
    expect(s3Key(parseS3Uri("s3://b1b"), "ep/window.json")).toBe("ep/window.json");
  });

  it.each([
    ["s3://UPPER/x", "not a valid S3 bucket name"],
    ["s3://ab/x", "not a valid S3 bucket name"],
    ["s3://-bucket/x", "not a valid S3 bucket name"],
    ["s3://my..bucket/x", "not a valid S3 bucket name"],
    ["s3://192.168.1.1/x", "not a valid S3 bucket name"],
    ["s3://bucket/a//b", 'empty, "." and ".." path segments'],
    ["s3://bucket/a/../b", 'empty, "." and ".." path segments'],
  ])("refuses %s, saying why", (uri, why) => {
    expect(() => parseS3Uri(uri)).toThrow(why);
    const r = Location.safeParse(uri);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toContain(why);
  });

  it("local paths stay paths", () => {
    expect(isS3Uri("/srv/reports")).toBe(false);
    expect(Location.safeParse("reports").success).toBe(true);
    expect(Location.safeParse("a\0b").success).toBe(false);
  });

  it("a config file's relative paths are resolved against its folder, its s3:// URIs left alone", async () => {
    const dir = await mkdtemp(join(tmpdir(), "dq-loc-"));
    try {
      const file = join(dir, "run.yaml");
      await writeFile(
        file,
        "baseline:\n  statistics: s3://models-bucket/churn/statistics.json\n  constraints: base/constraints.json\nreports_dir: s3://reports-bucket/dq\n",
      );
      const raw = (await readConfigFileResolved(file, RunConfigSchema)) as { baseline: Record<string, string>; reports_dir: string };
      expect(raw.baseline["statistics"]).toBe("s3://models-bucket/churn/statistics.json");
      expect(raw.baseline["constraints"]).toBe(join(dir, "base/constraints.json"));
      expect(raw.reports_dir).toBe("s3://reports-bucket/dq");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a file beside another keeps the scheme", () => {
    expect(besideLocation("s3://b1b/p/statistics.json", "baseline.json")).toBe("s3://b1b/p/baseline.json");
    expect(besideLocation("/x/y/statistics.json", "baseline.json")).toBe("/x/y/baseline.json");
  });
});
