// npm run db:backup and npm run db:restore FILE, run as the commands they are (src/db/cli.ts in a
// child process), on the Postgres server when TEST_DATABASE_URL is set and on an embedded
// database folder otherwise: a seeded database with a report comes back whole, table by table,
// and a restore into a database that is not empty is refused without touching it.
import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../../src/db/database.ts";
import { migrate } from "../../src/db/migrate.ts";
import { seed } from "../../src/db/seed.ts";
import { createLogger } from "../../src/logger.ts";
import { services } from "../../src/services/index.ts";
import { testConfig } from "../helpers/app.ts";
import { serverUrl, testDatabase } from "../helpers/database.ts";
import { newReport } from "../helpers/reports.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Runs `src/db/cli.ts <args>` with exactly these database settings. */
function cli(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "src/db/cli.ts", ...args],
      { cwd: ROOT, env: { ...process.env, NODE_ENV: "test", DATABASE_URL: "", PGLITE_DIR: "", ...env } },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Every table in the database with its row count and a digest of all its rows. */
async function everyTable(db: Database) {
  return db.withConnection(async (conn) => {
    const tables = await conn.query<{ table_schema: string; table_name: string }>(
      `SELECT table_schema, table_name FROM information_schema.tables
        WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
        ORDER BY table_schema, table_name`,
    );
    const digests: Record<string, { rows: number; md5: string }> = {};
    for (const { table_schema, table_name } of tables) {
      const [digest] = await conn.query<{ rows: number; md5: string }>(
        `SELECT count(*)::int AS rows, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS md5
           FROM "${table_schema}"."${table_name}" t`,
      );
      digests[`${table_schema}.${table_name}`] = digest!;
    }
    return digests;
  });
}

/** A database for the portal's settings: a new one on the server, or a folder for PGlite. */
interface Place {
  env: Record<string, string>;
  open(): Promise<Database>;
  dispose(): Promise<void>;
}

let workDir: string;
const places: Place[] = [];

async function newPlace(): Promise<Place> {
  let place: Place;
  if (serverUrl) {
    const db = await testDatabase({ migrated: false });
    place = {
      env: { DATABASE_URL: db.url! },
      open: () => openDatabase({ kind: "postgres", url: db.url!, poolMax: 2, connectionTimeoutMs: 3_000, idleTimeoutMs: 10_000 }), // prettier-ignore
      dispose: () => db.close(),
    };
  } else {
    const dir = path.join(workDir, `pglite-${places.length}`);
    place = {
      env: { PGLITE_DIR: dir },
      open: () => openDatabase({ kind: "pglite", dir }),
      dispose: () => rm(dir, { recursive: true, force: true }),
    };
  }
  places.push(place);
  return place;
}

let source: Place;
let before: Awaited<ReturnType<typeof everyTable>>;
let backupDir: string;

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), "rhins-backup-"));
  backupDir = path.join(workDir, "backups");
  source = await newPlace();
  const db = await source.open();
  try {
    await migrate(db);
    await seed(db.prisma, { production: true });
    await services(db, { config: testConfig(), logger: createLogger("silent") }).reports.submit(newReport());
    before = await everyTable(db);
  } finally {
    await db.close();
  }
});

afterAll(async () => {
  for (const place of places) await place.dispose();
  await rm(workDir, { recursive: true, force: true });
});

describe(`backup and restore (${serverUrl ? "Postgres server" : "embedded PGlite"})`, () => {
  let file: string;

  it("writes one backup named with the date and time, readable only by its owner", async () => {
    const result = await cli(["backup"], { ...source.env, BACKUP_DIR: backupDir });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const files = await readdir(backupDir);
    expect(files).toHaveLength(1);
    const suffix = serverUrl ? "\\.dump" : "\\.pglite\\.tar\\.gz";
    expect(files[0]).toMatch(new RegExp(`^rhins-\\d{4}-\\d\\d-\\d\\dT\\d{6}Z${suffix}$`));
    file = path.join(backupDir, files[0]!);
    expect(result.stdout.trim()).toBe(`Backup written to ${file}`);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  }, 60_000);

  it("restores into an empty database every table, row for row, and the portal's migrations are up to date", async () => {
    const target = await newPlace();
    const result = await cli(["restore", file], target.env);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const db = await target.open();
    try {
      const after = await everyTable(db);
      expect(Object.keys(after)).toEqual(Object.keys(before));
      expect(after).toEqual(before);
      expect(before["public.Agency"]?.rows).toBeGreaterThan(0);
      expect(before["public.IncidentReport"]?.rows).toBe(1);
      expect((await migrate(db)).applied).toEqual([]);
    } finally {
      await db.close();
    }
  }, 60_000);

  it("refuses to restore into a database that holds data, and leaves it as it was", async () => {
    const result = await cli(["restore", file], source.env);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/is not empty/);
    const db = await source.open();
    try {
      expect(await everyTable(db)).toEqual(before);
    } finally {
      await db.close();
    }
  }, 60_000);
});
