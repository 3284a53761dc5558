// A topic just created has no leader for a moment, and a busy broker answers metadata requests
// for it with UNKNOWN_TOPIC_OR_PARTITION ("This server does not host this topic-partition") while
// its metadata spreads: kafkajs's own waitForLeaders gives up on that answer, which once failed a
// monitor's first start (creating its parts topic) and a CI run (a test creating its topics).
import { describe, expect, it } from "vitest";
import { untilLeaders, type TopicsMetadata } from "../../../src/sources/kafka/topicLeaders.js";

const unknown = Object.assign(new Error("This server does not host this topic-partition"), { type: "UNKNOWN_TOPIC_OR_PARTITION", retriable: true });
const led = (names: string[]): TopicsMetadata => ({ topics: names.map((name) => ({ name, partitions: [{ partitionId: 0, leader: 1 }] })) });

describe("untilLeaders", () => {
  it("polls through unknown-topic answers and partitions without a leader until every partition has one", async () => {
    const answers: Array<() => TopicsMetadata> = [
      () => {
        throw unknown;
      },
      () => ({ topics: [{ name: "t", partitions: [{ partitionId: 0, leader: -1 }] }] }),
      () => ({ topics: [] }),
      () => led(["t"]),
    ];
    let calls = 0;
    await untilLeaders(async () => (answers[calls++] as () => TopicsMetadata)(), ["t"], { timeoutMs: 5_000, pollMs: 1 });
    expect(calls).toBe(4);
  });

  it("gives up after its time with the topic's name and the last answer", async () => {
    await expect(
      untilLeaders(
        async () => {
          throw unknown;
        },
        ["parts"],
        { timeoutMs: 30, pollMs: 5 },
      ),
    ).rejects.toThrow(/parts has no leader after 30 ms.*does not host this topic-partition/);
  });

  it("does not poll through an error that is not about the topic being new (authorization, say)", async () => {
    let calls = 0;
    const denied = Object.assign(new Error("Not authorized to access topics: [Topic authorization failed]"), {
      type: "TOPIC_AUTHORIZATION_FAILED",
      retriable: false,
    });
    await expect(
      untilLeaders(
        async () => {
          calls++;
          throw denied;
        },
        ["t"],
        { timeoutMs: 5_000, pollMs: 1 },
      ),
    ).rejects.toThrow(/Not authorized/);
    expect(calls).toBe(1);
  });
});
