import { FilePath } from "../../../config/pathSchema.js";
import { FileDeadLetterSink } from "../../fileDeadLetterSink.js";
import type { DeadLetterSinkDefinition } from "../definition.js";

/** Replay's dead letters: JSON lines under `<reports_dir>/dead-letter/<endpoint>/<schedule>/` (FileDeadLetterSink). */
export const fileDeadLetters = {
  kind: "dead_letter_sink",
  name: "file",
  configKey: "reports_dir",
  schema: FilePath,
  create: (reportsDir, ctx) => new FileDeadLetterSink(reportsDir, ctx.endpoint, ctx.schedule),
} as const satisfies DeadLetterSinkDefinition<typeof FilePath, "reports_dir">;
