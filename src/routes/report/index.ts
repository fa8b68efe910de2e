// Reporting online: the form (/report/online) and the reporter's follow-up (/report/follow-up).
// Mounted before the public site, whose /report pages are ordinary cached pages.
import { Router } from "express";
import { keepLanguageInRedirects } from "../../middleware/i18n.ts";
import type { Services } from "../../services/index.ts";
import { followUpRoutes } from "./follow-up.ts";
import { ONLINE_REPORT_PATH, onlineReportRoutes } from "./online.ts";

export function reportRoutes(services: Services): Router {
  const router = Router();
  router.use(keepLanguageInRedirects);
  router.use(ONLINE_REPORT_PATH, onlineReportRoutes(services));
  // Its routes say /follow-up themselves.
  router.use("/report", followUpRoutes(services));
  return router;
}
