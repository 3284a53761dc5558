import { createWriteStream, type WriteStream } from "node:fs";
import { describeFsError, WriteError } from "../formats/jsonFile.js";
import type { DeadLetter, DeadLetterSink } from "./DeadLetterSink.js";
import type { ReportStore, StagedFile } from "./reportStore/ReportStore.js";

/** Where replay's dead letters of an endpoint and schedule go, as a key of the report store. */
export function deadLetterKey(endpoint: string, schedule: string): string {
  return `dead-letter/${endpoint}/${schedule}/dead-letter.jsonl`;
}

/**
 * Dead letters of one replay run as JSON lines ({reason, detail, position, record}; see fileEntry) in
 * `<reports>/dead-letter/<endpoint>/<schedule>/dead-letter.jsonl`. Written to a staged local file
 * as they come (memory stays bounded; ReportStore.stage: beside the target in a local folder, a
 * temporary folder for S3) and made the target whole when the run ends, so the file is always
 * complete and a run repeated on the same input writes the same bytes. One run, one file: a later
 * run replaces it. With no dead letters, no file is left.
 */
export class FileDeadLetterSink implements DeadLetterSink {
  /** The file's path or s3:// URI. */
  readonly file: string;
  readonly #store: ReportStore;
  readonly #key: string;
  #staged: StagedFile | undefined;
  #out: WriteStream | undefined;
  /** The first error of the stream (a full disk), reported by the next write or close. */
  #failed: Error | undefined;
  #count = 0;

  constructor(store: ReportStore, endpoint: string, schedule: string) {
    this.#store = store;
    this.#key = deadLetterKey(endpoint, schedule);
    this.file = store.locate(this.#key);
  }

  get description(): string {
    return `dead-letter file ${this.file}`;
  }

  get count(): number {
    return this.#count;
  }

  async write(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    if (this.#out === undefined) {
      const staged = await this.#store.stage(this.#key);
      const out = createWriteStream(staged.file, { flags: "wx" });
      out.on("error", (e) => (this.#failed ??= e));
      this.#staged = staged;
      this.#out = out;
    }
    const text = letters.map((l) => `${JSON.stringify(fileEntry(l))}\n`).join("");
    this.#count += letters.length;
    const out = this.#out;
    if (!out.write(text))
      await new Promise<void>((resolve) => {
        const done = (): void => {
          out.off("drain", done);
          out.off("error", done);
          resolve();
        };
        out.once("drain", done);
        out.once("error", done);
      });
    await this.#check();
  }

  /** Completes the file (staged file committed); removes a previous run's file when this run had none. */
  async close(): Promise<void> {
    const out = this.#out;
    const staged = this.#staged;
    if (out === undefined || staged === undefined) {
      await this.#store.delete(this.#key);
      return;
    }
    this.#out = undefined;
    this.#staged = undefined;
    try {
      await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
      await this.#check();
      await staged.commit();
    } catch (e) {
      await staged.discard().catch(() => undefined);
      throw e instanceof WriteError
        ? e
        : new WriteError(this.file, `cannot write: ${describeFsError(e)}`, { systemCode: (e as NodeJS.ErrnoException).code, cause: e });
    }
  }

  async #check(): Promise<void> {
    const e = this.#failed;
    if (e === undefined) return;
    this.#out?.destroy();
    this.#out = undefined;
    await this.#staged?.discard().catch(() => undefined);
    this.#staged = undefined;
    throw new WriteError(this.file, `cannot write: ${describeFsError(e)}`, { systemCode: (e as NodeJS.ErrnoException).code, cause: e });
  }
}

/**
 * A dead letter as a JSON line: the record as text; a record that is not text (binary, or cut at
 * max_record_bytes) as `record_base64` of its bytes instead, with `record_bytes` (its whole size)
 * and `truncated` when only its beginning was kept.
 */
export function fileEntry(l: DeadLetter): Record<string, unknown> {
  const entry: Record<string, unknown> = { reason: l.reason, detail: l.detail, position: l.position };
  if (l.record !== "" || l.bytes === undefined || l.bytes.length === 0) entry["record"] = l.record;
  else entry["record_base64"] = l.bytes.toString("base64");
  if (l.originalSize !== undefined) {
    entry["record_bytes"] = l.originalSize;
    entry["truncated"] = true;
  }
  return entry;
}
