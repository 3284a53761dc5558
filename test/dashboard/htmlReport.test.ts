// `dqstream report --html`'s file (src/dashboard/htmlReport.ts, page.ts): every answer the views
// ask for is embedded under its request, nothing is fetched (CSP default-src 'none'), and text
// from reports cannot end the script element that holds it.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { apiKey } from "../../src/dashboard/apiKey.js";
import type { OverviewAnswer } from "../../src/dashboard/apiTypes.js";
import { buildHtmlReport } from "../../src/dashboard/htmlReport.js";
import { pageHtml } from "../../src/dashboard/page.js";
import { LocalReportStore } from "../../src/sinks/reportStore/localReportStore.js";
import { locationReader } from "../../src/storage/readLocation.js";
import { goldenCopy } from "../support/reportsFixture.js";

function embedded(html: string): Record<string, unknown> {
  const m = /<script type="application\/json" id="dq-answers">([\s\S]*?)<\/script>/.exec(html);
  if (m === null) throw new Error("no embedded answers");
  return JSON.parse(m[1] as string) as Record<string, unknown>;
}

describe("the HTML report", () => {
  it("embeds every view's answer: overview, timeline, each feature, and the latest windows in detail", async () => {
    const dir = await goldenCopy();
    const r = await buildHtmlReport({ store: new LocalReportStore(dir), read: locationReader(undefined), detailWindows: 3 });
    expect(r).toMatchObject({ schedules: 1, windows: 7, latest_has_violations: true });
    const answers = embedded(r.html);
    const sel = { endpoint: "churn", schedule: "ten-minutes" };
    const overview = answers[apiKey("/api/overview", sel)] as OverviewAnswer;
    expect(overview.features.length).toBeGreaterThan(10);
    expect(answers[apiKey("/api/timeline", sel)]).toBeDefined();
    const ids = ["00/50", "01/00", "01/10"].map((f) => `churn/ten-minutes/2026/11/01/${f}`);
    for (const f of overview.features) {
      expect(answers[apiKey("/api/feature", { ...sel, name: f.name })]).toBeDefined();
      for (const id of ids) expect(answers[apiKey("/api/feature", { ...sel, name: f.name, window: id })]).toBeDefined();
    }
    for (const id of ids) {
      expect(answers[apiKey("/api/window", { id })]).toBeDefined();
      expect((answers[apiKey("/api/overview", { ...sel, window: id })] as OverviewAnswer).window?.id).toBe(id);
    }
    // older windows are in the timeline, not in detail
    expect(answers[apiKey("/api/window", { id: "churn/ten-minutes/2026/11/01/00/10" })]).toBeUndefined();
    expect(r.html).toContain(`content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"`);
    expect(r.html).not.toMatch(/<(script|link|img)[^>]+(src|href)="(?!data:)/);
  });

  it("text from the reports cannot close the script element or inject markup", async () => {
    const dir = await goldenCopy();
    const file = join(dir, "churn/ten-minutes/2026/11/01/01/10/constraint_violations.json");
    const v = JSON.parse(await readFile(file, "utf8")) as { violations: Array<{ feature_name: string; description: string }> };
    const hostile = "</script><script>alert(1)</script><!--";
    (v.violations[0] as { description: string }).description = hostile;
    await writeFile(file, JSON.stringify(v));
    const r = await buildHtmlReport({ store: new LocalReportStore(dir), detailWindows: 1 });
    expect(r.html).not.toContain(hostile);
    expect(r.html.match(/<\/script>/g)).toHaveLength(2);
    const answers = embedded(r.html);
    expect(JSON.stringify(answers)).toContain(hostile);
  });

  it("the live page loads its bundle from the server, the static one carries it", () => {
    const live = pageHtml({ kind: "live" });
    expect(live).toContain(`<script src="/dashboard/app.js"></script>`);
    const s = pageHtml({ kind: "static", js: "var a='</script>';", css: "a{}", title: "t <b>", answers: {} });
    expect(s).toContain("<title>t &#60;b&#62;</title>");
    expect(s).toContain("var a='<\\/script>';");
  });
});
