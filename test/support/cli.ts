import { execFileSync, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root and the built CLI the CLI tests run as a child process. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const MAIN = join(ROOT, "dist", "cli", "main.js");

/** `npm test` builds first; a bare `vitest run` on a fresh checkout needs dist/ too. */
export function ensureBuilt(): void {
  if (!existsSync(MAIN)) execFileSync("npm", ["run", "build", "--silent"], { cwd: ROOT, stdio: "inherit" });
}

/**
 * Runs `dqstream <args>` in `cwd`, with `input` on standard input (else none) and `env` added to
 * the test process's environment.
 */
export function runCli(cwd: string, args: readonly string[], input?: string | Buffer, env?: NodeJS.ProcessEnv): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [MAIN, ...args], {
    cwd,
    encoding: "utf8",
    ...(env === undefined ? {} : { env: { ...process.env, ...env } }),
    ...(input === undefined ? { stdio: ["ignore", "pipe", "pipe"] } : { input }),
    timeout: 60_000,
  });
}

/**
 * `dqstream monitor` arguments against a broker nothing listens on (loopback port 1, HTTP on a free
 * port): a run that gets past its configuration fails with a Kafka error, so a test can tell a
 * refused configuration (exit 2, no Kafka in the message) from one that was accepted.
 */
export function unreachableMonitorArgs(o: { statistics: string; constraints: string; reports: string }): string[] {
  return [
    "monitor",
    "--brokers",
    "127.0.0.1:1",
    "--topic",
    "capture",
    "--statistics",
    o.statistics,
    "--constraints",
    o.constraints,
    "--reports",
    o.reports,
    "--http-port",
    "0",
  ];
}
