// Starts the portal: config, database (migrated, seeded on first start), background jobs, HTTP
// server, and a graceful shutdown that finishes in-flight requests and jobs before closing the
// database.
import { createServer } from "node:http";
import { createApp } from "./app.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { openDatabase } from "./db/database.ts";
import { encryptionKeysAtStart } from "./db/key-file.ts";
import { prepareDatabase } from "./db/start.ts";
import { startJobs } from "./jobs/index.ts";
import { createLogger } from "./logger.ts";
import { services as buildServices } from "./services/index.ts";

/** How long /health/ready says "not ready" before a SIGTERM stops accepting connections. */
const DRAIN_MS = 2_000;

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee .env.example for every setting.\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const encryption = await encryptionKeysAtStart(config.encryption, logger);
  const db = await openDatabase(config.database, logger);
  logger.info({ database: db.description }, `using ${db.description}`);
  await prepareDatabase(db, logger, { production: config.production, demoPassword: config.seedDemoPassword });

  const services = buildServices(db, { config: { ...config, encryption }, logger });
  const encrypted = await services.twoFactor.encryptPlaintextSecrets();
  if (encrypted) logger.info({ accounts: encrypted }, "second-factor secrets stored in clear are now encrypted");
  if (!config.smtpUrl) {
    const where = "emails are written to the log and listed on the Emails page, not sent";
    if (config.production) logger.warn(`SMTP_URL is not set: ${where}`);
    else logger.info(`no SMTP_URL: ${where}`);
  }
  await startJobs(services, config);
  const app = createApp({ services, config, logger });
  // While shutting down, every response closes its connection, so keep-alive clients reconnect
  // to another instance instead of holding this one open.
  let stopping = false;
  const server = createServer((req, res) => {
    if (stopping) res.setHeader("Connection", "close");
    app(req, res);
  });
  server.keepAliveTimeout = 5_000;
  server.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : config.port;
    logger.info({ port }, `RHINS portal listening on http://localhost:${port}`);
  });

  // SIGTERM (an orchestrator replacing this instance): /health/ready fails at once while pages are
  // still served for a short drain period, so load balancers stop sending traffic here; then no
  // new connections are accepted, requests in flight finish, and the database is closed last.
  // SIGINT (Ctrl-C) skips the drain period. Whatever happens, the process is gone within
  // SHUTDOWN_TIMEOUT_MS.
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    services.health.startDraining();
    const drainMs = signal === "SIGTERM" ? Math.min(DRAIN_MS, Math.floor(config.shutdownTimeoutMs / 4)) : 0;
    logger.info({ signal, drainMs }, "shutting down: not ready, finishing in-flight requests");
    const force = setTimeout(() => {
      logger.error("shutdown took too long; exiting");
      process.exit(1);
    }, config.shutdownTimeoutMs);
    force.unref();
    setTimeout(() => {
      // Keep-alive connections idle now, or idle once their last request finishes, would hold
      // close() open: close them as they become idle. Requests in flight still finish.
      const idle = setInterval(() => server.closeIdleConnections(), 100);
      server.close(async () => {
        clearInterval(idle);
        try {
          // Jobs running now finish; one that cannot in time is retried by the next instance.
          await services.queue.stop(Math.floor(config.shutdownTimeoutMs / 2));
        } catch (err) {
          logger.warn({ err: err instanceof Error ? err.message : String(err) }, "jobs did not stop cleanly");
        }
        try {
          await db.close();
        } catch (err) {
          logger.warn({ err: err instanceof Error ? err.message : String(err) }, "database did not close cleanly");
        }
        logger.info("stopped");
        process.exit(0);
      });
      server.closeIdleConnections();
    }, drainMs);
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((err) => {
  process.stderr.write(`The portal could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
