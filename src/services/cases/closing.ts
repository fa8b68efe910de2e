// Closing a case with an outcome and summary (the report's retention counts from then), and
// reopening it while its personal data is kept.
import { FieldError, ServiceError } from "../errors.ts";
import type { CaseActor, CaseContext } from "./context.ts";
import { type CaseStatus, type Outcome, closingRefusal } from "./rules.ts";

export function caseClosing({ prisma, now, seal, findVisible, saveVersioned, record, addTimelineEntry }: CaseContext) {
  return {
    /** Closing: an outcome from the managed list and a summary; the report's retention counts from now. */
    async close(actor: CaseActor, reference: string, version: number, outcome: Outcome, summary: string) {
      await prisma.$transaction(async (tx) => {
        const kase = await findVisible(actor, reference, tx);
        const referredToPolice =
          (await tx.caseEntry.count({ where: { caseId: kase.id, kind: "REFERRAL", referralTo: "POLICE" } })) > 0;
        const refusal = closingRefusal({
          status: kase.status as CaseStatus,
          openActions: kase._count.actions,
          outcome,
          referredToPolice,
        });
        if (refusal) throw new FieldError("outcome", refusal);
        const at = now();
        await saveVersioned(tx, kase.id, version, {
          status: "CLOSED",
          outcome,
          closingSummary: seal("Case", "closingSummary", kase.id, summary),
          closedAt: at,
        });
        await tx.incidentReport.update({ where: { id: kase.reportId }, data: { closedAt: at } });
        await addTimelineEntry(tx, kase.id, actor, { kind: "STATUS", status: "CLOSED", at });
        await record(actor, "case.closed", kase.report.reference, tx, { outcome });
      });
    },

    /** A closed case taken up again (while its personal data is kept): back to triaged, with the reason. */
    async reopen(actor: CaseActor, reference: string, version: number, reason: string) {
      await prisma.$transaction(async (tx) => {
        const kase = await findVisible(actor, reference, tx);
        if (kase.status !== "CLOSED") throw new ServiceError(409, "This case is not closed");
        if (kase.personalDataDeletedAt)
          throw new ServiceError(409, "This case's personal data has been deleted, so it cannot be reopened");
        await saveVersioned(tx, kase.id, version, {
          status: "TRIAGED",
          closedAt: null,
          outcome: null,
          closingSummary: null,
        });
        await tx.incidentReport.update({ where: { id: kase.reportId }, data: { closedAt: null } });
        await addTimelineEntry(tx, kase.id, actor, { kind: "STATUS", status: "TRIAGED", body: reason });
        await record(actor, "case.reopened", kase.report.reference, tx);
      });
    },
  };
}
