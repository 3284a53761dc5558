import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { access, open, rm, rmdir, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { describeFsError, makeFolder, WriteError } from "./jsonFile.js";

/**
 * Checks, before a command does its work, that its output folder can be written, so that an
 * hour of profiling or consuming does not end in "cannot write". `label` names the setting in
 * errors (`--reports r`, `reports_dir r`). With `create` the folder is made and a hidden probe
 * file created in it, then both removed again (the command makes the folder when it writes); without, only
 * the nearest existing folder on its path is checked (dqstream baseline writes nothing when it
 * fails). Throws a WriteError (exit 1).
 */
export async function checkOutputFolder(dir: string, label: string, create: boolean): Promise<void> {
  const where = `${label} ${dir}`;
  if (create) {
    const made = await makeFolder(dir, where);
    const probe = join(dir, `.dqstream-probe.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
    try {
      await (await open(probe, "wx")).close();
    } catch (e) {
      throw new WriteError(where, `cannot write: ${describeFsError(e)}`, { systemCode: (e as NodeJS.ErrnoException).code, cause: e });
    } finally {
      await rm(probe, { force: true });
      // the folders made for the probe go again: the command makes them when it writes, and one
      // that fails before (an invalid baseline) leaves nothing behind
      for (const d of made) await rmdir(d).catch(() => undefined);
    }
    return;
  }
  for (let d = dir; ; d = dirname(d)) {
    let isFolder: boolean;
    try {
      isFolder = (await stat(d)).isDirectory();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if ((code === "ENOENT" || code === "ENOTDIR") && dirname(d) !== d) continue;
      throw new WriteError(where, `cannot write: ${describeFsError(e)}`, { systemCode: code, cause: e });
    }
    if (!isFolder) throw new WriteError(where, `cannot write: ${d} is a file, not a folder`, { systemCode: "ENOTDIR" });
    try {
      await access(d, constants.W_OK | constants.X_OK);
    } catch (e) {
      throw new WriteError(where, `cannot write in ${d}: ${describeFsError(e)}`, { systemCode: (e as NodeJS.ErrnoException).code, cause: e });
    }
    return;
  }
}
