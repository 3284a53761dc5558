import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { DqstreamError } from "../errors/DqstreamError.js";

/** An input that could not be opened or decoded (exit code 1 in the CLI). */
export class InputError extends DqstreamError {
  constructor(
    readonly input: string,
    message: string,
    options?: { retriable?: boolean; cause?: unknown },
  ) {
    super("input", `${input}: ${message}`, options);
    this.name = "InputError";
  }
}

export interface InputBytes {
  /** Decoded (gunzipped when gzip) byte chunks. */
  chunks: AsyncIterable<Buffer>;
  /** Bytes read from the source so far (compressed size for gzip input). */
  bytesRead(): number;
  /** The input's name for messages ("stdin" for "-"). */
  name?: string;
}

/**
 * Opens a file, or standard input for "-", as byte chunks; gzip is recognised by its magic bytes
 * (1f 8b), whatever the name. Errors (missing file, corrupt gzip) surface as InputError from the
 * iteration.
 */
export function openInputBytes(path: string, stdin: Readable = process.stdin): InputBytes {
  let read = 0;
  const name = path === "-" ? "stdin" : path;
  async function* raw(): AsyncGenerator<Buffer> {
    const src: Readable = path === "-" ? stdin : createReadStream(path, { highWaterMark: 1 << 20 });
    try {
      for await (const chunk of src) {
        const b = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
        read += b.length;
        yield b;
      }
    } catch (e) {
      throw new InputError(name, describeIoError(e));
    }
  }
  async function* decoded(): AsyncGenerator<Buffer> {
    const it = raw()[Symbol.asyncIterator]();
    const first = await it.next();
    if (first.done === true) return;
    let head = first.value;
    // the magic bytes may arrive in more than one chunk (a pipe can deliver a single byte)
    let ended = false;
    while (head.length < 2 && !ended) {
      const r = await it.next();
      if (r.done === true) ended = true;
      else head = Buffer.concat([head, r.value]);
    }
    async function* replay(): AsyncGenerator<Buffer> {
      if (head.length > 0) yield head;
      if (ended) return;
      for (;;) {
        const r = await it.next();
        if (r.done === true) return;
        yield r.value;
      }
    }
    if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
      const gunzip = createGunzip();
      const compressed = Readable.from(replay());
      compressed.on("error", (e) => gunzip.destroy(e));
      compressed.pipe(gunzip);
      try {
        for await (const chunk of gunzip) yield chunk as Buffer;
      } catch (e) {
        if (e instanceof InputError) throw e;
        throw new InputError(name, `corrupt gzip data: ${(e as Error).message}`);
      }
    } else {
      yield* replay();
    }
  }
  return { chunks: decoded(), bytesRead: () => read, name };
}

function describeIoError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code === "ENOENT") return "no such file";
  if (err.code === "EACCES") return "permission denied";
  if (err.code === "EISDIR") return "is a directory";
  return err.message;
}
