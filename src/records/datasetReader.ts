import { StringDecoder } from "node:string_decoder";
import { CsvParser } from "./csvParser.js";
import { flattenObject } from "./flatten.js";
import { InputError, type InputBytes } from "./inputBytes.js";
import { parseJsonBounded } from "./jsonLimits.js";
import { DEFAULT_MAX_RECORD_BYTES, LineSplitter, recordText, type LineBytes } from "./lineSplitter.js";
import type { SkipLog } from "./skipLog.js";
import type { RawValue } from "./valueType.js";

export type DatasetFormat =
  | { readonly format: "csv"; readonly header: boolean; readonly delimiter?: string; readonly fieldStride?: number; readonly fieldOffset?: number }
  | { readonly format: "jsonl"; readonly maxRecordBytes?: number };

/**
 * What a dataset reader reports, row by row. CSV calls `columns` once (header names, or Spark's
 * `_c0`, `_c1`, … without a header) and then `textRow` with exactly that many fields; JSON Lines
 * calls `objectRow` with each line's flattened object.
 */
export interface RowVisitor {
  columns(names: string[]): void;
  textRow(fields: string[], line: number): void;
  objectRow(row: Record<string, RawValue>, line: number): void;
}

/**
 * Streams a dataset through a visitor. Malformed lines are recorded in `skips` with their line
 * number and never stop the read; I/O and decompression errors reject. `onChunk` is called after
 * each input chunk (progress reporting).
 */
export async function readDataset(input: InputBytes, format: DatasetFormat, visitor: RowVisitor, skips: SkipLog, onChunk?: () => void): Promise<void> {
  if (format.format === "jsonl") {
    const lines = new LineSplitter(
      format.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
      jsonLine(visitor, skips, format.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES),
    );
    for await (const chunk of input.chunks) {
      lines.push(chunk);
      onChunk?.();
    }
    lines.end();
    return;
  }
  const decoder = new StringDecoder("utf8");
  const sink = csvSink(format, visitor, skips, input.name ?? "dataset");
  for await (const chunk of input.chunks) {
    sink.push(decoder.write(chunk));
    onChunk?.();
  }
  sink.push(decoder.end());
  sink.end();
}

interface TextSink {
  push(text: string): void;
  end(): void;
}

/** Spark's names for the columns of a header-less CSV file. */
export function defaultColumnNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `_c${i}`);
}

/**
 * Header names made usable: an empty name becomes `_c<i>`; a repeated name gets its column index
 * appended (Spark's CSV reader does the same for duplicate headers). Names must end up distinct
 * (two columns feeding one feature would count it twice a row), so a name these rules produce
 * twice (`a,a,a1` gives `a1` twice) gets `_<i>` appended at its later columns until unique.
 */
export function headerNames(fields: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const f of fields) counts.set(f, (counts.get(f) ?? 0) + 1);
  const names = fields.map((f, i) => (f === "" ? `_c${i}` : (counts.get(f) as number) > 1 ? `${f}${i}` : f));
  const taken = new Set(names);
  if (taken.size === names.length) return names;
  const seen = new Set<string>();
  return names.map((n, i) => {
    let name = n;
    if (seen.has(name)) {
      while (taken.has(name)) name = `${name}_${i}`;
      taken.add(name);
    }
    seen.add(name);
    return name;
  });
}

function csvSink(
  format: { header: boolean; delimiter?: string; fieldStride?: number; fieldOffset?: number },
  visitor: RowVisitor,
  skips: SkipLog,
  name: string,
): TextSink {
  let width = -1;
  const parser = new CsvParser(
    {
      record(fields, line) {
        if (width === -1) {
          width = fields.length;
          if (format.header) {
            visitor.columns(headerNames(fields));
            return;
          }
          visitor.columns(defaultColumnNames(width));
        }
        if (fields.length !== width) {
          skips.add("wrong field count", `expected ${width} fields, found ${fields.length}`, line);
          return;
        }
        visitor.textRow(fields, line);
      },
      malformed(reason, detail, line) {
        // without its header the columns cannot be named: the input is unusable, not just a line
        if (format.header && width === -1) throw new InputError(name, `line ${line}: the header line is malformed (${reason}: ${detail})`);
        skips.add(reason, detail, line);
      },
    },
    {
      ...(format.delimiter === undefined ? {} : { delimiter: format.delimiter }),
      ...(format.fieldStride === undefined ? {} : { fieldStride: format.fieldStride, fieldOffset: format.fieldOffset ?? 0 }),
    },
  );
  return { push: (t) => parser.push(t), end: () => parser.end() };
}

/**
 * One JSON Lines row: skipped (counted with its line) when it is over the record limit, not UTF-8,
 * not JSON, nested deeper than MAX_JSON_DEPTH, or not an object.
 */
function jsonLine(visitor: RowVisitor, skips: SkipLog, maxBytes: number): (l: LineBytes) => void {
  return (l) => {
    const r = recordText(l.bytes, l.size, maxBytes);
    if (!r.ok) {
      skips.add(r.reason, r.detail, l.line);
      return;
    }
    if (r.text.trim().length === 0) return;
    const parsed = parseJsonBounded(r.text);
    if (!parsed.ok) {
      skips.add(parsed.nested ? "nesting too deep" : "invalid JSON", parsed.detail, l.line);
      return;
    }
    const value = parsed.value;
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      skips.add("not a JSON object", `expected an object, found ${value === null ? "null" : Array.isArray(value) ? "an array" : typeof value}`, l.line);
      return;
    }
    visitor.objectRow(flattenObject(value as Record<string, unknown>), l.line);
  };
}
