import type { Datum } from "./datums.js";

/**
 * CloudWatch Embedded Metric Format (Amazon CloudWatch User Guide, "Specification: Embedded metric
 * format"): one JSON object per log event,
 *   {"_aws": {"Timestamp": <ms>, "CloudWatchMetrics": [{"Namespace": …, "Dimensions": [[…]],
 *    "Metrics": [{"Name": …, "Unit": …}]}]}, "<dimension>": "<value>", "<metric>": <number>, …}
 * Limits kept: at most 100 metrics per directive, and each event under 256 KB (the spec's limit
 * for CloudWatch Logs events before 2025; newer accounts take 1 MB, older agents and Fluent Bit
 * set-ups may not).
 *
 * EMF values are numbers or arrays of samples: it has no statistic sets. feature_data_<f> (a
 * StatisticValues set) is therefore written as a plain member `{"SampleCount", "Sum", "Minimum",
 * "Maximum"}` that Logs Insights can query but that is not extracted as a metric.
 */
export const EMF_LIMITS = Object.freeze({ maxMetricsPerDirective: 100, maxEventBytes: 256 * 1024 });

/** Members the root node holds besides metrics and dimensions; metric names must not clash with them. */
const RESERVED = new Set(["_aws"]);

/**
 * The EMF events for `datums`, one JSON text each (no newline). Datums are grouped by namespace,
 * timestamp and dimensions (name and value), groups and metrics in their first-seen order; a group
 * splits into several events to respect the limits. A metric name seen twice in a group (should
 * not happen: windowDatums makes them unique) goes to a later event rather than overwrite.
 */
export function emfEvents(datums: readonly Datum[], limits = EMF_LIMITS): string[] {
  const groups = new Map<string, Datum[]>();
  for (const d of datums) {
    const key = JSON.stringify([d.namespace, d.timestampMs, d.dimensions.map((x) => [x.name, x.value])]);
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = []));
    g.push(d);
  }
  const out: string[] = [];
  for (const group of groups.values()) out.push(...groupEvents(group, limits));
  return out;
}

function groupEvents(group: readonly Datum[], limits: typeof EMF_LIMITS): string[] {
  const first = group[0] as Datum;
  const dimensionNames = first.dimensions.map((d) => d.name);
  const dimensionNameSet = new Set(dimensionNames);
  const out: string[] = [];
  // Each datum costs its member, its directive entry (metrics only) and the commas; computed once.
  let pending = group
    .filter((d) => !RESERVED.has(d.name) && !dimensionNameSet.has(d.name))
    .map((d) => {
      const member = d.value !== undefined ? d.value : { SampleCount: d.stats?.sampleCount, Sum: d.stats?.sum, Minimum: d.stats?.min, Maximum: d.stats?.max };
      const isMetric = d.value !== undefined;
      const cost =
        Buffer.byteLength(JSON.stringify(d.name), "utf8") +
        1 +
        Buffer.byteLength(JSON.stringify(member), "utf8") +
        1 +
        (isMetric ? Buffer.byteLength(JSON.stringify({ Name: d.name, Unit: d.unit }), "utf8") + 1 : 0);
      return { d, member, isMetric, cost };
    });
  while (pending.length > 0) {
    const event = newEvent(first, dimensionNames);
    const metrics = (event._aws.CloudWatchMetrics[0] as { Metrics: Array<{ Name: string; Unit: string }> }).Metrics;
    let bytes = Buffer.byteLength(JSON.stringify(event), "utf8");
    let members = 0;
    const later: typeof pending = [];
    for (const p of pending) {
      // an event always takes its first datum, so every pass makes progress
      const full = members > 0 && ((p.isMetric && metrics.length >= limits.maxMetricsPerDirective) || bytes + p.cost >= limits.maxEventBytes);
      if (full || p.d.name in event) {
        later.push(p);
        continue;
      }
      (event as Record<string, unknown>)[p.d.name] = p.member;
      if (p.isMetric) metrics.push({ Name: p.d.name, Unit: p.d.unit });
      bytes += p.cost;
      members++;
    }
    out.push(JSON.stringify(event));
    pending = later;
  }
  return out;
}

interface EmfEvent {
  _aws: { Timestamp: number; CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> };
  [member: string]: unknown;
}

function newEvent(d: Datum, dimensionNames: string[]): EmfEvent {
  const event: EmfEvent = {
    _aws: { Timestamp: d.timestampMs, CloudWatchMetrics: [{ Namespace: d.namespace, Dimensions: [dimensionNames], Metrics: [] }] },
  };
  for (const x of d.dimensions) event[x.name] = x.value;
  return event;
}
