// What every part of managing a plan shares: reading the path, the pages around its forms, and
// the ways its routes are built (a form's GET and POST, a button, "Are you sure?" then delete,
// moving and retiring an item). Only coordinators reach any of them.
import type { Request, Response } from "express";
import { z } from "zod";
import { FieldError, ServiceError, notFound } from "../../../../services/errors.ts";
import type { Services } from "../../../../services/index.ts";
import type { Direction } from "../../../../services/plan/admin/index.ts";
import { parseYearSlug, yearSlug } from "../../../../services/plan/year.ts";
import { fieldErrors, idParam, parseForm, type FormErrors, type FormValues } from "../../../forms.ts";
import { get, post, type PartnerRoute } from "../../route-table.ts";

export const WHOLE_PARTNERSHIP = "The whole partnership";
export const ALL = "ALL";

const count = (n: number) => n.toLocaleString("en-GB");
export const tooLong = (what: string, max: number) => `${what} must be ${count(max)} characters or fewer`;
export const optional = (max: number, what: string) => z.string().trim().max(max, tooLong(what, max));

/** Every path of one plan's management starts here. */
export const P = "/plans/:year";

/** Buttons that only act (move, retire, publish...) send nothing but the CSRF token. */
export const actionForm = z.object({});

/** The form's date inputs: the deadline of a quarter, a commitment's target date. */
const DATE_FIELDS = ["deadline", "targetDate"];

/** Errors for a date input: the summary links to its first field. */
export const dateErrors = (message: string, field = "deadline"): FormErrors => ({
  list: [{ text: message, href: `#${field}-day` }],
  fields: { [field]: { text: message } },
});

export const dateValues = (date: Date | null, field = "deadline"): FormValues => ({
  [`${field}-day`]: date ? String(date.getUTCDate()) : "",
  [`${field}-month`]: date ? String(date.getUTCMonth() + 1) : "",
  [`${field}-year`]: date ? String(date.getUTCFullYear()) : "",
});

// ---- Path parameters: anything malformed is "not found" ----

export const yearParam = (req: Request): number => {
  const startYear = parseYearSlug(String(req.params.year ?? ""));
  if (startYear === undefined) throw notFound("plan");
  return startYear;
};

export const idOf = (req: Request, name: string, what: string): number => {
  const id = idParam(req.params[name]);
  if (id === undefined) throw notFound(what);
  return id;
};

export const manageHref = (startYear: number) => `/partners/plans/${yearSlug(startYear)}/manage`;
export const pathOf = (req: Request) => req.originalUrl.split("?")[0]!;

/** The "Are you sure?" page (views/pages/partners/confirm.ejs) for an action on one plan. */
export function confirmPage(
  res: Response,
  model: {
    caption: string;
    backHref: string;
    title: string;
    heading?: string;
    paragraphs: string[];
    action: string;
    button: string;
    lists?: { heading: string; items: string[] }[];
    warning?: string;
    fields?: Record<string, string>;
  },
) {
  res.render("pages/partners/confirm", {
    area: "partners",
    user: res.locals.user,
    backText: "Back to managing the plan",
    cancelHref: model.backHref,
    ...model,
  });
}

export function render(res: Response, template: string, model: Record<string, unknown>, status = 200) {
  res.status(status).render(`pages/partners/plan/admin/${template}`, {
    area: "partners",
    user: res.locals.user,
    ...model,
  });
}

/** A form page's model: what the page shows around the form, and the values it starts with. */
interface FormPage {
  model: Record<string, unknown> & { title: string };
  values: FormValues;
}

/** The route builders of one plan's management, around the plan administration service. */
export function routeHelpers(services: Services) {
  const admin = services.planAdmin;

  const done = (req: Request, res: Response, startYear: number, heading: string, href = manageHref(startYear)) => {
    req.session.flash = { heading };
    res.redirect(href);
  };

  /** The page around every form of one plan: its name as the caption and the way back. */
  async function planPage(startYear: number) {
    const plan = await admin.getPlan(startYear);
    return { plan, caption: plan.title, backHref: manageHref(startYear) };
  }

  /**
   * A GET and a POST for one form: `load` finds what the form is about (a 404 for unknown or
   * another plan's ids, before anything else), `save` validates the rules and changes it,
   * returning the heading of the success message. Bad input re-renders the form with a 400.
   */
  function formRoutes<Shape extends z.ZodRawShape>(spec: {
    path: string;
    template: string;
    schema: z.ZodObject<Shape>;
    multiple?: string[];
    load: (req: Request) => Promise<FormPage>;
    save: (req: Request, data: z.infer<z.ZodObject<Shape>>) => Promise<string>;
    /** Extra checks on valid data that the form itself shows (e.g. a real date). */
    check?: (data: z.infer<z.ZodObject<Shape>>) => FormErrors | undefined;
    /** Reshapes validation errors, e.g. the three fields of a date as one. */
    errors?: (errors: FormErrors) => FormErrors;
    /** Where a save goes back to (the management page unless said). */
    doneHref?: (req: Request) => string;
  }): PartnerRoute[] {
    return [
      get(spec.path, "coordinator", async (req, res) => {
        const page = await spec.load(req);
        render(res, spec.template, { ...page.model, action: pathOf(req), values: page.values });
      }),
      post(spec.path, "coordinator", async (req, res) => {
        const startYear = yearParam(req);
        const page = await spec.load(req);
        const again = (values: FormValues, errors: FormErrors) =>
          render(res, spec.template, { ...page.model, action: pathOf(req), values, errors }, 400);
        const form = parseForm(spec.schema, req.body, spec.multiple);
        if (!form.ok) return again(form.values, spec.errors ? spec.errors(form.errors) : form.errors);
        const problem = spec.check?.(form.data);
        if (problem) return again(form.values, problem);
        let heading: string;
        try {
          heading = await spec.save(req, form.data);
        } catch (err) {
          if (err instanceof FieldError)
            return again(
              form.values,
              DATE_FIELDS.includes(err.field) ? dateErrors(err.message, err.field) : fieldErrors(err),
            );
          throw err;
        }
        done(req, res, startYear, heading, spec.doneHref?.(req));
      }),
    ];
  }

  /** A button on the management page that changes one thing and comes back with a message. */
  const action = (path: string, run: (req: Request, startYear: number) => Promise<string>) =>
    post(path, "coordinator", async (req, res) => {
      parseForm(actionForm, req.body);
      const startYear = yearParam(req);
      done(req, res, startYear, await run(req, startYear));
    });

  /** "Are you sure?" then delete; refused (409, nothing stored) when the item has reviews. */
  function deleteRoutes(spec: {
    path: string;
    what: string;
    load: (req: Request) => Promise<{ name: string; blocked: boolean; retireAction?: string; retired?: boolean }>;
    remove: (req: Request, startYear: number) => Promise<unknown>;
  }): PartnerRoute[] {
    const page = async (req: Request, res: Response, status = 200, refused?: string) => {
      const startYear = yearParam(req);
      const [item, around] = await Promise.all([spec.load(req), planPage(startYear)]);
      const blocked = item.blocked || refused !== undefined;
      render(
        res,
        "delete",
        {
          ...around,
          title: blocked ? `You cannot delete this ${spec.what}` : `Are you sure you want to delete this ${spec.what}?`,
          what: spec.what,
          name: item.name,
          blocked,
          reason: refused ?? admin.DELETE_REFUSED(spec.what),
          retireAction: item.retired ? undefined : item.retireAction,
          action: pathOf(req),
        },
        status,
      );
    };
    return [
      get(spec.path, "coordinator", (req, res) => page(req, res)),
      post(spec.path, "coordinator", async (req, res) => {
        parseForm(actionForm, req.body);
        const startYear = yearParam(req);
        try {
          await spec.remove(req, startYear);
        } catch (err) {
          if (err instanceof ServiceError && err.status === 409) return page(req, res, 409, err.message);
          throw err;
        }
        const what = spec.what.charAt(0).toUpperCase() + spec.what.slice(1);
        done(req, res, startYear, `${what} deleted`);
      }),
    ];
  }

  /** Move up / down, retire / restore and delete for one kind of item. */
  const moves = (
    base: string,
    what: string,
    run: (req: Request, startYear: number, direction: Direction) => Promise<boolean>,
  ) =>
    (["up", "down"] as const).map((direction) =>
      action(`${base}/move-${direction}`, async (req, startYear) =>
        (await run(req, startYear, direction))
          ? `${what} moved ${direction}`
          : `The ${what.toLowerCase()} is already ${direction === "up" ? "first" : "last"}`,
      ),
    );

  const retirement = (
    base: string,
    what: string,
    run: (req: Request, startYear: number, retired: boolean) => Promise<boolean>,
  ) => [
    action(`${base}/retire`, async (req, startYear) => {
      await run(req, startYear, true);
      return `${what} retired: it no longer shows in the plan`;
    }),
    action(`${base}/restore`, async (req, startYear) => {
      await run(req, startYear, false);
      return `${what} restored to the plan`;
    }),
  ];

  async function agencyItems(keep: number[]) {
    const agencies = await services.agencies.list();
    return agencies
      .filter((a) => a.active || keep.includes(a.id))
      .map((a) => ({ value: String(a.id), text: a.active ? a.name : `${a.name} (no longer active)` }));
  }

  return { services, admin, done, planPage, formRoutes, action, deleteRoutes, moves, retirement, agencyItems };
}

export type RouteHelpers = ReturnType<typeof routeHelpers>;
