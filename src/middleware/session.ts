// Sessions for the partner area only (the public site sets no cookie): stored in the database,
// 30 minutes idle and 12 hours at most, cookie HttpOnly, SameSite=Lax, Secure over HTTPS.
import type { RequestHandler } from "express";
import session from "express-session";
import type { PrismaSessionStore } from "../db/session-store.ts";

export const IDLE_TIMEOUT_MS = 30 * 60_000;
export const ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60_000;
export const SESSION_COOKIE = "rhins.sid";

export function partnerSession(store: PrismaSessionStore, secret: string): RequestHandler[] {
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
      secure: "auto", // Secure whenever the request came over HTTPS (see TRUST_PROXY)
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

  return [sessions, absoluteTimeout];
}
