import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, ROOT, runCli } from "../support/cli.js";

/**
 * The hostile-input suite, `dqstream baseline`: inputs that hold no usable row, and arguments
 * that would exhaust the machine.
 */

const SMALL_CSV = join(ROOT, "test/fixtures/datasets/small.csv");

let tmp = "";
beforeAll(async () => {
  ensureBuilt();
  tmp = await mkdtemp(join(tmpdir(), "dqstream-hostile-baseline-"));
});
afterAll(async () => {
  if (tmp !== "") await rm(tmp, { recursive: true, force: true });
});

let n = 0;
async function input(name: string, content: string | Buffer): Promise<string> {
  const dir = join(tmp, `in-${++n}`);
  await mkdir(dir, { recursive: true });
  const file = join(dir, name);
  await writeFile(file, content);
  return file;
}
const fresh = (): string => join(tmp, `out-${++n}`);

describe("15: a baseline of no rows is an error, and writes nothing", () => {
  it("15: empty input, closed stdin, a header-only CSV, blank lines, rows without keys: exit 1 naming the input and why, no output folder", async () => {
    const empty = await input("empty.csv", "");
    const headerOnly = await input("header.csv", "a,b,c\n");
    const blank = await input("blank.jsonl", "\n\n   \n");
    const emptyGz = await input("empty.csv.gz", gzipSync(Buffer.alloc(0)));
    const emptyObjects = await input("objects.jsonl", '{}\n{"a\n{"a": {}}\n');
    const cases: Array<[string[], string | undefined, RegExp]> = [
      [["--dataset", empty, "--format", "csv"], undefined, new RegExp(`^error: ${escapeRegExp(empty)}: no rows profiled: the input is empty\\n$`)],
      [["--dataset", empty, "--format", "jsonl"], undefined, /: no rows profiled: the input is empty\n$/],
      [["--dataset", emptyGz, "--format", "csv"], undefined, /: no rows profiled: the input is empty\n$/],
      [["--dataset", "-", "--format", "csv"], "", /^error: stdin: no rows profiled: the input is empty\n$/],
      [["--dataset", "-", "--format", "jsonl"], "", /^error: stdin: no rows profiled: the input is empty\n$/],
      [["--dataset", headerOnly, "--format", "csv"], undefined, /: no rows profiled: only a header line \(3 columns\)\n$/],
      [["--dataset", headerOnly, "--format", "csv", "--threads", "2"], undefined, /: no rows profiled: only a header line \(3 columns\)\n$/],
      [["--dataset", blank, "--format", "jsonl"], undefined, /: no rows profiled: only blank lines\n$/],
      [
        ["--dataset", emptyObjects, "--format", "jsonl"],
        undefined,
        /: no features profiled: 2 rows, none with a key; 1 line skipped: 1 × invalid JSON \(line 2\)\n$/,
      ],
    ];
    for (const [args, stdin, message] of cases) {
      const out = fresh();
      const r = runCli(tmp, ["baseline", ...args, "--output", out], stdin);
      expect(r.status, `${args.join(" ")}: ${r.stderr}`).toBe(1);
      expect(r.stderr, args.join(" ")).toMatch(message);
      expect(existsSync(out), args.join(" ")).toBe(false);
    }
  });

  it("15: every line malformed: exit 1 with the skip reasons and their counts, nothing written", async () => {
    const invalid = await input("invalid.jsonl", "{not json\n".repeat(744));
    const mixed = await input("mixed.jsonl", `${"[1, 2]\n".repeat(3)}${"{oops\n".repeat(5)}null\n`);
    const csv = await input("short.csv", `a,b,c\n${"1,2\n".repeat(10)}`);
    const cases: Array<[string[], RegExp]> = [
      [
        ["--dataset", invalid, "--format", "jsonl"],
        /^error: .*invalid\.jsonl: no rows profiled: 744 lines skipped: 744 × invalid JSON \(lines 1, 2, 3, 4, 5, …\)\n$/,
      ],
      [
        ["--dataset", mixed, "--format", "jsonl"],
        /: no rows profiled: 9 lines skipped: 5 × invalid JSON \(lines 4, 5, 6, 7, 8\), 4 × not a JSON object \(lines 1, 2, 3, 9\)\n$/,
      ],
      [["--dataset", csv, "--format", "csv"], /: no rows profiled: 10 lines skipped: 10 × wrong field count \(lines 2, 3, 4, 5, 6, …\)\n$/],
      [["--dataset", csv, "--format", "csv", "--threads", "2"], /: no rows profiled: 10 lines skipped: 10 × wrong field count \(lines 2, 3, 4, 5, 6, …\)\n$/],
    ];
    for (const [args, message] of cases) {
      const out = fresh();
      const r = runCli(tmp, ["baseline", ...args, "--output", out]);
      expect(r.status, `${args.join(" ")}: ${r.stderr}`).toBe(1);
      expect(r.stderr, args.join(" ")).toMatch(message);
      expect(existsSync(out), args.join(" ")).toBe(false);
    }
  });

  it("15: an earlier baseline in --output is left untouched by a run that profiles no rows", async () => {
    const out = fresh();
    expect(runCli(tmp, ["baseline", "--dataset", SMALL_CSV, "--format", "csv", "--output", out]).status).toBe(0);
    const before = await snapshot(out);
    expect(Object.keys(before)).toEqual(["baseline.json", "constraints.json", "statistics.json"]);
    const r = runCli(tmp, ["baseline", "--dataset", "-", "--format", "csv", "--output", out], "a,b\n");
    expect(r.status, r.stderr).toBe(1);
    expect(await snapshot(out)).toEqual(before);
  });
});

/** Every file of a folder with its content. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of (await readdir(dir)).sort()) out[f] = await readFile(join(dir, f), "utf8");
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("16d: arguments that would exhaust the machine", () => {
  it("16d: --threads outside 1 to 16 is refused (exit 2) naming the flag and the range, before any thread starts", async () => {
    for (const threads of ["1000", "17", "0", "-1", "2.5", "1e3", "0x4", "two", ""]) {
      const out = fresh();
      const r = runCli(tmp, ["baseline", "--dataset", SMALL_CSV, "--format", "csv", "--output", out, "--threads", threads]);
      expect(r.status, `--threads ${threads}: ${r.stderr}`).toBe(2);
      expect(r.stderr, `--threads ${threads}`).toContain(`--threads must be an integer from 1 to 16, got "${threads}"`);
      expect(existsSync(out)).toBe(false);
    }
    const one = fresh();
    const sixteen = fresh();
    expect(runCli(tmp, ["baseline", "--dataset", SMALL_CSV, "--format", "csv", "--output", one, "--threads", "1"]).status).toBe(0);
    expect(runCli(tmp, ["baseline", "--dataset", SMALL_CSV, "--format", "csv", "--output", sixteen, "--threads", "16"]).status).toBe(0);
    expect(await readFile(join(sixteen, "statistics.json"), "utf8")).toBe(await readFile(join(one, "statistics.json"), "utf8"));
  });

  it("16d: --category-cap outside 1 to 1,000,000 (the config's category_cap range) is refused the same way", () => {
    for (const cap of ["0", "1000001", "99999999999", "1e3"]) {
      const r = runCli(tmp, ["baseline", "--dataset", SMALL_CSV, "--format", "csv", "--output", fresh(), "--category-cap", cap]);
      expect(r.status, `--category-cap ${cap}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(`--category-cap must be an integer from 1 to 1000000, got "${cap}"`);
    }
  });
});
