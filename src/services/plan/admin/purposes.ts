// The plan's purposes ("What we do"), in positions 0, 1, 2... without gaps.
import type { Actor, Db } from "../../audit.ts";
import { notFound } from "../../errors.ts";
import { type AdminContext, type Direction, byPosition, move, writeOrder } from "./shared.ts";

export function purposesAdmin({ prisma, audit, findPlan, inPlan }: AdminContext) {
  async function findPurpose(startYear: number, id: number, db: Db = prisma) {
    const row = await db.purpose.findFirst({ where: { id, ...inPlan(startYear) } });
    if (!row) throw notFound("purpose");
    return row;
  }

  return {
    getPurpose: (startYear: number, id: number) => findPurpose(startYear, id),

    async addPurpose(actor: Actor, startYear: number, text: string) {
      return prisma.$transaction(async (tx) => {
        const plan = await findPlan(startYear, tx);
        const position = await tx.purpose.count({ where: { planId: plan.id } });
        const row = await tx.purpose.create({ data: { planId: plan.id, position, text } });
        await audit.record({ actor, action: "purpose.added", entityType: "Purpose", entityId: row.id, after: row }, tx);
        return row;
      });
    },

    async updatePurpose(actor: Actor, startYear: number, id: number, text: string) {
      return prisma.$transaction(async (tx) => {
        const before = await findPurpose(startYear, id, tx);
        const after = await tx.purpose.update({ where: { id }, data: { text } });
        await audit.record(
          { actor, action: "purpose.updated", entityType: "Purpose", entityId: id, before, after },
          tx,
        );
        return after;
      });
    },

    async deletePurpose(actor: Actor, startYear: number, id: number) {
      return prisma.$transaction(async (tx) => {
        const before = await findPurpose(startYear, id, tx);
        await tx.purpose.delete({ where: { id } });
        const rest = await tx.purpose.findMany({ where: { planId: before.planId }, orderBy: byPosition });
        await writeOrder(
          rest,
          rest.map((r) => r.id),
          0,
          (rid, position) => tx.purpose.update({ where: { id: rid }, data: { position } }),
        );
        await audit.record({ actor, action: "purpose.deleted", entityType: "Purpose", entityId: id, before }, tx);
        return before;
      });
    },

    async movePurpose(actor: Actor, startYear: number, id: number, direction: Direction) {
      return prisma.$transaction(async (tx) => {
        const row = await findPurpose(startYear, id, tx);
        const siblings = await tx.purpose.findMany({ where: { planId: row.planId }, orderBy: byPosition });
        const moved = await move(siblings, id, direction, 0, (rid, position) =>
          tx.purpose.update({ where: { id: rid }, data: { position } }),
        );
        if (moved)
          await audit.record(
            {
              actor,
              action: "purpose.moved",
              entityType: "Purpose",
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
