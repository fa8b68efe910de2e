// The partner figures page (/partners/figures): incidents by month, strand, area, type of place,
// source and "happened before", for a period against the same months a year before, every count
// read from the aggregate through countBy (one grouped query each, whatever the number of
// reports); and, for accounts with case access only, the outcomes of the cases closed in the
// period and the time to first contact. A fixed number of queries, all at once.
import { stringify } from "csv-stringify/sync";
import { Prisma, type PrismaClient } from "../../generated/prisma/client.ts";
import { type CaseUser, caseScope } from "../cases/access.ts";
import { OUTCOMES } from "../cases/rules.ts";
import { deepFreeze } from "../plan/plans.ts";
import { yearSlug, parseYearSlug } from "../plan/year.ts";
import { OTHER_AREAS, PLACE_TYPES, STRANDS, YES_NO_NOT_SURE } from "../reports/questions.ts";
import {
  type Breakdown,
  type CountFilter,
  SOURCES,
  type Source,
  addMonths,
  countBy,
  currentMonth,
  financialYearOf,
  monthsFrom,
} from "./counts.ts";

/** The periods offered besides each financial year: the last so many months, this one included. */
export const RECENT_PERIODS = { "last-12": 12, "last-24": 24, "last-3": 3 } as const;
export const DEFAULT_PERIOD = "last-12";

/** Each table of the page, and the name of its CSV. */
export const INCIDENT_VIEWS = ["month", "strand", "area", "place", "source", "repeat"] as const;
export const CASE_VIEWS = ["outcomes", "first-contact"] as const;
export type FiguresView = (typeof INCIDENT_VIEWS)[number] | (typeof CASE_VIEWS)[number];

/** The area filter's value for reports that did not say where. */
export const AREA_NOT_GIVEN = "none";
const NOT_GIVEN = "Not given";

/** Assessed as not about hate: left out of every figure, as the aggregate's triggers do. */
const LEFT_OUT = ["NOT_HATE_RELATED", "DUPLICATE"];

const MONTH_NAMES = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/** "2026-01" as "January 2026". */
export const monthLabel = (month: string) => `${MONTH_NAMES[Number(month.slice(5, 7)) - 1]} ${month.slice(0, 4)}`;

const span = (from: string, to: string) =>
  from === to ? monthLabel(from) : `${monthLabel(from)} to ${monthLabel(to)}`;

export interface Period {
  value: string;
  /** "the last 12 months" or "2025/26". */
  name: string;
  from: string;
  to: string;
  /** The same months a year before. */
  lastFrom: string;
  lastTo: string;
  /** "January 2026 to December 2026". */
  label: string;
  lastLabel: string;
}

/**
 * The period asked for: the last 12, 24 or 3 months, or a financial year (April to March) given
 * as "2025-26", which stops at this month while it is still going. Anything else is the default.
 */
export function periodOf(value: string | undefined, now: Date): Period {
  const month = currentMonth(now);
  const year = value === undefined ? undefined : parseYearSlug(value);
  let from: string;
  let to: string;
  let name: string;
  let chosen = value ?? DEFAULT_PERIOD;
  if (year !== undefined && year >= 2000 && year <= financialYearOf(month)) {
    from = `${year}-04`;
    const end = `${year + 1}-03`;
    to = end < month ? end : month;
    name = `${year}/${String((year + 1) % 100).padStart(2, "0")}${to < end ? " so far" : ""}`;
  } else {
    if (!Object.hasOwn(RECENT_PERIODS, chosen)) chosen = DEFAULT_PERIOD;
    const months = RECENT_PERIODS[chosen as keyof typeof RECENT_PERIODS];
    from = addMonths(month, 1 - months);
    to = month;
    name = `the last ${months} months`;
  }
  const lastFrom = addMonths(from, -12);
  const lastTo = addMonths(to, -12);
  return { value: chosen, name, from, to, lastFrom, lastTo, label: span(from, to), lastLabel: span(lastFrom, lastTo) };
}

/** What the filter form sent, as typed (the route has bounded its length). */
export interface FiguresAsked {
  period?: string;
  strand?: string;
  area?: string;
  source?: string;
}

export interface FigureRow {
  key: string;
  label: string;
  /** In the period, and in the same months a year before. */
  now: number;
  before: number;
}

export interface FigureTable {
  view: FiguresView;
  /** "Strand", "Area": the first column's heading. */
  heading: string;
  rows: FigureRow[];
  /** Rows that share the incidents out between them have a total; strands do not (an incident may have several). */
  total: { now: number; before: number } | null;
}

export interface FirstContact {
  /** Cases first contacted in the period. */
  contacted: number;
  /** Median time from the report to the first contact, in days; null without any. */
  medianDays: number | null;
  /** Of those with a due date, the share contacted by it, as a percentage; null without any. */
  withinDuePercent: number | null;
}

/** An option of a filter's select. */
export interface Choice {
  value: string;
  text: string;
  selected: boolean;
}

const withLabels = (codes: Record<string, string>, counts: Map<string, number>[], notGiven?: string) => {
  const known: [string, string][] = [...Object.entries(codes), ...(notGiven === undefined ? [] : [["", notGiven]])] as [
    string,
    string,
  ][];
  // Keys the lists no longer have (a town whose centres have gone, say) still count.
  const extra = [...new Set(counts.flatMap((c) => [...c.keys()]))]
    .filter((k) => !known.some(([key]) => key === k))
    .sort()
    .map((k): [string, string] => [k, k === "" ? NOT_GIVEN : k]);
  return [...known, ...extra];
};

const table = (
  view: FiguresView,
  heading: string,
  keys: [string, string][],
  now: Map<string, number>,
  before: Map<string, number>,
  totalled: boolean,
): FigureTable => {
  const rows = keys.map(([key, label]) => ({ key, label, now: now.get(key) ?? 0, before: before.get(key) ?? 0 }));
  const sum = (pick: (r: FigureRow) => number) => rows.reduce((n, r) => n + pick(r), 0);
  return { view, heading, rows, total: totalled ? { now: sum((r) => r.now), before: sum((r) => r.before) } : null };
};

const LONDON_HOUR = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/London", hour: "2-digit", hourCycle: "h23" });

/**
 * The start of a month in England, as the UTC timestamp the database keeps: worked out here once,
 * so the database compares each row with a constant instead of converting time zones for each.
 */
export function monthStart(month: string): Prisma.Sql {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const midnightUtc = Date.UTC(y, m - 1, 1);
  // Midnight in England is midnight UTC (GMT) or an hour before (BST); the clocks never change on the 1st.
  const at = new Date(midnightUtc - Number(LONDON_HOUR.format(midnightUtc)) * 3_600_000);
  return Prisma.sql`${at.toISOString().slice(0, 23).replace("T", " ")}::timestamp`;
}

/** Which cases a partner may count, as SQL over "Case" c (the same rule as cases/context.ts `visible`). */
function visibleSql(user: CaseUser): Prisma.Sql | null {
  const scope = caseScope(user);
  if ("none" in scope) return null;
  if ("all" in scope) return Prisma.sql`TRUE`;
  return Prisma.sql`(c."leadAgencyId" = ${scope.agencyId}
    OR EXISTS (SELECT 1 FROM "CaseShare" s WHERE s."caseId" = c."id" AND s."agencyId" = ${scope.agencyId}))`;
}

export interface PartnerFiguresOptions {
  /** The directory's towns: the areas a report may name. */
  towns: () => Promise<readonly string[]>;
  now?: () => Date;
}

export function partnerFiguresService(prisma: PrismaClient, options: PartnerFiguresOptions) {
  const now = options.now ?? (() => new Date());

  /**
   * The cases the partner may count that match the filters, as SQL over "Case" c. The report is
   * looked up for each case only when a filter needs it (by its key, not by reading every report).
   */
  function caseWhere(user: CaseUser, filter: CountFilter): Prisma.Sql | null {
    const visible = visibleSql(user);
    // Police figures are counts, with no case behind them.
    if (!visible || filter.sources?.includes("POLICE")) return null;
    // The reporter's strands and area, as every other figure on the page counts them.
    const ofReport = [
      ...(filter.strand ? [Prisma.sql`${filter.strand} = ANY(r."strands")`] : []),
      ...(filter.area !== undefined ? [Prisma.sql`coalesce(r."area", '') = ${filter.area}`] : []),
      ...(filter.sources?.includes("ONLINE") ? [Prisma.sql`r."viaCentreId" IS NULL`] : []),
      ...(filter.sources?.includes("CENTRE") ? [Prisma.sql`r."viaCentreId" IS NOT NULL`] : []),
    ];
    return Prisma.join(
      [
        visible,
        Prisma.sql`(c."assessment" IS NULL OR c."assessment" NOT IN (${Prisma.join(LEFT_OUT)}))`,
        // OFFSET 0 keeps it a look-up per case: joined, the planner reads the whole report table.
        ...(ofReport.length
          ? [
              Prisma.sql`EXISTS (SELECT 1 FROM "IncidentReport" r WHERE r."id" = c."reportId" AND ${Prisma.join(ofReport, " AND ")} OFFSET 0)`,
            ]
          : []),
      ],
      " AND ",
    );
  }

  /** A timestamp column in the period, or in the same months a year before. */
  const within = (column: Prisma.Sql, from: string, to: string) =>
    Prisma.sql`(${column} >= ${monthStart(from)} AND ${column} < ${monthStart(addMonths(to, 1))})`;

  /**
   * For both periods at once, in one query: cases closed by outcome, and the time to first contact
   * (from the case opening with the report) of the cases first contacted.
   */
  async function caseFigures(where: Prisma.Sql, period: Period) {
    const closed = [
      within(Prisma.sql`c."closedAt"`, period.from, period.to),
      within(Prisma.sql`c."closedAt"`, period.lastFrom, period.lastTo),
    ] as const;
    const contacted = [
      within(Prisma.sql`c."firstContactAt"`, period.from, period.to),
      within(Prisma.sql`c."firstContactAt"`, period.lastFrom, period.lastTo),
    ] as const;
    const contact = (when: Prisma.Sql, name: string) => Prisma.sql`
      count(*) FILTER (WHERE ${when})::int AS ${Prisma.raw(`"${name}Contacted"`)},
      (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM c."firstContactAt" - c."openedAt"))
        FILTER (WHERE ${when}))::float8 AS ${Prisma.raw(`"${name}Median"`)},
      count(c."firstContactDue") FILTER (WHERE ${when})::int AS ${Prisma.raw(`"${name}WithDue"`)},
      -- Contacted on or before the due day, in England.
      count(*) FILTER (WHERE ${when} AND ((c."firstContactAt" AT TIME ZONE 'UTC') AT TIME ZONE 'Europe/London')::date
        <= c."firstContactDue"::date)::int AS ${Prisma.raw(`"${name}OnTime"`)}`;
    const [row] = await prisma.$queryRaw<(Record<string, number | null> & { outcomes: string })[]>`
      SELECT f.*, (SELECT coalesce(json_agg(o), '[]')::text FROM (
          SELECT c."outcome", count(*) FILTER (WHERE ${closed[0]})::int AS "now",
            count(*) FILTER (WHERE ${closed[1]})::int AS "before"
          FROM "Case" c
          WHERE c."status" = 'CLOSED' AND c."outcome" IS NOT NULL AND (${closed[0]} OR ${closed[1]}) AND ${where}
          GROUP BY c."outcome") o) AS "outcomes"
      FROM (SELECT ${contact(contacted[0], "now")}, ${contact(contacted[1], "before")}
        FROM "Case" c WHERE (${contacted[0]} OR ${contacted[1]}) AND ${where}) f`;
    const outcomes = JSON.parse(row?.outcomes ?? "[]") as { outcome: string; now: number; before: number }[];
    const of = (name: string): FirstContact => {
      const median = row?.[`${name}Median`] ?? null;
      const withDue = row?.[`${name}WithDue`] ?? 0;
      return {
        contacted: row?.[`${name}Contacted`] ?? 0,
        medianDays: median === null ? null : Math.round((median / 86_400) * 10) / 10,
        withinDuePercent: withDue === 0 ? null : Math.round(((row?.[`${name}OnTime`] ?? 0) / withDue) * 100),
      };
    };
    return {
      closed: {
        now: new Map(outcomes.map((r) => [r.outcome, r.now])),
        before: new Map(outcomes.map((r) => [r.outcome, r.before])),
      },
      contact: { now: of("now"), before: of("before") },
    };
  }

  /** The financial years with any figure, for the choice of period. */
  async function yearsWithFigures(): Promise<number[]> {
    const months = await countBy(prisma, { from: "0000-01", to: "9999-12" }, "month");
    return [...new Set([...months.keys()].map(financialYearOf))];
  }

  /** The figures' version (migration 20261208010000_figures_version): moves with every change they count. */
  const figuresVersion = async () => (await prisma.dataVersion.findUnique({ where: { id: 2 } }))?.value;
  /**
   * Each page's figures, kept while the figures' version stays: reports arrive a few a day, and
   * partners read the same few filters many times, so most pages read one row. A page is built
   * after the version was read, so a change committed meanwhile makes the next request build it again.
   */
  const kept = new Map<string, { version: bigint; figures: ReturnType<typeof build> }>();
  const KEPT_MAX = 200;

  /** Every figure of the page, read afresh. */
  async function build(user: CaseUser, asked: FiguresAsked, towns: readonly string[], period: Period) {
    const strand = asked.strand && Object.hasOwn(STRANDS, asked.strand) ? asked.strand : undefined;
    const source = asked.source && Object.hasOwn(SOURCES, asked.source) ? (asked.source as Source) : undefined;
    const areas: [string, string][] = [
      ...towns.map((t): [string, string] => [t, t]),
      ...(Object.entries(OTHER_AREAS) as [string, string][]),
    ];
    const area =
      asked.area === AREA_NOT_GIVEN ? "" : areas.some(([key]) => key === asked.area) ? asked.area : undefined;
    const narrow = {
      ...(strand && { strand }),
      ...(area !== undefined && { area }),
      ...(source && { sources: [source] }),
    };
    const thisPeriod: CountFilter = { from: period.from, to: period.to, ...narrow };
    const lastYear: CountFilter = { from: period.lastFrom, to: period.lastTo, ...narrow };
    const both = (by: Breakdown) => Promise.all([countBy(prisma, thisPeriod, by), countBy(prisma, lastYear, by)]);
    // Filtered to one strand, area or source, its breakdown has that one key, whose count is the
    // total of the months: no need to ask again.
    const chosen = { strand, area, source };
    const fromTotals = (by: "strand" | "area" | "source") => chosen[by] !== undefined;
    const where = caseWhere(user, thisPeriod);
    const [withFigures, months, strandCounts, areaCounts, byPlace, sourceCounts, byRepeat, ofCases] = await Promise.all(
      [
        yearsWithFigures(),
        // Both periods' months in one: the year before runs up to (or into) this period.
        countBy(prisma, { ...thisPeriod, from: period.lastFrom }, "month"),
        fromTotals("strand") ? undefined : both("strand"),
        fromTotals("area") ? undefined : both("area"),
        both("place"),
        fromTotals("source") ? undefined : both("source"),
        both("repeat"),
        where ? caseFigures(where, period) : undefined,
      ],
    );
    const monthRows = monthsFrom(period.from, period.to).map((m) => ({
      key: m,
      label: monthLabel(m),
      now: months.get(m) ?? 0,
      before: months.get(addMonths(m, -12)) ?? 0,
    }));
    const sum = (pick: (r: FigureRow) => number) => monthRows.reduce((n, r) => n + pick(r), 0);
    const totals = (by: "strand" | "area" | "source"): [Map<string, number>, Map<string, number>] => {
      const key = chosen[by]!;
      return [new Map([[key, sum((r) => r.now)]]), new Map([[key, sum((r) => r.before)]])];
    };
    const byStrand = strandCounts ?? totals("strand");
    const byArea = areaCounts ?? totals("area");
    const bySource = sourceCounts ?? totals("source");
    const hasCaseFigures = visibleSql(user) !== null;

    const years = new Set(withFigures);
    if (parseYearSlug(period.value) !== undefined) years.add(parseYearSlug(period.value)!);
    const periods: Choice[] = [
      ...Object.entries(RECENT_PERIODS).map(([value, n]) => ({ value, text: `The last ${n} months` })),
      ...[...years]
        .sort((x, y) => y - x)
        .map((y) => ({ value: yearSlug(y), text: `${yearSlug(y).replace("-", "/")} (April to March)` })),
    ].map((c) => ({ ...c, selected: c.value === period.value }));
    const choice = (codes: [string, string][], chosen: string | undefined, all: string): Choice[] => [
      { value: "", text: all, selected: chosen === undefined },
      ...codes.map(([value, text]) => ({ value, text, selected: value === chosen })),
    ];

    return {
      period,
      filter: { strand, area, source },
      /** The filters in words, or null for every incident. */
      filterText:
        [
          strand && `strand: ${STRANDS[strand as keyof typeof STRANDS]}`,
          area !== undefined &&
            `area: ${area === "" ? NOT_GIVEN.toLowerCase() : (areas.find(([k]) => k === area)?.[1] ?? area)}`,
          source && `source: ${SOURCES[source].toLowerCase()}`,
        ]
          .filter(Boolean)
          .join(", ") || null,
      choices: {
        periods,
        strands: choice(Object.entries(STRANDS), strand, "All strands"),
        areas: [
          { value: "", text: "All areas", selected: area === undefined },
          ...areas.map(([value, text]) => ({ value, text, selected: value === area })),
          { value: AREA_NOT_GIVEN, text: NOT_GIVEN, selected: area === "" },
        ],
        sources: choice(Object.entries(SOURCES), source, "All sources"),
      },
      tables: [
        {
          view: "month",
          heading: "Month",
          rows: monthRows,
          total: { now: sum((r) => r.now), before: sum((r) => r.before) },
        },
        table("strand", "Strand", withLabels(STRANDS, byStrand), ...byStrand, false),
        table("area", "Area", withLabels(Object.fromEntries(areas), byArea, NOT_GIVEN), ...byArea, true),
        table("place", "Type of place", withLabels(PLACE_TYPES, byPlace, NOT_GIVEN), ...byPlace, true),
        table("source", "Source", withLabels(SOURCES, bySource), ...bySource, true),
        table(
          "repeat",
          "Had it happened before?",
          withLabels({ ...YES_NO_NOT_SURE, NOT_SURE: "Not sure" }, byRepeat, NOT_GIVEN),
          ...byRepeat,
          true,
        ),
      ] satisfies FigureTable[],
      /** Null without case access: no count that could be about a case. */
      cases: hasCaseFigures
        ? {
            outcomes: table(
              "outcomes",
              "Outcome",
              withLabels(OUTCOMES, ofCases ? [ofCases.closed.now, ofCases.closed.before] : []),
              ofCases?.closed.now ?? new Map(),
              ofCases?.closed.before ?? new Map(),
              true,
            ),
            firstContact: ofCases?.contact ?? {
              now: { contacted: 0, medianDays: null, withinDuePercent: null },
              before: { contacted: 0, medianDays: null, withinDuePercent: null },
            },
          }
        : null,
    };
  }

  return {
    /** Every figure of the page for this partner, with the filter form's choices; case figures are null without case access. */
    async page(user: CaseUser, asked: FiguresAsked) {
      const [towns, version] = await Promise.all([options.towns(), figuresVersion()]);
      const period = periodOf(asked.period, now());
      const key = JSON.stringify([period, asked.strand, asked.area, asked.source, caseScope(user), towns]);
      const entry = kept.get(key);
      if (entry && version !== undefined && entry.version === version) return entry.figures;
      const figures = build(user, asked, towns, period).then(deepFreeze); // shared: nobody may change it
      if (version !== undefined) {
        if (kept.size >= KEPT_MAX) kept.clear();
        kept.set(key, { version, figures });
        figures.catch(() => kept.delete(key));
      }
      return figures;
    },
  };
}

export type PartnerFiguresService = ReturnType<typeof partnerFiguresService>;
export type PartnerFigures = Awaited<ReturnType<PartnerFiguresService["page"]>>;

const FIRST_CONTACT_ROWS = [
  ["Cases first contacted", (f: FirstContact) => f.contacted],
  ["Median days from the report to first contact", (f: FirstContact) => f.medianDays],
  ["Contacted by the due date (%)", (f: FirstContact) => f.withinDuePercent],
] as const;

/** The first-contact figures as rows of the page's table: what, this period, a year before. */
export function firstContactRows(f: { now: FirstContact; before: FirstContact }) {
  return FIRST_CONTACT_ROWS.map(([label, pick]) => ({ label, now: pick(f.now), before: pick(f.before) }));
}

/** A view's table, or null when there is none for this partner (a case view without case access). */
export function figuresTable(figures: PartnerFigures, view: FiguresView): FigureTable | null {
  if (view === "outcomes") return figures.cases?.outcomes ?? null;
  return figures.tables.find((t) => t.view === view) ?? null;
}

const change = (now: number | null, before: number | null) =>
  now === null || before === null ? "" : Math.round((now - before) * 10) / 10;

/**
 * One view as CSV, safe to open in a spreadsheet as the audit trail's is (BOM, formulas
 * neutralised; counts stay numbers, so a fall of 2 reads -2), or null when the partner may not
 * have it.
 */
export function renderFiguresCsv(figures: PartnerFigures, view: FiguresView): Buffer | null {
  const { period } = figures;
  const shown = figures.filterText ? `Only ${figures.filterText}` : "Every incident";
  let heading: string;
  let rows: (string | number | null)[][];
  if (view === "first-contact") {
    if (!figures.cases) return null;
    heading = "Figure";
    rows = firstContactRows(figures.cases.firstContact).map((r) => [r.label, r.now, r.before, change(r.now, r.before)]);
  } else {
    const found = figuresTable(figures, view);
    if (!found) return null;
    heading = found.heading;
    rows = [
      ...found.rows.map((r) => [r.label, r.now, r.before, r.now - r.before]),
      ...(found.total ? [["Total", found.total.now, found.total.before, found.total.now - found.total.before]] : []),
    ];
  }
  const csv = stringify(
    rows.map((r) => [...r.map((cell) => cell ?? ""), shown]),
    {
      bom: true,
      header: true,
      columns: [heading, period.label, `The same period last year (${period.lastLabel})`, "Change", "Shown"],
      escape_formulas: true,
      record_delimiter: "windows",
      quoted_string: true,
    },
  );
  return Buffer.from(csv, "utf8");
}

/** A file name that says what is in it, in letters, digits and hyphens only. */
export function figuresFileName(figures: PartnerFigures, view: FiguresView): string {
  const { strand, area, source } = figures.filter;
  const parts = ["rhins-figures", view, figures.period.value, strand, area === "" ? AREA_NOT_GIVEN : area, source];
  const slug = parts
    .filter((p): p is string => Boolean(p))
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
  return `${slug}.csv`;
}
