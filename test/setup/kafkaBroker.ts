// Vitest globalSetup: one Kafka broker for the whole test run, found or started in this order:
//
//   1. KAFKA_BROKERS=host:port[,host:port]  a broker you run; it must answer, or the run fails.
//   2. A Docker engine answers              @testcontainers/kafka (Confluent image, KRaft).
//   3. Java 11+ and Maven                   scripts/kafka-local.mjs: Apache Kafka's own jars from
//                                           Maven Central (cached), a single-node KRaft broker.
//
// DQSTREAM_TEST_KAFKA=docker or =local skips the other automatic choice. When nothing works the
// setup throws, so the test command fails: integration tests are never skipped for want of a broker.
//
// Tests read the broker with inject("kafkaBrokers") (see test/setup/kafka.ts). They restart it through
// a loopback control endpoint served here (POST <kafkaControlUrl>/restart), which only the local-jar
// broker supports; the other modes answer 501 and such tests fail saying why.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestProject } from "vitest/node";
import { startLocalKafka, type LocalKafka } from "../../scripts/kafka-local.mjs";

type Mode = "env" | "docker" | "local";

interface Broker {
  mode: Mode;
  brokers: string[];
  description: string;
  restart?: () => Promise<void>;
  stop: () => Promise<void>;
}

const DEFAULT_IMAGE = "confluentinc/cp-kafka:7.9.0";
const log = (message: string): void => {
  process.stderr.write(`[kafka] ${message}\n`);
};
const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const indent = (text: string): string => text.replace(/\n/g, "\n     ");

/** A broker the user runs: it must answer a metadata request within ~30 s. */
async function useEnvBrokers(value: string): Promise<Broker> {
  const brokers = value
    .split(",")
    .map((b) => b.trim())
    .filter(Boolean);
  if (brokers.length === 0) throw new Error(`KAFKA_BROKERS is set but empty ("${value}").`);
  const { Kafka, logLevel } = await import("kafkajs");
  const admin = new Kafka({
    clientId: "dqstream-test-setup",
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    retry: { retries: 6, initialRetryTime: 500, maxRetryTime: 8_000 },
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error("the cluster reports no live brokers");
  } catch (error) {
    throw new Error(
      `KAFKA_BROKERS=${value} does not answer a Kafka metadata request (${errorMessage(error)}). ` +
        "Start that broker, or unset KAFKA_BROKERS to let the tests start one.",
    );
  } finally {
    await admin.disconnect().catch(() => {});
  }
  return { mode: "env", brokers, description: `KAFKA_BROKERS=${brokers.join(",")}`, stop: async () => {} };
}

/** Rejects fast (well under a second) when no Docker engine answers. */
async function dockerAnswers(): Promise<void> {
  const { getContainerRuntimeClient } = await import("testcontainers");
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("no answer within 20 s")), 20_000);
  });
  try {
    await Promise.race([getContainerRuntimeClient(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function startDockerBroker(): Promise<Broker> {
  const { KafkaContainer } = await import("@testcontainers/kafka");
  const image = process.env.DQSTREAM_KAFKA_IMAGE || DEFAULT_IMAGE;
  log(`Starting ${image} with testcontainers...`);
  const container = await new KafkaContainer(image).withKraft().start();
  const brokers = [`${container.getHost()}:${container.getMappedPort(9093)}`];
  return {
    mode: "docker",
    brokers,
    description: `${image} in Docker on ${brokers.join(",")}`,
    stop: async () => {
      await container.stop();
    },
  };
}

async function startJarBroker(): Promise<Broker> {
  const started: LocalKafka = await startLocalKafka({
    log: (message) => log(message),
    onUnexpectedExit: ({ code, signal, logTail }) => {
      log(`The local broker exited unexpectedly (${code ?? signal}); the Kafka tests will fail. Tail of its log:\n${logTail}`);
    },
  });
  return {
    mode: "local",
    brokers: started.brokers,
    description: `Apache Kafka ${started.version} from its jars on ${started.brokers.join(",")} (data ${started.dataDir})`,
    restart: () => started.restart(),
    stop: () => started.stop(),
  };
}

/** Finds or starts the broker; throws one error naming every way tried and why each failed. */
async function findBroker(): Promise<Broker> {
  const fromEnv = process.env.KAFKA_BROKERS;
  if (fromEnv !== undefined && fromEnv.trim() !== "") return useEnvBrokers(fromEnv);

  const only = (process.env.DQSTREAM_TEST_KAFKA ?? "").trim().toLowerCase();
  if (only !== "" && only !== "docker" && only !== "local") {
    throw new Error(`DQSTREAM_TEST_KAFKA must be "docker" or "local" (or unset), got "${only}".`);
  }
  const failures: string[] = ["KAFKA_BROKERS: not set."];

  if (only === "local") {
    failures.push("Docker (testcontainers): not tried, DQSTREAM_TEST_KAFKA=local.");
  } else {
    let dockerUp = false;
    try {
      await dockerAnswers();
      dockerUp = true;
    } catch (error) {
      failures.push(`Docker (testcontainers): no Docker engine answers (${errorMessage(error)}).`);
    }
    if (dockerUp) {
      try {
        return await startDockerBroker();
      } catch (error) {
        failures.push(`Docker (testcontainers): the engine answers but the Kafka container did not start: ${errorMessage(error)}`);
        log(`Kafka container failed (${errorMessage(error)}); trying the local broker.`);
      }
    }
  }

  if (only === "docker") {
    failures.push("Local broker from Apache Kafka's jars: not tried, DQSTREAM_TEST_KAFKA=docker.");
  } else {
    try {
      return await startJarBroker();
    } catch (error) {
      failures.push(`Local broker from Apache Kafka's jars (scripts/kafka-local.mjs): ${errorMessage(error)}`);
    }
  }

  throw new Error(
    "No Kafka broker for the integration tests. Tried, in order:\n" +
      failures.map((f, i) => `  ${i + 1}. ${indent(f)}`).join("\n") +
      "\nFix one: set KAFKA_BROKERS=host:port to a running broker, start a Docker engine, " +
      "or install Java 11+ (17 recommended) and Maven so `npm run kafka:local` can run.",
  );
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** The control endpoint tests use: POST /restart, GET /status. Loopback only. */
function serveControl(broker: Broker): Promise<Server> {
  let restarts = Promise.resolve();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    if (req.method === "GET" && req.url === "/status") {
      sendJson(res, 200, { mode: broker.mode, brokers: broker.brokers, description: broker.description });
    } else if (req.method === "POST" && req.url === "/restart") {
      const restart = broker.restart;
      if (!restart) {
        sendJson(res, 501, {
          error:
            `The test broker (${broker.description}) cannot be restarted by the tests: only the local broker ` +
            "from Apache Kafka's jars can. Unset KAFKA_BROKERS (and set DQSTREAM_TEST_KAFKA=local if Docker runs) to run this test.",
        });
        return;
      }
      const started = Date.now();
      // One restart at a time, even when several test files ask at once.
      const next = restarts.then(restart);
      restarts = next.catch(() => {});
      next.then(
        () => sendJson(res, 200, { brokers: broker.brokers, restartMs: Date.now() - started }),
        (error: unknown) => sendJson(res, 500, { error: `Restarting the broker failed: ${errorMessage(error)}` }),
      );
    } else {
      sendJson(res, 404, { error: `No route ${req.method} ${req.url}` });
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const broker = await findBroker();
  log(`Broker for this run: ${broker.description} (${((Date.now() - started) / 1000).toFixed(1)} s).`);
  let server: Server;
  try {
    server = await serveControl(broker);
  } catch (error) {
    await broker.stop();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  project.provide("kafkaBrokers", broker.brokers);
  project.provide("kafkaMode", broker.mode);
  project.provide("kafkaControlUrl", `http://127.0.0.1:${port}`);

  return async () => {
    const stopping = Date.now();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await broker.stop();
    log(`Stopped the broker (${((Date.now() - stopping) / 1000).toFixed(1)} s).`);
  };
}
