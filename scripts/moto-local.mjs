#!/usr/bin/env node
// `npm run moto:local`: a local CloudWatch emulator (moto in server mode) for trying dqstream's
// `cloudwatch` section without AWS. moto comes from PyPI once per machine into a Python virtual
// environment under ~/.cache/dqstream/moto-venv-<version> (python3 -m venv + pip), then runs on
// 127.0.0.1. Prints `DQSTREAM_TEST_MOTO_URL=http://127.0.0.1:<port>` once it answers (export it and
// the tests use this server instead of starting their own), and runs until Ctrl-C or SIGTERM.
//
//   npm run moto:local                    a free port
//   npm run moto:local -- --port 5000
//   npm run moto:local -- --install-only  create the virtual environment, nothing else
//
// Point dqstream at it with `cloudwatch.endpoint_url: http://127.0.0.1:<port>` and any credentials
// (AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1); moto keeps everything
// in memory, so a restart starts empty.
//
// Why these versions: @aws-sdk/client-cloudwatch ≥ 3.949 speaks AWS JSON 1.0 to CloudWatch; moto
// understands it from 5.1.13 with botocore ≥ 1.42.7 (../shared/reference/libraries.md). The pins
// below were tested with the SDK version in package.json (test/integration/cloudwatch*.test.ts).
//
// Needs python3 on the PATH with its venv module. Environment: DQSTREAM_CACHE_DIR (default
// $XDG_CACHE_HOME/dqstream or ~/.cache/dqstream), PIP_INDEX_URL and the other pip variables.
//
// As a module the test setup (test/setup/motoServer.ts) calls startLocalMoto(); the types are in
// moto-local.d.mts.
import { spawn } from "node:child_process";
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const MOTO_VERSION = "5.2.5";
/** Exact pins, installed together; botocore 1.44.8 ≥ 1.42.7 (the JSON 1.0 protocol). */
export const MOTO_REQUIREMENTS = Object.freeze([`moto[server]==${MOTO_VERSION}`, "boto3==1.44.8", "botocore==1.44.8"]);
const HOST = "127.0.0.1";
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

/** Every failure this script reports to a person: the message says what to do. */
export class LocalMotoError extends Error {
  /** @param {string} message @param {{cause?: unknown}} [options] */
  constructor(message, options) {
    super(message, options);
    this.name = "LocalMotoError";
  }
}

// The cache folder (DQSTREAM_CACHE_DIR, else $XDG_CACHE_HOME/dqstream, else ~/.cache/dqstream) and
// free ports are the same as the local Kafka broker's.
export { cacheRoot, freePort } from "./kafka-local.mjs";
import { cacheRoot, freePort } from "./kafka-local.mjs";
import { ensureVenv, PythonVenvError } from "./python-venv.mjs";

/**
 * The virtual environment with moto, created once per machine by the shared venv helper
 * (scripts/python-venv.mjs: built beside its final folder, renamed into place when pip
 * succeeded; moto runs as `python -m moto.server`). Its errors become LocalMotoErrors.
 * @returns {Promise<string>} the venv's python
 */
export async function ensureMotoVenv({ cacheDir = cacheRoot(), python = "python3", log = () => {} } = {}) {
  try {
    return await ensureVenv({
      name: `moto-venv-${MOTO_VERSION}`,
      requirements: [...MOTO_REQUIREMENTS],
      label: `moto ${MOTO_VERSION}`,
      minPython: [3, 9],
      cacheDir,
      python,
      log,
    });
  } catch (e) {
    if (e instanceof PythonVenvError) throw new LocalMotoError(e.message, { cause: e });
    throw e;
  }
}

/** Resolves once `url` answers HTTP (any status), rejects after timeoutMs or when `exited()` says so. */
async function waitUntilAnswers(url, timeoutMs, exited) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const why = exited();
    if (why) throw new LocalMotoError(why);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new LocalMotoError(`moto did not answer on ${url} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Starts moto on 127.0.0.1 (`port`, else a free one). stop() and start() let tests cut CloudWatch
 * off and bring it back on the same address (with empty state: moto keeps it in memory).
 * @param {import("./moto-local.d.mts").LocalMotoOptions} [options]
 * @returns {Promise<import("./moto-local.d.mts").LocalMoto>}
 */
export async function startLocalMoto(options = {}) {
  const log = options.log ?? (() => {});
  const python = await ensureMotoVenv({ ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}), log });
  const port = options.port ?? (await freePort());
  const url = `http://${HOST}:${port}`;
  const logDir = mkdtempSync(join(tmpdir(), "dqstream-moto-"));
  const logFile = join(logDir, "moto.log");
  /** @type {import("node:child_process").ChildProcess | undefined} */
  let child;
  let expectedExit = false;

  const logTail = () => {
    try {
      return readFileSync(logFile, "utf8").trim().split("\n").slice(-20).join("\n");
    } catch {
      return "";
    }
  };

  const start = async () => {
    if (child) return;
    const fd = openSync(logFile, "a");
    expectedExit = false;
    let exitInfo = "";
    const proc = spawn(python, ["-m", "moto.server", "-H", HOST, "-p", String(port)], {
      stdio: ["ignore", fd, fd],
      env: { ...process.env, PYTHONUNBUFFERED: "1" },
    });
    closeSync(fd);
    child = proc;
    proc.once("exit", (code, signal) => {
      exitInfo = `moto exited (${code ?? signal}) before answering. Tail of ${logFile}:\n${logTail()}`;
      if (child === proc) child = undefined;
      if (!expectedExit) options.onUnexpectedExit?.({ code, signal, logTail: logTail() });
    });
    try {
      await waitUntilAnswers(`${url}/moto-api/`, options.timeoutMs ?? READY_TIMEOUT_MS, () => exitInfo);
    } catch (e) {
      await stopProcess();
      throw e;
    }
  };

  const stopProcess = async () => {
    const proc = child;
    if (!proc) return;
    expectedExit = true;
    child = undefined;
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once("exit", r));
    proc.kill("SIGTERM");
    const timer = setTimeout(() => proc.kill("SIGKILL"), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };

  await start();
  log(`moto ${MOTO_VERSION} answers on ${url} (log ${logFile}).`);
  return {
    url,
    port,
    version: MOTO_VERSION,
    logFile,
    get pid() {
      return child?.pid;
    },
    get running() {
      return child !== undefined;
    },
    start,
    stop: stopProcess,
    async close() {
      await stopProcess();
      rmSync(logDir, { recursive: true, force: true });
    },
  };
}

function usage() {
  return [
    "usage: npm run moto:local -- [--port <n>] [--install-only]",
    "",
    "Runs moto (a CloudWatch emulator, from PyPI, cached in a Python virtual environment) on 127.0.0.1",
    "and prints DQSTREAM_TEST_MOTO_URL=http://127.0.0.1:<port>. Ctrl-C stops it.",
    "Needs python3 with its venv module. Environment: DQSTREAM_CACHE_DIR.",
  ].join("\n");
}

async function cli(argv) {
  let port;
  let installOnly = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--port") {
      port = Number(argv[++i]);
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new LocalMotoError(`--port must be 1 to 65535, got "${argv[i]}"`);
    } else if (a === "--install-only") installOnly = true;
    else if (a === "--help" || a === "-h") {
      process.stdout.write(`${usage()}\n`);
      return 0;
    } else throw new LocalMotoError(`unknown argument "${a}"\n${usage()}`);
  }
  const log = (m) => process.stderr.write(`[moto] ${m}\n`);
  if (installOnly) {
    const py = await ensureMotoVenv({ log });
    process.stdout.write(`${py}\n`);
    return 0;
  }
  const moto = await startLocalMoto({
    ...(port === undefined ? {} : { port }),
    log,
    onUnexpectedExit: ({ code, signal, logTail }) => {
      log(`moto exited unexpectedly (${code ?? signal}):\n${logTail}`);
      process.exit(1);
    },
  });
  process.stdout.write(`DQSTREAM_TEST_MOTO_URL=${moto.url}\n`);
  await new Promise((resolveSignal) => {
    process.once("SIGINT", resolveSignal);
    process.once("SIGTERM", resolveSignal);
  });
  await moto.close();
  return 0;
}

const invokedPath = process.argv[1] ? resolve(process.argv[1]) : "";
if (invokedPath === fileURLToPath(import.meta.url)) {
  cli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`error: ${e instanceof LocalMotoError ? e.message : (e?.stack ?? String(e))}\n`);
      process.exit(1);
    },
  );
}
