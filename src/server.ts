// Starts the portal: config, database (migrated, seeded on first start), background jobs, HTTP
// server, and a graceful shutdown that finishes in-flight requests and jobs before closing the
// database.
import { type Server, createServer } from "node:http";
import { createApp } from "./app.ts";
import { ConfigError, type DatabaseConfig, loadConfig } from "./config.ts";
import { type Database, openDatabase } from "./db/database.ts";
import { encryptionKeysAtStart } from "./db/key-file.ts";
import { prepareDatabase } from "./db/start.ts";
import { startJobs } from "./jobs/index.ts";
import { createLogger } from "./logger.ts";
import { metricsServer } from "./middleware/metrics.ts";
import { httpsWarning } from "./middleware/session.ts";
import { type Services, services as buildServices } from "./services/index.ts";
import { startUpFailure } from "./start-up-error.ts";

/** How long /health/ready says "not ready" before a SIGTERM stops accepting connections. */
const DRAIN_MS = 2_000;

/** What start-up has opened so far, closed again if it fails (with the embedded database's lock). */
const opened: { database?: DatabaseConfig; db?: Database; jobs?: Services["queue"] } = {};

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
  opened.database = config.database;
  const logger = createLogger(config.logLevel, undefined, { production: config.production });
  // The database first: a folder another process has, or cannot be written, is refused at once.
  const db = await openDatabase(config.database, logger);
  opened.db = db;
  const encryption = await encryptionKeysAtStart(config.encryption, logger);
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
  const https = httpsWarning(config);
  if (https) logger.warn(https);
  const stopListening = await services.listenForChanges();
  const app = createApp({ services, config, logger });
  // While shutting down, every response closes its connection, so keep-alive clients reconnect
  // to another instance instead of holding this one open.
  let stopping = false;
  const server = createServer((req, res) => {
    if (stopping) res.setHeader("Connection", "close");
    app(req, res);
  });
  server.keepAliveTimeout = 5_000;
  listenOrFail(server, "PORT", config.port, config.host, (port) =>
    logger.info({ port }, `RHINS portal listening on http://localhost:${port}`),
  );
  // METRICS_PORT: /metrics on a port of its own, which only Prometheus should be able to reach.
  const metrics = config.metrics.port === undefined ? undefined : metricsServer(services.metrics, config.metrics.token);
  if (metrics) {
    listenOrFail(metrics, "METRICS_PORT", config.metrics.port!, config.host, (port) =>
      logger.info({ metricsPort: port }, `metrics on http://localhost:${port}/metrics`),
    );
  }
  // The jobs start once the portal listens: the first page need not wait for the queue and its
  // schedules (an email asked for meanwhile is recorded and waits for them), but /health/ready
  // does. Instances set up their queues one at a time: pg-boss creating the same queues from two
  // at once can deadlock.
  const jobsStarting = db
    .oneAtATime("job set-up", () => startJobs(services, config))
    .then(() => {
      opened.jobs = services.queue;
    });
  services.health.notReadyUntil(jobsStarting, "starting background jobs");
  jobsStarting.catch((err) => failed(startUpFailure(err, opened.database)));

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
      metrics?.close();
      metrics?.closeIdleConnections();
      server.close(async () => {
        clearInterval(idle);
        try {
          // Jobs running now finish; one that cannot in time is retried by the next instance.
          await jobsStarting.catch(() => {});
          await services.queue.stop(Math.floor(config.shutdownTimeoutMs / 2));
        } catch (err) {
          logger.warn({ err: err instanceof Error ? err.message : String(err) }, "jobs did not stop cleanly");
        }
        try {
          await stopListening();
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

/** Listens, or ends start-up with one line naming the setting when the port cannot be had. */
function listenOrFail(server: Server, setting: string, port: number, host: string, listening: (port: number) => void) {
  server.once("error", (err: NodeJS.ErrnoException) => {
    const where = `Port ${port}`;
    void failed(
      err.code === "EADDRINUSE"
        ? `${where} is already in use on ${host}: set ${setting} to another port or stop the other process`
        : err.code === "EACCES"
          ? `${where} on ${host} is not open to this user: set ${setting} to one above 1023`
          : startUpFailure(err),
    );
  });
  server.listen(port, host, () => {
    const address = server.address();
    listening(typeof address === "object" && address ? address.port : port);
  });
}

/** Ends a failed start-up: one line saying why, whatever was opened closed, exit code 1. */
async function failed(reason: string): Promise<void> {
  process.stderr.write(`The portal could not start: ${reason}\n`);
  const briefly = (closing: Promise<unknown>) =>
    Promise.race([closing.catch(() => {}), new Promise((resolve) => setTimeout(resolve, 2_000))]);
  if (opened.jobs) await briefly(opened.jobs.stop(1_000));
  if (opened.db) await briefly(opened.db.close());
  process.exit(1);
}

main().catch((err) => failed(startUpFailure(err, opened.database)));
