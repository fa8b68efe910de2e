// CSRF protection for every state-changing request in the partner area: a synchroniser token
// (csrf-sync) in each form, and the browser's Origin (or Referer) must be this site.
import type { RequestHandler } from "express";
import { csrfSync } from "csrf-sync";
import { ServiceError } from "../services/errors.ts";

const REFUSED = new ServiceError(
  403,
  "Your form could not be sent because it was out of date or came from another site. Go back, reload the page and try again.",
);

export function csrfProtection(): RequestHandler[] {
  const { csrfSynchronisedProtection, generateToken } = csrfSync({
    getTokenFromRequest: (req) => (typeof req.body?._csrf === "string" ? req.body._csrf : undefined),
  });

  const sameOrigin: RequestHandler = (req, _res, next) => {
    if (req.method === "GET" || req.method === "HEAD") return next();
    const source = req.get("origin") ?? req.get("referer");
    if (source !== undefined) {
      let origin: string;
      try {
        origin = new URL(source).origin;
      } catch {
        return next(REFUSED);
      }
      if (origin !== `${req.protocol}://${req.get("host")}`) return next(REFUSED);
    }
    next();
  };

  const token: RequestHandler = (req, res, next) => {
    csrfSynchronisedProtection(req, res, (err?: unknown) => {
      if (err) return next(REFUSED);
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
