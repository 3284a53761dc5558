import { StringDecoder } from "node:string_decoder";
import { openInputBytes, type InputBytes } from "../records/inputBytes.js";
import type { SourceRecord } from "./Source.js";

/** The one partition of a replay: files are read in the order given, as one sequence. */
export const REPLAY_PARTITION = { topic: "replay", partition: 0 } as const;

/**
 * Capture files (.jsonl, gzip recognised by content, or "-" for stdin) as batches of records, one
 * record per non-blank line, positioned by file (as named) and line. Reading is streamed: memory
 * holds one batch.
 */
export async function* readCaptureFiles(files: readonly string[], batchSize = 1000, open: (f: string) => InputBytes = openInputBytes): AsyncGenerator<SourceRecord[]> {
  let batch: SourceRecord[] = [];
  for (const file of files) {
    const name = file === "-" ? "stdin" : file;
    const decoder = new StringDecoder("utf8");
    let rest = "";
    let line = 0;
    const emit = (text: string): void => {
      line++;
      const value = text.endsWith("\r") ? text.slice(0, -1) : text;
      if (value.trim().length === 0) return;
      batch.push({ partition: REPLAY_PARTITION, position: { file: name, line }, value });
    };
    for await (const chunk of open(file).chunks) {
      let text = rest + decoder.write(chunk);
      if (line === 0 && rest === "" && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      let pos = 0;
      for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", pos)) {
        emit(text.slice(pos, nl));
        pos = nl + 1;
      }
      rest = text.slice(pos);
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    rest += decoder.end();
    if (rest.length > 0) emit(rest);
  }
  if (batch.length > 0) yield batch;
}
