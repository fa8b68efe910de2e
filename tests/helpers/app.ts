// Builds the real app on a test database, with real services.
import { createHash } from "node:crypto";
import type { RequestListener } from "node:http";
import { JSDOM } from "jsdom";
import { createApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import type { Database } from "../../src/db/database.ts";
import { type JobOptions, startJobs } from "../../src/jobs/index.ts";
import { createLogger } from "../../src/logger.ts";
import { services } from "../../src/services/index.ts";

/** Keys for data encrypted in the application, which production requires: fixed ones for tests. */
const TEST_DATA_KEYS = {
  REPORT_ENCRYPTION_KEYS: `test:${Buffer.alloc(32, 7).toString("base64")}`,
  REPORT_HMAC_KEY: Buffer.alloc(32, 8).toString("base64"),
};

export function testConfig(env: Record<string, string> = {}) {
  const config = loadConfig({ NODE_ENV: "test", ...(env.NODE_ENV === "production" ? TEST_DATA_KEYS : {}), ...env });
  // Tests never read or make a key file: NODE_ENV=test has fixed keys, production those above.
  if ("keyFile" in config.encryption) throw new Error(`tests need their keys given, not ${config.encryption.keyFile}`);
  return { ...config, encryption: config.encryption };
}

/**
 * The real app and services on `db`. Its background jobs run only once `startJobs` is called
 * (until then emails are recorded and wait); `stopJobs` before closing the database.
 */
export function testApp(db: Database, env: Record<string, string> = {}) {
  // Production runs behind a TLS proxy, whose partner area answers only over HTTPS: unless a test
  // says otherwise, one proxy is trusted and every request came through it over HTTPS.
  const production = env.NODE_ENV === "production";
  const config = testConfig(production ? { TRUST_PROXY: "1", ...env } : env);
  const logger = createLogger("silent");
  const built = services(db, { config, logger, queue: { pollingIntervalSeconds: 0.5 } });
  const app = createApp({ services: built, config, logger });
  return {
    app: production ? overHttps(app) : app,
    services: built,
    config,
    // Retries a second apart, doubling, so a test sees them.
    startJobs: (options: JobOptions = {}) => startJobs(built, config, { emailRetryDelaySeconds: 1, ...options }),
    stopJobs: () => built.queue.stop(5_000),
  };
}

/**
 * The app as a browser reaches it through a TLS proxy: a request that does not say otherwise
 * came over HTTPS. The test's client itself talks plain HTTP, and would never send a Secure
 * cookie back as a browser over HTTPS does, so such a request's cookies come back without the
 * flag (tests/integration/session-cookie.test.ts checks it, saying X-Forwarded-Proto itself).
 */
function overHttps(app: RequestListener): RequestListener {
  return (req, res) => {
    if (req.headers["x-forwarded-proto"] === undefined) {
      req.headers["x-forwarded-proto"] = "https";
      const setHeader = res.setHeader.bind(res);
      res.setHeader = (name, value) => {
        const unsecured = (cookie: string) => cookie.replace(/; Secure/i, "");
        if (name.toLowerCase() !== "set-cookie") return setHeader(name, value);
        return setHeader(name, Array.isArray(value) ? value.map(unsecured) : unsecured(String(value)));
      };
    }
    app(req, res);
  };
}

/** The CSP source for each inline script in a page ('sha256-…'), to check the policy allows exactly these. */
export function inlineScriptHashes(html: string): string[] {
  const scripts = new JSDOM(html).window.document.querySelectorAll("script:not([src])");
  return [...scripts].map(
    (s) =>
      `'sha256-${createHash("sha256")
        .update(s.textContent ?? "")
        .digest("base64")}'`,
  );
}
