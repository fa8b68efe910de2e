// The plan's risks and how the partnership will tackle them (their mitigation), in positions
// 0, 1, 2... without gaps.
import type { RagStatus } from "../../../generated/prisma/client.ts";
import type { Actor, Db } from "../../audit.ts";
import { FieldError, ServiceError, notFound } from "../../errors.ts";
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

export type RiskRating = Extract<RagStatus, "RED" | "AMBER" | "GREEN">;

export interface RiskInput {
  description: string;
  mitigation: string;
  rating: RiskRating;
  /** null: the whole partnership owns it. */
  ownerAgencyId: number | null;
}

const riskSnapshot = (r: {
  id: number;
  planId: number;
  position: number;
  description: string;
  mitigation: string;
  rating: RagStatus;
  ownerAgencyId: number | null;
  retiredAt: Date | null;
}) => ({
  id: r.id,
  planId: r.planId,
  position: r.position,
  description: r.description,
  mitigation: r.mitigation,
  rating: r.rating,
  ownerAgencyId: r.ownerAgencyId,
  retiredAt: r.retiredAt,
});

async function checkOwner(db: Db, ownerAgencyId: number | null, current: number | null = null) {
  if (ownerAgencyId === null) return;
  const agency = await db.agency.findUnique({ where: { id: ownerAgencyId } });
  if (!agency || (!agency.active && agency.id !== current))
    throw new FieldError("owner", "Select who owns the risk from the list");
}

export function risksAdmin({ prisma, audit, now, findPlan, inPlan }: AdminContext) {
  async function findRisk(startYear: number, id: number, db: Db = prisma) {
    const row = await db.risk.findFirst({ where: { id, ...inPlan(startYear) }, include: { ownerAgency: true } });
    if (!row) throw notFound("risk");
    return row;
  }

  return {
    getRisk: (startYear: number, id: number) => findRisk(startYear, id),

    async riskHasReviews(startYear: number, id: number) {
      await findRisk(startYear, id);
      return hasReviews(prisma, { riskId: id });
    },

    async addRisk(actor: Actor, startYear: number, input: RiskInput) {
      await findPlan(startYear);
      await checkOwner(prisma, input.ownerAgencyId);
      return prisma.$transaction(async (tx) => {
        const plan = await findPlan(startYear, tx);
        const position = await tx.risk.count({ where: { planId: plan.id } });
        const row = await tx.risk.create({ data: { planId: plan.id, position, ...input } });
        await audit.record({ actor, action: "risk.added", entityType: "Risk", entityId: row.id, after: row }, tx);
        return row;
      });
    },

    async updateRisk(actor: Actor, startYear: number, id: number, input: RiskInput) {
      const current = await findRisk(startYear, id);
      await checkOwner(prisma, input.ownerAgencyId, current.ownerAgencyId);
      return prisma.$transaction(async (tx) => {
        const before = riskSnapshot(await findRisk(startYear, id, tx));
        const after = riskSnapshot(await tx.risk.update({ where: { id }, data: input }));
        await audit.record({ actor, action: "risk.updated", entityType: "Risk", entityId: id, before, after }, tx);
        return after;
      });
    },

    async moveRisk(actor: Actor, startYear: number, id: number, direction: Direction) {
      return prisma.$transaction(async (tx) => {
        const row = await findRisk(startYear, id, tx);
        const siblings = await tx.risk.findMany({ where: { planId: row.planId }, orderBy: byPosition });
        const moved = await move(siblings, id, direction, 0, (rid, position) =>
          tx.risk.update({ where: { id: rid }, data: { position } }),
        );
        if (moved)
          await audit.record(
            {
              actor,
              action: "risk.moved",
              entityType: "Risk",
              entityId: id,
              before: { order: moved.before },
              after: { order: moved.after },
            },
            tx,
          );
        return moved !== undefined;
      });
    },

    async setRiskRetired(actor: Actor, startYear: number, id: number, retired: boolean) {
      return prisma.$transaction(async (tx) => {
        const before = await findRisk(startYear, id, tx);
        if ((before.retiredAt !== null) === retired) return false;
        const after = await tx.risk.update({ where: { id }, data: { retiredAt: retired ? now() : null } });
        await audit.record(
          {
            actor,
            action: retired ? "risk.retired" : "risk.restored",
            entityType: "Risk",
            entityId: id,
            before: { retiredAt: before.retiredAt },
            after: { retiredAt: after.retiredAt },
          },
          tx,
        );
        return true;
      });
    },

    async deleteRisk(actor: Actor, startYear: number, id: number) {
      return refusingReviewed("risk", () =>
        prisma.$transaction(async (tx) => {
          const before = riskSnapshot(await findRisk(startYear, id, tx));
          if (await hasReviews(tx, { riskId: id })) throw new ServiceError(409, DELETE_REFUSED("risk"));
          await tx.risk.delete({ where: { id } });
          const rest = await tx.risk.findMany({ where: { planId: before.planId }, orderBy: byPosition });
          await writeOrder(
            rest,
            rest.map((r) => r.id),
            0,
            (rid, position) => tx.risk.update({ where: { id: rid }, data: { position } }),
          );
          await audit.record({ actor, action: "risk.deleted", entityType: "Risk", entityId: id, before }, tx);
          return before;
        }),
      );
    },
  };
}
