// Types for scripts/kafka-local.mjs (plain ESM, imported by the TypeScript test setup).

export declare const DEFAULT_KAFKA_VERSION: string;

export declare class LocalKafkaError extends Error {
  constructor(message: string, options?: { cause?: unknown });
}

export interface LocalKafkaOptions {
  /** Broker port on 127.0.0.1; default: a free port. The controller always gets a free port; with
   * `security`, the SASL_PLAINTEXT, SSL, MTLS and SASL_SSL listeners get port+1 to port+4. */
  port?: number;
  /** Folder for server.properties, log4j.properties, logs/ and data/; reused (not re-formatted) when
   * it already holds a formatted broker. Default: a temporary folder, removed by stop(). */
  dataDir?: string;
  /** Progress messages (jar fetch, broker ready); default: none. */
  log?: (message: string) => void;
  /** Kafka version; default DQSTREAM_KAFKA_VERSION or 3.9.1 (3.3 to 3.9). */
  version?: string;
  /** Jar cache root; default DQSTREAM_CACHE_DIR, $XDG_CACHE_HOME/dqstream or ~/.cache/dqstream. */
  cacheDir?: string;
  /** How long one start may take until the broker answers a metadata request; default 90 000. */
  timeoutMs?: number;
  /**
   * Also SASL_PLAINTEXT, SSL, MTLS and SASL_SSL listeners (see the script's header); needs openssl.
   * A reused data dir must have been formatted with security on. Default false.
   */
  security?: boolean;
  /** Called when the broker process exits without stop() or restart() asking it to. */
  onUnexpectedExit?: (info: { code: number | null; signal: NodeJS.Signals | null; logTail: string }) => void;
}

/** The SASL and TLS listeners of a broker started with `security: true` (also <data dir>/security.json). */
export interface LocalKafkaSecurity {
  /** One user for every mechanism. */
  username: string;
  password: string;
  /** dqstream's names: "plain", "scram-sha-256", "scram-sha-512". */
  mechanisms: string[];
  /** PEM file of the CA that signed the broker's certificate (and the client's). */
  ca_file: string;
  /** PEM client certificate and key, for the MTLS listener. */
  cert_file: string;
  key_file: string;
  /** Bootstrap addresses per listener. */
  listeners: { sasl_plaintext: string[]; ssl: string[]; mtls: string[]; sasl_ssl: string[] };
}

export declare const SASL_MECHANISMS: readonly string[];

export interface LocalKafka {
  /** Bootstrap addresses, e.g. ["127.0.0.1:40123"]; the same after restart(). */
  readonly brokers: string[];
  readonly dataDir: string;
  /** The broker's log4j file (warnings and errors). */
  readonly logFile: string;
  readonly version: string;
  /** The SASL and TLS listeners, with `security: true`; else undefined. */
  readonly security: LocalKafkaSecurity | undefined;
  /** <data dir>/security.json (the same as `security`), with `security: true`; else undefined. */
  readonly securityFile: string | undefined;
  /** The broker's current process id; undefined while stopped. */
  readonly pid: number | undefined;
  /** Stops the broker (SIGTERM, then SIGKILL after 30 s) and removes a temporary data dir. Idempotent. */
  stop(): Promise<void>;
  /** Stops the broker and starts it again on the same ports and data dir; resolves once it answers. */
  restart(): Promise<void>;
}

export declare function startLocalKafka(options?: LocalKafkaOptions): Promise<LocalKafka>;

/** The Kafka version DQSTREAM_KAFKA_VERSION asks for (default 3.9.1); throws LocalKafkaError if unsupported. */
export declare function kafkaVersion(env?: NodeJS.ProcessEnv): string;
export declare function cacheRoot(env?: NodeJS.ProcessEnv): string;
export declare function checkJava(env?: NodeJS.ProcessEnv): Promise<number>;
export declare function ensureKafkaJars(options?: { version?: string; cacheDir?: string; log?: (message: string) => void }): Promise<string>;
export declare function freePort(): Promise<number>;
/** Creates the topics ("name" or "name:partitions", one replica) that do not exist; returns what it created. */
export declare function createTopics(brokers: string[], topics: string[]): Promise<string[]>;
