// Issue 9, point 2: oversized records are skipped and counted without being buffered whole, and
// splitting lines is linear however long a line is.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { LineSplitter, type LineBytes } from "../../src/records/lineSplitter.js";
import { messageRecords } from "../../src/sources/kafka/kafkaClient.js";
import { ensureBuilt } from "../support/cli.js";
import { capture, deadLetters, minutes, replay, tempDir, windows } from "./support.js";

beforeAll(() => ensureBuilt());

const MiB = 1 << 20;

describe("2: oversized records", () => {
  it("2: a 100 MB line pushed in 64 KiB chunks keeps only max bytes and its size; the lines around it are whole", () => {
    const lines: LineBytes[] = [];
    const splitter = new LineSplitter(MiB, (l) => lines.push(l));
    splitter.push(Buffer.from("first\r\n"));
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    for (let sent = 0; sent < 100 * MiB; sent += chunk.length) splitter.push(chunk);
    splitter.push(Buffer.from("\nlast"));
    splitter.end();
    const kept = lines[1]?.bytes.length ?? -1;
    expect(lines.map((l) => [l.line, l.size])).toEqual([
      [1, 5],
      [2, 100 * MiB],
      [3, 4],
    ]);
    expect(lines[0]?.bytes.toString()).toBe("first");
    expect(kept).toBe(MiB);
    expect(lines[2]?.bytes.toString()).toBe("last");
  });

  it("2: lines are the same however the bytes are chunked (a BOM and CRLF across chunk edges too)", () => {
    const text = Buffer.from("\uFEFFa\r\nbé\n\nc", "utf8");
    const whole: string[] = [];
    const ws = new LineSplitter(MiB, (l) => whole.push(l.bytes.toString("utf8")));
    ws.push(text);
    ws.end();
    expect(whole).toEqual(["a", "bé", "", "c"]);
    for (let size = 1; size <= text.length; size++) {
      const got: string[] = [];
      const s = new LineSplitter(MiB, (l) => got.push(l.bytes.toString("utf8")));
      for (let i = 0; i < text.length; i += size) s.push(text.subarray(i, i + size));
      s.end();
      expect(got, `chunks of ${size}`).toEqual(whole);
    }
  });

  it("2: replay skips and counts a 5 MB record, dead-letters its first max_record_bytes, and counts the rest", async () => {
    const dir = await tempDir("size");
    const big = capture("2026-11-01T00:10:30Z", "x".repeat(5 * MiB));
    const good = minutes(0, 20);
    const file = join(dir, "capture.jsonl");
    await writeFile(file, `${[...good.slice(0, 10), big, ...good.slice(10)].join("\n")}\n`);
    const r = replay(dir, [file]);
    expect(r.status, r.stderr).toBe(0);
    const [w] = [...(await windows(join(dir, "reports"))).values()];
    expect((w?.["records"] as Record<string, unknown>)["counted"]).toBe(20);
    expect((w?.["records"] as Record<string, unknown>)["malformed_by_reason"]).toEqual({ "record too long": 1 });
    const [letter] = await deadLetters(join(dir, "reports"));
    expect(letter).toMatchObject({
      reason: "record too long",
      detail: `${Buffer.byteLength(big)} bytes, over max_record_bytes ${MiB}`,
      record_bytes: Buffer.byteLength(big),
      truncated: true,
    });
    expect(Buffer.from(letter?.["record_base64"] as string, "base64").equals(Buffer.from(big).subarray(0, MiB))).toBe(true);
  });

  it("2: a small .jsonl.gz holding one 50 MB line is read in one pass; the good lines around it are counted", async () => {
    const dir = await tempDir("size-gz");
    const good = minutes(0, 10);
    const file = join(dir, "capture.jsonl.gz");
    const body = Buffer.concat([Buffer.from(`${good.slice(0, 5).join("\n")}\n`), Buffer.alloc(50 * MiB, 0x7b), Buffer.from(`\n${good.slice(5).join("\n")}\n`)]);
    const gz = gzipSync(body);
    expect(gz.length).toBeLessThan(200 * 1024);
    await writeFile(file, gz);
    const r = replay(dir, [file]);
    expect(r.status, r.stderr).toBe(0);
    const [w] = [...(await windows(join(dir, "reports"))).values()];
    expect(w?.["records"]).toMatchObject({ counted: 10, malformed_by_reason: { "record too long": 1 } });
  });

  it("2: max_record_bytes is a setting: a 3,000-byte record is too long under 2048", async () => {
    const dir = await tempDir("size-setting");
    const file = join(dir, "capture.jsonl");
    await writeFile(
      file,
      `${[capture("2026-11-01T00:00:00Z"), capture("2026-11-01T00:00:01Z", "y".repeat(3000)), capture("2026-11-01T00:00:02Z")].join("\n")}\n`,
    );
    const config = join(dir, "limits.yaml");
    await writeFile(config, "max_record_bytes: 2048\n");
    const r = replay(dir, [file], ["--config", config]);
    expect(r.status, r.stderr).toBe(0);
    const [w] = [...(await windows(join(dir, "reports"))).values()];
    expect(w?.["records"]).toMatchObject({ counted: 2, malformed_by_reason: { "record too long": 1 } });
  });

  it("2: a Kafka message line over the limit is one unreadable record with its first bytes; its neighbours are read", () => {
    const partition = { topic: "t", partition: 0 };
    const value = Buffer.from(`${capture("2026-11-01T00:00:00Z")}\n${"z".repeat(3 * MiB)}\n${capture("2026-11-01T00:00:01Z")}\n`);
    const records = messageRecords(partition, { offset: "5", timestamp: "1", value }, MiB);
    expect(records.map((r) => r.unreadable?.reason ?? "text")).toEqual(["text", "record too long", "text"]);
    expect(records[1]?.bytes?.length).toBe(MiB);
    expect(records[1]?.size).toBe(3 * MiB);
  });
});
