import type { LocalParts } from "../windows/localParts.js";
import type { MonitorConfig } from "../config/monitorSchema.js";
import type { WindowReport } from "../reports/WindowReport.js";
import { partitionName, type PartitionKey } from "../records/SourceRecord.js";
import { decodeAssemblerState, encodeAssemblerState } from "../sources/kafka/assemblerCheckpoint.js";
import { assemblerGroupOf, partsTopicOf } from "../sources/kafka/config.js";
import type { ConsumedMessage, KafkaClient } from "../sources/kafka/kafkaClient.js";
import type { Logger } from "../telemetry/logger.js";
import { logEvent } from "../telemetry/logEvents.js";
import type { MonitorMetrics } from "../telemetry/metrics.js";
import { isoSeconds } from "../windows/tumblingWindows.js";
import { PartMessageError, PartsDecoder } from "../windows/partMessages.js";
import { WindowAssembler, type AssembledWindow } from "../windows/windowAssembler.js";
import type { Deliver, Heartbeat } from "./driver.js";
import type { Pipeline } from "./pipeline.js";

/** The parts topic has one partition: one instance reports every window, in order (docs/design-monitor.md). */
export const PARTS_PARTITION = 0;
/** How often the input topics' partition count is read again (partitions can be added). */
const EXPECTED_REFRESH_MS = 60_000;

export interface AssemblerStageOptions {
  readonly client: KafkaClient;
  readonly config: MonitorConfig;
  readonly pipeline: Pipeline;
  readonly deliver: Deliver;
  readonly log: Logger;
  readonly metrics: MonitorMetrics;
  readonly tickMs: number;
  /** Each report written, in window order. */
  readonly onReport: (r: WindowReport) => void;
  /** A failure stage 2 cannot go on after (its consumer crashed for good). */
  readonly onFatal: (e: Error) => void;
  /** The parts this instance's stage 1 published, taken instead of decoded (src/windows/localParts.ts). */
  readonly localParts?: LocalParts;
}

/**
 * Stage 2 of the monitor (docs/design-monitor.md, "Two stages over Kafka"): a consumer of the parts
 * topic in its own group, so exactly one instance owns its partition and reports every window,
 * once, in window order — the report store, the postprocess hook, CloudWatch and alerts. The owner
 * keeps the windows' parts in a WindowAssembler and commits its position with the assembler's state
 * after each batch, so a new owner (after a crash or a rebalance) goes on where it stopped: at most
 * the windows reported since the last commit are reported again. Assignments, batches and the
 * wait-deadline ticks run one at a time.
 */
export class AssemblerStage {
  readonly #o: AssemblerStageOptions;
  readonly #topic: string;
  readonly #group: string;
  readonly #decoder: PartsDecoder;
  #assembler: WindowAssembler | undefined;
  #expected: PartitionKey[] = [];
  #expectedAt = 0;
  #queue: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #stopping = false;
  /** The last checkpoint committed (offset and metadata), by this owner. */
  #committed: string | undefined;
  /**
   * How far the parts consumer has fetched and handled, transaction markers included (the
   * assembler's readTo counts messages only): from an assignment's restore on, at least where the
   * consumer starts (its commit, else the earliest offset held), so one that starts at the topic's
   * end has nothing to drain. For the drain at stop only: a fetch's position can reach here after
   * a rejoin restored an older state, so it never moves the assembler, whose restore hold must
   * wait for the re-read itself.
   */
  #fetchedTo = -1n;
  /** From an assignment of the parts partition until its state is restored (#restore). */
  #restorePending = false;

  constructor(o: AssemblerStageOptions) {
    this.#o = o;
    this.#topic = partsTopicOf(o.config.kafka);
    this.#decoder = new PartsDecoder(o.localParts, { onDropped: (reason) => logEvent(o.log, "part_dropped_unfinished", { reason, topic: this.#topic }) });
    this.#group = assemblerGroupOf(o.config.kafka);
  }

  /** Whether this instance reports windows now (owns the parts topic's partition). */
  get reporting(): boolean {
    return this.#assembler !== undefined;
  }

  async start(): Promise<void> {
    await this.#refreshExpected();
    await this.#o.client.startParts(this.#topic, this.#group, {
      onAssignment: (partitions) => {
        // kafkajs tells the assignment before it fetches for it: positions from here on are the new one's
        this.#fetchedTo = -1n;
        // a failed restore is logged and tried again (#restore)
        void this.#serial(() => this.#assign(partitions));
      },
      onBatch: (b) => this.#serial(() => this.#batch(b.messages, b.heartbeat)),
      onPosition: (partition, next) => {
        if (partition === PARTS_PARTITION && BigInt(next) > this.#fetchedTo) this.#fetchedTo = BigInt(next);
      },
      onCrash: (e, restarting) => {
        logEvent(this.#o.log, "parts_consumer_crashed", { err: e, restarting });
        if (!restarting && !this.#stopping) this.#o.onFatal(new Error(`the parts consumer crashed and is not restarting: ${e.message}`));
      },
    });
    this.#timer = setInterval(
      () => void this.#serial(() => this.#tick()).catch((e: unknown) => logEvent(this.#o.log, "parts_tick_failed", { err: e })),
      this.#o.tickMs,
    );
  }

  /**
   * Stops stage 2. When this instance reports windows, it first reads the parts topic up to its end
   * as it is now (what stage 1 published before stopping: a SIGTERM'd single instance reports the
   * windows it closed), for at most `drainMs`; then the consumer stops after the task in hand.
   */
  async stop(drainMs: number): Promise<void> {
    clearInterval(this.#timer);
    if (this.#assembler !== undefined && drainMs > 0) {
      const deadline = Date.now() + drainMs;
      try {
        const end = BigInt((await this.#o.client.partsOffsets(this.#topic, PARTS_PARTITION)).high);
        const readTo = (): bigint => {
          const read = this.#assembler?.readTo ?? -1n;
          return read > this.#fetchedTo ? read : this.#fetchedTo;
        };
        while (Date.now() < deadline && this.#assembler !== undefined && readTo() < end) await new Promise((r) => setTimeout(r, 20));
      } catch (e) {
        logEvent(this.#o.log, "parts_tick_failed", { err: e });
      }
    }
    this.#stopping = true;
    await this.#o.client.stopParts().catch((e: unknown) => logEvent(this.#o.log, "source_stop_failed", { err: e }));
    await this.#queue;
    this.#o.metrics.reporting(false);
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(task);
    this.#queue = next.catch(() => {});
    return next;
  }

  async #refreshExpected(): Promise<void> {
    this.#expectedAt = Date.now();
    const topics = this.#o.config.kafka.topics;
    const found = await this.#o.client.describeTopics(topics);
    const keys: PartitionKey[] = [];
    for (const topic of topics) for (let partition = 0; partition < (found.get(topic)?.partitions ?? 0); partition++) keys.push({ topic, partition });
    this.#expected = keys;
    this.#assembler?.expect(keys);
  }

  async #assign(partitions: readonly number[]): Promise<void> {
    this.#decoder.clear();
    this.#committed = undefined;
    const was = this.#assembler !== undefined;
    this.#assembler = undefined;
    this.#o.metrics.reporting(false);
    this.#restorePending = partitions.includes(PARTS_PARTITION);
    if (!this.#restorePending) {
      if (was) logEvent(this.#o.log, "reporting_handed_over", { parts_topic: this.#topic });
      else logEvent(this.#o.log, "reporting_elsewhere", { parts_topic: this.#topic });
      return;
    }
    await this.#restore();
  }

  /**
   * Restores the owner's assembler from the committed checkpoint and the partition's bounds. A
   * failure (the coordinator or the partition's leader not reachable) is logged and leaves the
   * restore pending: it is tried again on each tick and before each batch, which is refused until
   * it succeeds (unresolved, so kafkajs fetches it again and no part is skipped).
   */
  async #restore(): Promise<WindowAssembler | undefined> {
    try {
      const committed = await this.#o.client.committedParts(this.#topic, this.#group, PARTS_PARTITION);
      const bounds = await this.#o.client.partsOffsets(this.#topic, PARTS_PARTITION);
      const [low, high, at] = [BigInt(bounds.low), BigInt(bounds.high), BigInt(committed.offset)];
      const state = decodeAssemblerState(committed.metadata);
      if (state === undefined && committed.metadata !== null && committed.metadata !== "")
        logEvent(this.#o.log, "commit_metadata_foreign", { topic: this.#topic, partition: PARTS_PARTITION, offset: committed.offset });
      const c = this.#o.config;
      const assembler = new WindowAssembler(
        {
          windowMs: c.window_seconds * 1000,
          maxWaitMs: c.max_window_wait_seconds * 1000,
          maxCorrectable: c.max_correctable_windows,
          sketch: this.#o.pipeline.sketchOptions,
          limit: this.#o.pipeline.featureLimit,
        },
        state,
      );
      assembler.expect(this.#expected);
      if (state?.readTo !== undefined) assembler.endsAt(high);
      // another instance may have reported windows: the alert lifecycle reads them again
      await this.#o.pipeline.reporter.resyncSinks();
      // the consumer reads from its commit, or from the earliest offset without one or when the
      // commit is out of the partition's range (retention passed it, the topic was made again);
      // it may have fetched further meanwhile (a fetch of a marker alone is not queued behind this)
      const start = at >= low && at <= high ? at : low;
      if (start > this.#fetchedTo) this.#fetchedTo = start;
      this.#assembler = assembler;
      this.#restorePending = false;
      this.#o.metrics.reporting(true);
      logEvent(this.#o.log, "reporting_taken_over", {
        parts_topic: this.#topic,
        offset: committed.offset,
        emitted_up_to: state === undefined || !Number.isFinite(state.emittedUpToMs) ? null : isoSeconds(state.emittedUpToMs),
      });
      return assembler;
    } catch (e) {
      logEvent(this.#o.log, "parts_restore_failed", { err: e });
      return undefined;
    }
  }

  async #batch(messages: readonly ConsumedMessage[], heartbeat: Heartbeat): Promise<void> {
    const a = this.#assembler ?? (this.#restorePending ? await this.#restore() : undefined);
    if (a === undefined) {
      if (this.#restorePending) throw new Error(`stage 2's state could not be restored from ${this.#topic}'s commit yet`);
      return;
    }
    const now = Date.now();
    for (const m of messages) {
      const offset = BigInt(m.offset);
      try {
        const msg = this.#decoder.push(m);
        if (msg?.kind === "part") {
          this.#o.metrics.partRead(msg.taken ? "taken" : "decoded");
          a.part(msg.startMs, msg.part, offset, now);
        } else if (msg?.kind === "progress") a.progress(msg.partition, msg.closedUpToMs, offset);
        else a.read(offset);
      } catch (e) {
        if (!(e instanceof PartMessageError)) throw e;
        a.read(offset);
        logEvent(this.#o.log, "parts_message_unreadable", { err: e.message, topic: this.#topic, offset: m.offset });
      }
    }
    await this.#emit(a, heartbeat, now);
  }

  async #tick(): Promise<void> {
    if (this.#stopping) return;
    if (this.#restorePending) await this.#restore();
    if (Date.now() - this.#expectedAt > EXPECTED_REFRESH_MS)
      await this.#refreshExpected().catch((e: unknown) => logEvent(this.#o.log, "partitions_unreadable", { err: e }));
    const a = this.#assembler;
    if (a !== undefined && a.pendingCount > 0) await this.#emit(a, undefined, Date.now());
  }

  /**
   * Reports what is ready, one window at a time, committing the position with the state after each
   * (report first: a crash in between reports that one window again, never loses one). `since`:
   * when the batch that made them ready was received (or the tick ran): the close latency runs from
   * there to the sinks handed the report.
   */
  async #emit(a: WindowAssembler, heartbeat: Heartbeat, since: number): Promise<void> {
    const { pipeline, deliver, metrics } = this.#o;
    for (;;) {
      const [w] = a.ready(Date.now(), 1);
      if (w !== undefined) {
        const [report] = await deliver("reports", pipeline.store.description, () => pipeline.reporter.report([w.window]), heartbeat);
        if (report !== undefined) {
          this.#log(w);
          if (!w.correction) {
            metrics.windowClosed(report.violations, (Date.now() - since) / 1000);
            this.#o.onReport(report);
          }
        }
      }
      // committed before the heartbeat: a heartbeat that says the group is rebalancing fails the
      // batch, and the next owner would report this window again (a commit while the rebalance
      // waits for this member is accepted)
      await this.#commit(a);
      if (w === undefined) return;
      await heartbeat?.();
    }
  }

  /** Commits the assembler's checkpoint unless it is the one last committed (ticks change nothing most of the time). */
  async #commit(a: WindowAssembler): Promise<void> {
    const c = a.checkpoint();
    if (c === undefined) return;
    const metadata = encodeAssemblerState(c.state);
    const key = `${c.offset}\u0000${metadata}`;
    if (key === this.#committed) return;
    await this.#o.client.commitParts(this.#topic, PARTS_PARTITION, c.offset.toString(), metadata);
    this.#committed = key;
  }

  #log(w: AssembledWindow): void {
    const fields = {
      window_start: isoSeconds(w.window.startMs),
      missing_partitions: w.missing.map(partitionName),
      max_window_wait_seconds: this.#o.config.max_window_wait_seconds,
    };
    if (w.correction) logEvent(this.#o.log, "window_corrected", fields);
    else if (!w.complete) logEvent(this.#o.log, "window_incomplete", fields);
  }
}
