// A fresh, migrated database for one test file: in-memory PGlite by default, or a new database
// on the Postgres server named by TEST_DATABASE_URL (dropped again on close).
import { randomBytes } from "node:crypto";
import pg from "pg";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { migrate } from "../../src/db/migrate.ts";

export const serverUrl = process.env.TEST_DATABASE_URL || undefined;

export async function testDatabase(options: { server?: string | null; migrated?: boolean } = {}): Promise<Database> {
  const url = options.server === undefined ? serverUrl : (options.server ?? undefined);
  const db = url ? await openServerDatabase(url) : await openDatabase({ kind: "pglite-memory" });
  if (options.migrated !== false) await migrate(db);
  return db;
}

/** Opens a brand-new database on the server and drops it when the test closes it. */
async function openServerDatabase(serverUrl: string): Promise<Database> {
  const name = `rhins_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({
    kind: "postgres",
    url: url.toString(),
    poolMax: 5,
    connectionTimeoutMs: 3_000,
    idleTimeoutMs: 10_000,
  });
  return {
    ...db,
    async close() {
      await db.close();
      const dropper = new pg.Client({ connectionString: serverUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  };
}
