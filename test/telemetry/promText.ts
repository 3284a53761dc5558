/**
 * A tiny parser of the Prometheus text exposition format (0.0.4), enough to read back what
 * prom-client writes: HELP/TYPE comments and `name{label="value",...} number` samples, with label
 * values unescaped (\\, \", \n).
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  samples: Sample[];
  types: Map<string, string>;
  help: Map<string, string>;
}

export function parseExposition(text: string): Exposition {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  const help = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    if (line.startsWith("#")) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (m) (m[1] === "TYPE" ? types : help).set(m[2]!, m[3]!);
      continue;
    }
    samples.push(parseSample(line));
  }
  return { samples, types, help };
}

function parseSample(line: string): Sample {
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (!nameMatch) throw new Error(`bad sample line: ${line}`);
  const name = nameMatch[0];
  let i = name.length;
  const labels: Record<string, string> = {};
  if (line[i] === "{") {
    i++;
    while (line[i] !== "}") {
      const lm = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(line.slice(i));
      if (!lm) throw new Error(`bad label at ${i}: ${line}`);
      i += lm[0].length;
      let value = "";
      for (;;) {
        const c = line[i];
        if (c === undefined) throw new Error(`unterminated label value: ${line}`);
        if (c === '"') break;
        if (c === "\\") {
          const e = line[i + 1];
          if (e === "n") value += "\n";
          else if (e === "\\" || e === '"') value += e;
          else throw new Error(`bad escape \\${e} in: ${line}`);
          i += 2;
        } else {
          value += c;
          i++;
        }
      }
      i++; // closing quote
      labels[lm[1]!] = value;
      if (line[i] === ",") i++;
    }
    i++; // closing brace
  }
  const rest = line.slice(i).trim().split(/\s+/);
  const raw = rest[0] ?? "";
  // Like Prometheus (Go's ParseFloat), special values are case-insensitive: prom-client writes "Nan".
  const special: Record<string, number> = { "+inf": Infinity, inf: Infinity, "-inf": -Infinity, nan: NaN };
  const value = special[raw.toLowerCase()] ?? Number(raw);
  if (raw === "" || (Number.isNaN(value) && raw.toLowerCase() !== "nan")) throw new Error(`bad value in: ${line}`);
  return { name, labels, value };
}

/** The samples named `name` whose labels include `labels`. */
export function find(exp: Exposition, name: string, labels: Record<string, string> = {}): Sample[] {
  return exp.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

/** The value of the single sample named `name` with exactly `labels`; undefined when absent. */
export function valueOf(exp: Exposition, name: string, labels: Record<string, string> = {}): number | undefined {
  const want = Object.keys(labels).length;
  const hits = find(exp, name, labels).filter((s) => Object.keys(s.labels).length === want);
  if (hits.length > 1) throw new Error(`several samples ${name} ${JSON.stringify(labels)}`);
  return hits[0]?.value;
}
