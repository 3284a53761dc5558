// Child process of bench/replayWidth.mjs: the parse-only floor of a capture file. Reads the file
// in chunks, splits lines, JSON.parse()s each record, splits the endpointInput CSV payload on ","
// (the generated payloads have no quotes) and calls Number() on every input value and on the
// endpointOutput label, summing the finite ones (so the work is not dead code). No windows, no
// sketches, no reports. Prints one JSON line {records, fields, seconds, maxRssKiB, ...}.
// Usage: node bench/captureParseOnlyChild.mjs <capture.jsonl>
import { createReadStream } from "node:fs";
import { StringDecoder } from "node:string_decoder";

const [file] = process.argv.slice(2);
if (file === undefined) {
  process.stderr.write("usage: node bench/captureParseOnlyChild.mjs <capture.jsonl>\n");
  process.exit(2);
}
const started = performance.now();
let records = 0;
let fields = 0;
let sum = 0;
let bytes = 0;
const handle = (line) => {
  if (line.length === 0) return;
  const r = JSON.parse(line);
  const cd = r.captureData;
  const parts = cd.endpointInput.data.split(",");
  const out = Number(cd.endpointOutput.data);
  if (Number.isFinite(out)) sum += out;
  if (typeof r.eventMetadata.inferenceTime !== "string") throw new Error("no inferenceTime");
  records++;
  fields += parts.length + 1;
  for (let i = 0; i < parts.length; i++) {
    const x = Number(parts[i]);
    if (Number.isFinite(x)) sum += x;
  }
};
const decoder = new StringDecoder("utf8");
let rest = "";
for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
  bytes += chunk.length;
  const text = rest + decoder.write(chunk);
  let start = 0;
  for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", start)) {
    handle(text.slice(start, nl));
    start = nl + 1;
  }
  rest = text.slice(start);
}
handle(rest + decoder.end());
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ pass: "parse-only", records, fields, checksum: sum, bytes, seconds, maxRssKiB: process.resourceUsage().maxRSS })}\n`);
