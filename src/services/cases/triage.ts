// Triage: the partnership's assessment (or the case it duplicates), strands and risk, the lead
// agency, caseworker and agencies it is shared with, and when first contact is due.
import { FieldError, ServiceError } from "../errors.ts";
import { normaliseReference } from "../reports/follow-up.ts";
import { londonDay } from "../reminders/working-days.ts";
import { type CaseActor, type CaseContext, day } from "./context.ts";
import { type RiskLevel, firstContactDue } from "./risk.ts";
import type { Assessment } from "./rules.ts";

export interface TriageInput {
  assessment: Assessment;
  duplicateOf: string | null;
  strands: string[];
  risk: {
    answers: Record<string, string>;
    score: number;
    scoredLevel: RiskLevel;
    level: RiskLevel;
    reason: string | null;
  };
  leadAgencyId: number;
  caseworkerId: number | null;
  sharedAgencyIds: number[];
}

export function caseTriage({ prisma, now, seal, findVisible, saveVersioned, record }: CaseContext) {
  return {
    /**
     * Triage: the partnership's assessment, strands and risk, the lead agency and caseworker, and
     * the first-contact due date (from the day the report arrived; 1 working day when high risk).
     */
    async triage(actor: CaseActor, reference: string, version: number, input: TriageInput) {
      await prisma.$transaction(async (tx) => {
        const kase = await findVisible(actor, reference, tx);
        if (kase.status === "CLOSED") throw new ServiceError(409, "This case is closed. Reopen it to triage it again");
        let duplicateOfId: string | null = null;
        if (input.assessment === "DUPLICATE") {
          const other = input.duplicateOf ? normaliseReference(input.duplicateOf) : undefined;
          const target =
            other && (await tx.case.findFirst({ where: { report: { reference: other } }, select: { id: true } }));
          if (!target)
            throw new FieldError("duplicateOf", "Enter the reference of the case this one repeats, like RH-7K3Q-P9");
          if (target.id === kase.id) throw new FieldError("duplicateOf", "A case cannot be a duplicate of itself");
          duplicateOfId = target.id;
        }
        const agency = await tx.agency.findFirst({
          where: { id: input.leadAgencyId, active: true },
          select: { id: true },
        });
        if (!agency) throw new FieldError("leadAgencyId", "Choose the lead agency");
        if (input.caseworkerId !== null) {
          const worker = await tx.user.findFirst({
            where: { id: input.caseworkerId, active: true, caseAccess: true, role: { not: "VIEWER" } },
            select: { agencyId: true, role: true },
          });
          if (!worker || (worker.role !== "COORDINATOR" && worker.agencyId !== input.leadAgencyId))
            throw new FieldError("caseworkerId", "Choose a caseworker with case access in the lead agency");
        }
        const due = kase.firstContactAt
          ? undefined
          : day(firstContactDue(londonDay(kase.report.receivedAt), input.risk.level));
        await saveVersioned(tx, kase.id, version, {
          assessment: input.assessment,
          duplicateOfId,
          strands: input.strands,
          riskAnswers: seal("Case", "riskAnswers", kase.id, JSON.stringify(input.risk.answers)),
          riskScore: input.risk.score,
          riskScoredLevel: input.risk.scoredLevel,
          riskLevel: input.risk.level,
          riskReason: seal("Case", "riskReason", kase.id, input.risk.reason),
          leadAgencyId: input.leadAgencyId,
          caseworkerId: input.caseworkerId,
          ...(due ? { firstContactDue: due } : {}),
          triagedAt: now(),
          ...(kase.status === "NEW" ? { status: "TRIAGED" } : {}),
        });
        await tx.caseShare.deleteMany({ where: { caseId: kase.id } });
        const shared = input.sharedAgencyIds.filter((id) => id !== input.leadAgencyId);
        if (shared.length)
          await tx.caseShare.createMany({ data: shared.map((agencyId) => ({ caseId: kase.id, agencyId })) });
        await record(actor, "case.triaged", kase.report.reference, tx, {
          assessment: input.assessment,
          riskLevel: input.risk.level,
          riskOverridden: input.risk.level !== input.risk.scoredLevel,
          leadAgencyId: input.leadAgencyId,
          caseworkerId: input.caseworkerId,
        });
      });
    },
  };
}
