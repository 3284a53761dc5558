// An example postprocessor (config key `postprocessor`): called after each window's reports are
// written, with { window_start, window_end, folder, files, item_count, violations } and
// { endpoint, schedule }. This one prints a line per violated window to the log stream; a real
// one might call a ticketing API or copy the folder to object storage.
export function postprocess(report, context) {
  if (report.violations.length === 0) return;
  const checks = [...new Set(report.violations.map((v) => `${v.constraint_check_type}:${v.feature_name}`))].join(", ");
  process.stderr.write(
    `[postprocess] ${context.endpoint}/${context.schedule} ${report.window_start}: ${report.violations.length} violations (${checks}) in ${report.folder}\n`,
  );
}
