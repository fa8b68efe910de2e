// The pages of a hate incident report that one person fills in step by step: one page per step of
// services/reports/questions.ts and Check your answers, with the answers so far in an encrypted
// draft on the server (services/reports/drafts.ts) and only the draft's id in a session cookie
// limited to the form's pages. Two forms use them: the public one (/report/online, online.ts) and
// the one reporting-centre staff fill in for someone who came in (/partners/report,
// routes/partners/centre-report.ts). Each adds its start, sending and confirmation.
import { timingSafeEqual } from "node:crypto";
import type { CookieOptions, Request, Response } from "express";
import type { TFunction } from "i18next";
import { contacts } from "../../content/contacts.ts";
import { defaultEnglishT } from "../../middleware/i18n.ts";
import { CSRF_REFUSED } from "../../middleware/csrf.ts";
import { readCookie } from "../../middleware/pending-forms.ts";
import type { Services } from "../../services/index.ts";
import { DRAFT_IDLE_MS, type ReportDraft } from "../../services/reports/drafts.ts";
import * as questions from "../../services/reports/questions.ts";
import { firstUnanswered, reportSteps, type ReportStep } from "../../services/reports/questions.ts";
import { z } from "zod";
import { type FormErrors, type FormValues, parseFields, parseForm } from "../forms.ts";
import { summarySections } from "./check-answers.ts";

export const DRAFT_HOURS = DRAFT_IDLE_MS / 3_600_000;
export const noErrors = (): FormErrors => ({ list: [], fields: {} });

/** The steps' addresses do not depend on the towns or the day. */
const FIRST_STEP = reportSteps({ towns: [], today: new Date() })[0]!.slug;
const VIEWS = "pages/public/report-online";

/** A field's value before it is answered: none ticked, or nothing typed. */
const unanswered = (step: ReportStep, field: string) => (step.multiple.includes(field) ? [] : "");

/** The page's language on the public form (middleware/i18n.ts); English in the partner area. */
export const translator = (res: Response): TFunction =>
  (res.locals.t ?? res.app.locals.t ?? defaultEnglishT()) as TFunction;

/** An option list as radio or checkbox items, in the page's words (report:options.<list>.<code>). */
const items = (t: TFunction, list: string, codes: Readonly<Record<string, string>>) =>
  Object.keys(codes).map((value) => ({ value, text: t(`report:options.${list}.${value}`) }));

/** The option lists the step pages show (and the towns, which come from the directory). */
const stepOptions = (t: TFunction) => ({
  reporterRoles: items(t, "REPORTER_ROLES", questions.REPORTER_ROLES),
  incidentTypes: items(t, "INCIDENT_TYPES", questions.INCIDENT_TYPES),
  strands: items(t, "STRANDS", questions.STRANDS),
  yesNoNotSure: items(t, "YES_NO_NOT_SURE", questions.YES_NO_NOT_SURE),
  yesNo: items(t, "YES_NO", questions.YES_NO),
  placeTypes: items(t, "PLACE_TYPES", questions.PLACE_TYPES),
  offenderCounts: items(t, "OFFENDER_COUNTS", questions.OFFENDER_COUNTS),
  wants: items(t, "WANTS", questions.WANTS),
  contactChoices: items(t, "CONTACT_CHOICES", questions.CONTACT_CHOICES),
  contactMethods: items(t, "CONTACT_METHODS", questions.CONTACT_METHODS),
  accessNeeds: items(t, "ACCESS_NEEDS", questions.ACCESS_NEEDS),
  ageBands: items(t, "AGE_BANDS", questions.AGE_BANDS),
  maxNarrative: questions.MAX_NARRATIVE,
  maxDescription: questions.MAX_DESCRIPTION,
});

/**
 * A rule's message in the page's words: the questions' messages are catalogue keys, some with the
 * limit they state ("report:errors.tooLong.name|100"); any other message is shown as it is.
 */
export function errorMessage(t: TFunction, message: string): string {
  if (!message.startsWith("report:")) return message;
  const [key, max] = message.split("|");
  return t(key!, max === undefined ? {} : { max: Number(max), count: Number(max) });
}

export const translatedErrors = (t: TFunction, errors: FormErrors): FormErrors => ({
  list: errors.list.map((e) => ({ ...e, text: errorMessage(t, e.text) })),
  fields: Object.fromEntries(
    Object.entries(errors.fields).map(([field, e]) => [
      field,
      e && { ...e, text: errorMessage(t, e.text), visuallyHiddenText: t("report:form.error") },
    ]),
  ),
});

export interface ReportFormOptions {
  /** Where the form lives, e.g. /report/online. */
  path: string;
  /** The cookie holding the draft's id (limited to `path`). */
  cookie: string;
  /** The partner entering the report, whose drafts are theirs alone; undefined on the public form. */
  owner: (req: Request) => number | undefined;
  /**
   * The token each page's form posts. The public form has no session, so it uses the draft's own
   * (checked here); the partner area posts its CSRF token, which its middleware checks.
   */
  token: "draft" | "partner-area";
  /** Check your answers' heading, and the declaration ticked before sending, in the words of whoever sends it. */
  checkAnswersTitle: string;
  declaration: { text: string; error: string };
  /** A hidden field only a program fills in (the public form: an answer is sent, and nothing kept). */
  honeypot: boolean;
  /** Locals for every page: the partner area's say `area: "partners"`. */
  locals?: Record<string, unknown>;
}

const sameToken = (sent: unknown, expected: string) => {
  if (typeof sent !== "string") return false;
  const [a, b] = [Buffer.from(sent), Buffer.from(expected)];
  return a.length === b.length && timingSafeEqual(a, b);
};

export function reportFormPages(services: Services, options: ReportFormOptions) {
  const { reportDrafts: drafts, directory } = services;
  const { path } = options;
  const locals = {
    // The steps tell people what number to call (the public site's pages have them already).
    contacts,
    ...options.locals,
    formPath: path,
    declaration: options.declaration.text,
    honeypot: options.honeypot,
  };
  const declarationForm = z.object({
    declaration: z.string().refine((v) => v === "CONFIRMED", options.declaration.error),
    ...(options.honeypot ? { website: z.string() } : {}),
  });
  const stepPath = (slug: string) => `${path}/${slug}`;
  const checkAnswersPath = `${path}/check-answers`;

  /** Session-only (no Max-Age), script-proof, sent by this site's own pages only, and only to the form. */
  const cookieOptions = (req: Request): CookieOptions => ({
    httpOnly: true,
    sameSite: "strict",
    path,
    secure: req.secure,
  });

  const csrfToken = (res: Response, draft: ReportDraft) =>
    options.token === "draft" ? draft.csrfToken : (res.locals.csrfToken ?? "");

  /** Deletes this browser's draft, if any, and its cookie. */
  const forget = async (req: Request, res: Response) => {
    const cookie = readCookie(req, options.cookie);
    if (cookie === undefined) return;
    await drafts.delete(cookie, options.owner(req));
    res.clearCookie(options.cookie, cookieOptions(req));
  };

  /** Starts again with no answers (any given before are forgotten), at the first step. */
  const start = async (req: Request, res: Response) => {
    await forget(req, res);
    const { cookie } = await drafts.create(options.owner(req));
    res.cookie(options.cookie, cookie, cookieOptions(req));
    res.redirect(303, stepPath(FIRST_STEP));
  };

  /** The draft was deleted (2 hours without a change, or the browser kept no cookie): say so. */
  const answersDeleted = async (req: Request, res: Response) => {
    await forget(req, res);
    res.status(410).render(`${VIEWS}/answers-deleted`, {
      ...locals,
      title: translator(res)("report:deleted.title"),
      hours: DRAFT_HOURS,
    });
  };

  /**
   * The live draft for this browser, or undefined when the answers-deleted page was sent. On the
   * public form a POST must carry the draft's token: anything else is refused before anything is
   * read or stored.
   */
  const liveDraft = async (req: Request, res: Response): Promise<ReportDraft | undefined> => {
    const draft = await drafts.read(readCookie(req, options.cookie), options.owner(req));
    if (!draft) {
      await answersDeleted(req, res);
      return undefined;
    }
    const sent = (req.body as Record<string, unknown> | undefined)?._csrf;
    if (options.token === "draft" && req.method === "POST" && !sameToken(sent, draft.csrfToken)) throw CSRF_REFUSED;
    return draft;
  };

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
    const t = translator(res);
    const heading = t(`report:steps.${step.slug}.title`);
    const back = page.change ? checkAnswersPath : index > 0 ? stepPath(all[index - 1]!.slug) : path;
    res.status(status).render(`${VIEWS}/step`, {
      ...locals,
      // The error is in the title too, so a screen reader hears it first (GOV.UK's pattern).
      title: page.errors.list.length ? t("report:form.errorTitle", { title: heading }) : heading,
      heading,
      slug: step.slug,
      action: `${stepPath(step.slug)}${page.change ? "?change=1" : ""}`,
      back,
      csrfToken: csrfToken(res, draft),
      values: page.values,
      errors: translatedErrors(t, page.errors),
      options: {
        ...stepOptions(t),
        areas: [
          ...towns.map((town) => ({ value: town, text: town })),
          ...items(t, "OTHER_AREAS", questions.OTHER_AREAS),
        ],
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
    const t = translator(res);
    const title = errorMessage(t, options.checkAnswersTitle);
    res.status(status).render(`${VIEWS}/check-answers`, {
      ...locals,
      declaration: errorMessage(t, options.declaration.text),
      title: page.errors.list.length ? t("report:form.errorTitle", { title }) : title,
      heading: title,
      sections: summarySections(all, draft.answers, stepPath, t),
      back: stepPath(all[all.length - 1]!.slug),
      csrfToken: csrfToken(res, draft),
      values: page.values,
      errors: translatedErrors(t, page.errors),
    });
  };

  const isChange = (req: Request) => req.query.change === "1";

  /**
   * The step an address names, with the steps and the live draft; undefined once the request is
   * answered (no such step: on to the next route; no draft: the answers-deleted page).
   */
  const stepPage = async (req: Request, res: Response, next: () => void) => {
    const steps = await currentSteps();
    const index = steps.all.findIndex((s) => s.slug === req.params.slug);
    if (index < 0) return void next();
    const draft = await liveDraft(req, res);
    if (!draft) return undefined;
    return { steps, index, step: steps.all[index]!, draft };
  };

  return {
    locals,
    /** The declaration (and honeypot) sent with Check your answers. */
    readDeclaration: (body: unknown) => parseForm(declarationForm, body),
    start,
    forget,
    liveDraft,
    currentSteps,
    renderCheckAnswers,
    /** The address of the first step not yet answered (none: undefined). */
    firstUnansweredPath: (all: ReportStep[], draft: ReportDraft) => {
      const first = firstUnanswered(all, draft.answers);
      return first && stepPath(first.slug);
    },

    async showCheckAnswers(req: Request, res: Response) {
      const draft = await liveDraft(req, res);
      if (!draft) return;
      const { all } = await currentSteps();
      const first = firstUnanswered(all, draft.answers);
      if (first) return res.redirect(303, stepPath(first.slug));
      renderCheckAnswers(res, all, draft, { values: {}, errors: noErrors() });
    },

    async showStep(req: Request, res: Response, next: () => void) {
      const page = await stepPage(req, res, next);
      if (!page) return;
      const { steps, index, step, draft } = page;
      // Steps are answered in order: a later one is reached through the ones before it.
      const first = firstUnanswered(steps.all, draft.answers);
      if (first && index > steps.all.indexOf(first)) return res.redirect(303, stepPath(first.slug));
      // Every field is named, answered or not, so a form kept when a partner's session ended
      // finds its page (pending-forms.ts fillValues).
      const blank = Object.fromEntries(step.fields.map((f) => [f, unanswered(step, f)]));
      const values = { ...blank, ...draft.answers[step.slug] };
      renderStep(res, steps, index, draft, { values, errors: noErrors(), change: isChange(req) });
    },

    async saveStep(req: Request, res: Response, next: () => void) {
      const page = await stepPage(req, res, next);
      if (!page) return;
      const { steps, index, step, draft } = page;
      const change = isChange(req);
      const form = parseFields(step.rules, step.fields, req.body, step.multiple);
      if (!form.ok)
        return renderStep(res, steps, index, draft, { values: form.values, errors: form.errors, change }, 400);
      if (!(await drafts.saveStep(draft, step.slug, form.values))) return answersDeleted(req, res);
      const following = steps.all[index + 1];
      res.redirect(303, change || !following ? checkAnswersPath : stepPath(following.slug));
    },
  };
}

export type ReportFormPages = ReturnType<typeof reportFormPages>;
