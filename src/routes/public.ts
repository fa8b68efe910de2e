// The public website. Each route parses its input with zod, asks a service, and renders a view
// model. Pages set no cookie and can be reused by browsers and a CDN (Cache-Control + ETag).
import { createHash } from "node:crypto";
import { Router, type NextFunction, type Request, type Response } from "express";
import { z } from "zod";
import { contacts, mapLink, phone } from "../content/contacts.ts";
import { publicNavigation } from "../content/navigation.ts";
import { accessibilityStatement, privacyNotice } from "../content/statements.ts";
import { STATUS_ORDER, STATUS_TAGS } from "../content/status.ts";
import { ABSOLUTE_TIMEOUT_MS, IDLE_TIMEOUT_MS, SESSION_COOKIE } from "../middleware/session.ts";
import { isEasyRead } from "../middleware/i18n.ts";
import type { PageCache } from "../middleware/page-cache.ts";
import type { Services } from "../services/index.ts";
import { figuresView } from "../services/figures/publication.ts";
import { achievementsHeading, documentDate } from "../services/plan/document.ts";
import { parseYearSlug, yearLabel } from "../services/plan/year.ts";
import { ALL_AGENCIES_LABEL } from "../services/plan/plans.ts";
import { PRINT_VIEW, printViewModel, sendPdf, sendPrintStylesheet } from "./partners/plan/documents.ts";
import type { RenderedPage } from "../views.ts";
import { DRAFT_HOURS } from "./report/form-pages.ts";

/** Pages with an Easy Read version (views/pages/public/easy-read/); the others fall back to plain English. */
const EASY_READ_PAGES = new Set(["what-is-hate-crime", "report", "what-happens-next"]);

/** Browsers and a CDN may reuse a public page for 5 minutes, then check it with its ETag. */
export const PUBLIC_CACHE_CONTROL = "public, max-age=300";

/** Longest filter value we look at; towns and groups are short. */
const MAX_FILTER_LENGTH = 100;
/** Most values one filter may repeat (?town=a&town=b...). */
const MAX_FILTER_VALUES = 20;

/**
 * One filter in a query string: absent, one value or a repeated parameter (Express gives an
 * array), trimmed, blanks dropped, each value short and only a few of them.
 */
const filterValues = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.string().max(MAX_FILTER_LENGTH)).max(MAX_FILTER_VALUES));

const centresQuery = z.object({ town: filterValues, offer: filterValues });
const supportQuery = z.object({ helps: filterValues });
const planYear = z
  .string()
  .max(7)
  .transform((slug) => parseYearSlug(slug))
  .pipe(z.number().int());

interface PageModel {
  /** The page's h1, and the <title> before " – RHINS". */
  title: string;
  /** Its words are not in the message catalogues yet: shown in English (lang="en") in every language. */
  englishOnly?: boolean;
  /** Which navigation section the page is in. */
  currentNav?: string;
  description?: string;
  [key: string]: unknown;
}

/** An external web address safe to link to (data from the directory is only shown if it is http(s)). */
function webLink(url: string): string | undefined {
  return /^https?:\/\/[^\s"<>]+$/i.test(url) ? url : undefined;
}

/** "Clevedon", "Clevedon or Nailsea", "Clevedon, Nailsea or Portishead", in the page's language. */
function either(values: string[], res: Response): string {
  return new Intl.ListFormat(languageTag(res), { type: "disjunction" }).format(values);
}

/** "a and b", in the page's language. */
function both(values: string[], res: Response): string {
  return new Intl.ListFormat(languageTag(res), { type: "conjunction" }).format(values);
}

const LONDON_DAY = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "numeric",
  year: "numeric",
  timeZone: "Europe/London",
});

/** "25 November 2026" in English, "25 listopada 2026" in Polish: the day in England, months from the catalogues. */
function dayText(date: Date, req: Request, res: Response): string {
  if (languageTag(res) === "en-GB") return documentDate(date);
  const [day, month, year] = LONDON_DAY.format(date).split("/").map(Number) as [number, number, number];
  const months = req.t("report:check.months", { returnObjects: true }) as unknown as string[];
  return `${day} ${months[month - 1]} ${year}`;
}

/** British English lists ("a, b or c"); other languages as they write them. */
const languageTag = (res: Response): string => {
  const tag = (res.locals.locale as { tag?: string } | undefined)?.tag ?? "en";
  return tag === "en" ? "en-GB" : tag;
};

/** "Private room" -> "private room" inside a sentence; "BSL interpreter" keeps its capitals. */
function inSentence(phrase: string): string {
  return /^[A-Z][a-z]/.test(phrase) ? phrase[0]!.toLowerCase() + phrase.slice(1) : phrase;
}

function renderPage(res: Response, view: string, model: object): Promise<RenderedPage> {
  return new Promise((resolve, reject) =>
    res.render(view, model, (err: Error | null, html?: RenderedPage) => (err ? reject(err) : resolve(html ?? ""))),
  );
}

/**
 * Sends a public page that browsers and a CDN may cache, with an ETag (a hash of the page) so an
 * unchanged page is answered with 304, and keeps it in the public page cache.
 */
async function sendPage(req: Request, res: Response, view: string, model: PageModel, status = 200): Promise<void> {
  const html = await renderPage(res, view, model);
  res.status(status).type("html");
  if (status !== 200) {
    res.set("Cache-Control", "no-cache");
    res.send(html);
    return;
  }
  res.set("Cache-Control", PUBLIC_CACHE_CONTROL);
  res.set("ETag", `W/"${createHash("sha256").update(html).digest("base64url").slice(0, 32)}"`);
  res.locals.pageCache?.store(req, res, html);
  if (req.fresh) {
    res.status(304).end();
    return;
  }
  res.send(html);
}

export function publicRoutes(services: Services, options: { pageCache?: PageCache } = {}): Router {
  const router = Router();
  const { plans, directory } = services;

  // What the layout needs on every public page, including the 404 page.
  router.use((req, res, next) => {
    res.locals.contacts = contacts;
    res.locals.navigation = publicNavigation;
    res.locals.currentPath = req.path;
    res.locals.pageCache = options.pageCache;
    next();
  });

  /** A page that shows no data: its model, in the request's language (req.t), in Easy Read if it has one. */
  const page =
    (view: string, model: (t: Request["t"]) => PageModel) =>
    (req: Request, res: Response): Promise<void> =>
      sendPage(
        req,
        res,
        `pages/public/${isEasyRead(res) && EASY_READ_PAGES.has(view) ? `easy-read/${view}` : view}`,
        model(req.t),
      );

  router.get("/", async (req, res) => {
    const [plan, towns] = await Promise.all([plans.currentPublished(), directory.centreTowns()]);
    await sendPage(req, res, "pages/public/home", {
      title: req.t("pages:titles.home"),
      description: req.t("pages:descriptions.home"),
      plan,
      towns,
    });
  });

  router.get(
    "/what-is-hate-crime",
    page("what-is-hate-crime", (t) => ({
      title: t("pages:titles.whatIsHateCrime"),
      currentNav: "what-is-hate-crime",
      description: t("pages:descriptions.whatIsHateCrime"),
    })),
  );

  router.get(
    "/report",
    page("report", (t) => ({
      title: t("pages:titles.report"),
      currentNav: "report",
      description: t("pages:descriptions.report"),
    })),
  );

  router.get(
    "/report/what-happens-next",
    page("what-happens-next", (t) => ({
      title: t("pages:titles.whatHappensNext"),
      currentNav: "report",
    })),
  );

  router.get("/reporting-centres", async (req, res) => {
    const query = centresQuery.safeParse(req.query);
    const errors = query.success
      ? []
      : query.error.issues.map((issue) =>
          issue.path[0] === "offer"
            ? { text: req.t("pages:centres.errors.offer"), href: "#offer", field: "offer" }
            : { text: req.t("pages:centres.errors.town"), href: "#town", field: "town" },
        );
    const filter = query.success ? { towns: query.data.town, offers: query.data.offer } : {};
    const result = await directory.reportingCentres(filter);
    const { selected, unknown } = result;
    const summary = [
      selected.towns.length ? req.t("pages:centres.inTowns", { towns: either(selected.towns, res) }) : "",
      selected.offers.length
        ? req.t("pages:centres.thatOffer", { offers: both(selected.offers.map(inSentence), res) })
        : "",
    ].join("");
    await sendPage(
      req,
      res,
      "pages/public/reporting-centres",
      {
        title: req.t("pages:titles.reportingCentres"),
        currentNav: "reporting-centres",
        description: req.t("pages:descriptions.reportingCentres"),
        errors,
        errorFor: (field: string) => errors.find((e) => e.field === field)?.text,
        towns: result.towns,
        offers: result.offers,
        selected,
        unknown,
        filtered: selected.towns.length > 0 || selected.offers.length > 0,
        heading: req.t("pages:centres.heading", { count: result.centres.length, summary }),
        anyExample: result.centres.some((c) => c.isExample),
        centres: result.centres.map((c) => ({
          ...c,
          website: webLink(c.website),
          phone: c.phone ? phone(c.phone) : undefined,
          map: { href: mapLink(c.address, c.town, c.postcode), text: req.t("pages:centres.map", { name: c.name }) },
        })),
      },
      errors.length ? 400 : 200,
    );
  });

  router.get("/support", async (req, res) => {
    const query = supportQuery.safeParse(req.query);
    const errors = query.success ? [] : [{ text: req.t("pages:support.error"), href: "#helps" }];
    const result = await directory.supportServices(query.success ? { helps: query.data.helps } : {});
    const card = (s: (typeof result.services)[number]) => ({
      ...s,
      website: webLink(s.website),
      phone: s.phone ? phone(s.phone) : undefined,
    });
    await sendPage(
      req,
      res,
      "pages/public/support",
      {
        title: req.t("pages:titles.support"),
        currentNav: "support",
        description: req.t("pages:descriptions.support"),
        errors,
        groups: result.groups,
        selected: result.selected,
        unknown: result.unknown,
        filtered: result.selected.helps.length > 0,
        heading: result.selected.helps.length
          ? req.t("pages:support.for", { groups: either(result.selected.helps, res) })
          : req.t("pages:support.count", { count: result.services.length }),
        services: result.services.map(card),
        everyone: result.everyone.map(card),
      },
      errors.length ? 400 : 200,
    );
  });

  router.get("/about", async (req, res) => {
    const current = await plans.currentPublished();
    const [plan, agencies] = await Promise.all([
      current ? plans.publishedPlan(current.startYear) : undefined,
      plans.memberAgencies(),
    ]);
    await sendPage(req, res, "pages/public/about", {
      title: req.t("pages:titles.about"),
      currentNav: "about",
      description: req.t("pages:descriptions.about"),
      plan: plan && {
        title: plan.title,
        slug: plan.slug,
        introduction: plan.introduction,
        purposes: plan.purposes,
        achievements: plan.achievements,
        achievementsHeading: achievementsHeading(plan.startYear),
        achievementsYears: yearLabel(plan.startYear - 1),
      },
      agencies: agencies.map((a) => ({ ...a, website: a.website ? webLink(a.website) : undefined })),
    });
  });

  router.get("/vision", async (req, res) => {
    const plan = await plans.currentPublished();
    await sendPage(req, res, "pages/public/vision", {
      title: req.t("pages:titles.vision"),
      currentNav: "about",
      plan,
    });
  });

  const showPlan = async (req: Request, res: Response, next: NextFunction, startYear: number | undefined) => {
    const plan = startYear === undefined ? undefined : await plans.publishedPlan(startYear);
    if (!plan) return next(); // not found, or not published: the 404 page
    const years = await plans.publishedYears();
    // The status tags' words in the page's language (their colours as they are).
    const tags = Object.fromEntries(
      Object.entries(STATUS_TAGS).map(([status, tag]) => [
        status,
        { ...tag, text: req.t(`pages:status.${status}.text`), meaning: req.t(`pages:status.${status}.meaning`) },
      ]),
    );
    await sendPage(req, res, "pages/public/plan", {
      title: plan.title,
      currentNav: "plan",
      description: req.t("pages:descriptions.plan", { plan: plan.title }),
      plan,
      achievementsHeading: req.t("pages:about.achievements", { years: yearLabel(plan.startYear - 1) }),
      lastUpdated: { datetime: plan.lastUpdatedAt.toISOString(), text: dayText(plan.lastUpdatedAt, req, res) },
      otherYears: years.filter((y) => y.startYear !== plan.startYear),
      statusTags: tags,
      statusKey: STATUS_ORDER.map((s) => tags[s]),
      allAgencies: ALL_AGENCIES_LABEL,
    });
  };

  router.get("/plan", async (req, res, next) => {
    const current = await plans.currentPublished();
    if (!current) {
      // The navigation always links here: say so plainly rather than "Page not found".
      await sendPage(
        req,
        res,
        "pages/public/plan-not-published",
        { title: req.t("pages:titles.plan"), currentNav: "plan" },
        404,
      );
      return;
    }
    await showPlan(req, res, next, current.startYear);
  });

  router.get("/plan/:year", async (req, res, next) => {
    const year = planYear.safeParse(req.params.year);
    await showPlan(req, res, next, year.success ? year.data : undefined);
  });

  // A published plan as a document: its print view (and the footer words for each printed page)
  // and its PDF. Drafts are for partners only (src/routes/partners/plan-documents.ts).
  const publishedDocument = async (req: Request) => {
    const year = planYear.safeParse(req.params.year);
    return year.success ? services.planDocuments.document(year.data, { publishedOnly: true }) : undefined;
  };
  router.get("/plan/:year/print", async (req, res, next) => {
    const doc = await publishedDocument(req);
    if (!doc) return next();
    const back = { href: `/plan/${doc.slug}`, text: "Back to the plan" };
    const downloads = [{ href: `/plan/${doc.slug}/plan.pdf`, text: "Download as PDF" }];
    const links = { back, downloads, stylesheet: `/plan/${doc.slug}/print.css`, exitPage: contacts.exitPage };
    await sendPage(req, res, PRINT_VIEW, printViewModel(doc, links));
  });
  router.get("/plan/:year/print.css", async (req, res, next) => {
    const doc = await publishedDocument(req);
    if (!doc) return next();
    res.set("Cache-Control", PUBLIC_CACHE_CONTROL);
    sendPrintStylesheet(res, doc);
  });
  router.get("/plan/:year/plan.pdf", async (req, res, next) => {
    const doc = await publishedDocument(req);
    if (!doc) return next();
    res.set("Cache-Control", PUBLIC_CACHE_CONTROL);
    await sendPdf(res, doc);
  });

  // The figures a coordinator last published (never live): nothing until the first is.
  router.get("/figures", async (req, res) => {
    const latest = await services.figuresPublication.latest();
    await sendPage(req, res, "pages/public/figures", {
      title: req.t("pages:titles.figures"),
      currentNav: "about",
      description: req.t("pages:descriptions.figures"),
      englishOnly: true,
      figures: latest ? figuresView(latest, latest.publishedAt) : undefined,
    });
  });

  /** A statement's "YYYY-MM-DD" day as the page's language writes it. */
  const statementDay = (day: string, req: Request, res: Response) => ({
    datetime: day,
    text: dayText(new Date(`${day}T12:00:00Z`), req, res),
  });
  router.get("/accessibility", async (req, res) => {
    const { prepared, lastReviewed, lastTested } = accessibilityStatement;
    await sendPage(req, res, "pages/public/accessibility", {
      title: req.t("pages:titles.accessibility"),
      description: req.t("pages:descriptions.accessibility"),
      statement: accessibilityStatement,
      days: {
        prepared: statementDay(prepared, req, res),
        lastReviewed: statementDay(lastReviewed, req, res),
        lastTested: statementDay(lastTested, req, res),
      },
    });
  });
  router.get("/privacy", async (req, res) => {
    await sendPage(req, res, "pages/public/privacy", {
      title: req.t("pages:titles.privacy"),
      notice: privacyNotice,
      // In English, like the rest of the notice until its words are in the catalogues.
      lastUpdated: {
        datetime: privacyNotice.lastUpdated,
        text: documentDate(new Date(`${privacyNotice.lastUpdated}T12:00:00Z`)),
      },
      englishOnly: true,
    });
  });
  router.get(
    "/cookies",
    page("cookies", (t) => ({
      title: t("pages:titles.cookies"),
      draftHours: DRAFT_HOURS,
      partnerCookie: {
        name: SESSION_COOKIE,
        idleMinutes: Math.round(IDLE_TIMEOUT_MS / 60_000),
        maxHours: Math.round(ABSOLUTE_TIMEOUT_MS / 3_600_000),
      },
    })),
  );
  router.get(
    "/leave-this-site-quickly",
    page("leave-this-site-quickly", (t) => ({
      title: t("pages:titles.leaveQuickly"),
      description: t("pages:descriptions.leaveQuickly"),
      draftHours: DRAFT_HOURS,
    })),
  );

  return router;
}
