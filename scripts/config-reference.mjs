// Regenerates the configuration reference in docs/configuration.md from the schemas (the built
// dist/config/configReference.js): the block between its markers is replaced, the prose around it
// is kept. Run through `npm run docs:config`, which builds first.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { configReference, replaceReference } from "../dist/config/configReference.js";

const file = join(import.meta.dirname, "..", "docs", "configuration.md");
const text = await readFile(file, "utf8");
const next = replaceReference(text, configReference());
if (next !== text) await writeFile(file, next);
process.stdout.write(`${next === text ? "unchanged" : "updated"}: ${file}\n`);
