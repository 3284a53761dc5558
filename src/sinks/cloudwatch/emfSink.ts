import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import type { Logger } from "../../telemetry/logger.js";
import type { WindowReport } from "../../reports/WindowReport.js";
import type { ReportSink } from "../ReportSink.js";
import type { Datum } from "./datums.js";
import { emfEvents } from "./emf.js";
import type { CloudWatchSinkMetrics } from "./sinkMetrics.js";
import { logEvent } from "../../telemetry/logEvents.js";

/**
 * Embedded Metric Format as JSON lines, for deployments that ship logs (CloudWatch agent, Fluent
 * Bit, Lambda/ECS log drivers) instead of calling the API. "-" writes to standard output, anything
 * else appends to that file (created with its folder). Writes are buffered by the stream, so
 * publish never waits; a write error is counted (dqstream_emf_write_errors_total) and logged, and
 * the sink stops writing to a broken file rather than throwing into the pipeline.
 */
export class EmfSink implements ReportSink {
  readonly name = "emf";
  readonly #out: NodeJS.WritableStream;
  readonly #file: WriteStream | undefined;
  readonly #datums: (r: WindowReport) => Datum[];
  readonly #metrics: CloudWatchSinkMetrics;
  readonly #log: Logger;
  #broken = false;

  private constructor(
    out: NodeJS.WritableStream,
    file: WriteStream | undefined,
    datums: (r: WindowReport) => Datum[],
    metrics: CloudWatchSinkMetrics,
    log: Logger,
  ) {
    this.#out = out;
    this.#file = file;
    this.#datums = datums;
    this.#metrics = metrics;
    this.#log = log;
    file?.on("error", (e) => {
      this.#metrics.emfFailed(1);
      if (!this.#broken) logEvent(this.#log, "emf_write_failed", { err: e, sink: "emf", path: file.path });
      this.#broken = true;
    });
  }

  /** Opens the destination: "-" = standard output, else the file (its folder is created). */
  static async open(
    path: string,
    datums: (r: WindowReport) => Datum[],
    metrics: CloudWatchSinkMetrics,
    log: Logger,
    stdout: NodeJS.WritableStream = process.stdout,
  ): Promise<EmfSink> {
    if (path === "-") return new EmfSink(stdout, undefined, datums, metrics, log);
    await mkdir(dirname(path), { recursive: true });
    const file = createWriteStream(path, { flags: "a" });
    await new Promise<void>((resolve, reject) => {
      file.once("open", () => resolve());
      file.once("error", reject);
    }).catch((e: NodeJS.ErrnoException) => {
      throw Object.assign(new Error(`cloudwatch.emf.path ${path}: cannot open: ${e.code ?? e.message}`), { code: e.code, syscall: e.syscall ?? "open" });
    });
    return new EmfSink(file, file, datums, metrics, log);
  }

  publish(reports: readonly WindowReport[]): void {
    const lines: string[] = [];
    try {
      for (const r of reports) lines.push(...emfEvents(this.#datums(r)));
    } catch (e) {
      logEvent(this.#log, "emf_build_failed", { err: e, sink: "emf" });
      return;
    }
    if (lines.length === 0) return;
    if (this.#broken) {
      this.#metrics.emfFailed(lines.length);
      return;
    }
    this.#out.write(`${lines.join("\n")}\n`);
    this.#metrics.emfWritten(lines.length);
  }

  async close(): Promise<void> {
    const file = this.#file;
    if (file === undefined || file.closed) return;
    await new Promise<void>((resolve) => file.end(() => resolve()));
  }
}
