// Reading the figures' aggregate (FigureCount, kept by triggers: migration 20261207230000_figures):
// incidents summed by one breakdown at a time, so every figure is one small grouped query
// whatever the number of reports. Months are "2026-11", the month reported in England.
import type { Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import { londonDay } from "../reminders/working-days.ts";

/** Where a count comes from: the online form, a reporting centre's staff, or the police's CSV. */
export const SOURCES = { ONLINE: "Online form", CENTRE: "Reporting centre", POLICE: "Police recorded" } as const;
export type Source = keyof typeof SOURCES;

export type Breakdown = "month" | "source" | "strand" | "area" | "place" | "repeat";

export interface CountFilter {
  /** First and last month counted, inclusive. */
  from: string;
  to: string;
  sources?: readonly Source[];
  /** Only incidents about this strand. */
  strand?: string;
  /** Only incidents in this area ("" for not given). */
  area?: string;
}

/** Counts by one breakdown: key (month, source, strand, area, place type or "happened before" answer) to count. */
export async function countBy(prisma: PrismaClient, filter: CountFilter, by: Breakdown): Promise<Map<string, number>> {
  // Each incident is in the "" strand once and in each of its strands once: "by strand" reads the
  // latter, everything else the former (or one strand's, when filtered).
  const strand: Prisma.FigureCountWhereInput["strand"] =
    by === "strand" ? (filter.strand ? filter.strand : { not: "" }) : (filter.strand ?? "");
  const dimension = by === "place" ? "PLACE" : by === "repeat" ? "REPEAT" : "TOTAL";
  const field = (
    { month: "month", source: "source", strand: "strand", area: "area", place: "value", repeat: "value" } as const
  )[by];
  const rows = await prisma.figureCount.groupBy({
    by: [field],
    where: {
      month: { gte: filter.from, lte: filter.to },
      strand,
      dimension,
      ...(filter.sources ? { source: { in: [...filter.sources] } } : {}),
      ...(filter.area !== undefined ? { area: filter.area } : {}),
    },
    _sum: { count: true },
  });
  return new Map(rows.map((r) => [(r as unknown as Record<string, string>)[field]!, r._sum.count ?? 0]));
}

/** The month it is now in England, "2026-12". */
export function currentMonth(now: Date): string {
  return londonDay(now).slice(0, 7);
}

/** The month `n` months after `month` (before, when negative). */
export function addMonths(month: string, n: number): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const index = y * 12 + (m - 1) + n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}

/** Every month from `from` to `to`, inclusive. */
export function monthsFrom(from: string, to: string): string[] {
  const months: string[] = [];
  for (let m = from; m <= to; m = addMonths(m, 1)) months.push(m);
  return months;
}

/** The financial year (April to March) a month falls in, as its start year: "2027-02" is 2026. */
export function financialYearOf(month: string): number {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return m >= 4 ? y : y - 1;
}

/** The months of a quarter of a financial year: quarter 1 is April to June. */
export function quarterMonths(year: number, quarter: number): { from: string; to: string } {
  const from = addMonths(`${year}-04`, (quarter - 1) * 3);
  return { from, to: addMonths(from, 2) };
}
