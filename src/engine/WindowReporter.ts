import { join, resolve } from "node:path";
import type { HookRunner } from "../hooks/HookRunner.js";
import { writeWindowReport, type ReportContext, type WindowReport } from "../sinks/reportWriter.js";
import type { Logger } from "../telemetry/logger.js";
import type { ClosedWindow } from "../windows/WindowManager.js";
import { isoSeconds } from "../windows/tumblingWindows.js";

/**
 * Turns closed windows into reports, in order, then calls the user's `postprocess(report,
 * context)` for each (after its files are written). A postprocess failure or timeout is counted
 * and logged; it never stops the run and never changes the reports.
 */
export class WindowReporter {
  readonly #ctx: ReportContext;
  readonly #post: HookRunner | undefined;
  readonly #log: Logger;
  postprocessFailures = 0;

  constructor(ctx: ReportContext, postprocessor: HookRunner | undefined, logger: Logger) {
    this.#ctx = ctx;
    this.#post = postprocessor;
    this.#log = logger;
  }

  async report(windows: readonly ClosedWindow[]): Promise<WindowReport[]> {
    const reports: WindowReport[] = [];
    for (const w of windows) {
      const r = await writeWindowReport(this.#ctx, w);
      reports.push(r);
      this.#log.info(
        { window_start: isoSeconds(r.startMs), window_end: isoSeconds(r.endMs), items: r.itemCount, violations: r.violations.length, folder: r.folder },
        "window closed",
      );
    }
    if (this.#post !== undefined && reports.length > 0) {
      const outcomes = await this.#post.call(
        "postprocess",
        reports.map((r) => {
          const dir = resolve(this.#ctx.reportsDir, r.folder);
          return {
            arg: {
              window_start: isoSeconds(r.startMs),
              window_end: isoSeconds(r.endMs),
              folder: dir,
              files: { statistics: join(dir, "statistics.json"), constraint_violations: join(dir, "constraint_violations.json"), window: join(dir, "window.json") },
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
        this.#log.warn({ kind: o.kind, detail: o.detail, window_start: isoSeconds((reports[i] as WindowReport).startMs) }, "postprocess hook failed");
      });
    }
    return reports;
  }
}
