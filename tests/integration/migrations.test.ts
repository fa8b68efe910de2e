import { createHash } from "node:crypto";
import { mkdtemp, mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { migrate, readMigrations } from "../../src/db/migrate.ts";
import { testDatabase } from "../helpers/database.ts";

let db: Database | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

async function tables(database: Database) {
  return database.withConnection((c) =>
    c.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    ),
  );
}

describe("migrations", () => {
  it("build the whole model on an empty database and record themselves as Prisma Migrate does", async () => {
    db = await testDatabase({ migrated: false });
    const result = await migrate(db);
    const files = await readMigrations();
    expect(result.applied).toEqual(files.map((f) => f.name));

    const names = (await tables(db)).map((t) => t.table_name);
    for (const table of [
      "Agency",
      "User",
      "Plan",
      "Objective",
      "Commitment",
      "CommitmentLead",
      "Review",
      "ReviewVersion",
      "Risk",
      "ReportingCentre",
      "SupportService",
      "AuditEvent",
      "WebSession",
      "_prisma_migrations",
    ]) {
      expect(names).toContain(table);
    }

    const rows = await db.withConnection((c) =>
      c.query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
        `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
      ),
    );
    expect(rows).toHaveLength(files.length);
    for (const [i, row] of rows.entries()) {
      const file = files[i]!;
      expect(row.migration_name).toBe(file.name);
      expect(row.checksum).toBe(createHash("sha256").update(file.sql).digest("hex"));
      expect(row.finished_at).not.toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it("apply nothing the second time", async () => {
    db = await testDatabase();
    expect(await migrate(db)).toEqual({ applied: [], modified: [] });
  });

  it("roll back a failing migration completely and say which one failed", async () => {
    db = await testDatabase({ migrated: false });
    const dir = await mkdtemp(path.join(tmpdir(), "rhins-migrations-"));
    await mkdir(path.join(dir, "20990101000000_good"));
    await writeFile(path.join(dir, "20990101000000_good", "migration.sql"), 'CREATE TABLE "Good" (id INT);');
    await mkdir(path.join(dir, "20990102000000_bad"));
    await writeFile(
      path.join(dir, "20990102000000_bad", "migration.sql"),
      'CREATE TABLE "Half" (id INT);\nSELECT * FROM "NoSuchTable";',
    );

    await expect(migrate(db, dir)).rejects.toThrow(/20990102000000_bad failed/);
    const names = (await tables(db)).map((t) => t.table_name);
    expect(names).toContain("Good");
    expect(names).not.toContain("Half");

    // Fixed, it applies on the next run.
    await writeFile(path.join(dir, "20990102000000_bad", "migration.sql"), 'CREATE TABLE "Half" (id INT);');
    expect((await migrate(db, dir)).applied).toEqual(["20990102000000_bad"]);
  });

  it("report an applied migration whose file has since changed", async () => {
    db = await testDatabase({ migrated: false });
    const dir = await mkdtemp(path.join(tmpdir(), "rhins-migrations-"));
    await mkdir(path.join(dir, "20990101000000_one"));
    await writeFile(path.join(dir, "20990101000000_one", "migration.sql"), 'CREATE TABLE "One" (id INT);');
    await migrate(db, dir);
    await writeFile(path.join(dir, "20990101000000_one", "migration.sql"), 'CREATE TABLE "One" (id BIGINT);');
    expect(await migrate(db, dir)).toEqual({ applied: [], modified: ["20990101000000_one"] });
  });
});
