// A case's page: its own record, decrypted, with its timeline, actions and panel history; the
// version a form is opened at; and whether a partner may see the case at all.
import { notFound } from "../errors.ts";
import { londonDay } from "../reminders/working-days.ts";
import type { CaseUser } from "./access.ts";
import { type CaseActor, type CaseContext, day } from "./context.ts";
import type { RiskLevel } from "./risk.ts";
import type { Assessment, CaseStatus, Outcome } from "./rules.ts";

export function casePage({ prisma, now, unseal, visibleByReference, findVisible, record, options }: CaseContext) {
  /** The case's own record, decrypted; the caller audits the opening. */
  async function load(actor: CaseActor, reference: string) {
    // One query, as findVisible's check and the page's record: the page is the most opened.
    const full = await prisma.case.findFirst({
      where: visibleByReference(actor, reference),
      include: {
        leadAgency: { select: { id: true, code: true, name: true } },
        caseworker: { select: { id: true, name: true } },
        report: {
          select: {
            reference: true,
            receivedAt: true,
            viaCentre: { select: { name: true } },
            enteredBy: { select: { name: true } },
          },
        },
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
    if (!full) throw notFound("case");
    const today = day(londonDay(now()));
    return {
      id: full.id,
      reference: full.report.reference,
      version: full.version,
      status: full.status as CaseStatus,
      openedAt: full.openedAt,
      receivedAt: full.report.receivedAt,
      /** Entered by reporting-centre staff for someone who came in; null when made on the online form. */
      via: full.report.viaCentre
        ? { centre: full.report.viaCentre.name, enteredBy: full.report.enteredBy?.name ?? null }
        : null,
      personalDataDeleted: full.personalDataDeletedAt !== null,
      assessment: full.assessment as Assessment | null,
      duplicateOf: full.duplicateOf?.report.reference ?? null,
      strands: full.strands,
      risk: {
        answers: JSON.parse(unseal("Case", "riskAnswers", full.id, full.riskAnswers) ?? "{}") as Record<string, string>,
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
  }

  return {
    /** The case's own record, decrypted, for a page of it; every opening is audited. */
    async open(actor: CaseActor, reference: string) {
      const kase = await load(actor, reference);
      await record(actor, "case.viewed", kase.reference, prisma);
      return kase;
    },

    /**
     * The case page: the case and its report, each opening audited, in one write (the page is the
     * most opened, and each write is a commit). The report only once the case is known visible.
     */
    async openWithReport(actor: CaseActor, reference: string) {
      if (!options.reports) throw new Error("the case service was made without the report service");
      const kase = await load(actor, reference);
      const viewed = { actor, action: "case.viewed", entityType: "Case", entityId: kase.reference };
      const report = await options.reports.open(actor, kase.reference, [viewed]);
      return { kase, report };
    },

    /** The version a form is opened at, without an audited opening (forms re-rendered after a refusal). */
    async version(user: CaseUser, reference: string) {
      return (await findVisible(user, reference)).version;
    },

    /** Whether the partner may see this case (for routes that reuse the report's own pages). */
    async assertVisible(user: CaseUser, reference: string) {
      await findVisible(user, reference);
    },
  };
}
