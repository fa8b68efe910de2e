// The Hate Crime Review Panel: a meeting on a date with the agencies attending, the cases it
// reviews (proposed by the rules in rules.ts, or added by hand), a pseudonymised agenda, and for each
// case the panel's decision and any new actions. Only coordinators with case access run it.
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import type { AuditService, Db } from "../audit.ts";
import { rowBinding } from "../encrypted-columns.ts";
import type { EncryptionService } from "../encryption.ts";
import { FieldError, ServiceError, notFound } from "../errors.ts";
import { normaliseReference } from "../reports/follow-up.ts";
import { type CaseUser, canRunPanel } from "./access.ts";
import type { CaseActor, CaseService } from "./cases.ts";
import type { RiskLevel } from "./risk.ts";
import { type CaseStatus, PANEL_OPEN_DAYS, type PanelReason, daysOpen, panelReasons } from "./rules.ts";

/** How many of a case's latest notes the agenda shows when a coordinator ticks its free text. */
export const AGENDA_NOTES = 3;

export interface PanelServiceOptions {
  encryption: EncryptionService;
  audit: AuditService;
  cases: CaseService;
  now?: () => Date;
}

const day = (text: string) => new Date(`${text}T00:00:00.000Z`);
const dayOf = (date: Date) => date.toISOString().slice(0, 10);

export function panelService(prisma: PrismaClient, options: PanelServiceOptions) {
  const { encryption, audit } = options;
  const seal = (id: string, text: string) => encryption.encrypt(text, rowBinding("PanelCase", "decision", id));
  const unseal = (id: string, token: string | null) =>
    token === null ? null : encryption.decrypt(token, rowBinding("PanelCase", "decision", id));

  const check = (user: CaseUser) => {
    if (!canRunPanel(user)) throw notFound("page");
  };

  async function meeting(id: number, db: Db = prisma) {
    const found = await db.panelMeeting.findUnique({
      where: { id },
      include: { attendees: { include: { agency: { select: { id: true, name: true } } } } },
    });
    if (!found) throw notFound("panel meeting");
    return found;
  }

  /** Adds every case the rules now propose (and updates the reasons of those already there). */
  async function propose(db: Db, meetingId: number, heldOn: Date) {
    const candidates = await db.case.findMany({
      where: {
        status: { not: "CLOSED" },
        OR: [
          { riskLevel: "HIGH" },
          { openedAt: { lt: new Date(heldOn.getTime() - PANEL_OPEN_DAYS * 86_400_000) } },
          { actions: { some: { doneAt: null, dueOn: { lt: heldOn } } } },
        ],
      },
      select: {
        id: true,
        status: true,
        riskLevel: true,
        openedAt: true,
        _count: { select: { actions: { where: { doneAt: null, dueOn: { lt: heldOn } } } } },
      },
    });
    const existing = new Map(
      (await db.panelCase.findMany({ where: { meetingId }, select: { caseId: true, reasons: true } })).map((p) => [
        p.caseId,
        p.reasons,
      ]),
    );
    for (const c of candidates) {
      const reasons = panelReasons(
        {
          status: c.status as CaseStatus,
          riskLevel: c.riskLevel as RiskLevel | null,
          openedAt: c.openedAt,
          overdueActions: c._count.actions,
        },
        heldOn,
      );
      if (reasons.length === 0) continue;
      const had = existing.get(c.id);
      if (!had) await db.panelCase.create({ data: { id: randomUUID(), meetingId, caseId: c.id, reasons } });
      else {
        const kept = had.includes("ADDED") ? [...reasons, "ADDED"] : reasons;
        await db.panelCase.update({
          where: { meetingId_caseId: { meetingId, caseId: c.id } },
          data: { reasons: kept },
        });
      }
    }
  }

  /** A meeting's case by reference, or a field error for the form. */
  async function panelCaseOf(db: Db, meetingId: number, reference: string) {
    const found = normaliseReference(reference);
    const row = found
      ? await db.panelCase.findFirst({ where: { meetingId, case: { report: { reference: found } } } })
      : null;
    if (!row) throw notFound("case");
    return row;
  }

  /** The meeting and its cases, each with why it is there, what the agenda shows, and the decision. */
  async function load(actor: CaseActor, id: number) {
    check(actor);
    const m = await meeting(id);
    const cases = await prisma.panelCase.findMany({
      where: { meetingId: id },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      include: {
        case: {
          select: {
            status: true,
            riskLevel: true,
            strands: true,
            openedAt: true,
            closedAt: true,
            report: { select: { reference: true, area: true } },
            entries: { orderBy: { createdAt: "desc" }, take: 1, select: { kind: true, createdAt: true } },
            actions: { orderBy: { createdAt: "desc" }, take: 1, select: { createdAt: true } },
          },
        },
      },
    });
    return {
      id: m.id,
      version: m.version,
      heldOn: m.heldOn,
      attendees: m.attendees.map((a) => a.agency),
      cases: cases.map((p) => {
        const lastEntry = p.case.entries[0];
        const lastAction = p.case.actions[0];
        const last =
          lastAction && (!lastEntry || lastAction.createdAt > lastEntry.createdAt)
            ? { kind: "ACTION", at: lastAction.createdAt }
            : lastEntry
              ? { kind: lastEntry.kind, at: lastEntry.createdAt }
              : null;
        return {
          reference: p.case.report.reference,
          caseId: p.caseId,
          reasons: p.reasons as PanelReason[],
          showFreeText: p.showFreeText,
          status: p.case.status as CaseStatus,
          riskLevel: p.case.riskLevel as RiskLevel | null,
          strands: p.case.strands,
          area: p.case.report.area,
          daysOpen: daysOpen(p.case.openedAt, p.case.closedAt ?? m.heldOn),
          last,
          decision: unseal(p.id, p.decision),
          decidedAt: p.decidedAt,
        };
      }),
    };
  }

  const record = (actor: CaseActor, action: string, meetingId: number, db: Db, after?: object) =>
    audit.record({ actor, action, entityType: "PanelMeeting", entityId: meetingId, after }, db);

  return {
    reasonsFor: panelReasons,

    async list(user: CaseUser) {
      check(user);
      const rows = await prisma.panelMeeting.findMany({
        orderBy: [{ heldOn: "desc" }, { id: "desc" }],
        take: 100,
        select: { id: true, heldOn: true, _count: { select: { cases: true } } },
      });
      return rows.map((r) => ({ id: r.id, heldOn: r.heldOn, cases: r._count.cases }));
    },

    /** A new meeting, with the cases the rules propose for its date. */
    async create(actor: CaseActor, input: { heldOn: string; attendeeIds: number[] }) {
      check(actor);
      const heldOn = day(input.heldOn);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(input.heldOn) || Number.isNaN(heldOn.getTime()) || dayOf(heldOn) !== input.heldOn)
        throw new FieldError("heldOn", "Enter the date of the meeting as a real date");
      if (input.attendeeIds.length === 0) throw new FieldError("attendees", "Select the agencies attending");
      const agencies = await prisma.agency.count({ where: { id: { in: input.attendeeIds }, active: true } });
      if (agencies !== new Set(input.attendeeIds).size)
        throw new FieldError("attendees", "Select agencies from the list");
      return prisma.$transaction(async (tx) => {
        const created = await tx.panelMeeting.create({
          data: {
            heldOn,
            createdById: actor.id,
            attendees: { create: [...new Set(input.attendeeIds)].map((agencyId) => ({ agencyId })) },
          },
        });
        await propose(tx, created.id, created.heldOn);
        await record(actor, "panel.created", created.id, tx, { heldOn: input.heldOn });
        return created.id;
      });
    },

    /** The meeting's page (its decisions are personal data): every opening is audited. */
    async open(actor: CaseActor, id: number) {
      const opened = await load(actor, id);
      await record(actor, "panel.viewed", id, prisma);
      return opened;
    },

    /**
     * The agenda: pseudonymised summaries only. The free text of a case (its latest notes) is
     * there only when a coordinator ticked it; names and contact details never are.
     */
    async agenda(actor: CaseActor, id: number) {
      const opened = await load(actor, id);
      const notes = await prisma.caseEntry.findMany({
        where: { caseId: { in: opened.cases.filter((c) => c.showFreeText).map((c) => c.caseId) }, kind: "NOTE" },
        orderBy: { createdAt: "desc" },
        select: { id: true, caseId: true, body: true },
      });
      await record(actor, "panel.agenda-viewed", id, prisma);
      return {
        ...opened,
        cases: opened.cases.map(({ decision: _decision, ...c }) => ({
          ...c,
          notes: c.showFreeText
            ? notes
                .filter((n) => n.caseId === c.caseId && n.body !== null)
                .slice(0, AGENDA_NOTES)
                .map((n) => encryption.decrypt(n.body!, rowBinding("CaseEntry", "body", n.id)))
            : [],
        })),
      };
    },

    /** The cases the rules propose now, added to the meeting; hand-added ones always stay. */
    async refresh(actor: CaseActor, id: number, version: number) {
      check(actor);
      await prisma.$transaction(async (tx) => {
        const m = await meeting(id, tx);
        await bump(tx, id, version);
        await propose(tx, id, m.heldOn);
        await record(actor, "panel.refreshed", id, tx);
      });
    },

    async addCase(actor: CaseActor, id: number, version: number, reference: string) {
      check(actor);
      await prisma.$transaction(async (tx) => {
        await meeting(id, tx);
        const found = normaliseReference(reference);
        const kase =
          found && (await tx.case.findFirst({ where: { report: { reference: found } }, select: { id: true } }));
        if (!kase) throw new FieldError("reference", "Enter the reference of a case, like RH-7K3Q-P9");
        await bump(tx, id, version);
        const had = await tx.panelCase.findUnique({ where: { meetingId_caseId: { meetingId: id, caseId: kase.id } } });
        if (had?.reasons.includes("ADDED"))
          throw new FieldError("reference", "That case is already on this meeting's agenda");
        if (had) await tx.panelCase.update({ where: { id: had.id }, data: { reasons: [...had.reasons, "ADDED"] } });
        else
          await tx.panelCase.create({ data: { id: randomUUID(), meetingId: id, caseId: kase.id, reasons: ["ADDED"] } });
        await record(actor, "panel.case-added", id, tx, { reference: found });
      });
    },

    async removeCase(actor: CaseActor, id: number, version: number, reference: string) {
      check(actor);
      await prisma.$transaction(async (tx) => {
        const row = await panelCaseOf(tx, id, reference);
        await bump(tx, id, version);
        await tx.panelCase.delete({ where: { id: row.id } });
        await record(actor, "panel.case-removed", id, tx, { reference: normaliseReference(reference) });
      });
    },

    /** Whether the agenda shows this case's free text (its latest notes). */
    async showFreeText(actor: CaseActor, id: number, version: number, reference: string, show: boolean) {
      check(actor);
      await prisma.$transaction(async (tx) => {
        const row = await panelCaseOf(tx, id, reference);
        await bump(tx, id, version);
        await tx.panelCase.update({ where: { id: row.id }, data: { showFreeText: show } });
        await record(actor, "panel.free-text", id, tx, { reference: normaliseReference(reference), show });
      });
    },

    /** The panel's decision on a case, and any new action, recorded during or after the meeting. */
    async decide(
      actor: CaseActor,
      id: number,
      version: number,
      reference: string,
      input: { decision: string; action: { description: string; ownerId: number | null; dueOn: string } | null },
    ) {
      check(actor);
      await prisma.$transaction(async (tx) => {
        const row = await panelCaseOf(tx, id, reference);
        await bump(tx, id, version);
        await tx.panelCase.update({
          where: { id: row.id },
          data: { decision: seal(row.id, input.decision), decidedAt: options.now?.() ?? new Date() },
        });
        if (input.action) await options.cases.addAction(actor, reference, { ...input.action, panelMeetingId: id }, tx);
        await record(actor, "panel.decision-recorded", id, tx, { reference: normaliseReference(reference) });
      });
    },
  };

  /** A change to the meeting's agenda, only if nobody else changed it since the page was opened. */
  async function bump(db: Db, id: number, version: number) {
    const { count } = await db.panelMeeting.updateMany({ where: { id, version }, data: { version: { increment: 1 } } });
    if (count === 0)
      throw new ServiceError(
        409,
        "Someone else changed this meeting's agenda after you opened it. Look again and try again",
      );
  }
}

export type PanelService = ReturnType<typeof panelService>;
