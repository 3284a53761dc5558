/**
 * Where a run's reports live: a local folder (one machine) or an S3 prefix (several machines, and
 * anything that reads reports elsewhere). Keys are `/`-separated paths below the store's root,
 * SageMaker's layout: `<endpoint>/<schedule>/YYYY/MM/DD/HH[/mm]/statistics.json`.
 *
 * Contracts every implementation keeps (test/sinks/reportStore/reportStore.test.ts runs them on
 * both):
 * - `publish` writes a folder's files so that the LAST file listed (window.json) appearing means
 *   every other file of that version is there: readers take a folder as complete by its last file.
 *   Writing the same files again writes the same bytes (idempotent).
 * - `put` replaces one file whole: a reader sees the old bytes or the new, never a mix.
 * - `list` returns the keys below a folder, relative to it, sorted, without dqstream's hidden
 *   temporary entries (names starting with "."); a folder that does not exist lists empty.
 * - Writes throw WriteError, reads and lists FormatError, naming the location (`locate`).
 */
export interface ReportStore {
  /** "reports folder /srv/reports" or "reports s3://bucket/prefix", for errors, logs and /readyz. */
  readonly description: string;
  /** The local root folder, or undefined for an object store (no folder locks, no local paths). */
  readonly localRoot: string | undefined;
  /** What a key is called for people and hooks: a local path or an s3:// URI. */
  locate(key: string): string;
  /** Before a run: proves the store can be written (a probe written and removed), or throws WriteError naming `label`. */
  check(label: string): Promise<void>;
  publish(folder: string, files: ReadonlyArray<readonly [name: string, data: string | Uint8Array]>): Promise<void>;
  put(key: string, data: string | Uint8Array): Promise<void>;
  /** The file's bytes, or undefined when there is none. */
  read(key: string): Promise<Uint8Array | undefined>;
  list(folder: string): Promise<string[]>;
  /** The names of the folders right below `folder`, sorted, without hidden ones; none when it does not exist. */
  folders(folder: string): Promise<string[]>;
  /** Removes one file (absent: no error). */
  delete(key: string): Promise<void>;
  /** Removes a folder and everything below it (absent: no error). */
  deleteFolder(folder: string): Promise<void>;
  /**
   * A local file to write `key`'s content into, as it comes (bounded memory); `commit` makes it
   * `key` whole, `discard` drops it. Until commit, readers of `key` see its previous version.
   */
  stage(key: string): Promise<StagedFile>;
}

export interface StagedFile {
  readonly file: string;
  commit(): Promise<void>;
  discard(): Promise<void>;
}
