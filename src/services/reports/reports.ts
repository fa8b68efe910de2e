// Online hate incident reports once submitted: storing one (statistics in plain columns, every
// personal answer encrypted in the application, GUIDE §9), telling the partnership it arrived
// (the reference only), and the messages between a coordinator and the reporter. An anonymous
// reporter comes back with the reference and the receipt code shown once at the end of the form;
// the anonymous side of that, and the rules of the codes, live in follow-up.ts.
import { randomUUID } from "node:crypto";
import { Prisma, type PrismaClient } from "../../generated/prisma/client.ts";
import type { JobQueue } from "../../jobs/queue.ts";
import type { Actor, AuditEntry, AuditService, Db } from "../audit.ts";
import type { EmailService } from "../email/emails.ts";
import { REPORT_PERSONAL_COLUMNS, rowBinding } from "../encrypted-columns.ts";
import type { Binding, EncryptionService } from "../encryption.ts";
import { ServiceError, notFound } from "../errors.ts";
import {
  THREAD,
  type ThreadMessage,
  decryptThread,
  followUpService,
  hashReceiptCode,
  newReceiptCode,
  newReference,
  normaliseReference,
  storeMessage,
} from "./follow-up.ts";
import type { NewReport, ReportContact } from "./questions.ts";

type PersonalColumn = (typeof REPORT_PERSONAL_COLUMNS)[number];

/** Bound to the table, column and row, as key rotation (encrypted-columns.ts) reads them back. */
export const reportBinding = (column: PersonalColumn, id: string): Binding => rowBinding("IncidentReport", column, id);

/** What a coordinator sees of a report. */
export interface OpenedReport {
  id: string;
  reference: string;
  receivedAt: Date;
  statistics: NewReport["statistics"];
  /** Null when the personal data was deleted at the end of its retention. */
  personal: NewReport["personal"] | null;
  personalDataDeletedAt: Date | null;
  messages: ThreadMessage[];
}

/** Reporting-centre staff entering a report for someone: who, and at which centre. */
export interface EnteredVia {
  centreId: number;
  actor: Actor;
}

export interface ReportServiceOptions {
  encryption: EncryptionService;
  audit: AuditService;
  emails: EmailService;
  /** REPORTS_NOTIFY_EMAIL: told of each new report, as every coordinator is. */
  notifyEmail?: string;
  /** PUBLIC_BASE_URL, for the link in the email (production requires it when SMTP is set). */
  publicBaseUrl?: string;
  /** Runs the notification job; without it (some tests), call notifyNew yourself. */
  queue?: Pick<JobQueue, "sendDebounced">;
  now?: () => Date;
}

/** The job that emails the partnership about reports not yet told of. */
export const REPORT_NOTIFY_JOB = "report-notify";
/**
 * At most one notification email per recipient in this time: the first report after a quiet spell
 * is told of at once, and a burst (or a flood) is told of in one email listing the references.
 */
export const REPORT_NOTIFY_SECONDS = 5 * 60;
/** The most references one email lists; the rest are counted. */
const NOTIFY_LIST_MAX = 20;

const isUniqueViolation = (err: unknown) => err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002";

export function reportService(prisma: PrismaClient, options: ReportServiceOptions) {
  const { encryption, audit, emails } = options;
  const now = options.now ?? (() => new Date());

  const seal = (value: string | null, column: PersonalColumn, id: string) =>
    value === null ? null : encryption.encrypt(value, reportBinding(column, id));
  const unseal = (token: string | null, column: PersonalColumn, id: string) =>
    token === null ? null : encryption.decrypt(token, reportBinding(column, id));

  /** Who hears of a new report: REPORTS_NOTIFY_EMAIL and every active coordinator with case access, each once. */
  async function recipients(db: Db): Promise<{ to: string; userId: number | null }[]> {
    const coordinators = await db.user.findMany({
      where: { role: "COORDINATOR", active: true, caseAccess: true },
      select: { id: true, email: true },
      orderBy: { id: "asc" },
    });
    const list = coordinators.map((c) => ({ to: c.email, userId: c.id as number | null }));
    const notify = options.notifyEmail?.toLowerCase();
    if (notify && !list.some((r) => r.to === notify)) list.unshift({ to: notify, userId: null });
    return list;
  }

  return {
    /**
     * Stores a report made on the public form, or entered by reporting-centre staff for someone
     * who came in (`via`), and tells the partnership it arrived. The receipt code is returned
     * once, for the confirmation page, and kept only as its hash.
     */
    async submit(report: NewReport, via?: EnteredVia): Promise<{ reference: string; receiptCode: string }> {
      const id = randomUUID();
      const receiptCode = newReceiptCode();
      const receiptHash = await hashReceiptCode(receiptCode);
      const { personal, statistics } = report;
      const encrypted = {
        relationship: seal(personal.relationship, "relationship", id),
        narrative: seal(personal.narrative, "narrative", id),
        incidentDate: seal(personal.incidentDate, "incidentDate", id),
        location: seal(personal.location, "location", id),
        offenders: seal(personal.offenders, "offenders", id),
        crimeReference: seal(personal.crimeReference, "crimeReference", id),
        contact: seal(personal.contact && JSON.stringify(personal.contact), "contact", id),
      };
      // A clash with an existing reference is unlikely (one in millions) but possible: try another.
      for (let attempt = 1; ; attempt++) {
        const reference = newReference();
        try {
          await prisma.$transaction(async (tx) => {
            await tx.incidentReport.create({
              data: {
                id,
                reference,
                receiptHash,
                receivedAt: now(),
                ...statistics,
                ...encrypted,
                viaCentreId: via?.centreId ?? null,
                enteredById: via?.actor.id ?? null,
              },
            });
            // Its case starts with the reporter's own strands and consent; triage assesses them.
            await tx.case.create({
              data: {
                id,
                reportId: id,
                openedAt: now(),
                strands: statistics.strands,
                consentToShare: statistics.wants.includes("POLICE"),
              },
            });
            // The reference only, nothing of what it says; no actor when the public made it.
            await audit.record(
              via
                ? {
                    actor: via.actor,
                    action: "report.entered",
                    entityType: "IncidentReport",
                    entityId: reference,
                    after: { reportingCentreId: via.centreId },
                  }
                : { action: "report.received", entityType: "IncidentReport", entityId: reference },
              tx,
            );
          });
          await options.queue?.sendDebounced(REPORT_NOTIFY_JOB, REPORT_NOTIFY_SECONDS);
          return { reference, receiptCode };
        } catch (err) {
          if (!isUniqueViolation(err) || attempt >= 5) throw err;
        }
      }
    },

    /**
     * Emails REPORTS_NOTIFY_EMAIL and every coordinator about the reports received since the last
     * such email: one email each, naming the references only. Each report is claimed in the same
     * statement that marks it, so two runs at once (two instances) never tell of one twice.
     */
    async notifyNew(): Promise<number> {
      const emailIds = await prisma.$transaction(async (tx) => {
        const claimed = await tx.$queryRaw<{ reference: string; receivedAt: Date }[]>`
          UPDATE "IncidentReport" SET "notifiedAt" = ${now().toISOString()}::timestamp(3)
          WHERE "notifiedAt" IS NULL
          RETURNING "reference", "receivedAt"`;
        if (claimed.length === 0) return [];
        const references = claimed
          .sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime())
          .map((r) => r.reference);
        const params = {
          references: references.slice(0, NOTIFY_LIST_MAX),
          total: references.length,
          url:
            references.length === 1
              ? `${options.publicBaseUrl ?? ""}/partners/cases/${references[0]}`
              : `${options.publicBaseUrl ?? ""}/partners/cases?status=NEW`,
        };
        const ids: number[] = [];
        for (const r of await recipients(tx)) ids.push(await emails.record({ ...r, template: "report-received", params }, tx));
        return ids;
      });
      await emails.dispatch(emailIds);
      return emailIds.length;
    },

    /**
     * A report with its personal data decrypted, for a coordinator; every opening is audited (who,
     * which report, when), and the reporter's messages are marked read.
     */
    /** A report for a partner, audited; `alsoRecord` are events written with its own (the case page's). */
    async open(actor: Actor, reference: string, alsoRecord: readonly AuditEntry[] = []): Promise<OpenedReport> {
      const found = normaliseReference(reference);
      const row = found
        ? await prisma.incidentReport.findUnique({ where: { reference: found }, include: { messages: THREAD } })
        : null;
      if (!row) throw notFound("report");
      const viewed = [
        ...alsoRecord,
        { actor, action: "report.viewed", entityType: "IncidentReport", entityId: row.reference },
      ];
      // Most openings find nothing unread: then the audit events are the only write.
      if (row.messages.some((m) => m.fromReporter && m.readAt === null))
        await prisma.$transaction(async (tx) => {
          await audit.recordAll(viewed, tx);
          await tx.reportMessage.updateMany({
            where: { reportId: row.id, fromReporter: true, readAt: null },
            data: { readAt: now() },
          });
        });
      else await audit.recordAll(viewed);
      const deleted = row.personalDataDeletedAt !== null;
      const contact = unseal(row.contact, "contact", row.id);
      return {
        id: row.id,
        reference: row.reference,
        receivedAt: row.receivedAt,
        statistics: {
          reporterRole: row.reporterRole,
          incidentTypes: row.incidentTypes,
          strands: row.strands,
          incidentMonth: row.incidentMonth,
          incidentDateKnown: row.incidentDateKnown,
          happenedBefore: row.happenedBefore,
          area: row.area,
          placeType: row.placeType,
          anyoneHurt: row.anyoneHurt,
          needsHelpNow: row.needsHelpNow,
          offenderCount: row.offenderCount,
          policeTold: row.policeTold,
          wants: row.wants,
          anonymous: row.anonymous,
          ageBand: row.ageBand,
          postcodeDistrict: row.postcodeDistrict,
        },
        personal: deleted
          ? null
          : {
              relationship: unseal(row.relationship, "relationship", row.id),
              narrative: unseal(row.narrative, "narrative", row.id) ?? "",
              incidentDate: unseal(row.incidentDate, "incidentDate", row.id),
              location: unseal(row.location, "location", row.id),
              offenders: unseal(row.offenders, "offenders", row.id),
              crimeReference: unseal(row.crimeReference, "crimeReference", row.id),
              contact: contact === null ? null : (JSON.parse(contact) as ReportContact),
            },
        personalDataDeletedAt: row.personalDataDeletedAt,
        messages: decryptThread(encryption, row.messages),
      };
    },

    /** A coordinator's message to the reporter, shown on their follow-up page. Audited without its text. */
    async sendMessage(actor: Actor, reference: string, body: string): Promise<void> {
      const found = normaliseReference(reference);
      const row = found
        ? await prisma.incidentReport.findUnique({
            where: { reference: found },
            select: { id: true, reference: true, personalDataDeletedAt: true },
          })
        : null;
      if (!row) throw notFound("report");
      if (row.personalDataDeletedAt)
        throw new ServiceError(409, "This report's personal data has been deleted, so messages can no longer be sent");
      await prisma.$transaction(async (tx) => {
        const messageId = await storeMessage(tx, encryption, { reportId: row.id, body, author: actor, at: now() });
        await audit.record(
          {
            actor,
            action: "report.message-sent",
            entityType: "IncidentReport",
            entityId: row.reference,
            after: { messageId },
          },
          tx,
        );
      });
    },

    ...followUpService(prisma, { encryption, now }),
  };
}

export type ReportService = ReturnType<typeof reportService>;
