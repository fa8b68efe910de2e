// The portal's background jobs, started with it (server.ts) and stopped on SIGTERM:
// - "email": sends one recorded email (services/email), retried with back-off;
// - "reminders": decides and queues the quarterly reminders (services/reminders), at start-up
//   and every REMINDER_CHECK_MINUTES;
// - "email-sweep": every 5 minutes, queues again an email whose job was lost;
// - "report-retention": each night (and at start-up), deletes the personal data of reports past
//   REPORT_RETENTION_MONTHS (services/reports/retention.ts);
// - "report-drafts-expiry": every 15 minutes (and at start-up), deletes expired drafts of the
//   online form and ended rate-limit windows;
// - "report-notify": emails the partnership the references of new online reports, at most once
//   every 5 minutes however many arrive (services/reports/reports.ts), and every 5 minutes;
// - "case-reminders": each weekday morning at 07:30 (and at start-up), emails caseworkers the
//   first contacts and case actions due (services/cases/notifications.ts).
// Every instance registers the same schedules; pg-boss makes one job per slot, and a reminder is
// sent once whoever runs the check (ReminderSent).
import type { Config } from "../config.ts";
import { EMAIL_JOB, EMAIL_RETRY_DELAY_SECONDS, EMAIL_RETRY_LIMIT } from "../services/email/emails.ts";
import { CASE_REMINDER_JOB } from "../services/cases/notifications.ts";
import type { Services } from "../services/index.ts";
import { REMINDER_JOB } from "../services/reminders/reminders.ts";
import { REPORT_NOTIFY_JOB } from "../services/reports/reports.ts";
import { EXPIRY_JOB, RETENTION_JOB } from "../services/reports/retention.ts";

const SWEEP_JOB = "email-sweep";

/** "every N minutes" as cron: N divides an hour, or is whole hours that divide a day (config.ts). */
export function everyMinutesCron(minutes: number): string {
  if (minutes < 60) return `*/${minutes} * * * *`;
  return minutes === 1440 ? "0 0 * * *" : `0 */${minutes / 60} * * *`;
}

export interface JobOptions {
  emailRetryDelaySeconds?: number;
}

export async function startJobs(
  services: Pick<Services, "queue" | "emails" | "reminders" | "retention" | "reports" | "caseNotifications">,
  config: Pick<Config, "reminders">,
  options: JobOptions = {},
): Promise<void> {
  const { queue, emails, reminders, retention, reports, caseNotifications } = services;
  await queue.start();
  await queue.define<{ id: number }>(
    EMAIL_JOB,
    {
      retryLimit: EMAIL_RETRY_LIMIT,
      retryDelaySeconds: options.emailRetryDelaySeconds ?? EMAIL_RETRY_DELAY_SECONDS,
      concurrency: 3,
    },
    (data, job) => emails.deliver(data.id, job),
  );
  // Stately: a check asked for while one runs waits, and checks never pile up.
  await queue.define(REMINDER_JOB, { policy: "stately", retryLimit: 2, retryDelaySeconds: 60 }, async () => {
    await reminders.check();
  });
  await queue.define(SWEEP_JOB, { policy: "stately" }, async () => {
    await emails.sweep();
  });
  await queue.define(RETENTION_JOB, { policy: "stately", retryLimit: 3, retryDelaySeconds: 300 }, async () => {
    await retention.deleteExpiredPersonalData();
  });
  await queue.define(EXPIRY_JOB, { policy: "stately" }, async () => {
    await retention.deleteExpiredDrafts();
  });
  // Asked for (debounced) by each new report; every 5 minutes too, for one whose ask was lost.
  await queue.define(REPORT_NOTIFY_JOB, { retryLimit: 3, retryDelaySeconds: 30 }, async () => {
    await reports.notifyNew();
  });
  await queue.define(CASE_REMINDER_JOB, { policy: "stately", retryLimit: 2, retryDelaySeconds: 300 }, async () => {
    await caseNotifications.sendReminders();
  });
  await queue.schedule(REMINDER_JOB, everyMinutesCron(config.reminders.checkMinutes));
  await queue.schedule(SWEEP_JOB, everyMinutesCron(5));
  await queue.schedule(RETENTION_JOB, "30 2 * * *");
  await queue.schedule(EXPIRY_JOB, everyMinutesCron(15));
  await queue.schedule(REPORT_NOTIFY_JOB, everyMinutesCron(5));
  await queue.schedule(CASE_REMINDER_JOB, "30 7 * * 1-5");
  for (const job of [REMINDER_JOB, SWEEP_JOB, RETENTION_JOB, EXPIRY_JOB, REPORT_NOTIFY_JOB, CASE_REMINDER_JOB]) {
    await queue.send(job, {}, { singletonKey: job });
  }
}
