/**
 * An API request as one string: the path, then the query parameters that are set, sorted by name.
 * The page fetches exactly this URL; `dqstream report --html` embeds each answer under it, so the
 * same page code reads either. Shared by the browser bundle and the server (no Node or DOM API).
 */
export function apiKey(path: string, params: Readonly<Record<string, string | undefined>> = {}): string {
  const q = new URLSearchParams();
  for (const k of Object.keys(params).sort()) {
    const v = params[k];
    if (v !== undefined) q.set(k, v);
  }
  const s = q.toString();
  return s === "" ? path : `${path}?${s}`;
}
