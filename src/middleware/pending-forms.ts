// Keeping what a partner typed when their form arrives after the session ended (or from a page
// older than the session), and putting it back into the same form once they are signed in again.
//
// 1. markBrowser: each browser where a partner is signed in gets an unguessable id in a cookie
//    (HttpOnly, SameSite=Lax, /partners only), made for that partner.
// 2. keepTypedForm (csrfProtection's onTokenRefused): a form from this site without a valid token,
//    to a partner route: signed out, its fields are kept (services/pending-forms.ts) and the
//    person signs in and comes back to the form page; signed in with a stale token, they are kept
//    and the form page shown again at once.
// 3. restoreKeptForm (route-table.ts, on GET routes): the form page, asked for by that browser and
//    that partner, is rendered with the kept fields in place of the saved ones, once, with a
//    banner saying they are not saved yet.
// Nothing typed goes into a URL, a log line or the session; only into the encrypted PendingForm.
import { Router, type Request, type RequestHandler, type Response } from "express";
import { SIGN_IN_PATH, safeReturnTo, type Access } from "./authentication.ts";
import type { TokenRefusedHandler } from "./csrf.ts";
import type { Services } from "../services/index.ts";
import { keepableFields, type KeptForm, type KeptFields } from "../services/pending-forms.ts";
import { ABSOLUTE_TIMEOUT_MS } from "./session.ts";

export const KEEP_COOKIE = "rhins.keep";
/** Routes whose forms are kept: those that need a signed-in partner (not signing in itself). */
const KEPT_ACCESS: ReadonlySet<Access> = new Set([
  "signed-in",
  "editor",
  "coordinator",
  "cases",
  "panel",
  "reporting-centre",
]);
/** A browser's mark outlives its longest session by the time a kept form lasts. */
const cookieOptions = (req: Request, maxAge: number) => ({
  path: "/partners",
  httpOnly: true,
  sameSite: "lax" as const,
  secure: req.secure,
  maxAge,
});

interface RouteLike {
  method: "get" | "post";
  path: string;
  access: Access;
}

export const keepsForms = (access: Access) => KEPT_ACCESS.has(access);

export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/** The page the form was on: its Referer on this site, below /partners, or the form's own address. */
function formPage(req: Request, postPathHasPage: boolean): string | undefined {
  const referer = req.get("referer");
  if (referer) {
    try {
      const url = new URL(referer);
      const page = safeReturnTo(`${url.pathname}${url.search}`);
      if (url.origin === `${req.protocol}://${req.get("host")}` && !page.startsWith(SIGN_IN_PATH)) return page;
    } catch {
      // not a URL: use the form's own address
    }
  }
  return postPathHasPage ? safeReturnTo(req.originalUrl.split("?")[0]) : undefined;
}

function rememberKept(req: Request, page: string) {
  req.session.keptForms = [...(req.session.keptForms ?? []).filter((p) => p !== page), page].slice(-10);
}

export function pendingFormMiddleware(services: Services, table: RouteLike[]) {
  const forms = services.pendingForms;

  const setMark = (req: Request, res: Response, userId: number) => {
    const value = forms.markFor(userId);
    res.cookie(KEEP_COOKIE, value, cookieOptions(req, ABSOLUTE_TIMEOUT_MS + forms.TTL_MS));
    return forms.readMark(value)!;
  };

  /** Gives each browser where a partner is signed in its mark, made for that partner. */
  const markBrowser: RequestHandler = (req, res, next) => {
    const user = req.user;
    if (user) {
      const mark = forms.readMark(readCookie(req, KEEP_COOKIE));
      if (!mark || !forms.markIsFor(mark, user.id)) setMark(req, res, user.id);
    }
    next();
  };

  const keepOrSignIn =
    (postPathHasPage: boolean): RequestHandler =>
    async (req, res, next) => {
      const user = req.user;
      const page = formPage(req, postPathHasPage);
      const typed = Object.keys(req.body ?? {}).some((name) => name !== "_csrf");
      const fields: KeptFields | undefined = typed ? keepableFields(req.body) : undefined;

      if (user) {
        // Signed in, but the page is older than the session: show the form again with what was typed.
        if (!fields || !page) return next();
        let mark = forms.readMark(readCookie(req, KEEP_COOKIE));
        if (!mark || !forms.markIsFor(mark, user.id)) mark = setMark(req, res, user.id);
        await forms.keep(mark, page, fields, "out-of-date");
        rememberKept(req, page);
        return res.redirect(303, page);
      }

      // Signed out: the session ended (or was never there).
      const mark = forms.readMark(readCookie(req, KEEP_COOKIE));
      if (!typed) {
        // A button with nothing typed: sign in, then back to the page it was on.
        req.session.returnTo = page ?? "/partners";
        req.session.signInNotice = "session-ended";
        return res.redirect(303, SIGN_IN_PATH);
      }
      if (fields && page && mark) {
        await forms.keep(mark, page, fields, "signed-out");
        rememberKept(req, page);
        req.session.returnTo = page;
        req.session.signInNotice = "form-kept";
        return res.redirect(303, SIGN_IN_PATH);
      }
      // Not kept (a password, or not a browser of ours): say so, and how to save the words by hand.
      if (page) req.session.returnTo = page;
      res.status(403).render("pages/partners/session-ended", { area: "partners", title: "Your session has ended" });
    };

  // The kept routes as a router of their own, only to match a request to its route.
  const pages = new Set(table.filter((r) => r.method === "get").map((r) => r.path));
  const keptRoutes = Router();
  for (const route of table) {
    if (route.method === "post" && keepsForms(route.access))
      keptRoutes.post(route.path, keepOrSignIn(pages.has(route.path)));
  }

  const keepTypedForm: TokenRefusedHandler = (req, res, next, refusal) =>
    keptRoutes(req, res, (err?: unknown) => next(err ?? refusal));

  return { markBrowser, keepTypedForm };
}

/**
 * On a form page this browser has a kept form for: takes it and has the page's next render
 * show it (fillForm). Costs nothing on any other page: the session lists the pages to look for.
 */
export function restoreKeptForm(services: Services): RequestHandler {
  return async (req, res, next) => {
    const page = req.originalUrl;
    const kept = req.session.keptForms;
    if (!req.user || !kept?.includes(page)) return next();
    const rest = kept.filter((p) => p !== page);
    if (rest.length) req.session.keptForms = rest;
    else delete req.session.keptForms;
    const mark = services.pendingForms.readMark(readCookie(req, KEEP_COOKIE));
    const form = mark && (await services.pendingForms.take(mark, req.user.id, page));
    if (form) fillForm(res, form);
    next();
  };
}

/**
 * The page's form values with the kept fields in their place. A view model names a form's values
 * `values` (or `somethingValues` when a page has several forms); the kept fields go into the one
 * that shares most field names with them. Fields the form posted replace its values wholesale: a
 * field missing from what was posted was left empty (an unticked box), so it is emptied; a field
 * the values lack (a version, say) is added.
 */
export function fillValues(model: Record<string, unknown>, kept: KeptFields): Record<string, unknown> | undefined {
  const names = Object.keys(kept);
  let best: { key: string; shared: number } | undefined;
  for (const [key, value] of Object.entries(model)) {
    if (!/^(values|\w+Values)$/.test(key) || value === null || typeof value !== "object" || Array.isArray(value))
      continue;
    const shared = names.filter((n) => Object.hasOwn(value, n)).length;
    if (shared > (best?.shared ?? 0) || (shared === best?.shared && key === "values")) best = { key, shared };
  }
  if (!best || best.shared === 0) return undefined;
  const filled: Record<string, string | string[]> = { ...kept };
  for (const [name, current] of Object.entries(model[best.key] as Record<string, unknown>)) {
    const sent = kept[name];
    if (Array.isArray(current)) filled[name] = sent === undefined ? [] : Array.isArray(sent) ? sent : [sent];
    else if (sent === undefined) filled[name] = "";
    else if (Array.isArray(sent)) filled[name] = sent[sent.length - 1] ?? "";
  }
  return { ...model, [best.key]: filled };
}

/** Has the response's next render show the kept form, with the "not saved yet" banner. */
function fillForm(res: Response, form: KeptForm) {
  const render = res.render;
  res.render = function (this: Response, view: string, options?: unknown, callback?: unknown) {
    res.render = render;
    if (options !== null && typeof options === "object") {
      const filled = fillValues(options as Record<string, unknown>, form.fields);
      if (filled) options = { ...filled, restoredForm: { reason: form.reason } };
    }
    return (render as (...args: unknown[]) => void).call(this, view, options, callback);
  } as Response["render"];
}

/** On signing out: forget the forms kept in this browser, and its mark. */
export async function forgetKeptForms(services: Services, req: Request, res: Response): Promise<void> {
  const mark = services.pendingForms.readMark(readCookie(req, KEEP_COOKIE));
  if (mark) await services.pendingForms.forget(mark);
  res.clearCookie(KEEP_COOKIE, { path: "/partners" });
}
