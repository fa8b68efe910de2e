// The metrics' two ends on the HTTP side: each request counted under its route pattern, and
// /metrics for Prometheus. /metrics is never public: on the main port it answers only a request
// bearing METRICS_TOKEN (anything else gets the ordinary "not found", so it is not advertised);
// with METRICS_PORT it is served on that port alone, by a server that serves nothing else.
import { createHash, timingSafeEqual } from "node:crypto";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import { performance } from "node:perf_hooks";
import type { Request, RequestHandler } from "express";
import type { MetricsService } from "../services/metrics.ts";

/** Route labels for requests no route answered: a static file, or anything else (not found, refused). */
export const STATIC_ROUTE = "/assets/*";
export const UNMATCHED_ROUTE = "unmatched";

/**
 * Starts timing a request as it arrives, and counts it when its response is finished, under the
 * pattern of the route that answered (/partners/cases/:id, never the URL with its id).
 * `answeredBy` names what answered without Express (the public page cache).
 */
export function requestMetrics(metrics: MetricsService) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    // Express rewrites req.url below a mount point, so it is read now.
    const fallback = req.url?.startsWith("/assets/") ? STATIC_ROUTE : UNMATCHED_ROUTE;
    let route: string | undefined;
    // Express sets req.route when a route matches, while req.baseUrl is still the base of that
    // route's router: the whole pattern is known only then (an error or a 404 resets baseUrl).
    let matched: unknown;
    Object.defineProperty(req, "route", {
      configurable: true,
      enumerable: true,
      get: () => matched,
      set(value: { path: unknown } | undefined) {
        matched = value;
        const base = (req as Request).baseUrl ?? "";
        if (value) route = value.path === "/" && base ? base : `${base}${String(value.path)}`;
      },
    });
    res.once("finish", () => {
      metrics.request(req.method ?? "GET", route ?? fallback, res.statusCode, (performance.now() - started) / 1000);
    });
    return {
      answeredBy(name: string) {
        route = name;
      },
    };
  };
}

/** Compares hashes, so neither the token nor its length shows in how long the answer takes. */
function bearsToken(req: IncomingMessage, token: string): boolean {
  const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(given), digest(token));
}

async function sendMetrics(metrics: MetricsService, res: ServerResponse) {
  const body = await metrics.registry.metrics();
  res.writeHead(200, { "Content-Type": metrics.registry.contentType, "Cache-Control": "no-store" });
  res.end(body);
}

/** GET /metrics on the main port, for the token only; anything else goes on to "not found". */
export function metricsRoute(metrics: MetricsService, token: string): RequestHandler {
  return async (req, res, next) => {
    if (!bearsToken(req, token)) return next();
    await sendMetrics(metrics, res);
  };
}

/** The server for METRICS_PORT: /metrics and nothing else (and only for the token, if one is set). */
export function metricsServer(metrics: MetricsService, token: string | undefined): Server {
  return createServer((req, res) => {
    const path = req.url?.split("?")[0];
    if ((req.method === "GET" || req.method === "HEAD") && path === "/metrics" && (!token || bearsToken(req, token))) {
      sendMetrics(metrics, res).catch(() => {
        res.writeHead(500).end();
      });
      return;
    }
    res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end("Not found\n");
  });
}
