import { partitionId, partitionName, type PartitionKey } from "../../records/SourceRecord.js";
import type { Logger } from "../../telemetry/logger.js";
import type { WindowManager } from "../../windows/WindowManager.js";
import type { Source, SourceHandlers } from "../Source.js";
import { decodeCheckpoint, encodeCheckpoint, repairCheckpoint } from "./checkpointCodec.js";
import type { KafkaClient } from "./kafkaClient.js";
import { checkpointOf, newLedger, restoreFromCheckpoint } from "./restartLedger.js";
import type { PartsOutbox } from "./partsOutbox.js";
import { logEvent } from "../../telemetry/logEvents.js";

export interface KafkaSourceOptions {
  /** kafka.idle_partition_seconds, in ms: a partition this long without records leaves the active ones. */
  readonly idlePartitionMs: number;
  /** kafkajs maxWaitTimeInMs: fetches at most ~5 of these apart count as continuous (see `quietMs`). */
  readonly maxWaitMs: number;
  /** The latest window end a plausible event time can reach now (eventTimePlausibility.ts): checkpoints past it are repaired. */
  readonly plausibleCeilingMs: () => number;
  /** A checkpoint was repaired (metrics). */
  readonly onCheckpointRepaired?: () => void;
  /**
   * Stage 1 (docs/design-monitor.md): commits publish each partition's pending parts and progress
   * to this topic in one transaction with its offset. Absent: plain commits (tests of the source alone).
   */
  readonly parts?: { readonly topic: string; readonly outbox: PartsOutbox };
}

/**
 * How long a restore waits for this instance's own last transactional commit to become visible:
 * after a broker restart the transaction coordinator completes the commits it had prepared only
 * once it has loaded its state again.
 */
const STABLE_WAIT_MS = 30_000;

/** How often partition leaders are re-read (they move when brokers restart). */
const LEADERS_REFRESH_MS = 60_000;

/**
 * A Kafka consumer group as a Source (docs/design-monitor.md): batches of the assigned partitions,
 * commits at the first offset of each partition's oldest open window with the checkpoint metadata
 * that makes reports after a restart identical, restore from those commits, and idleness.
 *
 * Idleness (kafka.idle_partition_seconds, idle_close_seconds) is measured in fetch-covered time:
 * per partition, the time since its last record during which fetches from its leader kept
 * succeeding (consecutive successful fetches at most 5 × maxWaitMs + 1 s apart). A stalled broker
 * answers no fetch, so its partitions do not turn idle, and when it comes back no partition closes
 * windows over another that simply could not be read.
 */
export function kafkaSource(client: KafkaClient, o: KafkaSourceOptions, log: Logger): Source {
  const assigned = new Map<string, PartitionKey>();
  const quietMs = new Map<string, number>();
  const lastRecordAt = new Map<string, number>();
  const lastFetchAt = new Map<number, number>();
  const fetchContinuityMs = 5 * o.maxWaitMs + 1_000;
  let leaders = new Map<string, number>();
  let leadersAt = 0;

  const refreshLeaders = async (): Promise<void> => {
    leadersAt = Date.now();
    try {
      leaders = await client.leaders([...assigned.values()]);
    } catch (e) {
      logEvent(log, "partition_leaders_unreadable", { err: e });
      leaders = new Map();
    }
  };

  const onFetch = (nodeId: number): void => {
    const now = Date.now();
    const previous = lastFetchAt.get(nodeId);
    lastFetchAt.set(nodeId, now);
    if (previous === undefined || now - previous > fetchContinuityMs) return;
    for (const id of assigned.keys()) {
      const leader = leaders.get(id);
      if (leader !== undefined && leader !== nodeId) continue;
      const from = Math.max(previous, lastRecordAt.get(id) ?? previous);
      if (now > from) quietMs.set(id, (quietMs.get(id) ?? 0) + (now - from));
    }
    if (now - leadersAt > LEADERS_REFRESH_MS && assigned.size > 0) void refreshLeaders();
  };

  /**
   * Offsets committed in a transaction become visible to OffsetFetch only once the transaction's
   * markers reach the group coordinator, a moment after the commit returns; kafkajs's OffsetFetch
   * cannot ask for stable offsets (KIP-447's require_stable). So the source remembers its own last
   * transactional commit per partition and the one before: a fetch still showing the one before is
   * that moment, and is read again (for at most STABLE_WAIT_MS) instead of restoring a partition
   * from a commit it has already passed.
   */
  const ownCommits = new Map<string, { last: string; before: string | undefined }>();
  const commitKey = (offset: string, metadata: string | null | undefined): string => `${offset}\u0000${metadata ?? ""}`;
  const stableCommits = async (keys: readonly PartitionKey[]) => {
    const deadline = Date.now() + STABLE_WAIT_MS;
    for (;;) {
      const committed = await client.committed(keys);
      const stale = keys.filter((k) => {
        const own = ownCommits.get(partitionId(k));
        const c = committed.get(partitionId(k));
        return own !== undefined && c !== undefined && commitKey(c.offset, c.metadata) === own.before && own.before !== own.last;
      });
      if (stale.length === 0 || Date.now() >= deadline) {
        if (stale.length > 0) logEvent(log, "commit_not_yet_visible", { partitions: stale.map(partitionName) });
        return committed;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  /**
   * The Source contract: a rejected batch resumes from the last commit. kafkajs retries a failed
   * batch from the batch itself (its fetch position), past records whose state the rejection
   * dropped, so the assigned partitions are moved back to their commits. While that move has not
   * been made (the broker is down), every batch is refused: kafkajs retries, then restarts the
   * consumer, and a rejoin reads from the commits (a new assignment ends the wait).
   */
  let moveBackPending = false;
  const moveBack = async (): Promise<boolean> => {
    const keys = [...assigned.values()];
    try {
      await client.seekToCommitted(keys, await stableCommits(keys));
      moveBackPending = false;
    } catch (err) {
      moveBackPending = true;
      logEvent(log, "seek_to_commit_failed", { err });
    }
    return !moveBackPending;
  };

  return {
    bounded: false,
    history: newLedger,

    start(h: SourceHandlers): Promise<void> {
      return client.start({
        onFetch,
        onCrash: (e, restarting) => h.onCrash(e, restarting),
        mayRestart: (e) => h.mayRestart(e),
        onAssignment(keys) {
          moveBackPending = false;
          const ids = new Set(keys.map(partitionId));
          for (const [id, key] of [...assigned]) {
            if (ids.has(id)) continue;
            assigned.delete(id);
            quietMs.delete(id);
            lastRecordAt.delete(id);
            logEvent(log, "partition_revoked", { topic: key.topic, partition: key.partition });
          }
          for (const key of keys) {
            const id = partitionId(key);
            if (assigned.has(id)) continue;
            assigned.set(id, key);
            quietMs.set(id, 0);
          }
          void refreshLeaders();
          h.onAssignment(keys);
        },
        async onBatch(batch) {
          const id = partitionId(batch.partition);
          if (!assigned.has(id)) {
            // a batch fetched before a rebalance took the partition away: its new owner reads it
            logEvent(log, "stale_batch_ignored", { topic: batch.partition.topic, partition: batch.partition.partition });
            return;
          }
          if (moveBackPending) {
            const moved = await moveBack();
            throw new Error(
              moved
                ? "moved back to the committed offsets after a failed batch: this batch is read again from there"
                : "still cannot move back to the committed offsets after a failed batch: no batch is read until it can",
            );
          }
          lastRecordAt.set(id, Date.now());
          quietMs.set(id, 0);
          const next = (BigInt(batch.lastOffset) + 1n).toString();
          try {
            await h.onBatch({
              partition: batch.partition,
              records: batch.records,
              next,
              lag: Number(BigInt(batch.highWatermark) - BigInt(next)),
              ...(batch.heartbeat === undefined ? {} : { heartbeat: batch.heartbeat }),
            });
          } catch (e) {
            // the state was reset to the commits: reading must resume there too (see moveBack)
            await moveBack();
            throw e;
          }
        },
      });
    },

    async restore(keys: readonly PartitionKey[], windows: WindowManager): Promise<void> {
      if (keys.length === 0) return;
      const committed = await stableCommits(keys);
      const ceiling = o.plausibleCeilingMs();
      for (const key of keys) {
        const c = committed.get(partitionId(key));
        const decoded = decodeCheckpoint(c?.metadata);
        if (decoded === undefined) {
          if (c?.metadata !== undefined && c.metadata !== null && c.metadata !== "")
            logEvent(log, "commit_metadata_foreign", { topic: key.topic, partition: key.partition, offset: c.offset });
          windows.dropPartition(key);
          continue;
        }
        const { checkpoint, repaired } = repairCheckpoint(decoded, ceiling);
        if (repaired.length > 0) {
          o.onCheckpointRepaired?.();
          logEvent(log, "checkpoint_repaired", { topic: key.topic, partition: key.partition, offset: c?.offset, repaired });
        }
        restoreFromCheckpoint(windows, key, checkpoint, c?.offset);
        logEvent(log, "partition_restored", { topic: key.topic, partition: key.partition, offset: c?.offset, checkpoint: c?.metadata });
      }
    },

    async commit(progress, windows: WindowManager): Promise<void> {
      const offsets = new Map(
        progress.map(({ partition, next }) => {
          const { offset, checkpoint } = checkpointOf(windows, partition, next);
          return [partitionId(partition), { partition, offset, metadata: encodeCheckpoint(checkpoint), closedUpToMs: checkpoint.closedUpToMs }] as const;
        }),
      );
      const parts = o.parts;
      if (parts === undefined) {
        await client.commit([...offsets.values()]);
        return;
      }
      // every assigned partition says how far its windows are closed, with records or without:
      // stage 2 waits for all of them
      const plain = [];
      for (const [id, key] of assigned) {
        const c = offsets.get(id);
        const closedUpToMs = c?.closedUpToMs ?? windows.existingPartition(key)?.closedUpToMs ?? windows.closedUpToMs;
        const messages = parts.outbox.pending(key, closedUpToMs);
        if (messages.length === 0) {
          if (c !== undefined) plain.push(c);
          continue;
        }
        await client.transact(
          key,
          parts.topic,
          messages,
          c === undefined ? undefined : { offset: c.offset, metadata: c.metadata },
          parts.outbox.maxMessageBytes,
        );
        parts.outbox.published(key, closedUpToMs);
        if (c !== undefined) {
          const was = ownCommits.get(id);
          ownCommits.set(id, { last: commitKey(c.offset, c.metadata), before: was?.last });
        }
      }
      await client.commit(plain);
      // a plain commit is visible at once: nothing to wait for on this partition
      for (const c of plain) ownCommits.delete(partitionId(c.partition));
    },

    activePartitions(): PartitionKey[] | undefined {
      const keys = [...assigned.entries()].filter(([id]) => (quietMs.get(id) ?? 0) < o.idlePartitionMs).map(([, k]) => k);
      return keys.length > 0 ? keys : undefined;
    },

    quietFor(ms: number): boolean {
      return assigned.size > 0 && [...assigned.keys()].every((id) => (quietMs.get(id) ?? 0) >= ms);
    },

    pause: () => client.pause(),
    stop: () => client.stop(),
    close: () => client.disconnect(),
  };
}
