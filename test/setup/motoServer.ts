// Vitest globalSetup: one CloudWatch emulator (moto in server mode) for the whole test run, found or
// started in this order:
//
//   1. DQSTREAM_TEST_MOTO_URL=http://host:port   a moto server you run; it must answer, or the run fails.
//   2. python3 with its venv module              scripts/moto-local.mjs: moto[server] from PyPI into a
//                                                cached virtual environment (~/.cache/dqstream/
//                                                moto-venv-<version>), run on a free port.
//
// (No Docker mode: moto starts in seconds from the cached venv, and the CI machine has Python 3.)
// When nothing works the setup throws, so the test command fails: the CloudWatch integration tests
// are never skipped for want of an emulator.
//
// Tests read the URL with inject("motoUrl") (see test/setup/moto.ts). The outage test needs a moto
// it may stop and start without disturbing the other test files, so a loopback control endpoint
// (inject("motoControlUrl")) starts private instances: POST /instances → {id, url}; POST
// /instances/<id>/stop and /instances/<id>/start; DELETE /instances/<id>. Only the local mode can
// (else 501, and such tests fail saying why). Teardown stops every instance.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestProject } from "vitest/node";
import { MOTO_VERSION, startLocalMoto, type LocalMoto } from "../../scripts/moto-local.mjs";

type Mode = "env" | "local";

interface Emulator {
  mode: Mode;
  url: string;
  description: string;
  close: () => Promise<void>;
}

const log = (message: string): void => {
  process.stderr.write(`[moto] ${message}\n`);
};
const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const indent = (text: string): string => text.replace(/\n/g, "\n     ");

async function answers(url: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url.replace(/\/$/, "")}/moto-api/`, { signal: AbortSignal.timeout(3_000) });
      await res.arrayBuffer();
      return;
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  throw new Error(`no HTTP answer within 15 s (${errorMessage(last)})`);
}

async function useEnvMoto(value: string): Promise<Emulator> {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`DQSTREAM_TEST_MOTO_URL must be an http URL such as http://127.0.0.1:5000, got "${value}".`);
  }
  try {
    await answers(url.origin);
  } catch (error) {
    throw new Error(`DQSTREAM_TEST_MOTO_URL=${value} does not answer (${errorMessage(error)}). Start it (npm run moto:local), or unset the variable to let the tests start one.`);
  }
  return { mode: "env", url: url.origin, description: `DQSTREAM_TEST_MOTO_URL=${url.origin}`, close: async () => {} };
}

function startLocal(): Promise<LocalMoto> {
  return startLocalMoto({
    log,
    onUnexpectedExit: ({ code, signal, logTail }) => log(`A moto server exited unexpectedly (${code ?? signal}); CloudWatch tests will fail. Tail of its log:\n${logTail}`),
  });
}

async function findEmulator(): Promise<Emulator> {
  const fromEnv = process.env.DQSTREAM_TEST_MOTO_URL;
  if (fromEnv !== undefined && fromEnv.trim() !== "") return useEnvMoto(fromEnv.trim());
  const failures: string[] = ["DQSTREAM_TEST_MOTO_URL: not set."];
  try {
    const moto = await startLocal();
    return { mode: "local", url: moto.url, description: `moto ${moto.version} from a local virtual environment on ${moto.url}`, close: () => moto.close() };
  } catch (error) {
    failures.push(`moto[server]==${MOTO_VERSION} in a Python virtual environment (scripts/moto-local.mjs): ${errorMessage(error)}`);
  }
  throw new Error(
    "No CloudWatch emulator for the integration tests. Tried, in order:\n" +
      failures.map((f, i) => `  ${i + 1}. ${indent(f)}`).join("\n") +
      "\nFix one: set DQSTREAM_TEST_MOTO_URL to a running moto server (npm run moto:local), or install python3 with " +
      "its venv module (Debian/Ubuntu: apt-get install -y python3-venv) and allow access to PyPI.",
  );
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** The control endpoint: private moto instances the outage tests may stop and start. Loopback only. */
function serveControl(emulator: Emulator, instances: Map<string, LocalMoto>): Promise<Server> {
  let next = 1;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    const route = `${req.method} ${req.url}`;
    const reply = (p: Promise<unknown>): void => {
      p.then(
        (body) => sendJson(res, 200, body ?? {}),
        (e: unknown) => sendJson(res, 500, { error: errorMessage(e) }),
      );
    };
    if (route === "GET /status") return sendJson(res, 200, { mode: emulator.mode, url: emulator.url, description: emulator.description });
    if (route === "POST /instances") {
      if (emulator.mode !== "local") {
        return sendJson(res, 501, {
          error:
            `The test emulator (${emulator.description}) cannot start private instances: only the local moto from ` +
            "scripts/moto-local.mjs can. Unset DQSTREAM_TEST_MOTO_URL to run this test.",
        });
      }
      const id = String(next++);
      return reply(
        startLocal().then((moto) => {
          instances.set(id, moto);
          return { id, url: moto.url };
        }),
      );
    }
    const m = /^(POST|DELETE) \/instances\/(\d+)(?:\/(stop|start))?$/.exec(route);
    const moto = m ? instances.get(m[2] as string) : undefined;
    if (m && moto) {
      if (m[1] === "POST" && m[3] === "stop") return reply(moto.stop().then(() => ({ url: moto.url, running: false })));
      if (m[1] === "POST" && m[3] === "start") return reply(moto.start().then(() => ({ url: moto.url, running: true })));
      if (m[1] === "DELETE" && m[3] === undefined) {
        instances.delete(m[2] as string);
        return reply(moto.close());
      }
    }
    sendJson(res, 404, { error: `No route ${route}` });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const emulator = await findEmulator();
  log(`CloudWatch emulator for this run: ${emulator.description} (${((Date.now() - started) / 1000).toFixed(1)} s).`);
  const instances = new Map<string, LocalMoto>();
  let server: Server;
  try {
    server = await serveControl(emulator, instances);
  } catch (error) {
    await emulator.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  project.provide("motoUrl", emulator.url);
  project.provide("motoMode", emulator.mode);
  project.provide("motoControlUrl", `http://127.0.0.1:${port}`);

  return async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.allSettled([...instances.values()].map((m) => m.close()));
    await emulator.close();
  };
}
