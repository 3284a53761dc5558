#!/usr/bin/env node
// Generates the inputs of the replay golden cases (test/golden/replay/<case>/input/*.jsonl and
// the no-header baseline's training CSV). Seeded: re-running writes the same bytes.
//   node test/golden/replay/make-inputs.mjs
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { COLUMNS, makeRow, mulberry32 } from "../../../scripts/exampleModel.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const rand = mulberry32(2026);
const T0 = Date.UTC(2026, 10, 1, 0, 0, 0);
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
const b64 = (s) => Buffer.from(s).toString("base64");
const clean = { intl_missing: 0.0, channel_missing: 0.0 };

function write(file, records) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, records.map((r) => (typeof r === "string" ? r : JSON.stringify(r))).join("\n") + "\n");
}

function csvCapture(ms, inputs, outputs, { encoding = "CSV", extra = {} } = {}) {
  const enc = (s) => (encoding === "BASE64" ? b64(s) : s);
  const rec = { captureData: {}, eventMetadata: { eventId: `e-${ms}`, inferenceTime: iso(ms), ...extra }, eventVersion: "0" };
  if (inputs !== undefined) rec.captureData.endpointInput = { observedContentType: "text/csv", mode: "INPUT", data: enc(inputs), encoding };
  if (outputs !== undefined) rec.captureData.endpointOutput = { observedContentType: "text/csv; charset=utf-8", mode: "OUTPUT", data: enc(outputs), encoding };
  return rec;
}

function jsonCapture(ms, input, output, { encoding = "JSON", extra = {} } = {}) {
  const enc = (v) => (encoding === "BASE64" ? b64(JSON.stringify(v)) : JSON.stringify(v));
  return {
    captureData: {
      endpointInput: { observedContentType: "application/json", mode: "INPUT", data: enc(input), encoding },
      endpointOutput: { observedContentType: "application/json", mode: "OUTPUT", data: enc(output), encoding },
    },
    eventMetadata: { eventId: `e-${ms}`, inferenceTime: iso(ms), ...extra },
    eventVersion: "0",
  };
}

const asObject = (row) => {
  const o = {};
  COLUMNS.slice(1).forEach((name, i) => {
    const v = row[i + 1];
    o[name] = v === "" ? null : /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
  });
  return o;
};

// Ten-minute windows, 80 records each, times spread inside the window in order.
function windowTimes(k, n = 80) {
  const start = T0 + k * 600_000;
  return Array.from({ length: n }, (_, i) => start + Math.floor(((i + 0.5) * 600_000) / n));
}

// csv-start: every check type on CSV payloads, outputs first.
{
  const recs = [];
  const drifts = [{}, { day_mins_shift: 120 }, { intl_missing: 0.5 }, {}, { plan_values: ["basic", "gold"], plan_weights: [30, 70] }, {}, {}];
  drifts.forEach((d, k) => {
    for (const ms of windowTimes(k)) {
      const row = makeRow(rand, { ...clean, ...d });
      if (k === 3 && rand() < 0.25) row[5] = `${row[5]}.5`; // day_calls Integral → some Fractional
      let inputs = row.slice(1);
      if (k === 5) inputs = inputs.slice(0, -2); // two columns missing
      if (k === 6) inputs = [...inputs, "x", "7"]; // two extra columns
      recs.push(csvCapture(ms, inputs.join(","), `${row[0]}\n`));
    }
  });
  write(join(here, "csv-start/input/capture.jsonl"), recs);
}

// json: JSON payloads keyed by feature name, with a window missing a key and one with an extra key.
{
  const recs = [];
  for (let k = 0; k < 3; k++) {
    for (const ms of windowTimes(k, 60)) {
      const row = makeRow(rand, clean);
      const input = asObject(row);
      if (k === 1) delete input.voicemail;
      if (k === 2) input.session = { device: "ios", retries: 2 };
      recs.push(jsonCapture(ms, input, { churn: Number(row[0]) }));
    }
  }
  write(join(here, "json/input/capture.jsonl"), recs);
}

// base64: CSV and JSON inside BASE64, one multi-row CSV payload.
{
  const recs = [];
  windowTimes(0, 60).forEach((ms, i) => {
    const row = makeRow(rand, clean);
    if (i % 2 === 0) recs.push(csvCapture(ms, row.slice(1).join(","), `${row[0]}\n`, { encoding: "BASE64" }));
    else recs.push(jsonCapture(ms, asObject(row), { churn: Number(row[0]) }, { encoding: "BASE64" }));
  });
  const a = makeRow(rand, clean);
  const b = makeRow(rand, clean);
  recs.push(csvCapture(T0 + 599_000, `${a.slice(1).join(",")}\n${b.slice(1).join(",")}`, `${a[0]}\n${b[0]}\n`, { encoding: "BASE64" }));
  write(join(here, "base64/input/capture.jsonl"), recs);
}

// no-header-end: a header-less baseline with the output last, captured rows inputs-then-output.
{
  const lines = [];
  for (let i = 0; i < 1500; i++) {
    const row = makeRow(rand);
    lines.push([...row.slice(1), row[0]].join(","));
  }
  mkdirSync(join(here, "no-header-end/training"), { recursive: true });
  writeFileSync(join(here, "no-header-end/training/training.csv"), lines.join("\n") + "\n");
  const recs = [];
  for (let k = 0; k < 2; k++) {
    for (const ms of windowTimes(k, 60)) {
      const row = makeRow(rand, { ...clean, ...(k === 1 ? { day_mins_shift: 150 } : {}) });
      recs.push(csvCapture(ms, row.slice(1).join(","), `${row[0]}`));
    }
  }
  write(join(here, "no-header-end/input/capture.jsonl"), recs);
}

// late-malformed: lateness 120 s; out-of-order records within it, late ones beyond it, malformed
// records of every kind, shadow traffic, a record without event time, two input files.
{
  const recs = [];
  const times = [...windowTimes(0, 40), ...windowTimes(1, 40)];
  times.forEach((ms, i) => {
    const row = makeRow(rand, clean);
    recs.push(csvCapture(ms, row.slice(1).join(","), `${row[0]}\n`));
    if (i === 45) recs.push(csvCapture(times[44] - 100_000, makeRow(rand, clean).slice(1).join(","), "0\n")); // 100 s behind: on time
    if (i === 50) recs.push(csvCapture(times[0] + 1_000, makeRow(rand, clean).slice(1).join(","), "1\n")); // far behind: late
    if (i === 52) recs.push(csvCapture(ms, makeRow(rand, clean).slice(1).join(","), "0\n", { extra: { invocationSource: "ShadowExperiment" } }));
  });
  recs.splice(3, 0, '{"captureData": {"endpointInput": ');
  recs.splice(7, 0, "[1, 2, 3]");
  recs.splice(9, 0, JSON.stringify({ captureData: {}, eventMetadata: { inferenceTime: iso(T0 + 60_000) } }));
  const noTime = csvCapture(T0 + 70_000, makeRow(rand, clean).slice(1).join(","), "0\n");
  delete noTime.eventMetadata.inferenceTime;
  recs.splice(12, 0, noTime);
  recs.splice(14, 0, {
    captureData: { endpointInput: { observedContentType: "text/csv", mode: "INPUT", data: "@@@ not base64 @@@", encoding: "BASE64" } },
    eventMetadata: { inferenceTime: iso(T0 + 80_000) },
    eventVersion: "0",
  });
  recs.splice(16, 0, csvCapture(T0 + 90_000, '12,"unclosed,3', "0\n"));
  recs.splice(18, 0, { ...csvCapture(T0 + 95_000, "1", "0"), eventMetadata: { inferenceTime: "yesterday" } });
  const half = Math.floor(recs.length / 2);
  write(join(here, "late-malformed/input/a.jsonl"), recs.slice(0, half));
  write(join(here, "late-malformed/input/b.jsonl"), recs.slice(half));
}

// chi-squared: the csv-start input against constraints with ChiSquared, Simple and overrides.
{
  const c = JSON.parse(readFileSync(join(here, "../baseline/csv-header/constraints.json"), "utf8"));
  c.monitoring_config.distribution_constraints.categorical_drift_method = "ChiSquared";
  c.monitoring_config.distribution_constraints.categorical_comparison_threshold = 0.01;
  c.monitoring_config.distribution_constraints.comparison_method = "Simple";
  for (const f of c.features) {
    if (f.name === "state") f.monitoringConfigOverrides = { evaluate_constraints: "Disabled" };
    if (f.name === "day_mins") f.monitoringConfigOverrides = { distribution_constraints: { comparison_threshold: 0.5 } };
  }
  mkdirSync(join(here, "chi-squared"), { recursive: true });
  writeFileSync(join(here, "chi-squared/constraints.json"), JSON.stringify(c, null, 2) + "\n");
}

// hooks: JSON payloads with {"instances": [...]} that the preprocessor splits, samples and rejects.
{
  const recs = [];
  windowTimes(0, 50).forEach((ms, i) => {
    const rows = [makeRow(rand, clean)];
    if (i % 10 === 0) rows.push(makeRow(rand, clean));
    const instances = rows.map((r) => asObject(r));
    const tag = i === 7 ? "explode" : i % 4 === 3 ? "sample-out" : "keep";
    recs.push({
      captureData: {
        endpointInput: { observedContentType: "application/json", mode: "INPUT", data: JSON.stringify({ instances, tag }), encoding: "JSON" },
        endpointOutput: {
          observedContentType: "application/json",
          mode: "OUTPUT",
          data: JSON.stringify({ predictions: rows.map((r) => Number(r[0])) }),
          encoding: "JSON",
        },
      },
      eventMetadata: { eventId: `e-${ms}`, inferenceTime: iso(ms) },
      eventVersion: "0",
    });
  });
  write(join(here, "hooks/input/capture.jsonl"), recs);
}
