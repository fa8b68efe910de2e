import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { KeyFileError, encryptionKeysAtStart } from "../../src/db/key-file.ts";
import { encryptionService } from "../../src/services/encryption.ts";

let dir: string;
let logged: string[];
const logger = () =>
  pino({ level: "info" }, { write: (line: string) => void logged.push(JSON.parse(line).msg as string) });

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "rhins-keys-"));
  logged = [];
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** The key file setting development gets for an embedded database in `dir`/pglite. */
const setting = () => {
  const { encryption } = loadConfig({ NODE_ENV: "development", PGLITE_DIR: path.join(dir, "pglite") });
  if (!("keyFile" in encryption)) throw new Error("expected the key file");
  return encryption;
};

describe("the key file outside production", () => {
  it("is made on the first start beside the data folder, readable by its owner only, and the log says so", async () => {
    const keys = await encryptionKeysAtStart(setting(), logger(), new Date("2026-12-03T08:00:00Z"));
    const file = path.join(dir, "encryption-keys.json");
    expect(((await stat(file)).mode & 0o777).toString(8)).toBe("600");
    expect(keys.currentKeyId).toBe("local-2026-12-03");
    expect(keys.keys[keys.currentKeyId]).toHaveLength(32);
    expect(keys.hmacKey).toHaveLength(32);
    expect(keys.hmacKey).not.toEqual(keys.keys[keys.currentKeyId]);
    expect(logged).toEqual([`generated a new encryption key in ${file}, keep it with the data`]);
    // What it wrote is what it uses.
    const written = JSON.parse(await readFile(file, "utf8"));
    expect(Buffer.from(written.keys[keys.currentKeyId], "base64")).toEqual(keys.keys[keys.currentKeyId]);
  });

  it("is read, not made again, on later starts, so what was encrypted stays readable", async () => {
    const first = encryptionService(await encryptionKeysAtStart(setting(), logger()));
    const token = first.encrypt("what happened", ["IncidentReport", "narrative", "r1"]);
    logged = [];
    const again = await encryptionKeysAtStart(setting(), logger(), new Date("2027-01-01T00:00:00Z"));
    expect(again.currentKeyId).toBe(first.currentKeyId);
    expect(encryptionService(again).decrypt(token, ["IncidentReport", "narrative", "r1"])).toBe("what happened");
    expect(logged).toEqual([]);
  });

  it.each([
    ["not JSON", "{ keys"],
    ["without an hmacKey", JSON.stringify({ currentKeyId: "a", keys: { a: Buffer.alloc(32, 1).toString("base64") } })],
    [
      "with a short key",
      JSON.stringify({ currentKeyId: "a", keys: { a: "c2hvcnQ=" }, hmacKey: Buffer.alloc(32).toString("base64") }),
    ],
    [
      "naming a current key it does not hold",
      JSON.stringify({
        currentKeyId: "b",
        keys: { a: Buffer.alloc(32, 1).toString("base64") },
        hmacKey: Buffer.alloc(32, 2).toString("base64"),
      }),
    ],
  ])("stops start-up with a clear error naming the file when it is %s", async (_what, text) => {
    const file = path.join(dir, "encryption-keys.json");
    await writeFile(file, text);
    const started = encryptionKeysAtStart(setting(), logger());
    await expect(started).rejects.toThrow(KeyFileError);
    await expect(encryptionKeysAtStart(setting(), logger())).rejects.toThrow(`The encryption key file ${file} `);
    // A broken file is never replaced: it may be all that can read the data.
    expect(await readFile(file, "utf8")).toBe(text);
  });

  it("is not used when keys are given", async () => {
    const given = loadConfig({ REPORT_ENCRYPTION_KEYS: `a:${Buffer.alloc(32, 1).toString("base64")}` }).encryption;
    expect(await encryptionKeysAtStart(given, logger())).toBe(given);
  });
});
