// Issue 9, point 13: secrets. Every URL, header and credential that could reach a log line, an
// error message, an HTTP answer or a report is redacted by one mechanism (src/telemetry/redaction.ts):
// the failure paths run here with secrets in every secret-bearing setting, and none is found in
// any output.
import { spawn } from "node:child_process";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withoutCredentials } from "../../src/alerts/webhookChannel.js";
import { MonitorConfigSchema } from "../../src/config/monitorSchema.js";
import { Redactor } from "../../src/telemetry/redaction.js";
import { startWebhookServer, type WebhookServer } from "../alerts/webhookServer.js";
import { ensureBuilt, MAIN, ROOT, runCli } from "../support/cli.js";
import { tempDir } from "./support.js";

const SECRETS = {
  user: "hook-user-S3CR1T",
  password: "hook-pass-S3CR2T",
  token: "tok-S3CR3T",
  query: "sig-S3CR4T",
  bearer: "Bearer bear-S3CR5T",
  slackToken: "slack-S3CR6T",
  sasl: "sasl-pass-S3CR7T",
};
const ALL = Object.values(SECRETS);

let server: WebhookServer;
beforeAll(async () => {
  ensureBuilt();
  server = await startWebhookServer(() => 500);
});
afterAll(async () => {
  await server?.close();
});

/** Every file under a folder, as text. */
async function allText(dir: string): Promise<string> {
  const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  return (await Promise.all(files.map((f) => readFile(join(f.parentPath, f.name), "utf8")))).join("\n");
}

const found = (text: string): string[] => ALL.filter((s) => text.includes(s) || text.includes(s.replace(/^Bearer /, "")));

describe("13: secrets never reach an output", () => {
  it("13: the redactor removes registered values, URL user-info anywhere, and a webhook URL's path token", () => {
    const r = new Redactor();
    r.addConfig(
      {
        alerts: {
          channels: {
            webhooks: [
              {
                url: `https://${SECRETS.user}:${SECRETS.password}@hooks.example/services/${SECRETS.token}?k=${SECRETS.query}`,
                headers: { Authorization: SECRETS.bearer },
              },
            ],
          },
        },
        kafka: { sasl: { password: SECRETS.sasl } },
      },
      MonitorConfigSchema,
    );
    const text = `fetch failed: Request cannot be constructed from a URL that includes credentials: https://${SECRETS.user}:${encodeURIComponent(SECRETS.password)}@hooks.example/services/${SECRETS.token}?k=${SECRETS.query} (auth ${SECRETS.bearer}, sasl ${SECRETS.sasl}); also ftp://someone:else@host/x`;
    const out = r.scrub(text);
    expect(found(out)).toEqual([]);
    expect(out).toContain("ftp://[redacted]@host/x");
    expect(out).toContain("hooks.example");
  });

  it("13: a webhook URL with user:password@ sends them as Basic credentials (fetch refuses them in the URL)", () => {
    const { url, authorization } = withoutCredentials(`https://${SECRETS.user}:${SECRETS.password}@hooks.example/x`);
    expect(url).toBe("https://hooks.example/x");
    expect(authorization).toBe(`Basic ${Buffer.from(`${SECRETS.user}:${SECRETS.password}`).toString("base64")}`);
  });

  it("13: replay with failing webhooks (refused, HTTP 500), credentials in URLs and headers, at debug level: no secret in stdout, stderr or any file it wrote", async () => {
    const dir = await tempDir("secrets");
    const failing = server.url
      .replace("/hooks/T000/B000/secret-token", `/services/${SECRETS.slackToken}`)
      .replace("http://", `http://${SECRETS.user}:${SECRETS.password}@`);
    const config = join(dir, "replay.json");
    await writeFile(
      config,
      JSON.stringify({
        baseline: {
          statistics: join(ROOT, "test/golden/baseline/csv-header/statistics.json"),
          constraints: join(ROOT, "test/golden/baseline/csv-header/constraints.json"),
        },
        reports_dir: join(dir, "reports"),
        window_seconds: 600,
        alerts: {
          channels: {
            log: true,
            webhooks: [
              {
                name: "refused",
                url: `http://${SECRETS.user}:${SECRETS.password}@127.0.0.1:1/hooks/${SECRETS.token}?k=${SECRETS.query}`,
                headers: { Authorization: SECRETS.bearer },
                max_attempts: 2,
                backoff_initial_ms: 1,
                backoff_max_ms: 5,
              },
              {
                name: "failing",
                url: failing,
                format: "slack",
                headers: { "X-Api-Key": SECRETS.query },
                max_attempts: 2,
                backoff_initial_ms: 1,
                backoff_max_ms: 5,
              },
            ],
          },
        },
      }),
    );
    // asynchronously: the webhook server lives in this process and must answer meanwhile
    const r = await runCliAsync(dir, ["replay", "--config", config, "--log-level", "debug", join(ROOT, "test/golden/replay/csv-start/input/capture.jsonl")]);
    expect(r.status, r.stderr).toBe(0);
    // the failures did happen (and were logged)
    expect(r.stderr).toMatch(/"msg":"alert not delivered"/);
    expect(server.received.length).toBeGreaterThan(0);
    expect(server.received[0]?.headers["authorization"]).toBe(`Basic ${Buffer.from(`${SECRETS.user}:${SECRETS.password}`).toString("base64")}`);
    expect(found(r.stdout)).toEqual([]);
    expect(found(r.stderr)).toEqual([]);
    expect(found(await allText(join(dir, "reports")))).toEqual([]);
  }, 60_000);

  it("13: configuration errors next to secrets (file, variables) quote none of them", async () => {
    const dir = await tempDir("secrets-config");
    const config = join(dir, "monitor.yaml");
    await writeFile(
      config,
      [
        "baseline: { statistics: s.json, constraints: c.json }",
        "reports_dir: r",
        `kafka: { brokers: ["127.0.0.1:1"], topics: [t], sasl: { mechanism: plain, username: u, password: ${SECRETS.sasl} }, tls: { enabled: ${JSON.stringify(SECRETS.token)} } }`,
        `alerts: { channels: { webhooks: [{ url: "ftp://${SECRETS.user}:${SECRETS.password}@host/x" }, { url: "https://h.example/${SECRETS.slackToken}", headers: { "Bad Header": ${JSON.stringify(SECRETS.bearer)} } }] } }`,
        "",
      ].join("\n"),
    );
    const r = runCli(dir, ["monitor", "--config", config], undefined);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/kafka\.tls\.enabled|alerts\.channels\.webhooks/);
    expect(found(r.stderr)).toEqual([]);
    const env = runCliEnv(dir, ["monitor", "--config", config], {
      DQSTREAM_KAFKA__SASL__PASSWORD: SECRETS.query,
      DQSTREAM_KAFKA__SASL__MECHANISM: SECRETS.password,
    });
    expect(env.status).toBe(2);
    expect(found(env.stderr)).toEqual([]);
  });
});

function runCliAsync(cwd: string, args: readonly string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [MAIN, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on("close", (status) => resolve({ status, stdout, stderr })));
}

function runCliEnv(cwd: string, args: readonly string[], env: Record<string, string>) {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return runCli(cwd, args);
  } finally {
    for (const k of Object.keys(env)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}
