#!/usr/bin/env node
// Generates the bundled capture files (examples/capture/…): eight hours of SageMaker data-capture
// records for the example churn endpoint, laid out as SageMaker writes them
// ({endpoint}/{variant}/yyyy/mm/dd/hh/{MM-SS-mmm}-{id}.jsonl). Hours 0-2 carry CSV payloads, 3-5
// JSON, 6-7 BASE64 (CSV inside). Some hours carry injected drift, and a few records are
// malformed, late or shadow traffic, so `npm run demo` has something to find:
//   02:00 day_mins shifted up by 90 minutes (the model's output drifts with it)
//   04:00 plan mix moves to premium, with a new value "enterprise"
//   05:00 intl_mins missing in 30 % of the records
//   07:00 account_length sent as text ("123d") in 10 % of the records
// Seeded: the same bytes every run.
//   node scripts/generate-example-captures.mjs examples/capture [records per hour, default 300]
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { COLUMNS, makeRow, mulberry32 } from "./exampleModel.mjs";

const root = process.argv[2] ?? "examples/capture";
const endpoint = "churn-endpoint";
const perHour = Number(process.argv[3] ?? 300);
const day = Date.UTC(2026, 10, 1);
const rand = mulberry32(7);
const hex = (n) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join("");
const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

const drift = {
  2: { day_mins_shift: 90 },
  4: { plan_values: ["basic", "standard", "premium", "enterprise"], plan_weights: [15, 20, 45, 20] },
  5: { intl_missing: 0.3 },
};
const encodingOf = (h) => (h < 3 ? "CSV" : h < 6 ? "JSON" : "BASE64");
// clean hours use a little less missingness than the training data, so that a window of 300
// records does not fall below the suggested completeness by chance
const clean = { intl_missing: 0.02, channel_missing: 0.05 };

function capture(hour, ms, row, extra = {}) {
  const encoding = encodingOf(hour);
  const [label, ...inputs] = row;
  let input;
  let output;
  if (encoding === "JSON") {
    const obj = {};
    COLUMNS.slice(1).forEach((name, i) => {
      const v = inputs[i];
      obj[name] = v === "" ? null : /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
    });
    input = { observedContentType: "application/json", mode: "INPUT", data: JSON.stringify(obj), encoding: "JSON" };
    output = { observedContentType: "application/json", mode: "OUTPUT", data: JSON.stringify({ churn: Number(label) }), encoding: "JSON" };
  } else {
    const csvIn = inputs.join(",");
    const b64 = (s) => Buffer.from(s).toString("base64");
    input =
      encoding === "CSV"
        ? { observedContentType: "text/csv", mode: "INPUT", data: csvIn, encoding: "CSV" }
        : { observedContentType: "text/csv", mode: "INPUT", data: b64(csvIn), encoding: "BASE64" };
    output =
      encoding === "CSV"
        ? { observedContentType: "text/csv; charset=utf-8", mode: "OUTPUT", data: `${label}\n`, encoding: "CSV" }
        : { observedContentType: "text/csv; charset=utf-8", mode: "OUTPUT", data: b64(`${label}\n`), encoding: "BASE64" };
  }
  return {
    captureData: { endpointInput: input, endpointOutput: output },
    eventMetadata: { eventId: uuid(), inferenceTime: iso(ms), ...extra },
    eventVersion: "0",
  };
}

rmSync(join(root, endpoint), { recursive: true, force: true });
for (let hour = 0; hour < 8; hour++) {
  const start = day + hour * 3_600_000;
  const times = Array.from({ length: perHour }, () => start + Math.floor(rand() * 3_600_000)).sort((a, b) => a - b);
  const lines = [];
  times.forEach((ms, i) => {
    const d = { ...clean, ...(drift[hour] ?? {}) };
    const row = makeRow(rand, d);
    if (hour === 7 && rand() < 0.1) row[1] = `${row[1]}d`;
    lines.push(JSON.stringify(capture(hour, ms, row)));
    // a request with two rows in one CSV payload (hour 1): each row counts
    if (hour === 1 && i === 10) {
      const a = makeRow(rand, clean);
      const b = makeRow(rand, clean);
      const rec = capture(hour, ms, a);
      rec.captureData.endpointInput.data = `${a.slice(1).join(",")}\n${b.slice(1).join(",")}`;
      rec.captureData.endpointOutput.data = `${a[0]}\n${b[0]}\n`;
      lines.push(JSON.stringify(rec));
    }
  });
  // an inserted record takes the event time of the record before it, so it makes nothing late
  const timeAt = (k) => Date.parse(JSON.parse(lines[k - 1]).eventMetadata.inferenceTime);
  if (hour === 3) {
    // late: an hour-1 record arriving in hour 3's file
    lines.splice(50, 0, JSON.stringify(capture(1, day + 3_600_000 + 120_000, makeRow(rand, clean))));
    // shadow-variant traffic, which the analyzer skips
    lines.splice(80, 0, JSON.stringify(capture(3, timeAt(80), makeRow(rand, clean), { invocationSource: "ShadowExperiment" })));
    lines.splice(81, 0, JSON.stringify(capture(3, timeAt(81), makeRow(rand, clean), { invocationSource: "ShadowExperiment" })));
  }
  if (hour === 6) {
    // malformed: a truncated line, an object that is no capture record, bad base64, no event time
    lines.splice(20, 0, lines[19].slice(0, 120));
    lines.splice(40, 0, JSON.stringify({ hello: "world" }));
    const bad = capture(6, timeAt(60), makeRow(rand, clean));
    bad.captureData.endpointInput.data = "%%% not base64 %%%";
    lines.splice(60, 0, JSON.stringify(bad));
    const timeless = capture(6, timeAt(70), makeRow(rand, clean));
    delete timeless.eventMetadata.inferenceTime;
    lines.splice(70, 0, JSON.stringify(timeless));
  }
  const first = new Date(times[0]);
  const dir = join(root, endpoint, "AllTraffic", "2026", "11", "01", String(hour).padStart(2, "0"));
  mkdirSync(dir, { recursive: true });
  const name = `${String(first.getUTCMinutes()).padStart(2, "0")}-${String(first.getUTCSeconds()).padStart(2, "0")}-${String(first.getUTCMilliseconds()).padStart(3, "0")}-${uuid()}.jsonl`;
  writeFileSync(join(dir, name), `${lines.join("\n")}\n`);
}
