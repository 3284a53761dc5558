import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../telemetry/logger.js";
import { secrets } from "../telemetry/redaction.js";
import { logEvent } from "../telemetry/logEvents.js";

/** What the server needs of the metrics: a `MonitorMetrics`, or anything exposing text the same way. */
export interface MetricsSource {
  text(): Promise<string>;
  readonly contentType: string;
}

export interface Readiness {
  ready: boolean;
  /** Why not ready (or a note when ready); reported by /readyz when not ready. */
  reason: string;
}

export interface MonitorServerOptions {
  /** Interface to listen on. Default 127.0.0.1 (local only); "0.0.0.0" or "::" to expose it. */
  host?: string;
  /** Port; 0 picks a free one (see `url`). */
  port: number;
  /** Served at /metrics (absent: no /metrics, as for `dqstream dashboard`). */
  metrics?: MetricsSource;
  /** Whether the consumer is connected and has partitions assigned (absent: /readyz answers ready). */
  readiness?: () => Readiness;
  /** Further GET routes (the dashboard): answers and returns true, or returns false for a 404. */
  routes?: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
  log: Logger;
}

export interface MonitorServer {
  /** Base URL with the actual port, e.g. "http://127.0.0.1:9400". */
  readonly url: string;
  /** Stops accepting connections and closes open ones (keep-alive included). Idempotent. */
  close(): Promise<void>;
}

const JSON_TYPE = "application/json; charset=utf-8";
const ALLOWED_METHODS = "GET, HEAD";

/**
 * The operations endpoint: GET /healthz (the process is alive), GET /readyz (connected and
 * assigned: 200, else 503 with the reason), GET /metrics (Prometheus text format). Unknown paths
 * are 404, other methods on known paths 405 (HEAD is answered like GET, without a body). A request
 * handler never throws: failures become a 500 (or a 503 for a failing readiness probe).
 */
export async function startMonitorServer(options: MonitorServerOptions): Promise<MonitorServer> {
  const { host = "127.0.0.1", port, metrics, readiness = () => ({ ready: true, reason: "" }), routes: extra, log } = options;

  const routes: Record<string, (res: ServerResponse) => Promise<void> | void> = {
    "/healthz": (res) => sendJson(res, 200, { status: "ok" }),
    "/readyz": (res) => {
      let state: Readiness;
      try {
        state = readiness();
      } catch (err) {
        logEvent(log, "readiness_probe_failed", { err });
        sendJson(res, 503, { status: "not ready", reason: `readiness check failed: ${errorMessage(err)}` });
        return;
      }
      if (state.ready) sendJson(res, 200, { status: "ready" });
      else sendJson(res, 503, { status: "not ready", reason: state.reason });
    },
  };
  if (metrics !== undefined)
    routes["/metrics"] = async (res) => {
      let body: string;
      try {
        body = await metrics.text();
      } catch (err) {
        logEvent(log, "metrics_collection_failed", { err });
        sendJson(res, 500, { error: `metrics collection failed: ${errorMessage(err)}` });
        return;
      }
      send(res, 200, metrics.contentType, body);
    };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = pathOf(req.url);
    const route = Object.hasOwn(routes, path) ? routes[path] : undefined;
    if (route === undefined && extra === undefined) {
      sendJson(res, 404, { error: "not found", path });
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("Allow", ALLOWED_METHODS);
      sendJson(res, 405, { error: "method not allowed", method: req.method ?? "" });
      return;
    }
    if (route !== undefined) await route(res);
    else if (!(await (extra as NonNullable<typeof extra>)(req, res, new URL(req.url ?? "/", "http://localhost"))))
      sendJson(res, 404, { error: "not found", path });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      logEvent(log, "http_request_failed", { err, url: req.url });
      if (!res.headersSent) sendJson(res, 500, { error: `internal error: ${errorMessage(err)}` });
      else res.destroy();
    });
  });
  server.on("clientError", (err, socket) => {
    logEvent(log, "http_client_error", { err });
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
  server.on("error", (err) => logEvent(log, "http_server_error", { err }));

  const address = server.address() as AddressInfo;
  const url = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;
  logEvent(log, "http_server_listening", { url });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
      // close() only stops accepting; keep-alive sockets would hold it open until they time out.
      server.closeAllConnections();
    }).then(() => logEvent(log, "http_server_closed", { url }));
    return closing;
  };

  return { url, close };
}

function pathOf(url: string | undefined): string {
  const raw = url ?? "/";
  const q = raw.search(/[?#]/);
  return q === -1 ? raw : raw.slice(0, q);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, JSON_TYPE, JSON.stringify(body));
}

function send(res: ServerResponse, status: number, contentType: string, raw: string): void {
  const body = secrets.scrub(raw);
  res.writeHead(status, {
    "Content-Type": contentType,
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
  });
  res.end(body);
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
