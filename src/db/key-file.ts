// The encryption keys outside production when REPORT_ENCRYPTION_KEYS is not set: made on the
// first start into a file beside the embedded database's folder (mode 0600), read on every later
// start. Whatever was encrypted under them is lost with the file, so it is kept (and backed up)
// with the data.
import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "pino";
import { z } from "zod";
import { type KeyFileSetting, key32 } from "../config.ts";
import { KEY_BYTES, KEY_ID, type EncryptionKeys } from "../services/encryption.ts";

/** A key file that cannot be used; names the file, never a key. */
export class KeyFileError extends Error {}

const contents = z.object({
  currentKeyId: z.string().regex(KEY_ID),
  keys: z.record(z.string().regex(KEY_ID), z.string()),
  hmacKey: z.string(),
});

function parseKeyFile(file: string, text: string): EncryptionKeys {
  const invalid = (why: string) =>
    new KeyFileError(
      `The encryption key file ${file} ${why}. Restore it from the copy kept with the data, ` +
        "or set REPORT_ENCRYPTION_KEYS and REPORT_HMAC_KEY",
    );
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalid("is not JSON");
  }
  const parsed = contents.safeParse(json);
  if (!parsed.success) throw invalid("does not hold currentKeyId, keys and hmacKey");
  const keys: Record<string, Buffer> = {};
  for (const [id, value] of Object.entries(parsed.data.keys)) {
    const bytes = key32(value);
    if (!bytes) throw invalid(`has a key "${id}" that is not 32 bytes in base64`);
    keys[id] = bytes;
  }
  const hmacKey = key32(parsed.data.hmacKey);
  if (!hmacKey) throw invalid("has an hmacKey that is not 32 bytes in base64");
  if (!Object.hasOwn(keys, parsed.data.currentKeyId)) throw invalid("names a currentKeyId it does not hold");
  return { keys, currentKeyId: parsed.data.currentKeyId, hmacKey };
}

/**
 * The keys to use: those from the environment as they are, or those in the key file, made first
 * if there is none (and the log says so, that once).
 */
export async function encryptionKeysAtStart(
  setting: EncryptionKeys | KeyFileSetting,
  logger: Logger,
  now = new Date(),
): Promise<EncryptionKeys> {
  if (!("keyFile" in setting)) return setting;
  const file = setting.keyFile;
  try {
    return parseKeyFile(file, await readFile(file, "utf8"));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const currentKeyId = `local-${now.toISOString().slice(0, 10)}`;
  const made = {
    currentKeyId,
    keys: { [currentKeyId]: randomBytes(KEY_BYTES).toString("base64") },
    hmacKey: randomBytes(KEY_BYTES).toString("base64"),
  };
  await mkdir(path.dirname(file), { recursive: true });
  try {
    // "wx": if another process made the file meanwhile, its keys are the ones to use.
    await writeFile(file, `${JSON.stringify(made, null, 2)}\n`, { flag: "wx", mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    return parseKeyFile(file, await readFile(file, "utf8"));
  }
  await chmod(file, 0o600); // whatever the umask
  logger.info({ keyFile: file }, `generated a new encryption key in ${file}, keep it with the data`);
  return parseKeyFile(file, JSON.stringify(made));
}
