#!/usr/bin/env node
// `npm run kafka:local`: a single-node Apache Kafka broker (KRaft, no ZooKeeper, no Docker) from
// Apache Kafka's own jars. The jars come from Maven Central once per machine (through `mvn` and
// scripts/kafka/pom.xml) and are cached in ~/.cache/dqstream/kafka-<version>/libs; Java 11+ runs
// the broker. Prints `KAFKA_BROKERS=127.0.0.1:<port>` on standard output once the broker answers
// a metadata request, then runs until Ctrl-C (SIGINT) or SIGTERM, stops the broker and exits 0.
//
//   npm run kafka:local                              free ports, a temporary data dir
//   npm run kafka:local -- --port 9092 --data-dir ./.kafka-data
//   npm run kafka:local -- --fetch-only              fetch the jars into the cache, nothing else
//   npm run kafka:local -- --security                also SASL and TLS listeners (below)
//   npm run kafka:local -- --create-topic capture:3  create topics (name[:partitions]) once it answers
//
// --security (option `security: true`) adds four listeners on 127.0.0.1 (free ports; with --port N,
// N+1 to N+4), for trying and testing dqstream's `kafka.sasl` and `kafka.tls` settings:
//   SASL_PLAINTEXT  SASL with PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 (user `dqstream`, a random password)
//   SSL             TLS, the broker's certificate signed by a CA made for this data dir
//   MTLS            TLS that requires a client certificate signed by that CA (mutual TLS)
//   SASL_SSL        SASL (the three mechanisms) over TLS
// The CA, the broker's PKCS#12 keystore and a client certificate are made with `openssl` into
// <data dir>/security/ (PEM files for the clients); the SCRAM credentials are stored when the data
// dir is formatted (KRaft: `kafka-storage format --add-scram`), so a data dir formatted without
// --security cannot get them later. Everything a client needs (addresses, user, password, PEM
// files) is written to <data dir>/security.json, whose path is printed as KAFKA_SECURITY_FILE.
//
// Environment: DQSTREAM_KAFKA_VERSION (default 3.9.1, 3.x only), DQSTREAM_CACHE_DIR (default
// $XDG_CACHE_HOME/dqstream or ~/.cache/dqstream), JAVA_HOME, DQSTREAM_KAFKA_JAVA_OPTS (extra JVM
// options, e.g. "-Xmx1g").
//
// As a module the test setup (test/setup/kafkaBroker.ts) calls startLocalKafka(); the types are in
// kafka-local.d.mts.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createConnection, createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const POM = join(HERE, "kafka", "pom.xml");
const LOG4J = join(HERE, "kafka", "log4j.properties");

export const DEFAULT_KAFKA_VERSION = "3.9.1";
const HOST = "127.0.0.1";
const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 30_000;
const MAVEN_TIMEOUT_MS = 10 * 60_000;
const COMPLETE_MARKER = ".complete";

/** Every failure this script reports to a person: the message says what to do. */
export class LocalKafkaError extends Error {
  /** @param {string} message @param {{cause?: unknown}} [options] */
  constructor(message, options) {
    super(message, options);
    this.name = "LocalKafkaError";
  }
}

/** The Kafka version to run: DQSTREAM_KAFKA_VERSION, else 3.9.1. Only 3.x (KRaft, log4j 1.x). */
export function kafkaVersion(env = process.env) {
  const version = (env.DQSTREAM_KAFKA_VERSION ?? "").trim() || DEFAULT_KAFKA_VERSION;
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!m) throw new LocalKafkaError(`DQSTREAM_KAFKA_VERSION must look like 3.9.1, got "${version}".`);
  const major = Number(m[1]);
  const minor = Number(m[2]);
  if (major !== 3 || minor < 3) {
    throw new LocalKafkaError(
      `DQSTREAM_KAFKA_VERSION=${version} is not supported: this script runs Kafka 3.3 to 3.9 ` +
        "(single-node KRaft with static voters and log4j 1.x; Kafka 4.x needs log4j2 and `format --standalone`).",
    );
  }
  return version;
}

/** Where fetched jars are kept: DQSTREAM_CACHE_DIR, else $XDG_CACHE_HOME/dqstream, else ~/.cache/dqstream. */
export function cacheRoot(env = process.env) {
  if (env.DQSTREAM_CACHE_DIR) return resolve(env.DQSTREAM_CACHE_DIR);
  return join(env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), ".cache"), "dqstream");
}

const javaBin = (env = process.env) => (env.JAVA_HOME ? join(env.JAVA_HOME, "bin", "java") : "java");
const mavenBin = () => (process.platform === "win32" ? "mvn.cmd" : "mvn");

/**
 * Runs a command to completion, keeping the last `keep` characters of its combined output.
 * @returns {Promise<{code: number | null, signal: string | null, output: string, error?: Error}>}
 */
function run(cmd, args, { cwd, timeoutMs = 0, keep = 64_000 } = {}) {
  return new Promise((resolvePromise) => {
    let output = "";
    const append = (chunk) => {
      output += chunk.toString();
      if (output.length > keep * 2) output = output.slice(-keep);
    };
    let child;
    try {
      child = spawn(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    } catch (error) {
      resolvePromise({ code: null, signal: null, output: "", error });
      return;
    }
    child.stdout.on("data", append);
    child.stderr.on("data", append);
    const timer = timeoutMs > 0 ? setTimeout(() => child.kill("SIGKILL"), timeoutMs) : undefined;
    let settled = false;
    child.on("error", (error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolvePromise({ code: null, signal: null, output, error });
    });
    child.on("close", (code, signal) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolvePromise({ code, signal, output: output.slice(-keep) });
    });
  });
}

const lastLines = (text, n = 25) =>
  text
    // eslint-disable-next-line no-control-regex -- strips the terminal colour codes of Kafka's log
    .replace(/\x1b\[[0-9;]*m/g, "")
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "")
    .slice(-n)
    .map((line) => `    ${line}`)
    .join("\n");

/** Checks that Java runs and is recent enough; returns its major version. */
export async function checkJava(env = process.env) {
  const java = javaBin(env);
  const result = await run(java, ["-version"], { timeoutMs: 60_000 });
  if (result.error) {
    const how = env.JAVA_HOME ? `JAVA_HOME=${env.JAVA_HOME} has no bin/java` : "no `java` on PATH";
    throw new LocalKafkaError(
      `Java is needed to run the local Kafka broker, but ${how} (${result.error.message}). ` +
        "Install a JDK or JRE 11 or newer (17 recommended), or set KAFKA_BROKERS to a running broker.",
    );
  }
  const m = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(result.output);
  if (!m) {
    throw new LocalKafkaError(`Could not read the version from \`${java} -version\`:\n${lastLines(result.output, 5)}`);
  }
  const major = m[1] === "1" ? Number(m[2]) : Number(m[1]);
  if (major < 11) {
    throw new LocalKafkaError(
      `Java ${major} is too old for the local Kafka broker: install Java 11 or newer (17 recommended) and put it ` + "first on PATH or in JAVA_HOME.",
    );
  }
  return major;
}

const isComplete = (libs) => existsSync(join(libs, COMPLETE_MARKER));

/**
 * Makes sure Kafka's jars are in the cache (fetching them with Maven once) and returns the folder.
 * Several processes may fetch at once: each fetches into its own folder and the first rename wins.
 */
export async function ensureKafkaJars({ version = kafkaVersion(), cacheDir = cacheRoot(), log = () => {} } = {}) {
  const home = join(cacheDir, `kafka-${version}`);
  const libs = join(home, "libs");
  if (isComplete(libs)) return libs;

  mkdirSync(home, { recursive: true });
  const staging = mkdtempSync(join(home, "libs.fetching-"));
  const started = Date.now();
  log(`Fetching Apache Kafka ${version} jars from Maven Central into ${libs} (once per machine)...`);
  try {
    const args = [
      "-B",
      "-q",
      "-U",
      "-Dstyle.color=never",
      "-f",
      POM,
      `-Dkafka.version=${version}`,
      "dependency:copy-dependencies",
      `-DoutputDirectory=${staging}`,
      "-DincludeScope=runtime",
    ];
    const result = await run(mavenBin(), args, { cwd: staging, timeoutMs: MAVEN_TIMEOUT_MS });
    if (result.error) {
      throw new LocalKafkaError(
        `Maven (\`mvn\`) is needed once to fetch Apache Kafka's jars, but it could not be started ` +
          `(${result.error.message}). Install Maven 3.6 or newer, or set KAFKA_BROKERS to a running broker.`,
      );
    }
    if (result.code !== 0) {
      const why = result.signal ? `was killed (${result.signal}${result.signal === "SIGKILL" ? ", timed out?" : ""})` : `exited with ${result.code}`;
      throw new LocalKafkaError(
        `Fetching Apache Kafka ${version} with Maven failed: \`mvn ${args.join(" ")}\` ${why}. ` +
          `Maven Central must be reachable (or mirrored in ~/.m2/settings.xml). Last lines of Maven's output:\n` +
          (lastLines(result.output) || "    (no output)"),
      );
    }
    const jars = readdirSync(staging).filter((f) => f.endsWith(".jar"));
    if (!jars.includes(`kafka_2.13-${version}.jar`)) {
      throw new LocalKafkaError(`Maven finished but kafka_2.13-${version}.jar is not among the ${jars.length} jars it copied to ${staging}.`);
    }
    writeFileSync(join(staging, COMPLETE_MARKER), `${JSON.stringify({ version, jars: jars.sort() }, null, 2)}\n`);
    chmodSync(staging, 0o755);
    if (existsSync(libs) && !isComplete(libs)) rmSync(libs, { recursive: true, force: true });
    try {
      renameSync(staging, libs);
    } catch (error) {
      if (!isComplete(libs)) throw error;
      rmSync(staging, { recursive: true, force: true }); // another process finished first
    }
    log(`Fetched ${jars.length} jars in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    return libs;
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (readdirSync(home).length === 0) rmSync(home, { recursive: true, force: true });
    throw error;
  }
}

/** A port nothing listens on right now (the OS picks it). */
export function freePort() {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, HOST, () => {
      const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
      server.close(() => resolvePromise(port));
    });
  });
}

function assertPortFree(port, what) {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", (error) => reject(new LocalKafkaError(`Cannot use port ${port} for the ${what}: ${error.message}. Pick another with --port.`)));
    server.listen(port, HOST, () => server.close(() => resolvePromise(undefined)));
  });
}

function tcpAnswers(port, timeoutMs = 1_000) {
  return new Promise((resolvePromise) => {
    const socket = createConnection({ host: HOST, port });
    const done = (ok) => {
      socket.destroy();
      resolvePromise(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function tailOf(file, maxChars = 6_000) {
  try {
    const size = statSync(file).size;
    const text = readFileSync(file, "utf8");
    return size > maxChars ? text.slice(-maxChars) : text;
  } catch {
    return "";
  }
}

/** The SASL and TLS listeners of --security: name, security protocol, and the key in security.json. */
const SECURITY_LISTENERS = [
  { name: "SASL_PLAINTEXT", protocol: "SASL_PLAINTEXT", key: "sasl_plaintext" },
  { name: "SSL", protocol: "SSL", key: "ssl" },
  { name: "MTLS", protocol: "SSL", key: "mtls" },
  { name: "SASL_SSL", protocol: "SASL_SSL", key: "sasl_ssl" },
];
/** The SASL mechanisms of the SASL listeners, as dqstream's `kafka.sasl.mechanism` names them. */
export const SASL_MECHANISMS = ["plain", "scram-sha-256", "scram-sha-512"];
const SASL_USER = "dqstream";

/**
 * @param {{ ports: Record<string, number>, logDirs: string,
 *   security?: { username: string, password: string, keystore: string, keystorePassword: string, caFile: string } }} o
 */
function serverProperties({ ports, logDirs, security }) {
  const listeners = [`PLAINTEXT://${HOST}:${ports.broker}`];
  const protocols = ["PLAINTEXT:PLAINTEXT", "CONTROLLER:PLAINTEXT"];
  if (security) {
    for (const l of SECURITY_LISTENERS) {
      listeners.push(`${l.name}://${HOST}:${ports[l.key]}`);
      protocols.push(`${l.name}:${l.protocol}`);
    }
  }
  const lines = [
    "# Written by scripts/kafka-local.mjs: a single-node KRaft broker for development and tests.",
    "process.roles=broker,controller",
    "node.id=1",
    `controller.quorum.voters=1@${HOST}:${ports.controller}`,
    `listeners=${[...listeners, `CONTROLLER://${HOST}:${ports.controller}`].join(",")}`,
    `advertised.listeners=${listeners.join(",")}`,
    "controller.listener.names=CONTROLLER",
    "inter.broker.listener.name=PLAINTEXT",
    `listener.security.protocol.map=${protocols.join(",")}`,
    `log.dirs=${logDirs}`,
    "num.partitions=1",
    // One broker: every internal topic has one replica, or the group coordinator never comes up.
    "offsets.topic.replication.factor=1",
    // Few partitions for __consumer_offsets: the coordinator loads them faster after a (re)start.
    "offsets.topic.num.partitions=4",
    "transaction.state.log.replication.factor=1",
    "transaction.state.log.min.isr=1",
    "transaction.state.log.num.partitions=4",
    "group.initial.rebalance.delay.ms=0",
    // Tests and dqstream create their topics explicitly; a typo must not create a new topic.
    "auto.create.topics.enable=false",
  ];
  if (security) {
    const plain = `org.apache.kafka.common.security.plain.PlainLoginModule required user_${security.username}="${security.password}";`;
    const scram = "org.apache.kafka.common.security.scram.ScramLoginModule required;";
    lines.push(
      "# --security: SASL (PLAIN users in the JAAS line below; SCRAM users stored by `format --add-scram`) and TLS.",
      "sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512",
    );
    for (const listener of ["sasl_plaintext", "sasl_ssl"]) {
      lines.push(
        `listener.name.${listener}.plain.sasl.jaas.config=${plain}`,
        `listener.name.${listener}.scram-sha-256.sasl.jaas.config=${scram}`,
        `listener.name.${listener}.scram-sha-512.sasl.jaas.config=${scram}`,
      );
    }
    lines.push(
      "ssl.keystore.type=PKCS12",
      `ssl.keystore.location=${security.keystore}`,
      `ssl.keystore.password=${security.keystorePassword}`,
      `ssl.key.password=${security.keystorePassword}`,
      "ssl.truststore.type=PEM",
      `ssl.truststore.location=${security.caFile}`,
      "listener.name.mtls.ssl.client.auth=required",
    );
  }
  lines.push("");
  return lines.join("\n");
}

/** Distinct free ports for the broker, the controller and (with --security) the SASL and TLS listeners. */
async function pickPorts({ port, security }) {
  const ports = { broker: port ?? (await freePort()) };
  const taken = new Set([ports.broker]);
  // A chosen broker port N puts the SASL_PLAINTEXT, SSL, MTLS and SASL_SSL listeners on N+1 to N+4.
  if (port !== undefined && security) {
    if (port + SECURITY_LISTENERS.length > 65535)
      throw new LocalKafkaError(`--port ${port} with --security needs the ${SECURITY_LISTENERS.length} ports above it; pick a lower one.`);
    for (const [i, l] of SECURITY_LISTENERS.entries()) {
      ports[l.key] = port + 1 + i;
      await assertPortFree(ports[l.key], `${l.name} listener (--port ${port} puts it on ${ports[l.key]})`);
      taken.add(ports[l.key]);
    }
  }
  const names = ["controller", ...(security ? SECURITY_LISTENERS.map((l) => l.key) : [])].filter((n) => ports[n] === undefined);
  for (const name of names) {
    let p;
    do p = await freePort();
    while (taken.has(p));
    taken.add(p);
    ports[name] = p;
  }
  return ports;
}

async function openssl(args, cwd) {
  const result = await run("openssl", args, { cwd, timeoutMs: 60_000 });
  if (result.error) {
    throw new LocalKafkaError(
      `\`openssl\` is needed for the TLS listeners of --security but could not be started (${result.error.message}). ` +
        "Install OpenSSL, or start the broker without --security.",
    );
  }
  if (result.code !== 0) {
    throw new LocalKafkaError(`\`openssl ${args.join(" ")}\` failed in ${cwd} (exit ${result.code}):\n${lastLines(result.output) || "    (no output)"}`);
  }
}

const OPENSSL_CONFIG = [
  "# Written by scripts/kafka-local.mjs: the extensions of the --security certificates.",
  "[req]",
  "distinguished_name = dn",
  "prompt = no",
  "[dn]",
  "CN = dqstream-kafka-local",
  "[ca_ext]",
  "basicConstraints = critical,CA:TRUE",
  "keyUsage = critical,keyCertSign,cRLSign",
  "subjectKeyIdentifier = hash",
  "[server_ext]",
  "basicConstraints = critical,CA:FALSE",
  "keyUsage = critical,digitalSignature",
  "extendedKeyUsage = serverAuth",
  `subjectAltName = IP:${HOST},DNS:localhost`,
  "[client_ext]",
  "basicConstraints = critical,CA:FALSE",
  "keyUsage = critical,digitalSignature",
  "extendedKeyUsage = clientAuth",
  "",
].join("\n");

/**
 * The TLS files of --security in `dir`, made once per data dir: a CA (ca.pem, ca.key), the broker's
 * key and certificate (for 127.0.0.1 and localhost) in the PKCS#12 keystore broker.p12, and a
 * client certificate for mutual TLS (client.pem, client.key). EC P-256 keys: fast to make.
 */
async function ensureTlsFiles(dir, keystorePassword) {
  const files = {
    caFile: join(dir, "ca.pem"),
    keystore: join(dir, "broker.p12"),
    certFile: join(dir, "client.pem"),
    keyFile: join(dir, "client.key"),
  };
  if (Object.values(files).every((f) => existsSync(f))) return files;
  const config = join(dir, "openssl.cnf");
  writeFileSync(config, OPENSSL_CONFIG);
  const newKey = (file) => openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", file], dir);
  const serial = () => `0x${randomBytes(8).toString("hex")}`;
  await newKey("ca.key");
  await openssl(
    [
      "req",
      "-config",
      config,
      "-new",
      "-x509",
      "-sha256",
      "-days",
      "3650",
      "-key",
      "ca.key",
      "-subj",
      "/CN=dqstream kafka-local CA",
      "-extensions",
      "ca_ext",
      "-out",
      "ca.pem",
    ],
    dir,
  );
  const signed = async (name, subject, extensions) => {
    await newKey(`${name}.key`);
    await openssl(["req", "-config", config, "-new", "-sha256", "-key", `${name}.key`, "-subj", subject, "-out", `${name}.csr`], dir);
    await openssl(
      [
        "x509",
        "-req",
        "-sha256",
        "-days",
        "825",
        "-in",
        `${name}.csr`,
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-set_serial",
        serial(),
        "-extfile",
        config,
        "-extensions",
        extensions,
        "-out",
        `${name}.pem`,
      ],
      dir,
    );
    rmSync(join(dir, `${name}.csr`), { force: true });
  };
  await Promise.all([signed("broker", "/CN=localhost", "server_ext"), signed("client", "/CN=dqstream", "client_ext")]);
  await openssl(
    [
      "pkcs12",
      "-export",
      "-in",
      "broker.pem",
      "-inkey",
      "broker.key",
      "-certfile",
      "ca.pem",
      "-name",
      "broker",
      "-passout",
      `pass:${keystorePassword}`,
      "-out",
      "broker.p12",
    ],
    dir,
  );
  for (const f of ["ca.key", "broker.key", "client.key", "broker.p12"]) chmodSync(join(dir, f), 0o600);
  return files;
}

/**
 * The credentials of --security, made once per data dir (<data dir>/security/secrets.json): the
 * SASL user's password and the keystore's. They must exist before formatting, which stores the
 * SCRAM credentials.
 */
function securitySecrets(securityDir) {
  const file = join(securityDir, "secrets.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8"));
  const secrets = { username: SASL_USER, password: randomBytes(12).toString("hex"), keystorePassword: randomBytes(12).toString("hex") };
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}

/** What a client needs to use the SASL and TLS listeners; written to <data dir>/security.json. */
function securityDescription(ports, secrets, tls) {
  return {
    username: secrets.username,
    password: secrets.password,
    mechanisms: [...SASL_MECHANISMS],
    ca_file: tls.caFile,
    cert_file: tls.certFile,
    key_file: tls.keyFile,
    listeners: Object.fromEntries(SECURITY_LISTENERS.map((l) => [l.key, [`${HOST}:${ports[l.key]}`]])),
  };
}

function jvmArgs({ libs, dataDir, logsDir }, env = process.env) {
  const extra = (env.DQSTREAM_KAFKA_JAVA_OPTS ?? "").split(/\s+/).filter(Boolean);
  return [
    "-Xms128m",
    "-Xmx512m",
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djava.awt.headless=true",
    `-Dlog4j.configuration=${pathToFileURL(join(dataDir, "log4j.properties")).href}`,
    `-Dkafka.logs.dir=${logsDir}`,
    ...extra,
    "-cp",
    join(libs, "*"),
  ];
}

/**
 * A Kafka cluster id: 16 random bytes in URL-safe base64 without padding, as `StorageTool random-uuid`
 * prints. Like Kafka's Uuid.randomUuid, never one starting with "-": the format command would take it
 * for an option ("argument --cluster-id/-t: expected one argument"), failing one start in 64.
 */
function newClusterId() {
  for (;;) {
    const id = randomBytes(16).toString("base64url");
    if (!id.startsWith("-")) return id;
  }
}

/** kafkajs answers a metadata request (describeCluster) with at least one live broker. */
async function metadataAnswers(port) {
  const mod = await import("kafkajs");
  const { Kafka, logLevel } = mod.default ?? mod;
  const kafka = new Kafka({
    clientId: "dqstream-kafka-local-probe",
    brokers: [`${HOST}:${port}`],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    requestTimeout: 5_000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

function parseTopicSpec(spec) {
  const m = /^([A-Za-z0-9._-]+)(?::(\d+))?$/.exec(spec);
  if (!m || (m[2] !== undefined && Number(m[2]) < 1)) {
    throw new LocalKafkaError(`--create-topic expects NAME or NAME:PARTITIONS (letters, digits, '.', '_', '-'), got "${spec}".`);
  }
  return { topic: m[1], numPartitions: m[2] === undefined ? 1 : Number(m[2]), replicationFactor: 1 };
}

/**
 * Creates topics (one replica each) that do not exist yet; `topics` holds "name" or "name:partitions".
 * The broker does not create topics on first use, so dqstream's topics are made here or by an admin.
 */
export async function createTopics(brokers, topics) {
  const wanted = topics.map(parseTopicSpec);
  if (wanted.length === 0) return [];
  const mod = await import("kafkajs");
  const { Kafka, logLevel } = mod.default ?? mod;
  const admin = new Kafka({ clientId: "dqstream-kafka-local", brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const todo = wanted.filter((t) => !existing.has(t.topic));
    if (todo.length > 0) {
      // kafkajs's waitForLeaders gives up on the "does not host this topic-partition" a busy broker
      // answers while a new topic's metadata spreads; this polls through it (as the monitor does,
      // src/sources/kafka/topicLeaders.ts)
      await admin.createTopics({ topics: todo, waitForLeaders: false });
      const names = todo.map((t) => t.topic);
      for (const deadline = Date.now() + 30_000; ; await new Promise((r) => setTimeout(r, 100))) {
        const led = await admin
          .fetchTopicMetadata({ topics: names })
          .then(({ topics: meta }) => names.every((n) => meta.find((t) => t.name === n)?.partitions.every((p) => p.leader >= 0)))
          .catch((e) => (Date.now() < deadline && e?.retriable !== false ? false : Promise.reject(e)));
        if (led) break;
        if (Date.now() >= deadline) throw new Error(`topics ${names.join(", ")} have no leader after 30 s`);
      }
    }
    return todo.map((t) => `${t.topic} (${t.numPartitions} partition${t.numPartitions === 1 ? "" : "s"})`);
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/**
 * Starts a single-node KRaft broker on 127.0.0.1 and waits until it answers metadata requests.
 *
 * @param {import("./kafka-local.d.mts").LocalKafkaOptions} [options]
 * @returns {Promise<import("./kafka-local.d.mts").LocalKafka>}
 */
export async function startLocalKafka(options = {}) {
  const log = options.log ?? (() => {});
  const timeoutMs = options.timeoutMs ?? READY_TIMEOUT_MS;
  const version = options.version ?? kafkaVersion();

  await checkJava();
  const libs = await ensureKafkaJars({ version, cacheDir: options.cacheDir ?? cacheRoot(), log });

  const ownDataDir = options.dataDir === undefined;
  const dataDir = ownDataDir ? mkdtempSync(join(tmpdir(), "dqstream-kafka-")) : resolve(options.dataDir);
  const logsDir = join(dataDir, "logs");
  const logDirs = join(dataDir, "data");
  const serverLog = join(logsDir, "server.log");
  const consoleLog = join(logsDir, "broker.out");
  const propsFile = join(dataDir, "server.properties");
  mkdirSync(logsDir, { recursive: true });
  mkdirSync(logDirs, { recursive: true });

  const removeOwnDataDir = () => {
    if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
  };

  const security = options.security === true;
  const securityDir = join(dataDir, "security");
  const securityFile = join(dataDir, "security.json");
  /** @type {Record<string, number>} */
  let ports;
  /** @type {ReturnType<typeof securityDescription> | undefined} */
  let securityInfo;
  let securityProps;
  const writeConfig = () => {
    writeFileSync(propsFile, serverProperties({ ports, logDirs, ...(securityProps ? { security: securityProps } : {}) }));
    if (securityProps) {
      chmodSync(propsFile, 0o600); // it holds the passwords
      securityInfo = securityDescription(ports, securityProps, securityProps.tls);
      writeFileSync(securityFile, `${JSON.stringify(securityInfo, null, 2)}\n`, { mode: 0o600 });
    }
  };
  try {
    if (options.port !== undefined) await assertPortFree(options.port, "broker");
    ports = await pickPorts({ port: options.port, security });
    const formatted = existsSync(join(logDirs, "meta.properties"));
    if (security) {
      if (formatted && !existsSync(join(securityDir, "secrets.json"))) {
        throw new LocalKafkaError(
          `The data dir ${dataDir} was formatted without --security: KRaft stores SCRAM users only when formatting. ` +
            "Use another --data-dir (or none, for a temporary one) with --security.",
        );
      }
      const securityStarted = Date.now();
      mkdirSync(securityDir, { recursive: true, mode: 0o700 });
      const secrets = securitySecrets(securityDir);
      const tls = await ensureTlsFiles(securityDir, secrets.keystorePassword);
      securityProps = { ...secrets, keystore: tls.keystore, caFile: tls.caFile, tls };
      log(`TLS files for --security ready in ${securityDir} (${((Date.now() - securityStarted) / 1000).toFixed(1)} s).`);
    }
    writeConfig();
    copyFileSync(LOG4J, join(dataDir, "log4j.properties"));

    // A data dir already formatted (a reused --data-dir) keeps its cluster id, its topics and its SCRAM users.
    if (!formatted) {
      const scram = securityProps
        ? ["SCRAM-SHA-256", "SCRAM-SHA-512"].flatMap((m) => ["--add-scram", `${m}=[name=${securityProps.username},password=${securityProps.password}]`])
        : [];
      const format = await run(
        javaBin(),
        [...jvmArgs({ libs, dataDir, logsDir }), "kafka.tools.StorageTool", "format", "-t", newClusterId(), "-c", propsFile, "--ignore-formatted", ...scram],
        { cwd: dataDir, timeoutMs: 120_000 },
      );
      if (format.code !== 0) {
        throw new LocalKafkaError(
          `Formatting the Kafka storage in ${logDirs} failed (${format.error?.message ?? `exit ${format.code}`}):\n` +
            (lastLines(format.output) || lastLines(tailOf(serverLog)) || "    (no output)"),
        );
      }
    }
  } catch (error) {
    removeOwnDataDir();
    throw error;
  }

  const brokers = [`${HOST}:${ports.broker}`];
  /** @type {import("node:child_process").ChildProcess | undefined} */
  let child;
  let stopping = false;
  let stopped = false;
  const killOnExit = () => child?.kill("SIGKILL");

  const logTail = () => {
    const parts = [];
    const server = lastLines(tailOf(serverLog), 30);
    const out = lastLines(tailOf(consoleLog), 15);
    if (server) parts.push(`  ${serverLog}:\n${server}`);
    if (out) parts.push(`  ${consoleLog}:\n${out}`);
    return parts.join("\n") || "  (the broker wrote no log)";
  };

  const exitedPromise = (proc) =>
    new Promise((r) => {
      if (proc.exitCode !== null || proc.signalCode !== null) r(undefined);
      else proc.once("exit", () => r(undefined));
    });

  async function stopProcess() {
    const proc = child;
    if (!proc) return;
    stopping = true;
    const exited = exitedPromise(proc);
    proc.kill("SIGTERM");
    let timer;
    const timedOut = await Promise.race([exited.then(() => false), new Promise((r) => (timer = setTimeout(() => r(true), STOP_TIMEOUT_MS)))]);
    clearTimeout(timer);
    if (timedOut) {
      log(`Broker (pid ${proc.pid}) did not stop within ${STOP_TIMEOUT_MS / 1000} s; killing it.`);
      proc.kill("SIGKILL");
      await exited;
    }
    process.removeListener("exit", killOnExit);
    child = undefined;
    stopping = false;
  }

  /** The SASL and TLS listeners accept connections (the broker binds them with the plaintext one). */
  async function extraListenersAnswer() {
    if (!security) return true;
    for (const l of SECURITY_LISTENERS) if (!(await tcpAnswers(ports[l.key]))) return false;
    return true;
  }

  async function launch() {
    const started = Date.now();
    const outFd = openSync(consoleLog, "a");
    let proc;
    try {
      proc = spawn(javaBin(), [...jvmArgs({ libs, dataDir, logsDir }), "kafka.Kafka", propsFile], {
        cwd: dataDir,
        stdio: ["ignore", outFd, outFd],
      });
    } finally {
      closeSync(outFd);
    }
    child = proc;
    process.on("exit", killOnExit);
    let spawnError;
    let ready = false;
    proc.once("error", (error) => (spawnError = error));
    proc.once("exit", (code, signal) => {
      // During start-up the wait loop below reports the exit; afterwards only stop() may end the broker.
      if (ready && !stopping && child === proc) {
        child = undefined;
        process.removeListener("exit", killOnExit);
        options.onUnexpectedExit?.({ code, signal, logTail: logTail() });
      }
    });

    const deadline = started + timeoutMs;
    for (;;) {
      if (spawnError) throw new LocalKafkaError(`Could not start Java for the Kafka broker: ${spawnError.message}`);
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new LocalKafkaError(
          `The Kafka broker exited during start-up (${proc.exitCode !== null ? `exit code ${proc.exitCode}` : proc.signalCode}). ` +
            `Data dir: ${dataDir}. Tail of its log:\n${logTail()}`,
        );
      }
      if (Date.now() > deadline) {
        await stopProcess();
        throw new LocalKafkaError(
          `The Kafka broker on ${brokers[0]} did not answer a metadata request within ${timeoutMs / 1000} s. Tail of its log:\n${logTail()}`,
        );
      }
      if ((await tcpAnswers(ports.broker)) && (await metadataAnswers(ports.broker)) && (await extraListenersAnswer())) break;
      await sleep(250);
    }
    ready = true;
    log(`Kafka ${version} broker ready on ${brokers[0]} in ${((Date.now() - started) / 1000).toFixed(1)} s (pid ${proc.pid}).`);
  }

  try {
    try {
      await launch();
    } catch (error) {
      // Free ports are picked before Java binds them; something else may take one meanwhile. Once, pick again.
      const clash = options.port === undefined && /Address already in use/i.test(tailOf(serverLog) + tailOf(consoleLog));
      if (!clash) throw error;
      await stopProcess().catch(() => {});
      log(`One of the ports ${Object.values(ports).join(", ")} was taken while the broker started; trying other free ports.`);
      ports = await pickPorts({ port: undefined, security });
      writeConfig();
      brokers[0] = `${HOST}:${ports.broker}`;
      await launch();
    }
  } catch (error) {
    await stopProcess().catch(() => {});
    removeOwnDataDir();
    throw error;
  }

  let queue = Promise.resolve();
  const serialized = (fn) => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => {});
    return next;
  };

  return {
    brokers,
    dataDir,
    logFile: serverLog,
    version,
    get security() {
      return securityInfo;
    },
    securityFile: security ? securityFile : undefined,
    get pid() {
      return child?.pid;
    },
    stop: () =>
      serialized(async () => {
        if (stopped) return;
        stopped = true;
        await stopProcess();
        removeOwnDataDir();
      }),
    restart: () =>
      serialized(async () => {
        if (stopped) throw new LocalKafkaError("restart() after stop(): this broker is gone.");
        await stopProcess();
        await launch();
      }),
  };
}

function usage() {
  return [
    "Usage: npm run kafka:local -- [--port N] [--data-dir DIR] [--security] [--create-topic NAME[:PARTITIONS]]... [--fetch-only]",
    "",
    "Starts a single-node Apache Kafka broker (KRaft) from Apache Kafka's jars, fetched once from",
    "Maven Central with `mvn` and cached; needs Java 11+ (17 recommended) and Maven.",
    "Prints KAFKA_BROKERS=127.0.0.1:<port> when the broker answers; Ctrl-C stops it.",
    "",
    "  --port N          broker port (default: a free port); with --security, its listeners get N+1 to N+4",
    "  --data-dir DIR    keep the broker's data and logs in DIR and reuse them next time",
    "                    (default: a temporary folder, removed on exit)",
    "  --security        also SASL_PLAINTEXT, SSL, MTLS (client certificate) and SASL_SSL listeners",
    "                    (PLAIN, SCRAM-SHA-256/512); needs openssl. Prints KAFKA_SECURITY_FILE=<a JSON",
    "                    file with their addresses, the user, its password and the PEM files>",
    "  --create-topic NAME[:PARTITIONS]",
    "                    create this topic (1 partition by default) unless it exists; repeatable",
    "  --fetch-only      only fetch the jars into the cache, then exit",
    "",
    "Environment: DQSTREAM_KAFKA_VERSION (default 3.9.1), DQSTREAM_CACHE_DIR, JAVA_HOME,",
    "DQSTREAM_KAFKA_JAVA_OPTS.",
  ].join("\n");
}

function parseArgs(argv) {
  const out = { port: undefined, dataDir: undefined, security: false, topics: [], fetchOnly: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === "") throw new LocalKafkaError(`${flag} needs a value.\n\n${usage()}`);
      return v;
    };
    if (flag === "--port") {
      const v = value();
      const port = Number(v);
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new LocalKafkaError(`--port must be a port number, got "${v}".`);
      out.port = port;
    } else if (flag === "--data-dir") out.dataDir = value();
    else if (flag === "--fetch-only") out.fetchOnly = true;
    else if (flag === "--security") out.security = true;
    else if (flag === "--create-topic") {
      const spec = value();
      parseTopicSpec(spec);
      out.topics.push(spec);
    } else if (flag === "-h" || flag === "--help") out.help = true;
    else throw new LocalKafkaError(`Unknown option ${arg}.\n\n${usage()}`);
  }
  return out;
}

async function main() {
  const log = (msg) => process.stderr.write(`[kafka-local] ${msg}\n`);
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    console.log(usage());
    return;
  }
  if (args.fetchOnly) {
    await checkJava();
    const libs = await ensureKafkaJars({ log });
    log(`Jars ready in ${libs}.`);
    return;
  }

  let shuttingDown = false;
  /** @type {import("./kafka-local.d.mts").LocalKafka | undefined} */
  let kafka;
  const shutdown = async (why, exitCode = 0) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log(`${why}: stopping the broker...`);
    await kafka?.stop();
    log("Stopped.");
    process.exit(exitCode);
  };
  kafka = await startLocalKafka({
    ...(args.port !== undefined ? { port: args.port } : {}),
    ...(args.dataDir !== undefined ? { dataDir: args.dataDir } : {}),
    security: args.security,
    log,
    onUnexpectedExit: ({ code, signal, logTail }) => {
      if (shuttingDown) return;
      // Ctrl-C reaches the broker too (same process group); it may exit before our own handler runs.
      if (signal === "SIGINT" || signal === "SIGTERM" || code === 130 || code === 143) {
        void shutdown(`the broker got ${signal ?? (code === 130 ? "SIGINT" : "SIGTERM")}`);
        return;
      }
      log(`The broker exited unexpectedly (${code !== null ? `exit code ${code}` : signal}). Tail of its log:\n${logTail}`);
      void shutdown("broker gone", 1);
    },
  });
  try {
    const created = await createTopics(kafka.brokers, args.topics);
    if (created.length > 0) log(`Created ${created.join(", ")}.`);
  } catch (error) {
    log(`Creating the topics failed: ${error instanceof LocalKafkaError ? error.message : (error?.message ?? error)}`);
    await shutdown("topics not created", 1);
    return;
  }
  console.log(`KAFKA_BROKERS=${kafka.brokers.join(",")}`);
  if (kafka.security) {
    const s = kafka.security;
    console.log(`KAFKA_SECURITY_FILE=${kafka.securityFile}`);
    log(
      [
        `SASL and TLS listeners (--security), described in ${kafka.securityFile}:`,
        `  SASL_PLAINTEXT ${s.listeners.sasl_plaintext.join(",")}   SASL_SSL ${s.listeners.sasl_ssl.join(",")}`,
        `    mechanisms ${s.mechanisms.join(", ")}; username ${s.username}, password ${s.password}`,
        `  SSL ${s.listeners.ssl.join(",")}   MTLS (client certificate required) ${s.listeners.mtls.join(",")}`,
        `    CA ${s.ca_file}; client certificate ${s.cert_file}, key ${s.key_file}`,
      ].join("\n"),
    );
  }
  log(`Data dir ${kafka.dataDir}; warnings in ${kafka.logFile}. Ctrl-C stops the broker.`);

  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  // `npm run` does not pass SIGTERM on: when whatever started us goes away, we are re-parented; stop too.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void shutdown("parent process exited");
  }, 1_000).unref();
}

const invokedPath = process.argv[1] ? resolve(process.argv[1]) : "";
if (invokedPath === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    process.stderr.write(`kafka-local: ${error instanceof LocalKafkaError ? error.message : (error?.stack ?? error)}\n`);
    process.exit(1);
  });
}
