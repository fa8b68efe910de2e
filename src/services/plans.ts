// Reading the partnership's plans.
import type { PrismaClient } from "../generated/prisma/client.ts";
import { quarterOf, yearLabel, yearSlug } from "./plan-year.ts";

export function planService(prisma: PrismaClient, now: () => Date = () => new Date()) {
  return {
    /**
     * The plan the public should see: the published plan for this financial year, or else the
     * most recent published one.
     */
    async currentPublished() {
      const { startYear } = quarterOf(now());
      const plans = await prisma.plan.findMany({
        where: { status: "PUBLISHED", startYear: { lte: startYear } },
        orderBy: { startYear: "desc" },
        take: 1,
        select: { startYear: true, title: true, strapline: true, vision: true },
      });
      const plan = plans[0];
      return plan && { ...plan, yearLabel: yearLabel(plan.startYear), slug: yearSlug(plan.startYear) };
    },
  };
}
