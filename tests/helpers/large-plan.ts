// A plan the size the partnership could grow to: objectives x commitments, with a review and
// its history for every quarter, and risks. Used to show pages cost the same whatever the size.
import type { Database } from "../../src/db/database.ts";
import { QUARTERS, defaultDeadline } from "../../src/services/plan/year.ts";

const STATUSES = ["RED", "AMBER", "GREEN", "COMPLETE"] as const;

export async function createLargePlan(
  db: Database,
  startYear: number,
  options = { objectives: 6, commitmentsEach: 10, risks: 20 },
) {
  const p = db.prisma;
  const agencies = await p.agency.findMany({ orderBy: { id: "asc" } });
  const plan = await p.plan.create({
    data: {
      startYear,
      title: `Hate Crime Plan ${startYear} (large)`,
      vision: "A large plan",
      status: "PUBLISHED",
      quarters: { create: QUARTERS.map((quarter) => ({ quarter, deadline: defaultDeadline(startYear, quarter) })) },
    },
  });
  for (let o = 0; o < options.objectives; o += 1) {
    const objective = await p.objective.create({
      data: {
        planId: plan.id,
        number: o + 1,
        title: `Objective ${o + 1}`,
        commitments: {
          create: Array.from({ length: options.commitmentsEach }, (_, position) => ({
            position,
            text: `Commitment ${o + 1}.${position + 1}`,
            allAgencies: position % 5 === 4,
            leads:
              position % 5 === 4
                ? undefined
                : {
                    create: agencies
                      .slice(position % agencies.length, (position % agencies.length) + 1 + (position % 2))
                      .map((a) => ({ agencyId: a.id })),
                  },
          })),
        },
      },
      include: { commitments: true },
    });
    for (const c of objective.commitments) {
      for (const quarter of QUARTERS) {
        const status = STATUSES[(c.id + quarter) % STATUSES.length]!;
        await p.review.create({
          data: {
            commitmentId: c.id,
            agencyId: agencies[c.id % agencies.length]!.id,
            quarter,
            status,
            commentary: `Q${quarter} update`,
            version: 2,
            versions: {
              create: [
                { version: 1, status: "AMBER", commentary: "first" },
                { version: 2, previousStatus: "AMBER", status, commentary: `Q${quarter} update` },
              ],
            },
          },
        });
      }
    }
  }
  await p.risk.createMany({
    data: Array.from({ length: options.risks }, (_, i) => ({
      planId: plan.id,
      position: i,
      description: `Risk ${i + 1}`,
      mitigation: "Mitigation",
      ownerAgencyId: i % 4 === 3 ? null : agencies[i % agencies.length]!.id,
    })),
  });
  return plan;
}
