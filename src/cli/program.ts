import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { DqstreamError } from "../errors/DqstreamError.js";
import { MAX_THREADS } from "../baseline/profileDatasetParallel.js";
import { runBaseline } from "./baselineCommand.js";
import { registerAlarms } from "./alarmsCommand.js";
import { registerDashboard } from "./dashboardCommand.js";
import { registerMonitor } from "./monitorCommand.js";
import { registerReplay } from "./replayCommand.js";
import { registerReport } from "./reportCommand.js";
import { MAX_CATEGORY_CAP } from "../config/schema.js";
import { ExitCode, UsageError } from "./exitCodes.js";
import { VERSION } from "./version.js";
import { secrets } from "../telemetry/redaction.js";

/** A flag's integer in [min, max], written in decimal digits. */
function intInRange(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!(n >= min && n <= max)) throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}, got "${value}"`);
    return n;
  };
}

/** What a command that decides its own exit code (`report`: 3 for violations) sets; the others leave it 0. */
export interface CommandOutcome {
  exitCode: number;
}

export function buildProgram(outcome: CommandOutcome = { exitCode: ExitCode.Ok }): Command {
  const program = new Command("dqstream")
    .description("Streaming data-quality monitoring for ML inference traffic, compatible with SageMaker Model Monitor's files")
    .version(VERSION)
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();

  program
    .command("baseline")
    .description("profile a training dataset into SageMaker-compatible statistics.json and suggested constraints.json")
    .requiredOption("--dataset <file|->", "dataset file (.gz accepted), or - for standard input")
    .addOption(new Option("--format <format>", "dataset format").choices(["csv", "jsonl"]).makeOptionMandatory())
    .option("--header", "CSV: the first line holds the column names (default)")
    .option("--no-header", "CSV: no header line; columns are named _c0, _c1, …")
    .addOption(
      new Option("--output-columns-position <position>", "where the model's output columns sit in captured CSV rows, recorded in baseline.json")
        .choices(["START", "END"])
        .default("START"),
    )
    .requiredOption("--output <dir>", "folder for statistics.json, constraints.json and baseline.json")
    .option(
      "--category-cap <n>",
      `distinct values counted exactly per feature before heavy hitters, 1 to ${MAX_CATEGORY_CAP}`,
      intInRange("--category-cap", 1, MAX_CATEGORY_CAP),
      1000,
    )
    .option(
      "--threads <n>",
      `CSV: threads that share the sketch work, 1 to ${MAX_THREADS} (default: 2, or 1 on a one-core machine); the result does not depend on it`,
      intInRange("--threads", 1, MAX_THREADS),
    )
    .exitOverride()
    .action(
      async (o: {
        dataset: string;
        format: "csv" | "jsonl";
        header?: boolean;
        outputColumnsPosition: "START" | "END";
        output: string;
        categoryCap: number;
        threads?: number;
      }) => {
        if (o.format === "jsonl" && o.header !== undefined) throw new UsageError("--header/--no-header apply to --format csv only");
        await runBaseline({
          dataset: o.dataset,
          format: o.format,
          header: o.header ?? true,
          outputColumnsPosition: o.outputColumnsPosition,
          output: o.output,
          categoryCap: o.categoryCap,
          ...(o.threads === undefined ? {} : { threads: o.threads }),
        });
      },
    );

  registerReplay(program);
  registerMonitor(program);
  registerAlarms(program);
  registerReport(program, outcome);
  registerDashboard(program);

  return program;
}

/** Runs the CLI and returns the exit code (0 done, 1 unreadable input or failure, 2 bad arguments). */
export async function main(argv: string[]): Promise<number> {
  secrets.addEnvironment(process.env);
  const outcome: CommandOutcome = { exitCode: ExitCode.Ok };
  const program = buildProgram(outcome);
  try {
    await program.parseAsync(argv, { from: "user" });
    return outcome.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander printed its message; help and version are "errors" to it with exit code 0
      return e.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    }
    // scrubbed of the configuration's secrets, whatever quotes them (redaction.ts)
    return reportFailure(e, (text) => process.stderr.write(secrets.scrub(text)));
  }
}

/**
 * Prints why a command failed and returns its exit code. Every error a user can cause is one
 * `error: …` line naming the flag, variable, file or path: bad arguments and configuration exit 2;
 * unreadable or invalid input and baseline files, files and folders that cannot be written, and
 * other system errors (whose message names their path) exit 1. Anything else is a bug in
 * dqstream: only then is a stack printed, and the line says it is an internal error.
 */
export function reportFailure(e: unknown, write: (text: string) => void): number {
  // dqstream's own errors carry their exit code (src/errors/DqstreamError.ts)
  if (e instanceof DqstreamError) {
    write(`error: ${e.message}\n`);
    return e.exitCode;
  }
  if (isSystemError(e)) {
    write(`error: ${e.message}\n`);
    return ExitCode.Failure;
  }
  write(`error: internal error (a bug in dqstream; please report it with this text): ${e instanceof Error ? (e.stack ?? String(e)) : String(e)}\n`);
  return ExitCode.Failure;
}

function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === "string" && typeof (e as NodeJS.ErrnoException).syscall === "string";
}
