import { cp, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** The golden replay's reports: churn/ten-minutes, seven windows 2026-11-01 00:00–01:10, folders named by their end. */
export const GOLDEN_REPORTS = join(resolve(import.meta.dirname, "../.."), "test/golden/replay/csv-start/expected/reports");

/** A fresh copy of GOLDEN_REPORTS in a temporary folder, for a test to change. */
export async function goldenCopy(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "dq-reports-"));
  await cp(GOLDEN_REPORTS, dir, { recursive: true });
  return dir;
}
