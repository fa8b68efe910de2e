// Signing in (password, then the second factor if the account has one), signing out, and
// setting a password from a one-time link.
import type { Request, RequestHandler } from "express";
import { rateLimit } from "express-rate-limit";
import { z } from "zod";
import {
  SIGN_IN_PATH,
  TWO_FACTOR_PATH,
  TWO_FACTOR_SETUP_PATH,
  safeReturnTo,
  type PassportInstance,
} from "../../middleware/authentication.ts";
import { forgetKeptForms } from "../../middleware/pending-forms.ts";
import { SESSION_COOKIE } from "../../middleware/session.ts";
import { FieldError } from "../../services/errors.ts";
import type { Services } from "../../services/index.ts";
import { MAX_LENGTH } from "../../services/password-policy.ts";
import { addError, fieldErrors, parseForm, type FormErrors } from "../forms.ts";
import { get, post, type PartnerRoute } from "./route-table.ts";

const SIGN_IN_FAILED =
  "Enter a correct email address and password. After 10 wrong attempts, sign-in is locked for 15 minutes";

const signInForm = z.object({
  email: z.string().trim().min(1, "Enter your email address").max(254, "Email address must be 254 characters or fewer"),
  password: z.string().min(1, "Enter your password").max(MAX_LENGTH, "Enter a correct email address and password"),
});
const codeForm = z.object({
  code: z
    .string()
    .trim()
    .min(1, "Enter the code from your authenticator app or a recovery code")
    .max(32, "Enter the 6-digit code from your app"),
});
const setPasswordForm = z.object({
  password: z
    .string()
    .min(1, "Enter a new password")
    .max(MAX_LENGTH, `Password must be ${MAX_LENGTH} characters or fewer`),
  confirmPassword: z.string(),
});

const page = (res: Parameters<RequestHandler>[1], view: string, status: number, model: Record<string, unknown>) =>
  res.status(status).render(`pages/partners/${view}`, { area: "partners", ...model });

/**
 * Per address: how many sign-in and code attempts are allowed in a window, whoever they are for,
 * counted in the database so that every instance shares the count.
 */
export interface SignInLimit {
  max: number;
  windowMs: number;
}

export function signInRoutes(services: Services, passport: PassportInstance, limit: SignInLimit): PartnerRoute[] {
  const perAddress = rateLimit({
    windowMs: limit.windowMs,
    limit: limit.max,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    store: services.rateLimits.store("sign-in"),
    handler: (_req, res) =>
      page(res, "sign-in", 429, {
        title: "Sign in",
        values: {},
        errors: addError(
          { list: [], fields: {} },
          "email",
          "Too many sign-in attempts from your network. Wait 15 minutes, then try again",
        ),
      }),
  });

  const afterPassword = (req: Request, user: Express.User) => {
    if (user.twoFactorEnabled) return TWO_FACTOR_PATH;
    if (services.twoFactor.requiredFor(user)) return TWO_FACTOR_SETUP_PATH;
    const target = safeReturnTo(req.session.returnTo);
    delete req.session.returnTo;
    return target;
  };

  return [
    get("/sign-in", "anyone", (req, res) => {
      // Only a safe target is kept: the session is stored as JSON, which cannot hold every character.
      if (typeof req.query.returnTo === "string") req.session.returnTo = safeReturnTo(req.query.returnTo);
      page(res, "sign-in", 200, {
        title: "Sign in",
        values: {},
        errors: undefined,
        passwordSet: req.query.passwordSet === "1",
        notice: req.session.signInNotice,
      });
    }),

    post("/sign-in", "anyone", perAddress, (req, res, next) => {
      const form = parseForm(signInForm, req.body);
      if (!form.ok)
        return page(res, "sign-in", 400, {
          title: "Sign in",
          values: { email: form.values.email },
          errors: form.errors,
        });
      // passport reads the body: let it read what the form read (src/routes/forms.ts).
      req.body = { email: form.values.email, password: form.values.password };
      passport.authenticate("local", (err: unknown, user: Express.User | false) => {
        if (err) return next(err);
        if (!user) {
          const errors: FormErrors = addError({ list: [], fields: {} }, "email", SIGN_IN_FAILED);
          return page(res, "sign-in", 401, { title: "Sign in", values: { email: form.values.email }, errors });
        }
        // passport regenerates the session id here (no fixation); keep where the user was going.
        req.login(user, { session: true, keepSessionInfo: true }, (loginErr) => {
          if (loginErr) return next(loginErr);
          req.session.startedAt = Date.now();
          req.session.twoFactorPassed = false;
          delete req.session.signInNotice;
          res.redirect(afterPassword(req, user));
        });
      })(req, res, next);
    }),

    get("/sign-in/two-factor", "second-factor", (req, res) => {
      if (!req.user?.twoFactorEnabled || req.session.twoFactorPassed) return res.redirect("/partners");
      page(res, "two-factor", 200, { title: "Enter your security code", errors: undefined });
    }),

    post("/sign-in/two-factor", "second-factor", perAddress, async (req, res) => {
      const user = req.user!;
      const form = parseForm(codeForm, req.body);
      if (!form.ok) return page(res, "two-factor", 400, { title: "Enter your security code", errors: form.errors });
      if (!(await services.twoFactor.verifySignIn(user.id, form.data.code, req.ip ?? ""))) {
        const errors = addError(
          { list: [], fields: {} },
          "code",
          "The code is not right. Enter the code your app shows now, or a recovery code",
        );
        return page(res, "two-factor", 401, { title: "Enter your security code", errors });
      }
      req.session.twoFactorPassed = true;
      const target = safeReturnTo(req.session.returnTo);
      delete req.session.returnTo;
      res.redirect(target);
    }),

    post("/sign-out", "anyone", async (req, res, next) => {
      // Signing out on purpose leaves nothing typed behind for the next person at this browser.
      await forgetKeptForms(services, req, res);
      req.logout({ keepSessionInfo: false }, (err) => {
        if (err) return next(err);
        req.session.destroy((destroyErr) => {
          if (destroyErr) return next(destroyErr);
          res.clearCookie(SESSION_COOKIE, { path: "/partners" });
          res.redirect("/partners/signed-out");
        });
      });
    }),

    get("/signed-out", "anyone", (_req, res) => page(res, "signed-out", 200, { title: "You have signed out" })),

    get("/set-password/:token", "anyone", async (req, res) => {
      const user = await services.accounts.findByToken(String(req.params.token));
      if (!user) return page(res, "link-expired", 410, { title: "This link has expired" });
      page(res, "set-password", 200, { title: "Set your password", email: user.email, errors: undefined });
    }),

    post("/set-password/:token", "anyone", async (req, res) => {
      const token = String(req.params.token);
      const user = await services.accounts.findByToken(token);
      if (!user) return page(res, "link-expired", 410, { title: "This link has expired" });
      const model = { title: "Set your password", email: user.email };
      const form = parseForm(setPasswordForm, req.body);
      if (!form.ok) return page(res, "set-password", 400, { ...model, errors: form.errors });
      if (form.data.password !== form.data.confirmPassword) {
        return page(res, "set-password", 400, {
          ...model,
          errors: addError({ list: [], fields: {} }, "confirmPassword", "The passwords do not match"),
        });
      }
      try {
        await services.accounts.setPasswordWithToken(token, form.data.password, req.ip ?? "");
      } catch (err) {
        if (err instanceof FieldError) return page(res, "set-password", 400, { ...model, errors: fieldErrors(err) });
        throw err;
      }
      res.redirect(`${SIGN_IN_PATH}?passwordSet=1`);
    }),
  ];
}
