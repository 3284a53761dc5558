import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // The JSON report is what .ci/run counts; the default reporter is for people.
    reporters: ["default", "json"],
    outputFile: { json: "test-results/vitest.json" },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two projects, each with its own Kafka broker (KAFKA_BROKERS, else Docker, else Apache Kafka's
    // jars) and CloudWatch emulator (DQSTREAM_TEST_MOTO_URL, else Docker, else moto from PyPI in a
    // cached venv); see the setup files. The tests that restart their broker
    // (`*.disruptive.test.ts`) run after all the others, one file at a time, so the outage never
    // reaches another test.
    projects: [
      {
        extends: true,
        test: {
          name: "main",
          // most files wait on Kafka, moto and child processes more than they compute: three at a
          // time on two cores (vitest's default here is one)
          maxWorkers: 3,
          include: ["test/**/*.test.ts"],
          exclude: ["test/**/*.disruptive.test.ts", "**/node_modules/**"],
          globalSetup: ["test/setup/kafkaBroker.ts", "test/setup/motoServer.ts", "test/setup/chromium.ts"],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: "disruptive",
          include: ["test/**/*.disruptive.test.ts"],
          globalSetup: ["test/setup/kafkaBroker.ts", "test/setup/motoServer.ts"],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});

// What test/setup/kafkaBroker.ts provides to tests through inject().
declare module "vitest" {
  export interface ProvidedContext {
    /** Bootstrap addresses of the run's broker, e.g. ["127.0.0.1:40123"]. */
    kafkaBrokers: string[];
    /** How it was found: KAFKA_BROKERS, a testcontainers container, or the local broker from jars. */
    kafkaMode: "env" | "docker" | "local";
    /** Loopback control endpoint: POST /restart restarts the broker (local mode only, else 501). */
    kafkaControlUrl: string;
    /** SASL and TLS listeners with their credentials and PEM files, or why the run has none. */
    kafkaSecurity: import("./test/setup/kafkaBroker.js").TestKafkaSecurity;
    /** The run's moto server (CloudWatch emulator), e.g. "http://127.0.0.1:40123". */
    motoUrl: string;
    /** How it was found: DQSTREAM_TEST_MOTO_URL, a testcontainers container, or moto from the local virtual environment. */
    motoMode: "env" | "docker" | "local";
    /** Loopback control endpoint: private moto instances for outage tests (Docker and local modes, else 501); see test/setup/motoServer.ts. */
    motoControlUrl: string;
  }
}
