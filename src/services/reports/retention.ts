// How long reports' personal data is kept, and the clearing of what is never submitted:
// - each day, the personal data of a report (every encrypted column, and its messages' text) and
//   of its case (risk answers, notes, contact log, referrals' crime references, actions, closing
//   summary, panel decisions) is deleted REPORT_RETENTION_MONTHS after its case closed, or after it
//   was received for a report that asked for neither support nor the police and that nobody took
//   up (its case still new); the statistical columns and the outcome stay, so the figures do;
// - every 15 minutes, drafts of the online form past their expiry (2 hours idle) and rate-limit
//   windows that have ended are deleted.
// Both are safe to run twice, or on two instances at once.
import type { PrismaClient } from "../../generated/prisma/client.ts";
import type { AuditService } from "../audit.ts";
import { CASE_PERSONAL_COLUMNS, REPORT_PERSONAL_COLUMNS } from "../encrypted-columns.ts";

export const RETENTION_JOB = "report-retention";
export const EXPIRY_JOB = "report-drafts-expiry";

const BATCH = 500;
/** Every listed column set to null. */
const nulls = (columns: readonly string[]) => Object.fromEntries(columns.map((column) => [column, null]));
const PERSONAL_DATA_DELETED = nulls(REPORT_PERSONAL_COLUMNS);

export interface RetentionOptions {
  audit: AuditService;
  retentionMonths: number;
  now?: () => Date;
}

/** `months` calendar months before `date` (the last day of the month when that day is missing). */
export function monthsBefore(date: Date, months: number): Date {
  const result = new Date(date);
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() - months);
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, lastDay));
  return result;
}

export function retentionService(prisma: PrismaClient, options: RetentionOptions) {
  const { audit, retentionMonths } = options;
  const now = options.now ?? (() => new Date());

  return {
    /** Deletes the personal data of every report past its retention; returns how many reports and messages. */
    async deleteExpiredPersonalData(): Promise<{ reports: number; messages: number }> {
      const at = now();
      const cutoff = monthsBefore(at, retentionMonths);
      const due = {
        personalDataDeletedAt: null,
        OR: [
          { closedAt: { lt: cutoff } },
          // Asked for neither support nor the police (only recorded, or the question skipped): no
          // case will ever close it, so its time counts from when it was received.
          {
            NOT: { wants: { hasSome: ["SUPPORT", "POLICE"] } },
            receivedAt: { lt: cutoff },
            OR: [{ case: null }, { case: { status: "NEW" as const } }],
          },
        ],
      };
      let reports = 0;
      let messages = 0;
      for (;;) {
        const batch = await prisma.incidentReport.findMany({ where: due, select: { id: true }, take: BATCH });
        if (batch.length === 0) break;
        const ids = batch.map((r) => r.id);
        await prisma.$transaction(async (tx) => {
          // Conditional again, so two instances running at once count each report once.
          const cleared = await tx.incidentReport.updateMany({
            where: { id: { in: ids }, personalDataDeletedAt: null },
            data: { ...PERSONAL_DATA_DELETED, personalDataDeletedAt: at },
          });
          const bodies = await tx.reportMessage.updateMany({
            where: { reportId: { in: ids }, body: { not: null } },
            data: { body: null },
          });
          const ofCases = { caseId: { in: ids } };
          await tx.case.updateMany({
            where: { id: { in: ids } },
            data: { ...nulls(CASE_PERSONAL_COLUMNS.Case), personalDataDeletedAt: at },
          });
          await tx.caseEntry.updateMany({ where: ofCases, data: nulls(CASE_PERSONAL_COLUMNS.CaseEntry) });
          await tx.caseAction.updateMany({ where: ofCases, data: nulls(CASE_PERSONAL_COLUMNS.CaseAction) });
          await tx.panelCase.updateMany({ where: ofCases, data: nulls(CASE_PERSONAL_COLUMNS.PanelCase) });
          reports += cleared.count;
          messages += bodies.count;
        });
        if (batch.length < BATCH) break;
      }
      if (reports > 0) {
        await audit.record({
          action: "report.personal-data-deleted",
          entityType: "IncidentReport",
          after: { reports, messages, retentionMonths },
        });
      }
      return { reports, messages };
    },

    /** Deletes the form's drafts past their expiry and the rate-limit windows that have ended. */
    async deleteExpiredDrafts(): Promise<{ drafts: number; rateLimits: number }> {
      const at = now();
      const drafts = await prisma.reportDraft.deleteMany({ where: { expiresAt: { lte: at } } });
      const rateLimits = await prisma.rateLimitHit.deleteMany({ where: { resetAt: { lte: at } } });
      return { drafts: drafts.count, rateLimits: rateLimits.count };
    },
  };
}

export type RetentionService = ReturnType<typeof retentionService>;
