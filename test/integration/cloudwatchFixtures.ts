// Inputs for the CloudWatch integration tests: the csv-start golden capture (seven ten-minute
// windows, every check type firing somewhere) moved to recent hours, because CloudWatch refuses
// datums older than two weeks; a unique endpoint name per test so runs sharing one moto do not see
// each other's metrics.
import { GetMetricDataCommand, type CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { randomBytes } from "node:crypto";
import { readFile, readdir, writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";

export const STATISTICS = resolve("test/golden/baseline/csv-header/statistics.json");
export const CONSTRAINTS = resolve("test/golden/baseline/csv-header/constraints.json");
const SOURCE = "test/golden/replay/csv-start/input/capture.jsonl";
const SOURCE_T0 = Date.UTC(2026, 10, 1);
export const WINDOW_MS = 600_000;

/** An endpoint name no other test or run uses. */
export function uniqueEndpoint(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
}

/**
 * Writes the csv-start capture shifted so its first window starts at `startMs` (a multiple of ten
 * minutes), split in one file per window: returns the files in order and the window starts.
 */
export async function recentCaptures(dir: string, startMs: number): Promise<{ files: string[]; windowStarts: number[] }> {
  const lines = (await readFile(SOURCE, "utf8")).trim().split("\n");
  const byWindow = new Map<number, string[]>();
  for (const line of lines) {
    const rec = JSON.parse(line) as { eventMetadata: { inferenceTime: string } };
    const ms = Date.parse(rec.eventMetadata.inferenceTime) - SOURCE_T0 + startMs;
    rec.eventMetadata.inferenceTime = new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
    const w = Math.floor(ms / WINDOW_MS) * WINDOW_MS;
    if (!byWindow.has(w)) byWindow.set(w, []);
    byWindow.get(w)?.push(JSON.stringify(rec));
  }
  const windowStarts = [...byWindow.keys()].sort((a, b) => a - b);
  const files: string[] = [];
  for (const [i, w] of windowStarts.entries()) {
    const file = join(dir, `capture-${i}.jsonl`);
    await writeFile(file, `${(byWindow.get(w) ?? []).join("\n")}\n`);
    files.push(file);
  }
  return { files, windowStarts };
}

/** A window start three hours ago (ten-minute aligned): inside CloudWatch's two-week range. */
export function recentStart(nowMs = Date.now()): number {
  return Math.floor((nowMs - 3 * 3_600_000) / WINDOW_MS) * WINDOW_MS;
}

/** statistics.json files under a reports folder, by window start (read from window.json). */
export async function recentReports(
  reportsDir: string,
): Promise<Map<number, { statistics: Record<string, unknown>; window: Record<string, unknown>; folder: string }>> {
  const out = new Map<number, { statistics: Record<string, unknown>; window: Record<string, unknown>; folder: string }>();
  const entries = await readdir(reportsDir, { recursive: true, withFileTypes: true });
  for (const e of entries) {
    if (!e.isFile() || e.name !== "window.json") continue;
    const window = JSON.parse(await readFile(join(e.parentPath, e.name), "utf8")) as Record<string, unknown>;
    const statistics = JSON.parse(await readFile(join(e.parentPath, "statistics.json"), "utf8")) as Record<string, unknown>;
    out.set(Date.parse(String(window["window_start"])), { statistics, window, folder: relative(reportsDir, e.parentPath) });
  }
  return out;
}

/** One metric's datapoints of an endpoint's schedule, 10-minute periods between two times: timestamp (ms) → value of `stat`. */
export async function metricSeries(
  client: CloudWatchClient,
  q: { namespace: string; metric: string; endpoint: string; schedule: string; stat: string; fromMs: number; toMs: number },
): Promise<Map<number, number>> {
  const res = await client.send(
    new GetMetricDataCommand({
      StartTime: new Date(q.fromMs),
      EndTime: new Date(q.toMs),
      MetricDataQueries: [
        {
          Id: "q",
          MetricStat: {
            Metric: {
              Namespace: q.namespace,
              MetricName: q.metric,
              Dimensions: [
                { Name: "Endpoint", Value: q.endpoint },
                { Name: "MonitoringSchedule", Value: q.schedule },
              ],
            },
            Period: 600,
            Stat: q.stat,
          },
        },
      ],
    }),
  );
  const r = res.MetricDataResults?.[0];
  return new Map((r?.Timestamps ?? []).map((t, i) => [t.getTime(), r?.Values?.[i] as number]));
}
