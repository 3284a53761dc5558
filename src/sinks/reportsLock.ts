import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, rmdir, stat, utimes, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { makeFolder } from "../formats/jsonFile.js";
import { InputError } from "../records/inputBytes.js";

/**
 * Who writes an endpoint/schedule's reports. Writers with the same identity cooperate (the
 * instances of one monitor group); any other writer is refused while one of them is alive.
 */
export type WriterIdentity = { readonly kind: "replay" } | { readonly kind: "monitor"; readonly group_id: string; readonly topics: readonly string[] };

/** Thrown when another, unrelated writer holds the reports (an InputError: exit code 1 in the CLI). */
export class ReportsLockedError extends InputError {
  constructor(what: string, message: string) {
    super(what, message);
    this.name = "ReportsLockedError";
  }
}

/** The lock folder inside `<reports>/<endpoint>/<schedule>/`. */
export const LOCK_NAME = ".dqstream.lock";
/** How often a holder refreshes its member file. */
const HEARTBEAT_MS = 10_000;
/** A member file not refreshed for this long belongs to a writer that is gone (killed, frozen, its machine lost). */
const STALE_MS = 45_000;

interface Member {
  readonly identity: WriterIdentity;
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

const sameIdentity = (a: WriterIdentity, b: WriterIdentity): boolean =>
  a.kind === "monitor" &&
  b.kind === "monitor" &&
  a.group_id === b.group_id &&
  a.topics.length === b.topics.length &&
  [...a.topics].sort().every((t, i) => t === [...b.topics].sort()[i]);

const describe = (m: Member): string =>
  m.identity.kind === "replay"
    ? `a replay (pid ${m.pid} on ${m.host}, since ${m.since})`
    : `the monitor of group "${m.identity.group_id}" (pid ${m.pid} on ${m.host}, since ${m.since})`;

/**
 * A lock on one endpoint/schedule of a reports folder, so that two unrelated writers (two
 * replays, or a replay and a monitor, or monitors of different groups) never interleave their
 * reports and dead letters there. The lock is a folder holding one member file per holder, each
 * refreshed every 10 s: a writer that is killed leaves a file that turns stale (45 s without a
 * refresh, or at once when its pid is gone on this host), and a stale lock is taken over. Holders
 * with the same identity share it. A best-effort guard on a folder, not a coordination service:
 * instances of one group coordinate through Kafka.
 */
export class ReportsLock {
  readonly #dir: string;
  readonly #file: string;
  readonly #member: Member;
  #timer: NodeJS.Timeout | undefined;
  /** Folders `acquire` made, deepest first. */
  readonly #created: string[] = [];

  private constructor(dir: string, member: Member) {
    this.#dir = dir;
    this.#member = member;
    this.#file = join(dir, `${member.host}.${member.pid}.${randomBytes(3).toString("hex")}.json`);
  }

  /** Takes the lock of `<reportsDir>/<endpoint>/<schedule>` for `identity`, or throws ReportsLockedError naming its holder. */
  static async acquire(reportsDir: string, endpoint: string, schedule: string, identity: WriterIdentity): Promise<ReportsLock> {
    const folder = join(reportsDir, endpoint, schedule);
    const lock = new ReportsLock(join(folder, LOCK_NAME), { identity, pid: process.pid, host: hostname(), since: new Date().toISOString() });
    // folders made only for the lock are removed with it when nothing else was written in them
    lock.#created.push(...(await makeFolder(folder)));
    try {
      await lock.#take(`reports ${folder}`);
    } catch (e) {
      await lock.release();
      throw e;
    }
    lock.#timer = setInterval(() => void lock.#refresh(), HEARTBEAT_MS).unref();
    return lock;
  }

  /**
   * Register, then look: a writer that finds an incompatible live member after registering backs
   * off (and retries after a random pause), so of two writers racing, the later one to look always
   * sees the other; if both see each other, both back off and try again.
   */
  async #take(what: string): Promise<void> {
    const mine = this.#member.identity;
    // a replay shares with nobody, a monitor with the instances of its group
    const conflicts = (members: ReadonlyArray<Member & { file: string }>): Array<Member & { file: string }> =>
      members.filter((m) => m.file !== this.#file && (mine.kind === "replay" || !sameIdentity(m.identity, mine)));
    for (let attempt = 0; attempt < 20; attempt++) {
      await mkdir(this.#dir, { recursive: true });
      const held = conflicts(await this.#liveMembers());
      if (held.length > 0)
        throw new ReportsLockedError(
          what,
          `is being written by ${describe(held[0] as Member)}; stop it, or write elsewhere (--reports, --endpoint or --schedule)`,
        );
      await writeFile(this.#file, JSON.stringify(this.#member));
      if (conflicts(await this.#liveMembers()).length === 0) return;
      await rm(this.#file, { force: true });
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 200));
    }
    throw new ReportsLockedError(what, `could not take the reports lock ${this.#dir} (other writers keep racing for it)`);
  }

  /** Members whose files are fresh (stale ones are removed). */
  async #liveMembers(): Promise<Array<Member & { file: string }>> {
    const out: Array<Member & { file: string }> = [];
    let names: string[];
    try {
      names = await readdir(this.#dir);
    } catch {
      return out;
    }
    for (const name of names.filter((n) => n.endsWith(".json")).sort()) {
      const file = join(this.#dir, name);
      try {
        const [text, info] = await Promise.all([readFile(file, "utf8"), stat(file)]);
        const m = JSON.parse(text) as Member;
        if (Date.now() - info.mtimeMs > STALE_MS || (m.host === hostname() && !alive(m.pid))) {
          await rename(file, `${file}.${randomBytes(3).toString("hex")}.stale`).catch(() => {});
          continue;
        }
        out.push({ ...m, file });
      } catch {
        // a file another writer is creating or removing: skipped this time
      }
    }
    for (const name of names.filter((n) => n.endsWith(".stale"))) await rm(join(this.#dir, name), { force: true });
    return out;
  }

  async #refresh(): Promise<void> {
    const now = new Date();
    await utimes(this.#file, now, now).catch(() => writeFile(this.#file, JSON.stringify(this.#member)).catch(() => {}));
  }

  /**
   * Releases this holder's share of the lock; the lock folder goes when no holder is left, and
   * with it the report folders made for it that stayed empty.
   */
  async release(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await rm(this.#file, { force: true });
    for (const dir of [this.#dir, ...this.#created]) {
      try {
        await rmdir(dir);
      } catch {
        break; // not empty (another holder, or reports): it stays, and so do its parents
      }
    }
  }
}

/** Whether a process of this host is running. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
