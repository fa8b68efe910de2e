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
import type { PageCache } from "../middleware/page-cache.ts";
import type { Services } from "../services/index.ts";
import { figuresView } from "../services/figures/publication.ts";
import { achievementsHeading, documentDate } from "../services/plan/document.ts";
import { parseYearSlug } from "../services/plan/year.ts";
import { PRINT_VIEW, printViewModel, sendPdf, sendPrintStylesheet } from "./partners/plan/documents.ts";
import type { RenderedPage } from "../views.ts";

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
  /** Which navigation section the page is in. */
  currentNav?: string;
  description?: string;
  [key: string]: unknown;
}

/** An external web address safe to link to (data from the directory is only shown if it is http(s)). */
function webLink(url: string): string | undefined {
  return /^https?:\/\/[^\s"<>]+$/i.test(url) ? url : undefined;
}

/** "1 reporting centre", "6 reporting centres". */
function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "Clevedon", "Clevedon or Nailsea", "Clevedon, Nailsea or Portishead". */
function either(values: string[]): string {
  if (values.length <= 1) return values.join("");
  return `${values.slice(0, -1).join(", ")} or ${values[values.length - 1]}`;
}

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

  const page =
    (view: string, model: PageModel) =>
    (req: Request, res: Response): Promise<void> =>
      sendPage(req, res, `pages/public/${view}`, model);

  router.get("/", async (req, res) => {
    const [plan, towns] = await Promise.all([plans.currentPublished(), directory.centreTowns()]);
    await sendPage(req, res, "pages/public/home", {
      title: "Report hate crime in North Somerset",
      description:
        "How to report hate crime in North Somerset, where to get support, and the work of the RHINS partnership.",
      plan,
      towns,
    });
  });

  router.get(
    "/what-is-hate-crime",
    page("what-is-hate-crime", {
      title: "What is hate crime",
      currentNav: "what-is-hate-crime",
      description: "What hate crime and hate incidents are, with examples.",
    }),
  );

  router.get(
    "/report",
    page("report", {
      title: "How to report hate crime",
      currentNav: "report",
      description: "Every way to report hate crime in North Somerset, including without talking to the police.",
    }),
  );

  router.get(
    "/report/what-happens-next",
    page("what-happens-next", {
      title: "What happens after you report hate crime",
      currentNav: "report",
    }),
  );

  router.get("/reporting-centres", async (req, res) => {
    const query = centresQuery.safeParse(req.query);
    const errors = query.success
      ? []
      : query.error.issues.map((issue) =>
          issue.path[0] === "offer"
            ? { text: "Choose what the centre offers from the list", href: "#offer", field: "offer" }
            : { text: "Choose a town from the list", href: "#town", field: "town" },
        );
    const filter = query.success ? { towns: query.data.town, offers: query.data.offer } : {};
    const result = await directory.reportingCentres(filter);
    const { selected, unknown } = result;
    const summary =
      (selected.towns.length ? ` in ${either(selected.towns)}` : "") +
      (selected.offers.length ? ` that offer ${selected.offers.map(inSentence).join(" and ")}` : "");
    await sendPage(
      req,
      res,
      "pages/public/reporting-centres",
      {
        title: "Find a hate crime reporting centre",
        currentNav: "reporting-centres",
        description: "Places in North Somerset where you can get help to report hate crime.",
        errors,
        errorFor: (field: string) => errors.find((e) => e.field === field)?.text,
        towns: result.towns,
        offers: result.offers,
        selected,
        unknown,
        filtered: selected.towns.length > 0 || selected.offers.length > 0,
        heading: `${count(result.centres.length, "reporting centre", "reporting centres")}${summary}`,
        anyExample: result.centres.some((c) => c.isExample),
        centres: result.centres.map((c) => ({
          ...c,
          website: webLink(c.website),
          phone: c.phone ? phone(c.phone) : undefined,
          map: { href: mapLink(c.address, c.town, c.postcode), text: `Map of ${c.name} on OpenStreetMap` },
        })),
      },
      errors.length ? 400 : 200,
    );
  });

  router.get("/support", async (req, res) => {
    const query = supportQuery.safeParse(req.query);
    const errors = query.success ? [] : [{ text: "Choose who you want support for from the list", href: "#helps" }];
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
        title: "Get support after hate crime",
        currentNav: "support",
        description: "Free support services for people affected by hate crime in North Somerset.",
        errors,
        groups: result.groups,
        selected: result.selected,
        unknown: result.unknown,
        filtered: result.selected.helps.length > 0,
        heading: result.selected.helps.length
          ? `Support for ${either(result.selected.helps)}`
          : count(result.services.length, "support service", "support services"),
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
      title: "About RHINS",
      currentNav: "about",
      description: "What the RHINS partnership does, who is in it and what it has achieved.",
      plan: plan && {
        title: plan.title,
        slug: plan.slug,
        introduction: plan.introduction,
        purposes: plan.purposes,
        achievements: plan.achievements,
        achievementsHeading: achievementsHeading(plan.startYear),
      },
      agencies: agencies.map((a) => ({ ...a, website: a.website ? webLink(a.website) : undefined })),
    });
  });

  router.get("/vision", async (req, res) => {
    const plan = await plans.currentPublished();
    await sendPage(req, res, "pages/public/vision", { title: "Our vision", currentNav: "about", plan });
  });

  const showPlan = async (req: Request, res: Response, next: NextFunction, startYear: number | undefined) => {
    const plan = startYear === undefined ? undefined : await plans.publishedPlan(startYear);
    if (!plan) return next(); // not found, or not published: the 404 page
    const years = await plans.publishedYears();
    await sendPage(req, res, "pages/public/plan", {
      title: plan.title,
      currentNav: "plan",
      description: `The RHINS ${plan.title}: what the partnership will do, who leads each part, and how it is going.`,
      plan,
      achievementsHeading: achievementsHeading(plan.startYear),
      lastUpdated: { datetime: plan.lastUpdatedAt.toISOString(), text: documentDate(plan.lastUpdatedAt) },
      otherYears: years.filter((y) => y.startYear !== plan.startYear),
      statusTags: STATUS_TAGS,
      statusKey: STATUS_ORDER.map((s) => STATUS_TAGS[s]),
    });
  };

  router.get("/plan", async (req, res, next) => {
    const current = await plans.currentPublished();
    if (!current) {
      // The navigation always links here: say so plainly rather than "Page not found".
      await sendPage(req, res, "pages/public/plan-not-published", { title: "Our plan", currentNav: "plan" }, 404);
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
      title: "Hate crime figures",
      currentNav: "about",
      description:
        "How many hate incidents were reported to the RHINS partnership, and hate crimes recorded by the police, in North Somerset.",
      figures: latest ? figuresView(latest, latest.publishedAt) : undefined,
    });
  });

  router.get(
    "/accessibility",
    page("accessibility", {
      title: "Accessibility statement",
      description: "How accessible this website is.",
      statement: accessibilityStatement,
    }),
  );
  router.get("/privacy", page("privacy", { title: "Privacy notice", notice: privacyNotice }));
  router.get(
    "/cookies",
    page("cookies", {
      title: "Cookies",
      partnerCookie: {
        name: SESSION_COOKIE,
        idleMinutes: Math.round(IDLE_TIMEOUT_MS / 60_000),
        maxHours: Math.round(ABSOLUTE_TIMEOUT_MS / 3_600_000),
      },
    }),
  );
  router.get(
    "/leave-this-site-quickly",
    page("leave-this-site-quickly", {
      title: "Leave this site quickly and hide your visit",
      description: "How to leave this website quickly and clear your browsing history.",
    }),
  );

  return router;
}
