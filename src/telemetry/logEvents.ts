import type { Logger } from "./logger.js";

export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal";

export interface LogEventSpec {
  readonly level: LogLevel;
  /** The line's `msg`, byte-stable (tests and operators match it); for a `dynamic` event, the pattern its text follows. */
  readonly msg: string;
  /** When the line is written and the fields it carries beside `event`. */
  readonly when: string;
  /** The text is given at the call site (it quotes a value); the catalogue's `msg` only describes it. */
  readonly dynamic?: true;
}

/**
 * Every log line dqstream writes, by a stable identifier. Each line carries its identifier as the
 * field `event`, so operators filter on it rather than on the text; an identifier, once released,
 * is never reused for another meaning. test/telemetry/logEvents.test.ts fails on a log call in src/
 * that bypasses this catalogue, and on docs/monitoring.md ("Log events") differing from it.
 */
export const LOG_EVENTS = {
  // the monitor's life
  monitor_configuration: { level: "info", msg: "monitor configuration", when: "`dqstream monitor` starts; `config`: the configuration, secrets redacted" },
  monitor_started: { level: "info", msg: "monitor started", when: "the consumer has joined its group; `topics`, `group_id`" },
  monitor_start_failed: {
    level: "error",
    msg: "monitor could not start",
    when: "the monitor fails before consuming (lock, topics, brokers); `err`: the cause, `reason`: the error the command reports",
  },
  baseline_warning: {
    level: "warn",
    msg: "{file}: {warning}",
    when: "the baseline loader found something to say (features missing from one file, …); the text is the warning",
    dynamic: true,
  },
  dead_letter_topic_created: {
    level: "info",
    msg: "dead-letter topic created",
    when: "the dead-letter topic did not exist and was created; `topic`, `partitions`",
  },
  monitor_stopping: {
    level: "info",
    msg: "stopping: finishing the batch in hand and committing",
    when: "SIGTERM or SIGINT received; `signal`",
  },
  shutdown_timed_out: { level: "warn", msg: "shutdown timed out", when: "stopping took longer than shutdown_timeout_seconds; `shutdown_timeout_seconds`" },
  monitor_stop_timed_out: {
    level: "error",
    msg: "the monitor did not stop in time: exiting",
    when: "5 s after shutdown_timeout_seconds the process exits with status 1; `shutdown_timeout_seconds`",
  },
  monitor_stopped: { level: "info", msg: "monitor stopped", when: "the monitor has stopped; the run's summary (reports written, dead letters, …)" },

  // Kafka consumer and partitions
  partitions_assigned: { level: "info", msg: "partitions assigned", when: "the group gave this instance its partitions; `assigned`: `topic[partition]` each" },
  partition_revoked: { level: "info", msg: "partition revoked", when: "a partition moved to another instance; `topic`, `partition`" },
  partition_restored: {
    level: "info",
    msg: "partition restored from its commit",
    when: "an assigned partition's open windows were rebuilt from its commit metadata; `topic`, `partition`, `offset`, `checkpoint`",
  },
  commit_metadata_foreign: {
    level: "warn",
    msg: "commit metadata is not a dqstream checkpoint: the partition starts fresh from its committed offset",
    when: "an assigned partition's commit carries metadata dqstream did not write; `topic`, `partition`, `offset`",
  },
  checkpoint_repaired: {
    level: "warn",
    msg: "commit metadata holds implausible times: repaired, not trusted",
    when: "a checkpoint's times lie beyond the plausible ceiling; `topic`, `partition`, `offset`, `repaired`",
  },
  partitions_restore_failed: {
    level: "warn",
    msg: "restoring assigned partitions failed; retried on their first batch",
    when: "reading the commits of newly assigned partitions failed; `err`",
  },
  partition_leaders_unreadable: {
    level: "debug",
    msg: "reading partition leaders failed; fetches from any broker count for every partition meanwhile",
    when: "the topic metadata could not be read for the fetch-stall watch; `err`",
  },
  stale_batch_ignored: {
    level: "debug",
    msg: "batch of a partition no longer assigned: ignored",
    when: "kafkajs delivered a batch of a partition revoked meanwhile; `topic`, `partition`",
  },
  consumer_pause_failed: { level: "debug", msg: "pausing the consumer failed", when: "pausing fetches (back-pressure, stop) failed; `err`" },
  consumer_crashed: { level: "error", msg: "Kafka consumer crashed", when: "the kafkajs consumer crashed; `err`, `restarting`, `crashes`" },
  consumer_stop_failed: {
    level: "warn",
    msg: "Kafka consumer failed while stopping; not restarted",
    when: "the consumer crashed during shutdown; `err`",
  },
  source_stop_failed: { level: "warn", msg: "stopping the source failed", when: "disconnecting the input source at shutdown failed; `err`" },

  // batches and windows
  batch_done: {
    level: "debug",
    msg: "batch done",
    when: "a batch was profiled and its offsets are ready to commit; `topic`, `partition`, `records`, `next`, `open_windows`",
  },
  batch_failed: {
    level: "error",
    msg: "batch failed: state reset to the committed offsets",
    when: "processing a batch threw; the records are read again; `err`, `topic`, `partition`",
  },
  idle_close_all: {
    level: "info",
    msg: "no records: closing every open window",
    when: "no record arrived for idle_close_seconds; `idle_close_seconds`",
  },
  idle_windows_closed: {
    level: "info",
    msg: "windows closed by the watermark of the partitions still active",
    when: "idle partitions no longer hold windows back; `windows`: how many closed",
  },
  idle_close_interrupted: {
    level: "warn",
    msg: "idle close interrupted: the consumer must rejoin its group; state reset to the committed offsets",
    when: "a rebalance cut an idle close short; `err`",
  },
  seek_to_commit_failed: {
    level: "error",
    msg: "could not move the consumer back to the commits after a failed batch",
    when: "reading the committed offsets or seeking failed after a batch failed; `err` (no batch is read until a later try succeeds or the consumer rejoins its group)",
  },
  commit_not_yet_visible: {
    level: "warn",
    msg: "the last transactional commit is not visible yet: restoring from the one before",
    when: "a restore still read the commit before this instance's last one after 30 s; `partitions`",
  },
  reporting_taken_over: {
    level: "info",
    msg: "this instance reports the windows now",
    when: "stage 2's group gave this instance the parts topic's partition; `parts_topic`, `offset`, `emitted_up_to`",
  },
  reporting_handed_over: {
    level: "info",
    msg: "another instance reports the windows now",
    when: "stage 2's group moved the parts topic's partition away from this instance; `parts_topic`",
  },
  reporting_elsewhere: {
    level: "info",
    msg: "another instance reports the windows",
    when: "stage 2's group gave the parts topic's partition to another instance, and this one was not reporting; `parts_topic`",
  },
  window_incomplete: {
    level: "warn",
    msg: "window reported incomplete: input partitions did not pass its end within max_window_wait_seconds",
    when: "stage 2 gave up waiting; `window_start`, `missing_partitions`, `max_window_wait_seconds`",
  },
  window_corrected: {
    level: "info",
    msg: "window reported again, complete: the partitions it missed caught up",
    when: "an incomplete window's correction; `window_start`, `missing_partitions` (none)",
  },
  parts_message_unreadable: {
    level: "error",
    msg: "a parts-topic message is unreadable: skipped",
    when: "stage 2 could not read a message of the parts topic; `err`, `topic`, `offset`",
  },
  part_dropped_unfinished: {
    level: "error",
    msg: "an unfinished window part was dropped to keep stage 2's memory bounded",
    when: "more unfinished parts (or bytes of them) than stage 2 holds at once: the parts topic was written by something other than dqstream's stage 1; `reason`, `topic`",
  },
  parts_restore_failed: {
    level: "error",
    msg: "stage 2 could not restore its state from the parts topic's commit",
    when: "reading stage 2's committed position or the parts partition's offsets failed after an assignment; tried again on each tick and before each batch (refused meanwhile), and `dqstream_reporting` stays 0 until it succeeds; `err`",
  },
  parts_consumer_crashed: {
    level: "error",
    msg: "the parts consumer crashed",
    when: "stage 2's consumer failed; `err`, `restarting`",
  },
  parts_tick_failed: {
    level: "error",
    msg: "stage 2's timer failed",
    when: "reporting windows past max_window_wait_seconds failed (it is tried again at the next tick); `err`",
  },
  partitions_unreadable: {
    level: "warn",
    msg: "the input topics' partitions could not be read again",
    when: "refreshing the partitions stage 2 waits for failed (the last known are kept); `err`",
  },
  parts_topic_created: {
    level: "info",
    msg: "parts topic created",
    when: "the parts topic did not exist and was created; `topic`, `retention_ms`",
  },
  window_closed: {
    level: "info",
    msg: "window closed",
    when: "a window's report was written; `window_start`, `window_end`, `items`, `violations`, `folder`",
  },
  json_keys_matched_by_position: {
    level: "warn",
    msg: "JSON payload keys are baseline feature names but were matched by sorted position (json_column_matching: sorted_position, SageMaker's rule) to other features: the baseline's features are not sorted by name. Set json_column_matching: name, or build the baseline with its columns sorted (docs/formats.md)",
    when: "once per run, the first window where it happens; `window_start`, `moved`: how many keys, `example`: `{ key, matched_to }`",
  },
  preprocess_hook_failed: {
    level: "warn",
    msg: "preprocess hook failed",
    when: "the preprocess hook threw, timed out or returned something unusable for a record; `kind`, `detail`, `position`",
  },
  postprocess_hook_failed: {
    level: "warn",
    msg: "postprocess hook failed",
    when: "the postprocess hook threw or timed out for a window; `kind`, `detail`, `window_start`",
  },
  report_sink_failed: { level: "error", msg: "report sink failed", when: "a report sink (CloudWatch, alerts, …) threw on a window's report; `err`, `sink`" },
  report_sink_close_failed: { level: "warn", msg: "closing a report sink failed", when: "a report sink threw while closing; `err`, `sink`" },

  // deliveries the monitor blocks on (dead letters, reports)
  delivery_blocked: {
    level: "error",
    msg: "blocked: delivering failed; retrying with backoff, committing nothing meanwhile",
    when: "the first failure of a delivery that must not be skipped; `err`, `destination`, `target`: the topic or folder",
  },
  delivery_unblocked: {
    level: "info",
    msg: "unblocked: delivered",
    when: "a blocked delivery succeeded; `destination`, `target`, `attempts`, `blocked_seconds`",
  },
  delivery_given_up: {
    level: "warn",
    msg: "gave up delivering for now: nothing was committed, the records are read again",
    when: "a blocked delivery was abandoned (stopping, rebalance); `destination`, `target`, `attempts`, `reason`",
  },

  // HTTP server
  http_server_listening: { level: "info", msg: "monitor server listening", when: "the HTTP server (/metrics, /healthz, /readyz) is up; `url`" },
  http_server_closed: { level: "info", msg: "monitor server closed", when: "the HTTP server stopped; `url`" },
  http_server_error: { level: "error", msg: "monitor server error", when: "the HTTP server emitted an error; `err`" },
  http_request_failed: { level: "error", msg: "monitor server request failed", when: "answering a request threw; `err`, `url`" },
  http_client_error: { level: "debug", msg: "monitor server client error", when: "a client sent a malformed request or dropped the connection; `err`" },
  readiness_probe_failed: { level: "warn", msg: "readiness probe failed", when: "computing /readyz threw; `err`" },
  metrics_collection_failed: { level: "error", msg: "metrics collection failed", when: "rendering /metrics threw; `err`" },

  // dashboard
  dashboard_ready: {
    level: "info",
    msg: "dashboard ready",
    when: "the dashboard's first read of the reports store is done; `windows`, `reports`, `elapsed_ms`",
  },
  dashboard_refresh_failed: {
    level: "warn",
    msg: "dashboard refresh failed",
    when: "reading the reports store for new windows failed (tried again on the next refresh); `err`, `reports`",
  },
  dashboard_report_unreadable: {
    level: "warn",
    msg: "dashboard skipped an unreadable report",
    when: "a window's report could not be read; left out of the dashboard and tried again on the next refresh; `folder`, `err`",
  },

  // CloudWatch and EMF
  cloudwatch_datums_build_failed: {
    level: "error",
    msg: "building CloudWatch datums failed",
    when: "turning a window's report into datums threw; `err`, `sink`",
  },
  cloudwatch_put_failed: {
    level: "warn",
    msg: "CloudWatch PutMetricData failed: datums dropped",
    when: "a PutMetricData batch failed for good; `sink`, `namespace`, `datums`, `reason`, `error`, `status`, `attempts`",
  },
  cloudwatch_queue_full: {
    level: "warn",
    msg: "CloudWatch queue full: oldest datums dropped",
    when: "the queue exceeded queue_max_datums; `sink`, `datums`, `queue_max_datums`",
  },
  cloudwatch_dropped_at_shutdown: {
    level: "warn",
    msg: "CloudWatch datums not sent before shutdown were dropped",
    when: "datums still queued when the sink closed; `sink`, `datums`, `reason`",
  },
  cloudwatch_datums_invalid: {
    level: "warn",
    msg: "datums CloudWatch would refuse were dropped",
    when: "datums out of CloudWatch's limits (value, age) were dropped before sending; `sink`, `reason`, `datums`",
  },
  cloudwatch_sink_closed: {
    level: "info",
    msg: "CloudWatch sink closed",
    when: "the CloudWatch sink closed; `sink`, `datums_sent`, `datums_dropped`, `dropped_by_reason`",
  },
  emf_build_failed: { level: "error", msg: "building EMF events failed", when: "turning a window's report into EMF lines threw; `err`, `sink`" },
  emf_write_failed: {
    level: "error",
    msg: "EMF file write failed; no more EMF lines will be written",
    when: "writing the EMF file failed, once; `err`, `sink`, `path`",
  },

  // alerts
  alert_state_rebuilt: {
    level: "info",
    msg: "alerts: state rebuilt from the reports on disk",
    when: "at start, the alert state was read back from recent reports; `windows`, `last_window_start`, `open_alerts`",
  },
  alert_report_unreadable: {
    level: "warn",
    msg: "alerts: a report on disk cannot be read; its window is left out of the alert state",
    when: "rebuilding the alert state met a damaged report; `err`, `folder`",
  },
  alert_window_already_seen: {
    level: "debug",
    msg: "alerts: window already seen (re-reported), no alerts",
    when: "a window at or before the last one alerted on was reported again; `window_start`, `last_window_start`",
  },
  alert_channel_failed: { level: "error", msg: "alerts: channel failed", when: "an alert channel threw on send; `err`, `channel`" },
  alert_open: { level: "warn", msg: "alert open", when: "log channel: an alert opened; `alert`: the alert event" },
  alert_repeat: { level: "warn", msg: "alert repeat", when: "log channel: an open alert is repeated; `alert`: the alert event" },
  alert_resolved: { level: "info", msg: "alert resolved", when: "log channel: an alert resolved; `alert`: the alert event" },
  alert_delivered: {
    level: "debug",
    msg: "alert delivered",
    when: "a webhook accepted an alert; `channel`, `origin`, `fingerprint`, `type`, `attempts`",
  },
  alert_delivery_retry: {
    level: "debug",
    msg: "alert delivery failed, retrying",
    when: "a webhook attempt failed and is retried; `channel`, `origin`, `fingerprint`, `attempt`, `detail`, `delay_ms`",
  },
  alert_not_delivered: {
    level: "warn",
    msg: "alert not delivered",
    when: "a webhook alert was given up (rejected, attempts exhausted, queue full, shutdown); `channel`, `origin`, `fingerprint`, `type`, `reason`, `detail`",
  },
  alerts_produced: { level: "debug", msg: "alerts produced", when: "alert events were written to the Kafka topic; `channel`, `topic`, `events`, `attempts`" },
  alerts_produce_retry: {
    level: "debug",
    msg: "producing alerts failed, retrying",
    when: "producing to the alert topic failed and is retried; `channel`, `topic`, `attempt`, `detail`, `delay_ms`",
  },
  alerts_not_produced: {
    level: "warn",
    msg: "alerts not produced",
    when: "alert events for the Kafka topic were given up; `channel`, `topic`, `fingerprints`, `reason`, `detail`",
  },
} as const satisfies Record<string, LogEventSpec>;

export type LogEventId = keyof typeof LOG_EVENTS;
type Catalogue = typeof LOG_EVENTS;
/** Events whose text is the catalogue's `msg`. */
export type FixedLogEventId = { [K in LogEventId]: Catalogue[K] extends { dynamic: true } ? never : K }[LogEventId];
/** Events whose text is given at the call site. */
export type DynamicLogEventId = Exclude<LogEventId, FixedLogEventId>;

/**
 * Writes the catalogue's event `id` at its level: `fields` plus `event: id`, and its message (for a
 * dynamic event, `text`). Nothing is built when the level is disabled.
 */
export function logEvent(log: Logger, id: FixedLogEventId, fields?: object): void;
export function logEvent(log: Logger, id: DynamicLogEventId, fields: object, text: string): void;
export function logEvent(log: Logger, id: LogEventId, fields: object = {}, text?: string): void {
  const spec: LogEventSpec = LOG_EVENTS[id];
  if (!log.isLevelEnabled(spec.level)) return;
  log[spec.level]({ event: id, ...fields }, text ?? spec.msg);
}
