// How long reports' personal data is kept, and the clearing of what is never submitted:
// - each day, the personal data of a report (every encrypted column, and its messages' text) is
//   deleted REPORT_RETENTION_MONTHS after its case closed, or after it was received for a report
//   that asked for neither support nor the police (so no case will close it); its statistical columns stay, so the figures do;
// - every 15 minutes, drafts of the online form past their expiry (2 hours idle) and rate-limit
//   windows that have ended are deleted.
// Both are safe to run twice, or on two instances at once.
import type { PrismaClient } from "../../generated/prisma/client.ts";
import type { AuditService } from "../audit.ts";
import { REPORT_PERSONAL_COLUMNS } from "../encrypted-columns.ts";

export const RETENTION_JOB = "report-retention";
export const EXPIRY_JOB = "report-drafts-expiry";

const BATCH = 500;
const PERSONAL_DATA_DELETED = Object.fromEntries(REPORT_PERSONAL_COLUMNS.map((column) => [column, null]));

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
          { NOT: { wants: { hasSome: ["SUPPORT", "POLICE"] } }, receivedAt: { lt: cutoff } },
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
