import { alertReportSinks } from "../alerts/component.js";
import { ALERT_CHANNELS } from "../alerts/channels/registry.js";
import { sectionAt } from "./schemaKeys.js";
import type { DeadLetterSink } from "../sinks/DeadLetterSink.js";
import type { ReportSink, ReportSinkContext, ReportSinkDefinition } from "../sinks/ReportSink.js";
import { cloudWatchReportSinks } from "../sinks/cloudwatch/component.js";
import type { DeadLetterSinkContext, DeadLetterSinkDefinition } from "../sinks/deadLetter/definition.js";
import { fileDeadLetters } from "../sinks/deadLetter/file/index.js";
import { kafkaDeadLetters } from "../sinks/deadLetter/kafka/index.js";

/**
 * The registries of dqstream's pluggable components, one line per component: a component is its
 * folder (exporting its ComponentDefinition) plus its line here. The conformance suites
 * (test/sinks/*Conformance.test.ts) run against every line.
 */

/**
 * Report sinks, in the order they are told about windows (CloudWatch / EMF first, then alerts).
 * Each one's section is composed into the run configuration from here (src/config/schema.ts).
 */
export const REPORT_SINKS = [cloudWatchReportSinks, alertReportSinks] as const;

/** Dead-letter sinks, by name: the command chooses one (replay: file, monitor: kafka). */
export const DEAD_LETTER_SINKS = [fileDeadLetters, kafkaDeadLetters] as const;

export type DeadLetterSinkName = (typeof DEAD_LETTER_SINKS)[number]["name"];

export { ALERT_CHANNELS };

/** Every report sink the config enables, in REPORT_SINKS order. */
export async function createReportSinks(config: unknown, ctx: ReportSinkContext): Promise<ReportSink[]> {
  const sinks: ReportSink[] = [];
  for (const definition of REPORT_SINKS as readonly ReportSinkDefinition[]) {
    const section = sectionAt(config, definition.configKey);
    if (section !== undefined) sinks.push(...(await definition.create(section, ctx)));
  }
  return sinks;
}

/** The dead-letter sink named `name`, over its section of a validated config (kafka: `kafka.dead_letter_topic`). */
export async function createDeadLetterSink(name: DeadLetterSinkName, config: unknown, ctx: DeadLetterSinkContext): Promise<DeadLetterSink> {
  const definition = (DEAD_LETTER_SINKS as readonly DeadLetterSinkDefinition[]).find((d) => d.name === name);
  if (definition === undefined) throw new Error(`no dead-letter sink named ${name}`);
  const section = sectionAt(config, definition.configKey);
  if (section === undefined) throw new Error(`dead-letter sink ${name}: ${definition.configKey} is not set`);
  return definition.create(definition.schema.parse(section), ctx);
}
