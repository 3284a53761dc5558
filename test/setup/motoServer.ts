// Vitest globalSetup: one CloudWatch emulator (moto in server mode) for the whole test run, found or
// started in this order:
//
//   1. DQSTREAM_TEST_MOTO_URL=http://host:port   a moto server you run; it must answer, or the run fails.
//   2. A Docker engine answers                   testcontainers: the motoserver/moto image of the moto
//                                                version scripts/moto-local.mjs pins (MOTO_VERSION),
//                                                container port 5000, ready once HTTP /moto-api/ answers.
//   3. python3 with its venv module              scripts/moto-local.mjs: moto[server] from PyPI into a
//                                                cached virtual environment (~/.cache/dqstream/
//                                                moto-venv-<version>), run on a free port.
//
// Without a Docker engine step 2 costs a fraction of a second (testcontainers finds no runtime).
// DQSTREAM_TEST_MOTO=docker or =local skips the other automatic choice (any other value fails the run;
// with DQSTREAM_TEST_MOTO_URL set it is not read). When nothing works the setup throws one error
// naming each way tried and why it failed, so the test command fails: the CloudWatch integration
// tests are never skipped for want of an emulator.
//
// Tests read the URL with inject("motoUrl") (see test/setup/moto.ts). The outage test needs a moto
// it may stop and start without disturbing the other test files, so a loopback control endpoint
// (inject("motoControlUrl")) starts private instances: POST /instances → {id, url}; POST
// /instances/<id>/stop and /instances/<id>/start; DELETE /instances/<id>. An instance is of the
// run's kind: a process from the local virtual environment, or with Docker a container whose port
// 5000 is bound to a fixed free host port, so that start (a new, empty container on that port)
// keeps the URL. With DQSTREAM_TEST_MOTO_URL there are none (501, and such tests fail saying why).
// Teardown stops every instance.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { StartedTestContainer } from "testcontainers";
import type { TestProject } from "vitest/node";
import { MOTO_VERSION, freePort, startLocalMoto, type LocalMoto } from "../../scripts/moto-local.mjs";
import { errorMessage, findService } from "./findService.js";

type Mode = "env" | "docker" | "local";

/** The moto release the local mode pins, as Docker Hub publishes it. */
const DOCKER_IMAGE = `motoserver/moto:${MOTO_VERSION}`;
/** moto_server's port inside the image. */
const CONTAINER_PORT = 5000;
/** A first run pulls the image; later starts take seconds. */
const DOCKER_STARTUP_TIMEOUT_MS = 180_000;

/** What the control endpoint hands out: a moto the test may stop and start on the same URL. */
interface Instance {
  readonly url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  close(): Promise<void>;
}

interface Emulator {
  mode: Mode;
  url: string;
  description: string;
  close: () => Promise<void>;
}

const log = (message: string): void => {
  process.stderr.write(`[moto] ${message}\n`);
};

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
    throw new Error(
      `DQSTREAM_TEST_MOTO_URL=${value} does not answer (${errorMessage(error)}). Start it (npm run moto:local), or unset the variable to let the tests start one.`,
      { cause: error },
    );
  }
  return { mode: "env", url: url.origin, description: `DQSTREAM_TEST_MOTO_URL=${url.origin}`, close: async () => {} };
}

/** One moto container; on `hostPort` when given (private instances), else on a port Docker picks. */
async function startMotoContainer(hostPort?: number): Promise<{ container: StartedTestContainer; url: string }> {
  const { GenericContainer, Wait } = await import("testcontainers");
  const container = await new GenericContainer(DOCKER_IMAGE)
    .withExposedPorts(hostPort === undefined ? CONTAINER_PORT : { container: CONTAINER_PORT, host: hostPort })
    .withWaitStrategy(Wait.forHttp("/moto-api/", CONTAINER_PORT))
    .withStartupTimeout(DOCKER_STARTUP_TIMEOUT_MS)
    .start();
  return { container, url: `http://${container.getHost()}:${container.getMappedPort(CONTAINER_PORT)}` };
}

async function startDockerMoto(): Promise<Emulator> {
  log(`Starting ${DOCKER_IMAGE} with testcontainers...`);
  const { container, url } = await startMotoContainer();
  return { mode: "docker", url, description: `${DOCKER_IMAGE} in Docker on ${url}`, close: async () => void (await container.stop()) };
}

/**
 * A private moto in Docker: a container whose port 5000 is bound to a free host port chosen once, so
 * that stop() (the container is removed) and start() (a new, empty container on the same host port)
 * keep the URL. Calls run one after another.
 */
async function startDockerInstance(): Promise<Instance> {
  const hostPort = await freePort();
  let current: StartedTestContainer | undefined = (await startMotoContainer(hostPort)).container;
  const url = `http://${current.getHost()}:${hostPort}`;
  let queue = Promise.resolve();
  const serial = (step: () => Promise<void>): Promise<void> => {
    const next = queue.then(step);
    queue = next.catch(() => {});
    return next;
  };
  const stop = async (): Promise<void> => {
    const container = current;
    current = undefined;
    if (container) await container.stop();
  };
  return {
    url,
    start: () =>
      serial(async () => {
        if (current) return;
        try {
          current = (await startMotoContainer(hostPort)).container;
        } catch (error) {
          throw new Error(`moto did not start again on host port ${hostPort} (${url}): ${errorMessage(error)}`, { cause: error });
        }
      }),
    stop: () => serial(stop),
    close: () => serial(stop),
  };
}

function startLocal(): Promise<LocalMoto> {
  return startLocalMoto({
    log,
    onUnexpectedExit: ({ code, signal, logTail }) =>
      log(`A moto server exited unexpectedly (${code ?? signal}); CloudWatch tests will fail. Tail of its log:\n${logTail}`),
  });
}

/** Finds or starts the emulator; throws one error naming every way tried and why each failed. */
function findEmulator(): Promise<Emulator> {
  return findService<Emulator>({
    what: "CloudWatch emulator",
    envName: "DQSTREAM_TEST_MOTO_URL",
    useEnv: useEnvMoto,
    forceName: "DQSTREAM_TEST_MOTO",
    docker: { label: `Docker (testcontainers, ${DOCKER_IMAGE})`, container: DOCKER_IMAGE, start: startDockerMoto },
    local: {
      label: "moto from a local Python virtual environment",
      failureLabel: `moto[server]==${MOTO_VERSION} in a Python virtual environment (scripts/moto-local.mjs)`,
      fallback: "the local virtual environment",
      start: async () => {
        const moto = await startLocal();
        return { mode: "local", url: moto.url, description: `moto ${moto.version} from a local virtual environment on ${moto.url}`, close: () => moto.close() };
      },
    },
    fix: (only) =>
      "set DQSTREAM_TEST_MOTO_URL to a running moto server (npm run moto:local), start a Docker engine, " +
      "or install python3 with its venv module (Debian/Ubuntu: apt-get install -y python3-venv) and allow access to PyPI" +
      (only === "" ? "." : `; or unset DQSTREAM_TEST_MOTO (now "${only}") to let the setup try the other way.`),
    log,
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** The control endpoint: private moto instances the outage tests may stop and start. Loopback only. */
function serveControl(emulator: Emulator, instances: Map<string, Instance>): Promise<Server> {
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
      if (emulator.mode === "env") {
        return sendJson(res, 501, {
          error:
            `The test emulator (${emulator.description}) cannot start private instances: only the setup's own modes ` +
            "(Docker, or the local moto from scripts/moto-local.mjs) can. Unset DQSTREAM_TEST_MOTO_URL to run this test.",
        });
      }
      const id = String(next++);
      const starting: Promise<Instance> = emulator.mode === "docker" ? startDockerInstance() : startLocal();
      return reply(
        starting.then((moto) => {
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
  const instances = new Map<string, Instance>();
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
