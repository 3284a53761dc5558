import * as z from "zod";
import { FilePath } from "./pathSchema.js";
import { RunConfigSchema } from "./schema.js";

/**
 * `dqstream monitor`'s configuration: the run configuration of replay plus the Kafka consumer, the
 * HTTP server and the monitor's timers. Declared once; strict (unknown keys are errors that name
 * them); units in names.
 */
const HostPort = z.string().regex(/^[A-Za-z0-9._-]+:\d{1,5}$|^\[[0-9A-Fa-f:]+\]:\d{1,5}$/, "expected host:port");

const SaslSchema = z.discriminatedUnion("mechanism", [
  z.strictObject({ mechanism: z.literal("plain"), username: z.string().min(1), password: z.string().min(1) }),
  z.strictObject({ mechanism: z.literal("scram-sha-256"), username: z.string().min(1), password: z.string().min(1) }),
  z.strictObject({ mechanism: z.literal("scram-sha-512"), username: z.string().min(1), password: z.string().min(1) }),
]);

const TlsSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** PEM file of the CA that signed the brokers' certificates (default: the system's CAs). */
  ca_file: FilePath.optional(),
  /** PEM files of a client certificate and its key, for mutual TLS. */
  cert_file: FilePath.optional(),
  key_file: FilePath.optional(),
  reject_unauthorized: z.boolean().default(true),
});

export const KafkaSchema = z
  .strictObject({
    brokers: z.array(HostPort).min(1, "expected at least one broker"),
    topics: z.array(z.string().min(1)).min(1, "expected at least one topic"),
    group_id: z.string().min(1).default("dqstream"),
    client_id: z.string().min(1).default("dqstream"),
    /** Where a group without committed offsets starts. */
    start_from: z.enum(["earliest", "latest"]).default("earliest"),
    /** Malformed and late records go here, with the reason and source position in headers. It must exist (checked at start). */
    dead_letter_topic: z.string().min(1).default("dqstream-dead-letter"),
    /** Create the dead-letter topic at start when it does not exist (3 partitions, 7 days' retention, the broker's replication factor). */
    create_dead_letter_topic: z.boolean().default(false),
    tls: TlsSchema.optional(),
    sasl: SaslSchema.optional(),
    session_timeout_ms: z.number().int().min(6_000).max(1_800_000).default(30_000),
    heartbeat_interval_ms: z.number().int().min(100).default(3_000),
    max_bytes_per_partition: z.number().int().min(1024).default(1_048_576),
    /** A partition without records for this long does not hold the watermark back. */
    idle_partition_seconds: z.number().int().min(1).default(60),
  })
  .refine((k) => k.heartbeat_interval_ms < k.session_timeout_ms / 3, {
    message: "heartbeat_interval_ms must be lower than a third of session_timeout_ms",
    path: ["heartbeat_interval_ms"],
  })
  .refine((k) => k.tls === undefined || (k.tls.cert_file === undefined) === (k.tls.key_file === undefined), {
    message: "tls.cert_file and tls.key_file go together",
    path: ["tls"],
  });

export const HttpSchema = z.strictObject({
  host: z.string().min(1).default("127.0.0.1"),
  port: z.number().int().min(0).max(65_535).default(9464),
});

export const MonitorConfigSchema = RunConfigSchema.extend({
  kafka: KafkaSchema,
  http: HttpSchema.default({ host: "127.0.0.1", port: 9464 }),
  /** Close every open window after this long without records, so a quiet stream still gets its report. */
  idle_close_seconds: z
    .number()
    .int()
    .min(1)
    .max(7 * 86_400)
    .default(300),
  /**
   * How long each partition's share of a closed window is kept under `<reports_dir>/.partials/`,
   * counted back from the latest closed window's end: instances of one group that own different
   * partitions assemble a window's report from these (docs/design-monitor.md).
   */
  partials_retention_seconds: z
    .number()
    .int()
    .min(0)
    .max(90 * 86_400)
    .default(86_400),
  /** On SIGTERM/SIGINT: finish the batch in hand, commit what is safe, exit within this time. */
  shutdown_timeout_seconds: z.number().int().min(1).max(600).default(30),
});

export type MonitorConfig = z.output<typeof MonitorConfigSchema>;

export { redactConfig as redact, SECRET_KEYS } from "../telemetry/redaction.js";
