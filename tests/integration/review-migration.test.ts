// The migration to one update per lead agency (20261202110000_agency_reviews) keeps every review
// and its history: as the update of its writer's agency when that agency leads the item, else of
// the item's only lead, else as a coordinator's summary. Tried on reviews written the old way on
// the seeded plan, and on a copy of the bench dataset taken back to the old shape.
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildDataset } from "../../bench/dataset.ts";
import type { Database } from "../../src/db/database.ts";
import { MIGRATIONS_DIR, migrate } from "../../src/db/migrate.ts";
import { seed } from "../../src/db/seed.ts";
import { planService } from "../../src/services/plan/plans.ts";
import { testDatabase } from "../helpers/database.ts";

const MIGRATION = "20261202110000_agency_reviews";
/**
 * Later migrations that need it (a trigger on a table it makes), and those that need them (the
 * figures' triggers use the change notifications' function); they add no tables the seed needs.
 */
const NEEDING_IT = [
  "20261205120000_change_notifications",
  "20261207230000_figures",
  "20261208000200_figures_indexes",
  "20261208010000_figures_version",
];

let db: Database | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

/**
 * Applies every migration but MIGRATION (and those NEEDING_IT), as a database that has not been
 * upgraded by it yet. The seed needs the tables the other later migrations add.
 */
async function migrateAllBut(database: Database) {
  const dir = await mkdtemp(path.join(tmpdir(), "rhins-migrations-"));
  try {
    for (const name of await readdir(MIGRATIONS_DIR)) {
      if (name !== MIGRATION && !NEEDING_IT.includes(name))
        await cp(path.join(MIGRATIONS_DIR, name), path.join(dir, name), { recursive: true });
    }
    await migrate(database, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const sql = (database: Database, text: string, values: unknown[] = []) =>
  database.withConnection((c) => c.query<Record<string, unknown>>(text, values));

/** An old-style review (one per item and quarter) and its versions, written as the portal did. */
async function oldReview(
  database: Database,
  item: { commitmentId?: number; riskId?: number },
  quarter: number,
  versions: { status: string; commentary: string; authorId: number; authorAgencyId: number | null }[],
) {
  const last = versions.at(-1)!;
  const [row] = await sql(
    database,
    `INSERT INTO "Review" ("commitmentId", "riskId", "quarter", "status", "commentary", "version", "authorId", "authorAgencyId", "updatedAt")
     VALUES ($1, $2, $3, $4::"RagStatus", $5, $6, $7, $8, now()) RETURNING "id"`,
    [
      item.commitmentId ?? null,
      item.riskId ?? null,
      quarter,
      last.status,
      last.commentary,
      versions.length,
      last.authorId,
      last.authorAgencyId,
    ],
  );
  for (const [i, v] of versions.entries()) {
    await sql(
      database,
      `INSERT INTO "ReviewVersion" ("reviewId", "version", "previousStatus", "status", "commentary", "authorId", "authorAgencyId")
       VALUES ($1, $2, $3::"RagStatus", $4::"RagStatus", $5, $6, $7)`,
      [row!.id, i + 1, i === 0 ? null : versions[i - 1]!.status, v.status, v.commentary, v.authorId, v.authorAgencyId],
    );
  }
  return row!.id as number;
}

describe(`migration ${MIGRATION}`, () => {
  it("keeps every review written the old way on the seeded plan, under the right agency or as a summary", async () => {
    db = await testDatabase({ migrated: false });
    await migrateAllBut(db);
    await seed(db.prisma, { production: true });
    const agency = async (code: string) => (await db!.prisma.agency.findUniqueOrThrow({ where: { code } })).id;
    const [nsc, police, sari] = [await agency("NSC"), await agency("Police"), await agency("SARI")];
    const user = async (email: string, agencyId: number | null, role: "OFFICER" | "COORDINATOR" = "OFFICER") =>
      (await db!.prisma.user.create({ data: { email, name: email.split("@")[0]!, role, agencyId } })).id;
    const [nscOfficer, policeOfficer, sariOfficer, coordinator, noAgency] = [
      await user("nsc@x.test", nsc),
      await user("police@x.test", police),
      await user("sari@x.test", sari),
      await user("coord@x.test", nsc, "COORDINATOR"),
      await user("lead@x.test", null, "COORDINATOR"),
    ];
    const commitments = await db.prisma.commitment.findMany({ include: { leads: true }, orderBy: { id: "asc" } });
    const ledBy = (...ids: number[]) =>
      commitments.find(
        (c) =>
          !c.allAgencies &&
          c.leads
            .map((l) => l.agencyId)
            .sort()
            .join() === ids.sort().join(),
      )!.id;
    const all = commitments.find((c) => c.allAgencies)!.id;
    const risks = await db.prisma.risk.findMany({ orderBy: { id: "asc" } });
    const partnershipRisk = risks.find((r) => r.ownerAgencyId === null)!.id;
    const policeRisk = risks.find((r) => r.ownerAgencyId === police)!.id;

    const by = (authorId: number, authorAgencyId: number | null, status: string, commentary: string) => ({
      authorId,
      authorAgencyId,
      status,
      commentary,
    });
    const cases = {
      // The writer's agency leads it.
      nscOwn: await oldReview(db, { commitmentId: ledBy(nsc) }, 1, [by(nscOfficer, nsc, "AMBER", "NSC: started")]),
      // Police and SARI both wrote; the latest writer (Police) is the update's agency, with the whole history.
      joint: await oldReview(db, { commitmentId: ledBy(police, sari) }, 1, [
        by(sariOfficer, sari, "AMBER", "SARI: first"),
        by(policeOfficer, police, "RED", "Police: overwrote"),
      ]),
      // A coordinator of NSC recorded an item Police alone leads: Police's update.
      onBehalf: await oldReview(db, { riskId: policeRisk }, 1, [by(coordinator, nsc, "GREEN", "For Police")]),
      // Anyone's agency, on an item all agencies lead.
      allAgencies: await oldReview(db, { commitmentId: all }, 1, [by(sariOfficer, sari, "GREEN", "SARI on all")]),
      // Nobody's agency fits: a coordinator of NSC on a Police and SARI item, someone without an agency on a partnership risk.
      summaryCommitment: await oldReview(db, { commitmentId: ledBy(police, sari) }, 2, [
        by(coordinator, nsc, "GREEN", "Coordinator's view"),
      ]),
      summaryRisk: await oldReview(db, { riskId: partnershipRisk }, 1, [
        by(noAgency, null, "RED", "Whole partnership"),
      ]),
    };

    const result = await migrate(db);
    expect(result.applied).toContain(MIGRATION);

    const review = (id: number) =>
      db!.prisma.review.findUnique({ where: { id }, include: { versions: { orderBy: { version: "asc" } } } });
    expect(await review(cases.nscOwn)).toMatchObject({
      agencyId: nsc,
      status: "AMBER",
      commentary: "NSC: started",
      version: 1,
    });
    const joint = (await review(cases.joint))!;
    expect(joint).toMatchObject({ agencyId: police, status: "RED", version: 2 });
    expect(joint.versions.map((v) => [v.version, v.status, v.commentary])).toEqual([
      [1, "AMBER", "SARI: first"],
      [2, "RED", "Police: overwrote"],
    ]);
    expect(await review(cases.onBehalf)).toMatchObject({ agencyId: police, commentary: "For Police" });
    expect(await review(cases.allAgencies)).toMatchObject({ agencyId: sari });
    expect(await review(cases.summaryCommitment)).toBeNull();
    expect(await review(cases.summaryRisk)).toBeNull();
    const summaries = await db.prisma.reviewSummary.findMany({ orderBy: { id: "asc" } });
    expect(summaries.map((s) => [s.commitmentId, s.riskId, s.quarter, s.status, s.reason, s.authorId])).toEqual([
      [ledBy(police, sari), null, 2, "GREEN", "Coordinator's view", coordinator],
      [null, partnershipRisk, 1, "RED", "Whole partnership", noAgency],
    ]);
    // Seven versions were written; the two that became summaries live on as the summary rows.
    expect(await db.prisma.reviewVersion.count()).toBe(7 - 2);

    // The portal reads the migrated data: the quarter's status and each agency's update.
    const view = (await planService(db.prisma).planView(2023))!;
    const q = view.objectives.flatMap((o) => o.commitments).find((c) => c.id === ledBy(police, sari))!.quarters;
    expect(q[0]).toMatchObject({ status: "RED", leadsUpdated: 1, leadCount: 2 });
    expect(q[1]).toMatchObject({ status: "GREEN", summary: { status: "GREEN", reason: "Coordinator's view" } });
  });

  it("keeps every review of a copy of the bench dataset taken back to the old shape", async () => {
    db = await testDatabase({ migrated: false });
    await buildDataset(db, {
      years: 2,
      objectives: 3,
      commitmentsPerObjective: 6,
      risks: 5,
      accounts: 40,
      reportingCentres: 2,
      emails: 10,
      reports: 10,
    });
    const before = await db.prisma.review.findMany({ include: { versions: true }, orderBy: { id: "asc" } });
    expect(before.length).toBeGreaterThan(100);
    // Back to the shape before the migration: one review per item and quarter, no agency, no summaries.
    await db.withConnection((c) =>
      c.exec(`
        DROP TABLE "ReviewSummary";
        DROP INDEX "Review_commitmentId_quarter_agencyId_key";
        DROP INDEX "Review_riskId_quarter_agencyId_key";
        ALTER TABLE "Review" DROP COLUMN "agencyId";
        ALTER TABLE "ReviewVersion" DROP COLUMN "replacedVersion";
        CREATE UNIQUE INDEX "Review_commitmentId_quarter_key" ON "Review"("commitmentId", "quarter");
        CREATE UNIQUE INDEX "Review_riskId_quarter_key" ON "Review"("riskId", "quarter");
        DELETE FROM "_prisma_migrations" WHERE "migration_name" = '${MIGRATION}';
      `),
    );
    expect((await migrate(db)).applied).toEqual([MIGRATION]);

    const after = await db.prisma.review.findMany({ include: { versions: true }, orderBy: { id: "asc" } });
    const summaries = await db.prisma.reviewSummary.findMany();
    expect(after.length + summaries.length).toBe(before.length);
    const leads = await db.prisma.commitmentLead.findMany();
    const commitments = new Map((await db.prisma.commitment.findMany()).map((c) => [c.id, c]));
    const risks = new Map((await db.prisma.risk.findMany()).map((r) => [r.id, r]));
    for (const old of before) {
      const now = after.find((r) => r.id === old.id);
      if (!now) {
        // Only where no agency fits: several leads, none of them the writer's.
        const leadIds = leads.filter((l) => l.commitmentId === old.commitmentId).map((l) => l.agencyId);
        expect(old.commitmentId).not.toBeNull();
        expect(leadIds.length).not.toBe(1);
        expect(leadIds).not.toContain(old.authorAgencyId);
        expect(summaries).toContainEqual(
          expect.objectContaining({
            commitmentId: old.commitmentId,
            quarter: old.quarter,
            status: old.status,
            reason: old.commentary,
          }),
        );
        continue;
      }
      expect({ ...now, agencyId: undefined, versions: undefined }).toEqual({
        ...old,
        agencyId: undefined,
        versions: undefined,
      });
      expect(now.versions.map((v) => [v.version, v.status, v.commentary])).toEqual(
        old.versions.map((v) => [v.version, v.status, v.commentary]),
      );
      const leadIds = old.commitmentId
        ? commitments.get(old.commitmentId)!.allAgencies
          ? null
          : leads.filter((l) => l.commitmentId === old.commitmentId).map((l) => l.agencyId)
        : risks.get(old.riskId!)!.ownerAgencyId === null
          ? null
          : [risks.get(old.riskId!)!.ownerAgencyId!];
      const expected =
        leadIds === null ? old.authorAgencyId : leadIds.includes(old.authorAgencyId!) ? old.authorAgencyId : leadIds[0];
      expect(now.agencyId, `review ${old.id}`).toBe(expected);
    }
    // Every year's plan still reads.
    for (const year of (await db.prisma.plan.findMany()).map((p) => p.startYear)) {
      expect(await planService(db.prisma).planView(year)).toBeDefined();
    }
  });
});
