// The public figures (/figures): a coordinator publishes them for a quarter that has ended, never
// live. A publication holds exactly what the public sees (after disclosure control, disclosure.ts),
// for each financial year from the earliest with any figure up to the chosen one (that one to the
// end of the quarter): reports to the partnership and police-recorded crimes, by area and by
// strand. Never anything below town level, and no type of place or age.
import type { Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import type { Actor, auditService } from "../audit.ts";
import { FieldError } from "../errors.ts";
import { yearLabel } from "../plan/year.ts";
import { OTHER_AREAS, STRANDS } from "../reports/questions.ts";
import { type Source, countBy, currentMonth, financialYearOf, quarterMonths } from "./counts.ts";
import { type LineInput, type PublishedCount, protectLines, publishedLine } from "./disclosure.ts";

export interface FiguresRow {
  label: string;
  /** One per year, in the order of `years`. */
  counts: PublishedCount[];
}

export interface FiguresTable {
  id: "reports-by-area" | "reports-by-strand" | "police-by-area" | "police-by-strand";
  caption: string;
  /** The first column's heading: "Area" or "Strand". */
  rowHeading: string;
  rows: FiguresRow[];
  /** One per year; only for the tables by area (a report can be about more than one strand). */
  totals?: PublishedCount[];
  note?: string;
}

/** What FiguresPublication.tables holds: the public page's figures, as published. */
export interface FiguresTables {
  year: number;
  quarter: number;
  /** The last month counted, "2026-12". */
  to: string;
  years: { year: number; label: string; soFar: boolean }[];
  tables: FiguresTable[];
}

export interface FiguresPublicationSummary {
  year: number;
  quarter: number;
  /** "2026/27 quarter 3 (April to December 2026)". */
  label: string;
  publishedAt: Date;
}

const REPORTS: Source[] = ["ONLINE", "CENTRE"];
const POLICE: Source[] = ["POLICE"];
const NOT_GIVEN = "Not given";
/** How many ended quarters a coordinator may choose from, newest first. */
const QUARTERS_OFFERED = 8;

const MONTH = new Intl.DateTimeFormat("en-GB", { month: "long", timeZone: "UTC" });
const monthName = (month: string) => MONTH.format(new Date(`${month}-01T00:00:00Z`));
const monthYear = (month: string) => `${monthName(month)} ${month.slice(0, 4)}`;

/** "2026/27 quarter 3 (April to December 2026)": what the year so far covers. */
export function quarterLabel(year: number, quarter: number): string {
  const to = quarterMonths(year, quarter).to;
  return `${yearLabel(year)} quarter ${quarter} (April ${year} to ${monthYear(to)})`;
}

/** Whether a quarter of a financial year has ended: its last month is over, in England. */
export function quarterEnded(year: number, quarter: number, now: Date): boolean {
  return quarterMonths(year, quarter).to < currentMonth(now);
}

/** The quarters a coordinator may publish, newest first: only those that have ended. */
export function endedQuarters(now: Date, count = QUARTERS_OFFERED): { year: number; quarter: number; label: string }[] {
  const month = currentMonth(now);
  let year = financialYearOf(month);
  let quarter = Math.floor(((Number(month.slice(5, 7)) + 8) % 12) / 3) + 1; // the quarter now
  const quarters: { year: number; quarter: number; label: string }[] = [];
  while (quarters.length < count) {
    quarter -= 1;
    if (quarter === 0) [year, quarter] = [year - 1, 4];
    quarters.push({ year, quarter, label: quarterLabel(year, quarter) });
  }
  return quarters;
}

export function figuresPublicationService(
  prisma: PrismaClient,
  deps: { audit: ReturnType<typeof auditService>; towns: () => Promise<string[]> },
) {
  /** The areas shown, in order: the directory's towns (and any town counted since removed), the rest, not given. */
  function areaRows(towns: string[], counted: Map<string, number>[]): { key: string; label: string }[] {
    const others = new Set<string>(Object.keys(OTHER_AREAS));
    const found = counted.flatMap((m) => [...m.keys()]).filter((a) => a !== "" && !others.has(a));
    const townList = [...new Set([...towns, ...found])].sort((a, b) => a.localeCompare(b, "en-GB"));
    return [
      ...townList.map((t) => ({ key: t, label: t })),
      ...Object.entries(OTHER_AREAS).map(([key, label]) => ({ key, label })),
      { key: "", label: NOT_GIVEN },
    ];
  }

  function strandRows(counted: Map<string, number>[], keepNotSure: boolean): { key: string; label: string }[] {
    return Object.entries(STRANDS)
      .filter(([key]) => key !== "NOT_SURE" || keepNotSure || counted.some((m) => (m.get(key) ?? 0) > 0))
      .map(([key, label]) => ({ key, label: key === "NOT_SURE" ? "Not sure" : label }));
  }

  /** The figures for the year so far to the end of `quarter`, and every year before with any figure. */
  async function build(year: number, quarter: number): Promise<FiguresTables> {
    const to = quarterMonths(year, quarter).to;
    const months = await countBy(prisma, { from: "0000-01", to }, "month");
    const first = [...months.entries()]
      .filter(([, n]) => n > 0)
      .map(([m]) => m)
      .sort()[0];
    const firstYear = Math.min(year, first ? financialYearOf(first) : year);
    const years: FiguresTables["years"] = [];
    for (let y = firstYear; y <= year; y++) years.push({ year: y, label: yearLabel(y), soFar: y === year });
    const periods = years.map((y) => ({ from: `${y.year}-04`, to: y.soFar ? to : `${y.year + 1}-03` }));
    const read = (sources: Source[], by: "area" | "strand") =>
      Promise.all(periods.map((p) => countBy(prisma, { ...p, sources }, by)));
    const [reportsByArea, reportsByStrand, policeByArea, policeByStrand, towns] = await Promise.all([
      read(REPORTS, "area"),
      read(REPORTS, "strand"),
      read(POLICE, "area"),
      read(POLICE, "strand"),
      deps.towns(),
    ]);
    const areas = areaRows(towns, [...reportsByArea, ...policeByArea]);

    // Every line (one table's column for one year) is protected together; police by area and by
    // strand count the same crimes, so each year's two police lines have the same sum.
    const specs = [
      { id: "reports-by-area", data: reportsByArea, rows: areas, total: true, group: undefined },
      { id: "reports-by-strand", data: reportsByStrand, rows: strandRows(reportsByStrand, true), total: false, group: undefined }, // prettier-ignore
      { id: "police-by-area", data: policeByArea, rows: areas, total: true, group: "police" },
      { id: "police-by-strand", data: policeByStrand, rows: strandRows(policeByStrand, false), total: false, group: "police" }, // prettier-ignore
    ] as const;
    const lines: LineInput[] = [];
    for (const spec of specs) {
      spec.data.forEach((counted, y) =>
        lines.push({
          counts: spec.rows.map((r) => counted.get(r.key) ?? 0),
          total: spec.total,
          group: spec.group && `${spec.group} ${years[y]!.year}`,
        }),
      );
    }
    const protectedLines = protectLines(lines);
    const published = lines.map((line, i) => publishedLine(line.counts, protectedLines[i]!));

    const period = `from April ${firstYear} to ${monthYear(to)}`;
    const text: Record<(typeof specs)[number]["id"], Pick<FiguresTable, "caption" | "rowHeading" | "note">> = {
      "reports-by-area": { caption: `Reports to the partnership by area, ${period}`, rowHeading: "Area" },
      "reports-by-strand": {
        caption: `Reports to the partnership by strand, ${period}`,
        rowHeading: "Strand",
        note: "A report can be about more than one strand, so these do not add up to the number of reports.",
      },
      "police-by-area": { caption: `Police-recorded hate crimes by area, ${period}`, rowHeading: "Area" },
      "police-by-strand": { caption: `Police-recorded hate crimes by strand, ${period}`, rowHeading: "Strand" },
    };
    let at = 0;
    const tables = specs.map((spec): FiguresTable => {
      const columns = published.slice(at, at + years.length);
      at += years.length;
      return {
        id: spec.id,
        ...text[spec.id],
        rows: spec.rows.map((row, r) => ({ label: row.label, counts: columns.map((c) => c.cells[r]!) })),
        ...(spec.total ? { totals: columns.map((c) => c.total) } : {}),
      };
    });
    return { year, quarter, to, years, tables };
  }

  /** Refuses a quarter that has not ended (or is not a quarter). */
  function checkQuarter(year: number, quarter: number, now: Date) {
    if (!Number.isInteger(year) || ![1, 2, 3, 4].includes(quarter))
      throw new FieldError("quarter", "Choose a quarter from the list");
    if (!quarterEnded(year, quarter, now))
      throw new FieldError("quarter", "Choose a quarter that has ended: figures are never published before then");
  }

  return {
    build,

    /** What the public will see if this quarter is published now. */
    async preview(year: number, quarter: number, now = new Date()): Promise<FiguresTables> {
      checkQuarter(year, quarter, now);
      return build(year, quarter);
    },

    /** Publishes (or publishes again) a quarter that has ended: the figures as they are now. */
    async publish(actor: Actor, year: number, quarter: number, now = new Date()): Promise<FiguresTables> {
      checkQuarter(year, quarter, now);
      const tables = await build(year, quarter);
      const json = tables as unknown as Prisma.InputJsonValue;
      await prisma.$transaction(async (tx) => {
        const before = await tx.figuresPublication.findUnique({
          where: { year_quarter: { year, quarter } },
          select: { publishedAt: true },
        });
        await tx.figuresPublication.upsert({
          where: { year_quarter: { year, quarter } },
          create: { year, quarter, tables: json, publishedById: actor.id, publishedAt: now },
          update: { tables: json, publishedById: actor.id, publishedAt: now },
        });
        await deps.audit.record(
          {
            actor,
            action: "figures.published",
            entityType: "FiguresPublication",
            entityId: `${year}/Q${quarter}`,
            before: before ? { publishedAt: before.publishedAt } : undefined,
            after: { year, quarter, to: tables.to, years: tables.years.map((y) => y.label) },
          },
          tx,
        );
      });
      return tables;
    },

    /** The publication the public sees: the latest by year and quarter; undefined before any. */
    async latest(): Promise<(FiguresTables & { publishedAt: Date }) | undefined> {
      const row = await prisma.figuresPublication.findFirst({ orderBy: [{ year: "desc" }, { quarter: "desc" }] });
      return row ? { ...(row.tables as unknown as FiguresTables), publishedAt: row.publishedAt } : undefined;
    },

    /** Every publication so far, newest quarter first. */
    async list(): Promise<FiguresPublicationSummary[]> {
      const rows = await prisma.figuresPublication.findMany({
        orderBy: [{ year: "desc" }, { quarter: "desc" }],
        select: { year: true, quarter: true, publishedAt: true },
      });
      return rows.map((r) => ({ ...r, label: quarterLabel(r.year, r.quarter) }));
    },
  };
}

export type FiguresPublicationService = ReturnType<typeof figuresPublicationService>;

// ---- The tables as the pages show them (the public page and the coordinators' preview) ----

interface Cell {
  text: string;
  format?: "numeric";
}

export interface FiguresTableView {
  id: string;
  caption: string;
  note?: string;
  head: Cell[];
  /** Each row: its label (a row header), then a count per year. */
  rows: Cell[][];
}

const DAY = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "Europe/London" }); // prettier-ignore
const countText = (count: PublishedCount): Cell => ({
  text: typeof count === "number" ? count.toLocaleString("en-GB") : count,
  format: "numeric",
});

/** A publication as its page shows it: the period, and each table's headings and cells as text. */
export function figuresView(tables: FiguresTables, publishedAt?: Date) {
  const current = tables.years.at(-1)!;
  const head = (rowHeading: string): Cell[] => [
    { text: rowHeading },
    ...tables.years.map((y) => ({
      text: y.soFar ? `${y.label} (April to ${monthName(tables.to)})` : y.label,
      format: "numeric" as const,
    })),
  ];
  const view = (t: FiguresTable): FiguresTableView => ({
    id: t.id,
    caption: t.caption,
    ...(t.note ? { note: t.note } : {}),
    head: head(t.rowHeading),
    rows: [
      ...t.rows.map((r) => [{ text: r.label }, ...r.counts.map(countText)]),
      ...(t.totals ? [[{ text: "Total" }, ...t.totals.map(countText)]] : []),
    ],
  });
  const byId = (id: FiguresTable["id"]) => view(tables.tables.find((t) => t.id === id)!);
  return {
    /** Whether a whole column had to be left out (disclosure.ts: the last resort). */
    anyNotPublished: tables.tables.some((t) => t.rows.some((r) => r.counts.includes("not published"))),
    quarterText: `${current.label} quarter ${tables.quarter}`,
    periodText: `April ${tables.years[0]!.year} to ${monthYear(tables.to)}`,
    soFarText: `${current.label} so far (April ${current.year} to ${monthYear(tables.to)})`,
    publishedOn: publishedAt ? { datetime: publishedAt.toISOString(), text: DAY.format(publishedAt) } : undefined,
    reports: [byId("reports-by-area"), byId("reports-by-strand")],
    police: [byId("police-by-area"), byId("police-by-strand")],
  };
}

export type FiguresView = ReturnType<typeof figuresView>;
