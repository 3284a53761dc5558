import { DqstreamError } from "../errors/DqstreamError.js";
import type { BoundedSourceContext, BoundedSourceDefinition, Source } from "./Source.js";
import { fileCaptureSource } from "./file/index.js";

/** Bounded sources, most specific first: the first that accepts an input reads it (capture files accept any path, so they come last). */
export const BOUNDED_SOURCES: readonly BoundedSourceDefinition[] = [fileCaptureSource];

/**
 * The source that reads a replay's inputs: the first definition accepting every one of them. Inputs
 * of different kinds in one replay are refused (their records would be one partition in an order
 * no single source defines).
 */
export function boundedSourceFor(
  inputs: readonly string[],
  context: BoundedSourceContext,
  definitions: readonly BoundedSourceDefinition[] = BOUNDED_SOURCES,
): Source {
  for (const d of definitions) if (inputs.every((i) => d.accepts(i))) return d.create(inputs, context);
  const kinds = inputs.map((i) => `${i}: ${definitions.find((d) => d.accepts(i))?.name ?? "no source"}`);
  throw new SourceChoiceError(`the inputs are of different kinds (${kinds.join(", ")}); replay inputs of one kind at a time`);
}

/** Inputs no one source reads together: how the command is called must change (exit 2). */
export class SourceChoiceError extends DqstreamError {
  constructor(message: string) {
    super("usage", message);
    this.name = "SourceChoiceError";
  }
}
