// Issue 9, point 5 (binary messages are one dead letter carrying the message's bytes exactly) and
// the sizing half of point 7 (a dead letter too large for its topic is truncated to fit, and dead
// letters are produced in requests within the topic's limit).
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { MonitorEngine } from "../../src/engine/MonitorEngine.js";
import { deadLetterBytes, type DeadLetter } from "../../src/sinks/DeadLetterSink.js";
import { DEAD_LETTER_HEADERS, KafkaDeadLetterSink, toMessage } from "../../src/sinks/kafkaDeadLetterSink.js";
import { messageRecords, type OutgoingMessage } from "../../src/sources/kafka/kafkaClient.js";
import { WindowManager } from "../../src/windows/WindowManager.js";
import { ensureBuilt } from "../support/cli.js";
import { mulberry32 } from "../support/random.js";
import { capture, deadLetters, replay, tempDir } from "./support.js";
import { sagemakerCaptureDecoder } from "../../src/records/decoders/sagemakerCapture/index.js";

beforeAll(() => ensureBuilt());

const partition = { topic: "captures", partition: 3 };
const T = String(Date.UTC(2026, 10, 1));

function randomBytes(n: number, seed: number): Buffer {
  const rand = mulberry32(seed);
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rand() * 256);
  return b;
}

function engine(): MonitorEngine {
  return new MonitorEngine({
    decoder: sagemakerCaptureDecoder,
    windows: new WindowManager({ windowMs: 3_600_000, allowedLatenessMs: 0 }),
    layout: { featureNames: ["churn"], outputColumnsPosition: "START" },
    fallbackToSourceTimestamp: true,
  });
}

describe("5: binary messages", () => {
  it("5: a 5,000-byte random message (with 0x0A bytes in it) is one dead letter carrying its bytes exactly", async () => {
    const value = randomBytes(5000, 7);
    expect(value.includes(0x0a)).toBe(true);
    const records = messageRecords(partition, { offset: "42", timestamp: String(Date.UTC(2026, 10, 1)), value });
    expect(records).toHaveLength(1);
    expect(records[0]?.unreadable).toEqual({ reason: "not UTF-8 text", detail: "a message of 5000 bytes that are not valid UTF-8" });
    const { deadLetters: letters } = await engine().process(records);
    expect(letters).toHaveLength(1);
    expect(deadLetterBytes(letters[0] as DeadLetter).equals(value)).toBe(true);
    const m = toMessage(letters[0] as DeadLetter);
    expect(Buffer.isBuffer(m.value) && m.value.equals(value)).toBe(true);
    expect(m.headers[DEAD_LETTER_HEADERS.truncated]).toBeUndefined();
  });

  it("5: a text message of one record is dead-lettered as the whole message; JSON Lines one letter per bad line, each its line's bytes", async () => {
    const single = Buffer.from('{"not":"a capture record"}\r\n');
    const lines = Buffer.from(`${capture("2026-11-01T00:00:00Z")}\n{oops\n${capture("2026-11-01T00:00:01Z")}\n[1,2]\n`);
    const records = [
      ...messageRecords(partition, { offset: "1", timestamp: T, value: single }),
      ...messageRecords(partition, { offset: "2", timestamp: T, value: lines }),
    ];
    const { deadLetters: letters } = await engine().process(records);
    expect(letters.map((l) => [l.reason, deadLetterBytes(l).toString("latin1")])).toEqual([
      ["not a capture record", single.toString("latin1")],
      ["invalid JSON", "{oops"],
      ["not a capture record", "[1,2]"],
    ]);
  });

  it("5: replay writes a line that is not UTF-8 as record_base64, byte for byte", async () => {
    const dir = await tempDir("binary");
    const binary = randomBytes(300, 11).filter((b) => b !== 0x0a);
    const file = join(dir, "capture.jsonl");
    await writeFile(file, Buffer.concat([Buffer.from(`${capture("2026-11-01T00:00:00Z")}\n`), binary, Buffer.from(`\n${capture("2026-11-01T00:00:01Z")}\n`)]));
    const r = replay(dir, [file]);
    expect(r.status, r.stderr).toBe(0);
    const [letter] = await deadLetters(join(dir, "reports"));
    expect(letter).toMatchObject({ reason: "not UTF-8 text", position: { line: 2 } });
    expect(Buffer.from(letter?.["record_base64"] as string, "base64").equals(binary)).toBe(true);
  });
});

describe("7: dead letters fit the dead-letter topic", () => {
  const letter = (n: number, i = 0): DeadLetter => ({
    reason: "invalid JSON",
    detail: "x",
    position: { topic: "captures", partition: 0, offset: String(i) },
    record: "r".repeat(n),
  });

  it("7: a letter larger than max.message.bytes is truncated to fit, with its original size in a header", () => {
    const m = toMessage(letter(3_000_000), 1_048_588);
    const size = (m.value as Buffer).length;
    expect(size).toBeGreaterThan(1_040_000);
    expect(size).toBeLessThan(1_048_588 - 512);
    expect(m.headers[DEAD_LETTER_HEADERS.truncated]).toBe("true");
    expect(m.headers[DEAD_LETTER_HEADERS.originalBytes]).toBe("3000000");
    // a record already cut at max_record_bytes says so too, with its whole size
    const cut = toMessage({ ...letter(0), record: "", bytes: Buffer.alloc(1000, 0x7b), originalSize: 5_000_000 });
    expect(cut.headers).toMatchObject({ [DEAD_LETTER_HEADERS.truncated]: "true", [DEAD_LETTER_HEADERS.originalBytes]: "5000000" });
  });

  it("7: many letters go out in several requests, each within the topic's limit, in order", async () => {
    const sent: OutgoingMessage[][] = [];
    const sink = new KafkaDeadLetterSink({ send: async (_t, messages) => void sent.push([...messages]) }, "dlq", 1_048_588);
    await sink.write(Array.from({ length: 40 }, (_, i) => letter(100_000, i)));
    expect(sent.length).toBeGreaterThan(3);
    for (const request of sent) expect(request.reduce((n, m) => n + (m.value as Buffer).length + 200, 0)).toBeLessThan(1_048_588);
    expect(sent.flat().map((m) => m.key)).toEqual(Array.from({ length: 40 }, (_, i) => `captures[0]@${i}`));
    expect(sink.count).toBe(40);
  });
});
