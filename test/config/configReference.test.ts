import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { configReference, replaceReference } from "../../src/config/configReference.js";

const FILE = join(import.meta.dirname, "../../docs/configuration.md");

describe("docs/configuration.md", () => {
  it("holds the configuration reference generated from the schemas (run npm run docs:config after changing a schema)", async () => {
    const text = await readFile(FILE, "utf8");
    const regenerated = replaceReference(text, configReference());
    expect(regenerated === text, "docs/configuration.md differs from the schemas: run npm run docs:config").toBe(true);
  });

  it("lists every key with its marks: secrets, paths, keys left out of logs", () => {
    const block = configReference();
    expect(block).toMatch(/\| `alerts\.channels\.webhooks\[\]\.url` \| text \| required \| {2}\| secret \|/);
    expect(block).toMatch(/\| `alerts\.channels\.webhooks\[\]\.headers` \| map of text \| `\{\}` \| {2}\| secret \|/);
    expect(block).toMatch(/\| `kafka\.sasl\.password` \| text \| required \| length ≥ 1 \| secret \|/);
    expect(block).toMatch(/\| `kafka\.tls\.key_file` \| text \| none \| length ≥ 1 \| path, not logged \|/);
    expect(block).toMatch(/\| `kafka\.sasl\.mechanism` \| text \| required \| `plain`, `scram-sha-256`, `scram-sha-512` \|/);
    expect(block).toMatch(/\| `window_seconds` \| integer \| `3600` \| ≥ 60, ≤ 86400 \| {2}\| Tumbling window size\. \|/);
  });
});
