// The parse floor's per-record work, shared by bench/captureParseOnlyChild.mjs (records read from a
// capture file, for bench:replay) and bench/kafkaFloorChild.mjs (records consumed from Kafka, for
// bench:monitor): JSON.parse the SageMaker capture record, split the endpointInput CSV payload on
// "," (the generated payloads have no quotes), Number() every input value and the endpointOutput
// label, summing the finite ones (so the work is not dead code). No windows, sketches or reports.

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
