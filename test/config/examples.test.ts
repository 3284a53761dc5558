import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { readConstraintsFile } from "../../src/formats/constraintsFormat.js";
import { readStatisticsFile } from "../../src/formats/statisticsFormat.js";

const root = join(import.meta.dirname, "../..");

describe("shipped example files", () => {
  it("config/statistics.example.json and constraints.example.json are valid and agree", async () => {
    const stats = await readStatisticsFile(join(root, "config/statistics.example.json"));
    const constraints = await readConstraintsFile(join(root, "config/constraints.example.json"));
    expect(stats.features.length).toBeGreaterThan(0);
    expect(constraints.features.map((f) => f.name)).toEqual(stats.features.map((f) => f.name));
  });

  it("docker-compose.yml parses and every service has an image and a command", async () => {
    const compose = parse(await readFile(join(root, "docker-compose.yml"), "utf8")) as { services: Record<string, { image?: string; command?: unknown }> };
    const services = Object.entries(compose.services);
    expect(services.length).toBeGreaterThan(0);
    for (const [, s] of services) {
      expect(typeof s.image).toBe("string");
      expect(s.command).toBeDefined();
    }
  });
});

describe("config/replay.example.yaml", () => {
  it("is valid against the run config schema, with paths relative to its folder", async () => {
    const { resolveReplayConfig } = await import("../../src/cli/replayCommand.js");
    const config = await resolveReplayConfig({ config: join(root, "config/replay.example.yaml") });
    expect(config.window_seconds).toBe(3600);
    expect(config.endpoint).toBe("churn-endpoint");
    expect(config.baseline.statistics).toBe(join(root, "test/golden/baseline/csv-header/statistics.json"));
    const { loadBaseline } = await import("../../src/baseline/loadBaseline.js");
    await expect(loadBaseline(config.baseline.statistics, config.baseline.constraints)).resolves.toBeDefined();
    // the commented-out sections are examples, not active settings
    expect(config.preprocessor).toBeUndefined();
    expect(config.alerts).toBeUndefined();
    expect(config.cloudwatch).toBeUndefined();
  });

  it("is still valid with its commented-out examples uncommented: hooks, a Slack webhook, EMF on standard output", async () => {
    const { resolveReplayConfig } = await import("../../src/cli/replayCommand.js");
    const text = await readFile(join(root, "config/replay.example.yaml"), "utf8");
    // `<indent># <more indent>[- ]key: …` becomes `<indent><more indent>[- ]key: …`; prose stays
    const full = text.replace(/^( *)# ( *(?:- )?[a-z_]+:(?: .*)?)$/gm, "$1$2");
    expect(full).not.toBe(text);
    const dir = await mkdtemp(join(tmpdir(), "dqstream-replay-example-"));
    try {
      const file = join(dir, "replay.full.yaml");
      await writeFile(file, full);
      const config = await resolveReplayConfig({ config: file });
      expect(config.preprocessor?.module).toBe(join(dir, "../examples/hooks/preprocess.mjs"));
      expect(config.postprocessor).toBeDefined();
      expect(config.alerts?.channels.log).toBe(true);
      expect(config.alerts?.channels.kafka, "replay refuses the Kafka channel").toBeUndefined();
      expect(config.alerts?.channels.webhooks).toHaveLength(1);
      expect(config.alerts?.channels.webhooks[0]).toMatchObject({ url: expect.stringMatching(/^https:\/\/hooks\.slack\.com\//), format: "slack" });
      // EMF to standard output ("-" is not a path), no CloudWatch API
      expect(config.cloudwatch?.enabled).toBe(false);
      expect(config.cloudwatch?.emf).toEqual({ enabled: true, path: "-" });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
