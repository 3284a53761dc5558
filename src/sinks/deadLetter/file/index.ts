import { Location } from "../../../storage/location.js";
import { FileDeadLetterSink } from "../../fileDeadLetterSink.js";
import type { DeadLetterSinkDefinition } from "../definition.js";

/** Replay's dead letters: JSON lines under `<reports_dir>/dead-letter/<endpoint>/<schedule>/` (FileDeadLetterSink). */
export const fileDeadLetters = {
  kind: "dead_letter_sink",
  name: "file",
  configKey: "reports_dir",
  schema: Location,
  // the store opened from reports_dir (local folder or S3)
  create: (_reportsDir, ctx) => new FileDeadLetterSink(ctx.store, ctx.endpoint, ctx.schedule),
} as const satisfies DeadLetterSinkDefinition<typeof Location, "reports_dir">;
