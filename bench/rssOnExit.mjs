// Preloaded into the `dqstream replay` child by bench/replayWidth.mjs (node --import): on exit,
// writes {maxRssKiB, uptimeSeconds} to the file named by BENCH_RSS_FILE, so the parent learns the
// child's own peak RSS (process.resourceUsage().maxRSS) without changing the CLI.
import { writeFileSync } from "node:fs";

const target = process.env.BENCH_RSS_FILE;
if (target) {
  process.on("exit", () => {
    writeFileSync(target, JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS, uptimeSeconds: performance.now() / 1000 }));
  });
}
