// `dqstream replay` with its reports and its baseline in S3 (the run's moto): the same bytes as
// the golden reports a local folder gets, dead letters beside them, `dqstream report` and
// `dqstream dashboard` reading them back, and clear errors for a missing bucket, a missing baseline object and a missing region.
import { readdir, readFile, rm, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { DashboardData } from "../../src/dashboard/dashboardData.js";
import { answer } from "../../src/dashboard/dashboardServer.js";
import { ReportIndex } from "../../src/dashboard/reportIndex.js";
import { LocalReportStore } from "../../src/sinks/reportStore/localReportStore.js";
import { locationReader } from "../../src/storage/readLocation.js";
import { ensureBuilt, MAIN, ROOT, runCli } from "../support/cli.js";
import { goldenCopy } from "../support/reportsFixture.js";
import { motoUrl, newBucket, putObject, readObjects, TEST_REGION } from "../setup/moto.js";

const BASELINE = join(ROOT, "test/golden/baseline/csv-header");
const CAPTURE = join(ROOT, "test/golden/replay/csv-start/input/capture.jsonl");

let tmp = "";
beforeAll(async () => {
  ensureBuilt();
  tmp = await mkdtemp(join(tmpdir(), "dq-s3-replay-"));
  await s3ConfigFile();
});
afterAll(async () => {
  if (tmp !== "") await rm(tmp, { recursive: true, force: true });
});

/** Credentials as a user gives them: the SDK's variables. */
const awsEnv = (): NodeJS.ProcessEnv => ({
  AWS_ACCESS_KEY_ID: "testing",
  AWS_SECRET_ACCESS_KEY: "testing",
  AWS_REGION: TEST_REGION,
});

/** A config file with the moto endpoint in its s3 section (replay reads a config file and flags). */
async function s3ConfigFile(): Promise<string> {
  const file = join(tmp, "s3.yaml");
  await writeFile(file, `s3:\n  endpoint_url: ${motoUrl()}\n`);
  return file;
}

const replayArgs = (statistics: string, constraints: string, reports: string): string[] => [
  "replay",
  "--config",
  join(tmp, "s3.yaml"),
  "--statistics",
  statistics,
  "--constraints",
  constraints,
  "--reports",
  reports,
  "--window-seconds",
  "600",
  "--endpoint",
  "churn",
  "--schedule",
  "ten-minutes",
];

async function localFiles(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const f of (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()))
    out.set(join(f.parentPath, f.name).slice(dir.length + 1), await readFile(join(f.parentPath, f.name)));
  return out;
}

describe("reports and baseline in S3", () => {
  it("replay writes the same reports to S3 as to a folder, reading the baseline from S3, with its dead letters beside them", async () => {
    const bucket = await newBucket("replay");
    for (const f of ["statistics.json", "constraints.json", "baseline.json"])
      await putObject(bucket, `baselines/churn/${f}`, await readFile(join(BASELINE, f)));
    const input = join(tmp, "capture-with-garbage.jsonl");
    await writeFile(input, `${await readFile(CAPTURE, "utf8")}not json at all\n`);
    const local = join(tmp, "reports-local");
    const l = runCli(tmp, [...replayArgs(join(BASELINE, "statistics.json"), join(BASELINE, "constraints.json"), local), input], undefined, awsEnv());
    expect(l.status, l.stderr).toBe(0);
    const r = runCli(
      tmp,
      [...replayArgs(`s3://${bucket}/baselines/churn/statistics.json`, `s3://${bucket}/baselines/churn/constraints.json`, `s3://${bucket}/dq/reports`), input],
      undefined,
      awsEnv(),
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain(`reports: s3://${bucket}/dq/reports/churn/ten-minutes/`);
    expect(r.stdout).toContain(`in s3://${bucket}/dq/reports/dead-letter/churn/ten-minutes/dead-letter.jsonl`);
    // the summaries differ only in where things are
    expect(r.stdout.replaceAll(`s3://${bucket}/dq/reports`, local)).toBe(l.stdout);

    const objects = await readObjects(bucket, "dq/reports");
    const expected = await localFiles(local);
    expect([...objects.keys()].sort()).toEqual([...expected.keys()].sort());
    expect(objects.get("dead-letter/churn/ten-minutes/dead-letter.jsonl")?.toString("utf8")).toContain('"reason":"invalid JSON"');
    expect(objects.size).toBeGreaterThan(20);
    for (const [key, bytes] of expected) {
      const got = objects.get(key) as Buffer;
      if (!key.endsWith("window.json")) {
        expect(got.equals(bytes), key).toBe(true);
        continue;
      }
      // window.json names the baseline files read: the S3 URIs here, the paths there
      type Manifest = { baseline: { statistics: { file: string }; constraints: { file: string } } };
      const s3Manifest = JSON.parse(got.toString("utf8")) as Manifest;
      const localManifest = JSON.parse(bytes.toString("utf8")) as Manifest;
      expect(s3Manifest.baseline.statistics.file).toBe(`s3://${bucket}/baselines/churn/statistics.json`);
      s3Manifest.baseline.statistics.file = localManifest.baseline.statistics.file;
      s3Manifest.baseline.constraints.file = localManifest.baseline.constraints.file;
      expect(s3Manifest, key).toEqual(localManifest);
    }

    // `dqstream report` reads them back from S3 as from the folder (the dead-letter folder is no schedule)
    const fromS3 = runCli(tmp, ["report", "--config", join(tmp, "s3.yaml"), "--reports", `s3://${bucket}/dq/reports`, "--json"], undefined, awsEnv());
    const fromFolder = runCli(tmp, ["report", "--reports", local, "--json"], undefined, awsEnv());
    expect(fromS3.status, fromS3.stderr).toBe(3);
    expect(fromFolder.status, fromFolder.stderr).toBe(3);
    expect(fromS3.stdout.replaceAll(`s3://${bucket}/dq/reports`, local)).toBe(fromFolder.stdout);
    const parsed = JSON.parse(fromS3.stdout) as { schedules: Array<{ endpoint: string; schedule: string; windows: unknown[] }> };
    expect(parsed.schedules.map((x) => [x.endpoint, x.schedule, x.windows.length])).toEqual([["churn", "ten-minutes", 7]]);
  });

  it("the dashboard serves a bucket as it serves a folder, reading the baseline from the S3 URI window.json names", async () => {
    const bucket = await newBucket("dash");
    for (const f of ["statistics.json", "constraints.json"]) await putObject(bucket, `baselines/churn/${f}`, await readFile(join(BASELINE, f)));
    const local = await goldenCopy();
    for (const [key, bytes] of await localFiles(local)) {
      if (!key.endsWith("window.json")) {
        await putObject(bucket, `dq/${key}`, bytes);
        continue;
      }
      const w = JSON.parse(bytes.toString("utf8")) as { baseline: { statistics: { file: string } } };
      w.baseline.statistics.file = `s3://${bucket}/baselines/churn/statistics.json`;
      await putObject(bucket, `dq/${key}`, Buffer.from(JSON.stringify(w)));
    }
    const child = spawn(
      process.execPath,
      [MAIN, "dashboard", "--config", join(tmp, "s3.yaml"), "--reports", `s3://${bucket}/dq`, "--port", "0", "--log-level", "warn"],
      {
        cwd: tmp,
        env: { PATH: process.env["PATH"], ...awsEnv() },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    try {
      const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
      const line = (await lines.next()).value as string;
      expect(line).toMatch(new RegExp(`^dashboard of reports s3://${bucket}/dq: http://`));
      expect((await lines.next()).value).toMatch(/^read 7 windows in \d+ ms$/);
      const url = line.slice(line.lastIndexOf(" ") + 1);
      // the same answers as over the folder, whose window.json names the local baseline (relative to the repository, vitest's cwd)
      const data = new DashboardData(new ReportIndex(new LocalReportStore(local)), { read: locationReader(undefined) });
      await data.index.refresh();
      for (const path of [
        "/api/overview?endpoint=churn&schedule=ten-minutes",
        "/api/timeline?endpoint=churn&schedule=ten-minutes",
        "/api/feature?endpoint=churn&schedule=ten-minutes&name=day_mins",
      ]) {
        const fromS3 = (await (await fetch(`${url}${path.slice(1)}`)).json()) as Record<string, unknown>;
        const fromFolder = await answer(data, path.slice(0, path.indexOf("?")), new URL(path, "http://x").searchParams);
        expect(fromS3, path).toEqual(JSON.parse(JSON.stringify(fromFolder)));
      }
      const feature = (await (await fetch(`${url}api/feature?endpoint=churn&schedule=ten-minutes&name=day_mins`)).json()) as { baseline_available: boolean };
      expect(feature.baseline_available).toBe(true);
    } finally {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
  });

  it("a bucket that does not exist: exit 1 before any work, one line naming the flag, the URI and S3's reason", () => {
    const r = runCli(
      tmp,
      [...replayArgs(join(BASELINE, "statistics.json"), join(BASELINE, "constraints.json"), "s3://no-such-bucket-dq/reports"), CAPTURE],
      undefined,
      awsEnv(),
    );
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe("error: --reports s3://no-such-bucket-dq/reports: cannot write: NoSuchBucket: The specified bucket does not exist (HTTP 404)");
  });

  it("a baseline object that does not exist: exit 1 naming it", async () => {
    const bucket = await newBucket("nobase");
    const r = runCli(
      tmp,
      [...replayArgs(`s3://${bucket}/absent/statistics.json`, join(BASELINE, "constraints.json"), join(tmp, "reports-nobase")), CAPTURE],
      undefined,
      awsEnv(),
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`s3://${bucket}/absent/statistics.json: cannot read: NoSuchKey`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("no region anywhere: exit 2 naming s3.region", () => {
    const env = { ...awsEnv(), AWS_REGION: "", AWS_DEFAULT_REGION: "", AWS_CONFIG_FILE: join(tmp, "no-config"), AWS_PROFILE: "" };
    const r = runCli(
      tmp,
      [...replayArgs(join(BASELINE, "statistics.json"), join(BASELINE, "constraints.json"), "s3://some-bucket/reports"), CAPTURE],
      undefined,
      env,
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("s3.region: not set");
  });
});
