import type * as z from "zod";
import { keysAt, markedPaths, type KeyPath } from "../components/schemaKeys.js";

/**
 * The one mechanism that keeps secrets out of every output (logs, error messages, HTTP answers):
 * the secret values of the run's configuration are registered once, when the configuration is
 * read, and every text dqstream prints passes through `scrub`, which replaces each of them, and
 * the user-info of any URL (`https://user:password@host`), with `[redacted]`. A secret is then
 * safe wherever a library puts it (a fetch error quoting its URL, a client echoing a header),
 * not only where the code remembers to leave it out.
 */
export const REDACTED = "[redacted]";

/** Values shorter than this are not scrubbed from free text (they would blank out common words); the config log never prints them. */
export const MIN_SECRET_LENGTH = 4;

/**
 * The key paths of a schema's secrets (`secret`: passwords, webhook URLs, which carry tokens,
 * Slack's in their path, and headers) and of what the logged configuration leaves out (secrets
 * and `unlogged` keys), read once per schema.
 */
const secretPathsOf = new WeakMap<z.ZodType, { secret: KeyPath[]; unlogged: KeyPath[] }>();
export function secretKeyPaths(schema: z.ZodType): { secret: KeyPath[]; unlogged: KeyPath[] } {
  let paths = secretPathsOf.get(schema);
  if (paths === undefined) {
    const secret = markedPaths(schema, "secret");
    paths = { secret, unlogged: [...secret, ...markedPaths(schema, "unlogged")] };
    secretPathsOf.set(schema, paths);
  }
  return paths;
}

/** Environment variables whose values are secrets wherever they show up. */
const SECRET_VARIABLES = ["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"] as const;

/** `scheme://user[:password]@`: the user-info of a URL anywhere in a text. */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi;

export class Redactor {
  /** Longest first, so a secret containing another is replaced whole. */
  #secrets: string[] = [];

  add(value: string): void {
    if (value.length < MIN_SECRET_LENGTH || this.#secrets.includes(value)) return;
    this.#secrets.push(value);
    this.#secrets.sort((a, b) => b.length - a.length);
  }

  /** Registers a URL: the whole text, its normalized form, its user-info, and its path and query (Slack's token). */
  addUrl(value: string): void {
    this.add(value);
    let u: URL;
    try {
      u = new URL(value);
    } catch {
      return;
    }
    this.add(u.href);
    for (const part of [u.username, u.password]) {
      this.add(part);
      this.add(safeDecode(part));
    }
    if (u.pathname.length > 1) this.add(u.pathname);
    if (u.search.length > 1) this.add(u.search.slice(1));
  }

  /**
   * Registers the secret values of a configuration object: every string at or under a key that
   * `schema` marks secret (secretKeyPaths), and any string anywhere holding a URL with user-info.
   * The object is what a config file, variables and flags gave, unvalidated (so its secrets are
   * registered before a validation error could quote them): walked without recursion, each object
   * once (a YAML alias may make it a graph, even a cycle).
   */
  addConfig(config: unknown, schema: z.ZodType): void {
    // an object walked as secret covers its strings; one walked as plain may still be reached as secret (an alias)
    const seenPlain = new Set<object>();
    const seenSecret = new Set<object>();
    const stack: Array<{ node: unknown; secret: boolean }> = [{ node: config, secret: false }];
    for (const path of secretKeyPaths(schema).secret) for (const at of keysAt(config, path)) stack.push({ node: at.value, secret: true });
    while (stack.length > 0) {
      const { node, secret } = stack.pop() as { node: unknown; secret: boolean };
      if (typeof node === "string") {
        if (secret) this.addUrl(node);
        else if (node.includes("@") && new RegExp(USERINFO.source, "i").test(node)) this.addUrl(node);
        continue;
      }
      if (node === null || typeof node !== "object" || seenSecret.has(node) || (!secret && seenPlain.has(node))) continue;
      (secret ? seenSecret : seenPlain).add(node);
      for (const value of Object.values(node)) stack.push({ node: value, secret });
    }
  }

  /** Registers the secret variables of an environment (cloud credentials). */
  addEnvironment(env: NodeJS.ProcessEnv): void {
    for (const name of SECRET_VARIABLES) {
      const v = env[name];
      if (v !== undefined) this.add(v);
    }
  }

  scrub(text: string): string {
    let out = text.replace(USERINFO, `$1${REDACTED}@`);
    for (const s of this.#secrets) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out;
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The process's redactor: the CLI registers the configuration's secrets here; logs, errors and the HTTP server scrub with it. */
export const secrets = new Redactor();

/** A copy of a (validated) config for logging, the values of `schema`'s secret and unlogged keys replaced. */
export function redactConfig(value: unknown, schema: z.ZodType): unknown {
  const out = structuredClone(value);
  for (const path of secretKeyPaths(schema).unlogged) {
    for (const at of keysAt(out, path)) if (at.value !== undefined) (at.container as Record<string, unknown>)[at.key] = REDACTED;
  }
  return out;
}
