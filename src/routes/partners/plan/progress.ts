// Where the plan stands, for everyone signed in: the dashboard, officers' "Your updates" task
// list, and a plan's page with every commitment's and risk's four quarters.
import { z } from "zod";
import { formatDate } from "../../../content/dates.ts";
import { SHOWN_STATUS_ORDER, STATUS_TAGS } from "../../../content/status.ts";
import { RISK_LEVELS, RISK_LEVEL_TEXT } from "../../../services/cases/risk.ts";
import { CASE_STATUSES, CASE_STATUS_TEXT } from "../../../services/cases/rules.ts";
import { notFound } from "../../../services/errors.ts";
import type { Services } from "../../../services/index.ts";
import { type Quarter, parseYearSlug, yearSlug } from "../../../services/plan/year.ts";
import { describeFilter, filterPlan, filterQuery } from "../../../services/plan/plans.ts";
import { barChart } from "./charts.ts";
import { documentLinks } from "./documents.ts";
import { planFilterQuery } from "./filter.ts";
import { casePath, riskTag, statusTag } from "../cases/links.ts";
import { get, type PartnerRoute } from "../route-table.ts";

const CAN_DO = {
  COORDINATOR: "You can run the plan, record any review, and manage agencies, accounts and the public directory.",
  OFFICER: "You can record the quarterly reviews of the commitments and risks your agency leads.",
  VIEWER: "You can read the plan and its progress.",
} as const;

const TASK_STATE = {
  UPDATED: { text: "Updated", classes: "govuk-tag--green" },
  MORE_NEEDED: { text: "More needed", classes: "govuk-tag--yellow" },
  TO_DO: { text: "To do", classes: "govuk-tag--grey" },
  OVERDUE: { text: "Overdue", classes: "govuk-tag--red" },
} as const;

/** The dashboard's choice of plan and quarter: "2023-24:4"; anything else shows the default. */
const quarterChoice = z.object({
  show: z
    .string()
    .regex(/^\d{4}-\d{2}:[1-4]$/)
    .transform((v) => ({ startYear: parseYearSlug(v.slice(0, 7)), quarter: Number(v.slice(8)) as Quarter }))
    .optional()
    .catch(undefined),
});

/** The dashboard's case counts: each status, and open cases by risk, with links to the list. */
function caseCountRows(counts: NonNullable<Awaited<ReturnType<Services["cases"]["counts"]>>>) {
  return {
    byStatus: CASE_STATUSES.map((status) => ({
      text: CASE_STATUS_TEXT[status],
      count: counts.byStatus[status] ?? 0,
      href: `/partners/cases?status=${status}`,
    })),
    openByRisk: [...RISK_LEVELS].reverse().map((level) => ({
      text: RISK_LEVEL_TEXT[level],
      count: counts.openByRisk[level] ?? 0,
      href: `/partners/cases?status=OPEN&risk=${level}`,
    })),
  };
}

export function progressRoutes(services: Services): PartnerRoute[] {
  return [
    get("/", "signed-in", async (req, res) => {
      const user = req.user!;
      const asked = quarterChoice.parse(req.query).show;
      const [dashboard, caseCounts] = await Promise.all([
        services.progress.dashboard(
          user,
          asked?.startYear === undefined ? undefined : { startYear: asked.startYear, quarter: asked.quarter },
        ),
        services.cases.counts(user), // null without case access: no count that could identify a case
      ]);
      const key = (c: { startYear: number; quarter: number }) => `${yearSlug(c.startYear)}:${c.quarter}`;
      res.render("pages/partners/dashboard", {
        area: "partners",
        title: "Dashboard",
        user,
        canDo: CAN_DO[user.role],
        dashboard,
        caseCounts: caseCounts && caseCountRows(caseCounts),
        charts: dashboard && {
          commitments: barChart(dashboard.commitmentCounts),
          risks: barChart(dashboard.riskCounts),
        },
        statusTags: STATUS_TAGS,
        statusOrder: SHOWN_STATUS_ORDER,
        planHref: dashboard && `/partners/plans/${yearSlug(dashboard.plan.startYear)}`,
        quarterOptions: dashboard?.choices.map((c) => ({
          value: key(c),
          text: `${c.label}${c.plan.status === "DRAFT" ? ", draft" : ""}`,
          selected: c === dashboard.chosen,
        })),
      });
    }),

    get("/updates", "editor", async (req, res) => {
      const user = req.user!;
      const [updates, caseWork] = await Promise.all([services.progress.updates(user), services.cases.workFor(user)]);
      const quarters = updates.map((q) => {
        // One task list per objective, then one for the risks.
        const groups = new Map<string, typeof q.tasks>();
        for (const task of q.tasks) groups.set(task.group, [...(groups.get(task.group) ?? []), task]);
        return { ...q, groups: [...groups.entries()].map(([name, tasks]) => ({ name, tasks })) };
      });
      res.render("pages/partners/updates", {
        area: "partners",
        title: "Your updates",
        user,
        quarters,
        caseWork: caseWork && {
          cases: caseWork.cases.map((c) => ({
            reference: c.reference,
            href: casePath(c.reference),
            status: statusTag(c.status),
            risk: riskTag(c.riskLevel),
            opened: formatDate(c.openedAt),
            firstContactOverdue: c.firstContactOverdue,
          })),
          overdueActions: caseWork.overdueActions.map((a) => ({
            reference: a.reference,
            href: `${casePath(a.reference)}#actions`,
            due: formatDate(a.dueOn),
          })),
        },
        taskState: TASK_STATE,
        statusTags: STATUS_TAGS,
      });
    }),

    get("/plans/:year", "signed-in", async (req, res) => {
      const startYear = parseYearSlug(String(req.params.year));
      const plan = startYear === undefined ? undefined : await services.plans.planView(startYear);
      if (!plan) throw notFound("plan");
      const shown = filterPlan(plan, planFilterQuery.parse(req.query));
      const filter = filterQuery(shown);
      const slug = yearSlug(plan.startYear);
      res.render("pages/partners/plan/index", {
        area: "partners",
        title: plan.title,
        user: req.user,
        plan,
        objectiveOptions: [
          { value: "", text: "All objectives" },
          ...plan.objectives.map((o) => ({
            value: String(o.number),
            text: `Objective ${o.number}: ${o.title}`,
            selected: o === shown.objective,
          })),
        ],
        agencyOptions: [
          { value: "", text: "All agencies" },
          ...plan.leadAgencies.map((a) => ({ value: a.code, text: a.name, selected: a === shown.agency })),
        ],
        statusOptions: [
          { value: "", text: "Any status" },
          ...SHOWN_STATUS_ORDER.map((s) => ({ value: s, text: STATUS_TAGS[s].text, selected: s === shown.status })),
        ],
        objectives: shown.objectives,
        risks: shown.risks,
        filtered: shown.filtered,
        filterText: describeFilter(shown),
        // The documents show what the page shows.
        documents: documentLinks(slug, filter),
        // The tables are the same for everyone who sees this filter of this plan (views.ts cachedHtml).
        tablesKey: filter.toString(),
        statusTags: STATUS_TAGS,
        slug,
      });
    }),
  ];
}
