// Brings a database to a usable state: pending migrations applied, and the seed loaded when the
// database is empty (its first start).
import type { Logger } from "pino";
import type { Database } from "./database.ts";
import { migrate } from "./migrate.ts";
import { seed, type SeedOptions } from "./seed.ts";

export async function prepareDatabase(db: Database, logger: Logger, seedOptions: SeedOptions): Promise<void> {
  const { applied, modified } = await migrate(db);
  if (applied.length) logger.info({ applied }, "database migrations applied");
  if (modified.length) logger.warn({ modified }, "applied migrations have changed since they ran");
  if ((await db.prisma.agency.count()) === 0) {
    const result = await seed(db.prisma, seedOptions);
    logger.info({ ...result, demo: undefined }, "empty database seeded with the 2023/24 plan");
    printDemoSignIns(result.demo);
  }
}

/** Printed once, when the demo accounts are created, so a newcomer can sign in. */
export function printDemoSignIns(demo: Awaited<ReturnType<typeof seed>>["demo"]): void {
  if (!demo) return;
  const lines = [
    "",
    "Demo sign-ins (not created in production). This password is shown only once:",
    ...demo.emails.map((email) => `  ${email}`),
    `  password: ${demo.password}`,
    "",
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}
