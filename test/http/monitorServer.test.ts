import { Agent, request } from "node:http";
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startMonitorServer, type MonitorServer, type Readiness } from "../../src/http/monitorServer.js";
import { silentLogger } from "../../src/telemetry/logger.js";
import { MonitorMetrics } from "../../src/telemetry/metrics.js";
import { parseExposition, valueOf } from "../telemetry/promText.js";

const JSON_TYPE = "application/json; charset=utf-8";
const PROM_TYPE = "text/plain; version=0.0.4; charset=utf-8";

const servers: MonitorServer[] = [];
afterEach(async () => {
  await within(2_000, Promise.all(servers.splice(0).map((s) => s.close())), "close() in afterEach");
});

/** `p`, or a rejection if it takes more than `ms` (so a hanging close() fails fast). */
async function within<T>(ms: number, p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function start(
  overrides: Partial<Parameters<typeof startMonitorServer>[0]> = {},
): Promise<{ server: MonitorServer; metrics: MonitorMetrics; state: Readiness }> {
  const metrics = new MonitorMetrics({ defaultMetrics: false });
  const state: Readiness = { ready: false, reason: "not connected" };
  const server = await startMonitorServer({
    port: 0,
    metrics,
    readiness: () => ({ ...state }),
    log: silentLogger(),
    ...overrides,
  });
  servers.push(server);
  return { server, metrics, state };
}

/** A GET over a keep-alive agent, leaving the socket open afterwards. */
function keepAliveGet(url: string, agent: Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("startMonitorServer", () => {
  it("listens on 127.0.0.1 by default, with the real port in the url", async () => {
    const { server } = await start();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Number(new URL(server.url).port)).toBeGreaterThan(0);
  });

  it("GET /healthz is 200 ok", async () => {
    const { server } = await start();
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(JSON_TYPE);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("GET /readyz follows readiness: 503 with the reason, then 200, then 503 again", async () => {
    const { server, state } = await start();
    let res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toBe(JSON_TYPE);
    expect(await res.json()).toEqual({ status: "not ready", reason: "not connected" });

    state.ready = true;
    state.reason = "";
    res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ready" });

    state.ready = false;
    state.reason = "no partitions assigned";
    res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "not ready", reason: "no partitions assigned" });
  });

  it("GET /readyz is 503 when the readiness probe throws", async () => {
    const { server } = await start({
      readiness: () => {
        throw new Error("consumer gone");
      },
    });
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "not ready", reason: "readiness check failed: consumer gone" });
  });

  it("GET /metrics serves the Prometheus text with prom-client's content type", async () => {
    const { server, metrics } = await start();
    metrics.consumed({ topic: "t", partition: 3 }, 9);
    metrics.windowClosed([{ feature_name: "age", constraint_check_type: "baseline_drift_check" }], 0.2);
    const res = await fetch(`${server.url}/metrics?debug=1`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(metrics.contentType);
    expect(res.headers.get("content-type")).toBe(PROM_TYPE);
    const exp = parseExposition(await res.text());
    expect(valueOf(exp, "dqstream_records_consumed_total", { topic: "t", partition: "3" })).toBe(9);
    expect(valueOf(exp, "dqstream_violations_total", { check_type: "baseline_drift_check", feature: "age" })).toBe(1);
    expect(valueOf(exp, "dqstream_windows_closed_total")).toBe(1);
  });

  it("GET /metrics is 500 with a message when collection fails, and the server keeps serving", async () => {
    let fail = true;
    const metrics = new MonitorMetrics({ defaultMetrics: false });
    const { server } = await start({
      metrics: {
        contentType: metrics.contentType,
        text: () => (fail ? Promise.reject(new Error("collector exploded")) : metrics.text()),
      },
    });
    let res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(500);
    expect(res.headers.get("content-type")).toBe(JSON_TYPE);
    expect(await res.json()).toEqual({ error: "metrics collection failed: collector exploded" });
    fail = false;
    res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("dqstream_windows_closed_total 0");
  });

  it("a synchronously throwing collector is a 500 too", async () => {
    const { server } = await start({
      metrics: {
        contentType: "text/plain",
        text: () => {
          throw new Error("sync boom");
        },
      },
    });
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: "metrics collection failed: sync boom" });
  });

  it("unknown paths are 404 JSON", async () => {
    const { server } = await start();
    for (const path of ["/", "/metrics/", "/health", "/constructor", "/__proto__", "/healthz/x"]) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBe(404);
      expect(res.headers.get("content-type")).toBe(JSON_TYPE);
      expect(await res.json()).toEqual({ error: "not found", path });
    }
    const res = await fetch(`${server.url}/nope`, { method: "POST", body: "x" });
    expect(res.status).toBe(404);
    await res.body?.cancel();
  });

  it("non-GET methods on known paths are 405 with Allow; HEAD is answered without a body", async () => {
    const { server } = await start();
    for (const method of ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
      const res = await fetch(`${server.url}/metrics`, { method, ...(method === "POST" || method === "PUT" ? { body: "{}" } : {}) });
      expect(res.status, method).toBe(405);
      expect(res.headers.get("allow")).toBe("GET, HEAD");
      expect(res.headers.get("content-type")).toBe(JSON_TYPE);
      expect(await res.json()).toEqual({ error: "method not allowed", method });
    }
    const head = await fetch(`${server.url}/healthz`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-type")).toBe(JSON_TYPE);
    expect(await head.text()).toBe("");
  });

  it("serves concurrent requests", async () => {
    const { server, metrics, state } = await start();
    state.ready = true;
    metrics.openWindows(2);
    const paths = Array.from({ length: 60 }, (_, i) => ["/healthz", "/readyz", "/metrics", "/missing"][i % 4]!);
    const results = await Promise.all(
      paths.map(async (path) => {
        const res = await fetch(`${server.url}${path}`);
        return { path, status: res.status, body: await res.text() };
      }),
    );
    const want: Record<string, number> = { "/healthz": 200, "/readyz": 200, "/metrics": 200, "/missing": 404 };
    for (const r of results) {
      expect(r.status, r.path).toBe(want[r.path]);
      if (r.path === "/metrics") expect(valueOf(parseExposition(r.body), "dqstream_open_windows")).toBe(2);
    }
  });

  it("close() stops the server promptly even with keep-alive connections open, and is idempotent", async () => {
    const { server } = await start();
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    try {
      const responses = await Promise.all([1, 2, 3].map(() => keepAliveGet(`${server.url}/healthz`, agent)));
      expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
      const open = Object.values(agent.freeSockets).flat();
      expect(open.length).toBeGreaterThan(0);
      const closed = Promise.all(open.map((s) => new Promise<void>((resolve) => s!.once("close", () => resolve()))));

      await within(1_000, Promise.all([server.close(), server.close()]), "close()");
      await closed;
      await server.close();
    } finally {
      agent.destroy();
    }
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });

  it("close() also ends connections in the middle of a request", async () => {
    const { server } = await start();
    const { hostname, port } = new URL(server.url);
    // A client that sent half a request: not idle, so server.close() alone would wait for it
    // (up to the 60 s headers timeout).
    const socket = connect(Number(port), hostname);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    const ended = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    socket.on("error", () => {});
    socket.write("GET /healthz HTTP/1.1\r\nHost: localhost\r\n");
    await new Promise((r) => setTimeout(r, 50));
    await within(1_000, server.close(), "close()");
    await ended;
  });

  it("close() also ends a fetch keep-alive connection", async () => {
    const { server } = await start();
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    await within(1_000, server.close(), "close()");
  });

  it("rejects when the port is taken", async () => {
    const { server } = await start();
    const port = Number(new URL(server.url).port);
    await expect(
      startMonitorServer({
        port,
        metrics: new MonitorMetrics({ defaultMetrics: false }),
        readiness: () => ({ ready: true, reason: "" }),
        log: silentLogger(),
      }),
    ).rejects.toMatchObject({ code: "EADDRINUSE" });
  });

  it("honours the host option (IPv6 loopback gets brackets in the url)", async () => {
    let server: MonitorServer;
    try {
      ({ server } = await start({ host: "::1" }));
    } catch (err) {
      // No IPv6 on this machine: nothing to check.
      if ((err as NodeJS.ErrnoException).code === "EADDRNOTAVAIL" || (err as NodeJS.ErrnoException).code === "EAFNOSUPPORT") return;
      throw err;
    }
    expect(server.url).toMatch(/^http:\/\/\[::1\]:\d+$/);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it("hands other GET paths to its routes (the dashboard): what they decline is 404, other methods 405, a throw 500", async () => {
    const seen: string[] = [];
    const { server } = await start({
      routes: async (_req, res, url) => {
        seen.push(`${url.pathname}${url.search}`);
        if (url.pathname === "/boom") throw new Error("route failed");
        if (url.pathname !== "/api/x") return false;
        res.writeHead(200, { "Content-Type": JSON_TYPE });
        res.end(JSON.stringify({ ok: url.searchParams.get("q") }));
        return true;
      },
    });
    const ok = await fetch(`${server.url}/api/x?q=1`);
    expect([ok.status, await ok.json()]).toEqual([200, { ok: "1" }]);
    expect((await fetch(`${server.url}/elsewhere`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/x`, { method: "DELETE" })).status).toBe(405);
    const boom = await fetch(`${server.url}/boom`);
    expect([boom.status, await boom.json()]).toEqual([500, { error: "internal error: route failed" }]);
    // its own paths stay its own
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(seen).toEqual(["/api/x?q=1", "/elsewhere", "/boom"]);
  });

  it("without metrics and readiness (dqstream dashboard): no /metrics, /readyz ready", async () => {
    const server = await startMonitorServer({ port: 0, log: silentLogger() });
    servers.push(server);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });
});
