// Quarterly reviews of commitments and risks: who may record them, the commentary rules, and
// saving without losing anyone's update. Each lead agency records its own update of an item for
// the quarter; a coordinator may set a summary status for an item led by several agencies.
// Every save is checked against the version the person started from (a stale one is always
// refused, valid or not), keeps the version in ReviewVersion and writes an audit event, in one
// transaction.
import { Prisma, type PrismaClient, type RagStatus } from "../../generated/prisma/client.ts";
import { formatDate } from "../../content/dates.ts";
import type { AuditService } from "../audit.ts";
import type { EmailService } from "../email/emails.ts";
import { FieldError, forbidden, notFound } from "../errors.ts";
import { QUARTERS, type Quarter, quarterDates, yearLabel } from "./year.ts";
import { type LeadAgency, leadCodesLabel } from "./plans.ts";
import { reviewFollowUp } from "./review-follow-up.ts";
import { commentaryRequired, lowestStatus, quarterStarted, quarterStatus } from "./review-rules.ts";

export type ReviewSubjectKind = "commitment" | "risk";

/** A link to evidence behind an update: a report, a web page, a shared document. */
export interface EvidenceLink {
  title: string;
  url: string;
}

/** "No change since last quarter": last quarter's status again, where that needs no commentary. */
export const UNCHANGED = "UNCHANGED";

/** Thrown inside a save transaction when the version has moved on; rolls it back. */
const STALE = Symbol("stale review version");

export interface ReviewInput {
  /** The agency whose update this is. */
  agencyCode: string;
  status: RagStatus | typeof UNCHANGED;
  commentary: string;
  /** The update's evidence links, replacing what it had; none when left out. */
  evidence?: EvidenceLink[];
  /** The coordinators' requests for more the person was shown: this save answers them. */
  answers?: number[];
  /** The version the person started from. */
  version: number;
  /** "Replace it with mine" on the conflict page: the saved version this replaces. */
  replaces?: number;
}

export interface SummaryInput {
  /** null: clear the summary, so the lowest of the agencies' statuses applies again. */
  status: RagStatus | null;
  reason: string;
  version: number;
}

/** What was saved first, to show beside what the person tried to save. */
export interface SavedVersion {
  status: RagStatus | null;
  commentary: string;
  evidence: EvidenceLink[];
  version: number;
  authorId: number | null;
  authorName: string | null;
  updatedAt: Date;
}

/** Someone (perhaps the same person in another window) saved after this person opened the form. */
export class ReviewConflict extends Error {
  constructor(readonly current: SavedVersion) {
    super("This review was saved by someone else after you opened it.");
  }
}

interface Subject {
  kind: ReviewSubjectKind;
  id: number;
  text: string;
  detail: string;
  planId: number;
  startYear: number;
  planTitle: string;
  planPublished: boolean;
  /** The agencies that lead it, in the partnership's order; every active agency when all agencies lead it. */
  leads: LeadAgency[];
  leadLabel: string;
  retired: boolean;
  /** A commitment's target date and named contacts, if the plan gives them. */
  targetDate: Date | null;
  contacts: { agency: string; name: string }[];
}

/** The conflict page's "saved version" when the other save was the first. */
const NOTHING_SAVED = (at: Date): SavedVersion => ({
  status: null,
  commentary: "",
  evidence: [],
  version: 0,
  authorId: null,
  authorName: null,
  updatedAt: at,
});

const agencyOrder = [{ position: "asc" as const }, { name: "asc" as const }];
const agencyFields = { id: true, code: true, name: true } as const;

export interface ReviewServiceOptions {
  /** For the emails asking a lead agency for more. */
  emails: EmailService;
  publicBaseUrl: string | undefined;
}

export function reviewService(
  prisma: PrismaClient,
  audit: AuditService,
  options: ReviewServiceOptions,
  now: () => Date = () => new Date(),
) {
  async function subject(kind: ReviewSubjectKind, id: number): Promise<Subject> {
    const everyAgency = () =>
      prisma.agency.findMany({ where: { active: true }, orderBy: agencyOrder, select: agencyFields });
    if (kind === "commitment") {
      const c = await prisma.commitment.findUnique({
        where: { id },
        include: {
          objective: { include: { plan: true } },
          leads: { include: { agency: { select: { ...agencyFields, position: true } } } },
          contacts: { include: { agency: { select: { name: true } } }, orderBy: { agency: { position: "asc" } } },
        },
      });
      if (!c) throw notFound("commitment");
      const plan = c.objective.plan;
      const leads = c.allAgencies
        ? await everyAgency()
        : c.leads
            .map((l) => l.agency)
            .sort((a, b) => a.position - b.position || a.name.localeCompare(b.name))
            .map(({ id, code, name }) => ({ id, code, name }));
      return {
        kind,
        id,
        text: c.text,
        detail: `Objective ${c.objective.number}: ${c.objective.title}`,
        planId: plan.id,
        startYear: plan.startYear,
        planTitle: plan.title,
        planPublished: plan.status === "PUBLISHED",
        leads,
        leadLabel: leadCodesLabel(
          c.allAgencies,
          leads.map((l) => l.code),
        ),
        retired: c.retiredAt !== null || c.objective.retiredAt !== null,
        targetDate: c.targetDate,
        contacts: c.contacts.map((x) => ({ agency: x.agency.name, name: x.name })),
      };
    }
    const r = await prisma.risk.findUnique({
      where: { id },
      include: { plan: true, ownerAgency: { select: agencyFields } },
    });
    if (!r) throw notFound("risk");
    return {
      kind,
      id,
      text: r.description,
      detail: `How we will tackle it: ${r.mitigation}`,
      planId: r.plan.id,
      startYear: r.plan.startYear,
      planTitle: r.plan.title,
      planPublished: r.plan.status === "PUBLISHED",
      leads: r.ownerAgency ? [r.ownerAgency] : await everyAgency(),
      leadLabel: leadCodesLabel(r.ownerAgency === null, r.ownerAgency ? [r.ownerAgency.code] : []),
      retired: r.retiredAt !== null,
      targetDate: null,
      contacts: [],
    };
  }

  /** The lead agencies whose update this person may record: coordinators any, officers their own. */
  function recordsFor(user: Express.User, s: Subject): LeadAgency[] {
    if (user.role === "COORDINATOR") return s.leads;
    if (user.role !== "OFFICER" || user.agencyId === null) return [];
    return s.leads.filter((a) => a.id === user.agencyId);
  }

  /** A summary status is for items led by more than one agency, and only coordinators set it. */
  const maySummarise = (user: Express.User, s: Subject) => user.role === "COORDINATOR" && s.leads.length > 1;

  const subjectKey = (kind: ReviewSubjectKind, id: number) =>
    kind === "commitment" ? { commitmentId: id } : { riskId: id };
  const updateKey = (kind: ReviewSubjectKind, id: number, quarter: number, agencyId: number) =>
    kind === "commitment"
      ? { commitmentId_quarter_agencyId: { commitmentId: id, quarter, agencyId } }
      : { riskId_quarter_agencyId: { riskId: id, quarter, agencyId } };
  const summaryKey = (kind: ReviewSubjectKind, id: number, quarter: number) =>
    kind === "commitment"
      ? { commitmentId_quarter: { commitmentId: id, quarter } }
      : { riskId_quarter: { riskId: id, quarter } };

  async function quarterState(planId: number, quarter: number) {
    const q = await prisma.planQuarter.findUnique({ where: { planId_quarter: { planId, quarter } } });
    return { closed: q?.closedAt != null, deadline: q?.deadline ?? null };
  }

  /** Why this person cannot change this quarter's reviews at all, or undefined when they can. */
  function refusal(user: Express.User, s: Subject, quarter: Quarter, closed: boolean): string | undefined {
    if (s.retired) return "This has been retired, so its reviews can no longer change.";
    if (!quarterStarted(s.startYear, quarter, now()))
      return `Quarter ${quarter} has not started yet: it can be updated from ${formatDate(quarterDates(s.startYear, quarter).start)}.`;
    if (user.role === "VIEWER")
      return "You can read this review. Only the lead agency's officers and coordinators can update it.";
    if (user.role === "OFFICER" && !s.planPublished)
      return "This plan is still a draft: its reviews can be updated once it is published.";
    if (closed && user.role !== "COORDINATOR") return "This quarter has been closed by a coordinator.";
    return undefined;
  }

  function saved(
    row: {
      status: RagStatus | null;
      version: number;
      authorId: number | null;
      updatedAt: Date;
      author?: { name: string } | null;
    },
    commentary: string,
    evidence: unknown = [],
  ): SavedVersion {
    return {
      status: row.status,
      commentary,
      evidence: evidence as EvidenceLink[],
      version: row.version,
      authorId: row.authorId,
      authorName: row.author?.name ?? null,
      updatedAt: row.updatedAt,
    };
  }

  async function currentUpdate(kind: ReviewSubjectKind, id: number, quarter: number, agencyId: number) {
    return prisma.review.findUnique({ where: updateKey(kind, id, quarter, agencyId), include: { author: true } });
  }

  /** The saved update when `version` is not the one stored (a stale form, or one from nowhere). */
  async function conflictFor(kind: ReviewSubjectKind, id: number, quarter: number, agencyId: number, version: number) {
    const current = await currentUpdate(kind, id, quarter, agencyId);
    if ((current?.version ?? 0) === version) return undefined;
    return new ReviewConflict(current ? saved(current, current.commentary, current.evidence) : NOTHING_SAVED(now()));
  }

  /** Checks that this person may record `agencyCode`'s update of this quarter; returns the agency. */
  async function mayRecord(user: Express.User, s: Subject, quarter: Quarter, agencyCode: string) {
    const state = await quarterState(s.planId, quarter);
    const why = refusal(user, s, quarter, state.closed);
    if (why) throw forbidden(why);
    const agency = recordsFor(user, s).find((a) => a.code === agencyCode);
    if (!agency) throw forbidden("Only the lead agency's officers and coordinators can update this review.");
    return agency;
  }

  return {
    ...reviewFollowUp({ prisma, audit, ...options, now, subject, quarterState, updateKey }),

    /**
     * Everything the review page shows: the subject, each lead agency's update this quarter, the
     * quarter's status and summary, and the form for the agency this person records for
     * (`agencyCode` chooses it for a coordinator), with last quarter's update and the history.
     */
    async page(user: Express.User, kind: ReviewSubjectKind, id: number, quarter: Quarter, agencyCode?: string) {
      const s = await subject(kind, id);
      const key = subjectKey(kind, id);
      const [updates, previousUpdates, summary, state] = await Promise.all([
        prisma.review.findMany({
          where: { ...key, quarter },
          include: {
            author: { select: { name: true } },
            agency: { select: agencyFields },
            signedOffBy: { select: { name: true } },
            requests: {
              where: { answeredAt: null },
              orderBy: { requestedAt: "asc" },
              include: { requestedBy: { select: { name: true } } },
            },
          },
        }),
        quarter > 1 ? prisma.review.findMany({ where: { ...key, quarter: quarter - 1 } }) : [],
        prisma.reviewSummary.findUnique({ where: summaryKey(kind, id, quarter), include: { author: true } }),
        quarterState(s.planId, quarter),
      ]);
      const why = refusal(user, s, quarter, state.closed);
      const recordable = why ? [] : recordsFor(user, s);
      const others = updates.filter((u) => !s.leads.some((a) => a.id === u.agencyId)).map((u) => u.agency);
      const agencies = [...s.leads, ...others].map((agency) => ({
        agency,
        lead: s.leads.includes(agency),
        update: updates.find((u) => u.agencyId === agency.id) ?? null,
        recordable: recordable.includes(agency),
      }));
      // The form's agency: the one asked for, else this person's own, else the first without an update.
      const formAgency =
        recordable.find((a) => a.code === agencyCode) ??
        recordable.find((a) => a.id === user.agencyId) ??
        recordable.find((a) => !updates.some((u) => u.agencyId === a.id)) ??
        recordable[0];
      const current = formAgency ? (updates.find((u) => u.agencyId === formAgency.id) ?? null) : null;
      const previous = formAgency ? previousUpdates.find((u) => u.agencyId === formAgency.id) : undefined;
      const history = current
        ? await prisma.reviewVersion.findMany({
            where: { reviewId: current.id },
            include: { author: { select: { name: true } }, authorAgency: { select: { code: true } } },
            orderBy: { version: "desc" },
          })
        : [];
      const leadsUpdated = updates.filter((u) => s.leads.some((a) => a.id === u.agencyId)).length;
      const started = quarterStarted(s.startYear, quarter, now());
      const coordinatorSummary = summary?.status ? summary : null;
      return {
        subject: { ...s, yearLabel: yearLabel(s.startYear) },
        quarter,
        status: quarterStatus(
          updates.map((u) => u.status),
          coordinatorSummary?.status ?? null,
          started,
        ),
        /** The lowest of the agencies' statuses, which a summary replaces. */
        lowest: lowestStatus(updates.map((u) => u.status)) ?? null,
        agencies,
        joint: s.leads.length > 1,
        leadsUpdated,
        summary: {
          set: coordinatorSummary && {
            status: coordinatorSummary.status!,
            reason: coordinatorSummary.reason,
            authorName: coordinatorSummary.author?.name ?? null,
            updatedAt: coordinatorSummary.updatedAt,
          },
          version: summary?.version ?? 0,
          editable: !why && maySummarise(user, s),
        },
        form: formAgency && {
          agency: formAgency,
          review: {
            status: current?.status ?? null,
            commentary: current?.commentary ?? "",
            evidence: (current?.evidence ?? []) as unknown as EvidenceLink[],
            version: current?.version ?? 0,
          },
          previous: previous ? { status: previous.status, commentary: previous.commentary } : null,
          /** "No change since last quarter" is offered when last quarter's status needs no commentary to repeat. */
          noChange: previous ? !commentaryRequired(previous.status, previous.status) : false,
          /** The coordinators' open requests for more, which the next save answers. */
          requests: current?.requests ?? [],
          signedOff:
            current && current.signedOffVersion === current.version
              ? { by: current.signedOffBy?.name ?? null, at: current.signedOffAt! }
              : null,
          history,
        },
        closed: state.closed,
        deadline: state.deadline,
        editable: formAgency !== undefined,
        whyNotEditable:
          why ??
          (formAgency
            ? undefined
            : "You can read this review. Only the lead agency's officers and coordinators can update it."),
      };
    },

    /**
     * The saved update when `version` is stale, for a form that failed validation: a save from an
     * older version always meets the conflict page, valid or not.
     */
    async conflict(kind: ReviewSubjectKind, id: number, quarter: Quarter, agencyCode: string, version: number) {
      const agency = await prisma.agency.findUnique({ where: { code: agencyCode } });
      return agency ? conflictFor(kind, id, quarter, agency.id, version) : undefined;
    },

    /** Saves an agency's update if the rules allow and nobody saved since `version`; otherwise throws. */
    async save(user: Express.User, kind: ReviewSubjectKind, id: number, quarter: Quarter, input: ReviewInput) {
      if (!QUARTERS.includes(quarter)) throw notFound("quarter");
      const s = await subject(kind, id);
      const agency = await mayRecord(user, s, quarter, input.agencyCode);
      const stale = await conflictFor(kind, id, quarter, agency.id, input.version);
      if (stale) throw stale;
      const previous =
        quarter > 1 ? await prisma.review.findUnique({ where: updateKey(kind, id, quarter - 1, agency.id) }) : null;
      let status: RagStatus;
      if (input.status !== UNCHANGED) status = input.status;
      else if (previous && !commentaryRequired(previous.status, previous.status)) status = previous.status;
      else
        throw new FieldError(
          "status",
          previous
            ? "Select a status: last quarter's was Red or Amber, which needs commentary every quarter"
            : "Select a status: there was no update last quarter",
        );
      if (commentaryRequired(status, previous?.status ?? "NOT_STARTED") && input.commentary.trim() === "") {
        throw new FieldError(
          "commentary",
          status === "RED" || status === "AMBER"
            ? "Enter commentary: say what the issues are and what is being done"
            : "Enter commentary: say why the status has changed since last quarter",
        );
      }

      const at = now();
      try {
        await prisma.$transaction(async (tx) => {
          const before = await tx.review.findUnique({ where: updateKey(kind, id, quarter, agency.id) });
          const data = {
            status,
            commentary: input.commentary,
            evidence: (input.evidence ?? []) as unknown as Prisma.InputJsonValue,
            version: input.version + 1,
            authorId: user.id,
            authorAgencyId: user.agencyId,
            updatedAt: at,
          };
          let reviewId: number;
          if (!before) {
            if (input.version !== 0) throw STALE;
            reviewId = (
              await tx.review.create({ data: { ...subjectKey(kind, id), quarter, agencyId: agency.id, ...data } })
            ).id;
          } else {
            // Only the version the person started from may be replaced.
            const { count } = await tx.review.updateMany({ where: { id: before.id, version: input.version }, data });
            if (count !== 1) throw STALE;
            reviewId = before.id;
          }
          const replacedVersion = input.replaces === input.version && input.version > 0 ? input.version : null;
          await tx.reviewVersion.create({
            data: {
              reviewId,
              version: data.version,
              previousStatus: before?.status ?? null,
              status,
              commentary: input.commentary,
              evidence: data.evidence,
              replacedVersion,
              authorId: user.id,
              authorAgencyId: user.agencyId,
              createdAt: at,
            },
          });
          await audit.record(
            {
              actor: user,
              action: "review.saved",
              entityType: kind === "commitment" ? "CommitmentReview" : "RiskReview",
              entityId: `${id}/Q${quarter}/${agency.code}`,
              before: before
                ? {
                    status: before.status,
                    commentary: before.commentary,
                    evidence: before.evidence,
                    version: before.version,
                  }
                : null,
              after: {
                status,
                commentary: input.commentary,
                evidence: data.evidence,
                version: data.version,
                replacedVersion,
              },
            },
            tx,
          );
          // The requests this person was shown are answered by this version.
          if (input.answers?.length)
            await tx.reviewRequest.updateMany({
              where: { reviewId, id: { in: input.answers }, answeredAt: null },
              data: { answeredAt: at, answeredVersion: data.version },
            });
        });
      } catch (err) {
        // Saved meanwhile, or two first saves at once (the unique item, quarter and agency lets one win).
        if (err === STALE || (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002")) {
          throw (await conflictFor(kind, id, quarter, agency.id, input.version))!;
        }
        throw err;
      }
    },

    /** A coordinator sets (or clears) the summary status of an item led by several agencies. */
    async saveSummary(user: Express.User, kind: ReviewSubjectKind, id: number, quarter: Quarter, input: SummaryInput) {
      const s = await subject(kind, id);
      const state = await quarterState(s.planId, quarter);
      const why = refusal(user, s, quarter, state.closed);
      if (why) throw forbidden(why);
      if (!maySummarise(user, s))
        throw forbidden("Only coordinators can set the summary of an item several agencies lead.");
      const key = summaryKey(kind, id, quarter);
      const current = await prisma.reviewSummary.findUnique({ where: key, include: { author: true } });
      const stale = () => new ReviewConflict(current ? saved(current, current.reason) : NOTHING_SAVED(now()));
      if ((current?.version ?? 0) !== input.version) throw stale();
      if (input.status !== null && input.reason.trim() === "")
        throw new FieldError("reason", "Enter the reason for setting the quarter's status");
      const data = {
        status: input.status,
        reason: input.status === null ? "" : input.reason,
        version: input.version + 1,
        authorId: user.id,
        updatedAt: now(),
      };
      try {
        await prisma.$transaction(async (tx) => {
          if (!current) await tx.reviewSummary.create({ data: { ...subjectKey(kind, id), quarter, ...data } });
          else {
            const { count } = await tx.reviewSummary.updateMany({
              where: { id: current.id, version: input.version },
              data,
            });
            if (count !== 1) throw STALE;
          }
          await audit.record(
            {
              actor: user,
              action: input.status === null ? "review.summary.cleared" : "review.summary.saved",
              entityType: kind === "commitment" ? "CommitmentReview" : "RiskReview",
              entityId: `${id}/Q${quarter}`,
              before: current ? { status: current.status, reason: current.reason, version: current.version } : null,
              after: { status: data.status, reason: data.reason, version: data.version },
            },
            tx,
          );
        });
      } catch (err) {
        if (err === STALE || (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002")) {
          const now = await prisma.reviewSummary.findUnique({ where: key, include: { author: true } });
          throw new ReviewConflict(saved(now!, now!.reason));
        }
        throw err;
      }
    },
  };
}

export type ReviewService = ReturnType<typeof reviewService>;
