// Quarterly reviews of commitments and risks: who may record them, the commentary rules, and
// saving without losing anyone's update (optimistic locking on `version`). Every save keeps
// the version it replaced in ReviewVersion and writes an audit event, in one transaction.
import { Prisma, type PrismaClient, type RagStatus } from "../generated/prisma/client.ts";
import type { AuditService } from "./audit.ts";
import { FieldError, forbidden, notFound } from "./errors.ts";
import { QUARTERS, type Quarter, yearLabel } from "./plan-year.ts";
import { leadCodesLabel } from "./plans.ts";

export type ReviewSubjectKind = "commitment" | "risk";

export const COMMENTARY_MAX = 2_000;

/** The partnership's definitions, shown beside the form. */
export const RAG_DEFINITIONS: Record<RagStatus, string> = {
  NOT_STARTED: "Work has not started yet.",
  RED: "Significant issues: off track, help needed.",
  AMBER: "Issues or risks identified, being managed.",
  GREEN: "On track.",
  COMPLETE: "Delivered.",
};

/** How good a status is, for "improved" and "worsened" between quarters. */
export const RAG_RANK: Record<RagStatus, number> = { NOT_STARTED: 0, RED: 1, AMBER: 2, GREEN: 3, COMPLETE: 4 };

/** Thrown inside the save transaction when the version has moved on; rolls it back. */
const STALE = Symbol("stale review version");

export interface ReviewInput {
  status: RagStatus;
  commentary: string;
  version: number;
}

/** Someone else saved first: their review, to show beside the user's own. */
export class ReviewConflict extends Error {
  constructor(
    readonly current: {
      status: RagStatus;
      commentary: string;
      version: number;
      authorName: string | null;
      updatedAt: Date;
    },
  ) {
    super("Someone else has updated this review since you opened it.");
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
  /** Agencies that may record this review; empty with `allAgencies` when every agency may. */
  agencyIds: number[];
  allAgencies: boolean;
  leadLabel: string;
  retired: boolean;
}

/** Whether the commentary is required for this status, given last quarter's. */
export function commentaryRequired(status: RagStatus, previous: RagStatus): boolean {
  return status === "RED" || status === "AMBER" || status !== previous;
}

export function reviewService(prisma: PrismaClient, audit: AuditService, now: () => Date = () => new Date()) {
  async function subject(kind: ReviewSubjectKind, id: number): Promise<Subject> {
    if (kind === "commitment") {
      const c = await prisma.commitment.findUnique({
        where: { id },
        include: { objective: { include: { plan: true } }, leads: { include: { agency: true } } },
      });
      if (!c) throw notFound("commitment");
      const plan = c.objective.plan;
      return {
        kind,
        id,
        text: c.text,
        detail: `Objective ${c.objective.number}: ${c.objective.title}`,
        planId: plan.id,
        startYear: plan.startYear,
        planTitle: plan.title,
        agencyIds: c.leads.map((l) => l.agencyId),
        allAgencies: c.allAgencies,
        leadLabel: leadCodesLabel(
          c.allAgencies,
          c.leads.map((l) => l.agency.code),
        ),
        retired: c.retiredAt !== null || c.objective.retiredAt !== null,
      };
    }
    const r = await prisma.risk.findUnique({ where: { id }, include: { plan: true, ownerAgency: true } });
    if (!r) throw notFound("risk");
    return {
      kind,
      id,
      text: r.description,
      detail: `How we will tackle it: ${r.mitigation}`,
      planId: r.plan.id,
      startYear: r.plan.startYear,
      planTitle: r.plan.title,
      agencyIds: r.ownerAgencyId === null ? [] : [r.ownerAgencyId],
      allAgencies: r.ownerAgencyId === null,
      leadLabel: leadCodesLabel(r.ownerAgency === null, r.ownerAgency ? [r.ownerAgency.code] : []),
      retired: r.retiredAt !== null,
    };
  }

  /** Coordinators may record any review; officers those their agency leads; viewers none. */
  function mayRecord(user: Express.User, s: Subject): boolean {
    if (user.role === "COORDINATOR") return true;
    if (user.role !== "OFFICER" || user.agencyId === null) return false;
    return s.allAgencies || s.agencyIds.includes(user.agencyId);
  }

  const where = (kind: ReviewSubjectKind, id: number, quarter: number) =>
    kind === "commitment"
      ? { commitmentId_quarter: { commitmentId: id, quarter } }
      : { riskId_quarter: { riskId: id, quarter } };

  async function quarterState(planId: number, quarter: number) {
    const q = await prisma.planQuarter.findUnique({ where: { planId_quarter: { planId, quarter } } });
    return { closed: q?.closedAt != null, deadline: q?.deadline ?? null };
  }

  return {
    mayRecord,

    /** Everything the review page shows: the subject, this quarter's review, last quarter's, and the history. */
    async page(user: Express.User, kind: ReviewSubjectKind, id: number, quarter: Quarter) {
      const s = await subject(kind, id);
      const [current, previous, state] = await Promise.all([
        prisma.review.findUnique({ where: where(kind, id, quarter), include: { author: true, authorAgency: true } }),
        quarter > 1 ? prisma.review.findUnique({ where: where(kind, id, quarter - 1) }) : null,
        quarterState(s.planId, quarter),
      ]);
      const history = current
        ? await prisma.reviewVersion.findMany({
            where: { reviewId: current.id },
            include: { author: { select: { name: true } }, authorAgency: { select: { code: true } } },
            orderBy: { version: "desc" },
          })
        : [];
      const editable = mayRecord(user, s) && !s.retired && (!state.closed || user.role === "COORDINATOR");
      return {
        subject: { ...s, yearLabel: yearLabel(s.startYear) },
        quarter,
        review: {
          status: current?.status ?? ("NOT_STARTED" as RagStatus),
          commentary: current?.commentary ?? "",
          version: current?.version ?? 0,
          authorName: current?.author?.name ?? null,
          updatedAt: current && current.version > 0 ? current.updatedAt : null,
        },
        previous: previous
          ? { status: previous.status, commentary: previous.commentary }
          : { status: "NOT_STARTED" as RagStatus, commentary: "" },
        history,
        closed: state.closed,
        deadline: state.deadline,
        editable,
        whyNotEditable: editable
          ? undefined
          : s.retired
            ? "This has been retired, so its reviews can no longer change."
            : !mayRecord(user, s)
              ? "Only the lead agency's officers and coordinators can update this review."
              : "This quarter has been closed by a coordinator.",
      };
    },

    /** Saves a review if the rules allow and nobody else saved since `version`; otherwise throws. */
    async save(user: Express.User, kind: ReviewSubjectKind, id: number, quarter: Quarter, input: ReviewInput) {
      if (!QUARTERS.includes(quarter)) throw notFound("quarter");
      const s = await subject(kind, id);
      if (!mayRecord(user, s))
        throw forbidden("Only the lead agency's officers and coordinators can update this review.");
      if (s.retired) throw forbidden("This has been retired, so its reviews can no longer change.");
      const state = await quarterState(s.planId, quarter);
      if (state.closed && user.role !== "COORDINATOR")
        throw forbidden("This quarter has been closed by a coordinator.");
      const previous = quarter > 1 ? await prisma.review.findUnique({ where: where(kind, id, quarter - 1) }) : null;
      const previousStatus = previous?.status ?? "NOT_STARTED";
      if (commentaryRequired(input.status, previousStatus) && input.commentary.trim() === "") {
        throw new FieldError(
          "commentary",
          input.status === "RED" || input.status === "AMBER"
            ? "Enter commentary: say what the issues are and what is being done"
            : "Enter commentary: say why the status has changed since last quarter",
        );
      }

      const at = now();
      const conflict = async () => {
        const current = await prisma.review.findUnique({ where: where(kind, id, quarter), include: { author: true } });
        return new ReviewConflict({
          status: current?.status ?? "NOT_STARTED",
          commentary: current?.commentary ?? "",
          version: current?.version ?? 0,
          authorName: current?.author?.name ?? null,
          updatedAt: current?.updatedAt ?? at,
        });
      };
      try {
        return await prisma.$transaction(async (tx) => {
          const key = kind === "commitment" ? { commitmentId: id } : { riskId: id };
          const before = await tx.review.findUnique({ where: where(kind, id, quarter) });
          const data = {
            status: input.status,
            commentary: input.commentary,
            version: input.version + 1,
            authorId: user.id,
            authorAgencyId: user.agencyId,
            updatedAt: at,
          };
          let reviewId: number;
          if (!before) {
            if (input.version !== 0) throw STALE;
            reviewId = (await tx.review.create({ data: { ...key, quarter, ...data } })).id;
          } else {
            // Only the version the user saw may be replaced.
            const { count } = await tx.review.updateMany({ where: { id: before.id, version: input.version }, data });
            if (count !== 1) throw STALE;
            reviewId = before.id;
          }
          await tx.reviewVersion.create({
            data: {
              reviewId,
              version: data.version,
              previousStatus: before?.status ?? null,
              status: input.status,
              commentary: input.commentary,
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
              entityId: `${id}/Q${quarter}`,
              before: before ? { status: before.status, commentary: before.commentary, version: before.version } : null,
              after: { status: input.status, commentary: input.commentary, version: data.version },
            },
            tx,
          );
          return { version: data.version };
        });
      } catch (err) {
        // A stale version, or two first saves at once (the unique subject and quarter lets one win).
        if (err === STALE || (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002")) {
          throw await conflict();
        }
        throw err;
      }
    },
  };
}

export type ReviewService = ReturnType<typeof reviewService>;
