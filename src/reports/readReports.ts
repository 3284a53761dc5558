import { createHash, type Hash } from "node:crypto";
import * as z from "zod";
import { CHECK_TYPES } from "../checks/index.js";
import { FormatError, parseJsonText } from "../formats/jsonFile.js";
import type { ReportStore } from "../sinks/reportStore/ReportStore.js";

/**
 * Reading reports back from a store (the alerts' start-up, `dqstream report`): SageMaker's layout
 * `<endpoint>/<schedule>/YYYY/MM/DD/HH[/mm]/`, a folder complete when its window.json is there
 * (src/sinks/reportWriter.ts writes it last). What is read is validated; other keys are ignored,
 * so reports of later versions still read.
 */

/** What is read of window.json (src/engine/evaluateWindow.ts writes it). */
export const WindowJsonSchema = z.looseObject({
  window_start: z.iso.datetime(),
  window_end: z.iso.datetime(),
  item_count: z.number().int().min(0),
  records: z
    .looseObject({
      counted: z.number().int().min(0).optional(),
      skipped: z.number().int().min(0).optional(),
      late: z.number().int().min(0).optional(),
      malformed: z.number().int().min(0).optional(),
    })
    .optional(),
  complete: z.boolean().optional(),
  missing_partitions: z.array(z.looseObject({ topic: z.string(), partition: z.number().int().min(0) })).optional(),
  correction: z.boolean().optional(),
});
export type WindowJson = z.output<typeof WindowJsonSchema>;

/** constraint_violations.json, SageMaker's schema. */
export const ViolationsJsonSchema = z.looseObject({
  violations: z.array(
    z.looseObject({
      feature_name: z.string(),
      constraint_check_type: z.enum(CHECK_TYPES),
      description: z.string(),
    }),
  ),
});
export type ReportedViolation = z.output<typeof ViolationsJsonSchema>["violations"][number];

/** One window's report as read back. */
export interface StoredWindow {
  /** Its folder, relative to the store's root. */
  readonly folder: string;
  readonly window: WindowJson;
  readonly violations: readonly ReportedViolation[];
  /** SHA-1 of the two files' bytes: whether a report was rewritten (a correction) without comparing its content. */
  readonly digest: string;
}

/**
 * The time a report folder's name states, from its path `YYYY/MM/DD/HH[/mm]` (see windowFolder:
 * the window's end, or its start with report_folder_time: window_start), or undefined for a path
 * of another shape. Either way it orders a schedule's folders as their windows: used to pick
 * folders without reading every file; window.json's own times are what is reported.
 */
export function folderTimeMs(relativeFolder: string): number | undefined {
  const parts = relativeFolder.split("/");
  if (parts.length !== 4 && parts.length !== 5) return undefined;
  if (!parts.every((p, i) => (i === 0 ? /^\d{4}$/ : /^\d{2}$/).test(p))) return undefined;
  const [y, mo, d, h, mi] = parts.map(Number) as [number, number, number, number, number | undefined];
  return Date.UTC(y, mo - 1, d, h, mi ?? 0);
}

/** The report folders of one schedule with a window.json, relative to `<endpoint>/<schedule>`, in window order, with the time their names state. */
export async function windowFolders(store: ReportStore, endpoint: string, schedule: string): Promise<Array<{ folder: string; timeMs: number }>> {
  return reportFoldersIn(await store.list(`${endpoint}/${schedule}`), "").sort(
    (a, b) => a.timeMs - b.timeMs || (a.folder < b.folder ? -1 : a.folder > b.folder ? 1 : 0),
  );
}

/**
 * The report folders among `paths` (a listing of the folder `prefix`, relative to it): those with
 * a window.json and a name of SageMaker's layout, as `prefix/…` paths with the time they state.
 */
export function reportFoldersIn(paths: readonly string[], prefix: string): Array<{ folder: string; timeMs: number }> {
  const out: Array<{ folder: string; timeMs: number }> = [];
  for (const p of paths) {
    if (p !== "window.json" && !p.endsWith("/window.json")) continue;
    const folder = [prefix, p.slice(0, -"window.json".length).replace(/\/$/, "")].filter((x) => x !== "").join("/");
    const timeMs = folderTimeMs(folder);
    if (timeMs !== undefined) out.push({ folder, timeMs });
  }
  return out;
}

/** The (endpoint, schedule) pairs of a store: its first two folder levels, sorted. */
export async function schedulesIn(store: ReportStore): Promise<Array<{ endpoint: string; schedule: string }>> {
  const out: Array<{ endpoint: string; schedule: string }> = [];
  for (const endpoint of await store.folders("")) for (const schedule of await store.folders(endpoint)) out.push({ endpoint, schedule });
  return out;
}

async function readJson<S extends z.ZodType>(store: ReportStore, key: string, schema: S, hash: Hash): Promise<z.output<S>> {
  const bytes = await store.read(key);
  if (bytes === undefined) throw new FormatError(store.locate(key), "cannot read: there is no such file");
  hash.update(bytes);
  return parseJsonText(store.locate(key), Buffer.from(bytes).toString("utf8"), schema);
}

/** One window's report: its folder's window.json and constraint_violations.json (`folder` relative to the store's root, "" for the root). FormatError naming the file when one is missing or invalid. */
export async function readWindow(store: ReportStore, folder: string): Promise<StoredWindow> {
  const at = (name: string): string => (folder === "" ? name : `${folder}/${name}`);
  const hash = createHash("sha1");
  const window = await readJson(store, at("window.json"), WindowJsonSchema, hash);
  const { violations } = await readJson(store, at("constraint_violations.json"), ViolationsJsonSchema, hash);
  return { folder, window, violations, digest: hash.digest("hex") };
}
