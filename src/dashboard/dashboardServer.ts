import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import type { StatisticsFile } from "../formats/statisticsFormat.js";
import type { ReportStore } from "../sinks/reportStore/ReportStore.js";
import type { LocationReader } from "../storage/readLocation.js";
import type { Logger } from "../telemetry/logger.js";
import { logEvent } from "../telemetry/logEvents.js";
import type { WindowsEvent } from "./apiTypes.js";
import { ApiError, DashboardData, DEFAULT_SERIES, DEFAULT_TREND } from "./dashboardData.js";
import { pageHtml } from "./page.js";
import { ReportIndex, type IndexedWindow } from "./reportIndex.js";

/**
 * The dashboard as HTTP routes, mounted on the monitor's server (and `dqstream dashboard`'s):
 * `/` the page, `/dashboard/app.js|app.css` its bundle (built into dist/dashboard/assets, no CDN),
 * `/api/*` the JSON API (docs/dashboard.md), `/api/events` server-sent events announcing new
 * windows. The index is refreshed every `refreshSeconds` and at once on `poke()` (the monitor
 * pokes it after each report it writes).
 */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;

export interface DashboardOptions {
  readonly store: ReportStore;
  readonly baseline?: StatisticsFile;
  readonly read?: LocationReader;
  readonly refreshSeconds: number;
  readonly log: Logger;
}

export interface Dashboard {
  readonly index: ReportIndex;
  readonly data: DashboardData;
  readonly handle: RouteHandler;
  /** Settles when the first read of the store is done (views answer from what is indexed so far until then). */
  readonly ready: Promise<void>;
  /** Refresh now (a report was just written). */
  poke(): void;
  close(): void;
}

const JSON_TYPE = "application/json; charset=utf-8";
const SSE_KEEPALIVE_MS = 15_000;
const MAX_SSE_BUFFER_BYTES = 1 << 20;
const MAX_EVENT_WINDOWS = 100;
const ASSET_TYPES: Record<string, string> = { "app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8" };

/** dist/dashboard/assets beside the built module, or the build's output when run from src (tests). */
export function assetsDir(): string {
  const built = fileURLToPath(new URL("./assets/", import.meta.url));
  return existsSync(`${built}app.js`) ? built : fileURLToPath(new URL("../../dist/dashboard/assets/", import.meta.url));
}

const assets = new Map<string, Promise<string>>();

/** The page's bundle, read once per process (it changes only with a new build). */
export function readAsset(name: "app.js" | "app.css"): Promise<string> {
  let text = assets.get(name);
  if (text === undefined) {
    const file = `${assetsDir()}${name}`;
    text = readFile(file, "utf8").catch(() => {
      assets.delete(name);
      throw new Error(`the dashboard's ${name} is missing (${file}): run npm run build`);
    });
    assets.set(name, text);
  }
  return text;
}

/** Starts building the index (the first full read of the store, see `ready`) and refreshing it. */
export function startDashboard(options: DashboardOptions): Dashboard {
  const { store, log } = options;
  const index = new ReportIndex(store);
  const data = new DashboardData(index, {
    ...(options.baseline === undefined ? {} : { baseline: options.baseline }),
    ...(options.read === undefined ? {} : { read: options.read }),
  });
  const reportedUnreadable = new Set<string>();
  /** One refresh, its failure and the reports it newly found unreadable logged (never throws). */
  const run = (): Promise<boolean> =>
    index.refresh().then(
      () => {
        for (const [folder, err] of index.unreadable) {
          if (reportedUnreadable.has(folder)) continue;
          reportedUnreadable.add(folder);
          logEvent(log, "dashboard_report_unreadable", { folder: store.locate(folder), err });
        }
        return true;
      },
      (err: unknown) => {
        logEvent(log, "dashboard_refresh_failed", { err, reports: store.description });
        return false;
      },
    );
  const refresh = (): void => void run();
  const started = Date.now();
  const ready = run().then((ok) => {
    if (ok)
      logEvent(log, "dashboard_ready", {
        windows: index.schedules().reduce((n, s) => n + s.windows.length, 0),
        reports: store.description,
        elapsed_ms: Date.now() - started,
      });
  });
  const timer = setInterval(refresh, options.refreshSeconds * 1000);
  timer.unref();

  const streams = new Set<ServerResponse>();
  const unsubscribe = index.subscribe((added: readonly IndexedWindow[]) => {
    const event: WindowsEvent = {
      count: added.length,
      windows: [...added]
        .sort((a, b) => b.startMs - a.startMs)
        .slice(0, MAX_EVENT_WINDOWS)
        .map((w) => ({ endpoint: w.endpoint, schedule: w.schedule, id: w.id })),
    };
    const body = `event: windows\ndata: ${JSON.stringify(event)}\n\n`;
    for (const res of streams) push(res, body);
  });
  // a client that stops reading is let go (its browser reconnects), rather than buffered without end
  const push = (res: ServerResponse, text: string): void => {
    if (res.writableLength > MAX_SSE_BUFFER_BYTES) {
      streams.delete(res);
      res.destroy();
    } else res.write(text);
  };
  const keepalive = setInterval(() => {
    for (const res of streams) push(res, ": keepalive\n\n");
  }, SSE_KEEPALIVE_MS);
  keepalive.unref();

  const handle: RouteHandler = async (req, res, url) => {
    const path = url.pathname;
    if (path === "/" || path === "/dashboard" || path === "/dashboard/") {
      send(res, 200, "text/html; charset=utf-8", pageHtml({ kind: "live" }));
      return true;
    }
    const asset = /^\/dashboard\/(app\.js|app\.css)$/.exec(path)?.[1] as "app.js" | "app.css" | undefined;
    if (asset !== undefined) {
      send(res, 200, ASSET_TYPES[asset] as string, await readAsset(asset));
      return true;
    }
    if (path === "/api/events") {
      res.writeHead(200, { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-store", Connection: "keep-alive" });
      res.write(": connected\n\n");
      streams.add(res);
      req.on("close", () => streams.delete(res));
      return true;
    }
    if (!path.startsWith("/api/")) return false;
    try {
      const body = await answer(data, path, url.searchParams);
      if (body instanceof Uint8Array) send(res, 200, JSON_TYPE, Buffer.from(body));
      else send(res, 200, JSON_TYPE, JSON.stringify(body));
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      send(res, e.status, JSON_TYPE, JSON.stringify({ error: e.message }));
    }
    return true;
  };

  return {
    index,
    data,
    handle,
    ready,
    poke: refresh,
    close: () => {
      clearInterval(timer);
      clearInterval(keepalive);
      unsubscribe();
      for (const res of streams) res.end();
      streams.clear();
    },
  };
}

/** Answers one /api/ path (also what `dqstream report --html` embeds, by the same paths). */
export async function answer(data: DashboardData, path: string, q: URLSearchParams): Promise<unknown> {
  const required = (key: string): string => {
    const v = q.get(key);
    if (v === null || v === "") throw new ApiError(400, `${path}: the query parameter "${key}" is required`);
    return v;
  };
  const count = (key: string, fallback: number): number => {
    const v = q.get(key);
    if (v === null) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new ApiError(400, `${path}: "${key}" must be a whole number from 1 to 100000, got "${v}"`);
    return n;
  };
  switch (path) {
    case "/api/schedules":
      return data.schedules();
    case "/api/overview":
      return data.overview(required("endpoint"), required("schedule"), count("trend", DEFAULT_TREND), q.get("window") ?? undefined);
    case "/api/timeline": {
      const since = q.get("since");
      const sinceMs = since === null ? undefined : Date.parse(since);
      if (sinceMs !== undefined && Number.isNaN(sinceMs)) throw new ApiError(400, `${path}: "since" must be an ISO 8601 time, got "${since}"`);
      return data.timeline(required("endpoint"), required("schedule"), sinceMs, count("limit", DEFAULT_SERIES));
    }
    case "/api/feature":
      return data.feature(required("endpoint"), required("schedule"), required("name"), q.get("window") ?? undefined, count("limit", DEFAULT_SERIES));
    case "/api/window":
      return data.window(required("id"));
    case "/api/file":
      return data.file(required("id"), required("name"));
    default:
      throw new ApiError(404, `no API ${path}: one of /api/schedules, /api/overview, /api/timeline, /api/feature, /api/window, /api/file, /api/events`);
  }
}

function send(res: ServerResponse, status: number, contentType: string, body: string | Buffer): void {
  res.writeHead(status, {
    "Content-Type": contentType,
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
  });
  res.end(body);
}
