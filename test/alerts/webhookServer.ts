// A local HTTP server that receives webhooks for the tests: it records every request and answers
// with the status the test scripts for that request (by arrival order), or holds it unanswered.
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** How to answer request number i: a status (with optional headers), or "hold" (never answer until the server closes). */
export type Answer = number | { status: number; headers?: Record<string, string> } | "hold";

export interface WebhookServer {
  readonly url: string;
  readonly received: Received[];
  /** JSON bodies of the requests answered with 2xx, in order. */
  readonly delivered: unknown[];
  close(): Promise<void>;
}

export async function startWebhookServer(answer: (i: number) => Answer = () => 200): Promise<WebhookServer> {
  const received: Received[] = [];
  const delivered: unknown[] = [];
  const held: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const i = received.length;
      received.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body });
      const a = answer(i);
      if (a === "hold") {
        held.push(res);
        return;
      }
      const { status, headers } = typeof a === "number" ? { status: a, headers: {} } : { status: a.status, headers: a.headers ?? {} };
      if (status >= 200 && status < 300) delivered.push(JSON.parse(body));
      res.writeHead(status, { "content-type": "text/plain", ...headers });
      res.end(status < 300 ? "ok" : "no");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/T000/B000/secret-token`,
    received,
    delivered,
    close: async () => {
      for (const r of held) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
