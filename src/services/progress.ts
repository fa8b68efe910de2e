// Where the current plan stands: which plan and quarter partners are updating, each officer's
// task list, and the dashboard's counts. Built on planView, so a fixed number of queries
// whatever the plan's size; everything else here is arithmetic on that one read.
import type { RagStatus } from "../generated/prisma/client.ts";
import { STATUS_ORDER } from "../content/status.ts";
import { type Quarter, quarterDates } from "./plan-year.ts";
import {
  ALL_AGENCIES_LABEL,
  leadCodesLabel,
  ledBy,
  type PlanView,
  type QuarterStatus,
  type planService,
} from "./plans.ts";
import { RAG_RANK } from "./reviews.ts";

export type TaskState = "UPDATED" | "NOT_STARTED" | "OVERDUE";

export interface Task {
  kind: "commitment" | "risk";
  id: number;
  text: string;
  group: string;
  leadLabel: string;
  /** Agency codes that lead it; empty when all agencies do. */
  agencyCodes: string[];
  review: QuarterStatus;
  previous: QuarterStatus | null;
  state: TaskState;
  href: string;
}

/**
 * The quarter partners are updating: the earliest quarter that has started and is still open;
 * once every started quarter is closed, the latest started one (read-only for officers).
 */
export function reportingQuarter(plan: Pick<PlanView, "startYear" | "quarters">, now: Date): Quarter {
  const started = plan.quarters.filter((q) => quarterDates(plan.startYear, q.quarter).start <= now);
  if (started.length === 0) return 1;
  return (started.find((q) => !q.closed) ?? started[started.length - 1]!).quarter;
}

/** Every commitment and risk of a plan as review tasks for one quarter. */
export function tasksOf(plan: PlanView, quarter: Quarter, now: Date): Task[] {
  const q = plan.quarters[quarter - 1]!;
  const overdue = q.deadline !== null && q.deadline < now;
  const task = (
    kind: Task["kind"],
    id: number,
    text: string,
    group: string,
    leadLabel: string,
    agencyCodes: string[],
    quarters: QuarterStatus[],
  ): Task => {
    const review = quarters[quarter - 1]!;
    const state: TaskState = review.version > 0 ? "UPDATED" : overdue ? "OVERDUE" : "NOT_STARTED";
    return {
      kind,
      id,
      text,
      group,
      leadLabel,
      agencyCodes,
      review,
      previous: quarter > 1 ? quarters[quarter - 2]! : null,
      state,
      href: `/partners/${kind === "commitment" ? "commitments" : "risks"}/${id}/reviews/${quarter}`,
    };
  };
  return [
    ...plan.objectives.flatMap((o) =>
      o.commitments.map((c) =>
        task(
          "commitment",
          c.id,
          c.text,
          `Objective ${o.number}: ${o.title}`,
          leadCodesLabel(
            c.allAgencies,
            c.leads.map((l) => l.code),
          ),
          c.allAgencies ? [] : c.leads.map((l) => l.code),
          c.quarters,
        ),
      ),
    ),
    ...plan.risks.map((r) =>
      task(
        "risk",
        r.id,
        r.description,
        "Challenges and risks",
        leadCodesLabel(!r.owner, r.owner ? [r.owner.code] : []),
        r.owner ? [r.owner.code] : [],
        r.quarters,
      ),
    ),
  ];
}

/** Whether an officer's agency leads a task (tasks led by all agencies belong to everyone). */
export const leadsTask = (agencyCode: string | null, t: Task) => ledBy(agencyCode, t.agencyCodes);

function countByStatus(statuses: RagStatus[]) {
  return STATUS_ORDER.map((status) => ({ status, count: statuses.filter((s) => s === status).length }));
}

export function progressService(plans: ReturnType<typeof planService>, now: () => Date = () => new Date()) {
  const currentPlan = () => plans.currentPlanView(now());

  return {
    currentPlan,

    /** An officer's task list: what their agency leads (coordinators: everything) this quarter. */
    async updates(user: Express.User) {
      const plan = await currentPlan();
      if (!plan) return undefined;
      const quarter = reportingQuarter(plan, now());
      const tasks = tasksOf(plan, quarter, now()).filter(
        (t) => user.role === "COORDINATOR" || leadsTask(user.agencyCode, t),
      );
      return { plan, quarter, quarterInfo: plan.quarters[quarter - 1]!, tasks };
    },

    /** The dashboard: counts at each status, by objective and lead agency, what is left, what moved. */
    async dashboard() {
      const plan = await currentPlan();
      if (!plan) return undefined;
      const at = now();
      const quarter = reportingQuarter(plan, at);
      const tasks = tasksOf(plan, quarter, at);
      const commitments = tasks.filter((t) => t.kind === "commitment");
      const risks = tasks.filter((t) => t.kind === "risk");
      const agencies = [...new Set(commitments.flatMap((t) => t.agencyCodes))].sort();
      const moved = tasks
        // Only reviewed-to-reviewed changes count as moving; a first review is not an improvement.
        .filter(
          (t) =>
            t.previous &&
            t.previous.version > 0 &&
            t.previous.status !== "NOT_STARTED" &&
            t.review.version > 0 &&
            RAG_RANK[t.review.status] !== RAG_RANK[t.previous.status],
        )
        .map((t) => ({
          ...t,
          direction:
            RAG_RANK[t.review.status] > RAG_RANK[t.previous!.status] ? ("improved" as const) : ("worsened" as const),
        }));
      const outstanding = tasks.filter((t) => t.state !== "UPDATED");
      const byAgency = new Map<string, Task[]>();
      for (const t of outstanding) {
        const key = leadCodesLabel(t.agencyCodes.length === 0, t.agencyCodes);
        byAgency.set(key, [...(byAgency.get(key) ?? []), t]);
      }
      return {
        plan,
        quarter,
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
