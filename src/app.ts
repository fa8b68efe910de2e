// The composition root: every middleware is mounted here, in this order.
import type { RequestListener } from "node:http";
import compression from "compression";
import express, { type RequestHandler } from "express";
import { pinoHttp } from "pino-http";
import type { Logger } from "pino";
import type { Config } from "./config.ts";
import { formatDate, formatDateTime, formatSavedAt } from "./content/dates.ts";
import { errorHandler, notFound } from "./middleware/errors.ts";
import { createI18n, englishT, publicLanguageOf, publicLanguages } from "./middleware/i18n.ts";
import { metricsRoute, requestMetrics } from "./middleware/metrics.ts";
import { pageCache } from "./middleware/page-cache.ts";
import { JS_ENABLED_SCRIPT, securityHeaders } from "./middleware/security.ts";
import { healthRoutes } from "./routes/health.ts";
import { partnerArea } from "./routes/partners/index.ts";
import { publicRoutes } from "./routes/public.ts";
import { reportRoutes } from "./routes/report/index.ts";
import { requestId } from "./logger.ts";
import type { Services } from "./services/index.ts";
import { VIEWS_DIR, viewEngine } from "./views.ts";

export interface AppDependencies {
  services: Services;
  config: Config;
  logger: Logger;
}

const PUBLIC_DIR = new URL("../public", import.meta.url).pathname;
const GOVUK_DIR = new URL("../node_modules/govuk-frontend/dist/govuk", import.meta.url).pathname;

/** The route label of a public page sent from the page cache (its URL may hold anything). */
const CACHED_PAGE_ROUTE = "cached public page";

const htmlByDefault: RequestHandler = (_req, res, next) => {
  res.type("html");
  next();
};

/** The portal as a Node request handler: Express, with the public page cache in front of it. */
export function createApp({ services, config, logger }: AppDependencies): RequestListener {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", config.trustProxy);
  app.set("views", VIEWS_DIR);
  app.engine("ejs", viewEngine);
  app.set("view engine", "ejs");
  if (config.production) app.enable("view cache");
  // Formatting helpers every view may use.
  app.locals.formatDate = formatDate;
  app.locals.formatDateTime = formatDateTime;
  app.locals.formatSavedAt = (date: Date) => formatSavedAt(date, new Date());
  app.locals.jsEnabledScript = JS_ENABLED_SCRIPT;
  // The public site's languages (README, Languages). Pages outside it are in English (and views
  // have English defaults for the rest: views.ts); publicLanguages sets each public request's.
  const i18n = createI18n(config.publicLanguages);
  app.locals.t = englishT(i18n);

  // 1. Health probes: before logging and sessions, so probes are cheap and leave nothing behind.
  app.use(healthRoutes(services));
  // Metrics likewise, here only for METRICS_TOKEN, and not at all when they have a port of their
  // own (server.ts).
  const { token: metricsToken, port: metricsPort } = config.metrics;
  if (metricsToken && metricsPort === undefined) app.get("/metrics", metricsRoute(services.metrics, metricsToken));

  // 2. Request id and logging (the id is shown on error pages as the reference).
  app.use(pinoHttp({ logger, genReqId: requestId }));

  // 3. Security headers, compression, static files.
  app.use(securityHeaders());
  app.use(compression());
  const staticOptions = { maxAge: config.production ? "1d" : 0, index: false as const };
  app.use("/assets", express.static(PUBLIC_DIR, staticOptions));
  app.use("/assets/govuk", express.static(`${GOVUK_DIR}/assets`, staticOptions));
  app.get("/assets/govuk-frontend.min.js", (_req, res) => {
    res.sendFile(`${GOVUK_DIR}/govuk-frontend.min.js`, { maxAge: staticOptions.maxAge });
  });

  // Everything after this answers with HTML unless it says otherwise: a rendered page may reach
  // Express as bytes (views.ts), which Express would otherwise send as application/octet-stream.
  app.use(htmlByDefault);

  // 4. Body parsing with tight limits: the portal's forms are small.
  app.use(express.urlencoded({ extended: false, limit: "32kb", parameterLimit: 100 }));

  // 5. Routes. The partner area brings its own session, authentication and CSRF protection,
  // so none of them touch the public site.
  app.use(
    "/partners",
    partnerArea(services, {
      sessionSecret: config.sessionSecret,
      signInLimit: config.signInLimit,
      production: config.production,
    }),
  );
  const publicPages = pageCache({
    ttlMs: config.publicPageCacheSeconds * 1000,
    version: services.audit.changes,
    logger,
    requestId,
    // Each language's page is kept apart, by the same rule that chooses the language.
    variant: (req) => publicLanguageOf(req, config.publicLanguages).language.code,
  });
  app.use(publicLanguages(i18n, config.publicLanguages));
  // Reporting online keeps its own answers (an encrypted draft), never a cached page.
  app.use(reportRoutes(services));
  app.use(publicRoutes(services, { pageCache: publicPages }));

  // 6. Not found, then errors.
  app.use(notFound);
  app.use(errorHandler(logger, !config.production));

  // 0. Before all of it: a public page rendered a moment ago is sent again as it was, with no
  // work for Express or the database; and, when something reads the metrics, every request is
  // timed and counted (pages from the cache too).
  if (!metricsToken && metricsPort === undefined) {
    return (req, res) => {
      if (!publicPages.serve(req, res)) app(req, res);
    };
  }
  const observe = requestMetrics(services.metrics);
  return (req, res) => {
    const request = observe(req, res);
    if (publicPages.serve(req, res)) request.answeredBy(CACHED_PAGE_ROUTE);
    else app(req, res);
  };
}
