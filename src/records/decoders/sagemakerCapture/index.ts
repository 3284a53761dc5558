import * as z from "zod";
import type { RecordDecoder, RecordDecoderDefinition } from "../../RecordDecoder.js";
import { captureRows, captureRowsInto, inferenceTimeMs, isShadowTraffic, parseCaptureRecord, type CaptureRecord } from "./captureRecord.js";

/** Skip reason of shadow-variant traffic, which SageMaker's analyzer skips. */
export const SKIP_SHADOW = "shadow traffic";

/**
 * SageMaker data capture (docs/monitoring.md, Captured records → features): the capture envelope,
 * CSV / JSON / BASE64 payloads of the endpoint's input and output, event time from
 * `eventMetadata.inferenceTime`. The hook receives the capture record as read.
 */
export const sagemakerCaptureDecoder: RecordDecoder<CaptureRecord> = {
  decode: parseCaptureRecord,
  skipReason: (record) => (isShadowTraffic(record) ? SKIP_SHADOW : undefined),
  eventTimeMs: inferenceTimeMs,
  missingEventTimeDetail(record) {
    const t = record.eventMetadata?.inferenceTime;
    return t === undefined ? "no eventMetadata.inferenceTime and no source timestamp" : `unparsable eventMetadata.inferenceTime ${JSON.stringify(t)}`;
  },
  rows: captureRows,
  rowsInto: captureRowsInto,
};

export const sagemakerCapture = {
  kind: "record_decoder",
  name: "sagemaker_capture",
  configKey: "sagemaker_capture",
  schema: z.strictObject({}).describe("SageMaker data capture takes no options."),
  create: () => sagemakerCaptureDecoder,
} as const satisfies RecordDecoderDefinition;
