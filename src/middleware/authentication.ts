// Who is signed in (passport-local, sessions) and the access rule each partner route declares.
import type { RequestHandler } from "express";
import { Passport } from "passport";
import { Strategy as LocalStrategy } from "passport-local";
import type { Services } from "../services/index.ts";
import { hasCaseAccess } from "../services/cases/access.ts";
import { forbidden, notFound } from "../services/errors.ts";

export function createPassport(services: Services) {
  const passport = new Passport();
  passport.use(
    new LocalStrategy(
      { usernameField: "email", passwordField: "password", passReqToCallback: true },
      (req, email, password, done) => {
        services.accounts.authenticate(email, password, req.ip ?? "").then((user) => done(null, user ?? false), done);
      },
    ),
  );
  passport.serializeUser<number>((user, done) => done(null, user.id));
  passport.deserializeUser<number>((id, done) => {
    services.accounts.findSessionUser(id).then((user) => done(null, user ?? false), done);
  });
  return passport;
}

/**
 * Who may use a partner route:
 * - anyone: sign-in, set-password and sign-out pages
 * - second-factor: signed in with a password, second factor still to pass or set up
 * - signed-in: any partner who has fully signed in (viewer, officer, coordinator)
 * - editor: officers and coordinators (each record is checked again by its service)
 * - coordinator: coordinators only
 * - cases: officers and coordinators given case access (each case is checked again by its service)
 * - panel: coordinators with case access (the Review Panel brings every agency's cases together)
 * - reporting-centre: staff linked to a reporting centre, entering a report for someone
 */
export type Access =
  "anyone" | "second-factor" | "signed-in" | "editor" | "coordinator" | "cases" | "panel" | "reporting-centre";

export const SIGN_IN_PATH = "/partners/sign-in";
export const TWO_FACTOR_PATH = "/partners/sign-in/two-factor";
export const TWO_FACTOR_SETUP_PATH = "/partners/account/two-factor";

/** A redirect target after sign-in: only a path on this site, otherwise the partner home. */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== "string" || !value.startsWith("/") || /[\\\s\p{Cc}]/u.test(value) || value.startsWith("//")) {
    return "/partners";
  }
  const url = new URL(value, "http://portal.invalid");
  return url.origin === "http://portal.invalid" && url.pathname.startsWith("/partners")
    ? `${url.pathname}${url.search}`
    : "/partners";
}

export function requireAccess(access: Access, services: Services): RequestHandler {
  return (req, res, next) => {
    if (access === "anyone") return next();
    const user = req.user;
    if (!user) {
      if (req.method === "GET") {
        // Only a page is worth coming back to, not a script's request (the timeout warning's keep-alive).
        if (req.accepts(["html", "json"]) === "html") req.session.returnTo = req.originalUrl;
        return res.redirect(SIGN_IN_PATH);
      }
      return next(forbidden("You need to sign in to do that."));
    }
    if (access !== "second-factor") {
      // Until the second factor passes, pages lead to it and changes are refused.
      const pending =
        user.twoFactorEnabled && !req.session.twoFactorPassed
          ? TWO_FACTOR_PATH
          : !user.twoFactorEnabled && services.twoFactor.requiredFor(user)
            ? TWO_FACTOR_SETUP_PATH
            : undefined;
      if (pending) {
        return req.method === "GET"
          ? res.redirect(pending)
          : next(forbidden("Finish signing in with your authenticator app first."));
      }
    }
    if (access === "coordinator" && user.role !== "COORDINATOR") return next(forbidden());
    if ((access === "cases" || access === "panel") && !hasCaseAccess(user)) return next(notFound("page"));
    if (access === "panel" && user.role !== "COORDINATOR") return next(notFound("page"));
    if (access === "reporting-centre" && user.reportingCentreId === null) return next(notFound("page"));
    if (access === "editor" && user.role === "VIEWER")
      return next(forbidden("Viewers can read the partner area but not change it."));
    res.locals.user = user;
    next();
  };
}

export type PassportInstance = ReturnType<typeof createPassport>;
