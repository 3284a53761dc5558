// untilDelivered (src/engine/untilDelivered.ts) and the group's heartbeat: a rebalance announced by
// a heartbeat while an attempt fails gives the delivery up (the batch is read again by the next
// owner); one announced while an attempt succeeds does not undo it, so the caller can commit what
// it delivered (stage 2 would otherwise report the window a second time).
import { describe, expect, it } from "vitest";
import { untilDelivered } from "../../src/engine/untilDelivered.js";
import { silentLogger } from "../../src/telemetry/logger.js";

const options = (heartbeat: () => Promise<void>) => ({
  destination: "reports" as const,
  description: "reports folder",
  log: silentLogger(),
  metrics: { blocked: () => {}, deliveryRetried: () => {} } as never,
  onBlocked: () => {},
  heartbeat,
  signal: new AbortController().signal,
});
const rebalancing = async (): Promise<void> => {
  throw new Error("The group is rebalancing, so a rejoin is needed");
};
/** `value` after `ms`, or the rejection `error` after `ms`. */
const after = <T>(ms: number, value: T, error?: Error): Promise<T> =>
  new Promise((resolve, reject) => setTimeout(() => (error === undefined ? resolve(value) : reject(error)), ms));

describe("untilDelivered", () => {
  it("returns what an attempt delivered even when a heartbeat failed meanwhile", async () => {
    await expect(untilDelivered(() => after(1_300, "written"), options(rebalancing))).resolves.toBe("written");
  });

  it("gives the delivery up when a heartbeat failed while the attempt failed", async () => {
    const attempt = () => after(1_300, "never", new Error("disk full"));
    await expect(untilDelivered(attempt, options(rebalancing))).rejects.toThrow("rebalancing");
  });
});
