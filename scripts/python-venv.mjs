// A Python virtual environment with pinned packages from PyPI, created once per machine under the
// dqstream cache folder (DQSTREAM_CACHE_DIR, else $XDG_CACHE_HOME/dqstream, else ~/.cache/dqstream)
// and reused while its marker file lists the same requirements. Shared by the scripts that need a
// Python tool for tests: scripts/sagemaker-sdk-venv.mjs (the SageMaker Python SDK) — and the same
// steps as ensureMotoVenv in scripts/moto-local.mjs, which could be rewritten on top of ensureVenv().
//
// Needs python3 on the PATH with its venv module (Debian/Ubuntu: apt-get install -y python3-venv)
// and access to PyPI (or PIP_INDEX_URL and the other pip variables). Types: python-venv.d.mts.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cacheRoot } from "./kafka-local.mjs";

export { cacheRoot };

/** How long one `pip install` may take (a first install fetches every wheel). */
export const PIP_TIMEOUT_MS = 10 * 60_000;
const COMPLETE_MARKER = ".dqstream-complete";

/** Every failure reported to a person: the message says what to do. */
export class PythonVenvError extends Error {
  /** @param {string} message @param {{cause?: unknown}} [options] */
  constructor(message, options) {
    super(message, options);
    this.name = "PythonVenvError";
  }
}

/**
 * Runs a command to completion; resolves with its combined output, rejects with a PythonVenvError
 * quoting the output's last 15 lines (or saying why it could not start).
 * @param {string} cmd @param {readonly string[]} args
 * @param {{timeoutMs?: number, env?: NodeJS.ProcessEnv, cwd?: string}} [options]
 * @returns {Promise<string>}
 */
export function runCommand(cmd, args, { timeoutMs = 60_000, env, cwd } = {}) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], ...(env ? { env } : {}), ...(cwd ? { cwd } : {}) });
    let out = "";
    child.stdout.on("data", (b) => (out += b));
    child.stderr.on("data", (b) => (out += b));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", (e) => {
      clearTimeout(timer);
      reject(new PythonVenvError(`cannot run ${cmd}: ${/** @type {NodeJS.ErrnoException} */ (e).code ?? e.message}`, { cause: e }));
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolveRun(out);
      else {
        const why = signal === "SIGKILL" ? `killed after ${timeoutMs / 1000} s` : String(code ?? signal);
        reject(new PythonVenvError(`${cmd} ${args.join(" ")} failed (${why}):\n${out.trim().split("\n").slice(-15).join("\n")}`));
      }
    });
  });
}

/**
 * The virtual environment `<cacheDir>/<name>` holding `requirements`, created once: into a temporary
 * folder beside the final one, renamed into place when pip succeeded (a venv's python works from its
 * new path; its console scripts' shebangs would not, so run tools as `python -m …`). Two runs racing
 * both build; the one that finishes second uses the first one's. A folder whose marker lists other
 * requirements, or whose python is gone, is built again.
 * @param {import("./python-venv.d.mts").EnsureVenvOptions} options
 * @returns {Promise<string>} the venv's python
 */
export async function ensureVenv({ name, requirements, label = name, minPython, cacheDir = cacheRoot(), python = "python3", log = () => {} }) {
  const dir = join(cacheDir, name);
  const py = join(dir, "bin", "python");
  const wanted = requirements.join(" ");
  const marker = join(dir, COMPLETE_MARKER);
  const ready = () => existsSync(py) && existsSync(marker) && readFileSync(marker, "utf8").trim() === wanted;
  if (ready()) return py;

  let version;
  try {
    version = (await runCommand(python, ["-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"], { timeoutMs: 30_000 })).trim();
  } catch (e) {
    throw new PythonVenvError(
      `Python 3 is needed to install ${label} (${/** @type {Error} */ (e).message}). Install python3${minPython ? ` (${minPython.join(".")} or later)` : ""} on the PATH.`,
    );
  }
  if (minPython) {
    const have = version.split(".").map(Number);
    const [major = 0, minor = 0] = have;
    if (major < minPython[0] || (major === minPython[0] && minor < minPython[1])) {
      throw new PythonVenvError(`${label} needs Python ${minPython.join(".")} or later; ${python} is ${version}. Put a newer python3 on the PATH.`);
    }
  }

  mkdirSync(cacheDir, { recursive: true });
  const tmp = mkdtempSync(join(cacheDir, `.${name}-`));
  const started = Date.now();
  try {
    log(`Creating a Python ${version} virtual environment for ${label} in ${dir} (once per machine)...`);
    try {
      await runCommand(python, ["-m", "venv", tmp], { timeoutMs: 120_000 });
    } catch (e) {
      throw new PythonVenvError(
        `${python} -m venv failed: ${/** @type {Error} */ (e).message}\nOn Debian/Ubuntu install the venv module: apt-get install -y python3-venv`,
      );
    }
    const tmpPy = join(tmp, "bin", "python");
    try {
      await runCommand(tmpPy, ["-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--quiet", ...requirements], { timeoutMs: PIP_TIMEOUT_MS });
    } catch (e) {
      throw new PythonVenvError(
        `pip could not install ${wanted} from PyPI: ${/** @type {Error} */ (e).message}\nCheck network access to PyPI (or PIP_INDEX_URL).`,
      );
    }
    writeFileSync(join(tmp, COMPLETE_MARKER), `${wanted}\n`);
    if (ready()) return py; // another run finished first: keep its folder (it may be in use)
    try {
      if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
    } catch (e) {
      if (!ready()) throw e;
    }
    log(`${label} installed in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    return py;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
