import { openInputBytes, type InputBytes } from "../../records/inputBytes.js";
import { DEFAULT_MAX_RECORD_BYTES, LineSplitter, recordText, type LineBytes } from "../../records/lineSplitter.js";
import type { SourceRecord } from "../../records/SourceRecord.js";

/** The one partition of a replay: files are read in the order given, as one sequence. */
export const REPLAY_PARTITION = { topic: "replay", partition: 0 } as const;

export interface CaptureFileOptions {
  readonly batchSize?: number;
  /** A line longer than this is not read (only its first bytes are kept, for its dead letter). */
  readonly maxRecordBytes?: number;
  readonly open?: (file: string) => InputBytes;
}

/**
 * Capture files (.jsonl, gzip recognised by content, or "-" for stdin) as batches of records, one
 * record per non-blank line, positioned by file (as named) and line. Reading is streamed and
 * linear (LineSplitter): memory holds one batch and at most max_record_bytes of a line, however
 * long the lines are. A line over the limit or not valid UTF-8 is still a record, marked
 * `unreadable`, so that it is counted and dead-lettered with its bytes.
 */
export async function* readCaptureFiles(files: readonly string[], options: CaptureFileOptions = {}): AsyncGenerator<SourceRecord[]> {
  const batchSize = options.batchSize ?? 1000;
  const max = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  const open = options.open ?? openInputBytes;
  let batch: SourceRecord[] = [];
  for (const file of files) {
    const name = file === "-" ? "stdin" : file;
    const emit = (l: LineBytes): void => {
      const position = { file: name, line: l.line };
      const r = recordText(l.bytes, l.size, max);
      if (r.ok) {
        if (r.text.trim().length > 0) batch.push({ partition: REPLAY_PARTITION, position, value: r.text, bytes: l.bytes, size: l.size });
      } else {
        batch.push({ partition: REPLAY_PARTITION, position, value: "", bytes: l.bytes, size: l.size, unreadable: { reason: r.reason, detail: r.detail } });
      }
    };
    const lines = new LineSplitter(max, emit);
    for await (const chunk of open(file).chunks) {
      lines.push(chunk);
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    lines.end();
  }
  if (batch.length > 0) yield batch;
}
