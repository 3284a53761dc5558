import * as z from "zod";
import { markObjectKeys, type FeatureRow } from "../../featureRow.js";
import { flattenObject } from "../../flatten.js";
import { isoTimeMs } from "../../isoTime.js";
import { parseJsonBounded } from "../../jsonLimits.js";
import type { Decoded, RecordDecoder, RecordDecoderDefinition } from "../../RecordDecoder.js";

export const FlatJsonOptionsSchema = z.strictObject({
  /**
   * Top-level field holding the event time: ISO-8601 with a zone, or ms since the epoch. It is
   * not a feature. Absent: the source's timestamp (Kafka message time) is the event time.
   */
  event_time_field: z.string().min(1).optional(),
});
export type FlatJsonOptions = z.output<typeof FlatJsonOptionsSchema>;

type FlatJsonRecord = Record<string, unknown>;

/**
 * Flat JSON messages: each record is one JSON object of feature → value, one row (nested objects
 * flattened with dots, as JSON payloads of capture records). Its keys are JSON object keys, so
 * they are matched to the baseline as `json_column_matching` says (by sorted position unless
 * `name`). Nothing is skipped. The hook receives the object as read.
 */
export function flatJsonDecoder(options: FlatJsonOptions = {}): RecordDecoder<FlatJsonRecord> {
  const field = options.event_time_field;
  return {
    decode(text) {
      const parsed = parseJsonBounded(text);
      if (!parsed.ok)
        return parsed.nested ? { ok: false, reason: "invalid payload", detail: parsed.detail } : { ok: false, reason: "invalid JSON", detail: parsed.detail };
      const v = parsed.value;
      if (v === null || typeof v !== "object" || Array.isArray(v))
        return {
          ok: false,
          reason: "not a JSON object",
          detail: `expected one JSON object per record, got ${v === null ? "null" : Array.isArray(v) ? "an array" : typeof v}`,
        };
      return { ok: true, value: v as FlatJsonRecord };
    },
    skipReason: () => undefined,
    eventTimeMs(record) {
      if (field === undefined || !Object.hasOwn(record, field)) return undefined;
      const t = record[field];
      if (typeof t === "string") return isoTimeMs(t);
      return typeof t === "number" && Number.isFinite(t) ? t : undefined;
    },
    missingEventTimeDetail(record) {
      if (field === undefined) return "no event_time_field configured and no source timestamp";
      if (!Object.hasOwn(record, field)) return `no field ${JSON.stringify(field)} and no source timestamp`;
      return `unparsable ${JSON.stringify(field)} ${JSON.stringify(record[field])}`;
    },
    rows(record): Decoded<FeatureRow[]> {
      const row = flattenObject(record);
      if (field !== undefined) delete row[field];
      markObjectKeys(row, "all");
      return { ok: true, value: [row] };
    },
  };
}

export const flatJson = {
  kind: "record_decoder",
  name: "flat_json",
  configKey: "flat_json",
  schema: FlatJsonOptionsSchema,
  create: (options: z.output<typeof FlatJsonOptionsSchema>) => flatJsonDecoder(options),
} as const satisfies RecordDecoderDefinition<typeof FlatJsonOptionsSchema>;
