// The parse floor's per-record work, shared by bench/captureParseOnlyChild.mjs (records read from a
// capture file, for bench:replay) and bench/kafkaFloorChild.mjs (records consumed from Kafka, for
// bench:monitor): JSON.parse the SageMaker capture record, split the endpointInput CSV payload on
// "," (the generated payloads have no quotes), Number() every input value and the endpointOutput
// label, summing the finite ones (so the work is not dead code). No windows, sketches or reports.
import { createReadStream } from "node:fs";
import { StringDecoder } from "node:string_decoder";

/** Calls `handle(line)` for every line of `file`, read in 1 MiB chunks; resolves with the bytes read. */
export async function forEachLine(file, handle) {
  let bytes = 0;
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
  return bytes;
}

/** A parser keeping its counts; `handle(text)` takes one capture record (one JSON line). */
export function createCaptureParser() {
  let records = 0;
  let fields = 0;
  let sum = 0;
  return {
    handle(line) {
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
    },
    get records() {
      return records;
    },
    get fields() {
      return fields;
    },
    get checksum() {
      return sum;
    },
  };
}
