// The plan's achievements, in positions 0, 1, 2... without gaps.
import type { Actor, Db } from "../../audit.ts";
import { notFound } from "../../errors.ts";
import { type AdminContext, type Direction, byPosition, move, writeOrder } from "./shared.ts";

export function achievementsAdmin({ prisma, audit, findPlan, inPlan }: AdminContext) {
  async function findAchievement(startYear: number, id: number, db: Db = prisma) {
    const row = await db.achievement.findFirst({ where: { id, ...inPlan(startYear) } });
    if (!row) throw notFound("achievement");
    return row;
  }

  return {
    getAchievement: (startYear: number, id: number) => findAchievement(startYear, id),

    async addAchievement(actor: Actor, startYear: number, input: { title: string; description: string }) {
      return prisma.$transaction(async (tx) => {
        const plan = await findPlan(startYear, tx);
        const position = await tx.achievement.count({ where: { planId: plan.id } });
        const row = await tx.achievement.create({ data: { planId: plan.id, position, ...input } });
        await audit.record(
          { actor, action: "achievement.added", entityType: "Achievement", entityId: row.id, after: row },
          tx,
        );
        return row;
      });
    },

    async updateAchievement(
      actor: Actor,
      startYear: number,
      id: number,
      input: { title: string; description: string },
    ) {
      return prisma.$transaction(async (tx) => {
        const before = await findAchievement(startYear, id, tx);
        const after = await tx.achievement.update({ where: { id }, data: input });
        await audit.record(
          { actor, action: "achievement.updated", entityType: "Achievement", entityId: id, before, after },
          tx,
        );
        return after;
      });
    },

    async deleteAchievement(actor: Actor, startYear: number, id: number) {
      return prisma.$transaction(async (tx) => {
        const before = await findAchievement(startYear, id, tx);
        await tx.achievement.delete({ where: { id } });
        const rest = await tx.achievement.findMany({ where: { planId: before.planId }, orderBy: byPosition });
        await writeOrder(
          rest,
          rest.map((r) => r.id),
          0,
          (rid, position) => tx.achievement.update({ where: { id: rid }, data: { position } }),
        );
        await audit.record(
          { actor, action: "achievement.deleted", entityType: "Achievement", entityId: id, before },
          tx,
        );
        return before;
      });
    },

    async moveAchievement(actor: Actor, startYear: number, id: number, direction: Direction) {
      return prisma.$transaction(async (tx) => {
        const row = await findAchievement(startYear, id, tx);
        const siblings = await tx.achievement.findMany({ where: { planId: row.planId }, orderBy: byPosition });
        const moved = await move(siblings, id, direction, 0, (rid, position) =>
          tx.achievement.update({ where: { id: rid }, data: { position } }),
        );
        if (moved)
          await audit.record(
            {
              actor,
              action: "achievement.moved",
              entityType: "Achievement",
              entityId: id,
              before: { order: moved.before },
              after: { order: moved.after },
            },
            tx,
          );
        return moved !== undefined;
      });
    },
  };
}
