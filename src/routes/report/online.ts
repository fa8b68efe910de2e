// Reporting a hate incident online (/report/online): a start page, one page per step of
// services/reports/questions.ts, Check your answers, and the confirmation with the reference and
// receipt code. The answers so far are kept in an encrypted draft on the server
// (services/reports/drafts.ts); the browser holds only the draft's id, in a session cookie
// limited to these pages. Nothing is left on the device: no answers in addresses, no page
// cached, and the cookie and the draft go when the report is sent, on Exit this page, and after
// 2 hours without a change.
import { timingSafeEqual } from "node:crypto";
import { Router, type CookieOptions, type NextFunction, type Request, type Response } from "express";
import { rateLimit } from "express-rate-limit";
import { z } from "zod";
import { contacts } from "../../content/contacts.ts";
import { publicNavigation } from "../../content/navigation.ts";
import { CSRF_REFUSED } from "../../middleware/csrf.ts";
import { readCookie } from "../../middleware/pending-forms.ts";
import { sameOrigin } from "../../middleware/same-origin.ts";
import { ServiceError } from "../../services/errors.ts";
import type { Services } from "../../services/index.ts";
import { DRAFT_IDLE_MS, type ReportDraft } from "../../services/reports/drafts.ts";
import { newReceiptCode, newReference } from "../../services/reports/follow-up.ts";
import * as questions from "../../services/reports/questions.ts";
import { firstUnanswered, reportFromAnswers, reportSteps, type ReportStep } from "../../services/reports/questions.ts";
import { type FormErrors, type FormValues, parseFields, parseForm } from "../forms.ts";
import { summarySections } from "./check-answers.ts";

export const ONLINE_REPORT_PATH = "/report/online";
export const REPORT_COOKIE = "rhins_report";
const EXIT_PATH = `${ONLINE_REPORT_PATH}/exit`;
const CHECK_ANSWERS_PATH = `${ONLINE_REPORT_PATH}/check-answers`;
const VIEWS = "pages/public/report-online";

/** Reports one address may send in an hour (every instance counts them): enough for a household sharing a connection. */
const SUBMIT_LIMIT: Limit = { max: 10, windowMs: 60 * 60_000 };
/** Forms one address may start in an hour: each makes a draft, so a program cannot fill the table. */
const START_LIMIT: Limit = { max: 60, windowMs: 60 * 60_000 };
interface Limit {
  max: number;
  windowMs: number;
}
const DRAFT_HOURS = DRAFT_IDLE_MS / 3_600_000;

/** The steps' addresses do not depend on the towns or the day. */
const FIRST_STEP = reportSteps({ towns: [], today: new Date() })[0]!.slug;

const stepPath = (slug: string) => `${ONLINE_REPORT_PATH}/${slug}`;

/** Session-only (no Max-Age), script-proof, sent by this site's own pages only, and only to the form. */
const cookieOptions = (req: Request): CookieOptions => ({
  httpOnly: true,
  sameSite: "strict",
  path: ONLINE_REPORT_PATH,
  secure: req.secure,
});

const sameToken = (sent: unknown, expected: string) => {
  if (typeof sent !== "string") return false;
  const [a, b] = [Buffer.from(sent), Buffer.from(expected)];
  return a.length === b.length && timingSafeEqual(a, b);
};

const declarationForm = z.object({
  declaration: z
    .string()
    .refine((v) => v === "CONFIRMED", "Confirm that what you have said is true to the best of your knowledge"),
  // The honeypot: hidden from people and screen readers, so only a program fills it in.
  website: z.string(),
});

const noErrors = (): FormErrors => ({ list: [], fields: {} });

/** An option list as radio or checkbox items. */
const items = (codes: Readonly<Record<string, string>>) =>
  Object.entries(codes).map(([value, text]) => ({ value, text }));

/** The option lists the step pages show (and the towns, which come from the directory). */
const STEP_OPTIONS = {
  reporterRoles: items(questions.REPORTER_ROLES),
  incidentTypes: items(questions.INCIDENT_TYPES),
  strands: items(questions.STRANDS),
  yesNoNotSure: items(questions.YES_NO_NOT_SURE),
  yesNo: items(questions.YES_NO),
  placeTypes: items(questions.PLACE_TYPES),
  offenderCounts: items(questions.OFFENDER_COUNTS),
  wants: items(questions.WANTS),
  contactChoices: items(questions.CONTACT_CHOICES),
  contactMethods: items(questions.CONTACT_METHODS),
  accessNeeds: items(questions.ACCESS_NEEDS),
  ageBands: items(questions.AGE_BANDS),
  maxNarrative: questions.MAX_NARRATIVE,
  maxDescription: questions.MAX_DESCRIPTION,
};

export function onlineReportRoutes(services: Services): Router {
  const router = Router();
  const { reportDrafts: drafts, directory } = services;

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

  /** Deletes this browser's draft, if any, and its cookie. */
  const forget = async (req: Request, res: Response) => {
    const cookie = readCookie(req, REPORT_COOKIE);
    if (cookie === undefined) return;
    await drafts.delete(cookie);
    res.clearCookie(REPORT_COOKIE, cookieOptions(req));
  };

  /** The draft was deleted (2 hours without a change, or the browser kept no cookie): say so. */
  const answersDeleted = async (req: Request, res: Response) => {
    await forget(req, res);
    res.status(410).render(`${VIEWS}/answers-deleted`, { title: "Your answers were deleted", hours: DRAFT_HOURS });
  };

  /**
   * The live draft for this browser, or undefined when the answers-deleted page was sent. A POST
   * must carry the draft's token: anything else is refused before anything is read or stored.
   */
  const liveDraft = async (req: Request, res: Response): Promise<ReportDraft | undefined> => {
    const draft = await drafts.read(readCookie(req, REPORT_COOKIE));
    if (!draft) {
      await answersDeleted(req, res);
      return undefined;
    }
    if (req.method === "POST" && !sameToken((req.body as Record<string, unknown> | undefined)?._csrf, draft.csrfToken))
      throw CSRF_REFUSED;
    return draft;
  };

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

  router.get("/", (_req, res) => {
    res.render(`${VIEWS}/start`, {
      title: "Report a hate incident online",
      description:
        "Tell the RHINS partnership about a hate incident or hate crime in North Somerset, with or without your name.",
    });
  });

  router.post("/start", startLimiter, async (req, res) => {
    parseForm(z.object({}), req.body);
    // Starting again forgets any answers given before.
    await forget(req, res);
    const { cookie } = await drafts.create();
    res.cookie(REPORT_COOKIE, cookie, cookieOptions(req));
    res.redirect(303, stepPath(FIRST_STEP));
  });

  router.get("/exit", async (req, res) => {
    await forget(req, res);
    res.redirect(303, contacts.exitPage.url);
  });

  /** The steps as they are now: the towns come from the directory, and no date may be in the future. */
  const currentSteps = async () => {
    const towns = await directory.centreTowns();
    return { towns, all: reportSteps({ towns, today: new Date() }) };
  };

  const renderStep = (
    res: Response,
    { towns, all }: Awaited<ReturnType<typeof currentSteps>>,
    index: number,
    draft: ReportDraft,
    page: { values: FormValues; errors: FormErrors; change: boolean },
    status = 200,
  ) => {
    const step = all[index]!;
    const back = page.change ? CHECK_ANSWERS_PATH : index > 0 ? stepPath(all[index - 1]!.slug) : ONLINE_REPORT_PATH;
    res.status(status).render(`${VIEWS}/step`, {
      // The error is in the title too, so a screen reader hears it first (GOV.UK's pattern).
      title: page.errors.list.length ? `Error: ${step.title}` : step.title,
      heading: step.title,
      slug: step.slug,
      action: `${stepPath(step.slug)}${page.change ? "?change=1" : ""}`,
      back,
      csrfToken: draft.csrfToken,
      values: page.values,
      errors: page.errors,
      options: {
        ...STEP_OPTIONS,
        areas: [...towns.map((t) => ({ value: t, text: t })), ...items(questions.OTHER_AREAS)],
      },
    });
  };

  const renderCheckAnswers = (
    res: Response,
    all: ReportStep[],
    draft: ReportDraft,
    page: { values: FormValues; errors: FormErrors },
    status = 200,
  ) => {
    const title = "Check your answers before sending your report";
    res.status(status).render(`${VIEWS}/check-answers`, {
      title: page.errors.list.length ? `Error: ${title}` : title,
      heading: title,
      sections: summarySections(all, draft.answers, stepPath),
      back: stepPath(all[all.length - 1]!.slug),
      csrfToken: draft.csrfToken,
      values: page.values,
      errors: page.errors,
    });
  };

  const isChange = (req: Request) => req.query.change === "1";

  router.get("/check-answers", async (req, res) => {
    const draft = await liveDraft(req, res);
    if (!draft) return;
    const { all } = await currentSteps();
    const first = firstUnanswered(all, draft.answers);
    if (first) return res.redirect(303, stepPath(first.slug));
    renderCheckAnswers(res, all, draft, { values: {}, errors: noErrors() });
  });

  /** The confirmation, sent as the answer to the submission itself: the receipt code is never shown again. */
  const renderConfirmation = (
    res: Response,
    sent: { reference: string; receiptCode: string },
    answers: questions.ReportAnswers,
  ) => {
    const wants = answers["what-next"]?.wants;
    res.render(`${VIEWS}/confirmation`, {
      title: "Report sent",
      ...sent,
      wants: Array.isArray(wants) ? wants : [],
      anonymous: answers.contact?.contactChoice !== "NAMED",
      policeName: contacts.police.name,
    });
  };

  router.post("/check-answers", submitLimiter, async (req, res) => {
    const draft = await liveDraft(req, res);
    if (!draft) return;
    const form = parseForm(declarationForm, req.body);
    if (form.values.website) {
      // A program filled in the honeypot: answer as if the report were sent, and keep nothing.
      await forget(req, res);
      return renderConfirmation(res, { reference: newReference(), receiptCode: newReceiptCode() }, draft.answers);
    }
    const { all } = await currentSteps();
    if (!form.ok) return renderCheckAnswers(res, all, draft, form, 400);
    const report = reportFromAnswers(all, draft.answers);
    if (!report) return res.redirect(303, stepPath(firstUnanswered(all, draft.answers)!.slug));
    const sent = await services.reports.submit(report);
    await forget(req, res);
    renderConfirmation(res, sent, draft.answers);
  });

  router.get("/:slug", async (req, res, next) => {
    const steps = await currentSteps();
    const index = steps.all.findIndex((s) => s.slug === req.params.slug);
    if (index < 0) return next();
    const draft = await liveDraft(req, res);
    if (!draft) return;
    // Steps are answered in order: a later one is reached through the ones before it.
    const first = firstUnanswered(steps.all, draft.answers);
    if (first && index > steps.all.indexOf(first)) return res.redirect(303, stepPath(first.slug));
    const values = draft.answers[req.params.slug] ?? {};
    renderStep(res, steps, index, draft, { values, errors: noErrors(), change: isChange(req) });
  });

  router.post("/:slug", async (req, res, next) => {
    const steps = await currentSteps();
    const index = steps.all.findIndex((s) => s.slug === req.params.slug);
    if (index < 0) return next();
    const draft = await liveDraft(req, res);
    if (!draft) return;
    const step = steps.all[index]!;
    const change = isChange(req);
    const form = parseFields(step.rules, step.fields, req.body, step.multiple);
    if (!form.ok)
      return renderStep(res, steps, index, draft, { values: form.values, errors: form.errors, change }, 400);
    if (!(await drafts.saveStep(draft, step.slug, form.values))) return answersDeleted(req, res);
    const following = steps.all[index + 1];
    res.redirect(303, change || !following ? CHECK_ANSWERS_PATH : stepPath(following.slug));
  });

  return router;
}
