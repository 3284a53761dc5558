import * as z from "zod";
import { CsvParser } from "../../csvParser.js";
import { markObjectKeys, objectKeysOf, positionalRow, type FeatureLayout, type FeatureRow, type RowSink } from "../../featureRow.js";
import { flattenObject } from "../../flatten.js";
import { isoTimeMs } from "../../isoTime.js";
import { parseJsonBounded } from "../../jsonLimits.js";
import type { Decoded } from "../../RecordDecoder.js";
import type { RawValue } from "../../valueType.js";

/**
 * SageMaker data-capture records (sagemaker-model-monitor.md §1.1): one JSON object per line with
 * `captureData.endpointInput` / `endpointOutput` ({observedContentType, mode, data, encoding}),
 * `eventMetadata` ({eventId, inferenceId, inferenceTime, customAttributes, invocationSource}) and
 * `eventVersion`. Unknown keys are kept (the record is handed to hooks as read).
 */
const EventDataSchema = z.looseObject({
  observedContentType: z.string().optional(),
  mode: z.string().optional(),
  data: z.string(),
  encoding: z.enum(["CSV", "JSON", "BASE64"]),
});

export const CaptureRecordSchema = z.looseObject({
  captureData: z
    .looseObject({ endpointInput: EventDataSchema.optional(), endpointOutput: EventDataSchema.optional() })
    .refine((c) => c.endpointInput !== undefined || c.endpointOutput !== undefined, "expected endpointInput or endpointOutput"),
  eventMetadata: z
    .looseObject({
      eventId: z.string().optional(),
      inferenceId: z.string().optional(),
      inferenceTime: z.string().optional(),
      customAttributes: z.unknown().optional(),
      invocationSource: z.string().optional(),
    })
    .optional(),
  eventVersion: z.string().optional(),
});

export type CaptureRecord = z.output<typeof CaptureRecordSchema>;
export type EventData = z.output<typeof EventDataSchema>;

/**
 * Parses one capture line; a failure names the reason category and the detail. A record nested
 * deeper than MAX_JSON_DEPTH anywhere (its envelope included) is an `invalid payload`.
 */
export function parseCaptureRecord(text: string): Decoded<CaptureRecord> {
  const parsed = parseJsonBounded(text);
  if (!parsed.ok)
    return parsed.nested ? { ok: false, reason: "invalid payload", detail: parsed.detail } : { ok: false, reason: "invalid JSON", detail: parsed.detail };
  const r = CaptureRecordSchema.safeParse(parsed.value);
  if (!r.success) {
    const issue = r.error.issues[0];
    const path = issue === undefined ? "$" : `$${issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("")}`;
    return { ok: false, reason: "not a capture record", detail: `${path}: ${issue?.message ?? "invalid"}` };
  }
  return { ok: true, value: r.data };
}

/** Shadow-variant traffic, which SageMaker's analyzer skips. */
export function isShadowTraffic(record: CaptureRecord): boolean {
  return record.eventMetadata?.invocationSource === "ShadowExperiment";
}

/** Event time in ms from `eventMetadata.inferenceTime` (ISO-8601 with a zone), or undefined. */
export function inferenceTimeMs(record: CaptureRecord): number | undefined {
  const t = record.eventMetadata?.inferenceTime;
  return t === undefined ? undefined : isoTimeMs(t);
}

/** A payload's rows: positional fields (CSV, JSON arrays of scalars) or named values (JSON objects). */
export type PayloadRow = { kind: "fields"; fields: RawValue[] } | { kind: "object"; values: Record<string, RawValue> };

/**
 * Decodes one side's payload into rows. CSV: one row per record line (RFC 4180 quoting). JSON: an
 * object is a row (nested objects flattened with dots), an array of objects several rows, an array
 * of scalars one positional row, a scalar one positional field; several JSON values on separate
 * lines (JSON Lines) are several rows. BASE64: decoded, then read by content type (csv / json,
 * else sniffed from the first character).
 */
export function decodePayload(ev: EventData): Decoded<PayloadRow[]> {
  let text = ev.data;
  let format: "csv" | "json" = ev.encoding === "JSON" ? "json" : "csv";
  if (ev.encoding === "BASE64") {
    const bytes = Buffer.from(ev.data, "base64");
    if (!/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(ev.data)) return { ok: false, reason: "invalid payload", detail: "data is not valid base64" };
    text = bytes.toString("utf8");
    const type = (ev.observedContentType ?? "").toLowerCase();
    if (type.includes("json")) format = "json";
    else if (type.includes("csv")) format = "csv";
    else {
      const first = text.trimStart()[0];
      format = first === "{" || first === "[" ? "json" : "csv";
    }
  }
  return format === "csv" ? decodeCsv(text) : decodeJson(text);
}

function decodeCsv(text: string): Decoded<PayloadRow[]> {
  const rows: PayloadRow[] = [];
  let error: string | undefined;
  const parser = new CsvParser({
    record: (fields) => rows.push({ kind: "fields", fields }),
    malformed: (reason, detail) => {
      error ??= `${reason}: ${detail}`;
    },
  });
  parser.push(text);
  parser.end();
  if (error !== undefined) return { ok: false, reason: "invalid payload", detail: `CSV ${error}` };
  return { ok: true, value: rows };
}

function decodeJson(text: string): Decoded<PayloadRow[]> {
  const values: unknown[] = [];
  const whole = parseJsonBounded(text);
  if (whole.ok) values.push(whole.value);
  else if (whole.nested) return { ok: false, reason: "invalid payload", detail: whole.detail };
  else {
    // JSON Lines: several values, one a line
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      const one = parseJsonBounded(line);
      if (!one.ok) return { ok: false, reason: "invalid payload", detail: one.nested ? one.detail : `JSON ${whole.detail}` };
      values.push(one.value);
    }
  }
  const rows: PayloadRow[] = [];
  for (const v of values) {
    if (Array.isArray(v)) {
      if (v.length > 0 && v.every((x) => x !== null && typeof x === "object" && !Array.isArray(x))) {
        for (const o of v) rows.push({ kind: "object", values: flattenObject(o as Record<string, unknown>) });
      } else {
        rows.push({ kind: "fields", fields: v as RawValue[] });
      }
    } else if (v !== null && typeof v === "object") {
      rows.push({ kind: "object", values: flattenObject(v as Record<string, unknown>) });
    } else {
      rows.push({ kind: "fields", fields: [v as RawValue] });
    }
  }
  return { ok: true, value: rows };
}

/**
 * A capture record's rows as features (sagemaker-model-monitor.md §1.3). Input row i is paired with
 * output row i (a single output row is paired with every input row); positional fields of the pair
 * are concatenated outputs first (START) or last (END) and named by the baseline's feature order,
 * positions past it as `_c<i>` (extra columns). JSON objects keep their keys; a positional side
 * paired with an object side takes the baseline's first (START) or last (END) names. Other row
 * counts are a "row count mismatch"; a record without any row is an "invalid payload".
 */
export function captureRows(record: CaptureRecord, layout: FeatureLayout): Decoded<FeatureRow[]> {
  const rows: FeatureRow[] = [];
  const r = captureRowsInto(record, layout, {
    addObjectRow: (row) => rows.push(row),
    addPositionalRow: (names, fields) => rows.push(positionalRow(fields, names, 0)),
  });
  return r.ok ? { ok: true, value: rows } : r;
}

/** captureRows, each row put into `sink` (positional pairs without an object each); the number of rows. */
export function captureRowsInto(record: CaptureRecord, layout: FeatureLayout, sink: RowSink): Decoded<number> {
  const input = record.captureData.endpointInput;
  const output = record.captureData.endpointOutput;
  const ins = input === undefined ? undefined : decodePayload(input);
  if (ins !== undefined && !ins.ok) return { ok: false, reason: ins.reason, detail: `endpointInput: ${ins.detail}` };
  const outs = output === undefined ? undefined : decodePayload(output);
  if (outs !== undefined && !outs.ok) return { ok: false, reason: ins === undefined ? outs.reason : outs.reason, detail: `endpointOutput: ${outs.detail}` };
  const inRows = ins?.value ?? [];
  const outRows = outs?.value ?? [];
  const n = Math.max(inRows.length, outRows.length);
  if (n === 0) return { ok: false, reason: "invalid payload", detail: "the payload has no rows" };
  if (inRows.length > 0 && outRows.length > 0 && inRows.length !== outRows.length && outRows.length !== 1) {
    return { ok: false, reason: "row count mismatch", detail: `endpointInput has ${inRows.length} rows, endpointOutput has ${outRows.length}` };
  }
  for (let i = 0; i < n; i++) {
    const a = inRows[i];
    const b = outRows[outRows.length === 1 ? 0 : i];
    if (a?.kind !== "object" && b?.kind !== "object") {
      // positional only: the fields of the pair in layout order, named by the baseline
      const inFields = a?.kind === "fields" ? a.fields : EMPTY;
      const outFields = b?.kind === "fields" ? b.fields : EMPTY;
      const start = layout.outputColumnsPosition === "START";
      sink.addPositionalRow(layout.featureNames, start ? concat(outFields, inFields) : concat(inFields, outFields));
    } else {
      const row = combine(a, b, layout);
      sink.addObjectRow(row, objectKeysOf(row));
    }
  }
  return { ok: true, value: n };
}

const EMPTY: readonly RawValue[] = [];

function concat(a: readonly RawValue[], b: readonly RawValue[]): readonly RawValue[] {
  return a.length === 0 ? b : b.length === 0 ? a : [...a, ...b];
}

function combine(input: PayloadRow | undefined, output: PayloadRow | undefined, layout: FeatureLayout): FeatureRow {
  const start = layout.outputColumnsPosition === "START";
  const names = layout.featureNames;
  const inFields = input?.kind === "fields" ? input.fields : undefined;
  const outFields = output?.kind === "fields" ? output.fields : undefined;
  const inObj = input?.kind === "object" ? input.values : undefined;
  const outObj = output?.kind === "object" ? output.values : undefined;
  if (inObj === undefined && outObj === undefined) {
    const fields = start ? [...(outFields ?? []), ...(inFields ?? [])] : [...(inFields ?? []), ...(outFields ?? [])];
    return positionalRow(fields, names, 0);
  }
  // no prototype: a "__proto__" key of a JSON payload must stay a feature (as in flattenObject)
  const row = Object.create(null) as FeatureRow;
  const keys = new Set<string>();
  markObjectKeys(row, keys);
  const place = (side: PayloadRow | undefined, isOutput: boolean): void => {
    if (side === undefined) return;
    if (side.kind === "object") {
      Object.assign(row, side.values);
      for (const k of Object.keys(side.values)) keys.add(k);
      return;
    }
    // a positional side next to an object side: outputs take the first (START) or last (END) names
    const offset = isOutput === start ? 0 : Math.max(0, names.length - side.fields.length);
    Object.assign(row, positionalRow(side.fields, names, offset));
  };
  if (start) {
    place(output, true);
    place(input, false);
  } else {
    place(input, false);
    place(output, true);
  }
  return row;
}
