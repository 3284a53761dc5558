import { loadBaseline } from "../baseline/loadBaseline.js";
import type { RunConfig } from "../config/schema.js";

/**
 * Reads the run's baseline before a command starts its work, so an invalid file fails at once
 * (monitor: before it connects to Kafka) and the loader's warnings reach the user through `warn`.
 * The engine reads the files again when it starts (src/engine/pipeline.ts).
 */
export async function checkBaseline(config: Pick<RunConfig, "baseline">, warn: (message: string) => void): Promise<void> {
  const { warnings } = await loadBaseline(config.baseline.statistics, config.baseline.constraints);
  for (const w of warnings) warn(w);
}
