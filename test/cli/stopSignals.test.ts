import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { onStopSignal } from "../../src/cli/stopSignals.js";

describe("onStopSignal", () => {
  it("stops on the first SIGTERM or SIGINT only, and keeps its handlers so later signals are ignored, never left to their default action", () => {
    const signals = new EventEmitter();
    const calls: string[] = [];
    onStopSignal((s) => calls.push(s), signals);
    signals.emit("SIGINT", "SIGINT");
    signals.emit("SIGTERM", "SIGTERM");
    signals.emit("SIGINT", "SIGINT");
    expect(calls).toEqual(["SIGINT"]);
    expect(signals.listenerCount("SIGTERM")).toBe(1);
    expect(signals.listenerCount("SIGINT")).toBe(1);
  });

  it("after ignore(), a signal calls nothing and is still handled", () => {
    const signals = new EventEmitter();
    const calls: string[] = [];
    const handle = onStopSignal((s) => calls.push(s), signals);
    handle.ignore();
    signals.emit("SIGTERM", "SIGTERM");
    expect(calls).toEqual([]);
    expect(signals.listenerCount("SIGTERM")).toBe(1);
  });
});
