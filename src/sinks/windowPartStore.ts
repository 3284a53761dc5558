import { DatasetProfile } from "../profiles/DatasetProfile.js";
import type { SketchOptions } from "../profiles/FeatureProfile.js";
import type { PartitionKey, Position } from "../records/SourceRecord.js";
import type { Logger } from "../telemetry/logger.js";
import type { WindowCounts } from "../windows/WindowCounts.js";
import { assembleWindow, type ClosedWindow, type WindowPart } from "../windows/WindowManager.js";
import { logEvent } from "../telemetry/logEvents.js";
import type { ReportStore } from "./reportStore/ReportStore.js";

/** Rewrites of one report while other instances keep adding parts, before giving up for now. */
const MAX_ROUNDS = 20;

/**
 * Window parts shared by the instances of one consumer group through the report store, so that
 * a window whose partitions several instances own still gets one complete report
 * (docs/design-monitor.md, "Several instances"). Layout:
 * `<reports>/.partials/<endpoint>/<schedule>/<window start ms>/<topic>@<partition>.json`, each the
 * serialized share (profile, counts, input range) of one partition, written atomically.
 *
 * Contract of `report`: this instance's parts are written first; the window is then assembled
 * from every part stored for it and handed to `write`; if the set of parts changed meanwhile,
 * assembled and written again. The last report written for a window therefore covers every part
 * written before it (the last writer re-lists after writing), and a part is only ever rewritten
 * with the same content (a partition's share of a window is a pure function of its records), so
 * the final report equals the one a single instance owning every partition would write.
 */
export class WindowPartStore {
  readonly #store: ReportStore;
  readonly #root: string;
  readonly #sketch: SketchOptions | undefined;
  readonly #log: Logger;

  /** `root`: the parts' folder in `store` (`.partials/<endpoint>/<schedule>`). */
  constructor(store: ReportStore, root: string, sketch: SketchOptions | undefined, log: Logger) {
    this.#store = store;
    this.#root = root;
    this.#sketch = sketch;
    this.#log = log;
  }

  async report<R>(w: ClosedWindow, write: (assembled: ClosedWindow) => Promise<R>): Promise<R> {
    const dir = this.#dir(w.startMs);
    // compact JSON: parts are read by instances, not people, and the sketches' arrays are long
    for (const p of w.parts) await this.#store.put(`${dir}/${partFile(p.partition)}`, JSON.stringify(serializePart(w.startMs, p)));
    const own = new Set(w.parts.map((p) => partFile(p.partition)));
    let names = await this.#list(w.startMs);
    for (let round = 1; ; round++) {
      const foreign = await this.#read(
        w.startMs,
        names.filter((n) => !own.has(n)),
      );
      const assembled = foreign.length === 0 ? w : assembleWindow(w.startMs, w.endMs, [...w.parts, ...foreign], this.#sketch, w.profile.limit);
      const result = await write(assembled);
      const again = await this.#list(w.startMs);
      if (sameNames(names, again) || round >= MAX_ROUNDS) return result;
      names = again;
    }
  }

  /** Removes the parts of windows that ended at or before `beforeMs`. */
  async prune(beforeMs: number, windowMs: number): Promise<number> {
    let removed = 0;
    for (const name of await this.#store.folders(this.#root)) {
      const start = Number(name);
      if (!/^-?\d+$/.test(name) || start + windowMs > beforeMs) continue;
      await this.#store.deleteFolder(`${this.#root}/${name}`);
      removed++;
    }
    return removed;
  }

  #dir(startMs: number): string {
    return `${this.#root}/${startMs}`;
  }

  async #list(startMs: number): Promise<string[]> {
    return (await this.#store.list(this.#dir(startMs))).filter((n) => n.endsWith(".json") && !n.includes("/"));
  }

  /** Parts written by other instances; an unreadable one is logged and left out (the report's input list shows it missing). */
  async #read(startMs: number, names: readonly string[]): Promise<WindowPart[]> {
    const out: WindowPart[] = [];
    for (const name of names) {
      const key = `${this.#dir(startMs)}/${name}`;
      try {
        const bytes = await this.#store.read(key);
        if (bytes === undefined) continue; // pruned meanwhile by another instance
        out.push(deserializePart(JSON.parse(Buffer.from(bytes).toString("utf8")), startMs));
      } catch (e) {
        logEvent(this.#log, "window_part_unreadable", { err: e, file: this.#store.locate(key) });
      }
    }
    return out;
  }
}

/** `<topic>@<partition>.json` (Kafka topic names are [A-Za-z0-9._-]). */
export function partFile(p: PartitionKey): string {
  return `${p.topic}@${p.partition}.json`;
}

interface PartState {
  v: 1;
  window_start_ms: number;
  topic: string;
  partition: number;
  counts: WindowCounts;
  first: Position | null;
  last: Position | null;
  profile: unknown;
}

export function serializePart(startMs: number, p: WindowPart): PartState {
  return {
    v: 1,
    window_start_ms: startMs,
    topic: p.partition.topic,
    partition: p.partition.partition,
    counts: p.counts,
    first: p.first ?? null,
    last: p.last ?? null,
    profile: p.profile.serialize(),
  };
}

export function deserializePart(value: unknown, startMs: number): WindowPart {
  const o = value as Partial<PartState> | null;
  if (o === null || typeof o !== "object" || o.v !== 1) throw new Error("not a window part of version 1");
  if (o.window_start_ms !== startMs) throw new Error(`window_start_ms ${String(o.window_start_ms)} is not the folder's ${startMs}`);
  if (typeof o.topic !== "string" || typeof o.partition !== "number" || typeof o.counts !== "object" || o.counts === null) {
    throw new Error("topic, partition and counts are required");
  }
  const partition = { topic: o.topic, partition: o.partition };
  return {
    partition,
    profile: DatasetProfile.deserialize(o.profile),
    counts: o.counts,
    first: o.first ?? undefined,
    last: o.last ?? undefined,
  };
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

/** For logs: which partitions a window was assembled from, as `<topic>@<partition>`. */
export function partitionsOf(w: ClosedWindow): string[] {
  return w.parts.map((p) => `${p.partition.topic}@${p.partition.partition}`);
}
