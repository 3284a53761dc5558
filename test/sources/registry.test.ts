// The bounded-source registry and the Source contract as replay uses it: a new source is a
// definition (here an in-memory one, as an S3 or HTTP source would be) chosen by its inputs.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { PartitionKey } from "../../src/records/SourceRecord.js";
import { fileCaptureSource } from "../../src/sources/file/index.js";
import { BOUNDED_SOURCES, boundedSourceFor, SourceChoiceError } from "../../src/sources/registry.js";
import type { BoundedSourceDefinition, Source, SourceBatch } from "../../src/sources/Source.js";

const MEM: PartitionKey = { topic: "mem", partition: 0 };

/** A bounded source over `mem://<n>` inputs: n records each, one batch per input. */
const memory: BoundedSourceDefinition = {
  kind: "source",
  name: "memory",
  accepts: (input) => input.startsWith("mem://"),
  create: (inputs) => ({
    bounded: true,
    async start(h) {
      h.onAssignment([MEM]);
      for (const [i, input] of inputs.entries()) {
        const n = Number(input.slice("mem://".length));
        const records = Array.from({ length: n }, (_, line) => ({ partition: MEM, position: { file: input, line: line + 1 }, value: `{"i":${i}}` }));
        await h.onBatch({ partition: MEM, records });
      }
    },
    restore: () => Promise.resolve(),
    commit: () => Promise.resolve(),
    activePartitions: () => undefined,
    quietFor: () => false,
    pause() {},
    stop: () => Promise.resolve(),
    close: () => Promise.resolve(),
  }),
};

/** Runs a bounded source to its end, recording what it calls. */
async function drain(source: Source): Promise<{ assignments: PartitionKey[][]; batches: SourceBatch[] }> {
  const assignments: PartitionKey[][] = [];
  const batches: SourceBatch[] = [];
  await source.start({
    onAssignment: (keys) => void assignments.push(keys),
    onBatch: (b) => {
      batches.push(b);
      return Promise.resolve();
    },
    onCrash: () => {},
    mayRestart: () => false,
  });
  return { assignments, batches };
}

describe("bounded sources", () => {
  it("capture files are the last registered source and accept any path", () => {
    expect(BOUNDED_SOURCES.at(-1)).toBe(fileCaptureSource);
    expect(fileCaptureSource.accepts("captures/a.jsonl.gz") && fileCaptureSource.accepts("-")).toBe(true);
  });

  it("a registered source reads the inputs it accepts; the file source the rest", async () => {
    const defs = [memory, fileCaptureSource];
    const mem = await drain(boundedSourceFor(["mem://2", "mem://3"], { maxRecordBytes: 1 << 20 }, defs));
    expect(mem.assignments).toEqual([[MEM]]);
    expect(mem.batches.map((b) => b.records.length)).toEqual([2, 3]);
    const dir = await mkdtemp(join(tmpdir(), "dq-src-"));
    await writeFile(join(dir, "a.jsonl"), '{"a":1}\n\n{"a":2}\n');
    const files = await drain(boundedSourceFor([join(dir, "a.jsonl")], { maxRecordBytes: 1 << 20 }, defs));
    expect(files.assignments).toEqual([[{ topic: "replay", partition: 0 }]]);
    expect(files.batches.flatMap((b) => b.records.map((r) => [r.position, r.value]))).toEqual([
      [{ file: join(dir, "a.jsonl"), line: 1 }, '{"a":1}'],
      [{ file: join(dir, "a.jsonl"), line: 3 }, '{"a":2}'],
    ]);
    expect(files.batches.every((b) => b.next === undefined)).toBe(true); // nothing to commit for files
  });

  it("refuses inputs of different kinds in one replay, naming each input's source (a usage error, exit 2)", () => {
    const only = [memory];
    let error: unknown;
    try {
      boundedSourceFor(["mem://1", "local.jsonl"], { maxRecordBytes: 1024 }, only);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SourceChoiceError);
    expect((error as Error).message).toBe("the inputs are of different kinds (mem://1: memory, local.jsonl: no source); replay inputs of one kind at a time");
    expect((error as SourceChoiceError).exitCode).toBe(2);
  });
});
