// The only reader of process.env. Every setting is validated here so a wrong value stops
// start-up with a message naming the variable, instead of failing later in a request.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { DEFAULT_LANGUAGE, LANGUAGES, languageByCode } from "./content/languages.ts";
import { KEY_BYTES, KEY_ID, type EncryptionKeys } from "./services/encryption.ts";

const bool = z.enum(["true", "false"]).transform((v) => v === "true");
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** A 32-byte key written as base64 (standard or URL-safe); undefined if it is not one. */
export const key32 = (value: string): Buffer | undefined => {
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) return undefined;
  const bytes = Buffer.from(value, "base64");
  return bytes.length === KEY_BYTES ? bytes : undefined;
};
export const KEY_FORMAT = "must be base64 of 32 random bytes (e.g. openssl rand -base64 32)";

const key = z.string().transform((value, ctx) => {
  const bytes = key32(value);
  if (!bytes) ctx.addIssue({ code: "custom", message: KEY_FORMAT });
  return bytes ?? z.NEVER;
});

/** "id:base64key,id:base64key": the key encryption keys, each under the id its tokens name. */
/** "en,en-easy,pl": languages with catalogues in locales/, English always among them. */
const publicLanguages = z.string().transform((list, ctx) => {
  const codes = [
    ...new Set(
      list
        .split(",")
        .map((code) => code.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
  const unknown = codes.filter((code) => !languageByCode(code));
  if (unknown.length) {
    const known = LANGUAGES.filter((l) => !l.pseudo).map((l) => l.code);
    ctx.addIssue({ code: "custom", message: `unknown language ${unknown.join(", ")} (known: ${known.join(", ")})` });
    return z.NEVER;
  }
  if (!codes.includes(DEFAULT_LANGUAGE)) {
    ctx.addIssue({
      code: "custom",
      message: `must include ${DEFAULT_LANGUAGE}, the language every page falls back to`,
    });
    return z.NEVER;
  }
  return codes;
});

const keyList = z.string().transform((list, ctx) => {
  const keys: Record<string, Buffer> = {};
  for (const entry of list.split(",").map((e) => e.trim())) {
    const [id = "", value = "", ...rest] = entry.split(":");
    const key = key32(value);
    if (!KEY_ID.test(id) || !key || rest.length > 0) {
      ctx.addIssue({
        code: "custom",
        message: `each entry must be id:key, the id letters, digits, - or _, the key ${KEY_FORMAT}`,
      });
      return z.NEVER;
    }
    if (Object.hasOwn(keys, id)) {
      ctx.addIssue({ code: "custom", message: `names the key "${id}" twice` });
      return z.NEVER;
    }
    keys[id] = key;
  }
  return keys;
});

// Tests use fixed keys, so they need no key file. Never used in production.
const developmentKey = (name: string) => createHash("sha256").update(`rhins development-only ${name}`).digest();

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    HOST: z.string().min(1).default("0.0.0.0"),
    PORT: int(0, 65535).default(3000),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must start with postgresql://")
      .optional(),
    PGLITE_DIR: z.string().min(1).default("./data/pglite"),
    DB_POOL_MAX: int(1, 200).default(10),
    DB_CONNECTION_TIMEOUT_MS: int(100, 60_000).default(3_000),
    DB_IDLE_TIMEOUT_MS: int(1_000, 600_000).default(30_000),
    SESSION_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    TRUST_PROXY: int(0, 10).default(0),
    MFA_REQUIRED: bool.optional(),
    SEED_DEMO_PASSWORD: z.string().min(12, "must be at least 12 characters").optional(),
    PUBLIC_BASE_URL: z.url().optional(),
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\//, "must start with smtp:// or smtps://")
      .optional(),
    MAIL_FROM: z.string().min(3).default("RHINS portal <no-reply@localhost>"),
    REMINDER_DAYS_BEFORE: int(1, 20).default(5),
    REMINDER_CHECK_MINUTES: int(1, 1440)
      .refine((m) => (m < 60 ? 60 % m === 0 : m % 60 === 0 && 1440 % m === 0), {
        message:
          "must divide an hour (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30) or be whole hours that divide a day (60, 120, 180, 240, 360, 480, 720, 1440)",
      })
      .default(60),
    SHUTDOWN_TIMEOUT_MS: int(1_000, 120_000).default(10_000),
    SIGN_IN_LIMIT_PER_IP: int(1, 100_000).default(50),
    PUBLIC_PAGE_CACHE_SECONDS: int(0, 3_600).optional(),
    REPORT_ENCRYPTION_KEYS: keyList.optional(),
    REPORT_ENCRYPTION_KEY_ID: z.string().regex(KEY_ID, "must be letters, digits, - or _ (up to 32)").optional(),
    REPORT_HMAC_KEY: key.optional(),
    REPORT_RETENTION_MONTHS: int(1, 600).default(72),
    REPORTS_NOTIFY_EMAIL: z.email("must be an email address").optional(),
    BACKUP_DIR: z.string().min(1).default("./backups"),
    METRICS_TOKEN: z.string().min(32, "must be at least 32 characters").optional(),
    METRICS_PORT: int(0, 65535).optional(),
    PUBLIC_LANGUAGES: publicLanguages.default(["en", "en-easy"]),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === "production") {
      for (const name of ["SESSION_SECRET", "REPORT_ENCRYPTION_KEYS", "REPORT_HMAC_KEY"] as const) {
        if (!env[name]) ctx.addIssue({ code: "custom", path: [name], message: "is required in production" });
      }
      // Emails link to the partner area, so they need its address.
      if (env.SMTP_URL && !env.PUBLIC_BASE_URL) {
        ctx.addIssue({
          code: "custom",
          path: ["PUBLIC_BASE_URL"],
          message: "is required in production when SMTP_URL is set",
        });
      }
    }
    // Pseudo-locales show every translatable string mangled: for the tests, never for the public.
    const pseudo = env.PUBLIC_LANGUAGES.filter((code) => languageByCode(code)?.pseudo);
    if (pseudo.length && env.NODE_ENV !== "test") {
      ctx.addIssue({ code: "custom", path: ["PUBLIC_LANGUAGES"], message: `${pseudo.join(", ")} only in tests` });
    }
    if (env.METRICS_PORT && env.METRICS_PORT === env.PORT) {
      ctx.addIssue({ code: "custom", path: ["METRICS_PORT"], message: "must differ from PORT" });
    }
    const keys = env.REPORT_ENCRYPTION_KEYS;
    if (env.REPORT_ENCRYPTION_KEY_ID && !(keys && Object.hasOwn(keys, env.REPORT_ENCRYPTION_KEY_ID))) {
      ctx.addIssue({
        code: "custom",
        path: ["REPORT_ENCRYPTION_KEY_ID"],
        message: "must name one of the keys in REPORT_ENCRYPTION_KEYS",
      });
    }
    // Without the encryption keys the look-up key comes from the key file too: one given alone
    // would be silently unused.
    if (!keys && env.REPORT_HMAC_KEY && env.NODE_ENV !== "production") {
      ctx.addIssue({
        code: "custom",
        path: ["REPORT_HMAC_KEY"],
        message: "is used only with REPORT_ENCRYPTION_KEYS: set both, or neither",
      });
    }
    if (keys && env.REPORT_HMAC_KEY && Object.values(keys).some((k) => k.equals(env.REPORT_HMAC_KEY!))) {
      ctx.addIssue({ code: "custom", path: ["REPORT_HMAC_KEY"], message: "must differ from every encryption key" });
    }
  });

/**
 * Where the keys come from when REPORT_ENCRYPTION_KEYS is not set outside production: a file
 * beside the embedded database's folder, made on the first start (db/key-file.ts reads it).
 */
export interface KeyFileSetting {
  keyFile: string;
}

function encryptionKeys(env: z.infer<typeof schema>): EncryptionKeys | KeyFileSetting {
  if (!env.REPORT_ENCRYPTION_KEYS) {
    if (env.NODE_ENV === "test") {
      return { keys: { dev: developmentKey("data key") }, currentKeyId: "dev", hmacKey: developmentKey("hmac key") };
    }
    return { keyFile: path.join(path.dirname(path.resolve(env.PGLITE_DIR)), "encryption-keys.json") };
  }
  return {
    keys: env.REPORT_ENCRYPTION_KEYS,
    // Without a name, the first key listed is the current one.
    currentKeyId: env.REPORT_ENCRYPTION_KEY_ID ?? Object.keys(env.REPORT_ENCRYPTION_KEYS)[0]!,
    hmacKey: env.REPORT_HMAC_KEY ?? developmentKey("hmac key"),
  };
}

export type Config = ReturnType<typeof loadConfig>;

export class ConfigError extends Error {}

/** The process environment, with a .env file in the working directory loaded first if there is one. */
export function processEnvironment(): Record<string, string | undefined> {
  if (existsSync(".env")) process.loadEnvFile(".env");
  return process.env;
}

/** Reads and checks the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = processEnvironment()) {
  // An empty variable means "not set", as in most .env tooling.
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = schema.safeParse(given);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === "production";
  return {
    env: e.NODE_ENV,
    production,
    host: e.HOST,
    port: e.PORT,
    logLevel: e.NODE_ENV === "test" && !env.LOG_LEVEL ? ("silent" as const) : e.LOG_LEVEL,
    database: e.DATABASE_URL
      ? {
          kind: "postgres" as const,
          url: e.DATABASE_URL,
          poolMax: e.DB_POOL_MAX,
          connectionTimeoutMs: e.DB_CONNECTION_TIMEOUT_MS,
          idleTimeoutMs: e.DB_IDLE_TIMEOUT_MS,
        }
      : { kind: "pglite" as const, dir: e.PGLITE_DIR },
    // Outside production a fixed development secret keeps sessions across restarts.
    sessionSecret: e.SESSION_SECRET ?? "development-only-session-secret-not-for-production",
    trustProxy: e.TRUST_PROXY,
    mfaRequired: e.MFA_REQUIRED ?? production,
    seedDemoPassword: e.SEED_DEMO_PASSWORD,
    // Where emails' links point; outside production, this machine.
    publicBaseUrl: e.PUBLIC_BASE_URL ?? (production ? undefined : `http://localhost:${e.PORT}`),
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    reminders: { daysBefore: e.REMINDER_DAYS_BEFORE, checkMinutes: e.REMINDER_CHECK_MINUTES },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    // Sign-in and second-factor attempts from one address in 15 minutes, whichever accounts they name.
    signInLimit: { max: e.SIGN_IN_LIMIT_PER_IP, windowMs: 15 * 60_000 },
    // Rendered public pages are reused for this long unless data changes; off outside production.
    publicPageCacheSeconds: e.PUBLIC_PAGE_CACHE_SECONDS ?? (production ? 60 : 0),
    // Keys for everything encrypted in the application (services/encryption.ts: reports, their
    // messages and drafts, second-factor secrets, kept forms, emails' values) and its look-up
    // hashes; or, outside production without them, the key file to read at start-up.
    encryption: encryptionKeys(e),
    reports: {
      // Personal data of a report is deleted this long after its case closes (or it was received,
      // for a report made only for the partnership's figures).
      retentionMonths: e.REPORT_RETENTION_MONTHS,
      // Told of each new report (as are coordinators), with its reference and nothing else.
      notifyEmail: e.REPORTS_NOTIFY_EMAIL,
    },
    // Where npm run db:backup writes (db/backup.ts).
    backupDir: e.BACKUP_DIR,
    // /metrics for Prometheus: on the main port for this bearer token, or on a port of its own
    // (then never on the main port); neither set, no metrics endpoint.
    metrics: { token: e.METRICS_TOKEN, port: e.METRICS_PORT },
    // The languages the public site offers, English first (README, Languages).
    publicLanguages: [DEFAULT_LANGUAGE, ...e.PUBLIC_LANGUAGES.filter((code) => code !== DEFAULT_LANGUAGE)],
  };
}

export type DatabaseConfig = Config["database"];
