import * as z from "zod";
import type { ConfigSection } from "../components/Component.js";
import { REPORT_SINKS } from "../components/registry.js";
import { FilePath } from "./pathSchema.js";
import { Location } from "../storage/location.js";
import { S3Schema } from "../storage/s3Schema.js";
import { JSON_COLUMN_MATCHINGS } from "../profiles/alignKeyedColumns.js";
import { RECORD_DECODER_SECTIONS, RecordFormatSchema } from "../records/decoders/index.js";
import { MAX_WINDOW_SECONDS, MIN_WINDOW_SECONDS, REPORT_FOLDER_TIMES } from "../windows/tumblingWindows.js";

/**
 * dqstream's run configuration, declared once. Every object is strict: an unknown key is an error
 * that names it. Options carry their unit in their name. The same schema validates the config
 * file (YAML or JSON), flags and DQSTREAM_… environment variables after they are merged.
 */
/**
 * Folder names under the reports folder that belong to dqstream: dead letters are written to
 * `<reports>/dead-letter/<endpoint>/<schedule>/` (src/sinks/fileDeadLetterSink.ts). Compared
 * without case, as file systems that ignore case (macOS, Windows) would.
 */
export const RESERVED_FOLDER_NAMES: ReadonlySet<string> = new Set(["dead-letter"]);

/**
 * `endpoint` and `schedule`: each becomes one folder level of `<reports>/<endpoint>/<schedule>/`,
 * so it must name exactly one new folder there: not `.` or `..` (which would write elsewhere),
 * not hidden (names starting with `.` are dqstream's own: `.partials`, temporary files), not a
 * reserved name, and at most 255 characters (the longest file name of common file systems).
 */
const Name = z
  .string()
  .min(1, "expected a non-empty name")
  .max(255, "expected at most 255 characters (it becomes a folder name)")
  .regex(/^[A-Za-z0-9._-]+$/, "expected letters, digits, '.', '_' or '-' (it becomes a folder name)")
  .refine(
    (s) => !s.startsWith("."),
    "must not start with '.': '.', '..' and hidden folders (.partials, temporary files) would leave or collide with dqstream's own folders",
  )
  .refine((s) => !RESERVED_FOLDER_NAMES.has(s.toLowerCase()), "'dead-letter' is reserved: dead letters are written to <reports>/dead-letter/");

/** The most distinct values counted exactly per feature (`category_cap`, `dqstream baseline --category-cap`): memory grows with it. */
export const MAX_CATEGORY_CAP = 1_000_000;

export const HookSchema = z.strictObject({
  module: FilePath.describe("Path of an ES or CommonJS module exporting the hook function."),
  timeout_ms: z.number().int().min(1).max(600_000).default(5_000).describe("A call that neither returns nor advances for this long is abandoned and counted."),
});

/**
 * The sections of the pluggable components, composed from their registries (src/components/registry.ts
 * REPORT_SINKS, src/records/decoders/index.ts RECORD_DECODER_SECTIONS): each optional, absent meaning
 * the sink is off or the decoder takes its defaults.
 */
const COMPONENT_SECTIONS = [...REPORT_SINKS, ...RECORD_DECODER_SECTIONS] as const;

type OptionalSections<T extends readonly ConfigSection[]> = { [D in T[number] as D["configKey"]]: z.ZodOptional<D["schema"]> };

function optionalSections<T extends readonly ConfigSection[]>(sections: T): OptionalSections<T> {
  return Object.fromEntries(sections.map((d) => [d.configKey, d.schema.optional()])) as OptionalSections<T>;
}

export const RunConfigSchema = z
  .strictObject({
    baseline: z
      .strictObject({
        statistics: Location.describe("Baseline statistics.json (dqstream's or SageMaker's): a path or an s3:// URI."),
        constraints: Location.describe("Baseline constraints.json: a path or an s3:// URI."),
      })
      .describe("The baseline the windows are checked against (`dqstream baseline`'s output, or SageMaker's)."),
    reports_dir: Location.describe(
      "Where reports go: a local folder, or `s3://bucket/prefix` (docs/configuration.md#reports-in-s3). Layout: `<reports_dir>/<endpoint>/<schedule>/YYYY/MM/DD/HH[/mm]/`.",
    ),
    s3: S3Schema.optional().describe("How S3 locations (reports_dir, baseline files) are reached: region, endpoint, timeouts."),
    record_format: RecordFormatSchema.describe("How records are read: the decoders of src/records/decoders/ (docs/monitoring.md, Input formats)."),
    report_folder_time: z
      .enum(REPORT_FOLDER_TIMES)
      .default("window_end")
      .describe(
        "Which time names a window's report folder `YYYY/MM/DD/HH[/mm]`: its end, as SageMaker's executions do (the window 00:00–01:00 reports under …/01), or its start.",
      ),
    json_column_matching: z
      .enum(JSON_COLUMN_MATCHINGS)
      .default("sorted_position")
      .describe(
        "How the keys of JSON object payloads are matched to the baseline's features when a window closes: by position after sorting them as text (SageMaker's rule), or by name.",
      ),
    endpoint: Name.default("endpoint").describe("First folder level of the reports; a folder name (docs/configuration.md#folder-names)."),
    schedule: Name.default("schedule").describe("Second folder level of the reports; a folder name (docs/configuration.md#folder-names)."),
    window_seconds: z.number().int().min(MIN_WINDOW_SECONDS).max(MAX_WINDOW_SECONDS).default(3600).describe("Tumbling window size."),
    allowed_lateness_seconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 86_400)
      .default(0)
      .describe("How far behind its partition's greatest event time a record may arrive."),
    output_columns_position: z
      .enum(["START", "END"])
      .optional()
      .describe(
        "Where the model's output columns sit in captured CSV rows. Default: what baseline.json beside the statistics file says, else START (SageMaker's default).",
      ),
    fallback_to_source_timestamp: z
      .boolean()
      .default(true)
      .describe("Use the source's timestamp (Kafka message time) when a record has no usable inferenceTime."),
    category_cap: z
      .number()
      .int()
      .min(1)
      .max(MAX_CATEGORY_CAP)
      .default(1000)
      .describe("Distinct values per feature and window counted exactly before heavy hitters."),
    max_record_bytes: z
      .number()
      .int()
      .min(1024)
      .max(256 * 1024 * 1024)
      .default(1024 * 1024)
      .describe(
        'A record (a capture line, or one line of a Kafka message) longer than this is not read: it is counted and dead-lettered as "record too long", with its first bytes.',
      ),
    max_features: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .default(10_000)
      .describe(
        "Features one window profiles: the baseline's always, others in first-seen order up to this total. Values of the rest are counted (window.json `features_not_profiled`) and raise extra_column_check; memory stays bounded whatever the records hold.",
      ),
    max_event_time_ahead_seconds: z
      .number()
      .int()
      .min(1)
      .max(366 * 86_400)
      .default(3600)
      .describe(
        "An event time more than this after its reference (the Kafka message timestamp; in replay, the partition's greatest event time, with confirmation by the next record) is implausible: the record is dead-lettered and never moves the watermark (docs/monitoring.md).",
      ),
    preprocessor: HookSchema.optional().describe("Record preprocessor hook (docs/monitoring.md#hooks)."),
    postprocessor: HookSchema.optional().describe("Report postprocessor hook (docs/monitoring.md#hooks)."),
  })
  .extend(optionalSections(COMPONENT_SECTIONS));

export type RunConfig = z.output<typeof RunConfigSchema>;
export type RunConfigInput = z.input<typeof RunConfigSchema>;
