// The signed-in user's own account: change password, set up or turn off the second factor.
import { z } from "zod";
import { FieldError } from "../../services/errors.ts";
import type { Services } from "../../services/index.ts";
import { MAX_LENGTH } from "../../services/password-policy.ts";
import { addError, fieldErrors, parseForm } from "../forms.ts";
import { get, post, type PartnerRoute } from "./route-table.ts";

const changePasswordForm = z.object({
  currentPassword: z
    .string()
    .min(1, "Enter your current password")
    .max(MAX_LENGTH, "Your current password is not right"),
  newPassword: z
    .string()
    .min(1, "Enter a new password")
    .max(MAX_LENGTH, `Password must be ${MAX_LENGTH} characters or fewer`),
  confirmPassword: z.string(),
});
const codeForm = z.object({
  code: z
    .string()
    .trim()
    .min(1, "Enter the 6-digit code from your authenticator app")
    .max(32, "Enter the 6-digit code from your app"),
});

const reminderForm = z.object({
  reminderEmails: z.enum(["yes", "no"], "Select whether you want reminder emails"),
});

/** Viewers record nothing, so they are sent no reminders. */
const getsReminders = (user: Express.User) => user.role !== "VIEWER";

export function accountRoutes(services: Services): PartnerRoute[] {
  const accountPage = async (user: Express.User, extra: Record<string, unknown> = {}) => ({
    area: "partners",
    title: "Your account",
    user,
    twoFactorRequired: services.twoFactor.requiredFor(user),
    reminders: getsReminders(user) ? await services.accounts.reminderEmails(user.id) : undefined,
    errors: undefined,
    ...extra,
  });

  const setupPage = async (user: Express.User, secret: string, errors?: unknown) => ({
    area: "partners",
    title: "Set up your authenticator app",
    user,
    required: services.twoFactor.requiredFor(user),
    errors,
    ...(await services.twoFactor.enrolmentDetails(user, secret)),
  });

  return [
    get("/account", "signed-in", async (req, res) => {
      res.render("pages/partners/account", await accountPage(req.user!));
    }),

    post("/account/reminders", "signed-in", async (req, res) => {
      const user = req.user!;
      const form = parseForm(reminderForm, req.body);
      if (!getsReminders(user)) return res.redirect("/partners/account");
      if (!form.ok)
        return res.status(400).render("pages/partners/account", await accountPage(user, { errors: form.errors }));
      const on = form.data.reminderEmails === "yes";
      await services.accounts.setReminderEmails(user, on);
      req.session.flash = {
        heading: on ? "You will get reminder emails" : "You will not get reminder emails",
      };
      res.redirect("/partners/account");
    }),

    post("/account/password", "signed-in", async (req, res) => {
      const user = req.user!;
      const form = parseForm(changePasswordForm, req.body);
      if (!form.ok)
        return res.status(400).render("pages/partners/account", await accountPage(user, { errors: form.errors }));
      if (form.data.newPassword !== form.data.confirmPassword) {
        const errors = addError({ list: [], fields: {} }, "confirmPassword", "The new passwords do not match");
        return res.status(400).render("pages/partners/account", await accountPage(user, { errors }));
      }
      try {
        await services.accounts.changePassword(
          user,
          form.data.currentPassword,
          form.data.newPassword,
          req.sessionID,
          req.ip ?? "",
        );
      } catch (err) {
        if (err instanceof FieldError)
          return res
            .status(400)
            .render("pages/partners/account", await accountPage(user, { errors: fieldErrors(err) }));
        throw err;
      }
      req.session.flash = {
        heading: "Your password has been changed. Any other sessions you had open have been signed out.",
      };
      res.redirect("/partners/account");
    }),

    get("/account/two-factor", "second-factor", async (req, res) => {
      const user = req.user!;
      if (user.twoFactorEnabled) return res.redirect("/partners/account");
      req.session.pendingTotpSecret ??= services.twoFactor.newSecret();
      res.render("pages/partners/two-factor-setup", await setupPage(user, req.session.pendingTotpSecret));
    }),

    post("/account/two-factor", "second-factor", async (req, res) => {
      const user = req.user!;
      const secret = req.session.pendingTotpSecret;
      if (user.twoFactorEnabled || !secret) return res.redirect("/partners/account/two-factor");
      const form = parseForm(codeForm, req.body);
      if (!form.ok)
        return res.status(400).render("pages/partners/two-factor-setup", await setupPage(user, secret, form.errors));
      let codes: string[];
      try {
        codes = await services.twoFactor.enable(user, secret, form.data.code);
      } catch (err) {
        if (err instanceof FieldError) {
          return res
            .status(400)
            .render("pages/partners/two-factor-setup", await setupPage(user, secret, fieldErrors(err)));
        }
        throw err;
      }
      delete req.session.pendingTotpSecret;
      req.session.twoFactorPassed = true;
      // Shown once, in this response only.
      res.render("pages/partners/recovery-codes", { area: "partners", title: "Save your recovery codes", user, codes });
    }),

    post("/account/two-factor/disable", "signed-in", async (req, res) => {
      const user = req.user!;
      if (services.twoFactor.requiredFor(user)) {
        return res.status(403).render("pages/errors/4xx", {
          area: "partners",
          title: "You cannot do that",
          message: "Coordinators must use an authenticator app.",
        });
      }
      await services.twoFactor.disable(user);
      req.session.flash = { heading: "Your authenticator app has been turned off" };
      res.redirect("/partners/account");
    }),
  ];
}
