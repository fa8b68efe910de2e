// Opens the partnership's database: a Postgres server through pg + @prisma/adapter-pg, or the
// embedded PGlite when no DATABASE_URL is set. Nothing outside src/db knows which one it is.
import { createHash } from "node:crypto";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import type PgBoss from "pg-boss";
import type { Logger } from "pino";
import type { DatabaseConfig } from "../config.ts";
import { type StopListening, listenOnPglite, listenOnPostgres } from "./change-listener.ts";
import { lockPgliteFolder } from "./pglite-lock.ts";
import { PrismaClient } from "../generated/prisma/client.ts";

/** Plain SQL on one connection, for the migrator (scripts need the driver's simple query). */
export interface SqlConnection {
  exec(script: string): Promise<void>;
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
}

export interface Database {
  prisma: PrismaClient;
  /** Human description for the start-up log, without credentials. */
  description: string;
  withConnection<T>(fn: (conn: SqlConnection) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` while holding the database-wide lock named `name`, so instances starting together
   * do it one after another (a session advisory lock; PGlite has one process, so just runs it).
   */
  oneAtATime<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /** How the job queue (src/jobs/queue.ts) reaches this database: its own small pool, or PGlite itself. */
  jobConnection: PgBoss.DatabaseOptions;
  /** Resolves when the database answers; rejects otherwise. */
  ping(): Promise<void>;
  /**
   * Calls `onChange` whenever a change to data public pages show commits, by any instance or by
   * hand, and whenever listening (re)starts (db/change-listener.ts); stop before close().
   */
  listen(onChange: () => void): Promise<StopListening>;
  /** The connection pool now, for the metrics (a Postgres server only; PGlite has one connection). */
  poolStats?(): PoolStats;
  /** The embedded database's whole data folder as a gzipped tarball, for a backup (PGlite only). */
  dumpDataDir?(): Promise<Blob>;
  close(): Promise<void>;
}

export interface PoolStats {
  total: number;
  idle: number;
  /** Queries waiting for a connection. */
  waiting: number;
}

/**
 * `pglite-memory` gives a throw-away in-memory database (tests); `loadDataDir` fills a new PGlite
 * folder from a backup (db/backup.ts), or an in-memory one from a migrated copy (tests).
 */
export type OpenOptions =
  DatabaseConfig | { kind: "pglite-memory"; loadDataDir?: Blob } | { kind: "pglite"; dir: string; loadDataDir: Blob };

export async function openDatabase(options: OpenOptions, logger?: Logger): Promise<Database> {
  return options.kind === "postgres" ? openPostgres(options, logger) : openPglite(options);
}

/**
 * The longest a query may wait for its answer. A query here takes milliseconds; one that has heard
 * nothing for this long is talking to a server that has gone quiet (a network black hole rather
 * than a refused connection), so it fails, its connection is dropped, and the page says "try
 * again" instead of hanging.
 */
export const QUERY_TIMEOUT_MS = 4_000;
/** The job queue's own connections (pg-boss), beside Prisma's pool. */
const JOB_POOL_MAX = 3;
/** Migrations and their advisory lock may legitimately take longer. */
const SCRIPT_TIMEOUT_MS = 30 * 60_000;
const scriptQuery = (text: string, values?: unknown[]) =>
  ({ text, values, query_timeout: SCRIPT_TIMEOUT_MS }) as pg.QueryConfig;

/** Distinct statements each connection may keep prepared; the rest are parsed each time. */
const PREPARED_STATEMENTS_MAX = 500;
const statementNames = new Map<string, string>();

/**
 * Names a query so each connection parses and plans it once, not on every call (parsing unnamed
 * statements was about a sixth of Postgres's time on the case list). A name is the
 * text's hash; past PREPARED_STATEMENTS_MAX texts (an IN list of each length is a text of its own)
 * new ones stay unnamed, so what a connection keeps prepared stays bounded.
 */
function statementName(query: { sql: string }): string {
  let name = statementNames.get(query.sql);
  if (name === undefined && statementNames.size < PREPARED_STATEMENTS_MAX) {
    name = `rhins_${createHash("sha1").update(query.sql).digest("base64url")}`;
    statementNames.set(query.sql, name);
  }
  return name ?? ""; // "" is the protocol's unnamed statement
}

function openPostgres(options: Extract<DatabaseConfig, { kind: "postgres" }>, logger?: Logger): Database {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolMax,
    connectionTimeoutMillis: options.connectionTimeoutMs,
    idleTimeoutMillis: options.idleTimeoutMs,
    query_timeout: QUERY_TIMEOUT_MS,
    // Notice a server that vanished without closing its connections.
    keepAlive: true,
  });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on("error", (err) => logger?.warn({ err: err.message }, "database connection lost"));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { statementNameGenerator: statementName }) });
  const url = new URL(options.url);
  return {
    prisma,
    description: `Postgres server at ${url.hostname}:${url.port || 5432}${url.pathname}`,
    jobConnection: { connectionString: options.url, max: JOB_POOL_MAX },
    async withConnection(fn) {
      const client = await pool.connect();
      try {
        return await fn({
          exec: async (script) => void (await client.query(scriptQuery(script))),
          query: async (text, params) => (await client.query(scriptQuery(text, params))).rows,
        });
      } finally {
        client.release();
      }
    },
    async oneAtATime(name, fn) {
      const client = await pool.connect();
      try {
        await client.query(scriptQuery("SELECT pg_advisory_lock(hashtext($1))", [`rhins:${name}`]));
        try {
          return await fn();
        } finally {
          await client.query("SELECT pg_advisory_unlock(hashtext($1))", [`rhins:${name}`]);
        }
      } finally {
        client.release();
      }
    },
    async ping() {
      await pool.query("SELECT 1");
    },
    listen: (onChange) => listenOnPostgres(options.url, onChange, logger),
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

async function openPglite(options: Exclude<OpenOptions, { kind: "postgres" }>): Promise<Database> {
  let dataDir: string | undefined;
  if (options.kind === "pglite") dataDir = path.resolve(options.dir);
  // This process's alone while open (db/pglite-lock.ts); refused at once if it cannot be written.
  const lock = dataDir === undefined ? undefined : lockPgliteFolder(dataDir);
  // Loaded only here: a portal on a Postgres server never needs the embedded database's code.
  const [{ PGlite }, { PrismaPGlite }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("pglite-prisma-adapter"),
  ]);
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({ dataDir, loadDataDir: "loadDataDir" in options ? options.loadDataDir : undefined });
  } catch (err) {
    lock?.release();
    throw err;
  }
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  const conn: SqlConnection = {
    exec: async (script) => void (await pglite.exec(script)),
    query: async <T>(text: string, params?: unknown[]) => (await pglite.query<T>(text, params)).rows,
  };
  return {
    prisma,
    description: dataDir ? `embedded Postgres (PGlite) in ${dataDir}` : "embedded Postgres (PGlite) in memory",
    withConnection: (fn) => fn(conn),
    oneAtATime: (_name, fn) => fn(),
    // pg-boss sends scripts ("BEGIN; ...; COMMIT") without values, which only exec runs (GUIDE 8).
    jobConnection: {
      db: {
        async executeSql(text: string, values: unknown[]) {
          if (values?.length) return pglite.query(text, values);
          const results = await pglite.exec(text);
          return results.at(-1) ?? { rows: [] };
        },
      },
    },
    async ping() {
      await pglite.query("SELECT 1");
    },
    listen: (onChange) => listenOnPglite(pglite, onChange),
    dumpDataDir: () => pglite.dumpDataDir("gzip"),
    async close() {
      try {
        await prisma.$disconnect();
        await pglite.close();
      } finally {
        lock?.release();
      }
    },
  };
}
