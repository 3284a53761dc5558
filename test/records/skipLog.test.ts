import { describe, expect, it } from "vitest";
import { SkipLog } from "../../src/records/skipLog.js";

describe("SkipLog", () => {
  it("counts by reason, keeps the first `keep` positions and the first detail", () => {
    const log = new SkipLog(3);
    for (const line of [4, 9, 12, 20, 31]) log.add("invalid JSON", `detail at ${line}`, line);
    log.add("not a JSON object", "expected an object, found null", 7);
    expect(log.total).toBe(6);
    expect(log.reasons()).toEqual([
      { reason: "invalid JSON", count: 5, first: [4, 9, 12], example: "detail at 4" },
      { reason: "not a JSON object", count: 1, first: [7], example: "expected an object, found null" },
    ]);
  });

  it("orders reasons by descending count, then by name", () => {
    const log = new SkipLog();
    log.add("b", "", 1);
    log.add("a", "", 2);
    log.add("c", "", 3);
    log.add("c", "", 4);
    expect(log.reasons().map((r) => r.reason)).toEqual(["c", "a", "b"]);
  });

  it("is empty at first, keeps 5 positions by default, and hands out copies", () => {
    const log = new SkipLog();
    expect(log.total).toBe(0);
    expect(log.reasons()).toEqual([]);
    for (let i = 1; i <= 8; i++) log.add("wrong field count", "expected 2 fields, found 3", i);
    const [r] = log.reasons();
    expect(r?.first).toEqual([1, 2, 3, 4, 5]);
    r?.first.push(99);
    expect(log.reasons()[0]?.first).toEqual([1, 2, 3, 4, 5]);
  });
});
