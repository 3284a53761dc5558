import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { formatJson, writeFileAtomic, writeJsonFile } from "../../src/formats/jsonFile.js";

describe("writeFileAtomic", () => {
  it("creates the folder, writes the content and leaves no temporary file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "dq-atomic-"));
    const file = join(dir, "a", "b", "x.json");
    await writeJsonFile(file, { b: [1, 2], a: "x" });
    expect(await readFile(file, "utf8")).toBe('{\n  "b": [1, 2],\n  "a": "x"\n}\n');
    expect(await readdir(join(dir, "a", "b"))).toEqual(["x.json"]);
  });

  it("concurrent writers of one file (instances sharing a folder) each write a whole file: the last rename wins, nothing is mixed", async () => {
    const dir = await mkdtemp(join(tmpdir(), "dq-atomic-"));
    const file = join(dir, "report.json");
    const contents = Array.from({ length: 20 }, (_, i) => String(i).repeat(200_000));
    await Promise.all(contents.map((c) => writeFileAtomic(file, c)));
    expect(contents).toContain(await readFile(file, "utf8"));
    expect(await readdir(dir)).toEqual(["report.json"]);
  });
});

describe("formatJson's arrays of numbers", () => {
  it("print as the general rule prints them: JSON texts joined by ', ' (non-finite as null, −0 as 0)", () => {
    const general = (xs: readonly unknown[]): string => `[${xs.map((v) => JSON.stringify(v) ?? "null").join(", ")}]\n`;
    fc.assert(
      fc.property(fc.array(fc.double()), (xs) => {
        expect(formatJson(xs)).toBe(general(xs));
      }),
    );
    expect(formatJson([1, -0, 1e21, 5e-324, Number.NaN, Number.POSITIVE_INFINITY])).toBe("[1, 0, 1e+21, 5e-324, null, null]\n");
  });
});
