// The one file that imports kafkajs (docs/design-monitor.md; a later move to another client is
// this file only). It turns consumer batches into SourceRecords, commits offsets with metadata,
// reads them back, and produces dead letters.
import { isUtf8 } from "node:buffer";
import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { connect as tlsConnect } from "node:tls";
import kafkajs, { Kafka, logLevel, type Consumer, type KafkaConfig, type KafkaMessage, type Producer, type Admin, type SASLOptions } from "kafkajs";
import { ConfigError } from "../../config/loadConfig.js";
import { transactionalIdPrefixOf, type KafkaConfig as KafkaSectionConfig } from "./config.js";
import { createTopicsLed } from "./topicLeaders.js";
import { InputError } from "../../records/inputBytes.js";
import { DEFAULT_MAX_RECORD_BYTES, LineSplitter, NOT_UTF8, recordText } from "../../records/lineSplitter.js";
import type { Logger } from "../../telemetry/logger.js";
import { partitionId, type PartitionKey, type SourceRecord } from "../../records/SourceRecord.js";
import { logEvent } from "../../telemetry/logEvents.js";
import { produceRequests } from "./produceRequests.js";

/**
 * kafkajs's retry policy for every client dqstream makes (the admin, the consumer, the producer):
 * 10 retries from 300 ms, backing off to 5 s, about 30 s in all before an operation fails.
 */
const KAFKA_RETRY = { retries: 10, initialRetryTime: 300, maxRetryTime: 5_000 } as const;
/** How long a topic the monitor created (parts, dead letters) may take to have a leader for every partition. */
const TOPIC_LEADERS_TIMEOUT_MS = 30_000;

/** The records of one fetched batch of one partition, in offset order. */
export interface KafkaBatch {
  readonly partition: PartitionKey;
  readonly records: SourceRecord[];
  /**
   * Offset of the last record the fetch covered (the next to read is this + 1): its last message's,
   * or that of a transaction marker or aborted record after it.
   */
  readonly lastOffset: string;
  /** The partition's high watermark when the batch was fetched. */
  readonly highWatermark: string;
  /**
   * Tells the group coordinator this member is alive, for a handler that waits (a blocked
   * delivery); rejects when the group is rebalancing (the batch must then be given up).
   */
  readonly heartbeat?: () => Promise<void>;
}

export interface KafkaClientHandlers {
  /** One batch; the next batch is not delivered before this resolves. */
  onBatch(batch: KafkaBatch): Promise<void>;
  /** The member's whole assignment after each (re)join of the group. */
  onAssignment(assigned: PartitionKey[]): void;
  /** The consumer crashed; `restarting` says whether kafkajs restarts it. */
  onCrash(error: Error, restarting: boolean): void;
  /** Whether a crashed consumer may be restarted (false once the monitor is stopping). */
  mayRestart?: (error: Error) => boolean;
  /** A fetch from broker `nodeId` succeeded (with or without records): the partitions it leads were served. */
  onFetch?: (nodeId: number) => void;
}

/** Kafka's default max.message.bytes (1 MiB + 12), for a topic whose setting is unknown. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

/** What the monitor checks of a topic at start. */
export interface TopicInfo {
  readonly partitions: number;
  /** The topic's max.message.bytes (its own setting, else the broker's message.max.bytes). */
  readonly maxMessageBytes: number;
}

export interface CommittedOffset {
  readonly offset: string;
  readonly metadata: string | null;
}

export interface OutgoingMessage {
  readonly key?: string;
  /** Text (sent as UTF-8) or bytes, sent as they are. */
  readonly value: string | Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

/** A message of the parts topic as consumed, with its offset. */
export interface ConsumedMessage {
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Record<string, Buffer | string | ReadonlyArray<Buffer | string> | undefined>;
}

/** Stage 2's consumer of the parts topic (see KafkaClient.startParts). */
export interface PartsConsumerHandlers {
  /** One fetched batch of one parts-topic partition; the next is not delivered before this resolves. */
  onBatch(batch: { partition: number; messages: readonly ConsumedMessage[]; heartbeat: () => Promise<void> }): Promise<void>;
  /**
   * The consumer has read `partition` up to `next` (the offset after the last record a fetch
   * covered), records it does not deliver included: transaction markers and aborted records. Called
   * after that fetch's batch, if it had messages, was handled; it may come after a rejoin that
   * began while the batch was handled.
   */
  onPosition(partition: number, next: string): void;
  /** The parts-topic partitions this member owns after each (re)join of its group. */
  onAssignment(partitions: number[]): void;
  onCrash(error: Error, restarting: boolean): void;
}

/** What the monitor needs of Kafka. */
export interface KafkaClient {
  start(handlers: KafkaClientHandlers): Promise<void>;
  commit(offsets: ReadonlyArray<{ partition: PartitionKey; offset: string; metadata: string }>): Promise<void>;
  /** Committed offsets (−1 when none) with their metadata, by partitionId. */
  committed(keys: readonly PartitionKey[]): Promise<Map<string, CommittedOffset>>;
  /** Produces messages, resolving once every in-sync replica has them (acks = all). */
  send(topic: string, messages: readonly OutgoingMessage[]): Promise<void>;
  /**
   * Produces `messages` to `topic` and, when given, commits the input partition's `offset` (with
   * its metadata) for the group, in ONE Kafka transaction, through a transactional producer of
   * this input partition's own (transactional.id `<prefix><topic>-<partition>`): a new owner of
   * the partition fences the old one's producer, so a zombie cannot add parts after a rebalance.
   * All or nothing; a read_committed consumer sees the messages only once committed. The messages
   * go in produce requests whose record batch stays within `maxMessageBytes` (the topic's
   * max.message.bytes; produceRequests).
   */
  transact(
    input: PartitionKey,
    topic: string,
    messages: readonly OutgoingMessage[],
    offset: { offset: string; metadata: string } | undefined,
    maxMessageBytes: number,
  ): Promise<void>;
  /** Starts stage 2's consumer of the parts topic: its own group, read_committed, commits by the handler only. */
  startParts(topic: string, groupId: string, handlers: PartsConsumerHandlers): Promise<void>;
  /** Commits stage 2's position on a parts-topic partition, with metadata. */
  commitParts(topic: string, partition: number, offset: string, metadata: string): Promise<void>;
  /** Stage 2's committed position on a parts-topic partition (offset −1 when none). */
  committedParts(topic: string, groupId: string, partition: number): Promise<CommittedOffset>;
  /** A parts-topic partition's bounds: its earliest offset still held, and the offset after its last message (high watermark). */
  partsOffsets(topic: string, partition: number): Promise<{ low: string; high: string }>;
  /** Stops stage 2's consumer (the input consumer is stopped by `stop`). */
  stopParts(): Promise<void>;
  /**
   * Moves the input consumer's fetch position of these partitions back to their committed offsets
   * (the earliest or latest offset, by kafka.start_from, where nothing is committed): after a
   * failed batch, the records since the commit are read again.
   */
  seekToCommitted(keys: readonly PartitionKey[], committed: ReadonlyMap<string, CommittedOffset>): Promise<void>;
  /** The topics that exist, with their partition count and message size limit (absent: no such topic). */
  describeTopics(topics: readonly string[]): Promise<Map<string, TopicInfo>>;
  /** Creates a topic with the broker's default replication factor. */
  createTopic(topic: string, partitions: number, config: Readonly<Record<string, string>>): Promise<void>;
  /** The broker (node id) leading each partition, by partitionId; partitions whose leader is unknown are absent. */
  leaders(keys: readonly PartitionKey[]): Promise<Map<string, number>>;
  /**
   * Stops fetching new batches while the consumer keeps running, so that the batch in hand can
   * still commit (kafkajs ignores commits once `stop` began).
   */
  pause(): void;
  /** Stops the consumer; resolves after the batch in hand is handled. */
  stop(): Promise<void>;
  disconnect(): Promise<void>;
}

/**
 * A Kafka message as capture records: its value is one record, or JSON Lines of several (one per
 * non-blank line). Each record's position is the message's topic, partition and offset; its
 * timestamp is the message's. A value that is not valid UTF-8 is binary data: one unreadable
 * record carrying the message's bytes (never split at 0x0A bytes that are not line ends); a line
 * over `maxRecordBytes` is one unreadable record. An empty value is one (malformed) empty record,
 * so it is accounted. A message that is one record carries its whole value as `bytes` (its dead
 * letter is the message, byte for byte); a line of a JSON Lines message carries the line's.
 */
export function messageRecords(
  partition: PartitionKey,
  message: Pick<KafkaMessage, "offset" | "timestamp" | "value">,
  maxRecordBytes = DEFAULT_MAX_RECORD_BYTES,
): SourceRecord[] {
  const value = message.value ?? Buffer.alloc(0);
  const ts = Number(message.timestamp);
  const base = {
    partition,
    position: { topic: partition.topic, partition: partition.partition, offset: message.offset },
    ...(Number.isFinite(ts) && ts >= 0 ? { timestampMs: ts } : {}),
  };
  if (!isUtf8(value))
    return [
      {
        ...base,
        value: "",
        bytes: value,
        size: value.length,
        unreadable: { reason: NOT_UTF8, detail: `a message of ${value.length} bytes that are not valid UTF-8` },
      },
    ];
  const out: SourceRecord[] = [];
  const lines = new LineSplitter(maxRecordBytes, (l) => {
    const r = recordText(l.bytes, l.size, maxRecordBytes);
    if (!r.ok) out.push({ ...base, value: "", bytes: l.bytes, size: l.size, unreadable: { reason: r.reason, detail: r.detail } });
    else if (r.text.trim().length > 0) out.push({ ...base, value: r.text, bytes: l.bytes, size: l.size });
  });
  lines.push(value);
  lines.end();
  if (out.length === 0) return [{ ...base, value: value.toString("utf8"), bytes: value, size: value.length }];
  if (out.length === 1 && out[0]?.unreadable === undefined) return [{ ...(out[0] as SourceRecord), bytes: value, size: value.length }];
  return out;
}

/** kafkajs client settings from the monitor's configuration (TLS files are read here). */
export function kafkaClientConfig(k: KafkaSectionConfig): KafkaConfig {
  const config: KafkaConfig = {
    clientId: k.client_id,
    brokers: k.brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 5_000,
    requestTimeout: 30_000,
    retry: KAFKA_RETRY,
  };
  if (k.tls !== undefined && k.tls.enabled) {
    config.ssl = {
      rejectUnauthorized: k.tls.reject_unauthorized,
      ...(k.tls.ca_file === undefined ? {} : { ca: [readTlsFile("ca_file", k.tls.ca_file)] }),
      ...(k.tls.cert_file === undefined ? {} : { cert: readTlsFile("cert_file", k.tls.cert_file) }),
      ...(k.tls.key_file === undefined ? {} : { key: readTlsFile("key_file", k.tls.key_file) }),
    };
  }
  if (k.sasl !== undefined) config.sasl = { mechanism: k.sasl.mechanism, username: k.sasl.username, password: k.sasl.password } as SASLOptions;
  return config;
}

/** A TLS file named in the config; unreadable → a config error naming the key (exit 2). */
function readTlsFile(key: string, file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    throw new ConfigError(`kafka.tls.${key}: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Node's codes for a broker certificate the client cannot verify. */
const CERTIFICATE_ERRORS: ReadonlySet<string> = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/**
 * One TLS handshake with the first broker before the client starts: kafkajs retries a
 * certificate it cannot verify for half a minute and then reports a bare socket error, while
 * this names the setting to fix. Any other outcome (connected, refused, timed out) is left to the
 * client and its retries.
 */
export async function checkBrokerCertificate(config: KafkaConfig, broker: string, timeoutMs = 5_000): Promise<void> {
  if (config.ssl === undefined || config.ssl === false) return;
  const ssl = config.ssl === true ? {} : config.ssl;
  const at = broker.lastIndexOf(":");
  const host = broker.slice(0, at).replace(/^\[|\]$/g, "");
  const port = Number(broker.slice(at + 1));
  const code = await new Promise<string | undefined>((resolve) => {
    const socket = tlsConnect({ host, port, servername: isIP(host) === 0 ? host : undefined, ...ssl });
    const done = (c: string | undefined): void => {
      socket.destroy();
      resolve(c);
    };
    socket.setTimeout(timeoutMs, () => done(undefined));
    socket.once("secureConnect", () => done(undefined));
    socket.once("error", (e: NodeJS.ErrnoException) => done(e.code));
  });
  if (code !== undefined && CERTIFICATE_ERRORS.has(code)) {
    throw new InputError(
      `Kafka broker ${broker}`,
      `its TLS certificate cannot be verified (${code}): set kafka.tls.ca_file to the CA that signed it${code === "ERR_TLS_CERT_ALTNAME_INVALID" ? ", and connect by a name the certificate lists" : ""}`,
    );
  }
}

/** The kafkajs implementation of KafkaClient: a consumer group, a producer and an admin client. */
export function createKafkaClient(config: KafkaSectionConfig, log: Logger, options: { maxWaitTimeInMs?: number; maxRecordBytes?: number } = {}): KafkaClient {
  const clientConfig = kafkaClientConfig(config);
  const kafka = new Kafka(clientConfig);
  let mayRestart: (error: Error) => boolean = () => true;
  const consumer: Consumer = kafka.consumer({
    groupId: config.group_id,
    sessionTimeout: config.session_timeout_ms,
    heartbeatInterval: config.heartbeat_interval_ms,
    maxBytesPerPartition: config.max_bytes_per_partition,
    maxWaitTimeInMs: options.maxWaitTimeInMs ?? 1_000,
    // topics are checked at start; a consumer or producer never creates one by accident
    allowAutoTopicCreation: false,
    retry: { ...KAFKA_RETRY, restartOnFailure: (e) => Promise.resolve(mayRestart(e)) },
  });
  const producer: Producer = kafka.producer({
    idempotent: false,
    allowAutoTopicCreation: false,
    retry: KAFKA_RETRY,
  });
  const admin: Admin = kafka.admin();
  /** Transactional producers, one per input partition this instance ever published for. */
  const transactional = new Map<string, Promise<Producer>>();
  let partsConsumer: Consumer | undefined;
  let mayRestartParts: (error: Error) => boolean = () => true;
  let producerConnected: Promise<void> | undefined;
  let adminConnected: Promise<void> | undefined;
  let started = false;
  // one TLS handshake before the first connection of any client (checkBrokerCertificate)
  let certificateChecked: Promise<void> | undefined;
  const checkCertificate = (): Promise<void> => (certificateChecked ??= checkBrokerCertificate(clientConfig, config.brokers[0] as string));
  const connectAdmin = async (): Promise<void> => {
    await checkCertificate();
    adminConnected ??= admin.connect();
    try {
      await adminConnected;
    } catch (e) {
      adminConnected = undefined; // the next call connects again
      throw e;
    }
  };

  return {
    async start(handlers) {
      consumer.on(consumer.events.GROUP_JOIN, (e) => {
        const assignment = e.payload.memberAssignment;
        const keys: PartitionKey[] = [];
        for (const [topic, partitions] of Object.entries(assignment)) for (const partition of partitions) keys.push({ topic, partition });
        logEvent(log, "partitions_assigned", { assigned: keys.map((k) => `${k.topic}[${k.partition}]`) });
        handlers.onAssignment(keys);
      });
      consumer.on(consumer.events.CRASH, (e) => {
        handlers.onCrash(e.payload.error, e.payload.restart);
      });
      if (handlers.mayRestart !== undefined) mayRestart = handlers.mayRestart;
      const onFetch = handlers.onFetch;
      // kafkajs names brokers by the keys of an object: the node id arrives as text
      if (onFetch !== undefined) consumer.on(consumer.events.FETCH, (e) => onFetch(Number(e.payload.nodeId)));
      await checkCertificate();
      await consumer.connect();
      started = true;
      await consumer.subscribe({ topics: config.topics, fromBeginning: config.start_from === "earliest" });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        // kafkajs passes heartbeat and resolveOffset as closures: calling them unbound is safe
        // eslint-disable-next-line @typescript-eslint/unbound-method
        eachBatch: async ({ batch, heartbeat, resolveOffset, isStale }) => {
          const last = batch.messages[batch.messages.length - 1];
          // fetched before a seek of its partition (seekToCommitted after another partition's
          // batch failed): kafkajs still hands it over; it reads from the old position, so it is
          // dropped unresolved and the partition is fetched again from where the seek put it
          if (last === undefined || isStale()) return;
          const partition = { topic: batch.topic, partition: batch.partition };
          const records = batch.messages.flatMap((m) => messageRecords(partition, m, options.maxRecordBytes));
          // the fetch's last offset, a transaction's commit marker or aborted records after the last
          // message included: reading resumes past them (a transactional topic's commit reaches its end)
          await handlers.onBatch({ partition, records, lastOffset: batch.lastOffset(), highWatermark: batch.highWatermark, heartbeat });
          // the fetch position (what kafkajs reads next), not the commit: commits are the handler's
          resolveOffset(last.offset);
          await heartbeat();
        },
      });
    },

    async commit(offsets) {
      if (offsets.length === 0) return;
      try {
        await consumer.commitOffsets(
          offsets.map((o) => ({ topic: o.partition.topic, partition: o.partition.partition, offset: o.offset, metadata: o.metadata })),
        );
      } catch (e) {
        // kafkajs wraps the broker's answer in its retry error; unwrapped, an answer saying this
        // member left the group (session expired while a batch took long) makes kafkajs rejoin
        // the group instead of crashing the consumer
        throw membershipError(e) ?? e;
      }
    },

    async committed(keys) {
      await connectAdmin();
      const out = new Map<string, CommittedOffset>();
      const topics = [...new Set(keys.map((k) => k.topic))];
      const fetched = await admin.fetchOffsets({ groupId: config.group_id, topics });
      for (const t of fetched) {
        for (const p of t.partitions) out.set(partitionId({ topic: t.topic, partition: p.partition }), { offset: p.offset, metadata: p.metadata });
      }
      return out;
    },

    async send(topic, messages) {
      if (messages.length === 0) return;
      producerConnected ??= producer.connect();
      await producerConnected;
      await producer.send({
        topic,
        acks: -1,
        messages: messages.map((m) => ({ ...(m.key === undefined ? {} : { key: m.key }), value: m.value, headers: { ...m.headers } })),
      });
    },

    async transact(input, topic, messages, offset, maxMessageBytes) {
      const id = `${transactionalIdPrefixOf(config)}${input.topic}-${input.partition}`;
      const producerOf = (): Promise<Producer> => {
        let connected = transactional.get(id);
        if (connected === undefined) {
          const p = kafka.producer({ transactionalId: id, idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, retry: KAFKA_RETRY });
          connected = (async () => {
            await checkCertificate();
            await p.connect(); // initializes the producer id: fences an earlier producer of this id
            return p;
          })();
          connected.catch(() => transactional.delete(id));
          transactional.set(id, connected);
        }
        return connected;
      };
      const attempt = async (): Promise<void> => {
        const producer = await producerOf();
        let txn: Awaited<ReturnType<Producer["transaction"]>> | undefined;
        try {
          txn = await producer.transaction();
          for (const request of produceRequests(messages, maxMessageBytes))
            await txn.send({
              topic,
              acks: -1,
              messages: request.map((m) => ({ ...(m.key === undefined ? {} : { key: m.key }), value: m.value, headers: { ...m.headers } })),
            });
          if (offset !== undefined)
            await txn.sendOffsets({
              consumerGroupId: config.group_id,
              topics: [{ topic: input.topic, partitions: [{ partition: input.partition, offset: offset.offset, metadata: offset.metadata } as never] }],
            });
          await txn.commit();
        } catch (e) {
          await txn?.abort().catch(() => undefined);
          // a fenced or broken producer is made again: its connect fences whoever holds the id now
          transactional.delete(id);
          await producer.disconnect().catch(() => undefined);
          throw e;
        }
      };
      try {
        await attempt();
      } catch (first) {
        if (!isFenced(first)) throw membershipError(first) ?? retriable(first);
        // this instance owns the partition now (its consumer was assigned it), and an earlier
        // owner's producer — or its own from before a rebalance gave the partition away and
        // back — holds the id: a new producer takes it over
        try {
          await attempt();
        } catch (second) {
          throw membershipError(second) ?? retriable(second);
        }
      }
    },

    async startParts(topic, groupId, handlers) {
      const c = kafka.consumer({
        groupId,
        sessionTimeout: config.session_timeout_ms,
        heartbeatInterval: config.heartbeat_interval_ms,
        maxWaitTimeInMs: options.maxWaitTimeInMs ?? 1_000,
        readUncommitted: false,
        allowAutoTopicCreation: false,
        retry: { ...KAFKA_RETRY, restartOnFailure: (e) => Promise.resolve(mayRestartParts(e)) },
      });
      partsConsumer = c;
      c.on(c.events.GROUP_JOIN, (e) => handlers.onAssignment(e.payload.memberAssignment[topic] ?? []));
      // kafkajs hands eachBatch the records only; a fetch's last offset, markers and aborted
      // records included, comes with this event (also for fetches of markers alone, which
      // eachBatch never sees): stage 1's transactions leave a marker at the end of the topic
      c.on(c.events.END_BATCH_PROCESS, (e) => {
        if (e.payload.topic === topic) handlers.onPosition(e.payload.partition, (BigInt(e.payload.lastOffset) + 1n).toString());
      });
      c.on(c.events.CRASH, (e) => {
        if (e.payload.restart === false) mayRestartParts = () => false;
        handlers.onCrash(e.payload.error, e.payload.restart);
      });
      await checkCertificate();
      await c.connect();
      await c.subscribe({ topics: [topic], fromBeginning: true });
      await c.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        // eslint-disable-next-line @typescript-eslint/unbound-method
        eachBatch: async ({ batch, heartbeat, resolveOffset }) => {
          const last = batch.messages[batch.messages.length - 1];
          if (last === undefined) return;
          await handlers.onBatch({
            partition: batch.partition,
            messages: batch.messages.map((m) => ({ offset: m.offset, key: m.key, value: m.value, headers: m.headers ?? {} })),
            heartbeat,
          });
          resolveOffset(last.offset);
          await heartbeat();
        },
      });
    },

    async commitParts(topic, partition, offset, metadata) {
      if (partsConsumer === undefined) throw new Error("the parts consumer is not started");
      try {
        await partsConsumer.commitOffsets([{ topic, partition, offset, metadata }]);
      } catch (e) {
        throw membershipError(e) ?? e;
      }
    },

    async committedParts(topic, groupId, partition) {
      await connectAdmin();
      const fetched = await admin.fetchOffsets({ groupId, topics: [topic] });
      const p = fetched.find((t) => t.topic === topic)?.partitions.find((x) => x.partition === partition);
      return { offset: p?.offset ?? "-1", metadata: p?.metadata ?? null };
    },

    async partsOffsets(topic, partition) {
      await connectAdmin();
      const offsets = await admin.fetchTopicOffsets(topic);
      const found = offsets.find((o) => o.partition === partition);
      return { low: found?.low ?? "0", high: found?.high ?? "0" };
    },

    async seekToCommitted(keys, committed) {
      if (!started) return;
      await connectAdmin();
      // a topic's bounds, read once per call, for its partitions without a commit
      const bounds = new Map<string, Promise<Array<{ partition: number; low: string; high: string }>>>();
      for (const key of keys) {
        let offset = committed.get(partitionId(key))?.offset ?? "-1";
        if (offset === "-1") {
          let topic = bounds.get(key.topic);
          if (topic === undefined) bounds.set(key.topic, (topic = admin.fetchTopicOffsets(key.topic)));
          const b = (await topic).find((o) => o.partition === key.partition);
          offset = (config.start_from === "earliest" ? b?.low : b?.high) ?? "0";
        }
        consumer.seek({ topic: key.topic, partition: key.partition, offset });
      }
    },

    async stopParts() {
      mayRestartParts = () => false;
      await partsConsumer?.stop();
    },

    async describeTopics(topics) {
      await connectAdmin();
      const existing = new Set(await admin.listTopics());
      const wanted = [...new Set(topics)].filter((t) => existing.has(t));
      const out = new Map<string, TopicInfo>();
      if (wanted.length === 0) return out;
      const metadata = await admin.fetchTopicMetadata({ topics: wanted });
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: wanted.map((name) => ({ type: kafkajs.ConfigResourceTypes.TOPIC, name, configNames: ["max.message.bytes"] })),
      });
      const limits = new Map(
        configs.resources.map((r) => [r.resourceName, Number(r.configEntries.find((e) => e.configName === "max.message.bytes")?.configValue)]),
      );
      for (const t of metadata.topics) {
        const limit = limits.get(t.name);
        out.set(t.name, {
          partitions: t.partitions.length,
          maxMessageBytes: limit !== undefined && Number.isFinite(limit) && limit > 0 ? limit : DEFAULT_MAX_MESSAGE_BYTES,
        });
      }
      return out;
    },

    async createTopic(topic, partitions, topicConfig) {
      await connectAdmin();
      await createTopicsLed(
        admin,
        [{ topic, numPartitions: partitions, replicationFactor: -1, configEntries: Object.entries(topicConfig).map(([name, value]) => ({ name, value })) }],
        TOPIC_LEADERS_TIMEOUT_MS,
      );
    },

    async leaders(keys) {
      await connectAdmin();
      const out = new Map<string, number>();
      const topics = [...new Set(keys.map((k) => k.topic))];
      if (topics.length === 0) return out;
      const metadata = await admin.fetchTopicMetadata({ topics });
      for (const t of metadata.topics)
        for (const p of t.partitions) if (p.leader >= 0) out.set(partitionId({ topic: t.name, partition: p.partitionId }), p.leader);
      return out;
    },

    pause() {
      if (!started) return;
      try {
        consumer.pause(config.topics.map((topic) => ({ topic })));
      } catch (e) {
        logEvent(log, "consumer_pause_failed", { err: e });
      }
    },

    async stop() {
      if (started) await consumer.stop();
    },

    async disconnect() {
      await Promise.allSettled([
        started ? consumer.disconnect() : Promise.resolve(),
        partsConsumer?.disconnect() ?? Promise.resolve(),
        ...[...transactional.values()].map(async (p) => (await p).disconnect()),
        producerConnected === undefined ? Promise.resolve() : producer.disconnect(),
        adminConnected === undefined ? Promise.resolve() : admin.disconnect(),
      ]);
    },
  };
}

/** A producer whose transactional id was taken over by a newer producer (or whose transaction the broker expired). */
function isFenced(e: unknown): boolean {
  return errorOfType(e, FENCED_ERRORS) !== undefined;
}

const FENCED_ERRORS: ReadonlySet<string> = new Set(["INVALID_PRODUCER_EPOCH", "PRODUCER_FENCED", "INVALID_PRODUCER_ID_MAPPING"]);

/** The first error of a chain (kafkajs wraps the broker's answer in retry errors: `cause`, `originalError`) whose protocol `type` is one of `types`. */
function errorOfType(e: unknown, types: ReadonlySet<string>): Error | undefined {
  for (
    let current: unknown = e, depth = 0;
    current instanceof Error && depth < 5;
    current = (current as { cause?: unknown; originalError?: unknown }).cause ?? (current as { originalError?: unknown }).originalError, depth++
  ) {
    if (types.has(String((current as { type?: unknown }).type))) return current;
  }
  return undefined;
}

/**
 * A failed transaction as an error kafkajs restarts the consumer on (it re-reads from the commits,
 * which the failed transaction did not move): without a cause, since kafkajs judges by the
 * innermost cause, which for a protocol error says "not retriable".
 */
function retriable(e: unknown): Error {
  const out = new Error(`publishing window parts failed: ${e instanceof Error ? e.message : String(e)}`);
  return Object.assign(out, { retriable: true, name: "KafkaJSError" });
}

/** Broker answers that mean the member must rejoin its group (kafkajs's runner rejoins on these types). */
const MEMBERSHIP_ERRORS: ReadonlySet<string> = new Set(["REBALANCE_IN_PROGRESS", "NOT_COORDINATOR_FOR_GROUP", "ILLEGAL_GENERATION", "UNKNOWN_MEMBER_ID"]);

/** The error of a chain that says the member must rejoin its group, if there is one. */
export function membershipError(e: unknown): Error | undefined {
  return errorOfType(e, MEMBERSHIP_ERRORS);
}
