// npm run db:backup and npm run db:restore FILE. A Postgres server is backed up with pg_dump in
// its custom format (one consistent snapshot, so the portal may keep running) and restored with
// pg_restore in one transaction. The embedded database is backed up as a gzipped tarball of its
// data folder, taken by the one process that may open it (the portal must be stopped), and
// restored by PGlite into a new folder. A restore goes only into an empty database, so it never
// mixes a backup with other data. The encryption keys are never in a backup: they are kept apart.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, link, mkdir, open, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { DatabaseConfig } from "../config.ts";
import { openDatabase } from "./database.ts";

/** A backup or restore that cannot go ahead; the message is one line saying why. */
export class BackupError extends Error {}

type PostgresConfig = Extract<DatabaseConfig, { kind: "postgres" }>;
type PgliteConfig = Extract<DatabaseConfig, { kind: "pglite" }>;

/** rhins-2026-12-06T221503Z.dump: sorts by time, and has no colons (not allowed in Windows names). */
export function backupFileName(database: DatabaseConfig, now: Date): string {
  const iso = now.toISOString();
  const stamp = `${iso.slice(0, 10)}T${iso.slice(11, 19).replaceAll(":", "")}Z`;
  return `rhins-${stamp}${database.kind === "postgres" ? ".dump" : ".pglite.tar.gz"}`;
}

/** Writes a backup of the database into `dir` and returns its path. */
export async function backup(database: DatabaseConfig, dir: string, now = new Date()): Promise<string> {
  // A backup holds the partners' accounts and the encrypted reports: for its owner's eyes only.
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, backupFileName(database, now));
  // Written under another name first, so a backup cut short never looks like a whole one.
  const partial = `${file}.partial`;
  try {
    if (database.kind === "postgres") await dumpPostgres(database, partial);
    else await dumpPglite(database, partial);
    await chmod(partial, 0o600);
    await link(partial, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") throw new BackupError(`${file} already exists`);
    throw err;
  } finally {
    await rm(partial, { force: true });
  }
  return file;
}

/** Restores a backup made by `backup` into an empty database; refuses any other. */
export async function restore(database: DatabaseConfig, file: string): Promise<void> {
  const kind = await backupKind(file);
  if (database.kind === "postgres") {
    if (kind !== "postgres") {
      throw new BackupError(`${file} is an embedded database backup: restore it with DATABASE_URL empty`);
    }
    await restorePostgres(database, file);
  } else {
    if (kind !== "pglite") {
      throw new BackupError(`${file} is a Postgres server backup: restore it with DATABASE_URL set`);
    }
    await restorePglite(database, file);
  }
}

async function backupKind(file: string): Promise<"postgres" | "pglite"> {
  let handle;
  try {
    handle = await open(file, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new BackupError(`There is no backup file ${file}`);
    throw err;
  }
  const start = Buffer.alloc(5);
  try {
    await handle.read(start, 0, start.length, 0);
  } finally {
    await handle.close();
  }
  if (start.toString("latin1") === "PGDMP") return "postgres"; // pg_dump's custom format
  if (start[0] === 0x1f && start[1] === 0x8b) return "pglite"; // gzip
  throw new BackupError(`${file} is not a backup made by npm run db:backup`);
}

// ---------------------------------------------------------------------------------------------
// Postgres server: pg_dump and pg_restore. The password goes to them in PGPASSWORD, never on
// the command line, where other users of the machine could read it.

function withoutPassword(url: string): { url: string; password?: string } {
  const parsed = new URL(url);
  const password = parsed.password ? decodeURIComponent(parsed.password) : undefined;
  parsed.password = "";
  return { url: parsed.toString(), password };
}

function runTool(tool: string, args: string[], password: string | undefined): Promise<void> {
  const env = { ...process.env, ...(password === undefined ? {} : { PGPASSWORD: password }) };
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.once("error", (err) => {
      const missing = (err as NodeJS.ErrnoException).code === "ENOENT";
      reject(
        missing
          ? new BackupError(`${tool} was not found: install the Postgres client tools (Debian: postgresql-client)`)
          : err,
      );
    });
    child.once("close", (code) => {
      if (code === 0) return resolve();
      const why = stderr.trim().split("\n").at(-1) ?? "";
      reject(new BackupError(`${tool} failed (exit code ${code})${why ? `: ${why}` : ""}`));
    });
  });
}

async function dumpPostgres(database: PostgresConfig, file: string) {
  const { url, password } = withoutPassword(database.url);
  await runTool("pg_dump", ["--format=custom", `--file=${file}`, `--dbname=${url}`], password);
}

async function restorePostgres(database: PostgresConfig, file: string) {
  const db = await openDatabase(database);
  try {
    const rows = await db.withConnection((conn) =>
      conn.query<{ tables: number }>(
        `SELECT count(*)::int AS tables FROM pg_catalog.pg_class c
           JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
            AND n.nspname NOT LIKE 'pg\\_toast%'`,
      ),
    );
    const tables = rows[0]?.tables ?? 0;
    if (tables > 0) {
      throw new BackupError(
        `${db.description} is not empty (${tables} tables): restore only into a new, empty database`,
      );
    }
  } finally {
    await db.close();
  }
  const { url, password } = withoutPassword(database.url);
  // One transaction: a restore that fails part way leaves the database as empty as it was.
  // Owners and grants are those of whoever restores, as the server's roles may differ.
  await runTool(
    "pg_restore",
    ["--single-transaction", "--exit-on-error", "--no-owner", "--no-acl", `--dbname=${url}`, file],
    password,
  );
}

// ---------------------------------------------------------------------------------------------
// Embedded database (PGlite), opened through openDatabase like the portal, so a running portal
// keeps it to itself.

async function dumpPglite(database: PgliteConfig, file: string) {
  const dir = path.resolve(database.dir);
  // Opening a folder with no database would make a new, empty one and back that up.
  if (!existsSync(path.join(dir, "PG_VERSION"))) throw new BackupError(`There is no embedded database in ${dir}`);
  const db = await openDatabase(database);
  try {
    // Everything written so far goes into the data files, so the copy needs no recovery.
    await db.withConnection((conn) => conn.exec("CHECKPOINT"));
    const tarball = await db.dumpDataDir!();
    await writeFile(file, Buffer.from(await tarball.arrayBuffer()), { mode: 0o600 });
  } finally {
    await db.close();
  }
}

async function restorePglite(database: PgliteConfig, file: string) {
  const dir = path.resolve(database.dir);
  const entries = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return [];
    throw err;
  });
  if (entries.length > 0) {
    throw new BackupError(
      `The embedded database folder ${dir} is not empty: restore only into a new folder (set PGLITE_DIR, or move this one aside)`,
    );
  }
  const db = await openDatabase({ kind: "pglite", dir, loadDataDir: new Blob([await readFile(file)]) });
  try {
    await db.ping();
  } finally {
    await db.close();
  }
}
