// The dead-letter sink contract (src/sinks/DeadLetterSink.ts), checked against every sink in
// src/components/registry.ts DEAD_LETTER_SINKS through createDeadLetterSink: `write` resolves only
// once the letters are durable and rejects when they are not, the records' bytes are kept exactly,
// in order, and close completes what was written.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createDeadLetterSink, DEAD_LETTER_SINKS, type DeadLetterSinkName } from "../../src/components/registry.js";
import type { DeadLetter } from "../../src/sinks/DeadLetterSink.js";
import { DEAD_LETTER_SINK_FIXTURES } from "./conformance.js";

const folders: string[] = [];
afterAll(async () => {
  for (const f of folders) await rm(f, { recursive: true, force: true });
});

const position = (offset: number) => ({ topic: "capture", partition: 0, offset: String(offset) });
const LETTERS: DeadLetter[] = [
  { reason: "malformed record", detail: "not JSON", position: position(1), record: "{not json" },
  { reason: "not UTF-8", detail: "binary", position: position(2), record: "", bytes: Buffer.from([0xff, 0x00, 0xfe, 0x80, 0x0a]) },
  { reason: "late record", detail: "behind the watermark", position: position(3), record: "ünïcödé ✓ line" },
];

async function open(name: DeadLetterSinkName, options: { delayMs: number; failing: boolean }) {
  const fixture = DEAD_LETTER_SINK_FIXTURES[name];
  if (fixture === undefined) throw new Error(`no conformance fixture for dead-letter sink ${name} (test/sinks/conformance.ts)`);
  const folder = await mkdtemp(join(tmpdir(), "dqstream-dead-letter-conformance-"));
  folders.push(folder);
  // a failing local disk: the reports folder is a file, so no dead-letter folder can be made in it
  const reportsDir = options.failing ? join(folder, "not-a-folder") : folder;
  if (options.failing) await writeFile(reportsDir, "");
  const ctx = fixture.context(reportsDir, options);
  const config: Record<string, unknown> = {};
  const key = (DEAD_LETTER_SINKS.find((d) => d.name === name) as { configKey: string }).configKey;
  let node = config;
  const parts = key.split(".");
  for (const p of parts.slice(0, -1)) node = node[p] = {};
  node[parts[parts.length - 1] as string] = fixture.section(reportsDir);
  const sink = await createDeadLetterSink(name, config, ctx);
  return { sink, read: () => fixture.readBack(reportsDir, ctx) };
}

describe.each(DEAD_LETTER_SINKS.map((d) => [d.name] as const))("dead-letter sink %s", (name) => {
  it("keeps every record's bytes exactly, in write order, once closed", async () => {
    const { sink, read } = await open(name, { delayMs: 0, failing: false });
    await sink.write(LETTERS.slice(0, 2));
    await sink.write([]);
    await sink.write(LETTERS.slice(2));
    await sink.close();
    const bytes = await read();
    expect(bytes.map((b) => b.toString("hex"))).toEqual(LETTERS.map((l) => (l.bytes ?? Buffer.from(l.record, "utf8")).toString("hex")));
  });

  it("resolves write only after its destination has the letters", async () => {
    const { sink, read } = await open(name, { delayMs: 50, failing: false });
    await sink.write(LETTERS);
    await sink.close();
    expect((await read()).length).toBe(LETTERS.length);
  });

  it("rejects write when its destination fails (so offsets are not committed past the letters)", async () => {
    const { sink } = await open(name, { delayMs: 0, failing: true });
    await expect(sink.write(LETTERS)).rejects.toThrow();
  });
});
