// The one place services are built; routes receive these and never see Prisma.
import type { Logger } from "pino";
import type { Config } from "../config.ts";
import type { Database } from "../db/database.ts";
import { PrismaSessionStore } from "../db/session-store.ts";
import { accountService } from "./accounts.ts";
import { agencyService } from "./agencies.ts";
import { auditService } from "./audit.ts";
import { directoryService } from "./directory.ts";
import { encryptionService } from "./encryption.ts";
import { healthService } from "./health.ts";
import { smtpMailer } from "./mailer.ts";
import { pendingFormService } from "./pending-forms.ts";
import { planAdminService } from "./plan-admin.ts";
import { planDocumentService } from "./plan-document.ts";
import { planService } from "./plans.ts";
import { progressService } from "./progress.ts";
import { reviewService } from "./reviews.ts";
import { twoFactorService } from "./two-factor.ts";

export interface ServiceOptions {
  config: Pick<Config, "mfaRequired" | "publicBaseUrl" | "smtpUrl" | "mailFrom" | "encryption">;
  logger: Logger;
}

export function services(db: Database, { config, logger }: ServiceOptions) {
  const audit = auditService(db.prisma);
  const mailer = config.smtpUrl ? smtpMailer(config.smtpUrl, config.mailFrom) : undefined;
  const accounts = accountService(db.prisma, { audit, logger, publicBaseUrl: config.publicBaseUrl, mailer });
  const plans = planService(db.prisma);
  const encryption = encryptionService(config.encryption);
  return {
    health: healthService(db),
    plans,
    progress: progressService(plans),
    directory: directoryService(db.prisma, audit),
    audit,
    accounts,
    agencies: agencyService(db.prisma, audit),
    reviews: reviewService(db.prisma, audit),
    planAdmin: planAdminService(db.prisma, audit, plans),
    planDocuments: planDocumentService(plans),
    twoFactor: twoFactorService(db.prisma, { audit, accounts, mfaRequired: config.mfaRequired }),
    sessionStore: new PrismaSessionStore(db.prisma),
    encryption,
    pendingForms: pendingFormService(db.prisma, encryption),
  };
}

export type Services = ReturnType<typeof services>;
