// What Kafka integration tests use: the run's broker (from test/setup/kafkaBroker.ts), unique names,
// kafkajs clients and a broker restart. Integration tests fail, never skip, when there is no broker.
import { randomBytes } from "node:crypto";
import { Kafka, logLevel, type Admin, type ITopicConfig, type KafkaConfig } from "kafkajs";
import { inject } from "vitest";
import { createTopicsLed } from "../../src/sources/kafka/topicLeaders.js";

/** The run's bootstrap addresses; throws if the globalSetup did not run (vitest.config.ts registers it). */
export function kafkaBrokers(): string[] {
  const brokers = inject("kafkaBrokers");
  if (!brokers || brokers.length === 0) {
    throw new Error("No Kafka broker was provided: run the tests through vitest.config.ts, whose globalSetup starts one.");
  }
  return brokers;
}

/** A topic or group name no other test (or earlier run against the same broker) uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
}

/** A kafkajs client for the run's broker; quiet unless DQSTREAM_TEST_KAFKA_LOG=1. */
export function testKafka(clientId: string, config: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId,
    brokers: kafkaBrokers(),
    logLevel: process.env.DQSTREAM_TEST_KAFKA_LOG === "1" ? logLevel.INFO : logLevel.NOTHING,
    connectionTimeout: 5_000,
    requestTimeout: 30_000,
    ...config,
  });
}

/** Creates topics and waits until every partition has a leader, as the monitor does (src/sources/kafka/topicLeaders.ts). */
export async function createTopicsReady(admin: Admin, topics: ITopicConfig[], timeoutMs = 30_000): Promise<void> {
  await createTopicsLed(admin, topics, timeoutMs);
}

/**
 * Stops the broker and starts it again on the same address and data (local-jar broker only), resolving once
 * it answers metadata requests again. Every test file sharing the broker sees the outage.
 */
export async function restartKafka(): Promise<void> {
  const url = inject("kafkaControlUrl");
  if (!url) throw new Error("No Kafka control endpoint was provided: run the tests through vitest.config.ts.");
  const res = await fetch(`${url}/restart`, { method: "POST", signal: AbortSignal.timeout(180_000) });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: string };
    throw new Error(`Broker restart refused (HTTP ${res.status}): ${body.error ?? res.statusText}`);
  }
}

/**
 * Stalls the broker (SIGSTOP: its sockets stay open, nothing answers) or lets it go on (SIGCONT);
 * local-jar broker only. Every test file sharing the broker sees the stall.
 */
export async function freezeKafka(frozen: boolean): Promise<void> {
  const url = inject("kafkaControlUrl");
  if (!url) throw new Error("No Kafka control endpoint was provided: run the tests through vitest.config.ts.");
  const res = await fetch(`${url}/${frozen ? "freeze" : "thaw"}`, { method: "POST", signal: AbortSignal.timeout(10_000) });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: string };
    throw new Error(`Broker ${frozen ? "freeze" : "thaw"} refused (HTTP ${res.status}): ${body.error ?? res.statusText}`);
  }
}
