import { REPLAY_PARTITION, readCaptureFiles, type CaptureFileOptions } from "./captureFiles.js";
import type { BoundedSourceDefinition, Source, SourceHandlers } from "../Source.js";

/**
 * Capture files as a bounded Source: one partition (REPLAY_PARTITION), the files read in the order
 * given; nothing is committed (a replay starts over), no record is read twice.
 */
export function fileSource(files: readonly string[], options: CaptureFileOptions = {}): Source {
  let stopped = false;
  return {
    bounded: true,
    async start(h: SourceHandlers): Promise<void> {
      h.onAssignment([REPLAY_PARTITION]);
      for await (const records of readCaptureFiles(files, options)) {
        if (stopped) return;
        await h.onBatch({ partition: REPLAY_PARTITION, records });
      }
    },
    restore: () => Promise.resolve(),
    commit: () => Promise.resolve(),
    activePartitions: () => undefined,
    quietFor: () => false,
    pause() {
      stopped = true;
    },
    stop() {
      stopped = true;
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
}

/** Capture files (local paths, `-` for stdin): the last bounded source, accepting any input. */
export const fileCaptureSource: BoundedSourceDefinition = {
  kind: "source",
  name: "file",
  accepts: () => true,
  create: (inputs, context) => fileSource(inputs, { maxRecordBytes: context.maxRecordBytes }),
};
