import { isUtf8 } from "node:buffer";

/** One line of input as bytes: without its LF (nor a CR before it), numbered from 1. */
export interface LineBytes {
  readonly line: number;
  /** The line's bytes; for a line over the limit only its first `maxBytes` bytes. */
  readonly bytes: Buffer;
  /** The line's whole length in bytes: over `maxBytes` when the line was too long to keep. */
  readonly size: number;
}

/** Default limit of one record (a capture line, a JSON Lines row): 1 MiB, as the CSV reader's. */
export const DEFAULT_MAX_RECORD_BYTES = 1 << 20;

/**
 * Splits byte chunks into lines at LF (0x0A), whatever the chunking. Contract:
 * - linear: each byte is looked at once (a 100 MB line costs one pass, not one per chunk);
 * - bounded: a line longer than `maxBytes` keeps only its first `maxBytes` bytes (its `size` says
 *   how long it was) and the rest is dropped as it streams by, so memory is one chunk plus
 *   `maxBytes`, whatever the input;
 * - a UTF-8 byte-order mark at the very start is dropped; a CR before the LF is not part of the
 *   line; a last line without LF is a line; bytes are split, never decoded (a multi-byte character
 *   cannot straddle an LF, whose byte never occurs inside one).
 */
export class LineSplitter {
  readonly #max: number;
  readonly #emit: (line: LineBytes) => void;
  #parts: Buffer[] = [];
  #kept = 0;
  #size = 0;
  #line = 1;
  /** The first bytes of the input while fewer than 3 have come (a BOM may straddle chunks). */
  #head: Buffer | undefined = Buffer.alloc(0);

  constructor(maxBytes: number, emit: (line: LineBytes) => void) {
    if (!Number.isInteger(maxBytes) || maxBytes < 1) throw new RangeError(`maxBytes must be a positive integer, got ${maxBytes}`);
    this.#max = maxBytes;
    this.#emit = emit;
  }

  push(chunk: Buffer): void {
    if (this.#head !== undefined) {
      const head = Buffer.concat([this.#head, chunk]);
      if (head.length < 3) {
        this.#head = head;
        return;
      }
      this.#head = undefined;
      chunk = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? head.subarray(3) : head;
    }
    let pos = 0;
    for (let nl = chunk.indexOf(0x0a, pos); nl !== -1; nl = chunk.indexOf(0x0a, pos)) {
      this.#append(chunk, pos, nl);
      this.#finish();
      pos = nl + 1;
    }
    if (pos < chunk.length) this.#append(chunk, pos, chunk.length);
  }

  end(): void {
    if (this.#head !== undefined) {
      const head = this.#head;
      this.#head = undefined;
      if (head.length > 0) this.push(head);
    }
    if (this.#size > 0) this.#finish();
  }

  #append(chunk: Buffer, from: number, to: number): void {
    this.#size += to - from;
    const take = Math.min(to - from, this.#max - this.#kept);
    if (take <= 0) return;
    this.#parts.push(chunk.subarray(from, from + take));
    this.#kept += take;
  }

  #finish(): void {
    let bytes = this.#parts.length === 1 ? (this.#parts[0] as Buffer) : Buffer.concat(this.#parts, this.#kept);
    let size = this.#size;
    if (size <= this.#max && bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) {
      bytes = bytes.subarray(0, bytes.length - 1);
      size--;
    }
    this.#parts = [];
    this.#kept = 0;
    this.#size = 0;
    this.#emit({ line: this.#line++, bytes, size });
  }
}

/** A record's bytes as text, or why they are not one. */
export type RecordText = { ok: true; text: string } | { ok: false; reason: string; detail: string };

/** Reasons of records that never became text. */
export const TOO_LARGE = "record too long";
export const NOT_UTF8 = "not UTF-8 text";

/**
 * A record's text: refused when it is over `maxBytes` (its whole `size`; `bytes` may be only its
 * beginning) or not valid UTF-8 (binary data), so neither is decoded, parsed or buffered further.
 */
export function recordText(bytes: Buffer, size: number, maxBytes: number): RecordText {
  if (size > maxBytes) return { ok: false, reason: TOO_LARGE, detail: `${size} bytes, over max_record_bytes ${maxBytes}` };
  const text = bytes.toString("utf8");
  // U+FFFD marks every invalid sequence; a valid text may hold it too, so confirm
  if (text.includes("\uFFFD") && !isUtf8(bytes)) return { ok: false, reason: NOT_UTF8, detail: `${size} bytes that are not valid UTF-8` };
  return { ok: true, text };
}
