// The emails cases send. Like every email of the portal they say no more than a reference and
// where to sign in: never a name, what happened, a strand or an area.
// - a safeguarding override (details shared without consent): every coordinator with case access;
// - each morning, what is due: first contact (to the caseworker; without one, the coordinators
//   with case access) and case actions (to their owner; without one, the caseworker). Each thing
//   due is told of once per person (CaseReminderSent), so two instances running it send once.
import type { PrismaClient } from "../../generated/prisma/client.ts";
import type { Db } from "../audit.ts";
import type { EmailService } from "../email/emails.ts";
import { londonDay } from "../reminders/working-days.ts";

export const CASE_REMINDER_JOB = "case-reminders";

export interface CaseNotificationOptions {
  emails: Pick<EmailService, "record" | "dispatch">;
  publicBaseUrl?: string;
  now?: () => Date;
}

/** Those who may work on cases: active, with case access, never a viewer. */
const CASE_WORKERS = { active: true, caseAccess: true, role: { not: "VIEWER" as const } };

export function caseNotificationService(prisma: PrismaClient, options: CaseNotificationOptions) {
  const { emails } = options;
  const now = options.now ?? (() => new Date());
  const base = options.publicBaseUrl ?? "";

  const coordinators = (db: Db) =>
    db.user.findMany({ where: { ...CASE_WORKERS, role: "COORDINATOR" }, select: { id: true, email: true } });

  return {
    /** Records the email to coordinators in the caller's transaction; returns the ids to dispatch after it commits. */
    async safeguardingOverride(reference: string, db: Db): Promise<number[]> {
      const ids: number[] = [];
      for (const c of await coordinators(db))
        ids.push(
          await emails.record(
            {
              to: c.email,
              userId: c.id,
              template: "case-safeguarding-override",
              params: { reference, url: `${base}/partners/cases/${reference}` },
            },
            db,
          ),
        );
      return ids;
    },

    dispatch: (ids: number[]) => emails.dispatch(ids),

    /** Emails each person what is due on their cases today or earlier and not yet told of; returns how many emails. */
    async sendReminders(): Promise<number> {
      const today = new Date(`${londonDay(now())}T00:00:00.000Z`);
      const open = { status: { not: "CLOSED" as const } };
      const [firstContacts, actions, fallback] = await Promise.all([
        prisma.case.findMany({
          where: { ...open, firstContactAt: null, firstContactDue: { lte: today } },
          select: { id: true, firstContactDue: true, caseworkerId: true, report: { select: { reference: true } } },
        }),
        prisma.caseAction.findMany({
          where: { doneAt: null, dueOn: { lte: today }, case: open },
          select: {
            id: true,
            caseId: true,
            dueOn: true,
            ownerId: true,
            case: { select: { caseworkerId: true, report: { select: { reference: true } } } },
          },
        }),
        coordinators(prisma),
      ]);
      const workers = new Map(
        (await prisma.user.findMany({ where: CASE_WORKERS, select: { id: true, email: true } })).map((u) => [u.id, u]),
      );
      type Due = { userId: number; caseId: string; kind: string; subject: string; dueOn: Date; reference: string };
      const due: Due[] = [];
      const to = (ids: (number | null)[]) => {
        const found = ids.find((id) => id !== null && workers.has(id));
        return found !== undefined && found !== null ? [found] : fallback.map((c) => c.id);
      };
      for (const c of firstContacts)
        for (const userId of to([c.caseworkerId]))
          due.push({
            userId,
            caseId: c.id,
            kind: "FIRST_CONTACT",
            subject: c.id,
            dueOn: c.firstContactDue!,
            reference: c.report.reference,
          });
      for (const a of actions)
        for (const userId of to([a.ownerId, a.case.caseworkerId]))
          due.push({
            userId,
            caseId: a.caseId,
            kind: "ACTION_DUE",
            subject: a.id,
            dueOn: a.dueOn,
            reference: a.case.report.reference,
          });

      const byPerson = new Map<number, Due[]>();
      for (const d of due) byPerson.set(d.userId, [...(byPerson.get(d.userId) ?? []), d]);
      const sent: number[] = [];
      for (const [userId, items] of byPerson) {
        const user = workers.get(userId);
        if (!user) continue;
        const emailId = await prisma.$transaction(async (tx) => {
          // Claimed in the same transaction as the email: another instance's run finds them taken.
          const fresh: Due[] = [];
          for (const item of items) {
            const { count } = await tx.caseReminderSent.createMany({
              data: [{ userId, caseId: item.caseId, kind: item.kind, subject: item.subject, dueOn: item.dueOn }],
              skipDuplicates: true,
            });
            if (count === 1) fresh.push(item);
          }
          if (fresh.length === 0) return null;
          const references = (kind: string) =>
            [...new Set(fresh.filter((d) => d.kind === kind).map((d) => d.reference))].sort();
          const id = await emails.record(
            {
              to: user.email,
              userId,
              template: "case-reminder",
              params: {
                firstContact: references("FIRST_CONTACT"),
                actionsDue: references("ACTION_DUE"),
                url: `${base}/partners/updates#your-cases`,
              },
            },
            tx,
          );
          await tx.caseReminderSent.updateMany({
            where: { userId, emailMessageId: null },
            data: { emailMessageId: id },
          });
          return id;
        });
        if (emailId !== null) sent.push(emailId);
      }
      await emails.dispatch(sent);
      return sent.length;
    },
  };
}

export type CaseNotificationService = ReturnType<typeof caseNotificationService>;
