// Several instances of one group own different partitions of a window; the report assembled from
// the parts they share through the reports folder is the one a single instance would write.
import { mkdtemp, readdir, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { MonitorEngine } from "../../src/engine/MonitorEngine.js";
import { toStatistics } from "../../src/profiles/toStatistics.js";
import type { FeatureLayout } from "../../src/records/featureRow.js";
import { sagemakerCaptureDecoder } from "../../src/records/decoders/sagemakerCapture/index.js";
import { deserializePart, partFile, serializePart, WindowPartStore } from "../../src/sinks/windowPartStore.js";
import type { PartitionKey, SourceRecord } from "../../src/records/SourceRecord.js";
import { createLogger, silentLogger } from "../../src/telemetry/logger.js";
import { WindowManager, type ClosedWindow } from "../../src/windows/WindowManager.js";
import { mulberry32 } from "../support/random.js";
import { LocalReportStore } from "../../src/sinks/reportStore/localReportStore.js";

const T0 = Date.UTC(2026, 10, 1);
const W = 60_000;
const LAYOUT: FeatureLayout = { featureNames: ["label", "x", "c"], outputColumnsPosition: "START" };
const KEYS: PartitionKey[] = [0, 1, 2].map((partition) => ({ topic: "captures", partition }));

function recordsOf(key: PartitionKey, seed: number): SourceRecord[] {
  const rand = mulberry32(seed);
  return Array.from({ length: 300 }, (_, i) => {
    const t = T0 + i * 700 + Math.floor(rand() * 500);
    const value =
      rand() < 0.03
        ? "{broken"
        : JSON.stringify({
            captureData: {
              endpointInput: {
                observedContentType: "text/csv",
                mode: "INPUT",
                data: `${(rand() * 100).toFixed(3)},${rand() < 0.3 ? "a" : "b"}`,
                encoding: "CSV",
              },
              endpointOutput: { observedContentType: "text/csv", mode: "OUTPUT", data: "1", encoding: "CSV" },
            },
            eventMetadata: { eventId: String(i), inferenceTime: new Date(t).toISOString() },
            eventVersion: "0",
          });
    return { partition: key, position: { topic: key.topic, partition: key.partition, offset: String(i) }, value };
  });
}

async function closeAllOf(keys: readonly PartitionKey[]): Promise<ClosedWindow[]> {
  const e = new MonitorEngine({
    decoder: sagemakerCaptureDecoder,
    windows: new WindowManager({ windowMs: W, allowedLatenessMs: 0 }),
    layout: LAYOUT,
    fallbackToSourceTimestamp: false,
  });
  const closed: ClosedWindow[] = [];
  for (const key of keys) closed.push(...(await e.process(recordsOf(key, key.partition + 1), keys)).closed);
  closed.push(...e.closeAll());
  return closed;
}

const bytes = (w: ClosedWindow): string => JSON.stringify({ s: w.startMs, stats: toStatistics(w.profile), counts: w.counts, inputs: w.inputs });
const silent = silentLogger();

describe("WindowPartStore", () => {
  it("a part survives serialization through JSON with the same statistics", async () => {
    const [w] = await closeAllOf([KEYS[0] as PartitionKey]);
    const part = w?.parts[0];
    if (w === undefined || part === undefined) throw new Error("no window");
    const back = deserializePart(JSON.parse(JSON.stringify(serializePart(w.startMs, part))), w.startMs);
    // the state may be normalised (ExactSum's partials), the statistics are the same bit for bit
    expect(JSON.stringify(toStatistics(back.profile))).toBe(JSON.stringify(toStatistics(part.profile)));
    expect(back.counts).toEqual(part.counts);
    expect(() => deserializePart(serializePart(w.startMs, part), w.startMs + W)).toThrow(/window_start_ms/);
  });

  it("two instances owning different partitions end with the report of one instance owning all", async () => {
    const single = new Map((await closeAllOf(KEYS)).map((w) => [w.startMs, bytes(w)]));
    const a = await closeAllOf([KEYS[0], KEYS[2]] as PartitionKey[]);
    const b = await closeAllOf([KEYS[1]] as PartitionKey[]);
    const root = await mkdtemp(join(tmpdir(), "dq-parts-"));
    const last = new Map<number, string>();
    const write = async (w: ClosedWindow): Promise<void> => void last.set(w.startMs, bytes(w));
    const storeA = new WindowPartStore(new LocalReportStore(root), "parts", undefined, silent);
    const storeB = new WindowPartStore(new LocalReportStore(root), "parts", undefined, silent);
    for (const w of a) await storeA.report(w, write);
    for (const w of b) await storeB.report(w, write);
    expect([...last.keys()].sort()).toEqual([...single.keys()].sort());
    for (const [start, s] of single) expect(last.get(start), new Date(start).toISOString()).toBe(s);
  });

  it("rewrites the report when another instance adds a part while it was writing", async () => {
    const [wa] = await closeAllOf([KEYS[0] as PartitionKey]);
    const [wb] = await closeAllOf([KEYS[1] as PartitionKey]);
    const [both] = await closeAllOf([KEYS[0], KEYS[1]] as PartitionKey[]);
    if (wa === undefined || wb === undefined || both === undefined) throw new Error("no window");
    const root = await mkdtemp(join(tmpdir(), "dq-parts-"));
    const storeA = new WindowPartStore(new LocalReportStore(root), "parts", undefined, silent);
    const storeB = new WindowPartStore(new LocalReportStore(root), "parts", undefined, silent);
    const writes: string[] = [];
    let raced = false;
    await storeA.report(wa, async (w) => {
      if (!raced) {
        raced = true;
        // B writes its part and its report between A's listing and A's write
        await storeB.report(wb, async (x) => void writes.push(`B:${x.parts.length}`));
      }
      writes.push(`A:${w.parts.length}`);
      if (w.parts.length === 2) expect(bytes(w)).toBe(bytes(both));
    });
    // A's first write (its part only) landed after B's complete one, so A assembled again
    expect(writes).toEqual(["B:2", "A:1", "A:2"]);
  });

  it("leaves out an unreadable part written by another instance, and says so", async () => {
    const [wa] = await closeAllOf([KEYS[0] as PartitionKey]);
    if (wa === undefined) throw new Error("no window");
    const root = await mkdtemp(join(tmpdir(), "dq-parts-"));
    await mkdir(join(root, "parts", String(wa.startMs)), { recursive: true });
    await writeFile(join(root, "parts", String(wa.startMs), partFile(KEYS[1] as PartitionKey)), "{ truncated");
    const lines: string[] = [];
    const log = createLogger(
      "error",
      new Writable({
        write: (chunk: Buffer, _enc, done) => {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
    let got: ClosedWindow | undefined;
    await new WindowPartStore(new LocalReportStore(root), "parts", undefined, log).report(wa, async (w) => void (got = w));
    expect(got?.parts.map((p) => p.partition.partition)).toEqual([0]);
    expect(lines.join("")).toMatch(/unreadable/);
    expect(lines.join("")).toContain(partFile(KEYS[1] as PartitionKey));
  });

  it("prunes the parts of windows that ended before the horizon", async () => {
    const closed = await closeAllOf([KEYS[0] as PartitionKey]);
    const root = await mkdtemp(join(tmpdir(), "dq-parts-"));
    const store = new WindowPartStore(new LocalReportStore(root), "parts", undefined, silent);
    for (const w of closed) await store.report(w, async () => undefined);
    const starts = closed.map((w) => w.startMs);
    expect(await store.prune((starts[1] as number) + W, W)).toBe(2);
    expect((await readdir(join(root, "parts"))).map(Number).sort()).toEqual(starts.slice(2).sort());
  });
});
