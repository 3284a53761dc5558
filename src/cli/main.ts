#!/usr/bin/env node
// The `dqstream` executable: runs the CLI and sets the exit code (see program.ts).
import { applyHeapSetting } from "../config/heapTuning.js";
import { main, reportFailure } from "./program.js";

// An error no command awaited (an event handler's, a stray promise's) ends the process the same
// way as one it did: one line for a user's error, the stack only for a bug.
const fail = (e: unknown): void => {
  process.exit(reportFailure(e, (text) => process.stderr.write(text)));
};
process.on("uncaughtException", fail);
process.on("unhandledRejection", fail);

try {
  applyHeapSetting();
} catch (e) {
  fail(e);
}
process.exitCode = await main(process.argv.slice(2));
