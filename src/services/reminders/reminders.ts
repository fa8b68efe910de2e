// The quarterly cycle's reminders, decided from the published plans, their quarters' deadlines
// and who has updated what (progress.tasksOf, the same rule as "Your updates"):
// - when a quarter has ended (within the last 7 days), its officers hear that updates are due;
// - REMINDER_DAYS_BEFORE working days before the deadline, and on the deadline day, officers whose
//   agency still owes updates get the list of them;
// - each week after the deadline, coordinators get who owes what, until the quarter is closed
//   (for 13 weeks at most: by then the next quarter's cycle is running).
// Each is sent once per account, plan, quarter, kind (and week): a ReminderSent row with that
// unique key is inserted before the email is recorded, in one transaction, so two instances
// checking at once, or a restart, cannot send one twice.
import type { PrismaClient, ReminderKind } from "../../generated/prisma/client.ts";
import { formatDate } from "../../content/dates.ts";
import type { EmailService } from "../email/emails.ts";
import type { EmailItem, TemplateName, TemplateParams } from "../email/templates.ts";
import { QUARTERS, type Quarter, quarterDates, yearLabel, yearSlug } from "../plan/year.ts";
import type { PlanView, planService } from "../plan/plans.ts";
import { type Task, tasksOf } from "../plan/progress.ts";
import { type Day, daysBetween, londonDay, utcDay, workingDaysBefore, workingDaysBetween } from "./working-days.ts";

export const REMINDER_JOB = "reminders";
/** A quarter that ended longer ago than this is not announced (a first start on old data). */
export const REPORTING_OPEN_DAYS = 7;
export const OVERDUE_SUMMARY_WEEKS = 13;

interface Recipient {
  id: number;
  email: string;
  name: string;
  role: "OFFICER" | "COORDINATOR";
  agency: { code: string; name: string } | null;
}

interface Decision<T extends TemplateName = TemplateName> {
  key: { userId: number; planId: number; quarter: number; kind: ReminderKind; period: number };
  to: Recipient;
  template: T;
  params: TemplateParams[T];
}

export interface ReminderOptions {
  daysBefore: number;
  publicBaseUrl?: string;
  now?: () => Date;
}

const keyOf = (k: Decision["key"]) => [k.userId, k.planId, k.quarter, k.kind, k.period].join(":");

export function reminderService(
  prisma: PrismaClient,
  plans: ReturnType<typeof planService>,
  emails: EmailService,
  options: ReminderOptions,
) {
  const now = options.now ?? (() => new Date());
  const base = options.publicBaseUrl ?? "";
  const item = (t: Task): EmailItem => ({ text: t.text, url: `${base}${t.href}` });

  /** Every reminder due at `at` for one quarter of a published plan, whether sent already or not. */
  function decide(plan: PlanView, quarter: Quarter, at: Date, today: Day, people: Recipient[]): Decision[] {
    const info = plan.quarters[quarter - 1]!;
    if (info.closed) return [];
    const { start, end } = quarterDates(plan.startYear, quarter);
    if (today < utcDay(start)) return [];
    const deadline = info.deadline ? utcDay(info.deadline) : null;
    const quarterLabel = `${yearLabel(plan.startYear)}, quarter ${quarter} (${info.months})`;
    const common = {
      quarterLabel,
      deadline: info.deadline ? formatDate(info.deadline) : null,
      updatesUrl: `${base}/partners/updates`,
      accountUrl: `${base}/partners/account`,
    };
    const decisions: Decision[] = [];
    const decision = <T extends TemplateName>(
      to: Recipient,
      kind: ReminderKind,
      template: T,
      params: TemplateParams[T],
      period = 0,
    ) => decisions.push({ key: { userId: to.id, planId: plan.id, quarter, kind, period }, to, template, params });

    const sinceEnd = daysBetween(utcDay(end), today);
    for (const officer of people.filter((p) => p.role === "OFFICER" && p.agency)) {
      const tasks = tasksOf(plan, quarter, at, officer.agency!.code);
      if (tasks.length === 0) continue; // the agency leads nothing in this plan
      const items = tasks.filter((t) => t.state !== "UPDATED").map(item);
      const params = { ...common, name: officer.name, items };
      if (sinceEnd > 0 && sinceEnd <= REPORTING_OPEN_DAYS)
        decision(officer, "REPORTING_OPEN", "reporting-open", params);
      if (!deadline || items.length === 0) continue;
      if (today < deadline && today >= workingDaysBefore(deadline, options.daysBefore)) {
        const workingDaysLeft = workingDaysBetween(today, deadline);
        decision(officer, "BEFORE_DEADLINE", "reminder-before-deadline", { ...params, workingDaysLeft });
      }
      if (today === deadline) decision(officer, "DEADLINE_DAY", "reminder-deadline-day", params);
    }

    const sinceDeadline = deadline ? daysBetween(deadline, today) : 0;
    if (deadline && sinceDeadline > 0 && sinceDeadline <= OVERDUE_SUMMARY_WEEKS * 7) {
      const byAgency = new Map<string, { name: string; items: EmailItem[] }>();
      for (const task of tasksOf(plan, quarter, at).filter((t) => t.state !== "UPDATED")) {
        for (const agency of task.missing) {
          const entry = byAgency.get(agency.code) ?? { name: agency.name, items: [] };
          entry.items.push(item(task));
          byAgency.set(agency.code, entry);
        }
      }
      const agencies = [...byAgency.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, v]) => v);
      if (agencies.length > 0) {
        const period = Math.floor((sinceDeadline - 1) / 7);
        for (const coordinator of people.filter((p) => p.role === "COORDINATOR")) {
          decision(
            coordinator,
            "OVERDUE_SUMMARY",
            "overdue-summary",
            {
              name: coordinator.name,
              quarterLabel,
              deadline: common.deadline!,
              agencies,
              dashboardUrl: `${base}/partners?show=${yearSlug(plan.startYear)}:${quarter}`,
              accountUrl: common.accountUrl,
            },
            period,
          );
        }
      }
    }
    return decisions;
  }

  return {
    /** Decides what is due now and queues each reminder not sent before. Returns how many were queued. */
    async check(at: Date = now()): Promise<number> {
      const today = londonDay(at);
      const [views, people] = await Promise.all([
        plans.planViews(["PUBLISHED"]),
        prisma.user.findMany({
          where: { active: true, reminderEmails: true, role: { in: ["OFFICER", "COORDINATOR"] } },
          select: { id: true, email: true, name: true, role: true, agency: { select: { code: true, name: true } } },
          orderBy: { id: "asc" },
        }) as Promise<Recipient[]>,
      ]);
      const due = views.flatMap((plan) => QUARTERS.flatMap((q) => decide(plan, q, at, today, people)));
      if (due.length === 0) return 0;
      const sent = await prisma.reminderSent.findMany({
        where: { planId: { in: [...new Set(due.map((d) => d.key.planId))] } },
        select: { userId: true, planId: true, quarter: true, kind: true, period: true },
      });
      const done = new Set(sent.map(keyOf));
      const queued: number[] = [];
      for (const d of due.filter((d) => !done.has(keyOf(d.key)))) {
        const emailId = await prisma.$transaction(async (tx) => {
          // Another instance may have inserted this key since the look-up: then it sends, not us.
          const { count } = await tx.reminderSent.createMany({ data: [d.key], skipDuplicates: true });
          if (count === 0) return undefined;
          const id = await emails.record(
            { to: d.to.email, userId: d.to.id, template: d.template, params: d.params },
            tx,
          );
          await tx.reminderSent.update({
            where: { userId_planId_quarter_kind_period: d.key },
            data: { emailMessageId: id },
          });
          return id;
        });
        if (emailId !== undefined) queued.push(emailId);
      }
      await emails.dispatch(queued);
      return queued.length;
    },
  };
}

export type ReminderService = ReturnType<typeof reminderService>;
