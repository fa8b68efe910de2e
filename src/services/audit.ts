// The append-only audit trail: who did what, to what, when, with the record before and after.
// Writes take the caller's transaction so the event commits with the change or not at all.
// There is deliberately no update or delete here (and the database refuses them too).
import type { Prisma, PrismaClient } from "../generated/prisma/client.ts";
import { describe, namesFor } from "./audit-descriptions.ts";

export type Db = PrismaClient | Prisma.TransactionClient;

export interface Actor {
  id: number;
  email: string;
}

export interface AuditEntry {
  actor?: Actor | null;
  /** Who was named when there is no account, e.g. the email typed at a failed sign-in. */
  actorEmail?: string;
  action: string;
  entityType: string;
  entityId?: string | number;
  before?: unknown;
  after?: unknown;
  ip?: string;
}

export const AUDIT_PAGE_SIZE = 50;

const json = (value: unknown) =>
  value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue);

/** The events of signing in, hidden from the trail unless asked for (they are most of it). */
export const SIGN_IN_ACTIONS = [
  "sign-in.succeeded",
  "sign-in.failed",
  "two-factor.passed",
  "two-factor.recovery-code-used",
];

/** Record types as people say them; a type not listed is shown as stored. */
export const RECORD_TYPE_LABELS: Record<string, string> = {
  Achievement: "Achievements",
  Agency: "Agencies",
  Commitment: "Commitments",
  CommitmentReview: "Updates of commitments",
  EmailMessage: "Emails",
  EncryptionKey: "Encryption keys",
  IncidentReport: "Online reports",
  Objective: "Objectives",
  Plan: "Plans",
  PlanQuarter: "Quarters",
  Purpose: "Purposes",
  ReportingCentre: "Reporting centres",
  Risk: "Risks",
  RiskReview: "Updates of risks",
  SupportService: "Support services",
  Case: "Cases",
  FiguresPublication: "Published figures",
  Measure: "Measures",
  PanelMeeting: "Review Panel meetings",
  PoliceImport: "Police figures imports",
  User: "Accounts",
};

export interface AuditFilter {
  action?: string;
  actorEmail?: string;
  entityType?: string;
  /** Events at or after this instant. */
  from?: Date;
  /** Events before this instant. */
  before?: Date;
  includeSignIns?: boolean;
  /** One case's events (its report's, and the Review Panel's about it, too), by its reference. */
  caseReference?: string;
  /** For a coordinator without case access: no case, report or panel event, not even that one exists. */
  hideCases?: boolean;
  page: number;
}

/** The records of reports, cases and the Review Panel, named by a report's reference. */
const CASE_RECORDS = ["IncidentReport", "Case", "PanelMeeting"];

/** The most events one CSV export holds. */
export const AUDIT_EXPORT_LIMIT = 50_000;

function whereOf(filter: Omit<AuditFilter, "page">): Prisma.AuditEventWhereInput {
  const signIns = filter.includeSignIns || SIGN_IN_ACTIONS.some((a) => filter.action && a.startsWith(filter.action));
  return {
    AND: [
      filter.action ? { action: { startsWith: filter.action } } : {},
      filter.actorEmail ? { actorEmail: { contains: filter.actorEmail, mode: "insensitive" } } : {},
      filter.entityType ? { entityType: filter.entityType } : {},
      filter.from || filter.before
        ? { createdAt: { ...(filter.from && { gte: filter.from }), ...(filter.before && { lt: filter.before }) } }
        : {},
      signIns ? {} : { action: { notIn: SIGN_IN_ACTIONS } },
      filter.caseReference
        ? {
            OR: [
              { entityType: { in: ["IncidentReport", "Case"] }, entityId: filter.caseReference },
              // A panel meeting's events about this case name it in what they record.
              { entityType: "PanelMeeting", after: { path: ["reference"], equals: filter.caseReference } },
            ],
          }
        : {},
      filter.hideCases ? { entityType: { notIn: CASE_RECORDS } } : {},
    ],
  };
}

/**
 * Records that no public page shows: a new online report (or its messages, or a partner opening
 * it), an email, an account's sign-ins and settings, a key rotation. They do not move the public
 * page cache's version, so a flood of reports or sign-ins does not make every public page render
 * again.
 */
const NOT_PUBLIC = new Set([...CASE_RECORDS, "EmailMessage", "EncryptionKey", "User"]);

export function auditService(prisma: PrismaClient) {
  // Every change is audited, so this count moves whenever data public pages show may have changed
  // here; the database's notifications (noticeChange) add the changes made anywhere else. Together
  // they are the version of what this instance keeps for public pages (the page cache, the towns).
  let recorded = 0;

  /** Several events in one write (one commit, when not in a transaction), in this order. */
  async function recordAll(entries: readonly AuditEntry[], db: Db = prisma): Promise<void> {
    await db.auditEvent.createMany({
      data: entries.map((entry) => ({
        actorId: entry.actor?.id ?? null,
        actorEmail: (entry.actor?.email ?? entry.actorEmail ?? "").slice(0, 254),
        action: entry.action,
        entityType: entry.entityType,
        entityId: entry.entityId === undefined ? "" : String(entry.entityId),
        before: json(entry.before),
        after: json(entry.after),
        ip: entry.ip ?? "",
      })),
    });
    recorded += entries.filter((entry) => !NOT_PUBLIC.has(entry.entityType)).length;
  }

  return {
    changes: () => recorded,

    /** A change committed by another instance or by hand, or a (re)connect of the listener (db.listen). */
    noticeChange() {
      recorded += 1;
    },

    async record(entry: AuditEntry, db: Db = prisma): Promise<void> {
      await recordAll([entry], db);
    },

    recordAll,

    /** A page of events, newest first, with the filters coordinators use, each in plain English. */
    async list(filter: AuditFilter) {
      const where = whereOf(filter);
      const hidden = filter.hideCases ? { entityType: { notIn: CASE_RECORDS } } : {};
      const [total, events, actions, types] = await Promise.all([
        prisma.auditEvent.count({ where }),
        prisma.auditEvent.findMany({
          where,
          orderBy: { id: "desc" },
          skip: (filter.page - 1) * AUDIT_PAGE_SIZE,
          take: AUDIT_PAGE_SIZE,
        }),
        prisma.auditEvent.findMany({
          where: hidden,
          distinct: ["action"],
          select: { action: true },
          orderBy: { action: "asc" },
        }),
        prisma.auditEvent.findMany({
          where: hidden,
          distinct: ["entityType"],
          select: { entityType: true },
          orderBy: { entityType: "asc" },
        }),
      ]);
      const names = await namesFor(prisma, events);
      return {
        events: events.map((e) => ({ ...e, description: describe(e, names) })),
        total,
        page: filter.page,
        pages: Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE)),
        actions: actions.map((a) => a.action),
        recordTypes: types
          .map((t) => ({ value: t.entityType, text: RECORD_TYPE_LABELS[t.entityType] ?? t.entityType }))
          .sort((a, b) => a.text.localeCompare(b.text)),
      };
    },

    /** Every event the filter finds (up to AUDIT_EXPORT_LIMIT), newest first, described, for the CSV. */
    async exportRows(filter: Omit<AuditFilter, "page">) {
      const events = await prisma.auditEvent.findMany({
        where: whereOf(filter),
        orderBy: { id: "desc" },
        take: AUDIT_EXPORT_LIMIT,
      });
      // Names looked up a page's worth at a time, as on the page.
      const described = [];
      for (let i = 0; i < events.length; i += AUDIT_PAGE_SIZE * 20) {
        const chunk = events.slice(i, i + AUDIT_PAGE_SIZE * 20);
        const names = await namesFor(prisma, chunk);
        described.push(...chunk.map((e) => ({ ...e, description: describe(e, names) })));
      }
      return described;
    },
  };
}

export type AuditService = ReturnType<typeof auditService>;
