// The alert lifecycle on scripted sequences of windows: open, N of M, repeat suppression,
// resolve, windows without data, idempotency per window start, and a property test of the
// invariants on random sequences.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { advance, initialState, openAlerts, replay, type LifecycleState, type WindowOutcome } from "../../src/alerts/lifecycle.js";
import type { LifecycleConfig } from "../../src/alerts/alertsSchema.js";
import { HOUR, T0, lifecycle, w } from "./support.js";

const SHORT = (t: string): string =>
  t
    .replace(/_check$/, "")
    .replace("baseline_", "")
    .replace("_values", "")
    .replace("data_", "");

/** Transitions as "hour type short:feature", in order. */
function run(config: LifecycleConfig, windows: readonly WindowOutcome[], from: LifecycleState = initialState()): { log: string[]; state: LifecycleState } {
  let state = from;
  const log: string[] = [];
  for (const window of windows) {
    const r = advance(config, state, window);
    state = r.state;
    for (const t of r.transitions) log.push(`${(t.window.startMs - T0) / HOUR} ${t.type} ${SHORT(t.key.checkType)}:${t.key.feature}`);
  }
  return { log, state };
}

describe("alert lifecycle", () => {
  it("defaults (1 of 1, K = 1): opens on the first violating window, resolves on the first clean one", () => {
    const { log, state } = run(lifecycle(), [w(0, []), w(1, ["drift:a", "completeness:b"]), w(2, ["drift:a"]), w(3, []), w(4, [])]);
    expect(log).toEqual(["1 open drift:a", "1 open completeness:b", "2 resolved completeness:b", "3 resolved drift:a"]);
    expect(openAlerts(state)).toEqual([]);
    expect(state.fingerprints.size).toBe(0);
  });

  it("fingerprints are per check type and feature: another check on the same feature is another alert", () => {
    const { log } = run(lifecycle(), [w(0, ["drift:plan"]), w(1, ["drift:plan", "categorical:plan"]), w(2, ["categorical:plan"])]);
    expect(log).toEqual(["0 open drift:plan", "1 open categorical:plan", "2 resolved drift:plan"]);
  });

  it("N of M: opens when 2 of the last 3 windows violate, not for violations further apart", () => {
    const config = lifecycle({ open_after_violating_windows: 2, of_last_windows: 3 });
    expect(run(config, [w(0, ["drift:a"]), w(1, []), w(2, []), w(3, ["drift:a"]), w(4, []), w(5, [])]).log).toEqual([]);
    expect(run(config, [w(0, ["drift:a"]), w(1, []), w(2, ["drift:a"]), w(3, [])]).log).toEqual(["2 open drift:a", "3 resolved drift:a"]);
    expect(run(config, [w(0, ["drift:a"]), w(1, ["drift:a"])]).log).toEqual(["1 open drift:a"]);
  });

  it("the windows that opened an alert do not count towards the next one", () => {
    const config = lifecycle({ open_after_violating_windows: 2, of_last_windows: 3 });
    // V V(open) C(resolved) V: with the history kept, [V, C, V] would re-open at once
    expect(run(config, [w(0, ["drift:a"]), w(1, ["drift:a"]), w(2, []), w(3, ["drift:a"]), w(4, ["drift:a"])]).log).toEqual([
      "1 open drift:a",
      "2 resolved drift:a",
      "4 open drift:a",
    ]);
  });

  it("repeats at most once per repeat_interval_seconds of event time, only on violating windows", () => {
    const config = lifecycle({ repeat_interval_seconds: 3 * 3600, resolve_after_clean_windows: 3 });
    const windows = [0, 1, 2, 3, 4, 5, 6].map((h) => w(h, ["drift:a"]));
    expect(run(config, windows).log).toEqual(["0 open drift:a", "3 repeat drift:a", "6 repeat drift:a"]);
    // a clean window (not enough to resolve) at the due time sends nothing; the next violating one repeats
    expect(run(config, [w(0, ["drift:a"]), w(1, ["drift:a"]), w(2, ["drift:a"]), w(3, []), w(4, ["drift:a"]), w(5, ["drift:a"])]).log).toEqual([
      "0 open drift:a",
      "4 repeat drift:a",
    ]);
  });

  it("repeat_interval_seconds equal to the window repeats on every violating window", () => {
    expect(run(lifecycle({ repeat_interval_seconds: 3600 }), [w(0, ["drift:a"]), w(1, ["drift:a"]), w(2, ["drift:a"])]).log).toEqual([
      "0 open drift:a",
      "1 repeat drift:a",
      "2 repeat drift:a",
    ]);
  });

  it("resolves after K clean windows in a row; a violation in between restarts the count", () => {
    const config = lifecycle({ resolve_after_clean_windows: 2 });
    expect(run(config, [w(0, ["drift:a"]), w(1, []), w(2, ["drift:a"]), w(3, []), w(4, []), w(5, [])]).log).toEqual(["0 open drift:a", "4 resolved drift:a"]);
  });

  it("windows without data count neither as violating nor as clean", () => {
    expect(run(lifecycle(), [w(0, ["drift:a"]), w(1, null), w(2, null), w(3, [])]).log).toEqual(["0 open drift:a", "3 resolved drift:a"]);
    const nOfM = lifecycle({ open_after_violating_windows: 2, of_last_windows: 2 });
    expect(run(nOfM, [w(0, ["drift:a"]), w(1, null), w(2, ["drift:a"])]).log).toEqual(["2 open drift:a"]);
  });

  it("a window that does not start after the last one taken changes nothing (re-reported after a restart)", () => {
    const config = lifecycle();
    const first = run(config, [w(0, []), w(1, ["drift:a"])]);
    const again = run(config, [w(1, ["drift:a"]), w(0, ["drift:b"]), w(1, [])], first.state);
    expect(again.log).toEqual([]);
    expect(again.state).toBe(first.state);
    expect(run(config, [w(2, [])], again.state).log).toEqual(["2 resolved drift:a"]);
  });

  it("transitions carry the window, the violation, the evaluation and the opening window", () => {
    const config = lifecycle({ repeat_interval_seconds: 3600 });
    let state = initialState();
    const results = [w(0, ["drift:a"]), w(1, ["drift:a"]), w(2, [])].map((window) => {
      const r = advance(config, state, window);
      state = r.state;
      return r.transitions;
    });
    const [open, repeat, resolved] = results.map((t) => t[0]);
    expect(open).toMatchObject({ type: "open", openedStartMs: T0, violation: { description: "drift violated on a" }, evaluation: { value: 0.5 } });
    expect(repeat).toMatchObject({ type: "repeat", openedStartMs: T0, window: { startMs: T0 + HOUR } });
    expect(resolved).toMatchObject({ type: "resolved", openedStartMs: T0, violation: undefined, evaluation: undefined, window: { startMs: T0 + 2 * HOUR } });
  });

  it("invariants on random sequences: per fingerprint open and resolved alternate, repeats only while open, never faster than the interval", () => {
    const features = ["a", "b", "c"];
    const windowArb = fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 6, arbitrary: fc.subarray(features.map((f) => `drift:${f}`)) });
    const configArb = fc
      .record({
        n: fc.integer({ min: 1, max: 4 }),
        extra: fc.integer({ min: 0, max: 3 }),
        k: fc.integer({ min: 1, max: 4 }),
        repeatHours: fc.integer({ min: 1, max: 5 }),
      })
      .map(({ n, extra, k, repeatHours }) =>
        lifecycle({ open_after_violating_windows: n, of_last_windows: n + extra, resolve_after_clean_windows: k, repeat_interval_seconds: repeatHours * 3600 }),
      );
    fc.assert(
      fc.property(configArb, fc.array(windowArb, { maxLength: 40 }), (config, specs) => {
        const windows = specs.map((s, h) => w(h, s));
        const { log, state } = run(config, windows);
        for (const f of features) {
          const mine = log.filter((l) => l.endsWith(` drift:${f}`)).map((l) => l.split(" ") as [string, string, string]);
          let open = false;
          let lastNotified = -Infinity;
          for (const [hour, type] of mine) {
            const h = Number(hour);
            const window = windows[h] as WindowOutcome;
            if (type === "open") {
              expect(open).toBe(false);
              expect(window.violations.some((v) => v.feature_name === f)).toBe(true);
              open = true;
              lastNotified = h;
            } else if (type === "repeat") {
              expect(open).toBe(true);
              expect(h - lastNotified).toBeGreaterThanOrEqual(config.repeat_interval_seconds / 3600);
              lastNotified = h;
            } else {
              expect(open).toBe(true);
              expect(window.violations.some((v) => v.feature_name === f)).toBe(false);
              open = false;
            }
          }
          expect(openAlerts(state).some((a) => a.feature === f)).toBe(open);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("with N = 1, replaying only the last K or more windows gives the same open alerts as the whole history", () => {
    const windowArb = fc.subarray(["drift:a", "drift:b", "completeness:a"]);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(windowArb, { minLength: 1, maxLength: 30 }), fc.nat(), (k, specs, cut) => {
        const config = lifecycle({ resolve_after_clean_windows: k });
        const windows = specs.map((s, h) => w(h, s));
        const suffix = windows.slice(Math.min(cut % windows.length, Math.max(0, windows.length - k)));
        const keys = (s: LifecycleState): string[] =>
          openAlerts(s)
            .map((a) => `${a.checkType}/${a.feature}`)
            .sort();
        expect(keys(replay(config, suffix))).toEqual(keys(replay(config, windows)));
      }),
      { numRuns: 300 },
    );
  });
});
