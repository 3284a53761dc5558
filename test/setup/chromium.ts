// Vitest globalSetup: the headless Chromium of the dashboard's browser tests (test/support/browser.ts).
// DQSTREAM_TEST_CHROMIUM names one; else Debian's /usr/bin/chromium, installed here with apt-get when
// it is missing and the run is root (as CI is), so README's test command sets up everything it needs.
// Without it and without root the setup fails naming what to install: the browser tests are never
// skipped for want of a browser.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

export default function setup(): void {
  const named = process.env["DQSTREAM_TEST_CHROMIUM"];
  if (named !== undefined) {
    if (!existsSync(named)) throw new Error(`DQSTREAM_TEST_CHROMIUM=${named}: no such file`);
    return;
  }
  const path = "/usr/bin/chromium";
  if (existsSync(path)) return;
  if (process.getuid?.() !== 0)
    throw new Error(`the browser tests need Chromium at ${path}: run "apt-get install -y chromium" as root (or set DQSTREAM_TEST_CHROMIUM)`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [["update"], ["install", "-y", "chromium"]]) {
    const r = spawnSync("apt-get", args, { env, encoding: "utf8", timeout: 600_000 });
    if (r.status !== 0)
      throw new Error(
        `apt-get ${args.join(" ")} failed (exit ${String(r.status)}): ${(r.stderr || r.stdout || String(r.error)).trim().split("\n").slice(-3).join(" | ")}`,
      );
  }
  if (!existsSync(path)) throw new Error(`apt-get installed chromium, yet there is no ${path}`);
}
