import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FormatError, WriteError } from "../../formats/jsonFile.js";
import { s3Key, s3Uri, type S3Location } from "../../storage/location.js";
import { S3RequestError, type ObjectStoreApi } from "../../storage/s3Client.js";
import type { ReportStore, StagedFile } from "./ReportStore.js";

const describe = (e: unknown): string => (e instanceof S3RequestError ? e.describe() : e instanceof Error ? e.message : String(e));
const codeOf = (e: unknown): string | undefined => (e instanceof S3RequestError ? e.s3Code : undefined);

/**
 * Reports under an S3 prefix, in SageMaker's layout (`s3://bucket/prefix/<endpoint>/<schedule>/…`).
 * Each PUT replaces one object whole and S3 reads and lists are strongly consistent, so `publish`
 * puts a folder's files in order and its last file (window.json) marks the version complete; a
 * reader may meet a folder whose earlier files are already of a newer version than its window.json
 * while it is rewritten (a correction), never a half-written object.
 */
export class S3ReportStore implements ReportStore {
  readonly localRoot = undefined;
  readonly #loc: S3Location;
  readonly #s3: ObjectStoreApi;

  constructor(location: S3Location, s3: ObjectStoreApi) {
    this.#loc = location;
    this.#s3 = s3;
  }

  get description(): string {
    return `reports ${s3Uri(this.#loc)}`;
  }

  locate(key: string): string {
    return s3Uri(this.#loc, key);
  }

  async check(label: string): Promise<void> {
    const probe = `.dqstream-probe.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    try {
      await this.#s3.put(this.#loc.bucket, s3Key(this.#loc, probe), "");
      await this.#s3.delete(this.#loc.bucket, [s3Key(this.#loc, probe)]);
    } catch (e) {
      throw new WriteError(`${label} ${s3Uri(this.#loc)}`, `cannot write: ${describe(e)}`, { systemCode: codeOf(e), cause: e });
    }
  }

  async publish(folder: string, files: ReadonlyArray<readonly [name: string, data: string | Uint8Array]>): Promise<void> {
    for (const [name, data] of files) await this.put(`${folder}/${name}`, data);
  }

  async put(key: string, data: string | Uint8Array): Promise<void> {
    try {
      await this.#s3.put(this.#loc.bucket, s3Key(this.#loc, key), data);
    } catch (e) {
      throw new WriteError(this.locate(key), `cannot write: ${describe(e)}`, { systemCode: codeOf(e), cause: e });
    }
  }

  async read(key: string): Promise<Uint8Array | undefined> {
    try {
      return await this.#s3.get(this.#loc.bucket, s3Key(this.#loc, key));
    } catch (e) {
      throw new FormatError(this.locate(key), `cannot read: ${describe(e)}`);
    }
  }

  async list(folder: string): Promise<string[]> {
    const base = s3Key(this.#loc, folder === "" ? "" : `${folder}/`);
    let keys: string[];
    try {
      keys = await this.#s3.list(this.#loc.bucket, base);
    } catch (e) {
      throw new FormatError(this.locate(folder), `cannot list: ${describe(e)}`);
    }
    return keys
      .map((k) => k.slice(base.length))
      .filter((k) => k !== "" && !k.split("/").some((s) => s.startsWith(".")))
      .sort();
  }

  async folders(folder: string): Promise<string[]> {
    try {
      const names = await this.#s3.listFolders(this.#loc.bucket, s3Key(this.#loc, folder === "" ? "" : `${folder}/`));
      return names.filter((n) => n !== "" && !n.startsWith(".")).sort();
    } catch (e) {
      throw new FormatError(this.locate(folder), `cannot list: ${describe(e)}`);
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.#s3.delete(this.#loc.bucket, [s3Key(this.#loc, key)]);
    } catch (e) {
      throw new WriteError(this.locate(key), `cannot delete: ${describe(e)}`, { systemCode: codeOf(e), cause: e });
    }
  }

  async deleteFolder(folder: string): Promise<void> {
    const base = s3Key(this.#loc, `${folder}/`);
    try {
      const keys = await this.#s3.list(this.#loc.bucket, base);
      await this.#s3.delete(this.#loc.bucket, keys);
    } catch (e) {
      throw new WriteError(this.locate(folder), `cannot delete: ${describe(e)}`, { systemCode: codeOf(e), cause: e });
    }
  }

  async stage(key: string): Promise<StagedFile> {
    const dir = await mkdtemp(join(tmpdir(), "dqstream-stage-"));
    const file = join(dir, "staged");
    return {
      file,
      commit: async () => {
        try {
          await this.#s3.putFile(this.#loc.bucket, s3Key(this.#loc, key), file);
        } catch (e) {
          throw new WriteError(this.locate(key), `cannot write: ${describe(e)}`, { systemCode: codeOf(e), cause: e });
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      },
      discard: () => rm(dir, { recursive: true, force: true }),
    };
  }
}
