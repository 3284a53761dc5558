import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename } from "node:fs/promises";
import { dirname, join, basename } from "node:path";
import type * as z from "zod";

/** A file that could not be read, parsed or validated; the message names file, JSON path and expectation. */
export class FormatError extends Error {
  readonly file: string;
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
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
    if (value.every((v) => v === null || typeof v !== "object")) return `[${value.map((v) => JSON.stringify(v) ?? "null").join(", ")}]`;
    return `[\n${value.map((v) => inner + pretty(v, inner)).join(",\n")}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined && typeof v !== "function");
  if (entries.length === 0) return "{}";
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${pretty(v, inner)}`).join(",\n")}\n${indent}}`;
}

/**
 * Writes a file atomically and durably: a temporary file in the same folder, flushed to disk
 * (fdatasync), renamed over the target, then the folder flushed (where the platform allows), so a
 * reader, a process crash or a power loss never sees a partial file, and once this resolves the
 * file survives them. The temporary name is unique per call, so writers on several machines
 * sharing the folder never write into each other's temporary file.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const handle = await open(tmp, "w");
  try {
    await handle.writeFile(data);
    await handle.datasync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
  await syncFolder(dir);
}

/** fsync of a folder, so a rename in it is durable; some platforms and file systems refuse it. */
async function syncFolder(dir: string): Promise<void> {
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
