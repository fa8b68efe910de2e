// CSRF protection for every state-changing request in the partner area: a synchroniser token
// (csrf-sync) in each form, and the browser's Origin (or Referer) must be this site.
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { csrfSync } from "csrf-sync";
import { ServiceError } from "../services/errors.ts";

export const CSRF_REFUSED = new ServiceError(
  403,
  "Your form could not be sent because the page was out of date or came from another site. Nothing has been saved. Go back to the form, copy anything you typed, reload the page and try again.",
);

/** Where a request says it came from: this site, another, or it does not say (no Origin or Referer). */
export function requestSource(req: Request): "this site" | "another site" | "unknown" {
  const source = req.get("origin") ?? req.get("referer");
  if (source === undefined) return "unknown";
  try {
    return new URL(source).origin === `${req.protocol}://${req.get("host")}` ? "this site" : "another site";
  } catch {
    return "another site";
  }
}

/**
 * Called instead of refusing when a request from this site has no valid token (its session ended,
 * or the page is older than the session): it may answer, or call next(refusal) to refuse after all.
 */
export type TokenRefusedHandler = (req: Request, res: Response, next: NextFunction, refusal: ServiceError) => void;

export function csrfProtection(options: { onTokenRefused?: TokenRefusedHandler } = {}): RequestHandler[] {
  const { csrfSynchronisedProtection, generateToken } = csrfSync({
    getTokenFromRequest: (req) => (typeof req.body?._csrf === "string" ? req.body._csrf : undefined),
  });

  const sameOrigin: RequestHandler = (req, _res, next) => {
    if (req.method === "GET" || req.method === "HEAD") return next();
    if (requestSource(req) === "another site") return next(CSRF_REFUSED);
    next();
  };

  const token: RequestHandler = (req, res, next) => {
    csrfSynchronisedProtection(req, res, (err?: unknown) => {
      if (err) {
        // Only a request that shows it came from this site is worth more than a refusal.
        if (options.onTokenRefused && requestSource(req) === "this site")
          return options.onTokenRefused(req, res, next, CSRF_REFUSED);
        return next(CSRF_REFUSED);
      }
      // Only pages that show a form need a token; making one creates the session.
      Object.defineProperty(res.locals, "csrfToken", {
        get: () => generateToken(req),
        enumerable: true,
        configurable: true,
      });
      next();
    });
  };

  return [sameOrigin, token];
}
