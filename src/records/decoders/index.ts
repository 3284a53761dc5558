import * as z from "zod";
import type { RecordDecoder, RecordDecoderDefinition } from "../RecordDecoder.js";
import { flatJson } from "./flatJson/index.js";
import { sagemakerCapture } from "./sagemakerCapture/index.js";

/** The record formats, by their `record_format` name (each definition's `name`); one line per decoder. */
export const RECORD_DECODERS = {
  sagemaker_capture: sagemakerCapture,
  flat_json: flatJson,
} as const;

/** Each decoder's options section (at its configKey), composed into the run config by src/config/schema.ts. */
export const RECORD_DECODER_SECTIONS = Object.values(RECORD_DECODERS);

export const DEFAULT_RECORD_FORMAT = "sagemaker_capture";

/** Run-config key `record_format`: which decoder reads the records. */
export const RecordFormatSchema = z.enum(Object.keys(RECORD_DECODERS) as [string, ...string[]]).default(DEFAULT_RECORD_FORMAT);

/**
 * The decoder `format` names, built with its options: the section of `config` at the
 * definition's configKey (dotted), validated by its schema; an absent section is `{}`, so every
 * option has a default.
 */
export async function createRecordDecoder(format: string, config: Readonly<Record<string, unknown>> = {}): Promise<RecordDecoder> {
  const definition = (RECORD_DECODERS as Readonly<Record<string, RecordDecoderDefinition>>)[format];
  if (definition === undefined) throw new Error(`unknown record_format ${JSON.stringify(format)}`);
  let section: unknown = config;
  for (const key of definition.configKey.split("."))
    section = section !== null && typeof section === "object" ? (section as Record<string, unknown>)[key] : undefined;
  return definition.create(definition.schema.parse(section ?? {}), {});
}
