// Security headers on every response: a CSP that allows only this site's scripts and, by its
// hash, the one inline script; HSTS, no framing, and a referrer only within this site: "Exit this
// page" and other links leak nothing to the next site, while our own form posts keep their Origin
// for the CSRF check (with "no-referrer", browsers send "Origin: null" on every form post).
// A hash rather than a per-response nonce keeps the headers the same for every visitor, so a
// rendered public page can be reused whole (src/middleware/page-cache.ts).
import { createHash } from "node:crypto";
import type { RequestHandler } from "express";
import helmet from "helmet";

/**
 * GOV.UK Frontend's inline script: marks the page as having JavaScript before it is painted, so
 * components do not jump. Layouts print exactly this text; the CSP allows exactly its hash.
 */
export const JS_ENABLED_SCRIPT =
  "document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');";

export const JS_ENABLED_SCRIPT_HASH = `'sha256-${createHash("sha256").update(JS_ENABLED_SCRIPT).digest("base64")}'`;

export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", JS_ENABLED_SCRIPT_HASH],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
    referrerPolicy: { policy: "same-origin" },
    crossOriginEmbedderPolicy: false,
  });
}
