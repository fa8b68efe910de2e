// A year's plan as a whole: the list of plans, creating one, its management page, its details,
// publishing, unpublishing and archiving it, and deleting a draft nobody has reviewed.
import type { PlanStatus } from "../../../generated/prisma/client.ts";
import type { Actor, Db } from "../../audit.ts";
import { FieldError, ServiceError, notFound } from "../../errors.ts";
import { QUARTERS, defaultDeadline, yearLabel } from "../year.ts";
import { type AdminContext, YEAR_RANGE, isForeignKeyViolation, isUniqueViolation, newPlanTitle } from "./shared.ts";

export interface PlanDetailsInput {
  title: string;
  strapline: string;
  vision: string;
  introduction: string;
}

const PLAN_DELETE_REFUSED = {
  status: "Only a draft plan can be deleted. Make it a draft again first if it should go.",
  reviews: "This plan has quarterly reviews, so it cannot be deleted: deleting it would lose them. Archive it instead.",
};

async function planDeleteRefusal(db: Db, plan: { id: number; status: PlanStatus }): Promise<string | undefined> {
  if (plan.status !== "DRAFT") return PLAN_DELETE_REFUSED.status;
  const item = { OR: [{ commitment: { objective: { planId: plan.id } } }, { risk: { planId: plan.id } }] };
  const [reviews, summaries] = await Promise.all([
    db.review.count({ where: item }),
    db.reviewSummary.count({ where: item }),
  ]);
  return reviews + summaries > 0 ? PLAN_DELETE_REFUSED.reviews : undefined;
}

export function plansAdmin({ prisma, audit, plans, now, findPlan }: AdminContext) {
  return {
    /** Every plan, newest first. */
    async list() {
      const rows = await prisma.plan.findMany({
        orderBy: { startYear: "desc" },
        select: { id: true, startYear: true, title: true, status: true, publishedAt: true, updatedAt: true },
      });
      return rows.map((p) => ({ ...p, yearLabel: yearLabel(p.startYear) }));
    },

    /** A new DRAFT plan for the financial year starting in startYear, with its four quarters. */
    async create(actor: Actor, startYear: number) {
      if (!Number.isInteger(startYear) || startYear < YEAR_RANGE.first || startYear > YEAR_RANGE.last)
        throw new FieldError("startYear", `The year must be between ${YEAR_RANGE.first} and ${YEAR_RANGE.last}`);
      const exists = () => new FieldError("startYear", `There is already a plan for ${yearLabel(startYear)}`);
      if (await prisma.plan.findUnique({ where: { startYear } })) throw exists();
      try {
        return await prisma.$transaction(async (tx) => {
          const plan = await tx.plan.create({
            data: {
              startYear,
              title: newPlanTitle(startYear),
              vision: "",
              status: "DRAFT",
              quarters: {
                create: QUARTERS.map((quarter) => ({ quarter, deadline: defaultDeadline(startYear, quarter) })),
              },
            },
            include: { quarters: true },
          });
          await audit.record({ actor, action: "plan.created", entityType: "Plan", entityId: plan.id, after: plan }, tx);
          return plan;
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw exists();
        throw err;
      }
    },

    /** The plan with everything in it, retired items included, and what may be deleted. */
    async manageView(startYear: number) {
      const view = await plans.planView(startYear, { includeRetired: true });
      if (!view) throw notFound("plan");
      const [reviewed, nextPlan] = await Promise.all([
        prisma.review.findMany({
          where: { OR: [{ commitment: { objective: { planId: view.id } } }, { risk: { planId: view.id } }] },
          select: { commitmentId: true, riskId: true },
          distinct: ["commitmentId", "riskId"],
        }),
        prisma.plan.findUnique({ where: { startYear: startYear + 1 }, select: { id: true } }),
      ]);
      const reviewedCommitments = new Set(reviewed.map((r) => r.commitmentId).filter((id) => id !== null));
      const reviewedRisks = new Set(reviewed.map((r) => r.riskId).filter((id) => id !== null));
      return {
        ...view,
        objectives: view.objectives.map((o) => ({
          ...o,
          deletable: !o.commitments.some((c) => reviewedCommitments.has(c.id)),
          commitments: o.commitments.map((c) => ({ ...c, deletable: !reviewedCommitments.has(c.id) })),
        })),
        risks: view.risks.map((r) => ({ ...r, deletable: !reviewedRisks.has(r.id) })),
        quarters: view.quarters.map((q) => ({ ...q, defaultDeadline: defaultDeadline(startYear, q.quarter) })),
        nextYear: { startYear: startYear + 1, exists: nextPlan !== null, allowed: startYear + 1 <= YEAR_RANGE.last },
        // Only a draft nobody has reviewed yet, such as one just rolled over by mistake.
        deletable: view.status === "DRAFT" && reviewed.length === 0,
      };
    },

    /**
     * Whether a plan may be deleted: a draft with no reviews (nor summaries) of any of its items.
     * Otherwise the reason, to show instead of the button.
     */
    async planDeletion(startYear: number) {
      const plan = await findPlan(startYear);
      return { plan, refused: await planDeleteRefusal(prisma, plan) };
    },

    /** Deletes a draft plan with no reviews and everything in it (a roll-over made by mistake), audited. */
    async deletePlan(actor: Actor, startYear: number) {
      try {
        return await prisma.$transaction(async (tx) => {
          const plan = await findPlan(startYear, tx);
          const refused = await planDeleteRefusal(tx, plan);
          if (refused) throw new ServiceError(409, refused);
          const contents = await tx.plan.findUniqueOrThrow({
            where: { id: plan.id },
            select: {
              _count: { select: { purposes: true, achievements: true, objectives: true, risks: true } },
              objectives: { select: { _count: { select: { commitments: true } } } },
            },
          });
          await tx.plan.delete({ where: { id: plan.id } });
          await audit.record(
            {
              actor,
              action: "plan.deleted",
              entityType: "Plan",
              entityId: plan.id,
              before: {
                startYear: plan.startYear,
                title: plan.title,
                status: plan.status,
                ...contents._count,
                commitments: contents.objectives.reduce((n, o) => n + o._count.commitments, 0),
              },
            },
            tx,
          );
          return plan;
        });
      } catch (err) {
        // A review saved meanwhile: the database refuses to delete what it reviews.
        if (isForeignKeyViolation(err)) throw new ServiceError(409, PLAN_DELETE_REFUSED.reviews);
        throw err;
      }
    },

    getPlan: (startYear: number) => findPlan(startYear),

    async updateDetails(actor: Actor, startYear: number, input: PlanDetailsInput) {
      return prisma.$transaction(async (tx) => {
        const before = await findPlan(startYear, tx);
        const after = await tx.plan.update({ where: { id: before.id }, data: input });
        const pick = (p: PlanDetailsInput) => ({
          title: p.title,
          strapline: p.strapline,
          vision: p.vision,
          introduction: p.introduction,
        });
        await audit.record(
          {
            actor,
            action: "plan.updated",
            entityType: "Plan",
            entityId: before.id,
            before: pick(before),
            after: pick(after),
          },
          tx,
        );
        return after;
      });
    },

    /** Publish, unpublish (back to draft) or archive. Returns false when it already had that status. */
    async setStatus(actor: Actor, startYear: number, status: PlanStatus): Promise<boolean> {
      return prisma.$transaction(async (tx) => {
        const before = await findPlan(startYear, tx);
        if (before.status === status) return false;
        const publishedAt = status === "PUBLISHED" ? now() : status === "DRAFT" ? null : before.publishedAt;
        const after = await tx.plan.update({ where: { id: before.id }, data: { status, publishedAt } });
        const action = { PUBLISHED: "plan.published", DRAFT: "plan.unpublished", ARCHIVED: "plan.archived" }[status];
        await audit.record(
          {
            actor,
            action,
            entityType: "Plan",
            entityId: before.id,
            before: { status: before.status, publishedAt: before.publishedAt },
            after: { status: after.status, publishedAt: after.publishedAt },
          },
          tx,
        );
        return true;
      });
    },
  };
}
