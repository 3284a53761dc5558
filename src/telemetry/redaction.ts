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

/** Config keys whose values are secrets (webhook URLs carry tokens, Slack's in their path). */
export const SECRET_KEYS: ReadonlySet<string> = new Set(["password", "url", "headers"]);

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
   * Registers the secret values of a configuration object, at any depth (see SECRET_KEYS): the
   * string values under a secret key, and any string holding a URL with user-info. The object is
   * what a config file gave, unvalidated: walked without recursion, each object once (a YAML alias
   * may make it a graph, even a cycle).
   */
  addConfig(config: unknown): void {
    const seen = new Set<object>();
    const stack: Array<{ node: unknown; secret: boolean }> = [{ node: config, secret: false }];
    while (stack.length > 0) {
      const { node, secret } = stack.pop() as { node: unknown; secret: boolean };
      if (typeof node === "string") {
        if (secret) this.addUrl(node);
        else if (node.includes("@") && new RegExp(USERINFO.source, "i").test(node)) this.addUrl(node);
        continue;
      }
      if (node === null || typeof node !== "object" || seen.has(node)) continue;
      seen.add(node);
      for (const [key, value] of Object.entries(node)) stack.push({ node: value, secret: secret || SECRET_KEYS.has(key) });
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

/** A copy of a config with secret values replaced, for logging. */
export function redactConfig(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactConfig);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.has(k) || k === "key_file" ? REDACTED : redactConfig(v);
  return out;
}
