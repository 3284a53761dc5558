// Child process of bench/baseline.mjs: the parse-only pass. Reads the CSV exactly as
// src/records/datasetReader.ts does (openInputBytes → StringDecoder → CsvParser), converts every
// field with Number() and sums the finite ones (so the work is not dead code), builds no sketch.
// Prints one JSON line {rows, seconds, maxRssKiB, ...}. Usage: node bench/parseOnlyChild.mjs <dataset.csv>
import { StringDecoder } from "node:string_decoder";
import { CsvParser } from "../dist/records/csvParser.js";
import { openInputBytes } from "../dist/records/inputBytes.js";

const [dataset] = process.argv.slice(2);
if (dataset === undefined) {
  process.stderr.write("usage: node bench/parseOnlyChild.mjs <dataset.csv>\n");
  process.exit(2);
}
const started = performance.now();
const input = openInputBytes(dataset);
let header = true;
let rows = 0;
let fields = 0;
let malformed = 0;
let sum = 0;
const parser = new CsvParser({
  record(f) {
    if (header) {
      header = false;
      return;
    }
    rows++;
    fields += f.length;
    for (let i = 0; i < f.length; i++) {
      const x = Number(f[i]);
      if (Number.isFinite(x)) sum += x;
    }
  },
  malformed() {
    malformed++;
  },
});
const decoder = new StringDecoder("utf8");
for await (const chunk of input.chunks) parser.push(decoder.write(chunk));
parser.push(decoder.end());
parser.end();
const seconds = (performance.now() - started) / 1000;
const mem = process.memoryUsage();
process.stdout.write(
  `${JSON.stringify({
    pass: "parse-only",
    rows,
    fields,
    malformed,
    checksum: sum,
    bytes: input.bytesRead(),
    seconds,
    maxRssKiB: process.resourceUsage().maxRSS,
    endHeapUsedBytes: mem.heapUsed,
    endRssBytes: mem.rss,
  })}\n`,
);
