import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isoSeconds, MAX_WINDOW_SECONDS, MIN_WINDOW_SECONDS, windowFolder, windowStart } from "../../src/windows/tumblingWindows.js";

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

describe("windowStart: tumbling windows aligned to the Unix epoch", () => {
  it("maps a time to the start of the window holding it", () => {
    expect(windowStart(0, MIN)).toBe(0);
    expect(windowStart(59_999, MIN)).toBe(0);
    expect(windowStart(60_000, MIN)).toBe(60_000);
    expect(windowStart(Date.UTC(2026, 10, 1, 4, 59, 59, 999), HOUR)).toBe(Date.UTC(2026, 10, 1, 4));
    expect(windowStart(Date.UTC(2026, 10, 1, 4, 35, 12), 5 * MIN)).toBe(Date.UTC(2026, 10, 1, 4, 35));
    expect(windowStart(Date.UTC(2026, 10, 1, 23, 59, 59), DAY)).toBe(Date.UTC(2026, 10, 1));
  });

  it("is aligned to the epoch, not to the day, for sizes that do not divide a day", () => {
    // 7-minute windows: 2026-11-01T00:00Z is not a multiple of 7 minutes since the epoch
    const t = Date.UTC(2026, 10, 1);
    const s = windowStart(t, 7 * MIN);
    expect(s % (7 * MIN)).toBe(0);
    expect(s).toBeLessThanOrEqual(t);
    expect(t - s).toBeLessThan(7 * MIN);
    expect(s).not.toBe(t);
  });

  it("rounds negative times down (toward −∞), not toward zero", () => {
    expect(windowStart(-1, MIN)).toBe(-60_000);
    expect(windowStart(-60_000, MIN)).toBe(-60_000);
    expect(windowStart(-60_001, MIN)).toBe(-120_000);
    expect(windowStart(Date.UTC(1969, 11, 31, 23, 30), HOUR)).toBe(Date.UTC(1969, 11, 31, 23));
  });

  it("property: start ≤ t < start + size and start is a multiple of size", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -4_000_000_000_000, max: 4_000_000_000_000 }),
        fc.integer({ min: MIN_WINDOW_SECONDS, max: MAX_WINDOW_SECONDS }),
        (t, seconds) => {
          const size = seconds * 1000;
          const s = windowStart(t, size);
          expect(s).toBeLessThanOrEqual(t);
          expect(t).toBeLessThan(s + size);
          expect(Number.isInteger(s / size)).toBe(true);
          // every time of the window maps to the same start
          expect(windowStart(s, size)).toBe(s);
          expect(windowStart(s + size - 1, size)).toBe(s);
        },
      ),
      { seed: 20_250_601, numRuns: 300 },
    );
  });
});

describe("isoSeconds", () => {
  it("prints ISO-8601 UTC to the second with a Z", () => {
    expect(isoSeconds(0)).toBe("1970-01-01T00:00:00Z");
    expect(isoSeconds(Date.UTC(2026, 10, 1, 4, 5, 6))).toBe("2026-11-01T04:05:06Z");
  });

  it("drops milliseconds (truncates, never rounds up into the next second)", () => {
    expect(isoSeconds(Date.UTC(2026, 10, 1, 4, 5, 6, 999))).toBe("2026-11-01T04:05:06Z");
    expect(isoSeconds(Date.UTC(2026, 11, 31, 23, 59, 59, 999))).toBe("2026-12-31T23:59:59Z");
  });

  it("handles times before the epoch", () => {
    expect(isoSeconds(-1)).toBe("1969-12-31T23:59:59Z");
    expect(isoSeconds(-60_000)).toBe("1969-12-31T23:59:00Z");
  });
});

describe("windowFolder window_start: YYYY/MM/DD/HH of the window start in UTC, plus mm/ under an hour", () => {
  const start = Date.UTC(2026, 1, 3, 4, 35); // 2026-02-03T04:35Z

  it("adds a minute level for windows shorter than an hour", () => {
    expect(windowFolder(start, MIN, "window_start")).toBe("2026/02/03/04/35");
    expect(windowFolder(start, 5 * MIN, "window_start")).toBe("2026/02/03/04/35");
    expect(windowFolder(Date.UTC(2026, 1, 3, 4, 0), 59 * MIN, "window_start")).toBe("2026/02/03/04/00");
    expect(windowFolder(Date.UTC(2026, 1, 3, 4, 0), HOUR - 1000, "window_start")).toBe("2026/02/03/04/00");
  });

  it("has no minute level for 1-hour, multi-hour and 1-day windows", () => {
    expect(windowFolder(Date.UTC(2026, 1, 3, 4), HOUR, "window_start")).toBe("2026/02/03/04");
    expect(windowFolder(Date.UTC(2026, 1, 3, 6), 2 * HOUR, "window_start")).toBe("2026/02/03/06");
    expect(windowFolder(Date.UTC(2026, 1, 3), DAY, "window_start")).toBe("2026/02/03/00");
  });

  it("pads month, day, hour and minute to two digits and uses UTC, not local time", () => {
    expect(windowFolder(Date.UTC(2026, 0, 9, 7, 5), MIN, "window_start")).toBe("2026/01/09/07/05");
    expect(windowFolder(Date.UTC(2026, 11, 31, 23), HOUR, "window_start")).toBe("2026/12/31/23");
  });

  it("works before the epoch", () => {
    expect(windowFolder(Date.UTC(1969, 11, 31, 23), HOUR, "window_start")).toBe("1969/12/31/23");
    expect(windowFolder(windowStart(-1, MIN), MIN, "window_start")).toBe("1969/12/31/23/59");
  });
});

describe("windowFolder window_end (the default, SageMaker's layout): YYYY/MM/DD/HH of the window end", () => {
  it("names the window 00:00–01:00 of 2022-04-18 …/2022/04/18/01, as SageMaker's real execution did", () => {
    expect(windowFolder(Date.UTC(2022, 3, 18, 0), HOUR)).toBe("2022/04/18/01");
    expect(windowFolder(Date.UTC(2022, 3, 18, 0), HOUR, "window_end")).toBe("2022/04/18/01");
  });

  it("rolls over days, months and years at the end of the last window", () => {
    expect(windowFolder(Date.UTC(2026, 11, 31, 23), HOUR)).toBe("2027/01/01/00");
    expect(windowFolder(Date.UTC(2026, 1, 3), DAY)).toBe("2026/02/04/00");
    expect(windowFolder(Date.UTC(2026, 1, 3, 6), 2 * HOUR)).toBe("2026/02/03/08");
  });

  it("gives the minute of the end under an hour", () => {
    expect(windowFolder(Date.UTC(2026, 1, 3, 4, 35), 5 * MIN)).toBe("2026/02/03/04/40");
    expect(windowFolder(Date.UTC(2026, 1, 3, 4, 59), MIN)).toBe("2026/02/03/05/00");
    expect(windowFolder(windowStart(-1, MIN), MIN)).toBe("1970/01/01/00/00");
  });

  it("property: distinct windows of one size get distinct folders", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: MIN_WINDOW_SECONDS, max: MAX_WINDOW_SECONDS }),
        fc.integer({ min: 0, max: 40_000_000 }),
        fc.integer({ min: 1, max: 2000 }),
        (seconds, k, gap) => {
          const size = seconds * 1000;
          const a = k * size;
          const b = (k + gap) * size;
          for (const at of ["window_end", "window_start"] as const) {
            expect(windowFolder(a, size, at)).not.toBe(windowFolder(b, size, at));
            expect(windowFolder(a, size, at).split("/")).toHaveLength(size < HOUR ? 5 : 4);
          }
        },
      ),
      { seed: 20_250_602, numRuns: 300 },
    );
  });
});
