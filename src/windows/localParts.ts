import { createHash } from "node:crypto";
import type { WindowPart } from "./WindowManager.js";

/**
 * The parts this process published, kept until its own stage 2 reads them back from the parts
 * topic, so that it takes the part it already has instead of parsing it again (at 500 features a
 * part is megabytes of JSON: 85–175 ms to decode). What is read is still the topic's message: a
 * part is taken only when the bytes read have the SHA-1 of the bytes published, so the topic stays
 * the one source of truth and a part from elsewhere, or rewritten, is decoded as before.
 * Interchangeable because serialize → JSON → deserialize reproduces every sketch and its later
 * merges (test/laws/monoidLaws.test.ts), and merges never write to their operands.
 *
 * Bounded: at most `maxBytes` of published bytes are remembered (oldest forgotten first); a part
 * that is forgotten, or never read here (another instance reports), is simply decoded there.
 */
export class LocalParts {
  readonly #entries = new Map<string, { digest: string; startMs: number; part: WindowPart; bytes: number }>();
  #bytes = 0;

  constructor(readonly maxBytes = 256 * 1024 * 1024) {}

  static digest(body: Buffer): string {
    return createHash("sha1").update(body).digest("hex");
  }

  remember(id: string, body: Buffer, startMs: number, part: WindowPart): void {
    this.#forget(id);
    const entry = { digest: LocalParts.digest(body), startMs, part, bytes: body.length };
    this.#entries.set(id, entry);
    this.#bytes += entry.bytes;
    for (const key of this.#entries.keys()) {
      if (this.#bytes <= this.maxBytes) break;
      this.#forget(key);
    }
  }

  /** The part published as `id` if `body` is exactly what was published, forgotten once taken. */
  take(id: string, body: Buffer): { startMs: number; part: WindowPart } | undefined {
    const e = this.#entries.get(id);
    if (e === undefined || e.digest !== LocalParts.digest(body)) return undefined;
    this.#forget(id);
    return { startMs: e.startMs, part: e.part };
  }

  get size(): number {
    return this.#entries.size;
  }

  #forget(id: string): void {
    const e = this.#entries.get(id);
    if (e === undefined) return;
    this.#entries.delete(id);
    this.#bytes -= e.bytes;
  }
}
