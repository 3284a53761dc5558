// Shared by the hostile-input suite (test/hostile/): capture records, a replay run in a fresh
// folder, and reading back what it wrote.
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SpawnSyncReturns } from "node:child_process";
import { ROOT, runCli } from "../support/cli.js";

/** A baseline with 12 features (churn first: the model's output). */
export const STATS = join(ROOT, "test/golden/baseline/csv-header/statistics.json");
export const CONS = join(ROOT, "test/golden/baseline/csv-header/constraints.json");

/** One well-formed capture record (CSV payload) at `time`. */
export function capture(time: string, input = "82,TX,basic,223.2,94,175.7,214.5,12.3,0,29.04,no,web", output = "1"): string {
  return JSON.stringify({
    captureData: {
      endpointInput: { observedContentType: "text/csv", mode: "INPUT", data: input, encoding: "CSV" },
      endpointOutput: { observedContentType: "text/csv", mode: "OUTPUT", data: output, encoding: "CSV" },
    },
    eventMetadata: { eventId: `e-${time}`, inferenceTime: time },
    eventVersion: "0",
  });
}

/** A capture record whose input is a JSON payload (the object given, as text). */
export function jsonCapture(time: string, payload: string, encoding: "JSON" | "BASE64" = "JSON"): string {
  const data = encoding === "JSON" ? payload : Buffer.from(payload, "utf8").toString("base64");
  return JSON.stringify({
    captureData: { endpointInput: { observedContentType: "application/json", mode: "INPUT", data, encoding } },
    eventMetadata: { eventId: `e-${time}`, inferenceTime: time },
    eventVersion: "0",
  });
}

/** `{"a":{"a":…1…}}` nested `depth` levels. */
export function nestedObject(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}

/** Records at 00:00:00 + i minutes on 2026-11-01, as capture lines. */
export function minutes(from: number, to: number): string[] {
  const out: string[] = [];
  for (let m = from; m < to; m++) out.push(capture(`2026-11-01T${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}:00Z`));
  return out;
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `dqstream-hostile-${prefix}-`));
}

/** `dqstream replay` of `inputs` into `<dir>/reports` with the test baseline, hourly windows. */
export function replay(dir: string, inputs: readonly string[], extra: readonly string[] = []): SpawnSyncReturns<string> {
  return runCli(dir, ["replay", "--statistics", STATS, "--constraints", CONS, "--reports", join(dir, "reports"), ...extra, ...inputs]);
}

/** The window.json files under a reports folder, by folder relative to `<reports>/endpoint/schedule`. */
export async function windows(reports: string): Promise<Map<string, Record<string, unknown>>> {
  const root = join(reports, "endpoint", "schedule");
  const out = new Map<string, Record<string, unknown>>();
  for (const f of (await readdir(root, { recursive: true })).filter((f) => f.endsWith("window.json")).sort()) {
    out.set(f.slice(0, -"/window.json".length), JSON.parse(await readFile(join(root, f), "utf8")) as Record<string, unknown>);
  }
  return out;
}

/** The replay's dead letters (JSON lines of <reports>/dead-letter/endpoint/schedule/dead-letter.jsonl). */
export async function deadLetters(reports: string): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(join(reports, "dead-letter", "endpoint", "schedule", "dead-letter.jsonl"), "utf8");
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
