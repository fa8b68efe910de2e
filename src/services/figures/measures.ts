// The measures a coordinator can attach to a commitment or a risk that are worked out from the
// figures, for a quarter of a plan year: each names the reader it needs (one grouped count for a
// quarter) and how it reads its answer. Whatever the number of measures, a page asks each reader
// once per quarter, so the work stays the same however big the plan is. Hand-entered measures
// (MANUAL) are stored in MeasureValue instead (src/services/plan/measures.ts).
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { type Source, countBy, currentMonth, financialYearOf, quarterMonths } from "./counts.ts";

/** A hand-entered measure: a coordinator or the lead agency's officer enters it each quarter. */
export const MANUAL = "MANUAL";

/** The one town that is not "outside Weston-super-Mare". */
const WESTON = "Weston-super-Mare";
/** Areas that are not in North Somerset's towns: outside it, online, or not given (""). */
const NOT_A_TOWN = new Set([WESTON, "OUTSIDE", "ONLINE", ""]);

/**
 * Reports from North Somerset outside Weston-super-Mare: the towns of the directory other than
 * Weston-super-Mare, and "somewhere else in North Somerset" (ELSEWHERE). A report's area is
 * checked against the towns when it is made, so everything but Weston-super-Mare, outside North
 * Somerset, online and not given is one of those, also for a town whose centre has since closed.
 */
const outsideWeston = (byArea: Map<string, number>) =>
  [...byArea].reduce((sum, [area, n]) => (NOT_A_TOWN.has(area) ? sum : sum + n), 0);

const REPORT_SOURCES: readonly Source[] = ["ONLINE", "CENTRE"];

/** What a quarter's figures are read with: each is one query per quarter. */
type Reader = "bySource" | "reportsByArea" | "policeByArea" | "supportAccepted";

interface ComputedMeasure {
  name: string;
  /** What it counts, for the form's hint. */
  hint: string;
  reader: Reader;
  value: (read: Map<string, number>) => number;
}

export const COMPUTED_MEASURES = {
  REPORTS: {
    name: "Reports to the partnership",
    hint: "Hate incidents reported online or at a reporting centre.",
    reader: "bySource",
    value: (r) => (r.get("ONLINE") ?? 0) + (r.get("CENTRE") ?? 0),
  },
  REPORTS_OUTSIDE_WESTON: {
    name: "Reports from North Somerset outside Weston-super-Mare",
    hint: "Reports from the other towns and the rest of North Somerset; not from outside it, online or where no area was given.",
    reader: "reportsByArea",
    value: outsideWeston,
  },
  REPORTS_VIA_CENTRES: {
    name: "Reports through reporting centres",
    hint: "Reports that reporting centres' staff entered for someone.",
    reader: "bySource",
    value: (r) => r.get("CENTRE") ?? 0,
  },
  POLICE_RECORDED: {
    name: "Police-recorded hate crimes",
    hint: "From the police figures the coordinators import.",
    reader: "bySource",
    value: (r) => r.get("POLICE") ?? 0,
  },
  POLICE_OUTSIDE_WESTON: {
    name: "Police-recorded hate crimes in North Somerset outside Weston-super-Mare",
    hint: "Police figures for the other towns and the rest of North Somerset.",
    reader: "policeByArea",
    value: outsideWeston,
  },
  CASES_SUPPORT_ACCEPTED: {
    name: "Cases where support was accepted",
    hint: "Cases where a caseworker recorded support the person accepted in the quarter (each case once).",
    reader: "supportAccepted",
    value: (r) => r.get("") ?? 0,
  },
} as const satisfies Record<string, ComputedMeasure>;

export type ComputedMeasureKey = keyof typeof COMPUTED_MEASURES;
export const COMPUTED_KEYS = Object.keys(COMPUTED_MEASURES) as ComputedMeasureKey[];

export const isComputed = (source: string): source is ComputedMeasureKey => source in COMPUTED_MEASURES;

/** A quarter of a plan year: the plan's start year and 1 to 4. */
export interface PlanQuarter {
  year: number;
  quarter: number;
}

export const quarterKey = (q: PlanQuarter) => `${q.year}Q${q.quarter}`;

/** The quarter `n` quarters before (after, when negative) this one: may be in another plan year. */
export function quarterBefore(q: PlanQuarter, n: number): PlanQuarter {
  const index = q.year * 4 + (q.quarter - 1) - n;
  return { year: Math.floor(index / 4), quarter: (index % 4) + 1 };
}

/** The plan quarter a date falls in, in England. */
function planQuarterOf(date: Date): PlanQuarter {
  const month = currentMonth(date);
  const m = Number(month.slice(5, 7));
  return { year: financialYearOf(month), quarter: Math.floor(((m + 8) % 12) / 3) + 1 };
}

/**
 * Cases with support accepted in each of these quarters, each case once a quarter. One query
 * over the whole span; cases assessed as not hate-related or as duplicates are left out, as in
 * every other figure. A count only: nothing about the case leaves this function.
 */
async function supportAccepted(prisma: PrismaClient, quarters: PlanQuarter[]) {
  const result = new Map<string, Map<string, number>>(quarters.map((q) => [quarterKey(q), new Map([["", 0]])]));
  if (quarters.length === 0) return result;
  const ordered = [...quarters].sort((a, b) => a.year - b.year || a.quarter - b.quarter);
  const first = quarterMonths(ordered[0]!.year, ordered[0]!.quarter).from;
  const last = quarterMonths(ordered.at(-1)!.year, ordered.at(-1)!.quarter).to;
  // A day either side covers the hour England is ahead of UTC in summer; the month decides.
  const from = new Date(`${first}-01T00:00:00Z`);
  from.setUTCDate(from.getUTCDate() - 1);
  const to = new Date(`${last}-01T00:00:00Z`);
  to.setUTCMonth(to.getUTCMonth() + 1, 2);
  const rows = await prisma.caseEntry.findMany({
    where: {
      kind: "SUPPORT",
      supportAccepted: true,
      createdAt: { gte: from, lt: to },
      case: { OR: [{ assessment: null }, { assessment: { notIn: ["NOT_HATE_RELATED", "DUPLICATE"] } }] },
    },
    select: { caseId: true, createdAt: true },
  });
  const seen = new Set<string>();
  for (const row of rows) {
    const key = quarterKey(planQuarterOf(row.createdAt));
    const counts = result.get(key);
    if (!counts || seen.has(`${key}:${row.caseId}`)) continue;
    seen.add(`${key}:${row.caseId}`);
    counts.set("", counts.get("")! + 1);
  }
  return result;
}

/**
 * The values of these computed measures for these quarters, by `${key}:${quarterKey}`: each
 * reader the keys need runs once per quarter (the case reader once in all), however many
 * measures share it.
 */
export async function computedValues(
  prisma: PrismaClient,
  keys: Iterable<string>,
  quarters: readonly PlanQuarter[],
): Promise<Map<string, number>> {
  const wanted = [...new Set(keys)].filter(isComputed);
  const readers = new Set<Reader>(wanted.map((k) => COMPUTED_MEASURES[k].reader));
  const distinct = [...new Map(quarters.map((q) => [quarterKey(q), q])).values()];
  const read = new Map<string, Map<string, number>>();
  const jobs: Promise<unknown>[] = [];
  for (const q of distinct) {
    const months = quarterMonths(q.year, q.quarter);
    const at = (reader: Reader, work: Promise<Map<string, number>>) =>
      jobs.push(work.then((counts) => read.set(`${reader}:${quarterKey(q)}`, counts)));
    if (readers.has("bySource")) at("bySource", countBy(prisma, months, "source"));
    if (readers.has("reportsByArea"))
      at("reportsByArea", countBy(prisma, { ...months, sources: REPORT_SOURCES }, "area"));
    if (readers.has("policeByArea")) at("policeByArea", countBy(prisma, { ...months, sources: ["POLICE"] }, "area"));
  }
  if (readers.has("supportAccepted"))
    jobs.push(
      supportAccepted(prisma, distinct).then((byQuarter) => {
        for (const [key, counts] of byQuarter) read.set(`supportAccepted:${key}`, counts);
      }),
    );
  await Promise.all(jobs);
  const values = new Map<string, number>();
  for (const key of wanted) {
    const measure: ComputedMeasure = COMPUTED_MEASURES[key];
    for (const q of distinct) {
      values.set(`${key}:${quarterKey(q)}`, measure.value(read.get(`${measure.reader}:${quarterKey(q)}`) ?? new Map()));
    }
  }
  return values;
}
