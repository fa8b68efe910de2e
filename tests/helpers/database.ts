// A fresh, migrated database for one test file: in-memory PGlite by default, or a new database
// on the Postgres server named by TEST_DATABASE_URL (dropped again on close).
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { LISTENER_APPLICATION_NAME } from "../../src/db/change-listener.ts";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { MIGRATIONS_DIR, migrate } from "../../src/db/migrate.ts";

export const serverUrl = process.env.TEST_DATABASE_URL || undefined;

const MIGRATE_CODE = fileURLToPath(new URL("../../src/db/migrate.ts", import.meta.url));
const PGLITE_PACKAGE = fileURLToPath(new URL("../../node_modules/@electric-sql/pglite/package.json", import.meta.url));

/** A test database; `url` is set when it is on a Postgres server (for tools such as pg_dump). */
export type TestDatabase = Database & { url?: string };

export async function testDatabase(
  options: { server?: string | null; migrated?: boolean } = {},
): Promise<TestDatabase> {
  const url = options.server === undefined ? serverUrl : (options.server ?? undefined);
  if (url) {
    const db = await openServerDatabase(url);
    if (options.migrated !== false) await migrate(db);
    return db;
  }
  if (options.migrated === false) return openDatabase({ kind: "pglite-memory" });
  return openDatabase({ kind: "pglite-memory", loadDataDir: await migratedPglite() });
}

/**
 * An embedded database with every migration applied, as a data-folder tarball: made by the first
 * test file that needs it and kept in the temporary folder under a hash of the migrations, then
 * loaded by the rest (under a second, where migrating takes two to four).
 */
async function migratedPglite(): Promise<Blob> {
  // What makes the folder: the migrations, the code applying them, and PGlite's own version.
  const hash = createHash("sha256")
    .update(await readFile(MIGRATE_CODE))
    .update(await readFile(PGLITE_PACKAGE));
  for (const name of (await readdir(MIGRATIONS_DIR, { recursive: true })).sort()) {
    const file = path.join(MIGRATIONS_DIR, name);
    if ((await stat(file)).isFile()) hash.update(name).update(await readFile(file));
  }
  const file = path.join(tmpdir(), `rhins-test-pglite-${hash.digest("hex").slice(0, 16)}.tar.gz`);
  const saved = await readFile(file).catch(() => undefined);
  if (saved) return new Blob([saved]);
  const db = await openDatabase({ kind: "pglite-memory" });
  try {
    await migrate(db);
    await db.withConnection((c) => c.exec("CHECKPOINT"));
    const tarball = await db.dumpDataDir!();
    // Written aside and renamed, so a test file starting alongside never reads half of it.
    const partial = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
    await writeFile(partial, Buffer.from(await tarball.arrayBuffer()));
    await rename(partial, file);
    return tarball;
  } finally {
    await db.close();
  }
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
