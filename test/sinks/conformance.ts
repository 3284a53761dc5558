// Fixtures of the sink conformance suites (reportSinkConformance.test.ts,
// deadLetterSinkConformance.test.ts): for each sink registered in src/components/registry.ts, a
// config section and a context whose destination is a fake (a failing or recording PutMetricData
// client, a Kafka send function, a refused webhook), never a real service. A sink registered without
// a fixture here fails the suites: adding a sink means adding its fixture.
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LoadedBaseline } from "../../src/baseline/loadBaseline.js";
import type { OutgoingMessage } from "../../src/sources/kafka/kafkaClient.js";
import { CloudWatchCallError } from "../../src/sinks/cloudwatch/api.js";
import type { DeadLetterSinkContext } from "../../src/sinks/deadLetter/definition.js";
import type { ReportSinkContext } from "../../src/sinks/ReportSink.js";
import { silentLogger } from "../../src/telemetry/logger.js";
import { LocalReportStore } from "../../src/sinks/reportStore/localReportStore.js";

/** A destination that fails every call, and what it was asked. */
export interface FailingDestination {
  calls: number;
}

export interface ReportSinkFixture {
  /** The definition's section, as a config file would give it (parsed by the definition's schema); files go under `reportsDir`. */
  section(reportsDir: string): unknown;
  /** The run's context, its destinations failing. */
  context(base: ReportSinkContext, failing: FailingDestination): Record<string, unknown>;
}

const fail = (failing: FailingDestination) => async (): Promise<never> => {
  failing.calls++;
  throw new CloudWatchCallError("server", "503 from the fake");
};

export const REPORT_SINK_FIXTURES: Record<string, ReportSinkFixture> = {
  cloudwatch: {
    section: (reportsDir) => ({
      enabled: true,
      request_timeout_ms: 100,
      max_attempts: 2,
      backoff_initial_ms: 1,
      backoff_max_ms: 5,
      close_timeout_ms: 300,
      emf: { enabled: true, path: join(reportsDir, "emf.jsonl") },
    }),
    context: (base, failing) => ({
      ...base,
      createPutMetricDataApi: async () => ({ putMetricData: fail(failing), destroy: () => undefined }),
    }),
  },
  alerts: {
    section: () => ({
      channels: {
        log: true,
        webhooks: [{ name: "refused", url: "http://127.0.0.1:1/hook", timeout_ms: 200, max_attempts: 2, backoff_initial_ms: 1, backoff_max_ms: 5 }],
        kafka: { topic: "alerts", max_attempts: 2, backoff_initial_ms: 1, backoff_max_ms: 5 },
      },
      close_timeout_ms: 500,
    }),
    context: (base, failing) => ({
      ...base,
      kafkaSend: async (): Promise<void> => {
        failing.calls++;
        throw new Error("broker unavailable (fake)");
      },
    }),
  },
};

/** The run context of a report sink over a fresh reports folder. */
export async function reportSinkContext(baseline: LoadedBaseline): Promise<ReportSinkContext> {
  const reportsDir = await mkdtemp(join(tmpdir(), "dqstream-conformance-"));
  return { endpoint: "churn", schedule: "ten-minutes", windowMs: 600_000, store: new LocalReportStore(reportsDir), baseline, log: silentLogger() };
}

export interface DeadLetterSinkFixture {
  /** The value at the definition's config key. */
  section(reportsDir: string): unknown;
  /** A context whose destination records what it was given, each send taking `delayMs` (0: at once) and failing when `failing` is set. */
  context(reportsDir: string, options: { delayMs: number; failing: boolean }): DeadLetterSinkContext;
  /** The records' bytes as the destination holds them, in write order (after close). */
  readBack(reportsDir: string, ctx: DeadLetterSinkContext): Promise<Buffer[]>;
}

/** The messages a fake Kafka send function acknowledged, by context. */
const produced = new WeakMap<DeadLetterSinkContext, OutgoingMessage[]>();

export const DEAD_LETTER_SINK_FIXTURES: Record<string, DeadLetterSinkFixture> = {
  file: {
    section: (reportsDir) => reportsDir,
    context: (reportsDir) => ({ store: new LocalReportStore(reportsDir), endpoint: "churn", schedule: "ten-minutes" }),
    readBack: async (reportsDir) => {
      const text = await readFile(join(reportsDir, "dead-letter", "churn", "ten-minutes", "dead-letter.jsonl"), "utf8");
      return text
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l) as { record?: string; record_base64?: string })
        .map((e) => (e.record_base64 === undefined ? Buffer.from(e.record ?? "", "utf8") : Buffer.from(e.record_base64, "base64")));
    },
  },
  kafka: {
    section: () => "dqstream-dead-letter",
    context: (reportsDir, { delayMs, failing }) => {
      const sent: OutgoingMessage[] = [];
      const ctx: DeadLetterSinkContext = {
        store: new LocalReportStore(reportsDir),
        endpoint: "churn",
        schedule: "ten-minutes",
        kafka: {
          send: async (_topic, messages) => {
            if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
            if (failing) throw new Error("broker unavailable (fake)");
            sent.push(...messages);
          },
        },
      };
      produced.set(ctx, sent);
      return ctx;
    },
    readBack: async (_reportsDir, ctx) => (produced.get(ctx) ?? []).map((m) => (typeof m.value === "string" ? Buffer.from(m.value, "utf8") : m.value)),
  },
};
