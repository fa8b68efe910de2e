// The partner area under /partners: sessions, sign-in, CSRF and no caching apply here only, so
// the public site never sets a cookie.
import { Router, type RequestHandler } from "express";
import { createPassport, type PassportInstance } from "../../middleware/authentication.ts";
import { csrfProtection } from "../../middleware/csrf.ts";
import { pendingFormMiddleware } from "../../middleware/pending-forms.ts";
import { idleTimeoutForUser, partnerSession, timeoutWarning } from "../../middleware/session.ts";
import type { Services } from "../../services/index.ts";
import { accountRoutes } from "./account.ts";
import { accountsRoutes } from "./accounts.ts";
import { agenciesRoutes } from "./agencies.ts";
import { auditRoutes } from "./audit.ts";
import { directoryRoutes } from "./directory.ts";
import { emailRoutes } from "./emails.ts";
import { figuresRoutes } from "./figures/index.ts";
import { figuresPublicationRoutes } from "./figures/publication.ts";
import { policeFigureRoutes, policeFiguresUploads } from "./figures/police.ts";
import { partnerNavigation } from "./navigation.ts";
import { planAdminRoutes } from "./plan/admin/index.ts";
import { planDocumentRoutes } from "./plan/documents.ts";
import { progressRoutes } from "./plan/progress.ts";
import { caseRoutes } from "./cases/index.ts";
import { centreReportRoutes } from "./centre-report.ts";
import { panelRoutes } from "./cases/panel.ts";
import { reviewRoutes } from "./plan/reviews.ts";
import { routerFromTable, type PartnerRoute } from "./route-table.ts";
import { sessionRoutes } from "./session.ts";
import { signInRoutes, type SignInLimit } from "./sign-in.ts";

export interface PartnerAreaOptions {
  sessionSecret: string;
  signInLimit: SignInLimit;
  /** Production: the partner area answers only over HTTPS, with a Secure cookie (middleware/session.ts). */
  production?: boolean;
}

/** Every partner route with its access rule: the router below is built from exactly this list. */
export function partnerRouteTable(
  services: Services,
  passport: PassportInstance,
  options: PartnerAreaOptions,
): PartnerRoute[] {
  return [
    ...signInRoutes(services, passport, options.signInLimit),
    ...sessionRoutes(),
    ...progressRoutes(services),
    ...accountRoutes(services),
    ...accountsRoutes(services),
    ...auditRoutes(services),
    ...emailRoutes(services),
    ...agenciesRoutes(services),
    ...directoryRoutes(services),
    ...reviewRoutes(services),
    ...planAdminRoutes(services),
    ...planDocumentRoutes(services),
    ...caseRoutes(services),
    ...panelRoutes(services),
    ...centreReportRoutes(services),
    ...policeFigureRoutes(services),
    ...figuresRoutes(services),
    ...figuresPublicationRoutes(services),
  ];
}

/** A message saved before a redirect is shown once, on the next page (views/partials/partners/flash.ejs). */
const showFlash: RequestHandler = (req, res, next) => {
  if (req.method === "GET" && req.session.flash) {
    res.locals.flash = req.session.flash;
    delete req.session.flash;
  }
  next();
};

const noStore: RequestHandler = (_req, res, next) => {
  res.set("Cache-Control", "no-store");
  next();
};

export function partnerArea(services: Services, options: PartnerAreaOptions): Router {
  const passport = createPassport(services);
  const table = partnerRouteTable(services, passport, options);
  // What a partner typed survives the end of their session (middleware/pending-forms.ts).
  const kept = pendingFormMiddleware(services, table);
  const router = Router();
  router.use(noStore);
  router.use(partnerSession(services.sessionStore, options.sessionSecret, options.production ?? false));
  router.use(passport.initialize());
  router.use(passport.session());
  router.use(idleTimeoutForUser);
  router.use(kept.markBrowser);
  // The police figures' file upload is multipart: read before the CSRF check, which needs its token.
  router.use(policeFiguresUploads());
  router.use(csrfProtection({ onTokenRefused: kept.keepTypedForm }));
  router.use(partnerNavigation);
  router.use(showFlash);
  router.use(timeoutWarning);
  router.use(routerFromTable(table, services));
  return router;
}
