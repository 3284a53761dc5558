// An example record preprocessor for `dqstream replay` / `monitor` (config key `preprocessor`).
// preprocess(record, context) gets each captured record as read (SageMaker's capture JSON) and
// returns a flat feature object, an array of them, or null / [] to drop the record.
// context: { position, event_time, feature_names, default_rows } — default_rows are the rows
// dqstream would have read without a hook, so a hook can filter or amend them.
//
// This one drops load-test traffic (tagged through the CustomAttributes request header) and keeps
// one request in four, chosen from the eventId so the same records are kept on every replay.
export function preprocess(record, context) {
  const attributes = String(record.eventMetadata?.customAttributes ?? "");
  if (attributes.includes("loadtest")) return [];
  const id = record.eventMetadata?.eventId ?? context.position;
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (Math.imul(h, 31) + id.charCodeAt(i)) | 0;
  if ((h >>> 0) % 4 !== 0) return [];
  return context.default_rows;
}
