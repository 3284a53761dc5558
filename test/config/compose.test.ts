// docker-compose.yml, the Dockerfile and config/monitor.compose.yaml, checked without a Docker engine:
// the services, images and commands hang together, the monitor's config file parses with the real
// loader (the path of `dqstream monitor --config`), and the baseline service's command, run with the
// real CLI on the host (its container paths mapped to folders here), produces the baseline that
// config names.
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DEFAULT_KAFKA_VERSION } from "../../scripts/kafka-local.mjs";
import { loadBaseline } from "../../src/baseline/loadBaseline.js";
import { resolveMonitorConfig } from "../../src/cli/monitorCommand.js";
import { main } from "../../src/cli/program.js";
import type { MonitorConfig } from "../../src/config/monitorSchema.js";

const ROOT = resolve(import.meta.dirname, "../..");

interface Service {
  image?: string;
  build?: string | { context: string; dockerfile?: string };
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string | number | boolean | null>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

let services: Record<string, Service>;
let volumes: Record<string, unknown>;

beforeAll(async () => {
  const compose = parse(await readFile(join(ROOT, "docker-compose.yml"), "utf8")) as { services: Record<string, Service>; volumes?: Record<string, unknown> };
  services = compose.services;
  volumes = compose.volumes ?? {};
});

function service(name: string): Service {
  const s = services[name];
  if (s === undefined) throw new Error(`docker-compose.yml has no service ${name}`);
  return s;
}

/** A service's `host:container[:mode]` volume whose container path is `target`, as [source, target]. */
function mount(s: Service, target: string): string {
  const found = (s.volumes ?? []).map((v) => v.split(":")).find((parts) => parts[1] === target);
  if (found === undefined) throw new Error(`no volume mounted at ${target}`);
  return found[0] as string;
}

/** The monitor's config file on the host: the --config path under the mount of its folder. */
function monitorConfigOnHost(): string {
  const s = service("dqstream");
  const command = s.command as string[];
  const file = command[command.indexOf("--config") + 1] as string;
  const source = mount(s, "/config");
  expect(source.startsWith("./"), "the config folder is mounted from the repository").toBe(true);
  return join(ROOT, source, file.slice("/config/".length));
}

/** The compose config with the container's /data (a named volume) mapped to `dataDir`, as dqstream monitor --config resolves it. */
async function composeConfig(dataDir: string, scratch: string): Promise<MonitorConfig> {
  const text = (await readFile(monitorConfigOnHost(), "utf8")).replaceAll("/data/", `${dataDir}/`);
  const file = join(scratch, "monitor.compose.yaml");
  await writeFile(file, text);
  return resolveMonitorConfig({ config: file }, {});
}

describe("docker-compose.yml", () => {
  it("has Kafka (the official image, KRaft, the tests' version), moto, a topic step, dqstream and the demo", () => {
    expect(Object.keys(services).sort()).toEqual(["dqstream", "dqstream-baseline", "dqstream-demo", "kafka", "kafka-init", "moto"]);
    for (const [name, s] of Object.entries(services)) {
      expect(s.image, `${name}: an image with a pinned tag`).toMatch(/^[a-z0-9./_-]+:[A-Za-z0-9._-]+$/);
      expect(s.image, name).not.toMatch(/:latest$/);
      expect(s.command, `${name}: a command`).toBeDefined();
    }
    const kafka = service("kafka");
    expect(kafka.image).toBe(`apache/kafka:${DEFAULT_KAFKA_VERSION}`);
    const env = kafka.environment ?? {};
    expect(String(env["KAFKA_PROCESS_ROLES"]).split(",").sort()).toEqual(["broker", "controller"]);
    expect(Object.keys(env).filter((k) => k.includes("ZOOKEEPER"))).toEqual([]);
    expect(String(env["KAFKA_ADVERTISED_LISTENERS"]).split(",")).toContain("PLAINTEXT://kafka:9092");
    // a cluster id is 16 bytes in URL-safe base64
    expect(Buffer.from(String(env["CLUSTER_ID"]), "base64url")).toHaveLength(16);
    expect(String(env["CLUSTER_ID"]), "not starting with - (kafka-storage would take it for an option)").toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    expect(kafka.healthcheck?.test.join(" ")).toContain("localhost:9092");
    expect(Object.keys(volumes)).toEqual(expect.arrayContaining(["kafka-data", "dqstream-data"]));

    const moto = service("moto");
    const [, major, minor, patch] = /^motoserver\/moto:(\d+)\.(\d+)\.(\d+)$/.exec(moto.image as string) ?? [];
    expect(major, "moto is pinned to a release").toBeDefined();
    // 5.1.13 is the first moto that speaks the AWS JSON protocol of @aws-sdk/client-cloudwatch ≥ 3.949
    expect(Number(major) * 1e6 + Number(minor) * 1e3 + Number(patch)).toBeGreaterThanOrEqual(5_001_013);
    expect(moto.command).toEqual(expect.arrayContaining(["-H", "0.0.0.0"]));

    expect(service("dqstream-demo").command).toEqual(["sh", "-c", "npm ci && npm run demo"]);
  });

  it("creates the monitor's topics before dqstream starts, and seeds the capture topic from examples/", async () => {
    const config = await resolveMonitorConfig({ config: monitorConfigOnHost() }, {});
    const init = service("kafka-init");
    expect(init.image).toBe(service("kafka").image);
    expect(init.depends_on?.["kafka"]?.condition).toBe("service_healthy");
    const script = [init.entrypoint, init.command].flat().join("\n");
    for (const topic of [...config.kafka.topics, config.kafka.dead_letter_topic])
      expect(script).toMatch(new RegExp(`--create (--if-not-exists )?--topic ${topic} `));
    expect(script).toContain("kafka-console-producer.sh --bootstrap-server kafka:9092 --topic capture");
    expect(mount(init, "/examples")).toBe("./examples");
    expect(existsSync(join(ROOT, "examples/capture"))).toBe(true);
    expect(service("dqstream").depends_on).toMatchObject({
      kafka: { condition: "service_healthy" },
      "kafka-init": { condition: "service_completed_successfully" },
      "dqstream-baseline": { condition: "service_completed_successfully" },
    });
  });

  it("runs `dqstream monitor --config /config/monitor.compose.yaml`, whose file loads with the real loader", async () => {
    const s = service("dqstream");
    expect(s.build).toBe(".");
    expect(s.command).toEqual(["monitor", "--config", "/config/monitor.compose.yaml"]);
    const config = await resolveMonitorConfig({ config: monitorConfigOnHost() }, {});
    expect(config.kafka.brokers).toEqual(["kafka:9092"]);
    expect(config.kafka.tls).toBeUndefined();
    // reachable from outside the container, on the published port, where the health check looks
    expect(config.http.host).toBe("0.0.0.0");
    expect(s.ports).toContain(`${config.http.port}:${config.http.port}`);
    expect(s.healthcheck?.test.join(" ")).toContain(`http://127.0.0.1:${config.http.port}/healthz`);
    // baseline and reports live in the data volume the baseline service writes
    expect(config.baseline.statistics.startsWith("/data/")).toBe(true);
    expect(config.reports_dir.startsWith("/data/")).toBe(true);
    expect(mount(s, "/data")).toBe("dqstream-data");
    expect(mount(service("dqstream-baseline"), "/data")).toBe("dqstream-data");
    // CloudWatch metrics go to the moto service, on the port it listens on, which starts first
    const moto = service("moto");
    const motoPort = (moto.command as string[])[(moto.command as string[]).indexOf("-p") + 1];
    expect(config.cloudwatch?.enabled).toBe(true);
    const endpoint = new URL(config.cloudwatch?.endpoint_url ?? "http://unset");
    expect(endpoint.protocol).toBe("http:");
    expect(endpoint.hostname).toBe("moto");
    expect(endpoint.port).toBe(motoPort);
    expect(moto.healthcheck?.test.join(" ")).toContain(`127.0.0.1:${motoPort}`);
    expect(s.depends_on?.["moto"]?.condition).toBe("service_healthy");
    // with a region (else the monitor stops at start) and credentials moto takes
    expect(config.cloudwatch?.region ?? s.environment?.["AWS_REGION"]).toBe("us-east-1");
    expect(s.environment).toMatchObject({ AWS_ACCESS_KEY_ID: expect.any(String), AWS_SECRET_ACCESS_KEY: expect.any(String) });
    // alerts go to the log; no channel needing a receiver or a topic kafka-init does not create
    expect(config.alerts?.channels).toEqual({ log: true, webhooks: [] });
    // the variables set are dqstream's own switches or config keys that validate
    const fromEnv = Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, String(v)]));
    await expect(resolveMonitorConfig({ config: monitorConfigOnHost() }, fromEnv)).resolves.toBeDefined();
  });

  describe("the baseline service's command, run on the host", () => {
    let scratch: string;
    beforeAll(async () => {
      scratch = await mkdtemp(join(tmpdir(), "dqstream-compose-"));
    });
    afterAll(async () => {
      await rm(scratch, { recursive: true, force: true });
    });

    it("writes the baseline the monitor's config names", async () => {
      const command = service("dqstream-baseline").command as string[];
      expect(command[0]).toBe("baseline");
      // the image holds examples/ at /app/examples (Dockerfile); /data is the volume
      const data = join(scratch, "data");
      const argv = command.map((a) => a.replace(/^\/app\//, `${ROOT}/`).replace(/^\/data\//, `${data}/`));
      const stderr: string[] = [];
      const write = process.stderr.write.bind(process.stderr);
      process.stderr.write = (chunk: string | Uint8Array) => (stderr.push(String(chunk)), true);
      let code: number;
      try {
        code = await main(argv);
      } finally {
        process.stderr.write = write;
      }
      expect(code, stderr.join("")).toBe(0);
      const config = await composeConfig(data, scratch);
      const baseline = await loadBaseline(config.baseline.statistics, config.baseline.constraints);
      expect(baseline).toBeDefined();
    }, 60_000);
  });
});

describe("docs/deployment.md", () => {
  it("shows config snippets (the yaml blocks with a kafka section) that are valid with a baseline and reports added", async () => {
    const text = await readFile(join(ROOT, "docs/deployment.md"), "utf8");
    const blocks = [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] as string).filter((b) => /^kafka:/m.test(b));
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    const scratch = await mkdtemp(join(tmpdir(), "dqstream-deployment-doc-"));
    try {
      for (const [i, block] of blocks.entries()) {
        const file = join(scratch, `snippet-${i}.yaml`);
        await writeFile(file, `baseline: { statistics: s.json, constraints: c.json }\nreports_dir: reports\n${block}`);
        const config = await resolveMonitorConfig(
          { config: file },
          /\bsasl:/.test(block) ? { DQSTREAM_KAFKA__SASL__PASSWORD: "from-the-environment" } : {},
        ).catch((e: unknown) => {
          throw new Error(`docs/deployment.md yaml block ${i + 1}:\n${block}\n${(e as Error).message}`);
        });
        expect(config.kafka.tls?.enabled, `block ${i + 1} uses TLS`).toBe(true);
      }
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });
});

describe("Dockerfile and .dockerignore", () => {
  const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
  const instructions = dockerfile
    .split("\n")
    .filter((l) => l.trim() !== "" && !l.trimStart().startsWith("#"))
    .map((l) => l.trim());

  it("builds on Node 20 in two stages and runs the dqstream CLI", () => {
    const froms = instructions.filter((l) => l.startsWith("FROM "));
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const f of froms) expect(f).toMatch(/^FROM node:20[-\w.]* ?/);
    expect(instructions).toContain('ENTRYPOINT ["node", "/app/dist/cli/main.js"]');
    expect(instructions.some((l) => l.startsWith("USER ") && !/USER root/.test(l))).toBe(true);
    expect(instructions).toContain("WORKDIR /app");
  });

  it("copies only what exists and what .dockerignore lets through; the image has what compose uses", () => {
    const ignored = readFileSync(join(ROOT, ".dockerignore"), "utf8")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "" && !l.startsWith("#"));
    const isIgnored = (path: string): boolean =>
      ignored.some((pattern) => {
        const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")}(/|$)`);
        return re.test(path);
      });
    const copies = instructions.filter((l) => l.startsWith("COPY ") && !l.includes("--from="));
    expect(copies.length).toBeGreaterThan(0);
    const copied: string[] = [];
    for (const c of copies) {
      const parts = c
        .split(/\s+/)
        .slice(1)
        .filter((p) => !p.startsWith("--"));
      for (const src of parts.slice(0, -1)) {
        expect(existsSync(join(ROOT, src)), `${c}: ${src} exists`).toBe(true);
        expect(isIgnored(src), `${c}: ${src} is excluded by .dockerignore`).toBe(false);
        copied.push(src);
      }
    }
    // what `npm run build` and the compose services need inside the image
    for (const needed of ["package.json", "package-lock.json", "tsconfig.json", "tsconfig.build.json", "src", "examples"]) expect(copied).toContain(needed);
    for (const heavy of ["node_modules", "dist", ".git", "test"]) expect(isIgnored(heavy), heavy).toBe(true);
  });
});
