// Application-level envelope encryption (GUIDE §9) and keyed look-up hashes, for anything the
// database must never hold in the clear: online hate incident reports, their messages and drafts,
// second-factor secrets, what a signed-out partner typed (PendingForm) and emails' values. Every
// such column is listed in encrypted-columns.ts.
//
// Each value gets a fresh data key; the data key is wrapped (encrypted) by a key encryption key
// from the configuration, and the token names that key's id, so keys can rotate: new values use
// the current key, and every listed key still decrypts the values it wrapped. The value is bound
// to what it is (its table, column and record) as additional authenticated data, so a token that
// is copied to another record, or changed at all, does not decrypt. AES-256-GCM throughout.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";

export interface EncryptionKeys {
  /** Key encryption keys by id: 32 bytes each. */
  keys: Readonly<Record<string, Buffer>>;
  /** The id of the key that wraps new values. */
  currentKeyId: string;
  /** The separate key for look-up hashes (HMAC-SHA256). */
  hmacKey: Buffer;
}

/** What a value is and where it belongs, e.g. ["PendingForm", "payload", browserKey, path]. */
export type Binding = readonly (string | number)[];

/** Any token that cannot be decrypted: unknown key, changed, moved or not a token. Says no more, on purpose. */
export class DecryptionError extends Error {
  constructor() {
    super("The value could not be decrypted");
  }
}

export const KEY_BYTES = 32;
export const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** The token format's version: the first part of every token. */
const FORMAT = "e1";

// JSON of an array keeps the parts apart: ["a:b", "c"] and ["a", "b:c"] give different data.
const additionalData = (purpose: string, binding: Binding) =>
  Buffer.from(JSON.stringify([FORMAT, purpose, ...binding]));

function seal(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

function open(key: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new DecryptionError();
  const decipher = createDecipheriv("aes-256-gcm", key, sealed.subarray(0, IV_BYTES));
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new DecryptionError();
  }
}

export function encryptionService({ keys, currentKeyId, hmacKey }: EncryptionKeys) {
  const current = keys[currentKeyId];
  if (!current) throw new Error(`The current encryption key "${currentKeyId}" is not among the keys`);
  for (const [id, key] of Object.entries(keys)) {
    if (!KEY_ID.test(id) || key.length !== KEY_BYTES) throw new Error(`Encryption key "${id}" is not a 32-byte key`);
  }

  /** Unwraps a token's data key with the key it names and hands it, with the sealed value, to `use`. */
  function withDataKey<T>(token: string, binding: Binding, use: (dataKey: Buffer, sealed: Buffer) => T): T {
    const parts = token.split(".");
    if (parts.length !== 4 || parts[0] !== FORMAT) throw new DecryptionError();
    const [, keyId, wrapped, sealed] = parts as [string, string, string, string];
    const key = Object.hasOwn(keys, keyId) ? keys[keyId] : undefined;
    if (!key) throw new DecryptionError();
    const dataKey = open(key, Buffer.from(wrapped, "base64url"), additionalData(`key:${keyId}`, binding));
    try {
      if (dataKey.length !== KEY_BYTES) throw new DecryptionError();
      return use(dataKey, Buffer.from(sealed, "base64url"));
    } finally {
      dataKey.fill(0);
    }
  }

  return {
    /** The id of the key that wraps new values (the second part of their tokens). */
    currentKeyId,

    /**
     * A token for `plaintext`, bound to `binding`: "e1.<key id>.<wrapped data key>.<ciphertext>"
     * (base64url parts). Holds nothing of the plaintext but its length.
     */
    encrypt(plaintext: string, binding: Binding): string {
      const dataKey = randomBytes(KEY_BYTES);
      try {
        const wrapped = seal(current, dataKey, additionalData(`key:${currentKeyId}`, binding));
        const sealed = seal(dataKey, Buffer.from(plaintext, "utf8"), additionalData("value", binding));
        return [FORMAT, currentKeyId, wrapped.toString("base64url"), sealed.toString("base64url")].join(".");
      } finally {
        dataKey.fill(0);
      }
    },

    /** The plaintext of a token made by encrypt with the same binding; DecryptionError otherwise. */
    decrypt(token: string, binding: Binding): string {
      return withDataKey(token, binding, (dataKey, sealed) =>
        open(dataKey, sealed, additionalData("value", binding)).toString("utf8"),
      );
    },

    /** Whether a token was wrapped by an older key, so a job can encrypt it again under the current one. */
    needsRotation(token: string): boolean {
      return token.split(".")[1] !== currentKeyId;
    },

    /**
     * The same value with its data key wrapped again by the current key, for key rotation: the
     * ciphertext stays as it is. DecryptionError, as decrypt, for a token that does not open.
     */
    rewrap(token: string, binding: Binding): string {
      return withDataKey(token, binding, (dataKey, sealed) => {
        // The value must open too, so a token whose ciphertext was changed is not passed on as good.
        open(dataKey, sealed, additionalData("value", binding)).fill(0);
        const wrapped = seal(current, dataKey, additionalData(`key:${currentKeyId}`, binding));
        return [FORMAT, currentKeyId, wrapped.toString("base64url"), sealed.toString("base64url")].join(".");
      });
    },

    /**
     * A keyed hash (HMAC-SHA256, base64url) of a value for equality look-ups without storing or
     * decrypting it. `purpose` keeps the hashes of different things apart; normalise the value
     * (case, spaces) before hashing if equal values can be written differently.
     */
    lookupHash(purpose: string, value: string): string {
      return createHmac("sha256", hmacKey)
        .update(JSON.stringify([purpose, value]))
        .digest("base64url");
    },
  };
}

export type EncryptionService = ReturnType<typeof encryptionService>;
