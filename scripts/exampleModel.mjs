// The synthetic churn-style table behind the bundled examples: one row generator shared by the
// training dataset and the capture files, so captured traffic matches the baseline unless a
// window injects drift on purpose. Seeded PRNG: the same bytes every run.
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const COLUMNS = [
  "churn",
  "account_length",
  "state",
  "plan",
  "day_mins",
  "day_calls",
  "eve_mins",
  "night_mins",
  "intl_mins",
  "customer_service_calls",
  "monthly_charge",
  "voicemail",
  "signup_channel",
];

const STATES = ["CA", "TX", "NY", "FL", "WA", "IL", "OH", "GA", "NC", "MI", "NJ", "VA", "AZ", "MA", "OR"];
const STATE_WEIGHTS = [14, 11, 9, 8, 6, 6, 5, 5, 5, 4, 4, 4, 3, 3, 3];

/**
 * One row as strings, in COLUMNS order. `drift` (all optional) shifts the traffic:
 * day_mins_shift, plan_weights, plan_values, intl_missing, channel_missing, account_length_text.
 */
export function makeRow(rand, drift = {}) {
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const pick = (values, weights) => {
    let r = rand() * weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < values.length; i++) if ((r -= weights[i]) < 0) return values[i];
    return values[values.length - 1];
  };
  const clamp = (x, lo, hi) => Math.min(hi, Math.max(lo, x));
  const plan = pick(drift.plan_values ?? ["basic", "standard", "premium"], drift.plan_weights ?? [50, 35, 15]);
  const accountLength = Math.round(clamp(100 + gauss() * 40, 1, 243));
  const dayMins = clamp(180 + (drift.day_mins_shift ?? 0) + gauss() * 54, 0, drift.day_mins_shift ? 450 : 350.8);
  const dayCalls = Math.round(clamp(100 + gauss() * 20, 0, 165));
  const eveMins = clamp(200 + gauss() * 50, 31.2, 361.8);
  const nightMins = clamp(201 + gauss() * 50, 23.2, 395);
  const intlMins = rand() < (drift.intl_missing ?? 0.04) ? "" : clamp(10.2 + gauss() * 2.8, 0, 18.4).toFixed(1);
  const serviceCalls = Math.min(9, Math.floor(-Math.log(1 - rand()) * 1.5));
  const base = { basic: 20, standard: 35, premium: 60, enterprise: 90 }[plan];
  const monthly = (base * Math.exp(gauss() * 0.15) + dayMins * 0.05).toFixed(2);
  const voicemail = pick(["yes", "no"], [28, 72]);
  const channel = rand() < (drift.channel_missing ?? 0.08) ? "" : pick(["web", "store", "phone", "partner"], [45, 25, 20, 10]);
  const risk = -2.2 + 0.45 * serviceCalls + (dayMins - 180) / 60 + (plan === "basic" ? 0.3 : 0);
  const churn = rand() < 1 / (1 + Math.exp(-risk)) ? 1 : 0;
  const account = drift.account_length_text ? `${accountLength}d` : String(accountLength);
  return [
    String(churn),
    account,
    pick(STATES, STATE_WEIGHTS),
    plan,
    dayMins.toFixed(1),
    String(dayCalls),
    eveMins.toFixed(1),
    nightMins.toFixed(1),
    intlMins,
    String(serviceCalls),
    monthly,
    voicemail,
    channel,
  ];
}
