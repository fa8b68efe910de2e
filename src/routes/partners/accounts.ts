// Coordinators manage partner accounts: list, create, edit, deactivate, reactivate, unlock and
// reset (a new one-time set-password link).
import type { Request, Response } from "express";
import { z } from "zod";
import { Role } from "../../generated/prisma/enums.ts";
import { FieldError, notFound } from "../../services/errors.ts";
import type { Services } from "../../services/index.ts";
import { fieldErrors, idParam, parseForm, text, type FormErrors, type FormValues } from "../forms.ts";
import { get, post, type PartnerRoute } from "./route-table.ts";

export const ROLE_LABELS: Record<Role, string> = { COORDINATOR: "Coordinator", OFFICER: "Officer", VIEWER: "Viewer" };

const accountForm = z.object({
  name: text(100, "Enter the person's full name", "Name must be 100 characters or fewer"),
  email: z
    .string()
    .trim()
    .min(1, "Enter the person's email address")
    .max(254, "Email address must be 254 characters or fewer")
    .pipe(z.email("Enter an email address in the correct format, like name@example.org")),
  role: z.enum(Role, "Select a role"),
  agencyId: z.union([
    z.literal("").transform(() => null),
    z
      .string()
      .regex(/^\d{1,9}$/, "Select an agency from the list")
      .transform(Number),
  ]),
  caseAccess: z.enum(["", "yes"], "Choose from the options").transform((v) => v === "yes"),
  reportingCentreId: z
    .string()
    .regex(/^(\d{1,9})?$/, "Select a reporting centre from the list")
    .transform((v) => (v === "" ? null : Number(v))),
});

/** A confirmation page's button sends nothing but the CSRF token. */
const confirmForm = z.object({});

export function accountsRoutes(services: Services): PartnerRoute[] {
  const accountId = (value: unknown) => {
    const id = idParam(value);
    if (id === undefined) throw notFound("account");
    return id;
  };

  async function renderForm(
    res: Response,
    model: {
      title: string;
      action: string;
      values: FormValues;
      errors?: FormErrors;
      status?: number;
      keepAgencyId?: number | null;
      keepCentreId?: number | null;
    },
  ) {
    res.status(model.status ?? 200).render("pages/partners/accounts/form", {
      area: "partners",
      user: res.locals.user,
      agencies: await services.agencies.offered([model.keepAgencyId]),
      centres: await services.directory.centresOffered(model.keepCentreId ?? null),
      roles: Object.entries(ROLE_LABELS).map(([value, label]) => ({ value, label })),
      ...model,
    });
  }

  /**
   * The link as a full address: from PUBLIC_BASE_URL when it is set (config), otherwise from the
   * address this request came to (behind a proxy, TRUST_PROXY makes that the public one).
   */
  const fullLink = (req: Request, link: string) =>
    link.startsWith("/") ? `${req.protocol}://${req.get("host") ?? "localhost"}${link}` : link;

  const linkPage = (
    req: Request,
    res: Response,
    heading: string,
    result: { user: { name: string; email: string }; link: string; emailed: boolean },
  ) =>
    res.render("pages/partners/accounts/link", {
      area: "partners",
      title: heading,
      user: res.locals.user,
      account: result.user,
      link: fullLink(req, result.link),
      emailed: result.emailed,
    });

  /** "Are you sure?" before a change that cannot be taken back by the person it is done to. */
  const confirmPage = (
    res: Response,
    model: { title: string; heading: string; action: string; button: string; paragraphs: string[]; warning?: string },
  ) =>
    res.render("pages/partners/confirm", {
      area: "partners",
      user: res.locals.user,
      backHref: "/partners/accounts",
      backText: "Back to accounts",
      cancelHref: "/partners/accounts",
      ...model,
    });

  const flashAndBack = (req: Parameters<PartnerRoute["handlers"][number]>[0], res: Response, heading: string) => {
    req.session.flash = { heading };
    res.redirect("/partners/accounts");
  };

  return [
    get("/accounts", "coordinator", async (req, res) => {
      res.render("pages/partners/accounts/index", {
        area: "partners",
        title: "Accounts",
        user: req.user,
        accounts: (await services.accounts.list()).map((a) => ({ ...a, roleLabel: ROLE_LABELS[a.role] })),
      });
    }),

    get("/accounts/new", "coordinator", (_req, res) =>
      renderForm(res, { title: "Add an account", action: "/partners/accounts/new", values: { role: "OFFICER" } }),
    ),

    post("/accounts/new", "coordinator", async (req, res) => {
      const model = { title: "Add an account", action: "/partners/accounts/new" };
      const form = parseForm(accountForm, req.body);
      if (!form.ok) return renderForm(res, { ...model, values: form.values, errors: form.errors, status: 400 });
      try {
        linkPage(req, res, "Account added", await services.accounts.create(req.user!, form.data));
      } catch (err) {
        if (err instanceof FieldError)
          return renderForm(res, { ...model, values: form.values, errors: fieldErrors(err), status: 400 });
        throw err;
      }
    }),

    get("/accounts/:id", "coordinator", async (req, res) => {
      const account = await services.accounts.get(accountId(req.params.id));
      renderForm(res, {
        title: `Change ${account.name}`,
        action: `/partners/accounts/${account.id}`,
        keepAgencyId: account.agencyId,
        keepCentreId: account.reportingCentreId,
        values: {
          name: account.name,
          email: account.email,
          role: account.role,
          agencyId: String(account.agencyId ?? ""),
          caseAccess: account.caseAccess ? "yes" : "",
          reportingCentreId: String(account.reportingCentreId ?? ""),
        },
      });
    }),

    post("/accounts/:id", "coordinator", async (req, res) => {
      const id = accountId(req.params.id);
      const account = await services.accounts.get(id);
      const model = {
        title: `Change ${account.name}`,
        action: `/partners/accounts/${id}`,
        keepAgencyId: account.agencyId,
        keepCentreId: account.reportingCentreId,
      };
      const form = parseForm(accountForm, req.body);
      if (!form.ok) return renderForm(res, { ...model, values: form.values, errors: form.errors, status: 400 });
      try {
        await services.accounts.update(req.user!, id, form.data);
      } catch (err) {
        if (err instanceof FieldError)
          return renderForm(res, { ...model, values: form.values, errors: fieldErrors(err), status: 400 });
        throw err;
      }
      flashAndBack(req, res, `${form.data.name}'s account has been changed`);
    }),

    get("/accounts/:id/deactivate", "coordinator", async (req, res) => {
      const account = await services.accounts.get(accountId(req.params.id));
      if (!account.active || account.id === req.user!.id) return res.redirect("/partners/accounts");
      confirmPage(res, {
        title: "Deactivate an account",
        heading: `Are you sure you want to deactivate ${account.name}'s account?`,
        action: `/partners/accounts/${account.id}/deactivate`,
        button: "Deactivate the account",
        paragraphs: [
          `${account.name} (${account.email}) will be signed out at once and will not be able to sign in.`,
          "Their updates and the audit trail are kept. You can reactivate the account later.",
        ],
      });
    }),

    post("/accounts/:id/deactivate", "coordinator", async (req, res) => {
      parseForm(confirmForm, req.body);
      const id = accountId(req.params.id);
      await services.accounts.setActive(req.user!, id, false);
      flashAndBack(req, res, "Account deactivated: it can no longer sign in");
    }),

    post("/accounts/:id/reactivate", "coordinator", async (req, res) => {
      await services.accounts.setActive(req.user!, accountId(req.params.id), true);
      flashAndBack(req, res, "Account reactivated");
    }),

    post("/accounts/:id/unlock", "coordinator", async (req, res) => {
      await services.accounts.unlock(req.user!, accountId(req.params.id));
      flashAndBack(req, res, "Account unlocked: it can sign in again");
    }),

    get("/accounts/:id/reset", "coordinator", async (req, res) => {
      const account = await services.accounts.get(accountId(req.params.id));
      if (!account.active) return res.redirect("/partners/accounts");
      confirmPage(res, {
        title: "Reset a password",
        heading: `Are you sure you want to reset ${account.name}'s password?`,
        action: `/partners/accounts/${account.id}/reset`,
        button: "Reset the password",
        paragraphs: [
          `${account.name}'s current password will stop working at once and they will be signed out.`,
          "You will get a new set-password link for them (it is also emailed when email is set up). They cannot sign in until they use it.",
        ],
      });
    }),

    post("/accounts/:id/reset", "coordinator", async (req, res) => {
      parseForm(confirmForm, req.body);
      linkPage(req, res, "Password reset", await services.accounts.reset(req.user!, accountId(req.params.id)));
    }),
  ];
}
