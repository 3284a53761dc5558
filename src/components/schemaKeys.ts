import type * as z from "zod";
import { configKeyMeta, type ConfigKeyMeta } from "./Component.js";

/**
 * Reading a zod 4 schema as a tree of configuration keys (`schema._zod.def`): which nodes check
 * the value at a key, what a key is marked as (ConfigKeyMeta), and every key path carrying a mark.
 * Everything that treats keys specially (DQSTREAM_… variables, path resolution, redaction, the
 * configuration reference) reads the schema through this module, so the schema stays the one place.
 */

/** The parts of a zod v4 schema's definition this module reads. */
export interface ZodDef {
  type: string;
  innerType?: ZodNode;
  in?: ZodNode;
  options?: ZodNode[];
  left?: ZodNode;
  right?: ZodNode;
  shape?: Record<string, ZodNode>;
  catchall?: ZodNode;
  element?: ZodNode;
  keyType?: ZodNode;
  valueType?: ZodNode;
  getter?: () => ZodNode;
  values?: unknown[];
  entries?: Record<string, unknown>;
  defaultValue?: unknown;
  checks?: Array<{ _zod: { def: object } }>;
}
export interface ZodNode {
  _zod: { def: ZodDef };
}

/** Wrappers whose input is their inner schema's. */
export const WRAPPERS: ReadonlySet<string> = new Set(["optional", "nullable", "default", "prefault", "nonoptional", "readonly", "catch", "success"]);

/** A lazy schema may refer to itself: a bounded unwrapping is enough for any real schema. */
const MAX_UNWRAP = 32;

/** The nodes a value at `node` passes through before its checking node: `node`, its wrappers' inner schemas, a pipe's input side. */
export function wrapperChain(node: ZodNode): ZodNode[] {
  const out: ZodNode[] = [node];
  for (let n = node, depth = 0; depth < MAX_UNWRAP; depth++) {
    const def = n._zod.def;
    const next = WRAPPERS.has(def.type) ? def.innerType : def.type === "pipe" ? def.in : def.type === "lazy" ? def.getter?.() : undefined;
    if (next === undefined) break;
    out.push(next);
    n = next;
  }
  return out;
}

/**
 * The schema nodes a value at `node` is checked by, wrappers removed and unions, intersections
 * and lazy schemas opened; a pipe (`.transform`, `z.preprocess`) is checked by its input side.
 */
export function alternatives(node: ZodNode, out: ZodNode[] = [], depth = 0): ZodNode[] {
  if (depth > MAX_UNWRAP) return out;
  const def = node._zod.def;
  if (WRAPPERS.has(def.type) && def.innerType !== undefined) return alternatives(def.innerType, out, depth + 1);
  if (def.type === "pipe" && def.in !== undefined) return alternatives(def.in, out, depth + 1);
  if (def.type === "lazy" && def.getter !== undefined) return alternatives(def.getter(), out, depth + 1);
  if (def.type === "union") {
    for (const o of def.options ?? []) alternatives(o, out, depth + 1);
    return out;
  }
  if (def.type === "intersection") {
    if (def.left !== undefined) alternatives(def.left, out, depth + 1);
    if (def.right !== undefined) alternatives(def.right, out, depth + 1);
    return out;
  }
  out.push(node);
  return out;
}

/** The field of an object node at `key`: its shape's, else its catchall's (none for a strict object). */
export function fieldOf(def: ZodDef, key: string): ZodNode | undefined {
  if (def.shape !== undefined && Object.hasOwn(def.shape, key)) return def.shape[key];
  return def.catchall?._zod.def.type === "never" ? undefined : def.catchall;
}

/** The schema nodes that check the value at `path` (object keys, record values); none for a path the schema lacks. */
export function nodesAt(schema: z.ZodType, path: readonly string[]): ZodNode[] {
  let nodes = alternatives(schema);
  for (const key of path) {
    const next: ZodNode[] = [];
    for (const n of nodes) {
      const def = n._zod.def;
      if (def.type === "object") {
        const field = fieldOf(def, key);
        if (field !== undefined) alternatives(field, next);
      } else if (def.type === "record" && def.valueType !== undefined) {
        alternatives(def.valueType, next);
      }
      // arrays: lists of objects come from files only (a variable cannot name an element)
    }
    nodes = next;
  }
  return nodes;
}

/** What a key is marked as: the marks of its node, of the wrappers around it and of what they wrap (`secret(x).optional()` is secret). */
export function keyMeta(node: ZodNode): ConfigKeyMeta {
  let meta: ConfigKeyMeta = {};
  for (const n of wrapperChain(node)) {
    const m = configKeyMeta.get(n as unknown as z.ZodType);
    if (m !== undefined) meta = { ...meta, ...Object.fromEntries(Object.entries(m).filter(([, v]) => v === true)) };
  }
  return meta;
}

/** In a key path, any element of a list or any key of a free-form map. */
export const ANY = "*";

/** A key path from the top of a config, ANY standing for list elements and free-form map keys. */
export type KeyPath = readonly string[];

/**
 * Every key path of `schema` whose key is marked `mark`, in the schema's key order. Below a
 * marked key nothing more is listed (all of it is covered). Unions contribute the keys of all their
 * alternatives, once each.
 */
export function markedPaths(schema: z.ZodType, mark: keyof ConfigKeyMeta): KeyPath[] {
  const out: KeyPath[] = [];
  const seen = new Set<string>();
  const visit = (node: ZodNode, path: string[]): void => {
    if (path.length > MAX_UNWRAP) return;
    if (keyMeta(node)[mark] === true) {
      const id = path.join("\0");
      if (!seen.has(id)) {
        seen.add(id);
        out.push(path);
      }
      return;
    }
    for (const n of alternatives(node)) {
      const def = n._zod.def;
      if (def.type === "object") for (const [k, field] of Object.entries(def.shape ?? {})) visit(field, [...path, k]);
      else if (def.type === "array" && def.element !== undefined) visit(def.element, [...path, ANY]);
      else if (def.type === "record" && def.valueType !== undefined) visit(def.valueType, [...path, ANY]);
    }
  };
  visit(schema, []);
  return out;
}

/** Where a key path meets a (raw, unvalidated) value: the container holding the key, the key, its value. */
export interface KeyAt {
  readonly container: Record<string, unknown> | unknown[];
  readonly key: string;
  readonly value: unknown;
}

/**
 * The places in `value` that `path` names (own keys only; ANY matches every list element and
 * every key). A value of the wrong shape on the way simply has none: the value is what a file,
 * flags or variables gave, not yet validated. Bounded by the path's length, whatever cycles
 * (YAML aliases) the value holds.
 */
export function keysAt(value: unknown, path: KeyPath): KeyAt[] {
  let containers: unknown[] = [value];
  const found: KeyAt[] = [];
  for (const [i, key] of path.entries()) {
    const last = i === path.length - 1;
    const next: unknown[] = [];
    for (const c of containers) {
      if (c === null || typeof c !== "object") continue;
      const entries: Array<[string, unknown]> = key === ANY ? Object.entries(c) : Object.hasOwn(c, key) ? [[key, (c as Record<string, unknown>)[key]]] : [];
      for (const [k, v] of entries) {
        if (last) found.push({ container: c as Record<string, unknown>, key: k, value: v });
        else next.push(v);
      }
    }
    containers = next;
  }
  return found;
}

/** The value at a dotted config key (`ComponentDefinition.configKey`) of a config; undefined when absent. */
export function sectionAt(config: unknown, configKey: string): unknown {
  let node = config;
  for (const key of configKey.split(".")) {
    if (node === null || typeof node !== "object" || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}
