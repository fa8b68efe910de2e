// The plan's objectives, numbered 1, 2, 3... without gaps: reordering renumbers them.
import type { Actor } from "../../audit.ts";
import { ServiceError } from "../../errors.ts";
import { commitmentSnapshot } from "./commitments.ts";
import {
  type AdminContext,
  DELETE_REFUSED,
  type Direction,
  byPosition,
  hasReviews,
  move,
  refusingReviewed,
  writeOrder,
} from "./shared.ts";

export function objectivesAdmin({ prisma, audit, now, findPlan, findObjective }: AdminContext) {
  return {
    getObjective: (startYear: number, id: number) => findObjective(startYear, id),

    /** The number the next objective will get. */
    async nextObjectiveNumber(startYear: number) {
      const plan = await findPlan(startYear);
      return (await prisma.objective.count({ where: { planId: plan.id } })) + 1;
    },

    async addObjective(actor: Actor, startYear: number, title: string) {
      return prisma.$transaction(async (tx) => {
        const plan = await findPlan(startYear, tx);
        const number = (await tx.objective.count({ where: { planId: plan.id } })) + 1;
        const row = await tx.objective.create({ data: { planId: plan.id, number, title } });
        await audit.record(
          { actor, action: "objective.added", entityType: "Objective", entityId: row.id, after: row },
          tx,
        );
        return row;
      });
    },

    async updateObjective(actor: Actor, startYear: number, id: number, title: string) {
      return prisma.$transaction(async (tx) => {
        const before = await findObjective(startYear, id, tx);
        const after = await tx.objective.update({ where: { id }, data: { title } });
        await audit.record(
          {
            actor,
            action: "objective.updated",
            entityType: "Objective",
            entityId: id,
            before: { title: before.title },
            after: { title: after.title },
          },
          tx,
        );
        return after;
      });
    },

    /** Reordering objectives renumbers them. */
    async moveObjective(actor: Actor, startYear: number, id: number, direction: Direction) {
      return prisma.$transaction(async (tx) => {
        const row = await findObjective(startYear, id, tx);
        const siblings = (
          await tx.objective.findMany({ where: { planId: row.planId }, orderBy: [{ number: "asc" }, { id: "asc" }] })
        ).map((o) => ({ id: o.id, position: o.number }));
        const moved = await move(siblings, id, direction, 1, (oid, number) =>
          tx.objective.update({ where: { id: oid }, data: { number } }),
        );
        if (moved)
          await audit.record(
            {
              actor,
              action: "objective.moved",
              entityType: "Objective",
              entityId: id,
              before: { order: moved.before },
              after: { order: moved.after },
            },
            tx,
          );
        return moved !== undefined;
      });
    },

    /** Retire (leave the plan, reviews kept) or restore. Returns false when nothing changed. */
    async setObjectiveRetired(actor: Actor, startYear: number, id: number, retired: boolean) {
      return prisma.$transaction(async (tx) => {
        const before = await findObjective(startYear, id, tx);
        if ((before.retiredAt !== null) === retired) return false;
        const after = await tx.objective.update({ where: { id }, data: { retiredAt: retired ? now() : null } });
        await audit.record(
          {
            actor,
            action: retired ? "objective.retired" : "objective.restored",
            entityType: "Objective",
            entityId: id,
            before: { retiredAt: before.retiredAt },
            after: { retiredAt: after.retiredAt },
          },
          tx,
        );
        return true;
      });
    },

    /** Whether the objective, or one of its commitments, has any quarterly review. */
    async objectiveHasReviews(startYear: number, id: number) {
      await findObjective(startYear, id);
      return hasReviews(prisma, { commitment: { objectiveId: id } });
    },

    /** Deletes an objective and its commitments, refused when any of them has reviews. */
    async deleteObjective(actor: Actor, startYear: number, id: number) {
      return refusingReviewed("objective", () =>
        prisma.$transaction(async (tx) => {
          const before = await findObjective(startYear, id, tx);
          if (await hasReviews(tx, { commitment: { objectiveId: id } }))
            throw new ServiceError(409, DELETE_REFUSED("objective"));
          const commitments = await tx.commitment.findMany({
            where: { objectiveId: id },
            orderBy: byPosition,
            include: { leads: { select: { agencyId: true } } },
          });
          await tx.objective.delete({ where: { id } });
          const rest = (
            await tx.objective.findMany({
              where: { planId: before.planId },
              orderBy: [{ number: "asc" }, { id: "asc" }],
            })
          ).map((o) => ({ id: o.id, position: o.number }));
          await writeOrder(
            rest,
            rest.map((r) => r.id),
            1,
            (oid, number) => tx.objective.update({ where: { id: oid }, data: { number } }),
          );
          await audit.record(
            {
              actor,
              action: "objective.deleted",
              entityType: "Objective",
              entityId: id,
              before: {
                ...before,
                commitments: commitments.map((c) => ({
                  id: c.id,
                  ...commitmentSnapshot(c),
                  agencyIds: c.leads.map((l) => l.agencyId),
                })),
              },
            },
            tx,
          );
          return before;
        }),
      );
    },
  };
}
