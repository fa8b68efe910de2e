// Measures on the plan: a coordinator attaches them to a commitment or a risk (worked out from the
// figures, or entered each quarter), with an optional target and whether higher or lower is
// better. A hand-entered measure's value is entered on the item's quarterly review page by a
// coordinator or an officer of its lead agency. The review page shows a quarter and the four
// before it; the plan's documents show each quarter of the year. Every change is audited in its
// own transaction.
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { formatDate } from "../../content/dates.ts";
import type { Actor, AuditService } from "../audit.ts";
import { FieldError, ServiceError, forbidden, notFound } from "../errors.ts";
import {
  COMPUTED_MEASURES,
  MANUAL,
  type PlanQuarter,
  computedValues,
  isComputed,
  quarterBefore,
  quarterKey,
} from "../figures/measures.ts";
import { quarterStarted } from "./review-rules.ts";
import { QUARTERS, type Quarter, quarterDates, yearLabel } from "./year.ts";

export type MeasureItemKind = "commitment" | "risk";
export type MeasureDirection = "HIGHER" | "LOWER";

export interface MeasureInput {
  name: string;
  /** A key of COMPUTED_MEASURES, or MANUAL. */
  source: string;
  target: number | null;
  direction: MeasureDirection;
}

export const MEASURE_NAME_MAX = 200;
/** How many quarters before the review's quarter its page shows. */
export const QUARTERS_BEFORE = 4;

export const DIRECTIONS: Record<MeasureDirection, string> = {
  HIGHER: "Higher is better",
  LOWER: "Lower is better",
};

const NUMBER = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 2 });
export const numberText = (n: number) => NUMBER.format(n);

/** Where a measure's values come from, in words. */
export const sourceText = (source: string) =>
  isComputed(source) ? `From the figures: ${COMPUTED_MEASURES[source].name.toLowerCase()}` : "Entered each quarter";

/** "At least 10", "At most 5", "No target". */
export const targetText = (target: number | null, direction: string) =>
  target === null ? "No target" : `${direction === "LOWER" ? "At most" : "At least"} ${numberText(target)}`;

/** Whether a value meets its target, given which way is better; null with no value or no target. */
export function targetMet(value: number | null, target: number | null, direction: string): boolean | null {
  if (value === null || target === null) return null;
  return direction === "LOWER" ? value <= target : value >= target;
}

export const metText = (met: boolean | null) => (met === null ? "" : met ? "Met" : "Not met");

/** One quarter's value of a measure, as every page and document shows it. */
export interface MeasureQuarterValue {
  year: number;
  quarter: number;
  /** "Q2 2023/24" */
  label: string;
  value: number | null;
  /** "12", "Not entered", "Not yet due". */
  valueText: string;
  met: boolean | null;
  /** "Met", "Not met", or "" with no target or no value. */
  metText: string;
}

interface StoredMeasure {
  id: number;
  name: string;
  source: string;
  target: number | null;
  direction: string;
  commitmentId: number | null;
  riskId: number | null;
}

const snapshot = (m: StoredMeasure) => ({
  name: m.name,
  source: m.source,
  target: m.target,
  direction: m.direction,
  commitmentId: m.commitmentId,
  riskId: m.riskId,
});

const measureFields = {
  id: true,
  name: true,
  source: true,
  target: true,
  direction: true,
  commitmentId: true,
  riskId: true,
} as const;

const itemKey = (kind: MeasureItemKind, id: number) => (kind === "commitment" ? { commitmentId: id } : { riskId: id });

export function planMeasureService(prisma: PrismaClient, audit: AuditService, now: () => Date = () => new Date()) {
  /** The values of measures for quarters: computed from the figures, or as entered (`entered` by measure id and quarter). */
  async function valuesOf<M extends StoredMeasure>(
    measures: M[],
    quarters: PlanQuarter[],
    entered: (m: M, q: PlanQuarter) => number | null,
  ): Promise<Map<number, MeasureQuarterValue[]>> {
    const at = now();
    const due = quarters.filter((q) => quarterStarted(q.year, q.quarter as Quarter, at));
    const computed = await computedValues(
      prisma,
      measures.map((m) => m.source),
      due,
    );
    const started = new Set(due.map(quarterKey));
    return new Map(
      measures.map((m) => [
        m.id,
        quarters.map((q) => {
          const label = `Q${q.quarter} ${yearLabel(q.year)}`;
          if (!started.has(quarterKey(q)))
            return { ...q, label, value: null, valueText: "Not yet due", met: null, metText: "" };
          const value = isComputed(m.source) ? (computed.get(`${m.source}:${quarterKey(q)}`) ?? 0) : entered(m, q);
          const met = targetMet(value, m.target, m.direction);
          return {
            ...q,
            label,
            value,
            valueText: value === null ? "Not entered" : numberText(value),
            met,
            metText: metText(met),
          };
        }),
      ]),
    );
  }

  /** A commitment or risk of one plan, with what the measure pages say of it; another plan's id is not found. */
  async function findItem(startYear: number, kind: MeasureItemKind, id: number) {
    if (kind === "commitment") {
      const c = await prisma.commitment.findFirst({
        where: { id, objective: { plan: { startYear } } },
        select: { id: true, text: true, position: true, objective: { select: { number: true } } },
      });
      if (!c) throw notFound("commitment");
      return { kind, id, label: `Commitment ${c.objective.number}.${c.position + 1}`, text: c.text };
    }
    const r = await prisma.risk.findFirst({
      where: { id, plan: { startYear } },
      select: { id: true, description: true, position: true },
    });
    if (!r) throw notFound("risk");
    return { kind, id, label: `Risk ${r.position + 1}`, text: r.description };
  }

  async function findMeasure(startYear: number, kind: MeasureItemKind, itemId: number, measureId: number) {
    await findItem(startYear, kind, itemId);
    const m = await prisma.measure.findFirst({
      where: { id: measureId, ...itemKey(kind, itemId) },
      select: measureFields,
    });
    if (!m) throw notFound("measure");
    return m;
  }

  /** A name is one measure's on an item: the next year's plan finds last year's values by it. */
  async function checkName(kind: MeasureItemKind, itemId: number, name: string, except?: number) {
    const same = await prisma.measure.findFirst({
      where: {
        ...itemKey(kind, itemId),
        name: { equals: name, mode: "insensitive" },
        ...(except && { id: { not: except } }),
      },
      select: { id: true },
    });
    if (same) throw new FieldError("name", "This already has a measure with that name: give this one another name");
  }

  function checkInput(input: MeasureInput) {
    if (input.source !== MANUAL && !isComputed(input.source))
      throw new FieldError("source", "Select how the measure is worked out");
  }

  /**
   * The item behind a review page, with what decides who may enter its values: its plan, lead
   * agencies (none listed: every agency leads it), whether it is retired, and where last year's
   * values of a carried-forward commitment are.
   */
  async function reviewItem(kind: MeasureItemKind, id: number) {
    if (kind === "commitment") {
      const c = await prisma.commitment.findUnique({
        where: { id },
        select: {
          retiredAt: true,
          allAgencies: true,
          carriedFromId: true,
          leads: { select: { agencyId: true } },
          objective: { select: { retiredAt: true, plan: { select: { id: true, startYear: true, status: true } } } },
        },
      });
      if (!c) throw notFound("commitment");
      return {
        plan: c.objective.plan,
        leadIds: c.allAgencies ? null : c.leads.map((l) => l.agencyId),
        retired: c.retiredAt !== null || c.objective.retiredAt !== null,
        // Last year's values: the commitment this one carries forward from last year's plan.
        previous: c.carriedFromId === null ? null : { commitmentId: c.carriedFromId },
      };
    }
    const r = await prisma.risk.findUnique({
      where: { id },
      select: {
        retiredAt: true,
        ownerAgencyId: true,
        description: true,
        plan: { select: { id: true, startYear: true, status: true } },
      },
    });
    if (!r) throw notFound("risk");
    return {
      plan: r.plan,
      leadIds: r.ownerAgencyId === null ? null : [r.ownerAgencyId],
      retired: r.retiredAt !== null,
      // A risk has no link to last year's: rolling over copies it word for word, so last year's
      // values are those of last year's plan's risk with the same description.
      previous: { risk: { description: r.description, plan: { startYear: r.plan.startYear - 1 } } },
    };
  }

  type ReviewItem = Awaited<ReturnType<typeof reviewItem>>;

  /** Why this person cannot enter this quarter's values, or undefined when they can. */
  async function refusal(user: Express.User, item: ReviewItem, quarter: Quarter): Promise<string | undefined> {
    if (user.role === "VIEWER")
      return "You can read the measures. Only the lead agency's officers and coordinators can enter them.";
    if (item.retired) return "This has been retired, so its measures can no longer change.";
    if (!quarterStarted(item.plan.startYear, quarter, now()))
      return `Quarter ${quarter} has not started yet: its values can be entered from ${formatDate(quarterDates(item.plan.startYear, quarter).start)}.`;
    if (user.role === "COORDINATOR") return undefined;
    if (user.agencyId === null || (item.leadIds !== null && !item.leadIds.includes(user.agencyId)))
      return "Only the lead agency's officers and coordinators can enter this quarter's values.";
    if (item.plan.status !== "PUBLISHED")
      return "This plan is still a draft: its measures can be entered once it is published.";
    const q = await prisma.planQuarter.findUnique({
      where: { planId_quarter: { planId: item.plan.id, quarter } },
      select: { closedAt: true },
    });
    if (q?.closedAt) return "This quarter has been closed by a coordinator.";
    return undefined;
  }

  return {
    /** A commitment or risk of one plan and its measures, for the coordinators' measure pages. */
    async item(startYear: number, kind: MeasureItemKind, id: number) {
      const item = await findItem(startYear, kind, id);
      const measures = await prisma.measure.findMany({
        where: itemKey(kind, id),
        orderBy: { id: "asc" },
        select: measureFields,
      });
      return {
        ...item,
        measures: measures.map((m) => ({
          ...m,
          sourceText: sourceText(m.source),
          targetText: targetText(m.target, m.direction),
          directionText: DIRECTIONS[m.direction as MeasureDirection] ?? m.direction,
        })),
      };
    },

    measure: findMeasure,

    async add(actor: Actor, startYear: number, kind: MeasureItemKind, itemId: number, input: MeasureInput) {
      await findItem(startYear, kind, itemId);
      checkInput(input);
      await checkName(kind, itemId, input.name);
      return prisma.$transaction(async (tx) => {
        const row = await tx.measure.create({ data: { ...itemKey(kind, itemId), ...input }, select: measureFields });
        await audit.record(
          { actor, action: "measure.added", entityType: "Measure", entityId: row.id, after: snapshot(row) },
          tx,
        );
        return row;
      });
    },

    async update(
      actor: Actor,
      startYear: number,
      kind: MeasureItemKind,
      itemId: number,
      measureId: number,
      input: MeasureInput,
    ) {
      const before = await findMeasure(startYear, kind, itemId, measureId);
      checkInput(input);
      await checkName(kind, itemId, input.name, measureId);
      return prisma.$transaction(async (tx) => {
        const after = await tx.measure.update({ where: { id: measureId }, data: input, select: measureFields });
        await audit.record(
          {
            actor,
            action: "measure.updated",
            entityType: "Measure",
            entityId: measureId,
            before: snapshot(before),
            after: snapshot(after),
          },
          tx,
        );
        return after;
      });
    },

    /** Removes a measure and the values entered for it. */
    async remove(actor: Actor, startYear: number, kind: MeasureItemKind, itemId: number, measureId: number) {
      const before = await findMeasure(startYear, kind, itemId, measureId);
      await prisma.$transaction(async (tx) => {
        const values = await tx.measureValue.findMany({
          where: { measureId },
          orderBy: [{ year: "asc" }, { quarter: "asc" }],
          select: { year: true, quarter: true, value: true },
        });
        const { count } = await tx.measure.deleteMany({ where: { id: measureId } });
        if (count !== 1) throw notFound("measure");
        await audit.record(
          {
            actor,
            action: "measure.removed",
            entityType: "Measure",
            entityId: measureId,
            before: { ...snapshot(before), values },
          },
          tx,
        );
      });
      return before;
    },

    /**
     * What the review page of an item shows of its measures: each one's value for this quarter
     * and the four before it (oldest first), its target and whether it is met, and whether this
     * person may enter this quarter's hand-entered values. Quarters in last year's plan take
     * hand-entered values from last year's item (reviewItem's `previous`), from its measure with
     * the same name; computed ones are worked out for any quarter.
     */
    async forReview(user: Express.User, kind: MeasureItemKind, id: number, quarter: Quarter) {
      const item = await reviewItem(kind, id);
      const year = item.plan.startYear;
      const quarters = Array.from({ length: QUARTERS_BEFORE + 1 }, (_, i) =>
        quarterBefore({ year, quarter }, QUARTERS_BEFORE - i),
      );
      const lastYear = quarters.some((q) => q.year < year);
      const [measures, previous] = await Promise.all([
        prisma.measure.findMany({
          where: itemKey(kind, id),
          orderBy: { id: "asc" },
          select: { ...measureFields, values: { select: { year: true, quarter: true, value: true } } },
        }),
        lastYear && item.previous
          ? prisma.measure.findMany({
              where: item.previous,
              select: { name: true, values: { where: { year: year - 1 }, select: { quarter: true, value: true } } },
            })
          : [],
      ]);
      const earlier = new Map(previous.map((m) => [m.name.toLowerCase(), m.values]));
      const why = await refusal(user, item, quarter);
      const values = await valuesOf(measures, quarters, (m, q) => {
        const list =
          q.year === year ? m.values.filter((v) => v.year === year) : (earlier.get(m.name.toLowerCase()) ?? []);
        return list.find((v) => v.quarter === q.quarter)?.value ?? null;
      });
      return {
        quarters: quarters.map((q) => ({ ...q, label: `Q${q.quarter} ${yearLabel(q.year)}` })),
        editable: why === undefined,
        whyNotEditable: why,
        measures: measures.map((m) => {
          const shown = values.get(m.id)!;
          const current = shown.at(-1)!;
          return {
            id: m.id,
            name: m.name,
            manual: m.source === MANUAL,
            sourceText: sourceText(m.source),
            targetText: targetText(m.target, m.direction),
            directionText: DIRECTIONS[m.direction as MeasureDirection] ?? m.direction,
            values: shown,
            current,
            /** This quarter's stored value, as the form starts with it. */
            entered: current.value === null ? "" : String(current.value),
          };
        }),
      };
    },

    /** Enters (or changes) this quarter's value of a hand-entered measure, if this person may. */
    async enterValue(
      user: Express.User,
      kind: MeasureItemKind,
      id: number,
      quarter: Quarter,
      measureId: number,
      value: number,
    ) {
      if (!QUARTERS.includes(quarter)) throw notFound("quarter");
      const item = await reviewItem(kind, id);
      const measure = await prisma.measure.findFirst({ where: { id: measureId, ...itemKey(kind, id) } });
      if (!measure) throw notFound("measure");
      if (measure.source !== MANUAL) throw new ServiceError(400, "This measure is worked out from the figures.");
      const why = await refusal(user, item, quarter);
      if (why) throw forbidden(why);
      const year = item.plan.startYear;
      const key = { measureId_year_quarter: { measureId, year, quarter } };
      await prisma.$transaction(async (tx) => {
        const before = await tx.measureValue.findUnique({ where: key });
        const data = { value, enteredById: user.id, enteredAt: now() };
        await tx.measureValue.upsert({ where: key, create: { measureId, year, quarter, ...data }, update: data });
        await audit.record(
          {
            actor: user,
            action: "measure.value-entered",
            entityType: "Measure",
            entityId: measureId,
            before: before ? { value: before.value } : null,
            after: { name: measure.name, ...itemKey(kind, id), year, quarter, value },
          },
          tx,
        );
      });
    },

    /**
     * The measures of these commitments and risks with each quarter of the plan's year, for the
     * plan's documents: one query for the measures and their values, and the figures' readers
     * once per quarter, whatever the plan's size.
     */
    async forDocument(startYear: number, commitmentIds: number[], riskIds: number[]) {
      if (commitmentIds.length === 0 && riskIds.length === 0) return [];
      const measures = await prisma.measure.findMany({
        where: { OR: [{ commitmentId: { in: commitmentIds } }, { riskId: { in: riskIds } }] },
        orderBy: { id: "asc" },
        select: {
          ...measureFields,
          values: { where: { year: startYear }, select: { quarter: true, value: true } },
        },
      });
      const quarters = QUARTERS.map((quarter) => ({ year: startYear, quarter }));
      const values = await valuesOf(
        measures,
        quarters,
        (m, q) => m.values.find((v) => v.quarter === q.quarter)?.value ?? null,
      );
      return measures.map((m) => ({
        id: m.id,
        commitmentId: m.commitmentId,
        riskId: m.riskId,
        name: m.name,
        sourceText: sourceText(m.source),
        targetText: targetText(m.target, m.direction),
        quarters: values.get(m.id)!,
      }));
    },
  };
}

export type PlanMeasureService = ReturnType<typeof planMeasureService>;
