// The plan's quarters: each one's deadline for updates, what is still to update in it, and
// closing it (read-only for officers) or reopening it.
import type { Actor } from "../../audit.ts";
import { FieldError, notFound } from "../../errors.ts";
import { tasksOf } from "../progress.ts";
import { type Quarter, defaultDeadline, quarterDates } from "../year.ts";
import type { AdminContext } from "./shared.ts";

const DAY = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
/** "21 July 2023". */
export const formatDay = (date: Date) => DAY.format(date);

export function quartersAdmin({ prisma, audit, plans, now, findPlan }: AdminContext) {
  return {
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
  };
}
