import type { PartitionKey, SourceRecord } from "../records/SourceRecord.js";
import type { ReadHistory } from "../windows/ReadHistory.js";
import type { WindowManager } from "../windows/WindowManager.js";

/** Records of one partition, in position order (file line, Kafka offset). */
export interface SourceBatch {
  readonly partition: PartitionKey;
  readonly records: readonly SourceRecord[];
  /** Where the partition's reading resumes after this batch (Kafka: its last offset + 1); absent where nothing is committed (files). */
  readonly next?: string;
  /** Records left to read in the partition after this batch, when the source knows (Kafka's lag). */
  readonly lag?: number;
  /**
   * Keeps the source's hold on the partition while the batch is held up (Kafka: a group
   * heartbeat); rejects when the hold is lost (a rebalance: the batch must then be given up).
   */
  readonly heartbeat?: () => Promise<void>;
}

/** What a source calls; at most one call runs at a time per source (the driver serializes them). */
export interface SourceHandlers {
  /** One batch; the source delivers the next only after this settles. On a rejection the source resumes from its last commit (Kafka) or stops (files). */
  onBatch(batch: SourceBatch): Promise<void>;
  /** The partitions this instance reads from now on: at the start and after every rebalance. Their window state is then rebuilt from their commits. */
  onAssignment(partitions: PartitionKey[]): void;
  /** The source failed; `restarting`: it resumes on its own from its last commit. */
  onCrash(error: Error, restarting: boolean): void;
  /** Whether a failed source may restart (false once the run is stopping). */
  mayRestart(error: Error): boolean;
}

/**
 * Where captured records come from, for the one driver (src/engine/driver.ts) that serves replay
 * and monitor. Contract:
 * - batches of one partition come in position order, each after the previous one settled;
 * - a bounded source (capture files) ends: `start` resolves after its last batch was handled; an
 *   unbounded one (a Kafka consumer group) runs until `stop`;
 * - `commit` makes a partition's progress durable — every record before `next` processed, with
 *   the window state needed to resume exactly (the source encodes it: Kafka's commit metadata) —
 *   and `restore` rebuilds that window state before a partition's records are read again;
 * - a source that re-reads records after a restart gives its windows a ReadHistory (`history`).
 * A new source is one folder under src/sources/ exporting its definition, and one registry line
 * (src/sources/registry.ts).
 */
export interface Source {
  readonly bounded: boolean;
  /** The ReadHistory each new partition's windows keep; absent: every record is read once. */
  readonly history?: (key: PartitionKey) => ReadHistory;
  start(handlers: SourceHandlers): Promise<void>;
  /** Rebuilds partitions' window state from what was committed for them, before their records are read. */
  restore(partitions: readonly PartitionKey[], windows: WindowManager): Promise<void>;
  /** Commits each partition's progress with the window state to resume from; resolves when durable. */
  commit(progress: ReadonlyArray<{ readonly partition: PartitionKey; readonly next: string }>, windows: WindowManager): Promise<void>;
  /** The partitions whose watermarks close windows now (see WindowManager.closeReady); undefined: every partition with an event time. */
  activePartitions(): PartitionKey[] | undefined;
  /** Whether every partition has gone this long without a record while reads kept succeeding (then every open window closes). */
  quietFor(ms: number): boolean;
  /** Stops fetching; the batch in hand can still commit. */
  pause(): void;
  /** Stops delivering; resolves after the batch in hand was handled. */
  stop(): Promise<void>;
  /** Releases connections and files. */
  close(): Promise<void>;
}

/** What a bounded source is built with (replay). */
export interface BoundedSourceContext {
  /** max_record_bytes: a longer record is not read, only its first bytes kept for its dead letter. */
  readonly maxRecordBytes: number;
}

/**
 * A source of capture records that ends (a replay's input): one folder under src/sources/ exporting
 * this definition, and one line in BOUNDED_SOURCES (src/sources/registry.ts). `accepts` says whether an input argument of
 * `dqstream replay` is its kind (an `s3://` URL, a local path); `create` reads the inputs, in the
 * order given, as the Source contract says (src/sources/Source.ts).
 */
export interface BoundedSourceDefinition {
  readonly kind: "source";
  readonly name: string;
  accepts(input: string): boolean;
  create(inputs: readonly string[], context: BoundedSourceContext): Source;
}
