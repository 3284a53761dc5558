/** What a metadata request says of topics (kafkajs's `admin.fetchTopicMetadata` answer, the fields used). */
export interface TopicsMetadata {
  readonly topics: ReadonlyArray<{ readonly name: string; readonly partitions: ReadonlyArray<{ readonly partitionId: number; readonly leader: number }> }>;
}

/** Answers that mean "the topic is new and its metadata has not spread yet", not a failure. */
const NOT_YET = new Set(["UNKNOWN_TOPIC_OR_PARTITION", "LEADER_NOT_AVAILABLE", "NOT_LEADER_FOR_PARTITION", "NOT_LEADER_OR_FOLLOWER"]);

/**
 * Waits until every partition of topics just created has a leader, asking `metadata` every
 * `pollMs`. A broker answers UNKNOWN_TOPIC_OR_PARTITION ("This server does not host this
 * topic-partition") or a partition without a leader for a moment after a create, longer when busy;
 * kafkajs's own `waitForLeaders` gives up on the first of those answers. Any other non-retriable
 * error (authorization) is thrown at once; after `timeoutMs` the wait gives up naming the topics
 * and the last answer.
 */
export async function untilLeaders(
  metadata: () => Promise<TopicsMetadata>,
  names: readonly string[],
  o: { readonly timeoutMs: number; readonly pollMs: number },
): Promise<void> {
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    let last: string;
    try {
      const { topics } = await metadata();
      const led = names.every((name) => {
        const t = topics.find((x) => x.name === name);
        return t !== undefined && t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0);
      });
      if (led) return;
      last = "a partition has no leader yet";
    } catch (e) {
      const { type, retriable } = e as { type?: unknown; retriable?: unknown };
      if (!(typeof type === "string" && NOT_YET.has(type)) && retriable !== true) throw e;
      last = (e as Error).message;
    }
    if (Date.now() >= deadline) throw new Error(`topic ${names.join(", ")} has no leader after ${o.timeoutMs} ms (last answer: ${last})`);
    await new Promise((r) => setTimeout(r, o.pollMs));
  }
}

/** The admin calls `createTopicsLed` makes (kafkajs's Admin has them). */
export interface TopicAdmin<T extends { readonly topic: string }> {
  createTopics(o: { topics: T[]; waitForLeaders: boolean }): Promise<boolean>;
  fetchTopicMetadata(o: { topics: string[] }): Promise<TopicsMetadata>;
}

/** Creates `topics` and waits until every partition has a leader (untilLeaders, polled every 100 ms). */
export async function createTopicsLed<T extends { readonly topic: string }>(admin: TopicAdmin<T>, topics: T[], timeoutMs: number): Promise<void> {
  await admin.createTopics({ topics, waitForLeaders: false });
  const names = topics.map((t) => t.topic);
  await untilLeaders(() => admin.fetchTopicMetadata({ topics: names }), names, { timeoutMs, pollMs: 100 });
}
