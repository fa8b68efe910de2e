import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.ts";

const KEY_A = Buffer.alloc(32, 1).toString("base64");
const KEY_B = Buffer.alloc(32, 2).toString("base64url");
const HMAC = Buffer.alloc(32, 3).toString("base64");
/** What production needs besides the defaults. */
const PRODUCTION = {
  NODE_ENV: "production",
  SESSION_SECRET: "x".repeat(40),
  REPORT_ENCRYPTION_KEYS: `a:${KEY_A}`,
  REPORT_HMAC_KEY: HMAC,
};
/** The keys themselves, for settings that give them (not a key file). */
function keysOf(env: Record<string, string>) {
  const { encryption } = loadConfig(env);
  if ("keyFile" in encryption) throw new Error(`expected keys, got the key file ${encryption.keyFile}`);
  return encryption;
}

describe("config", () => {
  it("uses the embedded database and port 3000 by default", () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.database).toEqual({ kind: "pglite", dir: "./data/pglite" });
    expect(config.production).toBe(false);
    expect(config.mfaRequired).toBe(false);
  });

  it("uses a Postgres server with an explicit pool when DATABASE_URL is set", () => {
    const config = loadConfig({ DATABASE_URL: "postgresql://u@127.0.0.1:5432/db", DB_POOL_MAX: "4" });
    expect(config.database).toMatchObject({ kind: "postgres", poolMax: 4, connectionTimeoutMs: 3000 });
  });

  it("treats an empty variable as not set", () => {
    expect(loadConfig({ DATABASE_URL: "" }).database.kind).toBe("pglite");
  });

  it.each([
    [{ PORT: "eighty" }, "PORT"],
    [{ PORT: "70000" }, "PORT"],
    [{ DATABASE_URL: "mysql://x" }, "DATABASE_URL"],
    [{ NODE_ENV: "staging" }, "NODE_ENV"],
    [{ MFA_REQUIRED: "yes" }, "MFA_REQUIRED"],
    [{ SEED_DEMO_PASSWORD: "short" }, "SEED_DEMO_PASSWORD"],
    [{ NODE_ENV: "production" }, "SESSION_SECRET"],
    [{ NODE_ENV: "production" }, "REPORT_ENCRYPTION_KEYS"],
    [{ NODE_ENV: "production" }, "REPORT_HMAC_KEY"],
    [{ REPORT_ENCRYPTION_KEYS: "a:short" }, "REPORT_ENCRYPTION_KEYS"],
    [{ REPORT_ENCRYPTION_KEYS: KEY_A }, "REPORT_ENCRYPTION_KEYS"],
    [{ REPORT_ENCRYPTION_KEYS: `a b:${KEY_A}` }, "REPORT_ENCRYPTION_KEYS"],
    [{ REPORT_ENCRYPTION_KEYS: `a:${Buffer.alloc(16).toString("base64")}` }, "REPORT_ENCRYPTION_KEYS"],
    [{ REPORT_ENCRYPTION_KEYS: `a:${KEY_A},a:${KEY_B}` }, "REPORT_ENCRYPTION_KEYS"],
    [{ REPORT_ENCRYPTION_KEYS: `a:${KEY_A}`, REPORT_ENCRYPTION_KEY_ID: "b" }, "REPORT_ENCRYPTION_KEY_ID"],
    [{ REPORT_ENCRYPTION_KEYS: `a:${KEY_A}`, REPORT_HMAC_KEY: KEY_A }, "REPORT_HMAC_KEY"],
    [{ REPORT_HMAC_KEY: "not a key" }, "REPORT_HMAC_KEY"],
    [{ REMINDER_DAYS_BEFORE: "0" }, "REMINDER_DAYS_BEFORE"],
    [{ REMINDER_DAYS_BEFORE: "21" }, "REMINDER_DAYS_BEFORE"],
    [{ REMINDER_CHECK_MINUTES: "7" }, "REMINDER_CHECK_MINUTES"],
    [{ REMINDER_CHECK_MINUTES: "90" }, "REMINDER_CHECK_MINUTES"],
    [{ REMINDER_CHECK_MINUTES: "1441" }, "REMINDER_CHECK_MINUTES"],
    [{ SMTP_URL: "http://mail" }, "SMTP_URL"],
    [{ ...PRODUCTION, SMTP_URL: "smtp://mail.example.org" }, "PUBLIC_BASE_URL"],
  ])("refuses %o with a message naming %s", (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`${name}:`));
  });

  it("reminds 5 working days before the deadline, checking every hour, unless told otherwise", () => {
    expect(loadConfig({}).reminders).toEqual({ daysBefore: 5, checkMinutes: 60 });
    expect(loadConfig({ REMINDER_DAYS_BEFORE: "3", REMINDER_CHECK_MINUTES: "15" }).reminders).toEqual({
      daysBefore: 3,
      checkMinutes: 15,
    });
    expect(loadConfig({ REMINDER_CHECK_MINUTES: "120" }).reminders.checkMinutes).toBe(120);
  });

  it("links emails to this machine outside production, and to PUBLIC_BASE_URL when set", () => {
    expect(loadConfig({ PORT: "4000" }).publicBaseUrl).toBe("http://localhost:4000");
    expect(loadConfig({ PUBLIC_BASE_URL: "https://rhins.example.org" }).publicBaseUrl).toBe(
      "https://rhins.example.org",
    );
    expect(loadConfig(PRODUCTION).publicBaseUrl).toBeUndefined();
    expect(loadConfig(PRODUCTION).smtpUrl).toBeUndefined(); // allowed: a warning at start-up
  });

  it("requires MFA for coordinators in production unless turned off", () => {
    expect(loadConfig(PRODUCTION).mfaRequired).toBe(true);
    expect(loadConfig({ ...PRODUCTION, MFA_REQUIRED: "false" }).mfaRequired).toBe(false);
  });

  it("reads the report encryption keys, the current one named or first, and the look-up key", () => {
    const one = keysOf(PRODUCTION);
    expect(one.currentKeyId).toBe("a");
    expect(one.keys.a).toEqual(Buffer.alloc(32, 1));
    expect(one.hmacKey).toEqual(Buffer.alloc(32, 3));
    const rotated = keysOf({
      ...PRODUCTION,
      REPORT_ENCRYPTION_KEYS: `a:${KEY_A}, b:${KEY_B}`,
      REPORT_ENCRYPTION_KEY_ID: "b",
    });
    expect(rotated.currentKeyId).toBe("b");
    expect(Object.keys(rotated.keys)).toEqual(["a", "b"]);
    expect(rotated.keys.b).toEqual(Buffer.alloc(32, 2));
  });

  it("uses fixed keys in tests, never production's", () => {
    const test = keysOf({ NODE_ENV: "test" });
    expect(test.keys[test.currentKeyId]).toHaveLength(32);
    expect(test.keys[test.currentKeyId]).not.toEqual(test.hmacKey);
  });

  it("outside production without keys, names the key file beside the embedded database's folder", () => {
    expect(loadConfig({}).encryption).toEqual({ keyFile: path.resolve("data/encryption-keys.json") });
    expect(loadConfig({ PGLITE_DIR: "/srv/rhins/db" }).encryption).toEqual({
      keyFile: "/srv/rhins/encryption-keys.json",
    });
    // Given keys are used as they are, in development too.
    expect(loadConfig({ REPORT_ENCRYPTION_KEYS: `a:${KEY_A}` }).encryption).toMatchObject({ currentKeyId: "a" });
  });

  it("refuses a look-up key given without the encryption keys", () => {
    expect(() => loadConfig({ REPORT_HMAC_KEY: HMAC })).toThrow(/REPORT_HMAC_KEY: is used only with/);
  });

  it("never shows a key in its message", () => {
    expect(() => loadConfig({ REPORT_ENCRYPTION_KEYS: `a:${KEY_A.slice(0, 20)}` })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(KEY_A.slice(0, 20)) }),
    );
  });
});
