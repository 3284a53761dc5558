// Hooks of the "hooks" golden case. preprocess: a payload {"instances": [...], "tag"} becomes one
// row per instance, with the model's prediction as `churn`; tag "sample-out" drops the record
// (custom sampling), tag "explode" throws. postprocess: writes a small file into the window's
// report folder, after dqstream wrote its own files there.
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export function preprocess(record, context) {
  const input = JSON.parse(record.captureData.endpointInput.data);
  const output = JSON.parse(record.captureData.endpointOutput.data);
  if (input.tag === "explode") throw new Error(`cannot handle the record at ${context.position}`);
  if (input.tag === "sample-out") return [];
  return input.instances.map((instance, i) => ({ churn: output.predictions[i], ...instance }));
}

export function postprocess(report, context) {
  writeFileSync(
    join(report.folder, "postprocess.json"),
    JSON.stringify(
      {
        endpoint: context.endpoint,
        window_start: report.window_start,
        window_json_written: existsSync(report.files.window),
        violations: report.violations.length,
      },
      null,
      2,
    ) + "\n",
  );
}
