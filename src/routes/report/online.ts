// Reporting a hate incident online (/report/online): a start page, the steps and Check your
// answers (form-pages.ts), and the confirmation with the reference and receipt code. The answers
// so far are kept in an encrypted draft on the server (services/reports/drafts.ts); the browser
// holds only the draft's id, in a session cookie limited to these pages. Nothing is left on the
// device: no answers in addresses, no page cached, and the cookie and the draft go when the
// report is sent, on Exit this page, and after 2 hours without a change.
import { Router, type NextFunction, type Request, type Response } from "express";
import type { TFunction } from "i18next";
import { rateLimit } from "express-rate-limit";
import { z } from "zod";
import { contacts } from "../../content/contacts.ts";
import { publicNavigation } from "../../content/navigation.ts";
import { isEasyRead } from "../../middleware/i18n.ts";
import { sameOrigin } from "../../middleware/same-origin.ts";
import { ServiceError } from "../../services/errors.ts";
import type { Services } from "../../services/index.ts";
import { newReceiptCode, newReference } from "../../services/reports/follow-up.ts";
import type { ReportAnswers } from "../../services/reports/questions.ts";
import { reportFromAnswers } from "../../services/reports/questions.ts";
import { parseForm } from "../forms.ts";
import { DRAFT_HOURS, reportFormPages } from "./form-pages.ts";

export const ONLINE_REPORT_PATH = "/report/online";
export const REPORT_COOKIE = "rhins_report";
const EXIT_PATH = `${ONLINE_REPORT_PATH}/exit`;
const VIEWS = "pages/public/report-online";

/** Reports one address may send in an hour (every instance counts them): enough for a household sharing a connection. */
const SUBMIT_LIMIT: Limit = { max: 10, windowMs: 60 * 60_000 };
/** Forms one address may start in an hour: each makes a draft, so a program cannot fill the table. */
const START_LIMIT: Limit = { max: 60, windowMs: 60 * 60_000 };
interface Limit {
  max: number;
  windowMs: number;
}

export function onlineReportRoutes(services: Services): Router {
  const router = Router();
  const form = reportFormPages(services, {
    path: ONLINE_REPORT_PATH,
    cookie: REPORT_COOKIE,
    owner: () => undefined,
    token: "draft",
    checkAnswersTitle: "report:check.title",
    declaration: { text: "report:check.declaration", error: "report:check.declarationError" },
    honeypot: true,
  });

  router.use((req, res, next) => {
    // Nothing here may be kept by the browser or anything on the way: answers are on these pages.
    res.set("Cache-Control", "no-store");
    res.locals.contacts = contacts;
    res.locals.navigation = publicNavigation;
    res.locals.currentPath = req.originalUrl.split("?")[0];
    res.locals.currentNav = "report";
    // Exit this page (and Shift three times) goes through here, to delete the answers on the way out.
    res.locals.exitPage = { ...contacts.exitPage, url: EXIT_PATH };
    next();
  });
  router.use(sameOrigin);

  /** A limit per address, counted across every instance; over it, a page saying what to do instead. */
  const limiter = (name: string, { max, windowMs }: Limit, message: string) =>
    rateLimit({
      windowMs,
      limit: max,
      standardHeaders: "draft-8",
      legacyHeaders: false,
      store: services.rateLimits.store(name),
      handler: (_req, _res, next: NextFunction) => next(new ServiceError(429, message)),
    });
  const submitLimiter = limiter(
    "report-submit",
    SUBMIT_LIMIT,
    `Too many reports have been sent from this connection. Your answers are kept for ${DRAFT_HOURS} hours: try again later, or call ${contacts.sari.name} on ${contacts.sari.phone.display} to report.`,
  );
  const startLimiter = limiter(
    "report-start",
    START_LIMIT,
    `Too many reports have been started from this connection. Try again later, or call ${contacts.sari.name} on ${contacts.sari.phone.display} to report.`,
  );

  router.get("/", (req, res) => {
    res.render(`${VIEWS}/${isEasyRead(res) ? "start-easy-read" : "start"}`, {
      title: req.t("report:titles.start"),
      description: req.t("report:descriptions.start"),
      draftHours: DRAFT_HOURS,
    });
  });

  router.post("/start", startLimiter, async (req, res) => {
    parseForm(z.object({}), req.body);
    await form.start(req, res);
  });

  router.get("/exit", async (req, res) => {
    await form.forget(req, res);
    res.redirect(303, contacts.exitPage.url);
  });

  router.get("/check-answers", form.showCheckAnswers);

  /** The confirmation, sent as the answer to the submission itself: the receipt code is never shown again. */
  const renderConfirmation = (
    res: Response,
    sent: { reference: string; receiptCode: string },
    answers: ReportAnswers,
  ) => {
    const wants = answers["what-next"]?.wants;
    res.render(`${VIEWS}/confirmation`, {
      title: (res.locals.t as TFunction)("report:sent.title"),
      ...sent,
      wants: Array.isArray(wants) ? wants : [],
      anonymous: answers.contact?.contactChoice !== "NAMED",
      policeName: contacts.police.name,
    });
  };

  router.post("/check-answers", submitLimiter, async (req: Request, res: Response) => {
    const draft = await form.liveDraft(req, res);
    if (!draft) return;
    const declared = form.readDeclaration(req.body);
    if (declared.values.website) {
      // A program filled in the honeypot: answer as if the report were sent, and keep nothing.
      await form.forget(req, res);
      return renderConfirmation(res, { reference: newReference(), receiptCode: newReceiptCode() }, draft.answers);
    }
    const { all } = await form.currentSteps();
    if (!declared.ok) return form.renderCheckAnswers(res, all, draft, declared, 400);
    const report = reportFromAnswers(all, draft.answers);
    if (!report) return res.redirect(303, form.firstUnansweredPath(all, draft)!);
    const sent = await services.reports.submit(report);
    await form.forget(req, res);
    renderConfirmation(res, sent, draft.answers);
  });

  router.get("/:slug", form.showStep);
  router.post("/:slug", form.saveStep);

  return router;
}
