import { partitionId, type PartitionKey } from "../../records/SourceRecord.js";
import { encodePart, encodeProgress, type OutgoingPartsMessage } from "../../windows/partMessages.js";
import type { ClosedWindow } from "../../windows/WindowManager.js";
import type { LocalParts } from "../../windows/localParts.js";

/**
 * Stage 1's messages waiting for their input partition's next commit (docs/design-monitor.md): the
 * parts of the windows this instance closed, by input partition, and the progress last published
 * for each. The Kafka source publishes a partition's parts and new progress in one transaction
 * with its offset commit, so a part is in the parts topic exactly when the records it counts are
 * committed as processed.
 */
export class PartsOutbox {
  /** The parts topic's max.message.bytes (parts longer are cut into chunks); known once the topic is checked. */
  maxMessageBytes: number;
  readonly #parts = new Map<string, OutgoingPartsMessage[]>();
  readonly #published = new Map<string, number>();

  /** `local`: remembers each part encoded for this process's stage 2 (src/windows/localParts.ts). */
  constructor(
    maxMessageBytes: number,
    readonly local?: LocalParts,
  ) {
    this.maxMessageBytes = maxMessageBytes;
  }

  /** The parts of windows just closed (each window's own partitions' shares). */
  add(windows: readonly ClosedWindow[]): void {
    for (const w of windows) {
      for (const p of w.parts) {
        const id = partitionId(p.partition);
        const list = this.#parts.get(id) ?? [];
        list.push(...encodePart(w.startMs, p, this.maxMessageBytes, this.local));
        this.#parts.set(id, list);
      }
    }
  }

  /** What to publish for a partition whose windows are closed up to `closedUpToMs`: its parts, then its progress if it moved. */
  pending(key: PartitionKey, closedUpToMs: number): OutgoingPartsMessage[] {
    const id = partitionId(key);
    const out = [...(this.#parts.get(id) ?? [])];
    const was = this.#published.get(id);
    if (out.length > 0 || was === undefined || closedUpToMs > was) out.push(encodeProgress(key, closedUpToMs));
    return out;
  }

  /** The partition's pending messages are committed (the transaction went through). */
  published(key: PartitionKey, closedUpToMs: number): void {
    const id = partitionId(key);
    this.#parts.delete(id);
    const was = this.#published.get(id);
    if (was === undefined || closedUpToMs > was) this.#published.set(id, closedUpToMs);
  }

  /** Forgets everything: the window state is rebuilt from the commits (after a failed batch or a rebalance), and its closes publish the parts again. */
  clear(): void {
    this.#parts.clear();
    this.#published.clear();
  }
}
