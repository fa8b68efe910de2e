// npm run db:migrate | db:seed
import { loadConfig } from "../config.ts";
import { createLogger } from "../logger.ts";
import { openDatabase } from "./database.ts";
import { migrate } from "./migrate.ts";
import { seed } from "./seed.ts";
import { printDemoSignIns } from "./start.ts";

const command = process.argv[2];
const config = loadConfig();
const logger = createLogger(config.logLevel);
const db = await openDatabase(config.database, logger);
try {
  const migrated = await migrate(db);
  logger.info({ database: db.description, applied: migrated.applied }, "migrations up to date");
  if (command === "seed") {
    const result = await seed(db.prisma, { production: config.production, demoPassword: config.seedDemoPassword });
    logger.info({ ...result, demo: undefined }, "seed complete");
    printDemoSignIns(result.demo);
  } else if (command !== "migrate") {
    throw new Error(`Unknown command ${command}; use migrate or seed`);
  }
} finally {
  await db.close();
}
