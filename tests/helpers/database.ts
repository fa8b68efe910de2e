// A fresh, migrated database for one test file: in-memory PGlite by default, or a new database
// on the Postgres server named by TEST_DATABASE_URL (dropped again on close).
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { LISTENER_APPLICATION_NAME } from "../../src/db/change-listener.ts";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { migrate } from "../../src/db/migrate.ts";

export const serverUrl = process.env.TEST_DATABASE_URL || undefined;

/** A test database; `url` is set when it is on a Postgres server (for tools such as pg_dump). */
export type TestDatabase = Database & { url?: string };

export async function testDatabase(
  options: { server?: string | null; migrated?: boolean } = {},
): Promise<TestDatabase> {
  const url = options.server === undefined ? serverUrl : (options.server ?? undefined);
  const db = url ? await openServerDatabase(url) : await openDatabase({ kind: "pglite-memory" });
  if (options.migrated !== false) await migrate(db);
  return db;
}

async function adminQuery(serverUrl: string, sql: string) {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

async function createServerDatabase(serverUrl: string) {
  const name = `rhins_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    open: () =>
      openDatabase({
        kind: "postgres",
        url: url.toString(),
        poolMax: 5,
        connectionTimeoutMs: 3_000,
        idleTimeoutMs: 10_000,
      }),
    drop: () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** Opens a brand-new database on the server and drops it when the test closes it. */
async function openServerDatabase(serverUrl: string): Promise<TestDatabase> {
  const created = await createServerDatabase(serverUrl);
  const db = await created.open();
  return {
    ...db,
    url: created.url,
    async close() {
      await db.close();
      await created.drop();
    },
  };
}

/**
 * A database that can be closed and opened again, as across an app restart: a PGlite folder,
 * or a database on the TEST_DATABASE_URL server. `dispose` removes it.
 */
export async function reopenableDatabase() {
  if (serverUrl) {
    const created = await createServerDatabase(serverUrl);
    return { open: created.open, dispose: created.drop };
  }
  const dir = await mkdtemp(path.join(tmpdir(), "rhins-pglite-"));
  return {
    open: () => openDatabase({ kind: "pglite", dir }),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Cuts every portal's change-listening connection to this database, as a network fault would; how many were cut. */
export async function cutChangeListeners(db: Database): Promise<number> {
  const [ended] = await db.withConnection((c) =>
    c.query<{ count: string }>(
      `SELECT count(pg_terminate_backend(pid)) AS count FROM pg_stat_activity
        WHERE application_name = $1 AND datname = current_database()`,
      [LISTENER_APPLICATION_NAME],
    ),
  );
  return Number(ended!.count);
}
