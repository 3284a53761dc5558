// Stage 2's cost per window, and stage 1's per part, in process, from the built modules (dist/): the
// model's per-window costs in docs/design-monitor.md ("How it scales"). Run by bench/scale.mjs, or
// alone: `node bench/stage2Cost.mjs` (after `npm run build`). Asserts nothing.
//
// Per width F (BENCH_STAGE2_FEATURES, default 20,100,500): bench/widthData.mjs's seeded capture,
// 5,000 records in one window, read by one engine as 4 input partitions (round robin) and closed:
// 4 parts. For p input partitions (BENCH_STAGE2_PARTITIONS, default 4,16,64) the window has p parts,
// the 4 real ones repeated under p partition numbers (a part's size and merge cost depend on the
// width and the sketches, not on which records it holds).
//   stage 1, per part  encodePart: serialize the part's sketches and cut it into chunks (what each
//                      partition's owner adds to its transaction when a window closes), and the bytes.
//   stage 2, per window  decode the p parts' messages, assemble (merge in (topic, partition) order),
//                      evaluate (six checks, statistics.json, window.json) and write the report to a
//                      local folder — what the reporting instance does per window, before the
//                      CloudWatch and alert sinks (queued, off this path).
// Median of BENCH_STAGE2_RUNS (5) runs after one warm-up.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { envInt, fmtInt, median, table } from "./lib.mjs";
import { ensureCapture, makeBaseline } from "./widthData.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const DIST = join(dirname(HERE), "dist");
const load = (p) => import(pathToFileURL(join(DIST, p)).href);
const RECORDS = 5000;
const WINDOW_SECONDS = 3600;

async function readLines(file, n) {
  const out = [];
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (line === "") continue;
    out.push(line);
    if (out.length >= n) break;
  }
  return out;
}

/** Rows of {features, partitions, part, encodeMs, partBytes, chunks, stage2Ms}. */
export async function measureStage2({ widths, partitionCounts, runs, seed, log }) {
  const { MonitorConfigSchema } = await load("config/monitorSchema.js");
  const { openPipeline } = await load("engine/pipeline.js");
  const { encodePart, encodeProgress, PartsDecoder } = await load("windows/partMessages.js");
  const { WindowAssembler } = await load("windows/windowAssembler.js");
  const { silentLogger } = await load("telemetry/logger.js");
  const tmp = mkdtempSync(join(os.tmpdir(), "dq-bench-stage2-"));
  const rows = [];
  try {
    for (const F of widths) {
      const baselineDir = await makeBaseline(F, 5000, seed, join(tmp, `baseline-${F}`), log);
      // every record in one window: spacing so that 5,000 records span 10 minutes of the hour
      const capture = ensureCapture(F, RECORDS, 120, seed + 1, log);
      const reports = join(tmp, `reports-${F}`);
      mkdirSync(reports, { recursive: true });
      const config = MonitorConfigSchema.parse({
        baseline: { statistics: join(baselineDir, "statistics.json"), constraints: join(baselineDir, "constraints.json") },
        reports_dir: reports,
        endpoint: "bench",
        schedule: "stage2",
        window_seconds: WINDOW_SECONDS,
        kafka: { brokers: ["127.0.0.1:1"], topics: ["bench"] },
      });
      const pipeline = await openPipeline(config, silentLogger());
      const engine = pipeline.newEngine({ confirmJumps: false });
      const lines = await readLines(capture.file, RECORDS);
      const keys4 = [0, 1, 2, 3].map((partition) => ({ topic: "bench", partition }));
      for (const key of keys4) {
        const records = lines
          .map((value, i) => ({ value, i }))
          .filter(({ i }) => i % 4 === key.partition)
          .map(({ value, i }) => ({ partition: key, position: { ...key, offset: String(i) }, value }));
        await engine.process(records, keys4);
      }
      const [window] = engine.closeAll();
      if (window === undefined || window.parts.length !== 4) throw new Error(`F=${F}: expected one window of 4 parts`);
      for (const p of partitionCounts) {
        const keys = Array.from({ length: p }, (_, partition) => ({ topic: "bench", partition }));
        const parts = keys.map((key, i) => ({ ...window.parts[i % 4], partition: key }));
        // stage 1: each partition's owner encodes its part
        let messages = [];
        const encodeTimes = [];
        for (let r = 0; r <= runs; r++) {
          const t = performance.now();
          const out = [];
          for (const part of parts) out.push(...encodePart(window.startMs, part, 1_048_588));
          if (r > 0) encodeTimes.push((performance.now() - t) / p);
          messages = out;
        }
        const partBytes = messages.reduce((n, m) => n + m.value.length, 0) / p;
        const progress = keys.map((key) => encodeProgress(key, window.endMs));
        // stage 2: the reporting instance reads them, assembles, evaluates, writes
        const stage2Times = [];
        for (let r = 0; r <= runs; r++) {
          const t = performance.now();
          const decoder = new PartsDecoder();
          const a = new WindowAssembler({
            windowMs: WINDOW_SECONDS * 1000,
            maxWaitMs: 600_000,
            maxCorrectable: 24,
            sketch: pipeline.sketchOptions,
            limit: pipeline.featureLimit,
          });
          a.expect(keys);
          let offset = 0n;
          for (const m of [...messages, ...progress]) {
            const msg = decoder.push(m);
            if (msg?.kind === "part") a.part(msg.startMs, msg.part, offset, 0);
            else if (msg?.kind === "progress") a.progress(msg.partition, msg.closedUpToMs, offset);
            else a.read(offset);
            offset++;
          }
          const ready = a.ready(0);
          if (ready.length !== 1 || !ready[0].complete) throw new Error(`F=${F}, p=${p}: the window did not assemble`);
          await pipeline.reporter.report([ready[0].window]);
          if (r > 0) stage2Times.push(performance.now() - t);
        }
        rows.push({
          features: F,
          partitions: p,
          encodeMsPerPart: median(encodeTimes),
          partBytes,
          chunksPerPart: messages.length / p,
          stage2MsPerWindow: median(stage2Times),
        });
        log(`F=${F}, p=${p}: stage 2 ${median(stage2Times).toFixed(1)} ms per window`);
      }
      await pipeline.close();
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return rows;
}

export function stage2Table(rows) {
  return table(
    ["features", "partitions", "stage 1 per part", "part size", "stage 2 per window"],
    rows.map((r) => [
      String(r.features),
      String(r.partitions),
      `${r.encodeMsPerPart.toFixed(2)} ms`,
      `${fmtInt(r.partBytes / 1024)} KiB`,
      `${r.stage2MsPerWindow.toFixed(1)} ms`,
    ]),
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const widths = (process.env.BENCH_STAGE2_FEATURES ?? "20,100,500").split(",").map(Number);
  const partitionCounts = (process.env.BENCH_STAGE2_PARTITIONS ?? "4,16,64").split(",").map(Number);
  const rows = await measureStage2({
    widths,
    partitionCounts,
    runs: envInt("BENCH_STAGE2_RUNS", 5),
    seed: envInt("BENCH_SEED", 20240601),
    log: (m) => process.stderr.write(`[bench:stage2] ${m}\n`),
  });
  process.stdout.write(`\n${stage2Table(rows)}\n${JSON.stringify({ bench: "stage2", rows })}\n`);
}
