// Coordinators run the plan: create a year's plan, edit its details, purposes, achievements,
// objectives, commitments and risks, reorder and retire them, publish it, open and close its
// quarters, and roll it over to the next year. Every item is looked up through the plan's year,
// so an id from another plan is "not found"; every change is audited in its own transaction.
import { Prisma, type PlanStatus, type PrismaClient, type RagStatus } from "../../generated/prisma/client.ts";
import type { Actor, AuditService, Db } from "../audit.ts";
import { FieldError, ServiceError, notFound } from "../errors.ts";
import { QUARTERS, type Quarter, defaultDeadline, quarterDates, yearLabel } from "./year.ts";
import { planService } from "./plans.ts";
import { tasksOf } from "./progress.ts";
import { lowestStatus } from "./review-rules.ts";

type PlanService = ReturnType<typeof planService>;

/** Length limits of the coordinators' forms. */
export const LIMITS = { title: 200, text: 1_000, long: 2_000 } as const;
/** The financial years a plan may be made for. */
export const YEAR_RANGE = { first: 2000, last: 2100 } as const;

export type Direction = "up" | "down";
export type RiskRating = Extract<RagStatus, "RED" | "AMBER" | "GREEN">;

/** "Hate Crime Plan 2024/25": the title a new plan starts with. */
export const newPlanTitle = (startYear: number) => `Hate Crime Plan ${yearLabel(startYear)}`;

const DAY = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
/** "21 July 2023". */
export const formatDay = (date: Date) => DAY.format(date);

/** The ids in their new order after moving one up or down; undefined when it cannot move that way. */
export function reordered(ids: number[], id: number, direction: Direction): number[] | undefined {
  const from = ids.indexOf(id);
  const to = direction === "up" ? from - 1 : from + 1;
  if (from < 0 || to < 0 || to >= ids.length) return undefined;
  const order = [...ids];
  [order[from], order[to]] = [order[to]!, order[from]!];
  return order;
}

/** Text cut to at most `max` characters, at a word break where there is one, ending "…". */
export function shorten(text: string, max: number): string {
  const clean = text.trim().replace(/\s+/g, " ");
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** One quarter's recorded review of a commitment. */
export interface RecordedReview {
  quarter: number;
  status: RagStatus;
  commentary: string;
}

/**
 * One review per quarter from each agency's updates of a commitment: the coordinator's summary
 * status when set, else the lowest of the agencies' statuses, with their commentary together.
 */
export function quarterReviews(
  updates: RecordedReview[],
  summaries: { quarter: number; status: RagStatus | null }[] = [],
): RecordedReview[] {
  return [...new Set(updates.map((u) => u.quarter))].map((quarter) => {
    const those = updates.filter((u) => u.quarter === quarter);
    const summary = summaries.find((x) => x.quarter === quarter)?.status;
    return {
      quarter,
      status: summary ?? lowestStatus(those.map((u) => u.status))!,
      commentary: those
        .map((u) => u.commentary.trim())
        .filter(Boolean)
        .join(" "),
    };
  });
}

/** The review of the latest quarter that has one. */
export function latestReview(reviews: RecordedReview[]): RecordedReview | undefined {
  return reviews.reduce<RecordedReview | undefined>((l, r) => (!l || r.quarter > l.quarter ? r : l), undefined);
}

/** Roll-over: a commitment goes on to next year unless it was Complete at its latest review. */
export function carriedForward(reviews: RecordedReview[]): boolean {
  return latestReview(reviews)?.status !== "COMPLETE";
}

/**
 * Roll-over: a commitment becomes a draft achievement when it was Complete or Green at Q4 (or was
 * completed earlier in the year and not reviewed again, so was still Complete at Q4).
 */
export function draftsAchievement(reviews: RecordedReview[]): boolean {
  const q4 = reviews.find((r) => r.quarter === 4);
  if (q4) return q4.status === "COMPLETE" || q4.status === "GREEN";
  return latestReview(reviews)?.status === "COMPLETE";
}

/** The commentary of the latest quarter that has any. */
export function latestCommentary(reviews: RecordedReview[]): string {
  return latestReview(reviews.filter((r) => r.commentary.trim() !== ""))?.commentary.trim() ?? "";
}

export interface PlanDetailsInput {
  title: string;
  strapline: string;
  vision: string;
  introduction: string;
}

export interface CommitmentInput {
  text: string;
  allAgencies: boolean;
  agencyIds: number[];
  /** When it should be done; null when the plan sets no date. */
  targetDate?: Date | null;
  /** A named contact in some of its lead agencies; a blank name is no contact. */
  contacts?: { agencyId: number; name: string }[];
}

export interface RiskInput {
  description: string;
  mitigation: string;
  rating: RiskRating;
  /** null: the whole partnership owns it. */
  ownerAgencyId: number | null;
}

/** A named contact's name, as long as a person's name needs. */
export const CONTACT_MAX = 100;

const DELETE_REFUSED = (what: string) =>
  `This ${what} has quarterly reviews, so it cannot be deleted. Retire it instead: it leaves the plan but its reviews are kept.`;

const PLAN_DELETE_REFUSED = {
  status: "Only a draft plan can be deleted. Make it a draft again first if it should go.",
  reviews: "This plan has quarterly reviews, so it cannot be deleted: deleting it would lose them. Archive it instead.",
};

const isUniqueViolation = (err: unknown) => err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002";
const isForeignKeyViolation = (err: unknown) =>
  err instanceof Prisma.PrismaClientKnownRequestError && (err.code === "P2003" || err.code === "P2014");

const byPosition = [{ position: "asc" as const }, { id: "asc" as const }];

type Positioned = { id: number; position: number };

/** Writes positions base, base+1, ... in the given order, only where they change. */
async function writeOrder(
  items: Positioned[],
  order: number[],
  base: number,
  write: (id: number, position: number) => Promise<unknown>,
) {
  const current = new Map(items.map((i) => [i.id, i.position]));
  for (const [i, id] of order.entries()) if (current.get(id) !== base + i) await write(id, base + i);
}

export function planAdminService(
  prisma: PrismaClient,
  audit: AuditService,
  plans: PlanService = planService(prisma),
  now: () => Date = () => new Date(),
) {
  async function findPlan(startYear: number, db: Db = prisma) {
    const plan = await db.plan.findUnique({ where: { startYear } });
    if (!plan) throw notFound("plan");
    return plan;
  }

  // Each item is found through its plan's year: another plan's id is not found here.
  const inPlan = (startYear: number) => ({ plan: { startYear } });

  async function findPurpose(startYear: number, id: number, db: Db = prisma) {
    const row = await db.purpose.findFirst({ where: { id, ...inPlan(startYear) } });
    if (!row) throw notFound("purpose");
    return row;
  }
  async function findAchievement(startYear: number, id: number, db: Db = prisma) {
    const row = await db.achievement.findFirst({ where: { id, ...inPlan(startYear) } });
    if (!row) throw notFound("achievement");
    return row;
  }
  async function findObjective(startYear: number, id: number, db: Db = prisma) {
    const row = await db.objective.findFirst({ where: { id, ...inPlan(startYear) } });
    if (!row) throw notFound("objective");
    return row;
  }
  async function findCommitment(startYear: number, id: number, db: Db = prisma) {
    const row = await db.commitment.findFirst({
      where: { id, objective: inPlan(startYear) },
      include: {
        objective: true,
        leads: { include: { agency: true }, orderBy: { agency: { position: "asc" } } },
        contacts: { orderBy: { agency: { position: "asc" } } },
      },
    });
    if (!row) throw notFound("commitment");
    return row;
  }
  async function findRisk(startYear: number, id: number, db: Db = prisma) {
    const row = await db.risk.findFirst({ where: { id, ...inPlan(startYear) }, include: { ownerAgency: true } });
    if (!row) throw notFound("risk");
    return row;
  }

  const commitmentSnapshot = (c: {
    text: string;
    allAgencies: boolean;
    objectiveId: number;
    position: number;
    targetDate?: Date | null;
  }) => ({
    objectiveId: c.objectiveId,
    position: c.position,
    text: c.text,
    allAgencies: c.allAgencies,
    targetDate: c.targetDate ?? null,
  });

  /** The contacts to store (those given, else those it had): one per lead agency named, blank ones left out. */
  const contactsOf = (input: CommitmentInput, had: { agencyId: number; name: string }[] = []) => {
    const leads = input.allAgencies ? [] : input.agencyIds;
    const named = new Map<number, string>();
    for (const c of input.contacts ?? had) {
      if (!leads.includes(c.agencyId) || c.name.trim() === "") continue;
      if (c.name.trim().length > CONTACT_MAX)
        throw new FieldError(`contact-${c.agencyId}`, "The contact's name must be 100 characters or fewer");
      named.set(c.agencyId, c.name.trim());
    }
    return [...named].map(([agencyId, name]) => ({ agencyId, name }));
  };

  const riskSnapshot = (r: {
    id: number;
    planId: number;
    position: number;
    description: string;
    mitigation: string;
    rating: RagStatus;
    ownerAgencyId: number | null;
    retiredAt: Date | null;
  }) => ({
    id: r.id,
    planId: r.planId,
    position: r.position,
    description: r.description,
    mitigation: r.mitigation,
    rating: r.rating,
    ownerAgencyId: r.ownerAgencyId,
    retiredAt: r.retiredAt,
  });

  /** Lead agencies must be agencies still in the partnership (or already leading this commitment). */
  async function checkLeads(db: Db, input: CommitmentInput, current: number[] = []) {
    if (input.allAgencies && input.agencyIds.length > 0)
      throw new FieldError("leads", "Select either the lead agencies or All agencies, not both");
    if (!input.allAgencies && input.agencyIds.length === 0)
      throw new FieldError("leads", "Select the lead agencies, or All agencies");
    const found = await db.agency.findMany({ where: { id: { in: input.agencyIds } } });
    const allowed = (id: number) => found.some((a) => a.id === id && (a.active || current.includes(id)));
    if (!input.agencyIds.every(allowed)) throw new FieldError("leads", "Select lead agencies from the list");
  }

  async function checkOwner(db: Db, ownerAgencyId: number | null, current: number | null = null) {
    if (ownerAgencyId === null) return;
    const agency = await db.agency.findUnique({ where: { id: ownerAgencyId } });
    if (!agency || (!agency.active && agency.id !== current))
      throw new FieldError("owner", "Select who owns the risk from the list");
  }

  /** Moves one item of an ordered list and writes the list's positions without gaps. */
  async function move(
    siblings: Positioned[],
    id: number,
    direction: Direction,
    base: number,
    write: (id: number, position: number) => Promise<unknown>,
  ): Promise<{ before: number[]; after: number[] } | undefined> {
    const before = siblings.map((s) => s.id);
    const after = reordered(before, id, direction);
    if (!after) return undefined;
    await writeOrder(siblings, after, base, write);
    return { before, after };
  }

  async function hasReviews(db: Db, where: Prisma.ReviewWhereInput) {
    return (await db.review.count({ where })) > 0;
  }

  /** Runs a delete, turning a review written meanwhile (the database refuses) into the same refusal. */
  async function refusingReviewed<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (isForeignKeyViolation(err)) throw new ServiceError(409, DELETE_REFUSED(what));
      throw err;
    }
  }

  async function planDeleteRefusal(db: Db, plan: { id: number; status: PlanStatus }): Promise<string | undefined> {
    if (plan.status !== "DRAFT") return PLAN_DELETE_REFUSED.status;
    const item = { OR: [{ commitment: { objective: { planId: plan.id } } }, { risk: { planId: plan.id } }] };
    const [reviews, summaries] = await Promise.all([
      db.review.count({ where: item }),
      db.reviewSummary.count({ where: item }),
    ]);
    return reviews + summaries > 0 ? PLAN_DELETE_REFUSED.reviews : undefined;
  }

  return {
    DELETE_REFUSED,

    /** Every plan, newest first. */
    async list() {
      const rows = await prisma.plan.findMany({
        orderBy: { startYear: "desc" },
        select: { id: true, startYear: true, title: true, status: true, publishedAt: true, updatedAt: true },
      });
      return rows.map((p) => ({ ...p, yearLabel: yearLabel(p.startYear) }));
    },

    /** A new DRAFT plan for the financial year starting in startYear, with its four quarters. */
    async create(actor: Actor, startYear: number) {
      if (!Number.isInteger(startYear) || startYear < YEAR_RANGE.first || startYear > YEAR_RANGE.last)
        throw new FieldError("startYear", `The year must be between ${YEAR_RANGE.first} and ${YEAR_RANGE.last}`);
      const exists = () => new FieldError("startYear", `There is already a plan for ${yearLabel(startYear)}`);
      if (await prisma.plan.findUnique({ where: { startYear } })) throw exists();
      try {
        return await prisma.$transaction(async (tx) => {
          const plan = await tx.plan.create({
            data: {
              startYear,
              title: newPlanTitle(startYear),
              vision: "",
              status: "DRAFT",
              quarters: {
                create: QUARTERS.map((quarter) => ({ quarter, deadline: defaultDeadline(startYear, quarter) })),
              },
            },
            include: { quarters: true },
          });
          await audit.record({ actor, action: "plan.created", entityType: "Plan", entityId: plan.id, after: plan }, tx);
          return plan;
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw exists();
        throw err;
      }
    },

    /** The plan with everything in it, retired items included, and what may be deleted. */
    async manageView(startYear: number) {
      const view = await plans.planView(startYear, { includeRetired: true });
      if (!view) throw notFound("plan");
      const [reviewed, nextPlan] = await Promise.all([
        prisma.review.findMany({
          where: { OR: [{ commitment: { objective: { planId: view.id } } }, { risk: { planId: view.id } }] },
          select: { commitmentId: true, riskId: true },
          distinct: ["commitmentId", "riskId"],
        }),
        prisma.plan.findUnique({ where: { startYear: startYear + 1 }, select: { id: true } }),
      ]);
      const reviewedCommitments = new Set(reviewed.map((r) => r.commitmentId).filter((id) => id !== null));
      const reviewedRisks = new Set(reviewed.map((r) => r.riskId).filter((id) => id !== null));
      return {
        ...view,
        objectives: view.objectives.map((o) => ({
          ...o,
          deletable: !o.commitments.some((c) => reviewedCommitments.has(c.id)),
          commitments: o.commitments.map((c) => ({ ...c, deletable: !reviewedCommitments.has(c.id) })),
        })),
        risks: view.risks.map((r) => ({ ...r, deletable: !reviewedRisks.has(r.id) })),
        quarters: view.quarters.map((q) => ({ ...q, defaultDeadline: defaultDeadline(startYear, q.quarter) })),
        nextYear: { startYear: startYear + 1, exists: nextPlan !== null, allowed: startYear + 1 <= YEAR_RANGE.last },
        // Only a draft nobody has reviewed yet, such as one just rolled over by mistake.
        deletable: view.status === "DRAFT" && reviewed.length === 0,
      };
    },

    /**
     * Whether a plan may be deleted: a draft with no reviews (nor summaries) of any of its items.
     * Otherwise the reason, to show instead of the button.
     */
    async planDeletion(startYear: number) {
      const plan = await findPlan(startYear);
      return { plan, refused: await planDeleteRefusal(prisma, plan) };
    },

    /** Deletes a draft plan with no reviews and everything in it (a roll-over made by mistake), audited. */
    async deletePlan(actor: Actor, startYear: number) {
      try {
        return await prisma.$transaction(async (tx) => {
          const plan = await findPlan(startYear, tx);
          const refused = await planDeleteRefusal(tx, plan);
          if (refused) throw new ServiceError(409, refused);
          const contents = await tx.plan.findUniqueOrThrow({
            where: { id: plan.id },
            select: {
              _count: { select: { purposes: true, achievements: true, objectives: true, risks: true } },
              objectives: { select: { _count: { select: { commitments: true } } } },
            },
          });
          await tx.plan.delete({ where: { id: plan.id } });
          await audit.record(
            {
              actor,
              action: "plan.deleted",
              entityType: "Plan",
              entityId: plan.id,
              before: {
                startYear: plan.startYear,
                title: plan.title,
                status: plan.status,
                ...contents._count,
                commitments: contents.objectives.reduce((n, o) => n + o._count.commitments, 0),
              },
            },
            tx,
          );
          return plan;
        });
      } catch (err) {
        // A review saved meanwhile: the database refuses to delete what it reviews.
        if (isForeignKeyViolation(err)) throw new ServiceError(409, PLAN_DELETE_REFUSED.reviews);
        throw err;
      }
    },

    getPlan: (startYear: number) => findPlan(startYear),

    async updateDetails(actor: Actor, startYear: number, input: PlanDetailsInput) {
      return prisma.$transaction(async (tx) => {
        const before = await findPlan(startYear, tx);
        const after = await tx.plan.update({ where: { id: before.id }, data: input });
        const pick = (p: PlanDetailsInput) => ({
          title: p.title,
          strapline: p.strapline,
          vision: p.vision,
          introduction: p.introduction,
        });
        await audit.record(
          {
            actor,
            action: "plan.updated",
            entityType: "Plan",
            entityId: before.id,
            before: pick(before),
            after: pick(after),
          },
          tx,
        );
        return after;
      });
    },

    /** Publish, unpublish (back to draft) or archive. Returns false when it already had that status. */
    async setStatus(actor: Actor, startYear: number, status: PlanStatus): Promise<boolean> {
      return prisma.$transaction(async (tx) => {
        const before = await findPlan(startYear, tx);
        if (before.status === status) return false;
        const publishedAt = status === "PUBLISHED" ? now() : status === "DRAFT" ? null : before.publishedAt;
        const after = await tx.plan.update({ where: { id: before.id }, data: { status, publishedAt } });
        const action = { PUBLISHED: "plan.published", DRAFT: "plan.unpublished", ARCHIVED: "plan.archived" }[status];
        await audit.record(
          {
            actor,
            action,
            entityType: "Plan",
            entityId: before.id,
            before: { status: before.status, publishedAt: before.publishedAt },
            after: { status: after.status, publishedAt: after.publishedAt },
          },
          tx,
        );
        return true;
      });
    },

    // ---- Purposes ("What we do") ----

    getPurpose: (startYear: number, id: number) => findPurpose(startYear, id),

    async addPurpose(actor: Actor, startYear: number, text: string) {
      return prisma.$transaction(async (tx) => {
        const plan = await findPlan(startYear, tx);
        const position = await tx.purpose.count({ where: { planId: plan.id } });
        const row = await tx.purpose.create({ data: { planId: plan.id, position, text } });
        await audit.record({ actor, action: "purpose.added", entityType: "Purpose", entityId: row.id, after: row }, tx);
        return row;
      });
    },

    async updatePurpose(actor: Actor, startYear: number, id: number, text: string) {
      return prisma.$transaction(async (tx) => {
        const before = await findPurpose(startYear, id, tx);
        const after = await tx.purpose.update({ where: { id }, data: { text } });
        await audit.record(
          { actor, action: "purpose.updated", entityType: "Purpose", entityId: id, before, after },
          tx,
        );
        return after;
      });
    },

    async deletePurpose(actor: Actor, startYear: number, id: number) {
      return prisma.$transaction(async (tx) => {
        const before = await findPurpose(startYear, id, tx);
        await tx.purpose.delete({ where: { id } });
        const rest = await tx.purpose.findMany({ where: { planId: before.planId }, orderBy: byPosition });
        await writeOrder(
          rest,
          rest.map((r) => r.id),
          0,
          (rid, position) => tx.purpose.update({ where: { id: rid }, data: { position } }),
        );
        await audit.record({ actor, action: "purpose.deleted", entityType: "Purpose", entityId: id, before }, tx);
        return before;
      });
    },

    async movePurpose(actor: Actor, startYear: number, id: number, direction: Direction) {
      return prisma.$transaction(async (tx) => {
        const row = await findPurpose(startYear, id, tx);
        const siblings = await tx.purpose.findMany({ where: { planId: row.planId }, orderBy: byPosition });
        const moved = await move(siblings, id, direction, 0, (rid, position) =>
          tx.purpose.update({ where: { id: rid }, data: { position } }),
        );
        if (moved)
          await audit.record(
            {
              actor,
              action: "purpose.moved",
              entityType: "Purpose",
              entityId: id,
              before: { order: moved.before },
              after: { order: moved.after },
            },
            tx,
          );
        return moved !== undefined;
      });
    },

    // ---- Achievements ----

    getAchievement: (startYear: number, id: number) => findAchievement(startYear, id),

    async addAchievement(actor: Actor, startYear: number, input: { title: string; description: string }) {
      return prisma.$transaction(async (tx) => {
        const plan = await findPlan(startYear, tx);
        const position = await tx.achievement.count({ where: { planId: plan.id } });
        const row = await tx.achievement.create({ data: { planId: plan.id, position, ...input } });
        await audit.record(
          { actor, action: "achievement.added", entityType: "Achievement", entityId: row.id, after: row },
          tx,
        );
        return row;
      });
    },

    async updateAchievement(
      actor: Actor,
      startYear: number,
      id: number,
      input: { title: string; description: string },
    ) {
      return prisma.$transaction(async (tx) => {
        const before = await findAchievement(startYear, id, tx);
        const after = await tx.achievement.update({ where: { id }, data: input });
        await audit.record(
          { actor, action: "achievement.updated", entityType: "Achievement", entityId: id, before, after },
          tx,
        );
        return after;
      });
    },

    async deleteAchievement(actor: Actor, startYear: number, id: number) {
      return prisma.$transaction(async (tx) => {
        const before = await findAchievement(startYear, id, tx);
        await tx.achievement.delete({ where: { id } });
        const rest = await tx.achievement.findMany({ where: { planId: before.planId }, orderBy: byPosition });
        await writeOrder(
          rest,
          rest.map((r) => r.id),
          0,
          (rid, position) => tx.achievement.update({ where: { id: rid }, data: { position } }),
        );
        await audit.record(
          { actor, action: "achievement.deleted", entityType: "Achievement", entityId: id, before },
          tx,
        );
        return before;
      });
    },

    async moveAchievement(actor: Actor, startYear: number, id: number, direction: Direction) {
      return prisma.$transaction(async (tx) => {
        const row = await findAchievement(startYear, id, tx);
        const siblings = await tx.achievement.findMany({ where: { planId: row.planId }, orderBy: byPosition });
        const moved = await move(siblings, id, direction, 0, (rid, position) =>
          tx.achievement.update({ where: { id: rid }, data: { position } }),
        );
        if (moved)
          await audit.record(
            {
              actor,
              action: "achievement.moved",
              entityType: "Achievement",
              entityId: id,
              before: { order: moved.before },
              after: { order: moved.after },
            },
            tx,
          );
        return moved !== undefined;
      });
    },

    // ---- Objectives (numbered 1, 2, 3... without gaps) ----

    getObjective: (startYear: number, id: number) => findObjective(startYear, id),

    /** The number the next objective will get. */
    async nextObjectiveNumber(startYear: number) {
      const plan = await findPlan(startYear);
      return (await prisma.objective.count({ where: { planId: plan.id } })) + 1;
    },

    async addObjective(actor: Actor, startYear: number, title: string) {
      return prisma.$transaction(async (tx) => {
        const plan = await findPlan(startYear, tx);
        const number = (await tx.objective.count({ where: { planId: plan.id } })) + 1;
        const row = await tx.objective.create({ data: { planId: plan.id, number, title } });
        await audit.record(
          { actor, action: "objective.added", entityType: "Objective", entityId: row.id, after: row },
          tx,
        );
        return row;
      });
    },

    async updateObjective(actor: Actor, startYear: number, id: number, title: string) {
      return prisma.$transaction(async (tx) => {
        const before = await findObjective(startYear, id, tx);
        const after = await tx.objective.update({ where: { id }, data: { title } });
        await audit.record(
          {
            actor,
            action: "objective.updated",
            entityType: "Objective",
            entityId: id,
            before: { title: before.title },
            after: { title: after.title },
          },
          tx,
        );
        return after;
      });
    },

    /** Reordering objectives renumbers them. */
    async moveObjective(actor: Actor, startYear: number, id: number, direction: Direction) {
      return prisma.$transaction(async (tx) => {
        const row = await findObjective(startYear, id, tx);
        const siblings = (
          await tx.objective.findMany({ where: { planId: row.planId }, orderBy: [{ number: "asc" }, { id: "asc" }] })
        ).map((o) => ({ id: o.id, position: o.number }));
        const moved = await move(siblings, id, direction, 1, (oid, number) =>
          tx.objective.update({ where: { id: oid }, data: { number } }),
        );
        if (moved)
          await audit.record(
            {
              actor,
              action: "objective.moved",
              entityType: "Objective",
              entityId: id,
              before: { order: moved.before },
              after: { order: moved.after },
            },
            tx,
          );
        return moved !== undefined;
      });
    },

    /** Retire (leave the plan, reviews kept) or restore. Returns false when nothing changed. */
    async setObjectiveRetired(actor: Actor, startYear: number, id: number, retired: boolean) {
      return prisma.$transaction(async (tx) => {
        const before = await findObjective(startYear, id, tx);
        if ((before.retiredAt !== null) === retired) return false;
        const after = await tx.objective.update({ where: { id }, data: { retiredAt: retired ? now() : null } });
        await audit.record(
          {
            actor,
            action: retired ? "objective.retired" : "objective.restored",
            entityType: "Objective",
            entityId: id,
            before: { retiredAt: before.retiredAt },
            after: { retiredAt: after.retiredAt },
          },
          tx,
        );
        return true;
      });
    },

    /** Whether the objective, or one of its commitments, has any quarterly review. */
    async objectiveHasReviews(startYear: number, id: number) {
      await findObjective(startYear, id);
      return hasReviews(prisma, { commitment: { objectiveId: id } });
    },

    /** Deletes an objective and its commitments, refused when any of them has reviews. */
    async deleteObjective(actor: Actor, startYear: number, id: number) {
      return refusingReviewed("objective", () =>
        prisma.$transaction(async (tx) => {
          const before = await findObjective(startYear, id, tx);
          if (await hasReviews(tx, { commitment: { objectiveId: id } }))
            throw new ServiceError(409, DELETE_REFUSED("objective"));
          const commitments = await tx.commitment.findMany({
            where: { objectiveId: id },
            orderBy: byPosition,
            include: { leads: { select: { agencyId: true } } },
          });
          await tx.objective.delete({ where: { id } });
          const rest = (
            await tx.objective.findMany({
              where: { planId: before.planId },
              orderBy: [{ number: "asc" }, { id: "asc" }],
            })
          ).map((o) => ({ id: o.id, position: o.number }));
          await writeOrder(
            rest,
            rest.map((r) => r.id),
            1,
            (oid, number) => tx.objective.update({ where: { id: oid }, data: { number } }),
          );
          await audit.record(
            {
              actor,
              action: "objective.deleted",
              entityType: "Objective",
              entityId: id,
              before: {
                ...before,
                commitments: commitments.map((c) => ({
                  id: c.id,
                  ...commitmentSnapshot(c),
                  agencyIds: c.leads.map((l) => l.agencyId),
                })),
              },
            },
            tx,
          );
          return before;
        }),
      );
    },

    // ---- Commitments (positions 0, 1, 2... within their objective) ----

    getCommitment: (startYear: number, id: number) => findCommitment(startYear, id),

    async commitmentHasReviews(startYear: number, id: number) {
      await findCommitment(startYear, id);
      return hasReviews(prisma, { commitmentId: id });
    },

    async addCommitment(actor: Actor, startYear: number, objectiveId: number, input: CommitmentInput) {
      await findObjective(startYear, objectiveId);
      await checkLeads(prisma, input);
      return prisma.$transaction(async (tx) => {
        const objective = await findObjective(startYear, objectiveId, tx);
        const position = await tx.commitment.count({ where: { objectiveId: objective.id } });
        const row = await tx.commitment.create({
          data: {
            objectiveId: objective.id,
            position,
            text: input.text,
            allAgencies: input.allAgencies,
            targetDate: input.targetDate ?? null,
            leads: input.allAgencies ? undefined : { create: input.agencyIds.map((agencyId) => ({ agencyId })) },
            contacts: { create: contactsOf(input) },
          },
        });
        await audit.record(
          {
            actor,
            action: "commitment.added",
            entityType: "Commitment",
            entityId: row.id,
            after: {
              ...commitmentSnapshot(row),
              agencyIds: input.allAgencies ? [] : input.agencyIds,
              contacts: contactsOf(input),
            },
          },
          tx,
        );
        return row;
      });
    },

    async updateCommitment(actor: Actor, startYear: number, id: number, input: CommitmentInput) {
      const current = await findCommitment(startYear, id);
      await checkLeads(
        prisma,
        input,
        current.leads.map((l) => l.agencyId),
      );
      return prisma.$transaction(async (tx) => {
        const before = await findCommitment(startYear, id, tx);
        const agencyIds = input.allAgencies ? [] : input.agencyIds;
        await tx.commitmentLead.deleteMany({ where: { commitmentId: id } });
        if (agencyIds.length > 0)
          await tx.commitmentLead.createMany({ data: agencyIds.map((agencyId) => ({ commitmentId: id, agencyId })) });
        const contacts = contactsOf(input, before.contacts);
        await tx.commitmentContact.deleteMany({ where: { commitmentId: id } });
        if (contacts.length > 0)
          await tx.commitmentContact.createMany({ data: contacts.map((c) => ({ commitmentId: id, ...c })) });
        const after = await tx.commitment.update({
          where: { id },
          data: { text: input.text, allAgencies: input.allAgencies, targetDate: input.targetDate },
        });
        await audit.record(
          {
            actor,
            action: "commitment.updated",
            entityType: "Commitment",
            entityId: id,
            before: {
              ...commitmentSnapshot(before),
              agencyIds: before.leads.map((l) => l.agencyId),
              contacts: before.contacts.map((c) => ({ agencyId: c.agencyId, name: c.name })),
            },
            after: { ...commitmentSnapshot(after), agencyIds, contacts },
          },
          tx,
        );
        return after;
      });
    },

    async moveCommitment(actor: Actor, startYear: number, id: number, direction: Direction) {
      return prisma.$transaction(async (tx) => {
        const row = await findCommitment(startYear, id, tx);
        const siblings = await tx.commitment.findMany({ where: { objectiveId: row.objectiveId }, orderBy: byPosition });
        const moved = await move(siblings, id, direction, 0, (cid, position) =>
          tx.commitment.update({ where: { id: cid }, data: { position } }),
        );
        if (moved)
          await audit.record(
            {
              actor,
              action: "commitment.moved",
              entityType: "Commitment",
              entityId: id,
              before: { order: moved.before },
              after: { order: moved.after },
            },
            tx,
          );
        return moved !== undefined;
      });
    },

    async setCommitmentRetired(actor: Actor, startYear: number, id: number, retired: boolean) {
      return prisma.$transaction(async (tx) => {
        const before = await findCommitment(startYear, id, tx);
        if ((before.retiredAt !== null) === retired) return false;
        const after = await tx.commitment.update({ where: { id }, data: { retiredAt: retired ? now() : null } });
        await audit.record(
          {
            actor,
            action: retired ? "commitment.retired" : "commitment.restored",
            entityType: "Commitment",
            entityId: id,
            before: { retiredAt: before.retiredAt },
            after: { retiredAt: after.retiredAt },
          },
          tx,
        );
        return true;
      });
    },

    async deleteCommitment(actor: Actor, startYear: number, id: number) {
      return refusingReviewed("commitment", () =>
        prisma.$transaction(async (tx) => {
          const before = await findCommitment(startYear, id, tx);
          if (await hasReviews(tx, { commitmentId: id })) throw new ServiceError(409, DELETE_REFUSED("commitment"));
          await tx.commitment.delete({ where: { id } });
          const rest = await tx.commitment.findMany({
            where: { objectiveId: before.objectiveId },
            orderBy: byPosition,
          });
          await writeOrder(
            rest,
            rest.map((r) => r.id),
            0,
            (cid, position) => tx.commitment.update({ where: { id: cid }, data: { position } }),
          );
          await audit.record(
            {
              actor,
              action: "commitment.deleted",
              entityType: "Commitment",
              entityId: id,
              before: { ...commitmentSnapshot(before), agencyIds: before.leads.map((l) => l.agencyId) },
            },
            tx,
          );
          return before;
        }),
      );
    },

    // ---- Risks (positions 0, 1, 2...) ----

    getRisk: (startYear: number, id: number) => findRisk(startYear, id),

    async riskHasReviews(startYear: number, id: number) {
      await findRisk(startYear, id);
      return hasReviews(prisma, { riskId: id });
    },

    async addRisk(actor: Actor, startYear: number, input: RiskInput) {
      await findPlan(startYear);
      await checkOwner(prisma, input.ownerAgencyId);
      return prisma.$transaction(async (tx) => {
        const plan = await findPlan(startYear, tx);
        const position = await tx.risk.count({ where: { planId: plan.id } });
        const row = await tx.risk.create({ data: { planId: plan.id, position, ...input } });
        await audit.record({ actor, action: "risk.added", entityType: "Risk", entityId: row.id, after: row }, tx);
        return row;
      });
    },

    async updateRisk(actor: Actor, startYear: number, id: number, input: RiskInput) {
      const current = await findRisk(startYear, id);
      await checkOwner(prisma, input.ownerAgencyId, current.ownerAgencyId);
      return prisma.$transaction(async (tx) => {
        const before = riskSnapshot(await findRisk(startYear, id, tx));
        const after = riskSnapshot(await tx.risk.update({ where: { id }, data: input }));
        await audit.record({ actor, action: "risk.updated", entityType: "Risk", entityId: id, before, after }, tx);
        return after;
      });
    },

    async moveRisk(actor: Actor, startYear: number, id: number, direction: Direction) {
      return prisma.$transaction(async (tx) => {
        const row = await findRisk(startYear, id, tx);
        const siblings = await tx.risk.findMany({ where: { planId: row.planId }, orderBy: byPosition });
        const moved = await move(siblings, id, direction, 0, (rid, position) =>
          tx.risk.update({ where: { id: rid }, data: { position } }),
        );
        if (moved)
          await audit.record(
            {
              actor,
              action: "risk.moved",
              entityType: "Risk",
              entityId: id,
              before: { order: moved.before },
              after: { order: moved.after },
            },
            tx,
          );
        return moved !== undefined;
      });
    },

    async setRiskRetired(actor: Actor, startYear: number, id: number, retired: boolean) {
      return prisma.$transaction(async (tx) => {
        const before = await findRisk(startYear, id, tx);
        if ((before.retiredAt !== null) === retired) return false;
        const after = await tx.risk.update({ where: { id }, data: { retiredAt: retired ? now() : null } });
        await audit.record(
          {
            actor,
            action: retired ? "risk.retired" : "risk.restored",
            entityType: "Risk",
            entityId: id,
            before: { retiredAt: before.retiredAt },
            after: { retiredAt: after.retiredAt },
          },
          tx,
        );
        return true;
      });
    },

    async deleteRisk(actor: Actor, startYear: number, id: number) {
      return refusingReviewed("risk", () =>
        prisma.$transaction(async (tx) => {
          const before = riskSnapshot(await findRisk(startYear, id, tx));
          if (await hasReviews(tx, { riskId: id })) throw new ServiceError(409, DELETE_REFUSED("risk"));
          await tx.risk.delete({ where: { id } });
          const rest = await tx.risk.findMany({ where: { planId: before.planId }, orderBy: byPosition });
          await writeOrder(
            rest,
            rest.map((r) => r.id),
            0,
            (rid, position) => tx.risk.update({ where: { id: rid }, data: { position } }),
          );
          await audit.record({ actor, action: "risk.deleted", entityType: "Risk", entityId: id, before }, tx);
          return before;
        }),
      );
    },

    // ---- Quarters ----

    async getQuarter(startYear: number, quarter: Quarter) {
      const plan = await findPlan(startYear);
      const row = await prisma.planQuarter.findUnique({ where: { planId_quarter: { planId: plan.id, quarter } } });
      return {
        plan,
        quarter,
        deadline: row?.deadline ?? null,
        closed: row?.closedAt != null,
        closedAt: row?.closedAt ?? null,
        defaultDeadline: defaultDeadline(startYear, quarter),
        ...quarterDates(startYear, quarter),
      };
    },

    /** The deadline must fall between the quarter's first day and a year after it ends. */
    deadlineRange(startYear: number, quarter: Quarter) {
      const { start, end } = quarterDates(startYear, quarter);
      const latest = new Date(end);
      latest.setUTCFullYear(latest.getUTCFullYear() + 1);
      return { earliest: start, latest };
    },

    async setDeadline(actor: Actor, startYear: number, quarter: Quarter, deadline: Date) {
      const { earliest, latest } = this.deadlineRange(startYear, quarter);
      if (deadline < earliest)
        throw new FieldError(
          "deadline",
          `The deadline must be on or after ${formatDay(earliest)}, when the quarter starts`,
        );
      if (deadline > latest) throw new FieldError("deadline", `The deadline must be on or before ${formatDay(latest)}`);
      return prisma.$transaction(async (tx) => {
        const plan = await findPlan(startYear, tx);
        const key = { planId_quarter: { planId: plan.id, quarter } };
        const before = await tx.planQuarter.findUnique({ where: key });
        const after = await tx.planQuarter.upsert({
          where: key,
          create: { planId: plan.id, quarter, deadline },
          update: { deadline },
        });
        await audit.record(
          {
            actor,
            action: "quarter.deadline-changed",
            entityType: "PlanQuarter",
            entityId: `${plan.id}/Q${quarter}`,
            before: { deadline: before?.deadline ?? null },
            after: { deadline: after.deadline },
          },
          tx,
        );
        return after;
      });
    },

    /**
     * What is still to update in a quarter (as the dashboard counts it: an item is done when every
     * lead agency has updated or a coordinator set a summary), with who has not updated each.
     */
    async outstandingUpdates(startYear: number, quarter: Quarter) {
      const plan = await plans.planView(startYear);
      if (!plan) throw notFound("plan");
      const names = new Map([
        ...plan.objectives.flatMap((o) => o.commitments.map((c) => [`commitment ${c.id}`, `Commitment ${c.number}`])),
        ...plan.risks.map((r, i) => [`risk ${r.id}`, `Risk ${i + 1}`]),
      ] as [string, string][]);
      return tasksOf(plan, quarter, now())
        .filter((t) => t.state !== "UPDATED")
        .map((t) => ({
          kind: t.kind,
          id: t.id,
          name: names.get(`${t.kind} ${t.id}`) ?? "",
          text: t.text,
          missing: t.missing.map((a) => a.name),
        }));
    },

    /** Close a quarter (read-only for officers) or reopen it. Returns false when nothing changed. */
    async setQuarterClosed(actor: Actor, startYear: number, quarter: Quarter, closed: boolean) {
      return prisma.$transaction(async (tx) => {
        const plan = await findPlan(startYear, tx);
        const key = { planId_quarter: { planId: plan.id, quarter } };
        const before = await tx.planQuarter.findUnique({ where: key });
        if ((before?.closedAt != null) === closed) return false;
        const closedAt = closed ? now() : null;
        await tx.planQuarter.upsert({
          where: key,
          create: { planId: plan.id, quarter, closedAt, deadline: defaultDeadline(startYear, quarter) },
          update: { closedAt },
        });
        await audit.record(
          {
            actor,
            action: closed ? "quarter.closed" : "quarter.reopened",
            entityType: "PlanQuarter",
            entityId: `${plan.id}/Q${quarter}`,
            before: { closedAt: before?.closedAt ?? null },
            after: { closedAt },
          },
          tx,
        );
        return true;
      });
    },

    // ---- Roll-over ----

    /**
     * Drafts next year's plan from this one: vision, strapline, introduction, purposes, objectives
     * and risks are copied (retired ones are not, reviews never are); commitments go with their
     * objective unless they were Complete at their latest review (carriedFromId keeps the link);
     * commitments Complete or Green at Q4 become draft achievements for the coordinator to edit.
     */
    async rollover(actor: Actor, startYear: number) {
      const next = startYear + 1;
      const source = await prisma.plan.findUnique({
        where: { startYear },
        include: {
          purposes: { orderBy: byPosition },
          risks: { where: { retiredAt: null }, orderBy: byPosition },
          objectives: {
            where: { retiredAt: null },
            orderBy: [{ number: "asc" }, { id: "asc" }],
            include: {
              commitments: {
                where: { retiredAt: null },
                orderBy: byPosition,
                include: {
                  leads: { select: { agencyId: true } },
                  contacts: { select: { agencyId: true, name: true } },
                  reviews: { select: { quarter: true, status: true, commentary: true } },
                  summaries: { select: { quarter: true, status: true } },
                },
              },
            },
          },
        },
      });
      if (!source) throw notFound("plan");
      if (next > YEAR_RANGE.last)
        throw new ServiceError(400, `Plans can be made up to ${yearLabel(YEAR_RANGE.last)} only.`);
      const exists = () =>
        new ServiceError(409, `There is already a plan for ${yearLabel(next)}, so this plan cannot be rolled over.`);
      if (await prisma.plan.findUnique({ where: { startYear: next } })) throw exists();

      const commitments = source.objectives
        .flatMap((o) => o.commitments)
        .map((c) => ({ ...c, reviews: quarterReviews(c.reviews, c.summaries) }));
      const carried = new Set(commitments.filter((c) => carriedForward(c.reviews)).map((c) => c.id));
      const achievements = commitments
        .filter((c) => draftsAchievement(c.reviews))
        .map((c) => {
          const complete = latestReview(c.reviews)?.status === "COMPLETE";
          const commentary = latestCommentary(c.reviews);
          return {
            title: shorten(c.text, LIMITS.title),
            description: shorten(
              commentary ||
                (complete
                  ? `Delivered in ${yearLabel(startYear)}.`
                  : `On track at the end of ${yearLabel(startYear)}.`),
              LIMITS.text,
            ),
          };
        });

      try {
        return await prisma.$transaction(async (tx) => {
          const plan = await tx.plan.create({
            data: {
              startYear: next,
              title: newPlanTitle(next),
              strapline: source.strapline,
              vision: source.vision,
              introduction: source.introduction,
              status: "DRAFT",
              purposes: { create: source.purposes.map((p, position) => ({ position, text: p.text })) },
              achievements: { create: achievements.map((a, position) => ({ position, ...a })) },
              quarters: { create: QUARTERS.map((quarter) => ({ quarter, deadline: defaultDeadline(next, quarter) })) },
              risks: {
                create: source.risks.map((r, position) => ({
                  position,
                  description: r.description,
                  mitigation: r.mitigation,
                  rating: r.rating,
                  ownerAgencyId: r.ownerAgencyId,
                })),
              },
            },
          });
          for (const [i, o] of source.objectives.entries()) {
            await tx.objective.create({
              data: {
                planId: plan.id,
                number: i + 1,
                title: o.title,
                commitments: {
                  create: o.commitments
                    .filter((c) => carried.has(c.id))
                    .map((c, position) => ({
                      position,
                      text: c.text,
                      allAgencies: c.allAgencies,
                      carriedFromId: c.id,
                      leads: c.allAgencies ? undefined : { create: c.leads.map((l) => ({ agencyId: l.agencyId })) },
                      // The named contacts come along; a target date is for its year, so it does not.
                      contacts: { create: c.contacts.map((x) => ({ agencyId: x.agencyId, name: x.name })) },
                    })),
                },
              },
            });
          }
          const summary = {
            startYear: next,
            purposes: source.purposes.length,
            objectives: source.objectives.length,
            risks: source.risks.length,
            commitmentsCarried: [...carried],
            commitmentsDropped: commitments.filter((c) => !carried.has(c.id)).map((c) => c.id),
            achievementsDrafted: achievements.length,
          };
          await audit.record(
            {
              actor,
              action: "plan.rolled-over",
              entityType: "Plan",
              entityId: plan.id,
              before: { planId: source.id, startYear: source.startYear },
              after: summary,
            },
            tx,
          );
          return { plan, ...summary };
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw exists();
        throw err;
      }
    },
  };
}

export type PlanAdminService = ReturnType<typeof planAdminService>;
