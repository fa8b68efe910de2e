// A case's actions: what someone with case access will do by when, added on the case's page or by
// the Review Panel (inside the panel's own transaction), and marked done.
import { randomUUID } from "node:crypto";
import type { Db } from "../audit.ts";
import { FieldError, ServiceError } from "../errors.ts";
import { type CaseActor, type CaseContext, day } from "./context.ts";

export function caseActions({ prisma, now, seal, findVisible, record }: CaseContext) {
  return {
    async addAction(
      actor: CaseActor,
      reference: string,
      action: { description: string; ownerId: number | null; dueOn: string; panelMeetingId?: number },
      db?: Db,
    ) {
      const run = async (tx: Db) => {
        const kase = await findVisible(actor, reference, tx);
        if (kase.status === "CLOSED") throw new ServiceError(409, "This case is closed. Reopen it to add actions");
        if (action.ownerId !== null) {
          const owner = await tx.user.findFirst({
            where: { id: action.ownerId, active: true, caseAccess: true, role: { not: "VIEWER" } },
            select: { id: true },
          });
          if (!owner) throw new FieldError("ownerId", "Choose someone with case access to own the action");
        }
        const id = randomUUID();
        await tx.caseAction.create({
          data: {
            id,
            caseId: kase.id,
            description: seal("CaseAction", "description", id, action.description),
            ownerId: action.ownerId,
            dueOn: day(action.dueOn),
            panelMeetingId: action.panelMeetingId ?? null,
            createdAt: now(),
          },
        });
        await record(actor, "case.action-added", kase.report.reference, tx, {
          actionId: id,
          ownerId: action.ownerId,
          dueOn: action.dueOn,
        });
        return id;
      };
      return db ? run(db) : prisma.$transaction(run);
    },

    async completeAction(actor: CaseActor, reference: string, actionId: string) {
      await prisma.$transaction(async (tx) => {
        const kase = await findVisible(actor, reference, tx);
        const { count } = await tx.caseAction.updateMany({
          where: { id: actionId, caseId: kase.id, doneAt: null },
          data: { doneAt: now() },
        });
        if (count === 0) throw new ServiceError(409, "That action is already done");
        await record(actor, "case.action-done", kase.report.reference, tx, { actionId });
      });
    },
  };
}
