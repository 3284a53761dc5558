// `dqstream monitor`'s configuration: file < DQSTREAM_… variables < flags, errors that name where a
// value came from, paths relative to the config file. No broker needed.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveMonitorConfig } from "../../src/cli/monitorCommand.js";
import { UsageError } from "../../src/cli/exitCodes.js";
import { ConfigError } from "../../src/config/loadConfig.js";
import { messageRecords } from "../../src/sources/kafka/kafkaClient.js";
import { toMessage } from "../../src/sinks/kafkaDeadLetterSink.js";

let dir: string;
let file: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "dqstream-monitor-config-"));
  file = join(dir, "monitor.yaml");
  await writeFile(
    file,
    [
      "baseline: { statistics: base/statistics.json, constraints: base/constraints.json }",
      "reports_dir: out",
      "window_seconds: 600",
      "kafka: { brokers: ['file:9092'], topics: [capture], group_id: from-file, sasl: { mechanism: plain, username: u, password: secret } }",
      "",
    ].join("\n"),
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("accepted");
}

describe("monitor configuration", () => {
  it("takes the file, then DQSTREAM_ variables, then flags; paths relative to the file", async () => {
    const c = await resolveMonitorConfig(
      { config: file, topic: ["a,b", "c"], windowSeconds: "900" },
      { DQSTREAM_KAFKA__GROUP_ID: "from-env", DQSTREAM_WINDOW_SECONDS: "1200", DQSTREAM_KAFKA__BROKERS: "x:1,y:2", DQSTREAM_LOG_LEVEL: "debug" },
    );
    expect(c.baseline.statistics).toBe(join(dir, "base/statistics.json"));
    expect(c.reports_dir).toBe(join(dir, "out"));
    expect(c.kafka.group_id).toBe("from-env");
    expect(c.kafka.brokers).toEqual(["x:1", "y:2"]);
    expect(c.kafka.topics).toEqual(["a", "b", "c"]);
    expect(c.window_seconds).toBe(900);
    const flagged = await resolveMonitorConfig(
      { config: file, groupId: "from-flag", httpPort: "0", idleCloseSeconds: "5" },
      { DQSTREAM_KAFKA__GROUP_ID: "from-env" },
    );
    expect(flagged.kafka.group_id).toBe("from-flag");
    expect(flagged.http.port).toBe(0);
    expect(flagged.idle_close_seconds).toBe(5);
  });

  it("names the flag, the variable or the file, and the key; never echoes a secret", async () => {
    expect((await failure(resolveMonitorConfig({ config: file, windowSeconds: "5" }, {}))).message).toMatch(/^--window-seconds: window_seconds:/);
    expect((await failure(resolveMonitorConfig({ config: file, windowSeconds: "ten" }, {}))).message).toBe('--window-seconds: expected an integer, got "ten"');
    expect((await failure(resolveMonitorConfig({ config: file }, { DQSTREAM_KAFKA__SESSION_TIMEOUT_MS: "10" }))).message).toMatch(
      /^DQSTREAM_KAFKA__SESSION_TIMEOUT_MS: kafka\.session_timeout_ms:/,
    );
    expect((await failure(resolveMonitorConfig({ config: file }, { DQSTREAM_KAFKA__NOPE: "1" }))).message).toMatch(
      /DQSTREAM_KAFKA__NOPE: unknown key kafka\.nope/,
    );
    const e = await failure(resolveMonitorConfig({ config: file, brokers: "not a broker" }, {}));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toMatch(/^--brokers: kafka\.brokers/);
    expect(e.message).not.toContain("secret");
    const missing = await failure(resolveMonitorConfig({ statistics: "s.json", constraints: "c.json", reports: "r", brokers: "b:1" }, {}));
    expect(missing).toBeInstanceOf(UsageError);
    expect(missing.message).toBe("missing --topic (or kafka.topics in --config, or DQSTREAM_KAFKA__TOPICS)");
  });
});

describe("Kafka messages and dead letters", () => {
  const partition = { topic: "t", partition: 2 };
  it("reads a message as one record, or JSON Lines as several, all at the message's position and time", () => {
    const one = messageRecords(partition, { offset: "7", timestamp: "1700000000000", value: Buffer.from('{"a":1}') });
    // a message of one record carries the message's bytes (its dead letter is the message)
    expect(one).toEqual([
      {
        partition,
        position: { topic: "t", partition: 2, offset: "7" },
        timestampMs: 1_700_000_000_000,
        value: '{"a":1}',
        bytes: Buffer.from('{"a":1}'),
        size: 7,
      },
    ]);
    const several = messageRecords(partition, { offset: "8", timestamp: "1", value: Buffer.from('{"a":1}\r\n\n{"b":2}\n') });
    expect(several.map((r) => r.value)).toEqual(['{"a":1}', '{"b":2}']);
    expect(messageRecords(partition, { offset: "9", timestamp: "1", value: null }).map((r) => r.value)).toEqual([""]);
  });

  it("puts the reason and the source position in a dead letter's headers", () => {
    const m = toMessage({ reason: "invalid JSON", detail: "at 3", position: { topic: "t", partition: 2, offset: "9" }, record: "{x" });
    expect(m).toEqual({
      key: "t[2]@9",
      value: Buffer.from("{x"),
      headers: {
        "dqstream.reason": "invalid JSON",
        "dqstream.detail": "at 3",
        "dqstream.source.topic": "t",
        "dqstream.source.partition": "2",
        "dqstream.source.offset": "9",
      },
    });
  });
});
