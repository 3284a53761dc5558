/**
 * Config keys renamed between releases: a config still using the old name fails with a message
 * naming the new one (validateConfig), not the strict objects' generic "unknown key". Paths as
 * the loader writes them (section.key). docs/deployment.md, "Upgrading from …", lists each rename.
 */
export const RENAMED_KEYS: ReadonlyMap<string, { readonly to: string; readonly since: string }> = new Map([
  // one delivery vocabulary (src/delivery/schema.ts): CloudWatch took the alert channels' spelling
  ["cloudwatch.retry_base_delay_ms", { to: "cloudwatch.backoff_initial_ms", since: "0.3" }],
  ["cloudwatch.retry_max_delay_ms", { to: "cloudwatch.backoff_max_ms", since: "0.3" }],
]);

/** Config keys removed between releases, with what replaced them. */
export const REMOVED_KEYS: ReadonlyMap<string, { readonly why: string; readonly since: string }> = new Map([
  // the shared-folder window parts gave way to the parts topic (docs/design-monitor.md)
  ["partials_retention_seconds", { why: "window parts go through the parts topic now (kafka.parts_retention_ms)", since: "0.4" }],
]);

/** The error text for an unknown key that is a renamed or removed one, or undefined. */
export function renamedKeyMessage(key: string): string | undefined {
  const r = RENAMED_KEYS.get(key);
  if (r !== undefined) return `${key} was renamed to ${r.to} in ${r.since} (docs/deployment.md, "Upgrading")`;
  const d = REMOVED_KEYS.get(key);
  return d === undefined ? undefined : `${key} was removed in ${d.since}: ${d.why} (docs/deployment.md, "Upgrading")`;
}
