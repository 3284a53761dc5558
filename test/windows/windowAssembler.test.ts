// Stage 2 (src/windows/windowAssembler.ts): parts and progress of every input partition in, in any
// interleaving, each window out once, in order, with the bytes one instance owning every partition
// closes; incomplete after max_window_wait, then corrected; and the same after a restart from its
// checkpoint. With the parts-topic messages (chunked) and the checkpoint's metadata codec.
import { describe, expect, it } from "vitest";
import { MonitorEngine } from "../../src/engine/MonitorEngine.js";
import { toStatistics } from "../../src/profiles/toStatistics.js";
import type { FeatureLayout } from "../../src/records/featureRow.js";
import { sagemakerCaptureDecoder } from "../../src/records/decoders/sagemakerCapture/index.js";
import type { PartitionKey, SourceRecord } from "../../src/records/SourceRecord.js";
import { decodeAssemblerState, encodeAssemblerState } from "../../src/sources/kafka/assemblerCheckpoint.js";
import { encodePart, encodeProgress, PartMessageError, PartsDecoder, type OutgoingPartsMessage } from "../../src/windows/partMessages.js";
import { WindowAssembler, type AssembledWindow } from "../../src/windows/windowAssembler.js";
import { WindowManager, type ClosedWindow } from "../../src/windows/WindowManager.js";
import { LocalParts } from "../../src/windows/localParts.js";
import { mulberry32 } from "../support/random.js";

const T0 = Date.UTC(2026, 10, 1);
const W = 60_000;
const LAYOUT: FeatureLayout = { featureNames: ["label", "x", "c"], outputColumnsPosition: "START" };
const KEYS: PartitionKey[] = [0, 1, 2].map((partition) => ({ topic: "captures", partition }));

function recordsOf(key: PartitionKey, seed: number): SourceRecord[] {
  const rand = mulberry32(seed);
  return Array.from({ length: 300 }, (_, i) => {
    const t = T0 + i * 700 + Math.floor(rand() * 500);
    const value =
      rand() < 0.03
        ? "{broken"
        : JSON.stringify({
            captureData: {
              endpointInput: {
                observedContentType: "text/csv",
                mode: "INPUT",
                data: `${(rand() * 100).toFixed(3)},${rand() < 0.3 ? "a" : "b"}`,
                encoding: "CSV",
              },
              endpointOutput: { observedContentType: "text/csv", mode: "OUTPUT", data: "1", encoding: "CSV" },
            },
            eventMetadata: { eventId: String(i), inferenceTime: new Date(t).toISOString() },
            eventVersion: "0",
          });
    return { partition: key, position: { topic: key.topic, partition: key.partition, offset: String(i) }, value };
  });
}

/** Every window of the partitions' records, closed by one engine owning them all. */
async function closeAllOf(keys: readonly PartitionKey[]): Promise<ClosedWindow[]> {
  const e = new MonitorEngine({
    decoder: sagemakerCaptureDecoder,
    windows: new WindowManager({ windowMs: W, allowedLatenessMs: 0 }),
    layout: LAYOUT,
    fallbackToSourceTimestamp: false,
  });
  const closed: ClosedWindow[] = [];
  for (const key of keys) closed.push(...(await e.process(recordsOf(key, key.partition + 1), keys)).closed);
  closed.push(...e.closeAll());
  return closed.sort((a, b) => a.startMs - b.startMs);
}

const bytes = (w: ClosedWindow): string => JSON.stringify({ s: w.startMs, stats: toStatistics(w.profile), counts: w.counts, inputs: w.inputs });

/** The parts topic as one instance per partition would write it: each partition's parts and progress, partitions interleaved at random. */
async function partsLog(
  seed: number,
  maxMessageBytes = 1 << 20,
  local?: { parts: LocalParts; keys: readonly PartitionKey[] },
): Promise<OutgoingPartsMessage[]> {
  const perPartition: OutgoingPartsMessage[][] = [];
  for (const key of KEYS) {
    const msgs: OutgoingPartsMessage[] = [];
    const mine = local?.keys.some((k) => k.partition === key.partition) === true ? local.parts : undefined;
    for (const w of await closeAllOf([key])) {
      for (const p of w.parts) msgs.push(...encodePart(w.startMs, p, maxMessageBytes, mine));
      msgs.push(encodeProgress(key, w.endMs));
    }
    perPartition.push(msgs);
  }
  const rand = mulberry32(seed);
  const out: OutgoingPartsMessage[] = [];
  // a part's chunks stay together (one transaction); the partitions' transactions interleave
  const units = perPartition.map((msgs) => {
    const groups: OutgoingPartsMessage[][] = [];
    for (const m of msgs) {
      const chunk = m.headers["dqstream-chunk"];
      if (chunk !== undefined && !chunk.startsWith("0/")) (groups[groups.length - 1] as OutgoingPartsMessage[]).push(m);
      else groups.push([m]);
    }
    return groups;
  });
  while (units.some((u) => u.length > 0)) {
    const live = units.filter((u) => u.length > 0);
    out.push(...((live[Math.floor(rand() * live.length)] as OutgoingPartsMessage[][]).shift() as OutgoingPartsMessage[]));
  }
  return out;
}

/** Feeds messages `from`…`to` of the log through the decoder into the assembler; `counts` tallies the parts taken back and decoded. */
function feed(
  a: WindowAssembler,
  d: PartsDecoder,
  log: readonly OutgoingPartsMessage[],
  from: number,
  to: number,
  nowMs: number,
  counts = { taken: 0, decoded: 0 },
): AssembledWindow[] {
  const out: AssembledWindow[] = [];
  for (let i = from; i < to; i++) {
    const m = d.push(log[i] as OutgoingPartsMessage);
    if (m?.kind === "part") {
      counts[m.taken ? "taken" : "decoded"]++;
      a.part(m.startMs, m.part, BigInt(i), nowMs);
    } else if (m?.kind === "progress") a.progress(m.partition, m.closedUpToMs, BigInt(i));
    else a.read(BigInt(i));
    out.push(...a.ready(nowMs));
  }
  return out;
}

const options = { windowMs: W, maxWaitMs: 30_000, maxCorrectable: 8 };

describe("WindowAssembler (stage 2)", () => {
  it("puts out every window once, in order, complete, with the bytes of one engine owning every partition", async () => {
    const expected = (await closeAllOf(KEYS)).map(bytes);
    for (const seed of [1, 2, 3, 4, 5]) {
      const log = await partsLog(seed, seed === 5 ? 4096 : 1 << 20); // seed 5: parts in many chunks
      const a = new WindowAssembler(options);
      a.expect(KEYS);
      const out = feed(a, new PartsDecoder(), log, 0, log.length, 0);
      expect(out.every((o) => o.complete && !o.correction)).toBe(true);
      expect(out.map((o) => bytes(o.window))).toEqual(expected);
      expect(a.pendingCount).toBe(0);
    }
  });

  it("takes back the parts this process published instead of decoding them, only when the bytes read are theirs; same windows", async () => {
    const expected = (await closeAllOf(KEYS)).map(bytes);
    for (const maxBytes of [1 << 20, 4096]) {
      const local = new LocalParts();
      // partitions 0 and 1 are this process's stage 1; partition 2's parts come from another instance
      const log = await partsLog(11, maxBytes, { parts: local, keys: KEYS.slice(0, 2) });
      const ownParts = local.size;
      expect(ownParts).toBeGreaterThan(0);
      // one of this process's parts was rewritten in the topic (by anything): its bytes decide, it is decoded
      const tampered = log.findIndex((m) => m.headers["dqstream-part"]?.endsWith("@0") === true && m.headers["dqstream-chunk"] === "0/1");
      if (maxBytes === 1 << 20) {
        const m = log[tampered] as OutgoingPartsMessage;
        log[tampered] = { ...m, value: Buffer.from(m.value.toString("utf8").replace(/}$/, " }")) };
      }
      const a = new WindowAssembler(options);
      a.expect(KEYS);
      const counts = { taken: 0, decoded: 0 };
      const out = feed(a, new PartsDecoder(local), log, 0, log.length, 0, counts);
      expect(out.map((o) => bytes(o.window))).toEqual(expected);
      const rewritten = maxBytes === 1 << 20 ? 1 : 0;
      expect(counts.taken).toBe(ownParts - rewritten);
      const allParts = log.filter((m) => m.headers["dqstream-kind"] === "part" && m.headers["dqstream-chunk"]?.startsWith("0/") === true).length;
      expect(counts.decoded).toBe(allParts - ownParts + rewritten);
      expect(local.size).toBe(rewritten);
    }
  });

  it("remembers at most its byte budget of parts, the oldest forgotten first", async () => {
    const [w1, w2] = await closeAllOf([KEYS[0] as PartitionKey]);
    const size = (w: ClosedWindow): number => encodePart(w.startMs, w.parts[0] as never, 1 << 20).reduce((n, m) => n + m.value.length, 0);
    // room for either part, not both
    const local = new LocalParts(Math.max(size(w1 as ClosedWindow), size(w2 as ClosedWindow)));
    const m1 = encodePart((w1 as ClosedWindow).startMs, (w1 as ClosedWindow).parts[0] as never, 1 << 20, local);
    const m2 = encodePart((w2 as ClosedWindow).startMs, (w2 as ClosedWindow).parts[0] as never, 1 << 20, local);
    expect(local.size).toBe(1);
    const d = new PartsDecoder(local);
    // the first part was forgotten: decoded; the second taken back, the very object published
    expect(d.push(m1[0] as OutgoingPartsMessage)).toMatchObject({ kind: "part", taken: false });
    const second = d.push(m2[0] as OutgoingPartsMessage) as { part: unknown; taken: boolean };
    expect(second.taken).toBe(true);
    expect(second.part).toBe((w2 as ClosedWindow).parts[0]);
  });

  it("waits for every expected partition, even one that sent nothing yet", async () => {
    const log = await partsLog(7);
    const a = new WindowAssembler(options);
    a.expect([...KEYS, { topic: "captures", partition: 3 }]);
    expect(feed(a, new PartsDecoder(), log, 0, log.length, 0)).toEqual([]);
    a.progress({ topic: "captures", partition: 3 }, T0 + 10 * W, BigInt(log.length));
    expect(a.ready(0).map((o) => o.window.startMs)).toEqual((await closeAllOf(KEYS)).map((w) => w.startMs));
  });

  it("after max_window_wait a window goes out incomplete, naming who is missing; when they catch up it goes out again, complete", async () => {
    const all = await closeAllOf(KEYS);
    const log = (await partsLog(11)).filter((m) => !m.key.endsWith("@2") && !(m.headers["dqstream-part"] ?? "").endsWith("@2"));
    const a = new WindowAssembler(options);
    a.expect(KEYS);
    expect(feed(a, new PartsDecoder(), log, 0, log.length, 1_000)).toEqual([]);
    const late = a.ready(1_000 + 30_000);
    expect(late.map((o) => [o.window.startMs, o.complete, o.missing])).toEqual(all.map((w) => [w.startMs, false, [KEYS[2]]]));
    expect(late.map((o) => o.window.inputs.map((i) => i.partition.partition))).toEqual(all.map(() => [0, 1]));
    expect(a.ready(1_000_000)).toEqual([]); // out once
    // partition 2 catches up: its parts, then its progress
    const rest = (await partsLog(11)).filter((m) => m.key.endsWith("@2") || (m.headers["dqstream-part"] ?? "").endsWith("@2"));
    const corrected = feed(a, new PartsDecoder(), rest, 0, rest.length, 2_000_000);
    expect(corrected.map((o) => [o.window.startMs, o.complete, o.correction])).toEqual(all.map((w) => [w.startMs, true, true]));
    expect(corrected.map((o) => bytes(o.window))).toEqual(all.map(bytes));
  });

  it("restarted from its checkpoint at any message, puts out the windows not yet out, once, with the same bytes", async () => {
    const all = (await closeAllOf(KEYS)).map(bytes);
    const log = await partsLog(21, 8192);
    for (let crashAt = 1; crashAt < log.length; crashAt += 7) {
      const a = new WindowAssembler(options);
      a.expect(KEYS);
      const first = feed(a, new PartsDecoder(), log, 0, crashAt, 0);
      const c = a.checkpoint();
      if (c === undefined) throw new Error("no checkpoint");
      const state = decodeAssemblerState(encodeAssemblerState(c.state));
      if (state === undefined) throw new Error("checkpoint unreadable");
      const b = new WindowAssembler(options, state);
      b.expect(KEYS);
      const second = feed(b, new PartsDecoder(), log, Number(c.offset), log.length, 0);
      expect(
        [...first, ...second].map((o) => bytes(o.window)),
        `crash after message ${crashAt}`,
      ).toEqual(all);
    }
  });

  it("handing out one window at a time, a crash between a window's report and its commit reports that window again and no other", async () => {
    const all = (await closeAllOf(KEYS)).map(bytes);
    const log = await partsLog(41);
    const toState = (c: ReturnType<WindowAssembler["checkpoint"]>) => {
      const state = c === undefined ? undefined : decodeAssemblerState(encodeAssemblerState(c.state));
      if (c === undefined || state === undefined) throw new Error("no checkpoint");
      return { offset: Number(c.offset), state };
    };
    // the whole log read in one batch: every window is ready at once
    for (let crashAfter = 0; crashAfter < all.length; crashAfter++) {
      const d = new PartsDecoder();
      const b0 = new WindowAssembler(options);
      b0.expect(KEYS);
      const delivered: string[] = [];
      let committed = toState(
        (() => {
          for (let i = 0; i < log.length; i++) {
            const m = d.push(log[i] as OutgoingPartsMessage);
            if (m?.kind === "part") b0.part(m.startMs, m.part, BigInt(i), 0);
            else if (m?.kind === "progress") b0.progress(m.partition, m.closedUpToMs, BigInt(i));
            else b0.read(BigInt(i));
          }
          return b0.checkpoint();
        })(),
      );
      // window by window: report, then commit; the crash comes after report number crashAfter, before its commit
      for (let k = 0; ; k++) {
        const [w] = b0.ready(0, 1);
        if (w === undefined) break;
        delivered.push(bytes(w.window));
        if (k === crashAfter) break;
        committed = toState(b0.checkpoint());
      }
      const b1 = new WindowAssembler(options, committed.state);
      b1.expect(KEYS);
      delivered.push(...feed(b1, new PartsDecoder(), log, committed.offset, log.length, 0).map((o) => bytes(o.window)));
      const again = delivered.filter((x, i) => delivered.indexOf(x) !== i);
      expect(again, `crash after report ${crashAfter}`).toEqual([all[crashAfter]]);
      expect([...new Set(delivered)]).toEqual(all);
    }
  });

  it("a restart keeps an incomplete window correctable", async () => {
    const all = await closeAllOf(KEYS);
    const full = await partsLog(31);
    const isTwo = (m: OutgoingPartsMessage): boolean => m.key.endsWith("@2") || (m.headers["dqstream-part"] ?? "").endsWith("@2");
    const log = [...full.filter((m) => !isTwo(m)), ...full.filter(isTwo)];
    const firstOfTwo = log.findIndex(isTwo);
    const a = new WindowAssembler(options);
    a.expect(KEYS);
    feed(a, new PartsDecoder(), log, 0, firstOfTwo, 0);
    expect(a.ready(60_000).every((o) => !o.complete)).toBe(true);
    const c = a.checkpoint();
    if (c === undefined) throw new Error("no checkpoint");
    expect(c.offset).toBe(0n); // held at the first part of the oldest correctable window
    const b = new WindowAssembler(options, decodeAssemblerState(encodeAssemblerState(c.state)));
    b.expect(KEYS);
    const again = feed(b, new PartsDecoder(), log, 0, log.length, 70_000);
    expect(again.map((o) => [o.window.startMs, o.complete, o.correction])).toEqual(all.map((w) => [w.startMs, true, true]));
  });

  it("gives up the oldest incomplete windows past max_correctable", async () => {
    const log = (await partsLog(41)).filter((m) => !m.key.endsWith("@2") && !(m.headers["dqstream-part"] ?? "").endsWith("@2"));
    const a = new WindowAssembler({ ...options, maxCorrectable: 2 });
    a.expect(KEYS);
    feed(a, new PartsDecoder(), log, 0, log.length, 0);
    expect(a.ready(30_000).length).toBeGreaterThan(2);
    expect(a.pendingCount).toBe(2);
    expect(a.checkpoint()?.state.incomplete.length).toBe(2);
  });
});

describe("parts-topic messages", () => {
  it("a part cut into chunks reads back whole; a chunk out of place drops its part with an error", async () => {
    const [w] = await closeAllOf([KEYS[0] as PartitionKey]);
    if (w === undefined) throw new Error("no window");
    const msgs = encodePart(w.startMs, w.parts[0] as never, 2048);
    expect(msgs.length).toBeGreaterThan(3);
    for (const m of msgs) expect(m.value.length + 1024).toBeLessThanOrEqual(2048);
    const d = new PartsDecoder();
    const got = msgs.map((m) => d.push(m));
    expect(got.slice(0, -1).every((x) => x === undefined)).toBe(true);
    const last = got[got.length - 1];
    expect(last?.kind === "part" && JSON.stringify(last.part.counts)).toBe(JSON.stringify(w.parts[0]?.counts));
    const skip = new PartsDecoder();
    skip.push(msgs[0] as OutgoingPartsMessage);
    expect(() => skip.push(msgs[2] as OutgoingPartsMessage)).toThrow(PartMessageError);
  });

  it("holds a bounded number and size of unfinished parts (a writer that only ever starts parts), the oldest dropped first, naming it", () => {
    const dropped: string[] = [];
    const d = new PartsDecoder(undefined, { maxPendingParts: 3, maxPendingBytes: 10_000, onDropped: (why) => dropped.push(why) });
    const first = (id: string, bytes: number) => ({
      key: "k",
      value: Buffer.alloc(bytes, 0x20),
      headers: { "dqstream-kind": "part", "dqstream-part": id, "dqstream-chunk": "0/2" },
    });
    for (let i = 0; i < 5; i++) expect(d.push(first(`${i}/t@${i}`, 100))).toBeUndefined();
    expect(d.pendingCount).toBe(3);
    expect(dropped).toEqual([expect.stringMatching(/part 0\/t@0 .*unfinished/), expect.stringMatching(/part 1\/t@1 .*unfinished/)]);
    // by size: a first chunk of 9,950 bytes leaves room for no other of 100
    d.push(first("big/t@9", 9_950));
    expect(d.pendingCount).toBe(1);
    expect(dropped.length).toBe(5);
    // the part still held reads back whole when its last chunk comes
    expect(() =>
      d.push({ key: "k", value: Buffer.from("x"), headers: { "dqstream-kind": "part", "dqstream-part": "big/t@9", "dqstream-chunk": "1/2" } }),
    ).toThrow(/not JSON/);
    expect(d.pendingCount).toBe(0);
  });

  it("refuses what it cannot read, saying what", () => {
    const d = new PartsDecoder();
    const m = (value: string | null, headers: Record<string, string>) => ({ key: "k", value: value === null ? null : Buffer.from(value), headers });
    expect(() => d.push(m(null, { "dqstream-kind": "part" }))).toThrow(/without a value/);
    expect(() => d.push(m("{}", { "dqstream-kind": "other" }))).toThrow(/unknown dqstream-kind/);
    expect(() => d.push(m("{}", { "dqstream-kind": "part" }))).toThrow(/headers/);
    expect(() => d.push(m("{", { "dqstream-kind": "part", "dqstream-part": "0/t@0", "dqstream-chunk": "0/1" }))).toThrow(/not JSON/);
    expect(() => d.push(m('{"v":1}', { "dqstream-kind": "part", "dqstream-part": "0/t@0", "dqstream-chunk": "0/1" }))).toThrow(/window_start_ms/);
    expect(() => d.push(m('{"v":1,"topic":"t"}', { "dqstream-kind": "progress" }))).toThrow(/progress message/);
    expect(() => d.push(m("x", { "dqstream-kind": "part", "dqstream-part": "0/t@0", "dqstream-chunk": "3/2" }))).toThrow(/out of range/);
    // -∞ (nothing closed yet) travels as null
    expect(d.push(encodeProgress({ topic: "t", partition: 4 }, Number.NEGATIVE_INFINITY))).toEqual({
      kind: "progress",
      partition: { topic: "t", partition: 4 },
      closedUpToMs: Number.NEGATIVE_INFINITY,
    });
  });
});

describe("stage 2's commit metadata", () => {
  const state = {
    emittedUpToMs: T0 + 5 * W,
    progress: [
      [{ topic: "a", partition: 0 }, T0 + 6 * W],
      [{ topic: "a", partition: 1 }, T0 + 6 * W],
      [{ topic: "b.x", partition: 10 }, Number.NEGATIVE_INFINITY],
    ] as const,
    incomplete: [[T0 + 4 * W, [{ topic: "b.x", partition: 10 }]]] as const,
    readTo: 1234n,
  };

  it("round-trips, progress grouped by time", () => {
    const text = encodeAssemblerState(state);
    expect(JSON.parse(text)).toEqual({
      v: 1,
      emitted_up_to_ms: T0 + 5 * W,
      read_to: "1234",
      progress: [
        [T0 + 6 * W, ["a@0", "a@1"]],
        [null, ["b.x@10"]],
      ],
      incomplete: [[T0 + 4 * W, ["b.x@10"]]],
    });
    expect(decodeAssemblerState(text)).toEqual(state);
  });

  it("leaves progress out rather than pass the metadata limit", () => {
    const many = { ...state, progress: Array.from({ length: 500 }, (_, i) => [{ topic: "t", partition: i }, T0 + i] as const) };
    const text = encodeAssemblerState(many);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(4096);
    expect(decodeAssemblerState(text)?.progress).toEqual([]);
  });

  it.each([
    '{"v":2}',
    "[]",
    "{",
    '{"v":1,"emitted_up_to_ms":"x","progress":[],"incomplete":[]}',
    '{"v":1,"emitted_up_to_ms":1,"read_to":-1,"progress":[],"incomplete":[]}',
    '{"v":1,"emitted_up_to_ms":1,"read_to":"1e3","progress":[],"incomplete":[]}',
    '{"v":1,"emitted_up_to_ms":1,"progress":[[1,["nope"]]],"incomplete":[]}',
    '{"v":1,"emitted_up_to_ms":1,"progress":[],"incomplete":[[null,[]]]}',
  ])("reads %s as nothing", (text) => expect(decodeAssemblerState(text)).toBeUndefined());
});
