// Where the plans stand: each partner's task list ("Your updates") across every open quarter of
// the published plans, and the dashboard's counts for a chosen plan and quarter. Built on
// planView, so a fixed number of queries whatever a plan's size; the rest is arithmetic.
import { SHOWN_STATUS_ORDER } from "../../content/status.ts";
import { type Quarter, QUARTERS, quarterDates, yearLabel } from "./year.ts";
import {
  ALL_AGENCIES_LABEL,
  type LeadAgency,
  leadCodesLabel,
  type PlanView,
  type QuarterStatus,
  type planService,
} from "./plans.ts";
import { RAG_RANK, recorded, type ShownStatus } from "./review-rules.ts";

export type TaskState = "UPDATED" | "MORE_NEEDED" | "TO_DO" | "OVERDUE";

export interface Task {
  kind: "commitment" | "risk";
  id: number;
  text: string;
  group: string;
  leadLabel: string;
  /** Agency codes that lead it; empty when all agencies do. */
  agencyCodes: string[];
  /** The agencies expected to update it (every active agency when all agencies lead it). */
  leads: LeadAgency[];
  /** Lead agencies that have not updated it this quarter. */
  missing: LeadAgency[];
  review: QuarterStatus;
  previous: QuarterStatus | null;
  state: TaskState;
  href: string;
}

/** A plan's quarter that can be chosen: "2023/24, quarter 4 (January to March 2024)". */
export interface QuarterChoice {
  startYear: number;
  quarter: Quarter;
  label: string;
  deadline: Date | null;
}

/** Whether a quarter has started and a coordinator has not closed it. */
function isOpen(plan: PlanView, quarter: Quarter, now: Date): boolean {
  return quarterDates(plan.startYear, quarter).start <= now && !plan.quarters[quarter - 1]!.closed;
}

/**
 * Every commitment and risk of a plan as review tasks for one quarter. `agencyCode` set: the
 * tasks of that agency (what it leads, and what all agencies lead), done when it has updated;
 * unset: every task, done when every lead agency has updated or a coordinator set a summary.
 */
export function tasksOf(plan: PlanView, quarter: Quarter, now: Date, agencyCode?: string): Task[] {
  const q = plan.quarters[quarter - 1]!;
  const overdue = q.deadline !== null && q.deadline < now;
  const task = (
    kind: Task["kind"],
    id: number,
    text: string,
    group: string,
    named: LeadAgency[] | null,
    quarters: QuarterStatus[],
  ): Task => {
    const leads = named ?? plan.activeAgencies;
    const review = quarters[quarter - 1]!;
    const missing = leads.filter((a) => !review.updates.some((u) => u.agency.id === a.id));
    const done =
      agencyCode === undefined
        ? missing.length === 0 || review.summary !== null
        : review.updates.some((u) => u.agency.code === agencyCode);
    // A coordinator's request for more reopens the task until the agency's next save.
    const moreNeeded = review.updates.some(
      (u) => u.moreNeeded && (agencyCode === undefined || u.agency.code === agencyCode),
    );
    const codes = named ? named.map((a) => a.code) : [];
    return {
      kind,
      id,
      text,
      group,
      leadLabel: leadCodesLabel(named === null, codes),
      agencyCodes: codes,
      leads,
      missing,
      review,
      previous: quarter > 1 ? quarters[quarter - 2]! : null,
      state: moreNeeded ? "MORE_NEEDED" : done ? "UPDATED" : overdue ? "OVERDUE" : "TO_DO",
      href: `/partners/${kind === "commitment" ? "commitments" : "risks"}/${id}/reviews/${quarter}`,
    };
  };
  const all = [
    ...plan.objectives.flatMap((o) =>
      o.commitments.map((c) =>
        task(
          "commitment",
          c.id,
          c.text,
          `Objective ${o.number}: ${o.title}`,
          c.allAgencies ? null : c.leads,
          c.quarters,
        ),
      ),
    ),
    ...plan.risks.map((r) =>
      task("risk", r.id, r.description, "Challenges and risks", r.owner ? [r.owner] : null, r.quarters),
    ),
  ];
  return agencyCode === undefined ? all : all.filter((t) => t.leads.some((a) => a.code === agencyCode));
}

function countByStatus(statuses: ShownStatus[]) {
  return SHOWN_STATUS_ORDER.map((status) => ({ status, count: statuses.filter((s) => s === status).length }));
}

const byDeadline = (a: { deadline: Date | null; startYear: number; quarter: number }, b: typeof a) =>
  (a.deadline?.getTime() ?? Infinity) - (b.deadline?.getTime() ?? Infinity) ||
  a.startYear - b.startYear ||
  a.quarter - b.quarter;

export function progressService(plans: ReturnType<typeof planService>, now: () => Date = () => new Date()) {
  const choice = (plan: PlanView, quarter: Quarter): QuarterChoice => ({
    startYear: plan.startYear,
    quarter,
    label: `${yearLabel(plan.startYear)}, quarter ${quarter} (${plan.quarters[quarter - 1]!.months})`,
    deadline: plan.quarters[quarter - 1]!.deadline,
  });

  return {
    /**
     * A partner's task list: every quarter of a published plan that is open and has updates
     * outstanding for them (their agency's; coordinators: anyone's), soonest deadline first.
     */
    async updates(user: Express.User) {
      const at = now();
      // An account without an agency leads nothing ("" matches no agency).
      const agencyCode = user.role === "COORDINATOR" ? undefined : (user.agencyCode ?? "");
      // Officers work on published plans only.
      const quarters = (await plans.planViews(["PUBLISHED"])).flatMap((plan) =>
        QUARTERS.filter((q) => isOpen(plan, q, at)).map((quarter) => {
          const tasks = tasksOf(plan, quarter, at, agencyCode);
          return {
            ...choice(plan, quarter),
            plan,
            quarterInfo: plan.quarters[quarter - 1]!,
            tasks,
            outstanding: tasks.filter((t) => t.state !== "UPDATED").length,
          };
        }),
      );
      return quarters.filter((q) => q.outstanding > 0).sort(byDeadline);
    },

    /**
     * Where "Save and go to the next update" goes: the next update still to do in "Your updates"
     * after the one just saved (in the same quarter, then from its start, then the next quarter).
     */
    async nextUpdate(user: Express.User, current: { kind: Task["kind"]; id: number; quarter: Quarter }) {
      const quarters = await this.updates(user);
      const here = quarters.findIndex(
        (q) => q.quarter === current.quarter && q.tasks.some((t) => t.kind === current.kind && t.id === current.id),
      );
      const ordered = here < 0 ? quarters : [...quarters.slice(here), ...quarters.slice(0, here)];
      const tasks = ordered.flatMap((q, i) => {
        if (i > 0 || here < 0) return q.tasks;
        const at = q.tasks.findIndex((t) => t.kind === current.kind && t.id === current.id);
        return [...q.tasks.slice(at + 1), ...q.tasks.slice(0, at)];
      });
      return tasks.find((t) => t.state !== "UPDATED");
    },

    /**
     * The plans and quarters the dashboard can show (coordinators: drafts too), and the one it
     * shows unless asked: the open quarter with the nearest deadline, else the latest that started.
     */
    async dashboardChoices(user: Express.User) {
      const at = now();
      const views = await plans.planViews(user.role === "COORDINATOR" ? ["PUBLISHED", "DRAFT"] : ["PUBLISHED"]);
      const choices = views.flatMap((plan) => QUARTERS.map((q) => ({ plan, ...choice(plan, q) })));
      const distance = (c: QuarterChoice) =>
        Math.abs((c.deadline ?? quarterDates(c.startYear, c.quarter).end).getTime() - at.getTime());
      const open = choices
        .filter((c) => c.plan.status === "PUBLISHED" && isOpen(c.plan, c.quarter, at))
        .sort((a, b) => distance(a) - distance(b));
      const started = choices
        .filter((c) => c.plan.status === "PUBLISHED" && quarterDates(c.startYear, c.quarter).start <= at)
        .sort((a, b) => b.startYear - a.startYear || b.quarter - a.quarter);
      return { choices, default: open[0] ?? started[0] ?? choices[0] };
    },

    /** The dashboard of one plan's quarter: counts at each status, by objective and lead agency, what is left, what moved. */
    async dashboard(user: Express.User, asked?: { startYear: number; quarter: Quarter }) {
      const { choices, default: fallback } = await this.dashboardChoices(user);
      const chosen = choices.find((c) => c.startYear === asked?.startYear && c.quarter === asked?.quarter) ?? fallback;
      if (!chosen) return undefined;
      const { plan, quarter } = chosen;
      const at = now();
      const tasks = tasksOf(plan, quarter, at);
      const commitments = tasks.filter((t) => t.kind === "commitment");
      const risks = tasks.filter((t) => t.kind === "risk");
      const agencies = [...new Set(commitments.flatMap((t) => t.agencyCodes))].sort();
      const moved = tasks
        // Only recorded-to-recorded changes count as moving; a first review is not an improvement.
        .flatMap((t) => {
          const [before, after] = [t.previous?.status, t.review.status];
          if (!before || !recorded(before) || before === "NOT_STARTED" || !recorded(after)) return [];
          const change = RAG_RANK[after] - RAG_RANK[before];
          return change === 0 ? [] : [{ ...t, direction: change > 0 ? ("improved" as const) : ("worsened" as const) }];
        });
      const outstanding = tasks.filter((t) => t.state !== "UPDATED");
      // What is still to update, under each agency that has not updated it.
      const byAgency = new Map<string, Task[]>();
      for (const t of outstanding)
        for (const a of t.missing) byAgency.set(a.code, [...(byAgency.get(a.code) ?? []), t]);
      return {
        plan,
        quarter,
        chosen,
        choices,
        quarterInfo: plan.quarters[quarter - 1]!,
        commitmentCounts: countByStatus(commitments.map((t) => t.review.status)),
        riskCounts: countByStatus(risks.map((t) => t.review.status)),
        byObjective: plan.objectives.map((o) => ({
          label: `Objective ${o.number}`,
          title: o.title,
          counts: countByStatus(o.commitments.map((c) => c.quarters[quarter - 1]!.status)),
        })),
        byAgency: [
          ...agencies.map((code) => ({
            label: code,
            counts: countByStatus(commitments.filter((t) => t.agencyCodes.includes(code)).map((t) => t.review.status)),
          })),
          {
            label: ALL_AGENCIES_LABEL,
            counts: countByStatus(commitments.filter((t) => t.agencyCodes.length === 0).map((t) => t.review.status)),
          },
        ],
        outstanding: [...byAgency.entries()].map(([agency, items]) => ({ agency, items })),
        overdue: outstanding.filter((t) => t.state === "OVERDUE"),
        improved: moved.filter((t) => t.direction === "improved"),
        worsened: moved.filter((t) => t.direction === "worsened"),
        totals: {
          commitments: commitments.length,
          risks: risks.length,
          updated: tasks.length - outstanding.length,
          all: tasks.length,
        },
      };
    },
  };
}
