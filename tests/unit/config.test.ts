import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.ts";

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
  ])("refuses %o with a message naming %s", (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`${name}:`));
  });

  it("requires MFA for coordinators in production unless turned off", () => {
    const secret = "x".repeat(40);
    expect(loadConfig({ NODE_ENV: "production", SESSION_SECRET: secret }).mfaRequired).toBe(true);
    expect(loadConfig({ NODE_ENV: "production", SESSION_SECRET: secret, MFA_REQUIRED: "false" }).mfaRequired).toBe(
      false,
    );
  });
});
