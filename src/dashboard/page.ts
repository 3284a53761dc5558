/**
 * The dashboard's one HTML page. Live: the bundle comes from the server that serves the page, and
 * the API answers. Static (`dqstream report --html`): the bundle, its styles and every API answer
 * the views need are inside the file, and a Content-Security-Policy forbids any request at all, so
 * the file shows the same views anywhere, offline.
 */
export type PageKind =
  | { readonly kind: "live" }
  | { readonly kind: "static"; readonly js: string; readonly css: string; readonly title: string; readonly answers: Readonly<Record<string, unknown>> };

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** JSON inside a <script> element: "<" escaped, so no "</script>" or "<!--" can end it early. */
const scriptJson = (value: unknown): string =>
  JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");

export function pageHtml(page: PageKind): string {
  const head =
    page.kind === "live"
      ? `<meta http-equiv="Content-Security-Policy" content="default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'">
<title>dqstream dashboard</title>
<link rel="stylesheet" href="/dashboard/app.css">`
      : `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(page.title)}</title>
<style>${page.css.replace(/<\/style/gi, "<\\/style")}</style>`;
  const body =
    page.kind === "live"
      ? `<script src="/dashboard/app.js"></script>`
      : `<script type="application/json" id="dq-answers">${scriptJson(page.answers)}</script>
<script>${page.js.replace(/<\/script/gi, "<\\/script")}</script>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
${head}
</head>
<body>
<div id="app" data-mode="${page.kind}"><p class="loading">Loading…</p></div>
${body}
</body>
</html>
`;
}
