import type { HookRunner } from "../hooks/HookRunner.js";
import { writeWindowReport } from "../sinks/reportWriter.js";
import { evaluateWindow, type EvaluationContext } from "./evaluateWindow.js";
import type { WindowReport } from "../reports/WindowReport.js";
import type { ReportSink } from "../sinks/ReportSink.js";
import type { ReportStore } from "../sinks/reportStore/ReportStore.js";
import type { Logger } from "../telemetry/logger.js";
import type { ClosedWindow } from "../windows/WindowManager.js";
import { isoSeconds } from "../windows/tumblingWindows.js";
import { logEvent } from "../telemetry/logEvents.js";

/**
 * Turns closed windows into reports (evaluateWindow) and writes their files, in order, then calls the user's `postprocess(report,
 * context)` for each (after its files are written). A postprocess failure or timeout is counted
 * and logged; it never stops the run and never changes the reports. Then every report sink is
 * told (see ReportSink: they queue, and never block).
 */
/** What the reporter needs: the evaluation context and where the report files go. */
export interface ReportContext extends EvaluationContext {
  readonly store: ReportStore;
}

export class WindowReporter {
  readonly #ctx: ReportContext;
  readonly #post: HookRunner | undefined;
  readonly #log: Logger;
  readonly #sinks: ReportSink[] = [];
  postprocessFailures = 0;
  #warnedJsonColumns = false;

  constructor(ctx: ReportContext, postprocessor: HookRunner | undefined, logger: Logger) {
    this.#ctx = ctx;
    this.#post = postprocessor;
    this.#log = logger;
  }

  /** Adds a sink told about every report written from now on. */
  addSink(sink: ReportSink): void {
    this.#sinks.push(sink);
  }

  /** Lets every sink rebuild what it keeps of earlier windows from the report store. */
  async resyncSinks(): Promise<void> {
    for (const sink of this.#sinks) await sink.resync?.();
  }

  /** Closes the sinks (each delivers what it can in its own bounded time). */
  async closeSinks(): Promise<void> {
    const sinks = this.#sinks.splice(0);
    const results = await Promise.allSettled(sinks.map((s) => s.close()));
    results.forEach((r, i) => {
      if (r.status === "rejected") logEvent(this.#log, "report_sink_close_failed", { err: r.reason as unknown, sink: sinks[i]?.name });
    });
  }

  /**
   * Once per run: JSON keys that are baseline names but matched to other baseline names by sorted
   * position (SageMaker's rule) mean a baseline not sorted by name; say how to fix it.
   */
  #warnIfJsonKeysAreBaselineNames(r: WindowReport): void {
    if (this.#warnedJsonColumns) return;
    const names = new Set(this.#ctx.baseline.featureNames);
    const moved = Object.entries(r.jsonColumnsByPosition).filter(([key]) => names.has(key));
    if (moved.length === 0) return;
    this.#warnedJsonColumns = true;
    const [key, to] = moved[0] as [string, string];
    logEvent(this.#log, "json_keys_matched_by_position", { window_start: isoSeconds(r.startMs), moved: moved.length, example: { key, matched_to: to } });
  }

  async report(windows: readonly ClosedWindow[]): Promise<WindowReport[]> {
    const reports: WindowReport[] = [];
    for (const w of windows) {
      const r = evaluateWindow(this.#ctx, w);
      await writeWindowReport(this.#ctx.store, r, this.#ctx.baseline.constraintsBytes);
      reports.push(r);
      logEvent(this.#log, "window_closed", {
        window_start: isoSeconds(r.startMs),
        window_end: isoSeconds(r.endMs),
        items: r.itemCount,
        violations: r.violations.length,
        folder: r.folder,
      });
      this.#warnIfJsonKeysAreBaselineNames(r);
    }
    if (this.#post !== undefined && reports.length > 0) {
      const outcomes = await this.#post.call(
        "postprocess",
        reports.map((r) => {
          const at = (file: string): string => this.#ctx.store.locate(`${r.folder}/${file}`);
          return {
            arg: {
              window_start: isoSeconds(r.startMs),
              window_end: isoSeconds(r.endMs),
              folder: this.#ctx.store.locate(r.folder),
              files: {
                statistics: at("statistics.json"),
                constraint_violations: at("constraint_violations.json"),
                window: at("window.json"),
              },
              item_count: r.itemCount,
              violations: r.violations,
            },
            context: { endpoint: this.#ctx.endpoint, schedule: this.#ctx.schedule },
          };
        }),
      );
      outcomes.forEach((o, i) => {
        if (o.ok) return;
        this.postprocessFailures++;
        logEvent(this.#log, "postprocess_hook_failed", { kind: o.kind, detail: o.detail, window_start: isoSeconds((reports[i] as WindowReport).startMs) });
      });
    }
    // a correction rewrites the report; the sinks had the window already (CloudWatch would add its
    // datums twice, alerts decided on it): docs/design-monitor.md
    const toSinks = reports.filter((_, i) => windows[i]?.completeness?.correction !== true);
    if (toSinks.length > 0) {
      for (const sink of this.#sinks) {
        try {
          sink.publish(toSinks);
        } catch (e) {
          logEvent(this.#log, "report_sink_failed", { err: e, sink: sink.name });
        }
      }
    }
    return reports;
  }
}
