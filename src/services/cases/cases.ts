// A report's case, from triage to closing: who may see it (access.ts), what moves it (rules.ts),
// and the risk assessment (risk.ts). Everything personal is encrypted bound to its row, and every
// opening and change of a case is written to the audit trail under the report's reference.
import { randomUUID } from "node:crypto";
import { Prisma, type PrismaClient } from "../../generated/prisma/client.ts";
import type { Actor, AuditService, Db } from "../audit.ts";
import { rowBinding } from "../encrypted-columns.ts";
import type { EncryptionService } from "../encryption.ts";
import { FieldError, ServiceError, notFound } from "../errors.ts";
import { normaliseReference } from "../reports/follow-up.ts";
import { londonDay } from "../reminders/working-days.ts";
import { type CaseUser, caseScope, hasCaseAccess } from "./access.ts";
import type { CaseNotificationService } from "./notifications.ts";
import { type RiskLevel, firstContactDue } from "./risk.ts";
import {
  type Assessment,
  type CaseStatus,
  type Outcome,
  closingRefusal,
  consentRefusal,
  statusAfter,
  statusChangeRefusal,
} from "./rules.ts";

export type CaseActor = Actor & CaseUser;

/** Cases on one page of the case list. */
export const CASES_PAGE_SIZE = 50;

const day = (text: string) => new Date(`${text}T00:00:00.000Z`);

export interface CaseFilters {
  reference?: string;
  status?: CaseStatus | "OPEN";
  risk?: RiskLevel;
  agencyId?: number;
  caseworkerId?: number;
  strand?: string;
  area?: string;
  overdue?: boolean;
  sort?: "oldest" | "newest";
}

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

export type EntryInput =
  | { kind: "CONTACT"; contactMethod: string; contactMade: boolean; body: string | null }
  | { kind: "NOTE"; body: string }
  | { kind: "SUPPORT"; supportKind: string; supportAccepted: boolean; body: string | null }
  | {
      kind: "REFERRAL";
      referralTo: string;
      withDetails: boolean;
      crimeReference: string | null;
      body: string | null;
      overrideReason: string | null;
    };

export interface CaseServiceOptions {
  encryption: EncryptionService;
  audit: AuditService;
  /** Tells coordinators of a safeguarding override, by reference only (services/cases/notifications.ts). */
  notifications?: Pick<CaseNotificationService, "safeguardingOverride" | "dispatch">;
  now?: () => Date;
}

/** A stale save: the case changed since the form was opened. */
export class CaseConflict extends ServiceError {
  constructor(readonly current: { version: number }) {
    super(409, "Someone else changed this case after you opened it");
  }
}

export function caseService(prisma: PrismaClient, options: CaseServiceOptions) {
  const { encryption, audit } = options;
  const now = options.now ?? (() => new Date());
  const seal = (table: string, column: string, id: string, value: string | null) =>
    value === null ? null : encryption.encrypt(value, rowBinding(table, column, id));
  const unseal = (table: string, column: string, id: string, token: string | null) =>
    token === null ? null : encryption.decrypt(token, rowBinding(table, column, id));

  /** The cases a partner may see, as a Prisma filter; null when they may see none. */
  function visible(user: CaseUser): Prisma.CaseWhereInput | null {
    const scope = caseScope(user);
    if ("none" in scope) return null;
    if ("all" in scope) return {};
    return { OR: [{ leadAgencyId: scope.agencyId }, { shares: { some: { agencyId: scope.agencyId } } }] };
  }

  function overdueWhere(today: Date): Prisma.CaseWhereInput {
    return {
      status: { not: "CLOSED" },
      OR: [
        { firstContactAt: null, firstContactDue: { lt: today } },
        { actions: { some: { doneAt: null, dueOn: { lt: today } } } },
      ],
    };
  }

  function filterWhere(f: CaseFilters, today: Date): Prisma.CaseWhereInput[] {
    const where: Prisma.CaseWhereInput[] = [];
    if (f.reference) where.push({ report: { reference: normaliseReference(f.reference) ?? "none" } });
    if (f.status === "OPEN") where.push({ status: { not: "CLOSED" } });
    else if (f.status) where.push({ status: f.status });
    if (f.risk) where.push({ riskLevel: f.risk });
    if (f.agencyId) where.push({ leadAgencyId: f.agencyId });
    if (f.caseworkerId) where.push({ caseworkerId: f.caseworkerId });
    if (f.strand) where.push({ strands: { has: f.strand } });
    if (f.area) where.push({ report: { area: f.area } });
    if (f.overdue) where.push(overdueWhere(today));
    return where;
  }

  /** A case the partner may see, by its report's reference; 404 for any other (it may not exist). */
  async function findVisible(user: CaseUser, reference: string, db: Db = prisma) {
    const scope = visible(user);
    const found = normaliseReference(reference);
    if (!scope || !found) throw notFound("case");
    const row = await db.case.findFirst({
      where: { AND: [scope, { report: { reference: found } }] },
      include: {
        report: { select: { reference: true, receivedAt: true, personalDataDeletedAt: true, wants: true } },
        shares: { select: { agencyId: true } },
        _count: { select: { actions: { where: { doneAt: null } } } },
      },
    });
    if (!row) throw notFound("case");
    return row;
  }

  /** Changes a case's own fields only if nobody else has since the form was opened. */
  async function saveVersioned(db: Db, id: string, version: number, data: Prisma.CaseUncheckedUpdateInput) {
    const { count } = await db.case.updateMany({
      where: { id, version },
      data: { ...data, version: { increment: 1 } },
    });
    if (count === 0) {
      const current = await db.case.findUniqueOrThrow({ where: { id }, select: { version: true } });
      throw new CaseConflict(current);
    }
  }

  const record = (actor: CaseActor, action: string, reference: string, db: Db, after?: object) =>
    audit.record({ actor, action, entityType: "Case", entityId: reference, after }, db);

  return {
    visibleWhere: visible,

    /** A page of the cases the partner may see, with what each is about; never who or what was said. */
    async list(user: CaseUser, filters: CaseFilters, page: number) {
      const scope = visible(user);
      if (!scope) return { total: 0, cases: [] };
      const today = day(londonDay(now()));
      const where: Prisma.CaseWhereInput = { AND: [scope, ...filterWhere(filters, today)] };
      const [total, rows] = await Promise.all([
        prisma.case.count({ where }),
        prisma.case.findMany({
          where,
          orderBy: [{ openedAt: filters.sort === "newest" ? "desc" : "asc" }, { id: "asc" }],
          skip: (page - 1) * CASES_PAGE_SIZE,
          take: CASES_PAGE_SIZE,
          select: {
            id: true,
            status: true,
            riskLevel: true,
            strands: true,
            openedAt: true,
            closedAt: true,
            firstContactDue: true,
            firstContactAt: true,
            report: { select: { reference: true, area: true, anonymous: true } },
            leadAgency: { select: { code: true } },
            caseworker: { select: { name: true } },
          },
        }),
      ]);
      // Counted for this page's cases only (a _count in the select counts every case's first).
      const ids = rows.map((r) => r.id);
      const [unread, overdue] = await Promise.all([
        prisma.reportMessage.groupBy({
          by: ["reportId"],
          where: { fromReporter: true, readAt: null, reportId: { in: ids } },
          _count: true,
        }),
        prisma.caseAction.groupBy({
          by: ["caseId"],
          where: { caseId: { in: ids }, doneAt: null, dueOn: { lt: today } },
          _count: true,
        }),
      ]);
      const unreadByReport = new Map(unread.map((u) => [u.reportId, u._count]));
      const overdueByCase = new Map(overdue.map((o) => [o.caseId, o._count]));
      return {
        total,
        cases: rows.map((r) => ({
          reference: r.report.reference,
          status: r.status as CaseStatus,
          riskLevel: r.riskLevel as RiskLevel | null,
          strands: r.strands,
          area: r.report.area,
          anonymous: r.report.anonymous,
          leadAgency: r.leadAgency?.code ?? null,
          caseworker: r.caseworker?.name ?? null,
          openedAt: r.openedAt,
          closedAt: r.closedAt,
          overdueActions: overdueByCase.get(r.id) ?? 0,
          firstContactOverdue:
            r.status !== "CLOSED" &&
            r.firstContactAt === null &&
            r.firstContactDue !== null &&
            r.firstContactDue < today,
          unreadReplies: unreadByReport.get(r.id) ?? 0,
        })),
      };
    },

    /** Cases by status and by risk, for the dashboard; null for a partner without case access. */
    async counts(user: CaseUser) {
      const scope = visible(user);
      if (!scope) return null;
      const [byStatus, byRisk] = await Promise.all([
        prisma.case.groupBy({ by: ["status"], where: scope, _count: true }),
        prisma.case.groupBy({
          by: ["riskLevel"],
          where: { AND: [scope, { status: { not: "CLOSED" } }] },
          _count: true,
        }),
      ]);
      return {
        byStatus: Object.fromEntries(byStatus.map((s) => [s.status, s._count])) as Partial<Record<CaseStatus, number>>,
        openByRisk: Object.fromEntries(byRisk.map((r) => [r.riskLevel ?? "NONE", r._count])) as Record<string, number>,
      };
    },

    /** The case's own record, decrypted, for its page; every opening is audited. */
    async open(actor: CaseActor, reference: string) {
      const kase = await findVisible(actor, reference);
      const full = await prisma.case.findUniqueOrThrow({
        where: { id: kase.id },
        include: {
          leadAgency: { select: { id: true, code: true, name: true } },
          caseworker: { select: { id: true, name: true } },
          report: { select: { viaCentre: { select: { name: true } }, enteredBy: { select: { name: true } } } },
          duplicateOf: { select: { report: { select: { reference: true } } } },
          shares: { include: { agency: { select: { code: true, name: true } } } },
          entries: { orderBy: [{ createdAt: "desc" }, { id: "asc" }], include: { author: { select: { name: true } } } },
          actions: { orderBy: [{ doneAt: "asc" }, { dueOn: "asc" }], include: { owner: { select: { name: true } } } },
          panelItems: {
            orderBy: { meeting: { heldOn: "desc" } },
            include: { meeting: { select: { id: true, heldOn: true } } },
          },
        },
      });
      await record(actor, "case.viewed", kase.report.reference, prisma);
      const today = day(londonDay(now()));
      return {
        id: full.id,
        reference: kase.report.reference,
        version: full.version,
        status: full.status as CaseStatus,
        openedAt: full.openedAt,
        receivedAt: kase.report.receivedAt,
        /** Entered by reporting-centre staff for someone who came in; null when made on the online form. */
        via: full.report.viaCentre
          ? { centre: full.report.viaCentre.name, enteredBy: full.report.enteredBy?.name ?? null }
          : null,
        personalDataDeleted: full.personalDataDeletedAt !== null,
        assessment: full.assessment as Assessment | null,
        duplicateOf: full.duplicateOf?.report.reference ?? null,
        strands: full.strands,
        risk: {
          answers: JSON.parse(unseal("Case", "riskAnswers", full.id, full.riskAnswers) ?? "{}") as Record<
            string,
            string
          >,
          score: full.riskScore,
          scoredLevel: full.riskScoredLevel as RiskLevel | null,
          level: full.riskLevel as RiskLevel | null,
          reason: unseal("Case", "riskReason", full.id, full.riskReason),
        },
        leadAgency: full.leadAgency,
        caseworker: full.caseworker,
        sharedWith: full.shares.map((s) => ({ agencyId: s.agencyId, ...s.agency })),
        firstContactDue: full.firstContactDue,
        firstContactAt: full.firstContactAt,
        firstContactOverdue:
          full.status !== "CLOSED" &&
          full.firstContactAt === null &&
          full.firstContactDue !== null &&
          full.firstContactDue < today,
        triagedAt: full.triagedAt,
        consentToShare: full.consentToShare,
        closedAt: full.closedAt,
        outcome: full.outcome as Outcome | null,
        closingSummary: unseal("Case", "closingSummary", full.id, full.closingSummary),
        entries: full.entries.map((e) => ({
          id: e.id,
          kind: e.kind,
          at: e.createdAt,
          author: e.author?.name ?? null,
          body: unseal("CaseEntry", "body", e.id, e.body),
          contactMethod: e.contactMethod,
          contactMade: e.contactMade,
          supportKind: e.supportKind,
          supportAccepted: e.supportAccepted,
          referralTo: e.referralTo,
          withDetails: e.withDetails,
          crimeReference: unseal("CaseEntry", "crimeReference", e.id, e.crimeReference),
          status: e.status as CaseStatus | null,
        })),
        actions: full.actions.map((a) => ({
          id: a.id,
          description: unseal("CaseAction", "description", a.id, a.description),
          owner: a.owner?.name ?? null,
          ownerId: a.ownerId,
          dueOn: a.dueOn,
          doneAt: a.doneAt,
          overdue: a.doneAt === null && a.dueOn < today,
        })),
        panelHistory: full.panelItems.map((p) => ({
          meetingId: p.meeting.id,
          heldOn: p.meeting.heldOn,
          reasons: p.reasons,
          decision: unseal("PanelCase", "decision", p.id, p.decision),
          decidedAt: p.decidedAt,
        })),
      };
    },

    /** The version a form is opened at, without an audited opening (forms re-rendered after a refusal). */
    async version(user: CaseUser, reference: string) {
      return (await findVisible(user, reference)).version;
    },

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

    /** A contact attempt, note, support offered or referral; the case moves forward when work shows it. */
    async addEntry(actor: CaseActor, reference: string, entry: EntryInput) {
      const emailIds: number[] = [];
      await prisma.$transaction(async (tx) => {
        const kase = await findVisible(actor, reference, tx);
        if (kase.status === "CLOSED") throw new ServiceError(409, "This case is closed. Reopen it to record more");
        if (kase.status === "NEW" && entry.kind !== "NOTE") throw new ServiceError(409, "Triage this report first");
        if (kase.personalDataDeletedAt) throw new ServiceError(409, "This case's personal data has been deleted");
        const id = randomUUID();
        let status: CaseStatus = kase.status as CaseStatus;
        const data: Prisma.CaseEntryUncheckedCreateInput = {
          id,
          caseId: kase.id,
          kind: entry.kind,
          authorId: actor.id,
          createdAt: now(),
          body: seal("CaseEntry", "body", id, entry.body),
        };
        if (entry.kind === "CONTACT") {
          Object.assign(data, { contactMethod: entry.contactMethod, contactMade: entry.contactMade });
          if (entry.contactMade) status = statusAfter(status, "IN_CONTACT");
        } else if (entry.kind === "SUPPORT") {
          Object.assign(data, { supportKind: entry.supportKind, supportAccepted: entry.supportAccepted });
          if (entry.supportAccepted) status = statusAfter(status, "SUPPORTING");
        } else if (entry.kind === "REFERRAL") {
          const refusal = consentRefusal({ ...entry, consentToShare: kase.consentToShare });
          if (refusal) throw new FieldError("withDetails", refusal);
          Object.assign(data, {
            referralTo: entry.referralTo,
            withDetails: entry.withDetails,
            crimeReference: seal("CaseEntry", "crimeReference", id, entry.crimeReference),
          });
          status = statusAfter(status, "REFERRED");
          if (entry.withDetails && !kase.consentToShare) {
            const overrideId = randomUUID();
            await tx.caseEntry.create({
              data: {
                id: overrideId,
                caseId: kase.id,
                kind: "SAFEGUARDING_OVERRIDE",
                authorId: actor.id,
                createdAt: now(),
                body: seal("CaseEntry", "body", overrideId, entry.overrideReason),
              },
            });
            await record(actor, "case.safeguarding-override", kase.report.reference, tx, {
              referralTo: entry.referralTo,
            });
            emailIds.push(...((await options.notifications?.safeguardingOverride(kase.report.reference, tx)) ?? []));
          }
        }
        await tx.caseEntry.create({ data: { ...data, status: status === kase.status ? null : status } });
        const firstContact = entry.kind === "CONTACT" && kase.firstContactAt === null;
        if (status !== kase.status || firstContact)
          await tx.case.update({
            where: { id: kase.id },
            data: { status, ...(firstContact ? { firstContactAt: now() } : {}), version: { increment: 1 } },
          });
        await record(actor, `case.${entry.kind.toLowerCase()}-recorded`, kase.report.reference, tx, {
          entryId: id,
          ...(status !== kase.status ? { status } : {}),
        });
      });
      if (emailIds.length) await options.notifications?.dispatch(emailIds);
    },

    /** A status chosen by hand (the working statuses; closing has its own form). */
    async changeStatus(actor: CaseActor, reference: string, version: number, to: CaseStatus, note: string | null) {
      await prisma.$transaction(async (tx) => {
        const kase = await findVisible(actor, reference, tx);
        const refusal = statusChangeRefusal(kase.status as CaseStatus, to);
        if (refusal) throw new FieldError("status", refusal);
        await saveVersioned(tx, kase.id, version, { status: to });
        const id = randomUUID();
        await tx.caseEntry.create({
          data: {
            id,
            caseId: kase.id,
            kind: "STATUS",
            status: to,
            authorId: actor.id,
            createdAt: now(),
            body: seal("CaseEntry", "body", id, note),
          },
        });
        await record(actor, "case.status-changed", kase.report.reference, tx, { from: kase.status, to });
      });
    },

    /** The person's consent to their details being shared, as they gave or withdrew it. */
    async recordConsent(actor: CaseActor, reference: string, version: number, consent: boolean, note: string | null) {
      await prisma.$transaction(async (tx) => {
        const kase = await findVisible(actor, reference, tx);
        if (kase.status === "CLOSED") throw new ServiceError(409, "This case is closed. Reopen it first");
        await saveVersioned(tx, kase.id, version, { consentToShare: consent });
        const id = randomUUID();
        await tx.caseEntry.create({
          data: {
            id,
            caseId: kase.id,
            kind: consent ? "CONSENT_GIVEN" : "CONSENT_WITHDRAWN",
            authorId: actor.id,
            createdAt: now(),
            body: seal("CaseEntry", "body", id, note),
          },
        });
        await record(actor, "case.consent-recorded", kase.report.reference, tx, { consentToShare: consent });
      });
    },

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
        await tx.caseEntry.create({
          data: {
            id: randomUUID(),
            caseId: kase.id,
            kind: "STATUS",
            status: "CLOSED",
            authorId: actor.id,
            createdAt: at,
          },
        });
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
        const id = randomUUID();
        await tx.caseEntry.create({
          data: {
            id,
            caseId: kase.id,
            kind: "STATUS",
            status: "TRIAGED",
            authorId: actor.id,
            createdAt: now(),
            body: seal("CaseEntry", "body", id, reason),
          },
        });
        await record(actor, "case.reopened", kase.report.reference, tx);
      });
    },

    /** Whether the partner may see this case (for routes that reuse the report's own pages). */
    async assertVisible(user: CaseUser, reference: string) {
      await findVisible(user, reference);
    },

    /** Accounts that may work on cases, for the caseworker and action owner choices. */
    async caseworkers() {
      return prisma.user.findMany({
        where: { active: true, caseAccess: true, role: { not: "VIEWER" } },
        select: { id: true, name: true, agencyId: true, role: true, agency: { select: { code: true } } },
        orderBy: [{ name: "asc" }, { id: "asc" }],
      });
    },

    /** A partner's open cases and their overdue actions, for "Your updates". */
    async workFor(user: CaseActor) {
      if (!hasCaseAccess(user)) return null;
      const today = day(londonDay(now()));
      const scope = visible(user)!;
      const [cases, actions] = await Promise.all([
        prisma.case.findMany({
          where: { AND: [scope, { caseworkerId: user.id, status: { not: "CLOSED" } }] },
          orderBy: [{ openedAt: "asc" }, { id: "asc" }],
          take: 100,
          select: {
            status: true,
            riskLevel: true,
            openedAt: true,
            firstContactDue: true,
            firstContactAt: true,
            report: { select: { reference: true } },
          },
        }),
        prisma.caseAction.findMany({
          where: {
            ownerId: user.id,
            doneAt: null,
            dueOn: { lt: today },
            case: { AND: [scope, { status: { not: "CLOSED" } }] },
          },
          orderBy: [{ dueOn: "asc" }, { id: "asc" }],
          take: 100,
          select: { dueOn: true, case: { select: { report: { select: { reference: true } } } } },
        }),
      ]);
      return {
        cases: cases.map((c) => ({
          reference: c.report.reference,
          status: c.status as CaseStatus,
          riskLevel: c.riskLevel as RiskLevel | null,
          openedAt: c.openedAt,
          firstContactOverdue: c.firstContactAt === null && c.firstContactDue !== null && c.firstContactDue < today,
        })),
        overdueActions: actions.map((a) => ({ reference: a.case.report.reference, dueOn: a.dueOn })),
      };
    },
  };
}

export type CaseService = ReturnType<typeof caseService>;
