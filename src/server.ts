// Starts the portal: config, database (migrated, seeded on first start), HTTP server, and a
// graceful shutdown that finishes in-flight requests before closing the database.
import { createServer } from "node:http";
import { createApp } from "./app.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { openDatabase } from "./db/database.ts";
import { prepareDatabase } from "./db/start.ts";
import { createLogger } from "./logger.ts";
import { services as buildServices } from "./services/index.ts";

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
  const db = await openDatabase(config.database, logger);
  logger.info({ database: db.description }, `using ${db.description}`);
  await prepareDatabase(db, logger, { production: config.production, demoPassword: config.seedDemoPassword });

  const services = buildServices(db, { config, logger });
  const app = createApp({ services, config, logger });
  const server = createServer(app);
  server.keepAliveTimeout = 5_000;
  server.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : config.port;
    logger.info({ port }, `RHINS portal listening on http://localhost:${port}`);
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down: finishing in-flight requests");
    services.health.startDraining();
    const force = setTimeout(() => {
      logger.error("shutdown took too long; exiting");
      process.exit(1);
    }, config.shutdownTimeoutMs);
    force.unref();
    server.close(async () => {
      await db.close();
      logger.info("stopped");
      process.exit(0);
    });
    // Idle keep-alive connections would hold close() open; in-flight requests still finish.
    server.closeIdleConnections();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((err) => {
  process.stderr.write(`The portal could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
