import * as z from "zod";
import { secret, unlogged } from "../../components/Component.js";
import { FilePath } from "../../config/pathSchema.js";

/**
 * The `kafka` section of `dqstream monitor`: the consumer of capture records, and the producer of
 * dead letters and Kafka alerts. Strict like every section; units in names.
 */
const HostPort = z.string().regex(/^[A-Za-z0-9._-]+:\d{1,5}$|^\[[0-9A-Fa-f:]+\]:\d{1,5}$/, "expected host:port");

/** One SASL mechanism's credentials; the password is a secret. */
const sasl = <M extends string>(mechanism: M) =>
  z.strictObject({
    mechanism: z.literal(mechanism).describe("The SASL mechanism."),
    username: z.string().min(1).describe("SASL user name."),
    password: secret(z.string().min(1)).describe("SASL password (a secret: never printed)."),
  });

const SaslSchema = z
  .discriminatedUnion("mechanism", [sasl("plain"), sasl("scram-sha-256"), sasl("scram-sha-512")])
  .describe("SASL authentication: `plain`, `scram-sha-256` or `scram-sha-512`, with `username` and `password`.");

const TlsSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe("TLS on; set false to keep the section but connect in plain text."),
    ca_file: FilePath.optional().describe("PEM file of the CA that signed the brokers' certificates (default: the system's CAs)."),
    cert_file: FilePath.optional().describe("PEM file of a client certificate, for mutual TLS (with `key_file`)."),
    key_file: unlogged(FilePath.optional()).describe("PEM file of the client certificate's private key, for mutual TLS (with `cert_file`)."),
    reject_unauthorized: z.boolean().default(true).describe("Refuse brokers whose certificate does not verify."),
  })
  .describe("TLS to the brokers (off without this section).");

export const KafkaSchema = z
  .strictObject({
    brokers: z.array(HostPort).min(1, "expected at least one broker").describe("Bootstrap brokers, `host:port`."),
    topics: z.array(z.string().min(1)).min(1, "expected at least one topic").describe("Topics of capture records."),
    group_id: z.string().min(1).default("dqstream").describe("Consumer group; instances of one group share the partitions."),
    client_id: z.string().min(1).default("dqstream").describe("Kafka client id."),
    start_from: z.enum(["earliest", "latest"]).default("earliest").describe("Where a group without committed offsets starts."),
    dead_letter_topic: z
      .string()
      .min(1)
      .default("dqstream-dead-letter")
      .describe("Malformed and late records go here, with the reason and source position in headers. It must exist (checked at start)."),
    create_dead_letter_topic: z
      .boolean()
      .default(false)
      .describe("Create the dead-letter topic at start when it does not exist (3 partitions, 7 days' retention, the broker's replication factor)."),
    tls: TlsSchema.optional(),
    sasl: SaslSchema.optional(),
    session_timeout_ms: z.number().int().min(6_000).max(1_800_000).default(30_000).describe("Group session timeout."),
    heartbeat_interval_ms: z.number().int().min(100).default(3_000).describe("Group heartbeat interval: lower than a third of `session_timeout_ms`."),
    max_bytes_per_partition: z.number().int().min(1024).default(1_048_576).describe("Fetch size per partition."),
    idle_partition_seconds: z.number().int().min(1).default(60).describe("A partition without records for this long does not hold the watermark back."),
    parts_topic: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,249}$/, "expected a Kafka topic name: 1 to 249 letters, digits, '.', '_' or '-'")
      .optional()
      .describe(
        "The internal topic carrying each input partition's share of every closed window to the instance that reports it (default `<group_id>-dqstream-parts`; created at start: 1 partition, compaction off, `parts_retention_ms`).",
      ),
    parts_retention_ms: z
      .number()
      .int()
      .min(3_600_000)
      .default(7 * 86_400_000)
      .describe(
        "retention.ms of the parts topic when the monitor creates it: longer than a window plus its allowed lateness plus the longest outage to ride out.",
      ),
    transactional_id_prefix: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe("Prefix of the transactional ids, one per input partition (default `dqstream-<group_id>-`): what a transactional-id ACL must allow."),
  })
  .refine((k) => k.heartbeat_interval_ms < k.session_timeout_ms / 3, {
    message: "heartbeat_interval_ms must be lower than a third of session_timeout_ms",
    path: ["heartbeat_interval_ms"],
  })
  .refine((k) => k.tls === undefined || (k.tls.cert_file === undefined) === (k.tls.key_file === undefined), {
    message: "tls.cert_file and tls.key_file go together",
    path: ["tls"],
  })
  .refine((k) => k.parts_topic !== undefined || /^[A-Za-z0-9._-]{1,233}$/.test(k.group_id), {
    message: "the default parts topic `<group_id>-dqstream-parts` is not a valid topic name for this group_id: set kafka.parts_topic",
    path: ["parts_topic"],
  });

export type KafkaConfig = z.output<typeof KafkaSchema>;

/** The parts topic: kafka.parts_topic, else `<group_id>-dqstream-parts` (as Kafka Streams names its internal topics after the application). */
export function partsTopicOf(k: Pick<KafkaConfig, "parts_topic" | "group_id">): string {
  return k.parts_topic ?? `${k.group_id}-dqstream-parts`;
}

/** Stage 2's consumer group on the parts topic. */
export function assemblerGroupOf(k: Pick<KafkaConfig, "group_id">): string {
  return `${k.group_id}-dqstream-assembler`;
}

/** The prefix of the transactional ids (one per input partition). */
export function transactionalIdPrefixOf(k: Pick<KafkaConfig, "transactional_id_prefix" | "group_id">): string {
  return k.transactional_id_prefix ?? `dqstream-${k.group_id}-`;
}
