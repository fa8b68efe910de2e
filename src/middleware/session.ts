// Sessions for the partner area only (the public site sets no cookie): stored in the database,
// 30 minutes idle and 12 hours at most, cookie HttpOnly, SameSite=Lax, and Secure: always in
// production, where the partner area answers only over HTTPS; outside it, over HTTPS.
import type { Request, RequestHandler } from "express";
import session from "express-session";
import { TOUCH_INTERVAL_MS, type PrismaSessionStore } from "../db/session-store.ts";

export const IDLE_TIMEOUT_MS = 30 * 60_000;
/** A session that can open cases (special category data) ends sooner when left. */
export const CASE_ACCESS_IDLE_TIMEOUT_MS = 15 * 60_000;
export const ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60_000;
export const SESSION_COOKIE = "rhins.sid";
/** Signed-in pages warn this long before the session ends (public/js/session-timeout.mjs). */
export const TIMEOUT_WARNING_MS = 2 * 60_000;
export const KEEP_ALIVE_PATH = "/partners/keep-alive";

/**
 * In production the session cookie is always Secure, and express-session sets a Secure cookie only
 * on a request Express sees as HTTPS (`req.secure`: behind a proxy, TRUST_PROXY and the proxy's
 * X-Forwarded-Proto). Over plain HTTP a partner would never keep a session, and signing in would
 * silently start again: this page says why instead.
 */
const httpsOnly: RequestHandler = (req, res, next) => {
  if (req.secure) return next();
  res.status(403).render("pages/errors/4xx", {
    title: "The partner area needs a secure connection",
    status: 403,
    message:
      "Open the partner area with an address starting https://. If you did, the portal cannot tell: " +
      "its administrator needs to set TRUST_PROXY to the number of proxies in front of it.",
  });
};

/** What to fix when partners could not sign in over HTTPS in production; undefined when nothing. */
export function httpsWarning(config: { production: boolean; trustProxy: number; publicBaseUrl?: string }) {
  if (!config.production) return undefined;
  if (config.trustProxy === 0) {
    return (
      "TRUST_PROXY is 0, so no request counts as HTTPS and the partner area refuses them all: behind a TLS proxy " +
      "or load balancer, set TRUST_PROXY to the number of proxies in front of the portal so it trusts their X-Forwarded-Proto"
    );
  }
  if (config.publicBaseUrl?.startsWith("http:")) {
    return `PUBLIC_BASE_URL is ${config.publicBaseUrl}: in production the partner area answers only over HTTPS`;
  }
  return undefined;
}

export function partnerSession(store: PrismaSessionStore, secret: string, production: boolean): RequestHandler[] {
  const sessions = session({
    name: SESSION_COOKIE,
    store,
    secret,
    resave: false,
    saveUninitialized: false,
    rolling: true, // each request restarts the idle clock
    unset: "destroy",
    cookie: {
      path: "/partners",
      httpOnly: true,
      sameSite: "lax",
      secure: production ? true : "auto", // outside production: Secure when the request came over HTTPS
      maxAge: IDLE_TIMEOUT_MS,
    },
  });

  const absoluteTimeout: RequestHandler = (req, _res, next) => {
    const startedAt = req.session.startedAt;
    if (startedAt !== undefined && Date.now() - startedAt > ABSOLUTE_TIMEOUT_MS) {
      // A fresh, empty session: the user must sign in again.
      req.session.regenerate((err) => next(err));
      return;
    }
    next();
  };

  return production ? [httpsOnly, sessions, absoluteTimeout] : [sessions, absoluteTimeout];
}

/**
 * Seconds the session is sure to last from now. The store writes a session's rolling expiry at
 * most once a TOUCH_INTERVAL_MS, so unless it was written just now it may end that much before
 * the idle timeout; and never past the absolute timeout.
 */
export function sessionSecondsLeft(req: Request, expiryJustWritten: boolean): number {
  const idle = (req.session.cookie.originalMaxAge ?? IDLE_TIMEOUT_MS) - (expiryJustWritten ? 0 : TOUCH_INTERVAL_MS);
  const startedAt = req.session.startedAt;
  const absolute = startedAt === undefined ? Infinity : startedAt + ABSOLUTE_TIMEOUT_MS - Date.now();
  return Math.max(0, Math.floor(Math.min(idle, absolute) / 1000));
}

/**
 * The idle timeout follows who is signed in: 15 minutes with case access, otherwise 30. Setting
 * the cookie's maxAge makes it the session's own, so each later request restarts that clock.
 */
export const idleTimeoutForUser: RequestHandler = (req, _res, next) => {
  if (req.user) {
    const idle = req.user.caseAccess ? CASE_ACCESS_IDLE_TIMEOUT_MS : IDLE_TIMEOUT_MS;
    if (req.session.cookie.originalMaxAge !== idle) req.session.cookie.maxAge = idle;
  }
  next();
};

/** Tells each signed-in page when its session will end, for the timeout warning (views/layouts/main.ejs). */
export const timeoutWarning: RequestHandler = (req, res, next) => {
  if (req.user && req.method === "GET") {
    res.locals.sessionTimeout = {
      expiresInSeconds: sessionSecondsLeft(req, false),
      warnSeconds: TIMEOUT_WARNING_MS / 1000,
      keepAliveUrl: KEEP_ALIVE_PATH,
    };
  }
  next();
};

/**
 * "Stay signed in": restarts the idle clock now. A plain request only writes the expiry if the
 * last write is a minute old (db/session-store.ts), so this one saves the session outright.
 */
export const keepAlive: RequestHandler = (req, res, next) => {
  req.session.touch(); // the cookie's expiry, which the store writes, restarts from now
  req.session.save((err) => {
    if (err) return next(err);
    // type first: everything in the app is HTML unless it says otherwise (app.ts).
    res.type("json").json({ expiresInSeconds: sessionSecondsLeft(req, true) });
  });
};
