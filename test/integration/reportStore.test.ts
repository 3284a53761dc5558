// The ReportStore contract (src/sinks/reportStore/ReportStore.ts), run on both stores: a local
// folder and S3 (the run's moto). What the reporter, the alerts' start-up read, the window parts
// and replay's dead-letter file rely on.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readRecentWindows } from "../../src/alerts/recentReports.js";
import { WriteError } from "../../src/formats/jsonFile.js";
import { createLogger } from "../../src/telemetry/logger.js";
import { LocalReportStore } from "../../src/sinks/reportStore/localReportStore.js";
import { checkReportStore, openReportStore } from "../../src/sinks/reportStore/openReportStore.js";
import type { ReportStore } from "../../src/sinks/reportStore/ReportStore.js";
import { S3Schema } from "../../src/storage/s3Schema.js";
import { motoUrl, newBucket, readObjects, useFakeAwsCredentials } from "../setup/moto.js";

const folders: string[] = [];
afterAll(async () => {
  for (const f of folders) await rm(f, { recursive: true, force: true });
});
beforeAll(() => void useFakeAwsCredentials());

const s3Config = () => S3Schema.parse({ endpoint_url: motoUrl() });

const STORES: Record<string, () => Promise<ReportStore>> = {
  local: async () => {
    const dir = await mkdtemp(join(tmpdir(), "dq-store-"));
    folders.push(dir);
    return new LocalReportStore(join(dir, "reports"));
  },
  s3: async () => openReportStore(`s3://${await newBucket("store")}/team/reports`, s3Config()),
};

const text = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : Buffer.from(b).toString("utf8"));

describe.each(Object.keys(STORES))("ReportStore: %s", (kind) => {
  const open = STORES[kind] as () => Promise<ReportStore>;

  it("publishes a folder, lists it relative and sorted, reads it back; publishing again is idempotent", async () => {
    const store = await open();
    const files: Array<[string, string]> = [
      ["statistics.json", '{"a":1}\n'],
      ["constraint_violations.json", '{"violations": []}\n'],
      ["window.json", '{"w":1}\n'],
    ];
    await store.publish("ep/sch/2026/12/03/01", files);
    await store.publish("ep/sch/2026/12/03/02", files);
    await store.publish("ep/sch/2026/12/03/02", files);
    expect(await store.list("ep/sch")).toEqual([
      "2026/12/03/01/constraint_violations.json",
      "2026/12/03/01/statistics.json",
      "2026/12/03/01/window.json",
      "2026/12/03/02/constraint_violations.json",
      "2026/12/03/02/statistics.json",
      "2026/12/03/02/window.json",
    ]);
    expect(await store.folders("ep/sch/2026/12/03")).toEqual(["01", "02"]);
    expect(text(await store.read("ep/sch/2026/12/03/02/window.json"))).toBe('{"w":1}\n');
    expect(await store.read("ep/sch/2026/12/03/03/window.json")).toBeUndefined();
    expect(await store.list("nothing/here")).toEqual([]);
    expect(await store.folders("nothing/here")).toEqual([]);
  });

  it("put replaces a file whole; hidden names are not listed; delete and deleteFolder remove", async () => {
    const store = await open();
    await store.put(".partials/ep/sch/3600000/t@0.json", "one");
    await store.put(".partials/ep/sch/3600000/t@0.json", "two");
    await store.put(".partials/ep/sch/3600000/.t@1.json.123.tmp", "temporary");
    await store.put(".partials/ep/sch/7200000/t@0.json", "x");
    expect(await store.list(".partials/ep/sch")).toEqual(["3600000/t@0.json", "7200000/t@0.json"]);
    expect(text(await store.read(".partials/ep/sch/3600000/t@0.json"))).toBe("two");
    await store.deleteFolder(".partials/ep/sch/3600000");
    expect(await store.folders(".partials/ep/sch")).toEqual(["7200000"]);
    await store.delete(".partials/ep/sch/7200000/t@0.json");
    await store.delete(".partials/ep/sch/7200000/absent.json");
    expect(await store.list(".partials/ep/sch")).toEqual([]);
  });

  it("a staged file becomes the key whole on commit, and nothing on discard", async () => {
    const store = await open();
    const staged = await store.stage("dead-letter/ep/sch/dead-letter.jsonl");
    await writeFile(staged.file, "line 1\nline 2\n");
    expect(await store.read("dead-letter/ep/sch/dead-letter.jsonl")).toBeUndefined();
    await staged.commit();
    expect(text(await store.read("dead-letter/ep/sch/dead-letter.jsonl"))).toBe("line 1\nline 2\n");
    const dropped = await store.stage("dead-letter/ep/sch/other.jsonl");
    await writeFile(dropped.file, "x");
    await dropped.discard();
    expect(await store.read("dead-letter/ep/sch/other.jsonl")).toBeUndefined();
    expect(await store.list("dead-letter")).toEqual(["ep/sch/dead-letter.jsonl"]);
  });

  it("the alerts' start-up read finds the latest complete windows in it", async () => {
    const store = await open();
    const windowJson = (h: number, items: number): string =>
      JSON.stringify({ window_start: `2026-12-03T0${h - 1}:00:00Z`, window_end: `2026-12-03T0${h}:00:00Z`, item_count: items });
    const violations = JSON.stringify({ violations: [{ feature_name: "a", constraint_check_type: "baseline_drift_check", description: "drift" }] });
    for (const h of [1, 2, 3])
      await store.publish(`ep/sch/2026/12/03/0${h}`, [
        ["constraint_violations.json", h === 2 ? violations : '{"violations": []}'],
        ["window.json", windowJson(h, h === 3 ? 0 : 5)],
      ]);
    // a folder without window.json is not a complete report
    await store.put("ep/sch/2026/12/03/04/constraint_violations.json", violations);
    const windows = await readRecentWindows(store, "ep", "sch", 2, createLogger("silent"));
    expect(windows.map((w) => [w.folder, w.hasData, w.violations.length])).toEqual([
      ["ep/sch/2026/12/03/02", true, 1],
      ["ep/sch/2026/12/03/03", false, 0],
    ]);
  });

  it("check() passes on a writable store and leaves nothing behind", async () => {
    const store = await open();
    await store.check("--reports");
    expect(await store.list("")).toEqual([]);
  });
});

describe("S3 report store errors", () => {
  it("a bucket that does not exist fails the start-up check naming the setting, the URI and S3's reason", async () => {
    const err = await checkReportStore("s3://no-such-bucket-dq/reports", s3Config(), "reports_dir").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WriteError);
    expect((err as Error).message).toBe(
      "reports_dir s3://no-such-bucket-dq/reports: cannot write: NoSuchBucket: The specified bucket does not exist (HTTP 404)",
    );
  });

  it("the objects are SageMaker's layout under the prefix, byte for byte", async () => {
    const bucket = await newBucket("layout");
    const store = await openReportStore(`s3://${bucket}/monitoring`, s3Config());
    await store.publish("ep/sch/2026/12/03/01", [["statistics.json", new Uint8Array([0x7b, 0x7d, 0x0a])]]);
    const objects = await readObjects(bucket, "monitoring");
    expect([...objects.keys()]).toEqual(["ep/sch/2026/12/03/01/statistics.json"]);
    expect(objects.get("ep/sch/2026/12/03/01/statistics.json")?.toString("utf8")).toBe("{}\n");
  });

  it("the local store's staged file lives beside its target (one rename)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "dq-store-"));
    folders.push(dir);
    const staged = await new LocalReportStore(dir).stage("a/b.jsonl");
    expect(staged.file.startsWith(join(dir, "a", "."))).toBe(true);
    await writeFile(staged.file, "z");
    await staged.commit();
    expect(await readFile(join(dir, "a", "b.jsonl"), "utf8")).toBe("z");
  });
});
