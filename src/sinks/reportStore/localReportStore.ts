import { randomBytes } from "node:crypto";
import { readdir, readFile, rename, rm } from "node:fs/promises";
import { basename, dirname, join, sep } from "node:path";
import { checkOutputFolder } from "../../formats/outputFolder.js";
import { FormatError, makeFolder, writeFileAtomic } from "../../formats/jsonFile.js";
import { publishFolder } from "../../formats/publishFolder.js";
import type { ReportStore, StagedFile } from "./ReportStore.js";

const isHidden = (relative: string): boolean => relative.split("/").some((s) => s.startsWith("."));

/**
 * Reports in a local folder. publish swaps a whole folder in (publishFolder: a reader never sees
 * two versions' files mixed), put writes a temporary file and renames it, every file is flushed
 * (fdatasync) before it is renamed into place.
 */
export class LocalReportStore implements ReportStore {
  readonly localRoot: string;

  constructor(root: string) {
    this.localRoot = root;
  }

  get description(): string {
    return `reports folder ${this.localRoot}`;
  }

  locate(key: string): string {
    return key === "" ? this.localRoot : join(this.localRoot, ...key.split("/"));
  }

  check(label: string): Promise<void> {
    return checkOutputFolder(this.localRoot, label, true);
  }

  publish(folder: string, files: ReadonlyArray<readonly [name: string, data: string | Uint8Array]>): Promise<void> {
    return publishFolder(this.locate(folder), files);
  }

  put(key: string, data: string | Uint8Array): Promise<void> {
    return writeFileAtomic(this.locate(key), data);
  }

  async read(key: string): Promise<Uint8Array | undefined> {
    try {
      return await readFile(this.locate(key));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return undefined;
      throw new FormatError(this.locate(key), `cannot read: ${code ?? (e as Error).message}`);
    }
  }

  async list(folder: string): Promise<string[]> {
    let entries: import("node:fs").Dirent[];
    try {
      entries = await readdir(this.locate(folder), { recursive: true, withFileTypes: true });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") return [];
      throw new FormatError(this.locate(folder), `cannot list: ${code ?? (e as Error).message}`);
    }
    const root = this.locate(folder);
    const out: string[] = [];
    for (const e of entries) {
      if (!e.isFile()) continue;
      const full = join(e.parentPath, e.name);
      const relative = full
        .slice(root.length + 1)
        .split(sep)
        .join("/");
      if (!isHidden(relative)) out.push(relative);
    }
    return out.sort();
  }

  async folders(folder: string): Promise<string[]> {
    try {
      const entries = await readdir(this.locate(folder), { withFileTypes: true });
      return entries
        .filter((e) => e.isDirectory() && !e.name.startsWith("."))
        .map((e) => e.name)
        .sort();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") return [];
      throw new FormatError(this.locate(folder), `cannot list: ${code ?? (e as Error).message}`);
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.locate(key), { force: true });
  }

  async deleteFolder(folder: string): Promise<void> {
    await rm(this.locate(folder), { recursive: true, force: true });
  }

  async stage(key: string): Promise<StagedFile> {
    const target = this.locate(key);
    await makeFolder(dirname(target), target);
    // beside its target (one rename, same file system), unique per run: the folder may be shared
    const file = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
    return {
      file,
      commit: () => rename(file, target),
      discard: () => rm(file, { force: true }),
    };
  }
}
