import { randomBytes } from "node:crypto";
import { lstat, mkdir, open, readFile, rename, rm, stat, type FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type * as z from "zod";
import { DqstreamError } from "../errors/DqstreamError.js";

/** A file that could not be read, parsed or validated; the message names file, JSON path and expectation. */
export class FormatError extends DqstreamError {
  readonly file: string;
  constructor(file: string, message: string) {
    super("format", `${file}: ${message}`);
    this.name = "FormatError";
    this.file = file;
  }
}

/** `$.features[3].numerical_statistics.mean` from a zod issue path. */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = "$";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : `.${String(p)}`;
  return out;
}

/** Formats zod issues as `$.path: message` lines, at most `limit` of them. */
export function describeIssues(error: z.ZodError, limit = 5): string {
  const lines = error.issues.slice(0, limit).map((i) => `${jsonPath(i.path)}: ${i.message}`);
  if (error.issues.length > limit) lines.push(`… and ${error.issues.length - limit} more`);
  return lines.join("; ");
}

export function parseWith<S extends z.ZodType>(file: string, schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new FormatError(file, describeIssues(result.error));
  return result.data;
}

/** Reads a JSON file and validates it; every failure is a FormatError naming the file. */
export async function readJsonFile<S extends z.ZodType>(file: string, schema: S): Promise<z.output<S>> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new FormatError(file, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseJsonText(file, text, schema);
}

/** JSON text read from `file` (a path or an s3:// URI), validated by `schema`; FormatErrors name the file. */
export function parseJsonText<S extends z.ZodType>(file: string, text: string, schema: S): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new FormatError(file, `not valid JSON: ${(e as Error).message}`);
  }
  return parseWith(file, schema, value);
}

/**
 * Pretty-printed JSON with a final newline: the one format of every file we write. Objects and
 * arrays of objects take one line per member with a 2-space indent (SageMaker's layout); arrays
 * of numbers, strings, booleans and nulls stay on one line, so a KLL sketch's levels do not take
 * a line per item. Key order is insertion order: the same value always prints the same bytes.
 */
export function formatJson(value: unknown): string {
  return `${pretty(value, "")}\n`;
}

function pretty(value: unknown, indent: string): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return pretty((value as { toJSON(): unknown }).toJSON(), indent);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    // numbers (a KLL level's items): one native stringify, whose number texts hold no comma
    if (value.every((v) => typeof v === "number")) return JSON.stringify(value).replaceAll(",", ", ");
    if (value.every((v) => v === null || typeof v !== "object")) return `[${value.map((v) => JSON.stringify(v) ?? "null").join(", ")}]`;
    return `[\n${value.map((v) => inner + pretty(v, inner)).join(",\n")}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined && typeof v !== "function");
  if (entries.length === 0) return "{}";
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${pretty(v, inner)}`).join(",\n")}\n${indent}}`;
}

/**
 * A file or folder that could not be written: the message names the path and why
 * (`out/statistics.json: cannot write: no space left on device (ENOSPC)`).
 */
export class WriteError extends DqstreamError {
  readonly file: string;
  /** The system's error code (ENOSPC, ENOTDIR, …), when there is one. */
  readonly systemCode: string | undefined;
  constructor(file: string, message: string, options?: { systemCode?: string | undefined; cause?: unknown }) {
    super("write", `${file}: ${message}`, { cause: options?.cause });
    this.name = "WriteError";
    this.file = file;
    this.systemCode = options?.systemCode;
  }
}

/** Why a file-system call failed, in words, with its code: `no space left on device (ENOSPC)`. */
export function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const words: Record<string, string> = {
    ENOSPC: "no space left on device",
    EDQUOT: "disk quota exceeded",
    EACCES: "permission denied",
    EPERM: "operation not permitted",
    EROFS: "read-only file system",
    EISDIR: "a folder is in the way",
    ENOTEMPTY: "a folder is in the way",
    EEXIST: "something is in the way",
    ENOTDIR: "a file is in the way of a folder",
    ENOENT: "no such file or folder",
    ENAMETOOLONG: "name too long",
    EMFILE: "too many open files",
    EIO: "input/output error",
  };
  if (typeof err?.code === "string") return `${words[err.code] ?? err.message} (${err.code})`;
  return err instanceof Error ? err.message : String(e);
}

/**
 * Creates a folder and its missing parents. Unlike `mkdir(dir, { recursive: true })`, it
 * returns on every file system: Node's never returns where mkdir fails with ENOENT under an
 * existing parent (/proc). Throws a WriteError naming `file` (what the folder is for) and the
 * path in the way as the caller spelled it.
 */
export async function makeFolder(dir: string, file: string = dir): Promise<string[]> {
  const missing: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    let isFolder: boolean;
    try {
      isFolder = (await stat(d)).isDirectory();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // ENOTDIR: a file is in the way further up, which the walk up then names
      if ((code !== "ENOENT" && code !== "ENOTDIR") || dirname(d) === d)
        throw new WriteError(file, `cannot write: cannot create folder ${d}: ${describeFsError(e)}`, { systemCode: code, cause: e });
      missing.push(d);
      continue;
    }
    if (!isFolder) throw new WriteError(file, `cannot write: ${d} is a file, not a folder`, { systemCode: "ENOTDIR" });
    break;
  }
  const made: string[] = [];
  for (const d of [...missing].reverse()) {
    try {
      await mkdir(d);
      made.unshift(d);
    } catch (e) {
      // another writer made it meanwhile
      if ((e as NodeJS.ErrnoException).code === "EEXIST" && (await stat(d)).isDirectory()) continue;
      throw new WriteError(file, `cannot write: cannot create folder ${d}: ${describeFsError(e)}`, { systemCode: (e as NodeJS.ErrnoException).code, cause: e });
    }
  }
  return made;
}

/** Writes `data` to a new temporary file beside `file`, flushed to disk; removes it again on failure. */
async function writeTemporary(file: string, data: string | Uint8Array): Promise<string> {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  let handle: FileHandle | undefined;
  try {
    handle = await open(tmp, "wx");
    await handle.writeFile(data);
    await handle.datasync();
    await handle.close();
    handle = undefined;
    return tmp;
  } catch (e) {
    await handle?.close().catch(() => undefined);
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new WriteError(file, `cannot write: ${describeFsError(e)}`, { systemCode: (e as NodeJS.ErrnoException).code, cause: e });
  }
}

/**
 * Writes a file atomically and durably: a temporary file in the same folder, flushed to disk
 * (fdatasync), renamed over the target, then the folder flushed (where the platform allows), so a
 * reader, a process crash or a power loss never sees a partial file, and once this resolves the
 * file survives them. The temporary name is unique per call, so writers on several machines
 * sharing the folder never write into each other's temporary file. On failure the temporary file
 * is removed, the target is as it was, and the WriteError names the target.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await writeFilesAtomic([[file, data]]);
}

/**
 * writeFileAtomic for several files that belong together (a baseline's three): every file is
 * written and flushed to its temporary file first, and the targets are replaced only when all
 * were — a failure while writing (a full disk) replaces none of them. The renames themselves are
 * one after the other: a crash between two leaves some replaced, each one whole.
 */
export async function writeFilesAtomic(files: ReadonlyArray<readonly [file: string, data: string | Uint8Array]>): Promise<void> {
  const written: Array<[file: string, tmp: string]> = [];
  try {
    for (const [file, data] of files) {
      await makeFolder(dirname(file), file);
      written.push([file, await writeTemporary(file, data)]);
    }
    // a folder where a file goes fails its rename: find it before anything is replaced
    for (const [file] of written) {
      const existing = await lstat(file).catch(() => undefined);
      if (existing?.isDirectory() === true) throw new WriteError(file, `cannot write: a folder is in the way (EISDIR)`, { systemCode: "EISDIR" });
    }
    while (written.length > 0) {
      const [file, tmp] = written[0] as [string, string];
      try {
        await rename(tmp, file);
      } catch (e) {
        throw new WriteError(file, `cannot write: ${describeFsError(e)}`, { systemCode: (e as NodeJS.ErrnoException).code, cause: e });
      }
      written.shift();
      await syncFolder(dirname(file));
    }
  } finally {
    for (const [, tmp] of written) await rm(tmp, { force: true }).catch(() => undefined);
  }
}

/** fsync of a folder, so a rename in it is durable; some platforms and file systems refuse it. */
export async function syncFolder(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, "r");
    await handle.sync();
  } catch {
    // EISDIR / EPERM / EINVAL on platforms that cannot fsync a folder: the rename is still atomic
  } finally {
    await handle?.close();
  }
}

export async function writeJsonFile(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, formatJson(value));
}
