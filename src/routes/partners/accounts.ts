// Coordinators manage partner accounts: list, create, edit, deactivate, reactivate, unlock and
// reset (a new one-time set-password link).
import type { Response } from "express";
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
});

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
    },
  ) {
    res.status(model.status ?? 200).render("pages/partners/accounts/form", {
      area: "partners",
      user: res.locals.user,
      agencies: await services.agencies.offered([model.keepAgencyId]),
      roles: Object.entries(ROLE_LABELS).map(([value, label]) => ({ value, label })),
      ...model,
    });
  }

  const linkPage = (
    res: Response,
    heading: string,
    result: { user: { name: string; email: string }; link: string; emailed: boolean },
  ) =>
    res.render("pages/partners/accounts/link", {
      area: "partners",
      title: heading,
      user: res.locals.user,
      account: result.user,
      link: result.link,
      emailed: result.emailed,
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
        linkPage(res, "Account added", await services.accounts.create(req.user!, form.data));
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
        values: {
          name: account.name,
          email: account.email,
          role: account.role,
          agencyId: String(account.agencyId ?? ""),
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

    post("/accounts/:id/deactivate", "coordinator", async (req, res) => {
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

    post("/accounts/:id/reset", "coordinator", async (req, res) => {
      linkPage(res, "Password reset", await services.accounts.reset(req.user!, accountId(req.params.id)));
    }),
  ];
}
