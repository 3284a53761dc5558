// Deterministic synthetic CSV for bench/baseline.mjs: a header and `rows` rows of 20 columns
// (12 numeric, 8 string), generated from a seeded PRNG and cached in bench/out/.
//
// The file is written to a temporary name and renamed, then a small .meta.json is written next to
// it; a cached file is reused only if its meta matches the parameters and its size.

import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeFileSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), "out");

/** Bump when the generator's output changes, so stale caches are not reused. */
export const GENERATOR_VERSION = 1;

/** sfc32 (Chris Doty-Humphrey's Small Fast Counter, from PractRand), 128-bit state, floats in [0, 1). */
export function sfc32(seed) {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next(); // warm up
  return next;
}

/** Standard normal variates by Box–Muller (both values used). */
export function normalSource(rand) {
  let spare = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    let u = rand();
    while (u === 0) u = rand();
    const v = rand();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

const STATES = [
  "AL",
  "AK",
  "AZ",
  "AR",
  "CA",
  "CO",
  "CT",
  "DE",
  "DC",
  "FL",
  "GA",
  "HI",
  "ID",
  "IL",
  "IN",
  "IA",
  "KS",
  "KY",
  "LA",
  "ME",
  "MD",
  "MA",
  "MI",
  "MN",
  "MS",
  "MO",
  "MT",
  "NE",
  "NV",
  "NH",
  "NJ",
  "NM",
  "NY",
  "NC",
  "ND",
  "OH",
  "OK",
  "OR",
  "PA",
  "RI",
  "SC",
  "SD",
  "TN",
  "TX",
  "UT",
  "VT",
  "VA",
  "WA",
  "WV",
  "WI",
  "WY",
];
const PLANS = ["basic", "plus", "premium"];
const DEVICES = ["ios", "android", "web-desktop", "web-mobile", "smart-tv", "other"];
const CHANNELS = ["organic", "paid-search", "social", "email", "referral", "affiliate", "display", "direct", "partner", "sms", "push", "unknown"];
const LANGUAGES = ["en", "es", "fr", "de", "pt", "it", "nl", "sv", "pl", "ru", "zh", "ja", "ko", "ar", "hi", "tr", "vi", "th", "id", "he"];
const SYLLABLES = ["ba", "ko", "ri", "ma", "te", "lun", "vi", "sa", "dor", "el", "qui", "no", "fa", "zen", "ta", "mo", "ly", "ra", "pe", "gu"];
export const CITY_COUNT = 5000;

/** City i (0 ≤ i < 8000) as three syllables: 5,000 distinct names. */
function cityName(i) {
  const s = SYLLABLES.length;
  const name = SYLLABLES[i % s] + SYLLABLES[Math.floor(i / s) % s] + SYLLABLES[Math.floor(i / (s * s)) % s];
  return name[0].toUpperCase() + name.slice(1);
}

export const COLUMNS = [
  // numeric (12)
  "age", // integer 18..90
  "tenure_months", // integer 0..240, 2 % empty
  "num_purchases", // integer, geometric (mean ~6)
  "account_balance", // normal(5000, 2000), 2 decimals
  "annual_income", // lognormal exp(N(10.8, 0.6)), 2 decimals
  "risk_score", // uniform [0, 1), 4 decimals
  "latitude", // uniform 25..49, 6 decimals
  "longitude", // uniform -124..-67, 6 decimals
  "discount_rate", // uniform [0, 0.5], 3 decimals, 5 % empty
  "session_seconds", // integer, exponential (mean 300), 1 % empty
  "temperature_c", // normal(15, 10), 2 decimals, signed
  "amount_usd", // uniform 1..1000, 2 decimals, 3 % empty
  // strings (8)
  "state", // 51 values
  "plan", // 3 values
  "device", // 6 values
  "channel", // 12 values
  "language", // 20 values, 1 % empty
  "city", // 5,000 values, skewed
  "customer_id", // high-cardinality id (c_ + 12 hex), ~unique per row
  "is_active", // true / false
];

export function datasetPath(rows, seed) {
  return join(OUT_DIR, `dataset-v${GENERATOR_VERSION}-r${rows}-s${seed}.csv`);
}

function metaPath(file) {
  return `${file}.meta.json`;
}

/**
 * Returns the path of the dataset for (rows, seed), generating it first unless a complete cached
 * copy exists. `log` receives progress messages.
 */
export function ensureDataset(rows, seed, log = () => {}) {
  mkdirSync(OUT_DIR, { recursive: true });
  const file = datasetPath(rows, seed);
  const meta = metaPath(file);
  if (existsSync(file) && existsSync(meta)) {
    try {
      const m = JSON.parse(readFileSync(meta, "utf8"));
      if (m.rows === rows && m.seed === seed && m.version === GENERATOR_VERSION && m.bytes === statSync(file).size) {
        log(`using cached ${file} (${(m.bytes / 1e6).toFixed(1)} MB)`);
        return { file, bytes: m.bytes, cached: true };
      }
    } catch {
      // regenerate
    }
  }
  log(`generating ${file}: ${rows.toLocaleString("en-US")} rows × ${COLUMNS.length} columns, seed ${seed} …`);
  const started = performance.now();
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, "w");
  let bytes = 0;
  const write = (s) => {
    const b = Buffer.from(s, "utf8");
    let off = 0;
    while (off < b.length) off += writeSync(fd, b, off, b.length - off);
    bytes += b.length;
  };
  try {
    write(`${COLUMNS.join(",")}\n`);
    const rand = sfc32(seed);
    const normal = normalSource(rand);
    const cities = Array.from({ length: CITY_COUNT }, (_, i) => cityName(i));
    const pick = (arr) => arr[Math.floor(rand() * arr.length)];
    const hex12 = () => {
      // 48 random bits as 12 hex digits
      const hi = Math.floor(rand() * 0x1000000);
      const lo = Math.floor(rand() * 0x1000000);
      return hi.toString(16).padStart(6, "0") + lo.toString(16).padStart(6, "0");
    };
    const BATCH = 10_000;
    let lines = [];
    for (let r = 0; r < rows; r++) {
      const f = new Array(20);
      f[0] = String(18 + Math.floor(rand() * 73));
      f[1] = rand() < 0.02 ? "" : String(Math.floor(rand() * 241));
      f[2] = String(Math.floor(-Math.log(1 - rand()) * 6));
      f[3] = (5000 + 2000 * normal()).toFixed(2);
      f[4] = Math.exp(10.8 + 0.6 * normal()).toFixed(2);
      f[5] = rand().toFixed(4);
      f[6] = (25 + rand() * 24).toFixed(6);
      f[7] = (-124 + rand() * 57).toFixed(6);
      f[8] = rand() < 0.05 ? "" : (rand() * 0.5).toFixed(3);
      f[9] = rand() < 0.01 ? "" : String(Math.floor(-Math.log(1 - rand()) * 300));
      f[10] = (15 + 10 * normal()).toFixed(2);
      f[11] = rand() < 0.03 ? "" : (1 + rand() * 999).toFixed(2);
      f[12] = pick(STATES);
      f[13] = PLANS[rand() < 0.6 ? 0 : rand() < 0.75 ? 1 : 2];
      f[14] = pick(DEVICES);
      f[15] = pick(CHANNELS);
      f[16] = rand() < 0.01 ? "" : LANGUAGES[Math.floor(LANGUAGES.length * rand() * rand())];
      f[17] = cities[Math.floor(CITY_COUNT * (rand() < 0.8 ? rand() * rand() : rand()))]; // skewed towards low indices, every city present
      f[18] = `c_${hex12()}`;
      f[19] = rand() < 0.7 ? "true" : "false";
      lines.push(f.join(","));
      if (lines.length === BATCH) {
        write(`${lines.join("\n")}\n`);
        lines = [];
      }
    }
    if (lines.length > 0) write(`${lines.join("\n")}\n`);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  writeFileSync(meta, `${JSON.stringify({ rows, seed, version: GENERATOR_VERSION, bytes, columns: COLUMNS })}\n`);
  log(`generated ${(bytes / 1e6).toFixed(1)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { file, bytes, cached: false };
}
