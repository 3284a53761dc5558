import { randomBytes } from "node:crypto";
import { mkdir, open, readdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { describeFsError, makeFolder, syncFolder, WriteError } from "./jsonFile.js";

/** Attempts at swapping a folder in while other writers of the same folder do the same. */
const MAX_SWAPS = 50;

/**
 * Publishes a set of files as one folder, all or nothing: they are written and flushed (fdatasync)
 * in a hidden staging folder beside the target, which is then renamed into place. A target that
 * exists is first renamed aside and removed after the swap, so a reader never finds a mix of two
 * versions' files (a window's statistics.json from one run and window.json from another), only
 * the old version, the new one, or, for the instant between the two renames, no folder. A crash
 * leaves at most a hidden `.<name>.<random>.staging` or `.old` folder, never a half-written
 * target. Folders inside the target that are not among `files` (the minute folders of windows
 * shorter than an hour, below an hour's folder) are carried over into the new version. Writers of
 * the same folder may race: each retries its swap, and the folder ends up as one of their versions,
 * whole.
 */
export async function publishFolder(target: string, files: ReadonlyArray<readonly [name: string, data: string | Uint8Array]>): Promise<void> {
  const parent = dirname(target);
  const name = basename(target);
  await makeFolder(parent, target);
  const unique = (): string => `${process.pid}.${randomBytes(4).toString("hex")}`;
  const staging = join(parent, `.${name}.${unique()}.staging`);
  try {
    await mkdir(staging);
  } catch (e) {
    throw new WriteError(target, `cannot write: ${describeFsError(e)}`, { systemCode: (e as NodeJS.ErrnoException).code, cause: e });
  }
  try {
    for (const [file, data] of files) {
      const handle = await open(join(staging, file), "w");
      try {
        await handle.writeFile(data);
        await handle.datasync();
      } finally {
        await handle.close();
      }
    }
    await syncFolder(staging);
    for (let attempt = 1; ; attempt++) {
      try {
        await rename(staging, target);
        break;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if ((code !== "ENOTEMPTY" && code !== "EEXIST") || attempt >= MAX_SWAPS) throw e;
      }
      // the target exists: carry its subfolders over, move it aside, and try again
      const aside = join(parent, `.${name}.${unique()}.old`);
      try {
        await carrySubfolders(target, staging, new Set(files.map(([f]) => f)));
        await rename(target, aside);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e; // another writer moved it first
        continue;
      }
      await rm(aside, { recursive: true, force: true });
    }
    await syncFolder(parent);
  } catch (e) {
    await rm(staging, { recursive: true, force: true }).catch(() => undefined);
    throw e instanceof WriteError
      ? e
      : new WriteError(target, `cannot write: ${describeFsError(e)}`, { systemCode: (e as NodeJS.ErrnoException).code, cause: e });
  }
}

/** Moves the folders inside `from` that `to` lacks (and that are not published files) into `to`. */
async function carrySubfolders(from: string, to: string, published: ReadonlySet<string>): Promise<void> {
  for (const entry of await readdir(from, { withFileTypes: true })) {
    if (!entry.isDirectory() || published.has(entry.name) || entry.name.startsWith(".")) continue;
    try {
      await rename(join(from, entry.name), join(to, entry.name));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTEMPTY" && code !== "EEXIST") throw e;
    }
  }
}
