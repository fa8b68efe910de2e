// The one place services are built; routes receive these and never see Prisma.
import type { Logger } from "pino";
import type { Config } from "../config.ts";
import type { Database } from "../db/database.ts";
import { type QueueOptions, jobQueue } from "../jobs/queue.ts";
import { PrismaSessionStore } from "../db/session-store.ts";
import { accountService } from "./accounts.ts";
import { agencyService } from "./agencies.ts";
import { auditService } from "./audit.ts";
import { caseService } from "./cases/cases.ts";
import { caseNotificationService } from "./cases/notifications.ts";
import { panelService } from "./cases/panel.ts";
import { directoryService } from "./directory.ts";
import { emailService } from "./email/emails.ts";
import { smtpTransport } from "./email/transport.ts";
import { type EncryptionKeys, encryptionService } from "./encryption.ts";
import { policeFigureService } from "./figures/police.ts";
import { partnerFiguresService } from "./figures/partner.ts";
import { figuresPublicationService } from "./figures/publication.ts";
import { healthService } from "./health.ts";
import { metricsService } from "./metrics.ts";
import { pendingFormService } from "./pending-forms.ts";
import { planAdminService } from "./plan/admin/index.ts";
import { planDocumentService } from "./plan/document.ts";
import { planMeasureService } from "./plan/measures.ts";
import { planService } from "./plan/plans.ts";
import { progressService } from "./plan/progress.ts";
import { rateLimitService } from "./rate-limits.ts";
import { reminderService } from "./reminders/reminders.ts";
import { reportDraftService } from "./reports/drafts.ts";
import { reportService } from "./reports/reports.ts";
import { retentionService } from "./reports/retention.ts";
import { reviewHistoryService } from "./plan/review-history.ts";
import { reviewService } from "./plan/reviews.ts";
import { twoFactorService } from "./two-factor.ts";

export interface ServiceOptions {
  // The keys themselves: a key file (config.ts) is read at start-up (db/key-file.ts).
  config: Pick<
    Config,
    "mfaRequired" | "publicBaseUrl" | "smtpUrl" | "mailFrom" | "reminders" | "reports" | "metrics"
  > & {
    encryption: EncryptionKeys;
  };
  logger: Logger;
  queue?: QueueOptions;
}

export function services(db: Database, { config, logger, queue: queueOptions }: ServiceOptions) {
  const audit = auditService(db.prisma);
  const encryption = encryptionService(config.encryption);
  const metrics = metricsService(
    { poolStats: db.poolStats, queueDepths: () => queue.depths() },
    { processMetrics: config.metrics.token !== undefined || config.metrics.port !== undefined },
  );
  // Started by src/jobs (server.ts); until then, emails are recorded and wait.
  const queue = jobQueue(db, logger, { ...queueOptions, onJobFailed: metrics.jobFailed });
  const transport = config.smtpUrl ? smtpTransport(config.smtpUrl, config.mailFrom) : undefined;
  const emails = emailService(db.prisma, { encryption, audit, logger, queue, transport, counts: metrics.emails });
  const accounts = accountService(db.prisma, { audit, logger, publicBaseUrl: config.publicBaseUrl, emails });
  const plans = planService(db.prisma);
  const caseNotifications = caseNotificationService(db.prisma, { emails, publicBaseUrl: config.publicBaseUrl });
  const reports = reportService(db.prisma, {
    encryption,
    audit,
    emails,
    notifyEmail: config.reports.notifyEmail,
    publicBaseUrl: config.publicBaseUrl,
    queue,
  });
  const cases = caseService(db.prisma, { encryption, audit, notifications: caseNotifications, reports });
  const planMeasures = planMeasureService(db.prisma, audit);
  const planDocuments = planDocumentService(plans, { measures: planMeasures });
  const directory = directoryService(db.prisma, audit);
  return {
    health: healthService(db),
    plans,
    progress: progressService(plans),
    directory,
    audit,
    /**
     * Hears of changes committed by other instances or by hand, so what this instance keeps for
     * public pages goes at once (started by server.ts; tests start it when they need it).
     */
    listenForChanges: () => db.listen(audit.noticeChange),
    accounts,
    agencies: agencyService(db.prisma, audit),
    reviews: reviewService(db.prisma, audit, { emails, publicBaseUrl: config.publicBaseUrl }),
    planAdmin: planAdminService(db.prisma, audit, plans),
    planDocuments,
    planMeasures,
    reviewHistory: reviewHistoryService(db.prisma, planDocuments),
    twoFactor: twoFactorService(db.prisma, { audit, accounts, encryption, mfaRequired: config.mfaRequired }),
    sessionStore: new PrismaSessionStore(db.prisma),
    encryption,
    pendingForms: pendingFormService(db.prisma, encryption),
    rateLimits: rateLimitService(db.prisma, encryption),
    reportDrafts: reportDraftService(db.prisma, encryption),
    reports,
    cases,
    policeFigures: policeFigureService(db.prisma, { audit, towns: () => directory.centreTowns() }),
    figures: partnerFiguresService(db.prisma, { towns: () => directory.centreTowns() }),
    figuresPublication: figuresPublicationService(db.prisma, { audit, towns: () => directory.centreTowns() }),
    panel: panelService(db.prisma, { encryption, audit, cases }),
    caseNotifications,
    retention: retentionService(db.prisma, { audit, retentionMonths: config.reports.retentionMonths }),
    queue,
    emails,
    metrics,
    reminders: reminderService(db.prisma, plans, emails, {
      daysBefore: config.reminders.daysBefore,
      publicBaseUrl: config.publicBaseUrl,
    }),
  };
}

export type Services = ReturnType<typeof services>;
