// Headless Chromium for the dashboard's browser tests: Debian's `chromium` (apt-get install -y
// chromium; .ci/run installs it) driven by playwright-core, with the flags that keep it from
// reaching the internet (../shared/reference/libraries.md). A page records its console errors,
// uncaught exceptions and every request, so tests can prove the page loads cleanly and nothing
// leaves the host.
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM = process.env["DQSTREAM_TEST_CHROMIUM"] ?? "/usr/bin/chromium";

export interface WatchedPage {
  readonly page: Page;
  /** console.error messages and uncaught exceptions, in order. */
  readonly errors: string[];
  /** Every URL the page requested. */
  readonly requests: string[];
  close(): Promise<void>;
}

export async function openPage(viewport = { width: 1280, height: 900 }): Promise<WatchedPage> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set DQSTREAM_TEST_CHROMIUM)`);
  const profile = await mkdtemp(join(tmpdir(), "dq-chromium-"));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  const requests: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`exception: ${e.message}`));
  page.on("request", (r) => requests.push(r.url()));
  return {
    page,
    errors,
    requests,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Non-blank pixels of a canvas: a chart that drew something has thousands. */
export async function inkedPixels(page: Page, selector: string): Promise<number> {
  return page.$eval(selector, (el) => {
    // typed here without the DOM library (the tests' tsconfig has none)
    const c = el as unknown as {
      width: number;
      height: number;
      getContext(kind: "2d"): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
    };
    const ctx = c.getContext("2d");
    if (ctx === null) return 0;
    const data = ctx.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if ((data[i] as number) > 0) n++;
    return n;
  });
}
