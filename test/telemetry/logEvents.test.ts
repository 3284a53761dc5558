import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { Writable } from "node:stream";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/telemetry/logger.js";
import { LOG_EVENTS, logEvent, type LogEventSpec } from "../../src/telemetry/logEvents.js";
import { logEventsReference, replaceLogEventsReference } from "../../src/telemetry/logEventsReference.js";

const ROOT = join(import.meta.dirname, "../..");
const CATALOGUE_FILE = "src/telemetry/logEvents.ts";
const LEVELS = new Set(["trace", "debug", "info", "warn", "error", "fatal"]);
const CATALOGUE = LOG_EVENTS as Record<string, LogEventSpec>;
const MESSAGES = new Set(Object.values(CATALOGUE).map((e) => e.msg));

interface Finding {
  where: string;
  problem: string;
}

/**
 * The log calls of one source file that bypass the catalogue: `<x>.log.<level>(…)`, `log.<level>(…)`,
 * `this.#log.<level>(…)`, `logger.<level>(…)` — a receiver whose last name ends in "log" or "logger".
 * A literal message not in the catalogue is named as such; any other direct call is told to use
 * logEvent. Also reports the event identifiers that logEvent calls name (`used`).
 */
function scan(file: string, text: string): { findings: Finding[]; used: Set<string> } {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const findings: Finding[] = [];
  const used = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if (ts.isIdentifier(callee) && callee.text === "logEvent") {
        const id = node.arguments[1];
        if (id !== undefined && ts.isStringLiteral(id)) used.add(id.text);
        // `alert_${e.type}`: every identifier with the literal head counts as used
        else if (id !== undefined && ts.isTemplateExpression(id)) for (const k of Object.keys(CATALOGUE)) if (k.startsWith(id.head.text)) used.add(k);
      }
      if (ts.isPropertyAccessExpression(callee) && LEVELS.has(callee.name.text) && isLogger(callee.expression)) {
        const where = `${file}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}`;
        const literal = node.arguments.find((a) => ts.isStringLiteral(a) || ts.isNoSubstitutionTemplateLiteral(a) || ts.isTemplateExpression(a));
        const text = literal === undefined ? undefined : ts.isTemplateExpression(literal) ? literal.getText(source) : literal.text;
        findings.push({
          where,
          problem:
            text !== undefined && !MESSAGES.has(text)
              ? `message ${JSON.stringify(text)} is not in the catalogue (${CATALOGUE_FILE})`
              : `direct log call: use logEvent(log, "<id>", fields) from ${CATALOGUE_FILE}`,
        });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { findings, used };
}

function isLogger(e: ts.Expression): boolean {
  const name = ts.isIdentifier(e) ? e.text : ts.isPropertyAccessExpression(e) ? e.name.getText() : undefined;
  return name !== undefined && /log(ger)?$/i.test(name.replace(/^#/, ""));
}

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(join(ROOT, dir), { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)))
    .sort();
}

async function scanSrc(): Promise<{ findings: Finding[]; used: Set<string> }> {
  const findings: Finding[] = [];
  const used = new Set<string>();
  for (const file of await sourceFiles("src")) {
    if (file === CATALOGUE_FILE) continue;
    const r = scan(file, await readFile(join(ROOT, file), "utf8"));
    findings.push(...r.findings);
    for (const id of r.used) used.add(id);
  }
  return { findings, used };
}

function capture(level: string): { log: ReturnType<typeof createLogger>; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const log = createLogger(level, new Writable({ write: (c: Buffer, _e, done) => void (chunks.push(c.toString()), done()) }));
  const lines = (): Array<Record<string, unknown>> =>
    chunks
      .join("")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { log, lines };
}

describe("the catalogue of log events", () => {
  it("every log call in src/ goes through it (file:line of any that does not)", async () => {
    const { findings } = await scanSrc();
    expect(findings.map((f) => `${f.where}: ${f.problem}`)).toEqual([]);
  });

  it("every event is written somewhere in src/", async () => {
    const { used } = await scanSrc();
    expect(Object.keys(CATALOGUE).filter((id) => !used.has(id))).toEqual([]);
  });

  it("the scan catches what it is for: a literal not in the catalogue, a direct call with a catalogue message", () => {
    const fixture = [
      'this.#log.warn({ a: 1 }, "something new happened");',
      'o.log.info({}, "window closed");',
      "logger.error(`templated ${x}`);",
      'log.child({ a: 1 }).level; log.info.bind(log); console.error("not a logger");',
      'logEvent(log, "window_closed", {});',
    ].join("\n");
    const { findings, used } = scan("fixture.ts", fixture);
    expect(findings).toEqual([
      { where: "fixture.ts:1", problem: `message "something new happened" is not in the catalogue (${CATALOGUE_FILE})` },
      { where: "fixture.ts:2", problem: `direct log call: use logEvent(log, "<id>", fields) from ${CATALOGUE_FILE}` },
      { where: "fixture.ts:3", problem: `message "\`templated \${x}\`" is not in the catalogue (${CATALOGUE_FILE})` },
    ]);
    expect([...used]).toEqual(["window_closed"]);
  });

  it("identifiers are snake_case, messages unique, descriptions one line", () => {
    for (const [id, e] of Object.entries(CATALOGUE)) {
      expect(id).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
      expect(LEVELS.has(e.level), id).toBe(true);
      expect(e.when, id).not.toMatch(/\n/);
      expect(e.when.length, id).toBeGreaterThan(0);
    }
    expect(MESSAGES.size).toBe(Object.keys(CATALOGUE).length);
  });

  it("keeps the message texts that tests and operators match", () => {
    const msg = (id: string): string | undefined => CATALOGUE[id]?.msg;
    expect(msg("window_closed")).toBe("window closed");
    expect(msg("alert_not_delivered")).toBe("alert not delivered");
    expect(msg("partition_restored")).toBe("partition restored from its commit");
    expect(msg("shutdown_timed_out")).toBe("shutdown timed out");
    expect(msg("postprocess_hook_failed")).toBe("postprocess hook failed");
    expect(msg("batch_done")).toBe("batch done");
    expect(msg("delivery_blocked")).toMatch(/^blocked: /);
    expect(msg("delivery_unblocked")).toMatch(/^unblocked: /);
  });

  it("logEvent writes the event's level and message with the fields and `event`; nothing below the logger's level", () => {
    const { log, lines } = capture("info");
    logEvent(log, "window_closed", { window_start: "2026-11-01T00:00:00Z", items: 3 });
    logEvent(log, "baseline_warning", {}, "stats.json: 2 features that constraints.json lacks: a, b");
    logEvent(log, "batch_done", { records: 1 });
    logEvent(log, "alert_not_delivered", { err: new Error("boom"), reason: "rejected" });
    expect(lines()).toMatchObject([
      { level: 30, event: "window_closed", msg: "window closed", window_start: "2026-11-01T00:00:00Z", items: 3 },
      { level: 40, event: "baseline_warning", msg: "stats.json: 2 features that constraints.json lacks: a, b" },
      { level: 40, event: "alert_not_delivered", msg: "alert not delivered", reason: "rejected", err: { message: "boom" } },
    ]);
  });
});

describe("docs/monitoring.md", () => {
  it("holds the table of log events generated from the catalogue (run npm run docs:logs after changing it)", async () => {
    const text = await readFile(join(ROOT, "docs/monitoring.md"), "utf8");
    expect(text).toMatch(/^## Log events$/m);
    const regenerated = replaceLogEventsReference(text, logEventsReference());
    expect(regenerated === text, "docs/monitoring.md differs from src/telemetry/logEvents.ts: run npm run docs:logs").toBe(true);
  });

  it("the table has a row per event", () => {
    const block = logEventsReference();
    for (const id of Object.keys(CATALOGUE)) expect(block).toContain(`| \`${id}\` |`);
    expect(block).toContain("| `window_closed` | info | `window closed` |");
  });
});
