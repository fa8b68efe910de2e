// The embedded database and a Postgres server must behave the same for the partnership's model:
// one scenario runs on both and their answers are compared.
import { describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { seed } from "../../src/db/seed.ts";
import { testDatabase } from "../helpers/database.ts";

const postgresUrl = process.env.TEST_DATABASE_URL || process.env.TEST_POSTGRES_URL;

async function scenario(db: Database) {
  const p = db.prisma;
  await seed(p, { production: true });
  const police = await p.agency.findUniqueOrThrow({ where: { code: "Police" } });
  const commitment = await p.commitment.findFirstOrThrow({
    where: { leads: { some: { agencyId: police.id } } },
    orderBy: { id: "asc" },
  });

  const review = await p.review.create({
    data: {
      commitmentId: commitment.id,
      quarter: 1,
      agencyId: police.id,
      status: "AMBER",
      commentary: "Ünïcödé – 多言語 <b>",
      version: 1,
    },
  });
  const duplicate = await p.review
    .create({ data: { commitmentId: commitment.id, quarter: 1, agencyId: police.id, status: "RED" } })
    .then(
      () => "created",
      (e: { code?: string }) => e.code,
    );

  const rolledBack = await p
    .$transaction(async (tx) => {
      await tx.review.update({ where: { id: review.id }, data: { status: "GREEN" } });
      throw new Error("stop");
    })
    .catch((e: Error) => e.message);

  await p.auditEvent.create({ data: { action: "test", entityType: "Review", after: { nested: [1, "two", null] } } });

  return {
    duplicate,
    rolledBack,
    status: (await p.review.findUniqueOrThrow({ where: { id: review.id } })).status,
    commentary: (await p.review.findUniqueOrThrow({ where: { id: review.id } })).commentary,
    byStatus: await p.review.groupBy({ by: ["status"], _count: { _all: true }, orderBy: { status: "asc" } }),
    policeLeads: (
      await p.commitment.findMany({
        where: { leads: { some: { agency: { code: "Police" } } } },
        orderBy: { id: "asc" },
        select: { text: true, leads: { select: { agency: { select: { code: true } } }, orderBy: { agencyId: "asc" } } },
      })
    ).map((c) => ({ text: c.text, leads: c.leads.map((l) => l.agency.code) })),
    privateRooms: (
      await p.reportingCentre.findMany({ where: { services: { has: "Private room" } }, orderBy: { name: "asc" } })
    ).map((c) => c.name),
    insensitive: await p.supportService.count({ where: { name: { contains: "sari", mode: "insensitive" } } }),
    json: (await p.auditEvent.findFirstOrThrow({ where: { action: "test" } })).after,
    sortedTowns: (
      await p.reportingCentre.findMany({ distinct: ["town"], orderBy: { town: "asc" }, select: { town: true } })
    ).map((t) => t.town),
  };
}

describe.skipIf(!postgresUrl)("PGlite and Postgres", () => {
  it("give the same answers for the same model operations", async () => {
    const lite = await testDatabase({ server: null });
    const server = await testDatabase({ server: postgresUrl });
    try {
      const [a, b] = [await scenario(lite), await scenario(server)];
      expect(a.duplicate).toBe("P2002");
      expect(a.rolledBack).toBe("stop");
      expect(a.status).toBe("AMBER");
      expect(a.policeLeads.length).toBeGreaterThan(0);
      expect(b).toEqual(a);
    } finally {
      await lite.close();
      await server.close();
    }
  });
});
