// The plan's read model is kept between requests and checked against the data version, which
// triggers in the database move with every committed write to the tables behind it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { seed } from "../../src/db/seed.ts";
import { planService } from "../../src/services/plan/plans.ts";
import { countingPrisma } from "../helpers/counting-prisma.ts";
import { testDatabase } from "../helpers/database.ts";

let db: Database;
beforeAll(async () => {
  db = await testDatabase();
  await seed(db.prisma, { production: false, demoPassword: "correct horse battery staple" });
});
afterAll(async () => db.close());

const dataVersion = async () => (await db.prisma.dataVersion.findUniqueOrThrow({ where: { id: 1 } })).value;
const firstReview = (view: Awaited<ReturnType<ReturnType<typeof planService>["planView"]>>) =>
  view!.objectives[0]!.commitments[0]!.quarters[0]!;

describe("the plan view cache", () => {
  it("answers again with one query while nothing has changed", async () => {
    const { client, count } = countingPrisma(db.prisma);
    const plans = planService(client);
    const first = await count(() => plans.planView(2023));
    const again = await count(() => plans.planView(2023));
    expect(first.operations).toBeGreaterThan(5);
    expect(again.operations).toBe(1);
    expect(again.result).toBe(first.result);
  });

  it("is rebuilt after any committed write to the data behind it, by this or another instance", async () => {
    const here = planService(db.prisma);
    const before = await here.planView(2023);
    const commitmentId = before!.objectives[0]!.commitments[0]!.id;
    // Another instance (or a database console): a write that does not go through this service.
    const agencyId = (await db.prisma.agency.findFirstOrThrow()).id;
    await db.prisma.review.upsert({
      where: { commitmentId_quarter_agencyId: { commitmentId, quarter: 1, agencyId } },
      create: { commitmentId, quarter: 1, agencyId, status: "AMBER", commentary: "Written elsewhere", version: 1 },
      update: { status: "AMBER", commentary: "Written elsewhere", version: { increment: 1 } },
    });
    const after = await here.planView(2023);
    expect(after).not.toBe(before);
    expect(firstReview(after).commentary).toBe("Written elsewhere");
    // Names shown beside reviews come from agencies and accounts: renaming one is seen too.
    await db.prisma.agency.updateMany({ where: { code: "NSC" }, data: { name: "North Somerset Council (renamed)" } });
    const renamed = await here.planView(2023);
    expect(JSON.stringify(renamed)).toContain("North Somerset Council (renamed)");
    await db.prisma.agency.updateMany({ where: { code: "NSC" }, data: { name: "North Somerset Council" } });
  });

  it("keeps its version when only sessions or the audit trail are written", async () => {
    const start = await dataVersion();
    await db.prisma.auditEvent.create({ data: { action: "test", entityType: "Test" } });
    await db.prisma.webSession.create({
      data: { sid: "cache-test", data: {}, expiresAt: new Date(Date.now() + 60_000) },
    });
    expect(await dataVersion()).toBe(start);
    await db.prisma.plan.updateMany({ where: { startYear: 2023 }, data: { strapline: "Moves the version" } });
    expect(await dataVersion()).toBeGreaterThan(start);
  });

  it("keeps each year and each kind of view apart", async () => {
    const plans = planService(db.prisma);
    const live = await plans.planView(2023);
    const withRetired = await plans.planView(2023, { includeRetired: true });
    expect(withRetired).not.toBe(live);
    expect(await plans.planView(2099)).toBeUndefined();
    expect(await plans.planView(2023)).toBe(live);
  });

  it("shares one build between requests that arrive together", async () => {
    const { client, count } = countingPrisma(db.prisma);
    const plans = planService(client);
    const together = await count(() => Promise.all([plans.planView(2023), plans.planView(2023)]));
    const one = await count(() => planService(client).planView(2023));
    expect(together.result[0]).toBe(together.result[1]);
    expect(together.operations).toBe(one.operations + 1); // the second only checked the version
  });

  it("hands out a read model no caller can change for the next one", async () => {
    const view = await planService(db.prisma).planView(2023);
    expect(() => {
      (view!.objectives as unknown[]).push("changed");
    }).toThrow(TypeError);
    expect(() => {
      (firstReview(view) as { status: string }).status = "GREEN";
    }).toThrow(TypeError);
  });
});
