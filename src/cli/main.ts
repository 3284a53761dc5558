#!/usr/bin/env node
// The `dqstream` executable: runs the CLI and sets the exit code (see program.ts).
import { main } from "./program.js";

process.exitCode = await main(process.argv.slice(2));
