// Issue 9, point 4: an absurd event time must not move its partition's watermark. Replay judges a
// record against the partition's greatest event time, a jump waiting for the next record to
// confirm it; the monitor judges it against its Kafka message timestamp.
import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { IMPLAUSIBLE_EVENT_TIME, MonitorEngine } from "../../src/engine/MonitorEngine.js";
import type { DeadLetter } from "../../src/sinks/DeadLetterSink.js";
import type { SourceRecord } from "../../src/records/SourceRecord.js";
import { WindowManager, type ClosedWindow } from "../../src/windows/WindowManager.js";
import { ensureBuilt } from "../support/cli.js";
import { capture, deadLetters, minutes, replay, tempDir, windows } from "./support.js";
import { sagemakerCaptureDecoder } from "../../src/records/decoders/sagemakerCapture/index.js";

beforeAll(() => ensureBuilt());

const P = { topic: "t", partition: 0 };
const T0 = Date.UTC(2026, 10, 1);
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.000Z$/, "Z");

function engine(confirmJumps: boolean, now?: () => number): MonitorEngine {
  return new MonitorEngine({
    decoder: sagemakerCaptureDecoder,
    windows: new WindowManager({ windowMs: 3_600_000, allowedLatenessMs: 0 }),
    layout: { featureNames: ["churn"], outputColumnsPosition: "START" },
    fallbackToSourceTimestamp: true,
    plausibility: { maxAheadMs: 3_600_000, confirmJumps, ...(now === undefined ? {} : { now }) },
  });
}

const rec = (offset: number, time: string, timestampMs?: number): SourceRecord => ({
  partition: P,
  position: { topic: P.topic, partition: 0, offset: String(offset) },
  value: capture(time),
  ...(timestampMs === undefined ? {} : { timestampMs }),
});

async function run(e: MonitorEngine, records: readonly SourceRecord[], batchSize: number): Promise<{ closed: ClosedWindow[]; letters: DeadLetter[] }> {
  const closed: ClosedWindow[] = [];
  const letters: DeadLetter[] = [];
  for (let i = 0; i < records.length; i += batchSize) {
    const r = await e.process(records.slice(i, i + batchSize));
    closed.push(...r.closed);
    letters.push(...r.deadLetters);
  }
  const last = await e.finish();
  return { closed: [...closed, ...last.closed], letters: [...letters, ...last.deadLetters] };
}

const summary = (o: { closed: ClosedWindow[]; letters: DeadLetter[] }): unknown => ({
  windows: o.closed.map((w) => [iso(w.startMs), w.counts.records, w.counts.malformed]),
  letters: o.letters.map((l) => [l.reason, "offset" in l.position ? l.position.offset : ""]),
});

describe("4: absurd event times", () => {
  it("4: replay: 9999-12-31 in the middle is dead-lettered; the windows around it are reported, nothing after it is late", async () => {
    const dir = await tempDir("time");
    const lines = [...minutes(0, 70).slice(0, 40), capture("9999-12-31T23:59:59Z"), ...minutes(40, 130)];
    await writeFile(join(dir, "capture.jsonl"), `${lines.join("\n")}\n`);
    const r = replay(dir, [join(dir, "capture.jsonl")]);
    expect(r.status, r.stderr).toBe(0);
    const ws = await windows(join(dir, "reports"));
    // folders of the windows' ends (SageMaker's layout): 00:00–01:00 is …/01
    expect([...ws.keys()]).toEqual(["2026/11/01/01", "2026/11/01/02", "2026/11/01/03"].map((f) => f));
    expect([...ws.values()].map((w) => (w["records"] as { counted: number; late: number }).counted)).toEqual([60, 60, 10]);
    expect([...ws.values()].map((w) => (w["records"] as { late: number }).late)).toEqual([0, 0, 0]);
    expect((ws.get("2026/11/01/01")?.["records"] as { malformed_by_reason: unknown }).malformed_by_reason).toEqual({ [IMPLAUSIBLE_EVENT_TIME]: 1 });
    const [letter] = await deadLetters(join(dir, "reports"));
    expect(letter?.["reason"]).toBe(IMPLAUSIBLE_EVENT_TIME);
    expect(letter?.["detail"]).toBe(
      "event time 9999-12-31T23:59:59Z is more than 3600 s after the partition's greatest event time 2026-11-01T00:39:00Z, and the partition's next record (2026-11-01T00:40:00Z) is more than 3600 s away from it",
    );
    expect(await readdir(join(dir, "reports/endpoint/schedule"))).toEqual(["2026"]);
  });

  it("4: replay: an absurd first record, and an absurd last one, are dead-lettered too", async () => {
    const dir = await tempDir("time-ends");
    const lines = [capture("2030-01-01T00:00:00Z"), ...minutes(0, 30), capture("2031-06-01T00:00:00Z")];
    await writeFile(join(dir, "capture.jsonl"), `${lines.join("\n")}\n`);
    const r = replay(dir, [join(dir, "capture.jsonl")]);
    expect(r.status, r.stderr).toBe(0);
    const ws = await windows(join(dir, "reports"));
    expect([...ws.keys()]).toEqual(["2026/11/01/01"]);
    expect(ws.get("2026/11/01/01")?.["records"]).toMatchObject({ counted: 30, late: 0, malformed_by_reason: { [IMPLAUSIBLE_EVENT_TIME]: 2 } });
    expect((await deadLetters(join(dir, "reports"))).map((l) => (l["position"] as { line: number }).line)).toEqual([1, 32]);
  });

  it("4: replay: a real gap (five quiet hours) is confirmed by the next record and loses nothing", async () => {
    const dir = await tempDir("time-gap");
    const lines = [...minutes(0, 30), ...minutes(300, 330)];
    await writeFile(join(dir, "capture.jsonl"), `${lines.join("\n")}\n`);
    const r = replay(dir, [join(dir, "capture.jsonl")]);
    expect(r.status, r.stderr).toBe(0);
    const ws = await windows(join(dir, "reports"));
    expect([...ws.entries()].map(([k, w]) => [k, (w["records"] as { counted: number }).counted, (w["records"] as { malformed: number }).malformed])).toEqual([
      ["2026/11/01/01", 30, 0],
      ["2026/11/01/06", 30, 0],
    ]);
  });

  it("4: the outcome does not depend on batch boundaries (a held record waits across batches)", async () => {
    const times = [0, 60, 9e9, 120, 180, 7200 + 50, 7200 + 60, 4e9, 4e9 + 10, 7300];
    const records = times.map((s, i) => rec(i, iso(T0 + s * 1000)));
    const expected = summary(await run(engine(true), records, records.length));
    for (const size of [1, 2, 3, 4]) expect(summary(await run(engine(true), records, size)), `batches of ${size}`).toEqual(expected);
    expect(expected).toEqual({
      windows: [
        ["2026-11-01T00:00:00Z", 4, { [IMPLAUSIBLE_EVENT_TIME]: 1 }],
        ["2026-11-01T02:00:00Z", 2, {}],
        // two records far ahead that agree with each other are taken as a real jump
        ["2153-08-03T07:00:00Z", 2, {}],
      ],
      letters: [
        [IMPLAUSIBLE_EVENT_TIME, "2"],
        ["late", "9"],
      ],
    });
  });

  it("4: monitor: judged against the Kafka message timestamp (stateless, so the same on every re-read)", async () => {
    const now = T0 + 10 * 3_600_000;
    const e = engine(false, () => now);
    const ts = T0 + 5 * 60_000;
    const r = await e.process([rec(0, iso(T0), ts), rec(1, "9999-12-31T23:59:59Z", ts), rec(2, iso(ts + 3_500_000), ts), rec(3, iso(ts + 3_700_000), ts)]);
    expect(r.deadLetters.map((l) => [l.reason, l.detail])).toEqual([
      [IMPLAUSIBLE_EVENT_TIME, "event time 9999-12-31T23:59:59Z is more than 3600 s after its source timestamp 2026-11-01T00:05:00Z"],
      [IMPLAUSIBLE_EVENT_TIME, "event time 2026-11-01T01:06:40Z is more than 3600 s after its source timestamp 2026-11-01T00:05:00Z"],
    ]);
    // a producer that also lies in the message timestamp is capped by the clock
    const lying = await e.process([rec(5, "2031-01-01T00:00:00Z", Date.UTC(2031, 0, 1))]);
    expect(lying.deadLetters[0]?.detail).toMatch(
      /more than 3600 s after the current time 2026-11-01T10:00:00Z \(its source timestamp 2031-01-01T00:00:00Z is in the future\)/,
    );
    // and a record without inferenceTime takes the (absurd) message timestamp as event time: judged the same way
    const noTime: SourceRecord = { ...rec(6, iso(T0)), value: capture(iso(T0)).replace(/"inferenceTime":"[^"]*"/, '"x":1'), timestampMs: Date.UTC(2031, 0, 1) };
    expect((await e.process([noTime])).deadLetters.map((l) => l.reason)).toEqual([IMPLAUSIBLE_EVENT_TIME]);
    expect(e.windows.partition(P).maxEventMs).toBe(ts + 3_500_000);
  });
});
