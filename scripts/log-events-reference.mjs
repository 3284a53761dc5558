// Regenerates the table of log events in docs/monitoring.md from the catalogue (the built
// dist/telemetry/logEventsReference.js): the block between its markers is replaced, the prose
// around it is kept. Run through `npm run docs:logs`, which builds first.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { logEventsReference, replaceLogEventsReference } from "../dist/telemetry/logEventsReference.js";

const file = join(import.meta.dirname, "..", "docs", "monitoring.md");
const text = await readFile(file, "utf8");
const next = replaceLogEventsReference(text, logEventsReference());
if (next !== text) await writeFile(file, next);
process.stdout.write(`${next === text ? "unchanged" : "updated"}: ${file}\n`);
