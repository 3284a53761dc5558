import { existsSync } from "node:fs";
import { mkdir, mkdtemp, open, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { writeFileAtomic, writeFilesAtomic, WriteError } from "../../src/formats/jsonFile.js";
import { ensureBuilt, ROOT, runCli } from "../support/cli.js";

/**
 * The hostile-input suite, files dqstream writes: a write that fails names its path, leaves no
 * temporary file and replaces nothing.
 */

const SMALL_CSV = join(ROOT, "test/fixtures/datasets/small.csv");

let tmp = "";
beforeAll(async () => {
  ensureBuilt();
  tmp = await mkdtemp(join(tmpdir(), "dqstream-hostile-files-"));
});
afterAll(async () => {
  if (tmp !== "") await rm(tmp, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

let n = 0;
async function folder(): Promise<string> {
  const dir = join(tmp, `d-${++n}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** The error a promise rejects with (it must reject). */
async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a rejection");
}

/** The prototype of the FileHandle objects fs/promises returns, to inject failures into its methods. */
async function fileHandlePrototype(dir: string): Promise<object> {
  const handle = await open(join(dir, "probe"), "w");
  await handle.close();
  await rm(join(dir, "probe"));
  return Object.getPrototypeOf(handle) as object;
}

function enospc(syscall: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOSPC: no space left on device, ${syscall}`), { code: "ENOSPC", errno: -28, syscall });
}

describe("16f: a failed write names its path and leaves no temporary file", () => {
  it("16f: the target is a non-empty folder (the rename fails, also as root)", async () => {
    const dir = await folder();
    await mkdir(join(dir, "x.json"));
    await writeFile(join(dir, "x.json", "inside"), "keep");
    const e = await rejection(writeFileAtomic(join(dir, "x.json"), "{}\n"));
    expect(e).toBeInstanceOf(WriteError);
    expect(e.message).toMatch(new RegExp(`^${join(dir, "x.json")}: cannot write: .*\\((EISDIR|ENOTEMPTY|EEXIST)\\)$`));
    expect(await readdir(dir)).toEqual(["x.json"]);
    expect(await readFile(join(dir, "x.json", "inside"), "utf8")).toBe("keep");
  });

  it("16f: writing or flushing fails (disk full, injected): the temporary file is removed, the old file stays", async () => {
    for (const method of ["writeFile", "datasync"] as const) {
      const dir = await folder();
      const file = join(dir, "report.json");
      await writeFile(file, "old\n");
      vi.spyOn((await fileHandlePrototype(dir)) as Record<string, () => Promise<void>>, method).mockRejectedValueOnce(
        enospc(method === "writeFile" ? "write" : "fdatasync"),
      );
      const e = await rejection(writeFileAtomic(file, "new\n"));
      expect(e).toBeInstanceOf(WriteError);
      expect(e.message).toBe(`${file}: cannot write: no space left on device (ENOSPC)`);
      expect((e as WriteError).systemCode).toBe("ENOSPC");
      expect(await readdir(dir), method).toEqual(["report.json"]);
      expect(await readFile(file, "utf8")).toBe("old\n");
    }
  });

  it("16f: its folder cannot be created: a file is in the way, or a file system refuses it (/proc)", async () => {
    const dir = await folder();
    await writeFile(join(dir, "a"), "a file");
    const e = await rejection(writeFileAtomic(join(dir, "a", "b", "x.json"), "{}\n"));
    expect(e).toBeInstanceOf(WriteError);
    expect(e.message).toBe(`${join(dir, "a", "b", "x.json")}: cannot write: ${join(dir, "a")} is a file, not a folder`);
    expect(await readdir(dir)).toEqual(["a"]);
    // Node's recursive mkdir never returns on /proc (it retries the parent forever)
    if (existsSync("/proc/self")) {
      const p = await rejection(writeFileAtomic("/proc/dqstream-no-such/x.json", "{}\n"));
      expect(p).toBeInstanceOf(WriteError);
      expect(p.message).toMatch(/^\/proc\/dqstream-no-such\/x\.json: cannot write: cannot create folder \/proc\/dqstream-no-such: /);
    }
  });

  it("16f: several files are replaced only when every one of them was written: a failure replaces none", async () => {
    const dir = await folder();
    const files = ["statistics.json", "constraints.json", "baseline.json"].map((f) => join(dir, f));
    for (const f of files) await writeFile(f, `old ${f}\n`);
    vi.spyOn((await fileHandlePrototype(dir)) as Record<string, () => Promise<void>>, "datasync")
      .mockResolvedValueOnce()
      .mockResolvedValueOnce()
      .mockRejectedValueOnce(enospc("fdatasync"));
    const e = await rejection(writeFilesAtomic(files.map((f) => [f, `new ${f}\n`] as const)));
    expect(e).toBeInstanceOf(WriteError);
    expect(e.message).toBe(`${files[2]}: cannot write: no space left on device (ENOSPC)`);
    expect((await readdir(dir)).sort()).toEqual(["baseline.json", "constraints.json", "statistics.json"]);
    for (const f of files) expect(await readFile(f, "utf8")).toBe(`old ${f}\n`);
    await writeFilesAtomic(files.map((f) => [f, `new ${f}\n`] as const));
    for (const f of files) expect(await readFile(f, "utf8")).toBe(`new ${f}\n`);
    expect((await readdir(dir)).sort()).toEqual(["baseline.json", "constraints.json", "statistics.json"]);
  });

  it("16f: dqstream baseline whose --output holds a folder named statistics.json: exit 1, one line naming it, no temporary file, the rest untouched", async () => {
    const out = await folder();
    await mkdir(join(out, "statistics.json", "x"), { recursive: true });
    await writeFile(join(out, "constraints.json"), "earlier\n");
    const r = runCli(tmp, ["baseline", "--dataset", SMALL_CSV, "--format", "csv", "--output", out]);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error: ${join(out, "statistics.json")}: cannot write: .*\\n$`));
    expect((await readdir(out)).sort()).toEqual(["constraints.json", "statistics.json"]);
    expect(await readFile(join(out, "constraints.json"), "utf8")).toBe("earlier\n");
  });
});
