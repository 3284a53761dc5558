import type { DeadLetterSink } from "../sinks/DeadLetterSink.js";
import { partitionId, type PartitionKey } from "../records/SourceRecord.js";
import type { WindowReport } from "../reports/WindowReport.js";
import type { Source, SourceBatch } from "../sources/Source.js";
import type { Logger } from "../telemetry/logger.js";
import type { MonitorMetrics } from "../telemetry/metrics.js";
import type { ClosedWindow, WindowManager } from "../windows/WindowManager.js";
import type { MonitorEngine } from "./MonitorEngine.js";
import { logEvent } from "../telemetry/logEvents.js";

/** `heartbeat`: the batch's, when a batch is in hand; the timers pass none. */
export type Heartbeat = (() => Promise<void>) | undefined;

/**
 * How a delivery that must not be skipped is made: the monitor retries it in place until it
 * succeeds (untilDelivered), a replay fails at once.
 */
export type Deliver = <T>(destination: "dead_letters" | "reports", description: string, attempt: () => Promise<T>, heartbeat: Heartbeat) => Promise<T>;

export interface DriverOptions {
  readonly source: Source;
  /** A fresh engine (over fresh windows keeping the source's ReadHistory): at the start and after every reset. */
  readonly newEngine: () => MonitorEngine;
  readonly deadLetters: DeadLetterSink;
  /**
   * Closed windows → written reports (files, postprocess hook, report sinks): WindowReporter.report,
   * or the monitor's assembly across instances. `written` is called for each window as soon as its
   * report is written, in window order (what is written stays counted while a later window blocks).
   */
  readonly report: (closed: readonly ClosedWindow[], heartbeat: Heartbeat, written: (window: ClosedWindow, report: WindowReport) => void) => Promise<void>;
  /** Where reports go, for the log ("reports folder …"). */
  readonly reportsDescription: string;
  readonly deliver: Deliver;
  readonly log: Logger;
  readonly metrics?: MonitorMetrics | undefined;
  /** Every open window closes once every partition was quiet this long (Source.quietFor); unbounded sources only. */
  readonly idleCloseMs?: number;
  /** How often the idle timers are checked, in ms (unbounded sources; default 1000). */
  readonly tickMs?: number;
  /** Each report written, in window order. */
  readonly onReport?: (r: WindowReport, closableAtMs: number) => void;
  /** After the reports of a batch or a tick were written (the monitor prunes window parts). */
  readonly afterReports?: (windows: WindowManager) => Promise<void>;
  /** The source assigned partitions (at the start and after every rebalance). */
  readonly onAssignment?: (partitions: readonly PartitionKey[]) => void;
  /** A fatal failure of an unbounded source (its consumer crashed for good, or an idle close failed). */
  readonly onFatal?: (e: Error) => void;
  /** Whether a failure is the group moving on (a rebalance): state is reset instead of failing. */
  readonly isMembershipError?: (e: unknown) => boolean;
  /** Whether a failed source may restart. */
  readonly mayRestart?: (e: Error) => boolean;
  readonly onCrash?: (e: Error, restarting: boolean) => void;
}

/**
 * The one loop that drives the engine from a Source, for replay and monitor. Per batch: restore the
 * partition's window state if needed → process → dead letters delivered (durable) → reports of
 * the windows it closed → the source commits every assigned partition's progress. Batches,
 * assignment changes and timer ticks run one at a time. After every assignment (and after a
 * failed batch, whose partial state must not survive) the state is rebuilt from the source's
 * commits. A bounded source ends with `finish`: every open window closes.
 */
export class Driver {
  readonly #o: DriverOptions;
  #engine: MonitorEngine;
  readonly #assigned = new Map<string, PartitionKey>();
  /** Partitions whose state was set up (restored or fresh) since they were assigned. */
  readonly #restored = new Set<string>();
  /** Where reading resumes, per partition with processed records. */
  readonly #next = new Map<string, string>();
  #queue: Promise<unknown> = Promise.resolve();
  #records = 0;
  #stopping = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(o: DriverOptions) {
    this.#o = o;
    this.#engine = o.newEngine();
  }

  get windows(): WindowManager {
    return this.#engine.windows;
  }

  get records(): number {
    return this.#records;
  }

  /** Partitions assigned now. */
  get assigned(): number {
    return this.#assigned.size;
  }

  /** Runs a task after the ones before it (batches, assignment changes, ticks). */
  #serial<T>(task: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(task);
    this.#queue = next.catch(() => {});
    return next;
  }

  /**
   * Starts the source. A bounded source is read to its end, then every open window closes; an
   * unbounded one runs (the idle timers tick) until `stop`.
   */
  async run(): Promise<void> {
    const { source } = this.#o;
    await source.start({
      onBatch: (b) => this.#onBatch(b),
      onAssignment: (keys) => this.#onAssignment(keys),
      onCrash: (e, restarting) => this.#o.onCrash?.(e, restarting),
      mayRestart: (e) => !this.#stopping && (this.#o.mayRestart?.(e) ?? true),
    });
    if (source.bounded) {
      await this.#queue;
      await this.#finish();
      return;
    }
    this.#timer = setInterval(() => this.#tick(), this.#o.tickMs ?? 1000);
  }

  /** Stops fetching, lets the batch in hand finish and commit, stops the source. The caller then closes sinks and the source. */
  async stop(): Promise<void> {
    this.#stopping = true;
    clearInterval(this.#timer);
    this.#o.source.pause();
    await this.#queue;
    await this.#o.source.stop().catch((e: unknown) => logEvent(this.#o.log, "source_stop_failed", { err: e }));
    await this.#queue;
  }

  /** Forgets every partition's state, to be rebuilt from the commits. */
  #reset(): void {
    this.#engine = this.#o.newEngine();
    this.#restored.clear();
    this.#next.clear();
  }

  async #restore(keys: readonly PartitionKey[]): Promise<void> {
    const todo = keys.filter((k) => !this.#restored.has(partitionId(k)));
    if (todo.length === 0) return;
    await this.#o.source.restore(todo, this.#engine.windows);
    for (const k of todo) this.#restored.add(partitionId(k));
  }

  #onBatch(batch: SourceBatch): Promise<void> {
    return this.#serial(async () => {
      try {
        await this.#handleBatch(batch);
      } catch (e) {
        if (!this.#o.source.bounded && !this.#stopping)
          logEvent(this.#o.log, "batch_failed", { err: e, topic: batch.partition.topic, partition: batch.partition.partition });
        this.#reset();
        throw e;
      }
    });
  }

  async #handleBatch(batch: SourceBatch): Promise<void> {
    const { metrics, log } = this.#o;
    const key = batch.partition;
    const id = partitionId(key);
    if (!this.#assigned.has(id)) return;
    // every assigned partition, not only the batch's: a commit says how far each one's windows are
    // closed, and a partition without its state would borrow the others'
    await this.#restore([...this.#assigned.values()]);
    const result = await this.#engine.process(batch.records, this.#o.source.activePartitions());
    const closableAt = Date.now();
    const sink = this.#o.deadLetters;
    await this.#o.deliver("dead_letters", this.#o.deadLetters.description, () => sink.write(result.deadLetters), batch.heartbeat);
    for (const d of result.deadLetters) metrics?.deadLetter(d.reason);
    await this.#report(result.closed, closableAt, batch.heartbeat);
    if (batch.next !== undefined) this.#next.set(id, batch.next);
    await this.#commit();
    this.#records += batch.records.length;
    const wm = this.#engine.windows;
    if (metrics !== undefined) {
      metrics.consumed(key, batch.records.length);
      if (batch.lag !== undefined) metrics.lag(key, batch.lag);
      metrics.watermark(key, wm.watermark(wm.partition(key)));
      metrics.openWindows(wm.openWindowCount);
      metrics.batchDone(Date.now());
    }
    logEvent(log, "batch_done", {
      topic: key.topic,
      partition: key.partition,
      records: batch.records.length,
      next: batch.next,
      open_windows: wm.openWindowCount,
    });
  }

  async #report(closed: readonly ClosedWindow[], closableAt: number, heartbeat: Heartbeat): Promise<void> {
    if (closed.length === 0) return;
    await this.#o.report(closed, heartbeat, (w, r) => {
      // this instance's records only: other instances count theirs
      this.#o.metrics?.recordOutcomes(w.counts);
      this.#o.metrics?.windowClosed(r.violations, (Date.now() - closableAt) / 1000);
      this.#o.onReport?.(r, closableAt);
    });
    await this.#o.afterReports?.(this.#engine.windows);
  }

  async #commit(): Promise<void> {
    const progress = [];
    for (const [id, partition] of this.#assigned) {
      const next = this.#next.get(id);
      if (next !== undefined) progress.push({ partition, next });
    }
    await this.#o.source.commit(progress, this.#engine.windows);
  }

  /**
   * After every (re)join of a group the source re-reads each assigned partition from its commit,
   * which is behind what was processed (the oldest open window's first record): every partition's
   * state is rebuilt from its commit, exactly as after a restart; revoked partitions are dropped
   * (their new owner does the same).
   */
  #onAssignment(keys: PartitionKey[]): void {
    this.#o.onAssignment?.(keys);
    void this.#serial(async () => {
      const ids = new Set(keys.map(partitionId));
      for (const [id, key] of [...this.#assigned]) {
        if (ids.has(id)) continue;
        this.#o.metrics?.dropPartition(key);
        this.#assigned.delete(id);
      }
      this.#reset();
      for (const key of keys) this.#assigned.set(partitionId(key), key);
      await this.#restore(keys);
    }).catch((e: unknown) => logEvent(this.#o.log, "partitions_restore_failed", { err: e }));
  }

  /** End of a bounded source: held records decided, every open window closed and reported. */
  async #finish(): Promise<void> {
    const last = await this.#engine.finish();
    await this.#o.deliver("dead_letters", this.#o.deadLetters.description, () => this.#o.deadLetters.write(last.deadLetters), undefined);
    for (const d of last.deadLetters) this.#o.metrics?.deadLetter(d.reason);
    await this.#report(last.closed, Date.now(), undefined);
  }

  /**
   * The timers, checked every tick: a partition that turned idle leaves the active ones, which may
   * let the smallest watermark pass windows without any new record (so windows close here, not
   * only after a batch); when every assigned partition has been quiet for idleCloseMs, every open
   * window closes.
   */
  #tick(): void {
    if (this.#stopping) return;
    const wm = this.#engine.windows;
    if (wm.openWindowCount === 0 || this.#assigned.size === 0) return;
    void this.#serial(async () => {
      const windows = this.#engine.windows;
      // after a reset, the next batch restores the partitions first (see #handleBatch)
      if (this.#stopping || windows.openWindowCount === 0 || [...this.#assigned.keys()].some((id) => !this.#restored.has(id))) return;
      const now = Date.now();
      let closed: ClosedWindow[];
      if (this.#o.idleCloseMs !== undefined && this.#o.source.quietFor(this.#o.idleCloseMs)) {
        logEvent(this.#o.log, "idle_close_all", { idle_close_seconds: this.#o.idleCloseMs / 1000 });
        closed = this.#engine.closeAll();
      } else {
        closed = windows.closeReady(this.#o.source.activePartitions());
        if (closed.length === 0) return;
        logEvent(this.#o.log, "idle_windows_closed", { windows: closed.length });
      }
      await this.#report(closed, now, undefined);
      await this.#commit();
      this.#o.metrics?.openWindows(this.#engine.windows.openWindowCount);
    }).catch((e: unknown) => {
      if (this.#stopping) return;
      if (this.#o.isMembershipError?.(e) === true) {
        // the group moved on (this member's session expired): the source rejoins, and the state is
        // rebuilt from the commits on the new assignment
        logEvent(this.#o.log, "idle_close_interrupted", { err: e });
        this.#reset();
        return;
      }
      this.#o.onFatal?.(e instanceof Error ? e : new Error(String(e)));
    });
  }
}
