#!/usr/bin/env node
// Generates the bundled example training dataset (examples/data/training.csv): a synthetic,
// churn-style table with the label first (SageMaker's convention: output columns first), integral,
// fractional and categorical features, and some missing values. Seeded: the same bytes every run.
//   node scripts/generate-example-data.mjs [rows] > examples/data/training.csv
const rows = Number(process.argv[2] ?? 5000);

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(42);
const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
const pick = (values, weights) => {
  let r = rand() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < values.length; i++) if ((r -= weights[i]) < 0) return values[i];
  return values[values.length - 1];
};
const clamp = (x, lo, hi) => Math.min(hi, Math.max(lo, x));

const states = ["CA", "TX", "NY", "FL", "WA", "IL", "OH", "GA", "NC", "MI", "NJ", "VA", "AZ", "MA", "OR"];
const stateWeights = [14, 11, 9, 8, 6, 6, 5, 5, 5, 4, 4, 4, 3, 3, 3];
const header = [
  "churn", "account_length", "state", "plan", "day_mins", "day_calls", "eve_mins", "night_mins",
  "intl_mins", "customer_service_calls", "monthly_charge", "voicemail", "signup_channel",
];
const out = [header.join(",")];
for (let i = 0; i < rows; i++) {
  const plan = pick(["basic", "standard", "premium"], [50, 35, 15]);
  const accountLength = Math.round(clamp(100 + gauss() * 40, 1, 243));
  const dayMins = clamp(180 + gauss() * 54, 0, 350.8);
  const dayCalls = Math.round(clamp(100 + gauss() * 20, 0, 165));
  const eveMins = clamp(200 + gauss() * 50, 31.2, 361.8);
  const nightMins = clamp(201 + gauss() * 50, 23.2, 395);
  const intlMins = rand() < 0.04 ? "" : clamp(10.2 + gauss() * 2.8, 0, 18.4).toFixed(1);
  const serviceCalls = Math.min(9, Math.floor(-Math.log(1 - rand()) * 1.5));
  const base = { basic: 20, standard: 35, premium: 60 }[plan];
  const monthly = (base * Math.exp(gauss() * 0.15) + dayMins * 0.05).toFixed(2);
  const voicemail = pick(["yes", "no"], [28, 72]);
  const channel = rand() < 0.08 ? "" : pick(["web", "store", "phone", "partner"], [45, 25, 20, 10]);
  const risk = -2.2 + 0.45 * serviceCalls + (dayMins - 180) / 60 + (plan === "basic" ? 0.3 : 0);
  const churn = rand() < 1 / (1 + Math.exp(-risk)) ? 1 : 0;
  out.push([
    churn, accountLength, pick(states, stateWeights), plan, dayMins.toFixed(1), dayCalls,
    eveMins.toFixed(1), nightMins.toFixed(1), intlMins, serviceCalls, monthly, voicemail, channel,
  ].join(","));
}
process.stdout.write(`${out.join("\n")}\n`);
