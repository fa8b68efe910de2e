// Coordinators run the plan: create a year's plan, edit its details, purposes, achievements,
// objectives, commitments and risks, reorder and retire them, publish it, open and close its
// quarters, and roll it over to the next year. Every item is looked up through the plan's year,
// so an id from another plan is "not found"; every change is audited in its own transaction.
// Each of those has its own file here; this one puts them together as one service.
import type { PrismaClient } from "../../../generated/prisma/client.ts";
import type { AuditService } from "../../audit.ts";
import { planService } from "../plans.ts";
import { achievementsAdmin } from "./achievements.ts";
import { commitmentsAdmin } from "./commitments.ts";
import { objectivesAdmin } from "./objectives.ts";
import { plansAdmin } from "./plans.ts";
import { purposesAdmin } from "./purposes.ts";
import { quartersAdmin } from "./quarters.ts";
import { risksAdmin } from "./risks.ts";
import { rolloverAdmin } from "./rollover.ts";
import { DELETE_REFUSED, type PlanService, adminContext } from "./shared.ts";

export { CONTACT_MAX, type CommitmentInput } from "./commitments.ts";
export type { PlanDetailsInput } from "./plans.ts";
export { formatDay } from "./quarters.ts";
export type { RiskInput, RiskRating } from "./risks.ts";
export {
  type RecordedReview,
  carriedForward,
  draftsAchievement,
  latestCommentary,
  latestReview,
  quarterReviews,
  shorten,
} from "./rollover.ts";
export { type Direction, LIMITS, YEAR_RANGE, newPlanTitle, reordered } from "./shared.ts";

export function planAdminService(
  prisma: PrismaClient,
  audit: AuditService,
  plans: PlanService = planService(prisma),
  now: () => Date = () => new Date(),
) {
  const context = adminContext(prisma, audit, plans, now);
  return {
    DELETE_REFUSED,
    ...plansAdmin(context),
    ...purposesAdmin(context),
    ...achievementsAdmin(context),
    ...objectivesAdmin(context),
    ...commitmentsAdmin(context),
    ...risksAdmin(context),
    ...quartersAdmin(context),
    ...rolloverAdmin(context),
  };
}

export type PlanAdminService = ReturnType<typeof planAdminService>;
