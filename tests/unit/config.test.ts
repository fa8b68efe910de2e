import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.ts";

const KEY_A = Buffer.alloc(32, 1).toString("base64");
const KEY_B = Buffer.alloc(32, 2).toString("base64url");
const HMAC = Buffer.alloc(32, 3).toString("base64");
/** What production needs besides the defaults. */
const PRODUCTION = {
  NODE_ENV: "production",
  SESSION_SECRET: "x".repeat(40),
  DATA_ENCRYPTION_KEYS: `a:${KEY_A}`,
  DATA_HMAC_KEY: HMAC,
};

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
    [{ NODE_ENV: "production" }, "DATA_ENCRYPTION_KEYS"],
    [{ NODE_ENV: "production" }, "DATA_HMAC_KEY"],
    [{ DATA_ENCRYPTION_KEYS: "a:short" }, "DATA_ENCRYPTION_KEYS"],
    [{ DATA_ENCRYPTION_KEYS: KEY_A }, "DATA_ENCRYPTION_KEYS"],
    [{ DATA_ENCRYPTION_KEYS: `a b:${KEY_A}` }, "DATA_ENCRYPTION_KEYS"],
    [{ DATA_ENCRYPTION_KEYS: `a:${Buffer.alloc(16).toString("base64")}` }, "DATA_ENCRYPTION_KEYS"],
    [{ DATA_ENCRYPTION_KEYS: `a:${KEY_A},a:${KEY_B}` }, "DATA_ENCRYPTION_KEYS"],
    [{ DATA_ENCRYPTION_KEYS: `a:${KEY_A}`, DATA_ENCRYPTION_KEY_ID: "b" }, "DATA_ENCRYPTION_KEY_ID"],
    [{ DATA_ENCRYPTION_KEYS: `a:${KEY_A}`, DATA_HMAC_KEY: KEY_A }, "DATA_HMAC_KEY"],
    [{ DATA_HMAC_KEY: "not a key" }, "DATA_HMAC_KEY"],
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

  it("reads the data encryption keys, the current one named or first, and the look-up key", () => {
    const one = loadConfig(PRODUCTION).encryption;
    expect(one.currentKeyId).toBe("a");
    expect(one.keys.a).toEqual(Buffer.alloc(32, 1));
    expect(one.hmacKey).toEqual(Buffer.alloc(32, 3));
    const rotated = loadConfig({
      ...PRODUCTION,
      DATA_ENCRYPTION_KEYS: `a:${KEY_A}, b:${KEY_B}`,
      DATA_ENCRYPTION_KEY_ID: "b",
    }).encryption;
    expect(rotated.currentKeyId).toBe("b");
    expect(Object.keys(rotated.keys)).toEqual(["a", "b"]);
    expect(rotated.keys.b).toEqual(Buffer.alloc(32, 2));
  });

  it("uses fixed development keys outside production, never production's", () => {
    const dev = loadConfig({}).encryption;
    expect(dev.keys[dev.currentKeyId]).toHaveLength(32);
    expect(loadConfig({ NODE_ENV: "test" }).encryption).toEqual(dev);
    expect(dev.keys[dev.currentKeyId]).not.toEqual(dev.hmacKey);
  });

  it("never shows a key in its message", () => {
    expect(() => loadConfig({ DATA_ENCRYPTION_KEYS: `a:${KEY_A.slice(0, 20)}` })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(KEY_A.slice(0, 20)) }),
    );
  });
});
