/**
 * A one-line progress display on a terminal (rows, rows/s, bytes), redrawn at most every
 * `intervalMs` and only after `delayMs`, so short runs print nothing. Silent when the stream is
 * not a TTY.
 */
export class ProgressLine {
  readonly #out: NodeJS.WriteStream;
  readonly #start = performance.now();
  // -Infinity, not 0: performance.now() counts from process start, so 0 would hold back the
  // first redraw until the process is `intervalMs` old
  #last = Number.NEGATIVE_INFINITY;
  #shown = false;

  constructor(
    out: NodeJS.WriteStream = process.stderr,
    readonly delayMs = 1000,
    readonly intervalMs = 250,
  ) {
    this.#out = out;
  }

  update(rows: number, bytes: number): void {
    if (this.#out.isTTY !== true) return;
    const now = performance.now();
    if (now - this.#start < this.delayMs || now - this.#last < this.intervalMs) return;
    this.#last = now;
    this.#shown = true;
    const seconds = (now - this.#start) / 1000;
    this.#out.write(`\r\x1b[K${formatCount(rows)} rows · ${formatCount(Math.round(rows / seconds))} rows/s · ${formatBytes(bytes)}`);
  }

  clear(): void {
    if (this.#shown) this.#out.write("\r\x1b[K");
    this.#shown = false;
  }
}

export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}
