// produceRequests (src/sources/kafka/produceRequests.ts): one partition's messages cut into produce
// requests whose record batch stays within the topic's max.message.bytes — the broker checks the
// batch, not each message — in order, nothing lost, a message too large for any company alone.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BATCH_OVERHEAD_BYTES, messageBytes, produceRequests } from "../../../src/sources/kafka/produceRequests.js";

describe("produceRequests", () => {
  it("keeps order and every message; each request of several fits the budget", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 60 }), fc.integer({ min: 1024, max: 20_000 }), (sizes, max) => {
        const messages = sizes.map((n, i) => ({ key: `k${i}`, value: Buffer.alloc(n), headers: { "dqstream-kind": "part" } }));
        const requests = produceRequests(messages, max);
        expect(requests.flat()).toEqual(messages);
        for (const r of requests) {
          expect(r.length).toBeGreaterThan(0);
          if (r.length > 1) expect(r.reduce((n, m) => n + messageBytes(m), 0)).toBeLessThanOrEqual(max - BATCH_OVERHEAD_BYTES);
        }
      }),
    );
  });

  it("a part's chunks of max.message.bytes less 1 kB go one request each", () => {
    const chunks = Array.from({ length: 5 }, (_, i) => ({ key: "w/0", value: Buffer.alloc(4096 - 1024), headers: { "dqstream-chunk": `${i}/5` } }));
    expect(produceRequests(chunks, 4096).map((r) => r.length)).toEqual([1, 1, 1, 1, 1]);
    expect(produceRequests([], 4096)).toEqual([]);
  });
});
