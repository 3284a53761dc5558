// The monitor's shutdown contract (SIGTERM / SIGINT → RunningMonitor.stop): stop fetching, finish the
// batch in hand, commit what is safe, disconnect — and give up waiting after shutdown_timeout_seconds
// when a client hangs, so the process still exits. A stand-in KafkaClient drives it without a broker
// (the real broker is in test/integration/monitor*.test.ts).
import { describe, expect, it } from "vitest";
import { startMonitor } from "../../src/engine/runMonitor.js";
import { decodeCheckpoint } from "../../src/sources/kafka/checkpointCodec.js";
import { batchOf, captureLog, standIn, standInConfig } from "../support/kafkaStandIn.js";

const config = (shutdownSeconds: number) => standInConfig({ shutdown_timeout_seconds: shutdownSeconds });

describe("monitor shutdown", () => {
  it("finishes the batch in hand and commits it before disconnecting", async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const s = standIn([await batchOf(100)], { hangOnStop: false, batchGate: gate });
    const { log } = captureLog();
    const m = await startMonitor(await config(10), log, { source: s.source, http: false });
    const stopping = m.stop(); // asked to stop while the batch waits at the gate
    open();
    await stopping;
    await expect(m.done).resolves.toMatchObject({ records: 100 });
    expect(s.calls).toEqual(["pause", "stop", "disconnect"]);
    // the batch was handled: window 00:00 (the first 80 records) reported, and committed at the
    // first record of the window still open, with its checkpoint
    expect(m.reports.map((r) => r.itemCount)).toEqual([80]);
    const last = s.commits.at(-1);
    expect(last?.offset).toBe("80");
    expect(decodeCheckpoint(last?.metadata)?.processedTo).toBe("100");
  });

  it("gives up waiting after shutdown_timeout_seconds when the consumer does not stop, and still settles", async () => {
    const s = standIn([await batchOf(10)], { hangOnStop: true });
    const { log, text } = captureLog();
    const m = await startMonitor(await config(1), log, { source: s.source, http: false });
    await m.stop();
    await expect(m.done).resolves.toMatchObject({ records: 10 });
    expect(text()).toMatch(/"msg":"shutdown timed out"/);
    expect(text()).toMatch(/"shutdown_timeout_seconds":1/);
    expect(s.calls).not.toContain("disconnect"); // stuck in stop
  });
});
