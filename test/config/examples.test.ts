import { readFile } from "node:fs/promises";
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
