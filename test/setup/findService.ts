// How the test setups find the real services they need (the Kafka broker, the CloudWatch emulator):
// a service the user runs (named by an environment variable), else a container when a Docker
// engine answers, else a local process from a package registry. A variable forces one of the two
// automatic ways. When none works, one error names every way tried and why each failed, so the
// test command fails: the integration tests are never skipped for want of a service.

export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const indent = (text: string): string => text.replace(/\n/g, "\n     ");

/** Rejects fast (well under a second) when no Docker engine answers. */
export async function dockerAnswers(): Promise<void> {
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

export interface ServiceSearch<T> {
  /** For the error: "Kafka broker", "CloudWatch emulator". */
  readonly what: string;
  /** The variable naming a running service, e.g. KAFKA_BROKERS, and how to use its value. */
  readonly envName: string;
  readonly useEnv: (value: string) => Promise<T>;
  /** The variable that forces "docker" or "local", e.g. DQSTREAM_TEST_KAFKA. */
  readonly forceName: string;
  readonly docker: {
    /** "Docker (testcontainers)", or with the image. */
    readonly label: string;
    /** What did not start when the engine answers, e.g. "the Kafka container". */
    readonly container: string;
    readonly start: () => Promise<T>;
  };
  readonly local: {
    /** Short, for "not tried", e.g. "Local broker from Apache Kafka's jars". */
    readonly label: string;
    /** With the script, for its failure. */
    readonly failureLabel: string;
    /** For the log line when the container failed, e.g. "the local broker". */
    readonly fallback: string;
    readonly start: () => Promise<T>;
  };
  /** The "Fix one: …" advice, given the forced mode ("" when none). */
  readonly fix: (forced: string) => string;
  readonly log: (message: string) => void;
  readonly env?: NodeJS.ProcessEnv;
}

/** Finds or starts the service in the order above; throws one error naming every way tried. */
export async function findService<T>(s: ServiceSearch<T>): Promise<T> {
  const env = s.env ?? process.env;
  const fromEnv = env[s.envName];
  if (fromEnv !== undefined && fromEnv.trim() !== "") return s.useEnv(fromEnv.trim());

  const only = (env[s.forceName] ?? "").trim().toLowerCase();
  if (only !== "" && only !== "docker" && only !== "local") {
    throw new Error(`${s.forceName} must be "docker" or "local" (or unset), got "${only}".`);
  }
  const failures: string[] = [`${s.envName}: not set.`];

  if (only === "local") {
    failures.push(`${s.docker.label}: not tried, ${s.forceName}=local.`);
  } else {
    let dockerUp = false;
    try {
      await dockerAnswers();
      dockerUp = true;
    } catch (error) {
      failures.push(`${s.docker.label}: no Docker engine answers (${errorMessage(error)}).`);
    }
    if (dockerUp) {
      try {
        return await s.docker.start();
      } catch (error) {
        failures.push(`${s.docker.label}: the engine answers but ${s.docker.container} did not start: ${errorMessage(error)}`);
        if (only !== "docker") s.log(`${s.docker.container} failed (${errorMessage(error)}); trying ${s.local.fallback}.`);
      }
    }
  }

  if (only === "docker") {
    failures.push(`${s.local.label}: not tried, ${s.forceName}=docker.`);
  } else {
    try {
      return await s.local.start();
    } catch (error) {
      failures.push(`${s.local.failureLabel}: ${errorMessage(error)}`);
    }
  }

  throw new Error(
    `No ${s.what} for the integration tests. Tried, in order:\n` + failures.map((f, i) => `  ${i + 1}. ${indent(f)}`).join("\n") + `\nFix one: ${s.fix(only)}`,
  );
}
