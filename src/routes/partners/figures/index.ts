// The partner figures page (/partners/figures), for every signed-in partner: each table of
// services/figures/partner.ts with an accessible bar chart of the same numbers beside it, filtered
// by a GET form that works without JavaScript, and each table as CSV (/partners/figures.csv).
// Case figures only with case access; the links to import and publish, for coordinators only.
import type { Request } from "express";
import { z } from "zod";
import {
  AREA_NOT_GIVEN,
  CASE_VIEWS,
  type FigureRow,
  type FigureTable,
  type FiguresView,
  INCIDENT_VIEWS,
  type PartnerFigures,
  figuresFileName,
  firstContactRows,
  renderFiguresCsv,
} from "../../../services/figures/partner.ts";
import { notFound } from "../../../services/errors.ts";
import type { Services } from "../../../services/index.ts";
import { CSV_CONTENT_TYPE } from "../../../services/plan/exports/csv.ts";
import { storableString } from "../../forms.ts";
import { get, type PartnerRoute } from "../route-table.ts";

const asked = (max: number) => storableString(z.string().trim().max(max)).catch("");

/** The filters as the form sends them; anything unknown is ignored by the service, not refused. */
const figuresQuery = z.object({
  period: asked(20),
  strand: asked(40),
  area: asked(80),
  source: asked(20),
});

const csvQuery = figuresQuery.extend({
  view: z
    .enum([...INCIDENT_VIEWS, ...CASE_VIEWS])
    .optional()
    .catch(undefined),
});

// ---------------------------------------------------------------------------------------------
// Bar charts (views/partials/partners/bar-chart.ejs): each row's label above its two bars, this
// period (filled) and the same period last year (hollow), so long labels never overlap a bar.

const CHART_WIDTH = 460;
const COUNT_SPACE = 56;
const LEGEND_HEIGHT = 52;
const LABEL_HEIGHT = 22;
const BAR_HEIGHT = 16;
const BAR_GAP = 3;
const ROW_GAP = 12;
const ROW_HEIGHT = LABEL_HEIGHT + 2 * BAR_HEIGHT + BAR_GAP + ROW_GAP;
/** The dashboard's blue, and its hollow outlined bar: told apart without colour. */
const SERIES = ["complete", "no-update"] as const;

export interface BarChart {
  id: string;
  title: string;
  width: number;
  height: number;
  bars: { x: number; y: number; width: number; height: number; modifier: string }[];
  texts: { x: number; y: number; text: string; kind: "label" | "count" }[];
}

export function barChart(
  id: string,
  title: string,
  series: readonly [string, string],
  rows: { label: string; values: readonly [number, number] }[],
): BarChart {
  const max = Math.max(1, ...rows.flatMap((r) => r.values));
  const space = CHART_WIDTH - COUNT_SPACE;
  const bars: BarChart["bars"] = [];
  const texts: BarChart["texts"] = [];
  // The key, one line each.
  series.forEach((name, k) => {
    bars.push({ x: 0, y: 4 + k * 22, width: 16, height: 16, modifier: SERIES[k]! });
    texts.push({ x: 22, y: 18 + k * 22, text: name, kind: "label" });
  });
  rows.forEach((row, i) => {
    const top = LEGEND_HEIGHT + i * ROW_HEIGHT;
    texts.push({ x: 0, y: top + 16, text: row.label, kind: "label" });
    row.values.forEach((count, k) => {
      const y = top + LABEL_HEIGHT + k * (BAR_HEIGHT + BAR_GAP);
      const width = count === 0 ? 0 : Math.max(1, Math.round((count / max) * space));
      bars.push({ x: 0, y, width, height: BAR_HEIGHT, modifier: SERIES[k]! });
      texts.push({ x: width + 6, y: y + 13, text: String(count), kind: "count" });
    });
  });
  return { id, title, width: CHART_WIDTH, height: LEGEND_HEIGHT + rows.length * ROW_HEIGHT, bars, texts };
}

// ---------------------------------------------------------------------------------------------
// The page's view model.

/** "+3 (+50%)", "−2 (−40%)", "No change". */
export function changeText(now: number, before: number): string {
  const diff = Math.round((now - before) * 10) / 10;
  if (diff === 0) return "No\u00a0change"; // kept on one line in a narrow column
  const signed = (n: number) => `${n > 0 ? "+" : "−"}${Math.abs(n)}`;
  return before === 0 ? signed(diff) : `${signed(diff)} (${signed(Math.round((diff / before) * 100))}%)`;
}

const SECTIONS: Record<Exclude<FiguresView, "first-contact">, { heading: string; caption: string; notes: string[] }> = {
  month: {
    heading: "By month",
    caption: "Incidents by month",
    notes: ["Reports by the month they were made; police figures by the month recorded."],
  },
  strand: {
    heading: "By strand",
    caption: "Incidents by strand",
    notes: ["An incident about more than one strand is counted under each, so these add up to more than the total."],
  },
  area: { heading: "By area", caption: "Incidents by area", notes: [] },
  place: {
    heading: "By type of place",
    caption: "Incidents by type of place",
    notes: ["Police figures have no type of place: these are reports to the partnership only."],
  },
  source: { heading: "By source", caption: "Incidents by source", notes: [] },
  repeat: {
    heading: "Repeat victimisation",
    caption: "Incidents by whether it had happened before",
    notes: [
      "Whether the person said it had happened to them before. Police figures have no such answer: these are reports to the partnership only.",
    ],
  },
  outcomes: {
    heading: "Outcomes of cases closed",
    caption: "Cases closed by outcome",
    notes: ["Cases closed in the period, by the outcome recorded when they closed."],
  },
};

/** The filters as a query string (the period always), for the CSV links. */
function filterParams(figures: PartnerFigures): URLSearchParams {
  const { strand, area, source } = figures.filter;
  const params = new URLSearchParams({ period: figures.period.value });
  if (strand) params.set("strand", strand);
  if (area !== undefined) params.set("area", area === "" ? AREA_NOT_GIVEN : area);
  if (source) params.set("source", source);
  return params;
}

function section(figures: PartnerFigures, table: FigureTable) {
  const { period } = figures;
  const words = SECTIONS[table.view as keyof typeof SECTIONS];
  const what = words.caption;
  const row = (r: Pick<FigureRow, "label" | "now" | "before">) => ({
    label: r.label,
    now: r.now,
    before: r.before,
    change: changeText(r.now, r.before),
  });
  const params = filterParams(figures);
  params.set("view", table.view);
  return {
    id: `figures-${table.view}`,
    heading: words.heading,
    caption: what,
    columnHeading: table.heading,
    chart: barChart(
      `chart-${table.view}`,
      `Bar chart of ${what.toLowerCase()}, ${period.label} (and ${period.lastLabel}): ${table.rows
        .map((r) => `${r.label} ${r.now} (${r.before})`)
        .join(", ")}`,
      [period.label, period.lastLabel],
      table.rows.map((r) => ({ label: r.label, values: [r.now, r.before] as const })),
    ),
    rows: table.rows.map(row),
    total: table.total && row({ label: "Total", ...table.total }),
    notes: words.notes,
    csvHref: `/partners/figures.csv?${params.toString()}`,
    csvText: `Download ${what.toLowerCase()} (CSV)`,
  };
}

/** A number of the first-contact table, in words. */
const shown = (value: number | null, unit: string) => (value === null ? "None" : `${value}${unit}`);

function pageModel(req: Request, figures: PartnerFigures) {
  const user = req.user!;
  const { period, cases } = figures;
  const month = figures.tables.find((t) => t.view === "month")!;
  const police = figures.filter.source === "POLICE";
  const caseParams = filterParams(figures);
  caseParams.set("view", "first-contact");
  return {
    area: "partners",
    title: "Figures",
    user,
    period,
    filterText: figures.filterText,
    total: month.total!,
    choices: figures.choices,
    coordinator: user.role === "COORDINATOR",
    sections: figures.tables.map((t) => section(figures, t)),
    cases: cases && {
      police,
      scope: user.role === "COORDINATOR" ? "every case" : "the cases your agency leads or is shared on",
      outcomes: section(figures, cases.outcomes),
      firstContact: {
        rows: firstContactRows(cases.firstContact).map((r, i) => {
          const unit = ["", " days", "%"][i]!;
          return {
            label: r.label,
            now: shown(r.now, unit),
            before: shown(r.before, unit),
            change: r.now === null || r.before === null ? "" : changeText(r.now, r.before).replace(/ \(.*\)$/, ""),
          };
        }),
        csvHref: `/partners/figures.csv?${caseParams.toString()}`,
      },
    },
  };
}

export function figuresRoutes(services: Services): PartnerRoute[] {
  async function figuresFor(req: Request) {
    return services.figures.page(req.user!, figuresQuery.parse(req.query));
  }

  return [
    get("/figures", "signed-in", async (req, res) => {
      res.render("pages/partners/figures/index", pageModel(req, await figuresFor(req)));
    }),
    get("/figures.csv", "signed-in", async (req, res) => {
      const view = csvQuery.parse(req.query).view;
      if (!view) throw notFound("table");
      const figures = await figuresFor(req);
      // A case view without case access is not said to exist.
      const csv = renderFiguresCsv(figures, view);
      if (!csv) throw notFound("table");
      res.type(CSV_CONTENT_TYPE);
      res.set("Content-Disposition", `attachment; filename="${figuresFileName(figures, view)}"`);
      res.send(csv);
    }),
  ];
}
