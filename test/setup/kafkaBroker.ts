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
// SASL and TLS listeners for test/integration/kafkaSecurity.test.ts (inject("kafkaSecurity")): the local
// broker always has them (scripts/kafka-local.mjs with security on); with KAFKA_BROKERS they are
// described by the JSON file KAFKA_SECURITY_FILE names (`npm run kafka:local -- --security` writes
// one); with Docker a second, local broker from the jars provides them. Without them the security
// tests fail, saying why; the other tests are not affected.
//
// Tests read the broker with inject("kafkaBrokers") (see test/setup/kafka.ts). They restart it through
// a loopback control endpoint served here (POST <kafkaControlUrl>/restart), and stall it without
// closing its sockets (POST /freeze, /thaw: SIGSTOP and SIGCONT of its process), which only the
// local-jar broker supports; the other modes answer 501 and such tests fail saying why.
import { existsSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, isAbsolute, resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { startLocalKafka, type LocalKafka, type LocalKafkaSecurity } from "../../scripts/kafka-local.mjs";
import { errorMessage, findService } from "./findService.js";

type Mode = "env" | "docker" | "local";

/** The keys of a broker's SASL and TLS listeners, as in scripts/kafka-local.mjs's security.json. */
export type SecurityListener = "sasl_plaintext" | "ssl" | "mtls" | "sasl_ssl";
export const SECURITY_LISTENERS: readonly SecurityListener[] = ["sasl_plaintext", "ssl", "mtls", "sasl_ssl"];

/**
 * What the run has for the SASL and TLS tests (inject("kafkaSecurity")): the listeners and
 * credentials, or why there are none. Listeners, credentials and files a KAFKA_SECURITY_FILE leaves
 * out are absent; a test that needs one fails naming it.
 */
export type TestKafkaSecurity =
  | {
      available: true;
      /** Where this came from, for error messages. */
      description: string;
      username?: string;
      password?: string;
      /** "plain", "scram-sha-256", "scram-sha-512": what the SASL listeners accept. */
      mechanisms: string[];
      ca_file?: string;
      cert_file?: string;
      key_file?: string;
      listeners: Partial<Record<SecurityListener, string[]>>;
    }
  | { available: false; reason: string };

interface Broker {
  mode: Mode;
  brokers: string[];
  description: string;
  security: TestKafkaSecurity;
  restart?: () => Promise<void>;
  /** SIGSTOP / SIGCONT of the broker process: a broker that stalls without closing its sockets. */
  freeze?: (frozen: boolean) => void;
  stop: () => Promise<void>;
}

const DEFAULT_IMAGE = "confluentinc/cp-kafka:7.9.0";
const log = (message: string): void => {
  process.stderr.write(`[kafka] ${message}\n`);
};

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
      { cause: error },
    );
  } finally {
    await admin.disconnect().catch(() => {});
  }
  return { mode: "env", brokers, description: `KAFKA_BROKERS=${brokers.join(",")}`, security: securityFromEnv(process.env), stop: async () => {} };
}

/**
 * With KAFKA_BROKERS: the SASL and TLS listeners that KAFKA_SECURITY_FILE describes, in the format of
 * the security.json that `npm run kafka:local -- --security` writes (relative paths are relative to
 * the file). A file that is missing or malformed fails the run; no file leaves the security tests
 * failing with the reason.
 */
export function securityFromEnv(env: NodeJS.ProcessEnv): TestKafkaSecurity {
  const file = env.KAFKA_SECURITY_FILE?.trim();
  if (file === undefined || file === "") {
    return {
      available: false,
      reason:
        "KAFKA_BROKERS is set but KAFKA_SECURITY_FILE is not, so there are no SASL or TLS listeners to test. Set " +
        "KAFKA_SECURITY_FILE to a JSON file describing them ({listeners: {sasl_plaintext, ssl, mtls, sasl_ssl}, username, " +
        "password, mechanisms, ca_file, cert_file, key_file}; `npm run kafka:local -- --security` prints one), or unset " +
        "KAFKA_BROKERS to let the tests start a broker that has them.",
    };
  }
  const where = `KAFKA_SECURITY_FILE=${file}`;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`${where}: cannot read it as JSON: ${errorMessage(error)}`, { cause: error });
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new Error(`${where}: expected a JSON object`);
  const o = raw as Record<string, unknown>;
  const str = (key: string): string | undefined => {
    const v = o[key];
    if (v === undefined) return undefined;
    if (typeof v !== "string" || v === "") throw new Error(`${where}: ${key}: expected a non-empty string`);
    return v;
  };
  const path = (key: string): string | undefined => {
    const v = str(key);
    if (v === undefined) return undefined;
    const full = isAbsolute(v) ? v : resolve(dirname(file), v);
    if (!existsSync(full)) throw new Error(`${where}: ${key}: ${full} does not exist`);
    return full;
  };
  const listenersRaw = o["listeners"];
  if (listenersRaw === null || typeof listenersRaw !== "object" || Array.isArray(listenersRaw)) throw new Error(`${where}: listeners: expected an object`);
  const listeners: Partial<Record<SecurityListener, string[]>> = {};
  for (const [key, value] of Object.entries(listenersRaw)) {
    if (!(SECURITY_LISTENERS as readonly string[]).includes(key))
      throw new Error(`${where}: listeners.${key}: unknown; expected ${SECURITY_LISTENERS.join(", ")}`);
    if (!Array.isArray(value) || value.length === 0 || !value.every((b) => typeof b === "string" && /^[^:\s]+:\d+$/.test(b))) {
      throw new Error(`${where}: listeners.${key}: expected a list of host:port`);
    }
    listeners[key as SecurityListener] = value as string[];
  }
  const mechanisms = o["mechanisms"] ?? ["plain", "scram-sha-256", "scram-sha-512"];
  if (!Array.isArray(mechanisms) || !mechanisms.every((m) => m === "plain" || m === "scram-sha-256" || m === "scram-sha-512")) {
    throw new Error(`${where}: mechanisms: expected a list of plain, scram-sha-256, scram-sha-512`);
  }
  const out: TestKafkaSecurity = { available: true, description: where, mechanisms: mechanisms as string[], listeners };
  const username = str("username");
  const password = str("password");
  const caFile = path("ca_file");
  const certFile = path("cert_file");
  const keyFile = path("key_file");
  if (username !== undefined) out.username = username;
  if (password !== undefined) out.password = password;
  if (caFile !== undefined) out.ca_file = caFile;
  if (certFile !== undefined) out.cert_file = certFile;
  if (keyFile !== undefined) out.key_file = keyFile;
  return out;
}

function localSecurity(started: LocalKafka): TestKafkaSecurity {
  const s: LocalKafkaSecurity | undefined = started.security;
  if (s === undefined) return { available: false, reason: "the local broker was started without its SASL and TLS listeners" };
  return {
    available: true,
    description: `the local broker's security listeners (${started.securityFile})`,
    ...s,
    mechanisms: [...s.mechanisms],
    listeners: { ...s.listeners },
  };
}

async function startDockerBroker(): Promise<Broker> {
  const { KafkaContainer } = await import("@testcontainers/kafka");
  const image = process.env.DQSTREAM_KAFKA_IMAGE || DEFAULT_IMAGE;
  log(`Starting ${image} with testcontainers...`);
  const container = await new KafkaContainer(image).withKraft().start();
  const brokers = [`${container.getHost()}:${container.getMappedPort(9093)}`];
  // The container has no SASL PLAIN or mutual-TLS listeners; a local broker from the jars provides them.
  let securityBroker: LocalKafka | undefined;
  let security: TestKafkaSecurity;
  try {
    securityBroker = await startLocalKafka({ security: true, log: (message) => log(`(security listeners) ${message}`) });
    security = localSecurity(securityBroker);
  } catch (error) {
    security = {
      available: false,
      reason:
        `The Docker broker has no SASL or TLS listeners, and the local broker that would provide them did not start: ${errorMessage(error)}. ` +
        "Install Java 11+ and Maven (and openssl), or set DQSTREAM_TEST_KAFKA=local.",
    };
  }
  return {
    mode: "docker",
    brokers,
    description: `${image} in Docker on ${brokers.join(",")}`,
    security,
    stop: async () => {
      await Promise.all([container.stop(), securityBroker?.stop()]);
    },
  };
}

async function startJarBroker(): Promise<Broker> {
  const started: LocalKafka = await startLocalKafka({
    security: true,
    log: (message) => log(message),
    onUnexpectedExit: ({ code, signal, logTail }) => {
      log(`The local broker exited unexpectedly (${code ?? signal}); the Kafka tests will fail. Tail of its log:\n${logTail}`);
    },
  });
  return {
    mode: "local",
    brokers: started.brokers,
    description: `Apache Kafka ${started.version} from its jars on ${started.brokers.join(",")} (data ${started.dataDir})`,
    security: localSecurity(started),
    restart: () => started.restart(),
    freeze: (frozen) => {
      const pid = started.pid;
      if (pid === undefined) throw new Error("the local broker has no process to signal");
      process.kill(pid, frozen ? "SIGSTOP" : "SIGCONT");
    },
    stop: async () => {
      // a test that froze the broker and failed must not leave it frozen for the stop
      if (started.pid !== undefined) process.kill(started.pid, "SIGCONT");
      await started.stop();
    },
  };
}

/** Finds or starts the broker; throws one error naming every way tried and why each failed. */
function findBroker(): Promise<Broker> {
  return findService<Broker>({
    what: "Kafka broker",
    envName: "KAFKA_BROKERS",
    useEnv: useEnvBrokers,
    forceName: "DQSTREAM_TEST_KAFKA",
    docker: { label: "Docker (testcontainers)", container: "the Kafka container", start: startDockerBroker },
    local: {
      label: "Local broker from Apache Kafka's jars",
      failureLabel: "Local broker from Apache Kafka's jars (scripts/kafka-local.mjs)",
      fallback: "the local broker",
      start: startJarBroker,
    },
    fix: () =>
      "set KAFKA_BROKERS=host:port to a running broker, start a Docker engine, " +
      "or install Java 11+ (17 recommended) and Maven so `npm run kafka:local` can run.",
    log,
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** The control endpoint tests use: POST /restart, /freeze, /thaw, GET /status. Loopback only. */
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
    } else if (req.method === "POST" && (req.url === "/freeze" || req.url === "/thaw")) {
      const freeze = broker.freeze;
      if (!freeze) {
        sendJson(res, 501, {
          error: `The test broker (${broker.description}) cannot be frozen by the tests: only the local broker from Apache Kafka's jars can.`,
        });
        return;
      }
      try {
        freeze(req.url === "/freeze");
        sendJson(res, 200, { frozen: req.url === "/freeze" });
      } catch (error) {
        sendJson(res, 500, { error: `Signalling the broker failed: ${errorMessage(error)}` });
      }
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
  project.provide("kafkaSecurity", broker.security);
  if (!broker.security.available) log(`No SASL/TLS listeners: the security tests will fail. ${broker.security.reason}`);

  return async () => {
    const stopping = Date.now();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await broker.stop();
    log(`Stopped the broker (${((Date.now() - stopping) / 1000).toFixed(1)} s).`);
  };
}
