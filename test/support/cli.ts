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
