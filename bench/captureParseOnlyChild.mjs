// Child process of bench/replayWidth.mjs: the parse-only floor of a capture file. Reads the file
// in chunks, splits lines, and hands each record to bench/captureParse.mjs: JSON.parse(), split the
// endpointInput CSV payload on "," (the generated payloads have no quotes), Number() on every input
// value and on the endpointOutput label, summing the finite ones (so the work is not dead code).
// No windows, no sketches, no reports. Prints one JSON line {records, fields, seconds, maxRssKiB, ...}.
// Usage: node bench/captureParseOnlyChild.mjs <capture.jsonl>
import { createCaptureParser, forEachLine } from "./captureParse.mjs";

const [file] = process.argv.slice(2);
if (file === undefined) {
  process.stderr.write("usage: node bench/captureParseOnlyChild.mjs <capture.jsonl>\n");
  process.exit(2);
}
const started = performance.now();
const parser = createCaptureParser();
const handle = parser.handle;
const bytes = await forEachLine(file, handle);
const seconds = (performance.now() - started) / 1000;
process.stdout.write(
  `${JSON.stringify({ pass: "parse-only", records: parser.records, fields: parser.fields, checksum: parser.checksum, bytes, seconds, maxRssKiB: process.resourceUsage().maxRSS })}\n`,
);
