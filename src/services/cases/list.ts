// The case list (the triage queue is its "New" filter) with its filters and overdue marks, the
// dashboard's counts, a partner's own work for "Your updates", and who may work on cases. Lists say
// what each case is about, never who or what was said.
import type { Prisma } from "../../generated/prisma/client.ts";
import { normaliseReference } from "../reports/follow-up.ts";
import { londonDay } from "../reminders/working-days.ts";
import { type CaseUser, caseScope, hasCaseAccess } from "./access.ts";
import { type CaseActor, type CaseContext, day } from "./context.ts";
import type { RiskLevel } from "./risk.ts";
import type { CaseStatus } from "./rules.ts";

/** Cases on one page of the case list. */
export const CASES_PAGE_SIZE = 50;

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

export function caseList({ prisma, now, visible }: CaseContext) {
  /**
   * How many cases the filters leave. An agency's cases are those it leads or is shared on:
   * counted as two counts Postgres answers from indexes, since counting the OR across two tables
   * reads every case (6 ms at 10,000 cases, against well under 1).
   */
  async function count(user: CaseUser, filtered: Prisma.CaseWhereInput[], scope: Prisma.CaseWhereInput) {
    const agency = caseScope(user);
    if (!("agencyId" in agency)) return prisma.case.count({ where: { AND: [scope, ...filtered] } });
    const { agencyId } = agency;
    const [led, sharedOnly] = await Promise.all([
      prisma.case.count({ where: { AND: [{ leadAgencyId: agencyId }, ...filtered] } }),
      prisma.case.count({
        where: {
          AND: [
            { shares: { some: { agencyId } } },
            { OR: [{ leadAgencyId: null }, { leadAgencyId: { not: agencyId } }] },
            ...filtered,
          ],
        },
      }),
    ]);
    return led + sharedOnly;
  }

  return {
    visibleWhere: visible,

    /** A page of the cases the partner may see, with what each is about; never who or what was said. */
    async list(user: CaseUser, filters: CaseFilters, page: number) {
      const scope = visible(user);
      if (!scope) return { total: 0, cases: [] };
      const today = day(londonDay(now()));
      const filtered = filterWhere(filters, today);
      const where: Prisma.CaseWhereInput = { AND: [scope, ...filtered] };
      const [total, rows] = await Promise.all([
        count(user, filtered, scope),
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
