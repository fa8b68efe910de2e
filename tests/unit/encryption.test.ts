import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DecryptionError, encryptionService } from "../../src/services/encryption.ts";

const key = () => randomBytes(32);
const hmacKey = key();
const oldKey = key();
const newKey = key();
const before = encryptionService({ keys: { "2025": oldKey }, currentKeyId: "2025", hmacKey });
const after = encryptionService({ keys: { "2026": newKey, "2025": oldKey }, currentKeyId: "2026", hmacKey });
const binding = ["Report", "description", 42];
const secret = "Someone shouted abuse at me outside the Clevedon library on Tuesday — ünïcödé ✓";

/** The token with one base64url character changed in its `part`-th part. */
function changed(token: string, part: number): string {
  const parts = token.split(".");
  const text = parts[part]!;
  const at = Math.floor(text.length / 2);
  parts[part] = text.slice(0, at) + (text[at] === "A" ? "B" : "A") + text.slice(at + 1);
  return parts.join(".");
}

describe("envelope encryption", () => {
  it("gives back what it encrypted, with the same binding", () => {
    const token = before.encrypt(secret, binding);
    expect(before.decrypt(token, binding)).toBe(secret);
    expect(before.decrypt(before.encrypt("", binding), binding)).toBe("");
  });

  it("holds no plaintext, names its key, and differs every time", () => {
    const token = before.encrypt(secret, binding);
    expect(token.startsWith("e1.2025.")).toBe(true);
    expect(token).not.toContain("Clevedon");
    for (const encoding of ["base64", "base64url", "hex"] as const) {
      expect(token).not.toContain(Buffer.from("Clevedon").toString(encoding));
    }
    expect(before.encrypt(secret, binding)).not.toBe(token);
  });

  it.each([
    ["the wrapped data key", 2],
    ["the ciphertext", 3],
  ])("refuses a token whose %s was changed", (_what, part) => {
    const token = before.encrypt(secret, binding);
    expect(() => before.decrypt(changed(token, part), binding)).toThrow(DecryptionError);
  });

  it("refuses a token moved to another record, column or table (additional data)", () => {
    const token = before.encrypt(secret, binding);
    expect(() => before.decrypt(token, ["Report", "description", 43])).toThrow(DecryptionError);
    expect(() => before.decrypt(token, ["Report", "notes", 42])).toThrow(DecryptionError);
    expect(() => before.decrypt(token, ["Case", "description", 42])).toThrow(DecryptionError);
    // The parts of a binding stay apart: "a:b","c" is not "a","b:c".
    const joined = before.encrypt(secret, ["a:b", "c"]);
    expect(() => before.decrypt(joined, ["a", "b:c"])).toThrow(DecryptionError);
  });

  it("refuses a token for an unknown key, a made-up key id, or no token at all", () => {
    const token = before.encrypt(secret, binding);
    const stranger = encryptionService({ keys: { "2025": key() }, currentKeyId: "2025", hmacKey });
    expect(() => stranger.decrypt(token, binding)).toThrow(DecryptionError);
    expect(() => before.decrypt(token.replace("e1.2025.", "e1.2024."), binding)).toThrow(DecryptionError);
    expect(() => before.decrypt(token.replace("e1.2025.", "e1.__proto__."), binding)).toThrow(DecryptionError);
    for (const junk of ["", "e1", "e1.2025..", "e2.2025.AAAA.AAAA", "plain text", `${token}.x`]) {
      expect(() => before.decrypt(junk, binding), junk).toThrow(DecryptionError);
    }
  });

  it("rotates keys: new values use the current key, and the old key still decrypts old values", () => {
    const old = before.encrypt(secret, binding);
    expect(after.decrypt(old, binding)).toBe(secret);
    expect(after.needsRotation(old)).toBe(true);
    const fresh = after.encrypt(secret, binding);
    expect(fresh.startsWith("e1.2026.")).toBe(true);
    expect(after.needsRotation(fresh)).toBe(false);
    // The old key alone cannot read what the new key wrapped.
    expect(() => before.decrypt(fresh, binding)).toThrow(DecryptionError);
  });

  it("re-wraps a value under the current key, which then needs the old key no more", () => {
    const old = before.encrypt(secret, binding);
    const rewrapped = after.rewrap(old, binding);
    expect(rewrapped.startsWith("e1.2026.")).toBe(true);
    expect(after.needsRotation(rewrapped)).toBe(false);
    const newOnly = encryptionService({ keys: { "2026": newKey }, currentKeyId: "2026", hmacKey });
    expect(newOnly.decrypt(rewrapped, binding)).toBe(secret);
    expect(() => newOnly.decrypt(rewrapped, ["Report", "description", 43])).toThrow(DecryptionError);
    // Only what opens is re-wrapped: a changed value or another binding is refused, not passed on.
    expect(() => after.rewrap(changed(old, 3), binding)).toThrow(DecryptionError);
    expect(() => after.rewrap(old, ["Report", "description", 43])).toThrow(DecryptionError);
  });

  it("refuses to start with a current key that is not among the keys, or a key of the wrong size", () => {
    expect(() => encryptionService({ keys: { a: key() }, currentKeyId: "b", hmacKey })).toThrow(/not among the keys/);
    expect(() => encryptionService({ keys: { a: randomBytes(16) }, currentKeyId: "a", hmacKey })).toThrow(/32-byte/);
  });
});

describe("look-up hashes", () => {
  it("are the same for the same purpose and value, and differ otherwise", () => {
    const hash = before.lookupHash("email", "jo@example.org");
    expect(after.lookupHash("email", "jo@example.org")).toBe(hash); // the HMAC key does not rotate with the data keys
    expect(before.lookupHash("email", "jo@example.com")).not.toBe(hash);
    expect(before.lookupHash("receipt", "jo@example.org")).not.toBe(hash);
    expect(hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("depend on the key, so they cannot be worked out without it", () => {
    const other = encryptionService({ keys: { a: key() }, currentKeyId: "a", hmacKey: key() });
    expect(other.lookupHash("email", "jo@example.org")).not.toBe(before.lookupHash("email", "jo@example.org"));
  });
});
