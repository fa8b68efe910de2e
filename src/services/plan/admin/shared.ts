// What every part of the plan's administration shares: the forms' limits, finding a plan and its
// objectives through the plan's year, keeping ordered lists without gaps, and refusing to delete
// what has quarterly reviews.
import { Prisma, type PrismaClient } from "../../../generated/prisma/client.ts";
import type { AuditService, Db } from "../../audit.ts";
import { ServiceError, notFound } from "../../errors.ts";
import type { planService } from "../plans.ts";
import { yearLabel } from "../year.ts";

export type PlanService = ReturnType<typeof planService>;

/** Length limits of the coordinators' forms. */
export const LIMITS = { title: 200, text: 1_000, long: 2_000 } as const;
/** The financial years a plan may be made for. */
export const YEAR_RANGE = { first: 2000, last: 2100 } as const;

export type Direction = "up" | "down";

/** "Hate Crime Plan 2024/25": the title a new plan starts with. */
export const newPlanTitle = (startYear: number) => `Hate Crime Plan ${yearLabel(startYear)}`;

/** The ids in their new order after moving one up or down; undefined when it cannot move that way. */
export function reordered(ids: number[], id: number, direction: Direction): number[] | undefined {
  const from = ids.indexOf(id);
  const to = direction === "up" ? from - 1 : from + 1;
  if (from < 0 || to < 0 || to >= ids.length) return undefined;
  const order = [...ids];
  [order[from], order[to]] = [order[to]!, order[from]!];
  return order;
}

export const DELETE_REFUSED = (what: string) =>
  `This ${what} has quarterly reviews, so it cannot be deleted. Retire it instead: it leaves the plan but its reviews are kept.`;

export const isUniqueViolation = (err: unknown) =>
  err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002";
export const isForeignKeyViolation = (err: unknown) =>
  err instanceof Prisma.PrismaClientKnownRequestError && (err.code === "P2003" || err.code === "P2014");

export const byPosition = [{ position: "asc" as const }, { id: "asc" as const }];

type Positioned = { id: number; position: number };

/** Writes positions base, base+1, ... in the given order, only where they change. */
export async function writeOrder(
  items: Positioned[],
  order: number[],
  base: number,
  write: (id: number, position: number) => Promise<unknown>,
) {
  const current = new Map(items.map((i) => [i.id, i.position]));
  for (const [i, id] of order.entries()) if (current.get(id) !== base + i) await write(id, base + i);
}

/** Moves one item of an ordered list and writes the list's positions without gaps. */
export async function move(
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

export async function hasReviews(db: Db, where: Prisma.ReviewWhereInput) {
  return (await db.review.count({ where })) > 0;
}

/** Runs a delete, turning a review written meanwhile (the database refuses) into the same refusal. */
export async function refusingReviewed<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isForeignKeyViolation(err)) throw new ServiceError(409, DELETE_REFUSED(what));
    throw err;
  }
}

/** What each part is made with, and the look-ups more than one part needs. */
export function adminContext(prisma: PrismaClient, audit: AuditService, plans: PlanService, now: () => Date) {
  async function findPlan(startYear: number, db: Db = prisma) {
    const plan = await db.plan.findUnique({ where: { startYear } });
    if (!plan) throw notFound("plan");
    return plan;
  }

  // Each item is found through its plan's year: another plan's id is not found here.
  const inPlan = (startYear: number) => ({ plan: { startYear } });

  async function findObjective(startYear: number, id: number, db: Db = prisma) {
    const row = await db.objective.findFirst({ where: { id, ...inPlan(startYear) } });
    if (!row) throw notFound("objective");
    return row;
  }

  return { prisma, audit, plans, now, findPlan, inPlan, findObjective };
}

export type AdminContext = ReturnType<typeof adminContext>;
