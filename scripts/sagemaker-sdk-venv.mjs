#!/usr/bin/env node
// The SageMaker Python SDK (2.x) in a cached Python virtual environment, for the test that proves the
// SDK reads dqstream's files back (test/sagemaker/sdkReadBack.test.ts). Installed once per machine
// from PyPI into ~/.cache/dqstream/sagemaker-sdk-venv-<version> (python3 -m venv + pip; see
// scripts/python-venv.mjs), beside moto's venv.
//
//   node scripts/sagemaker-sdk-venv.mjs                 install if needed; print the venv's python and versions
//   node scripts/sagemaker-sdk-venv.mjs -- <args…>      run the venv's python with <args…>, e.g.
//       node scripts/sagemaker-sdk-venv.mjs -- test/sagemaker/sdk_read_back.py --endpoint-url http://127.0.0.1:5000 <folder>
//       (a moto server for --endpoint-url: npm run moto:local)
//
// Why this version: 2.257.7 is the newest 2.x release (3.x split the SDK into sagemaker-core & co
// and moved model_monitor). Measured here (Python 3.11.7, 2 cores, empty pip cache): 32 s to install,
// 307 MB on disk, 62 packages; `import sagemaker.model_monitor` takes 2 s. Note that 2.257.7 changed
// Constraints.set_monitoring(…, feature_name=…): up to 2.257.6 it writes
// features[i].string_constraints.monitoring_config_overrides (KeyError for a feature without
// string_constraints); 2.257.7 writes features[i].monitoring_config_overrides, for any feature.
// boto3/botocore carry the same pins as moto's venv (scripts/moto-local.mjs); sagemaker-core is
// pinned because sagemaker imports it; numpy and pandas are left to pip (their newest releases need
// Python 3.11, so the version depends on the machine's Python; sdk_read_back.py prints them).
//
// Needs python3 (3.9 or later) with its venv module, and PyPI. Environment: DQSTREAM_CACHE_DIR,
// PIP_INDEX_URL and the other pip variables. Types: sagemaker-sdk-venv.d.mts.
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PythonVenvError, cacheRoot, ensureVenv, runCommand } from "./python-venv.mjs";

export const SAGEMAKER_SDK_VERSION = "2.257.7";
export const SAGEMAKER_SDK_REQUIREMENTS = Object.freeze([`sagemaker==${SAGEMAKER_SDK_VERSION}`, "sagemaker-core==1.0.78", "boto3==1.44.8", "botocore==1.44.8"]);

/** What the SDK's python needs in its environment beyond the caller's: no "SDK v2 is deprecated" banner on stderr. */
export const SAGEMAKER_SDK_ENV = Object.freeze({ SAGEMAKER_SUPPRESS_V2_WARNING: "1" });

/**
 * Creates (once) the cached virtual environment with the SageMaker SDK; returns its python.
 * @param {{cacheDir?: string, python?: string, log?: (message: string) => void}} [options]
 * @returns {Promise<string>}
 */
export function ensureSagemakerSdkVenv({ cacheDir = cacheRoot(), python = "python3", log = () => {} } = {}) {
  return ensureVenv({
    name: `sagemaker-sdk-venv-${SAGEMAKER_SDK_VERSION}`,
    requirements: SAGEMAKER_SDK_REQUIREMENTS,
    label: `the SageMaker Python SDK ${SAGEMAKER_SDK_VERSION}`,
    minPython: [3, 9],
    cacheDir,
    python,
    log,
  });
}

function usage() {
  return [
    "usage: node scripts/sagemaker-sdk-venv.mjs [-- <python args…>]",
    "",
    `Installs the SageMaker Python SDK ${SAGEMAKER_SDK_VERSION} once into a cached virtual environment`,
    "and prints its python and package versions, or runs that python with the arguments after --.",
    "Needs python3 (3.9+) with its venv module and PyPI. Environment: DQSTREAM_CACHE_DIR.",
  ].join("\n");
}

async function cli(argv) {
  const dash = argv.indexOf("--");
  const own = dash === -1 ? argv : argv.slice(0, dash);
  if (own.length === 1 && (own[0] === "--help" || own[0] === "-h")) {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  if (own.length > 0) throw new PythonVenvError(`unknown argument "${own[0]}"\n${usage()}`);
  const py = await ensureSagemakerSdkVenv({ log: (m) => process.stderr.write(`[sagemaker-sdk] ${m}\n`) });
  const env = { ...process.env, ...SAGEMAKER_SDK_ENV };
  if (dash === -1) {
    const versions = await runCommand(
      py,
      ["-c", "import importlib.metadata as m; print(' '.join(f'{p}=={m.version(p)}' for p in ('sagemaker', 'sagemaker-core', 'boto3', 'pandas', 'numpy')))"],
      { env },
    );
    process.stdout.write(`${py}\n${versions.trim()}\n`);
    return 0;
  }
  const child = spawn(py, argv.slice(dash + 1), { stdio: "inherit", env });
  return new Promise((resolveExit) => child.once("close", (code, signal) => resolveExit(code ?? (signal ? 1 : 0))));
}

const invokedPath = process.argv[1] ? resolve(process.argv[1]) : "";
if (invokedPath === fileURLToPath(import.meta.url)) {
  cli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`error: ${e instanceof PythonVenvError ? e.message : (e?.stack ?? String(e))}\n`);
      process.exit(1);
    },
  );
}
