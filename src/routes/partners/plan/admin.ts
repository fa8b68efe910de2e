// Coordinators run the plan: the list of plans (every partner may read it), creating a year's
// plan, and the management page of one plan with its forms and actions (details, purposes,
// achievements, objectives, commitments, risks, quarters, publishing and roll-over).
import type { Request, Response } from "express";
import { z } from "zod";
import { STATUS_TAGS } from "../../../content/status.ts";
import type { PlanStatus } from "../../../generated/prisma/enums.ts";
import { FieldError, ServiceError, notFound } from "../../../services/errors.ts";
import type { Services } from "../../../services/index.ts";
import {
  LIMITS,
  YEAR_RANGE,
  formatDay,
  type CommitmentInput,
  type Direction,
  type RiskInput,
} from "../../../services/plan/admin.ts";
import { achievementsHeading } from "../../../services/plan/document.ts";
import { type Quarter, parseYearSlug, quarterOf, yearLabel, yearSlug } from "../../../services/plan/year.ts";
import { ALL_AGENCIES_LABEL, quarterMonths } from "../../../services/plan/plans.ts";
import { fieldErrors, idParam, parseForm, text, type FormErrors, type FormValues } from "../../forms.ts";
import { get, post, type PartnerRoute } from "../route-table.ts";

export const PLAN_STATUS_TAGS: Record<PlanStatus, { text: string; classes: string }> = {
  DRAFT: { text: "Draft", classes: "govuk-tag--grey" },
  PUBLISHED: { text: "Published", classes: "govuk-tag--green" },
  ARCHIVED: { text: "Archived", classes: "govuk-tag--yellow" },
};

const WHOLE_PARTNERSHIP = "The whole partnership";
const ALL = "ALL";

const count = (n: number) => n.toLocaleString("en-GB");
const tooLong = (what: string, max: number) => `${what} must be ${count(max)} characters or fewer`;
const optional = (max: number, what: string) => z.string().trim().max(max, tooLong(what, max));

// ---- Forms ----

const createForm = z.object({
  startYear: z
    .string()
    .trim()
    .min(1, "Enter the year the plan starts")
    .regex(/^\d{4}$/, "Enter the year as 4 digits, like 2024")
    .transform(Number)
    .refine(
      (y) => y >= YEAR_RANGE.first && y <= YEAR_RANGE.last,
      `The year must be between ${YEAR_RANGE.first} and ${YEAR_RANGE.last}`,
    ),
});

const detailsForm = z.object({
  title: text(LIMITS.title, "Enter the plan's title", tooLong("Title", LIMITS.title)),
  strapline: optional(LIMITS.title, "Strapline"),
  vision: text(LIMITS.long, "Enter the partnership's vision", tooLong("Vision", LIMITS.long)),
  introduction: optional(LIMITS.long, "Introduction"),
});

const purposeForm = z.object({
  text: text(LIMITS.text, "Enter what the partnership does", tooLong("Purpose", LIMITS.text)),
});

const achievementForm = z.object({
  title: text(LIMITS.title, "Enter the achievement's title", tooLong("Title", LIMITS.title)),
  description: text(LIMITS.text, "Enter a description of the achievement", tooLong("Description", LIMITS.text)),
});

const objectiveForm = z.object({
  title: text(LIMITS.title, "Enter the objective", tooLong("Objective", LIMITS.title)),
});

const commitmentForm = z.object({
  text: text(LIMITS.text, "Enter the commitment", tooLong("Commitment", LIMITS.text)),
  "targetDate-day": z.string().trim().max(10, "Enter the day as a number, like 31"),
  "targetDate-month": z.string().trim().max(10, "Enter the month as a number, like 3"),
  "targetDate-year": z.string().trim().max(10, "Enter the year as 4 digits, like 2024"),
  // Each agency's contact field comes with its agency's id, in the same order ("[]": they repeat).
  "contactAgency[]": z.array(z.string().regex(/^\d{1,9}$/)).max(100),
  "contactName[]": z.array(z.string().max(1_000)).max(100),
  leads: z
    .array(z.string().regex(/^(ALL|\d{1,9})$/, "Select lead agencies from the list"))
    .max(100, "Select lead agencies from the list")
    .refine((l) => l.length > 0, "Select the lead agencies, or All agencies")
    .refine((l) => !(l.includes(ALL) && l.length > 1), "Select either the lead agencies or All agencies, not both"),
});

const riskForm = z.object({
  description: text(LIMITS.text, "Enter the risk", tooLong("Risk", LIMITS.text)),
  mitigation: text(
    LIMITS.text,
    "Enter how the partnership will tackle the risk",
    tooLong("How we will tackle it", LIMITS.text),
  ),
  rating: z.enum(["RED", "AMBER", "GREEN"], "Select the risk's rating"),
  owner: z.string().regex(/^(ALL|\d{1,9})$/, "Select who owns the risk"),
});

const deadlineForm = z.object({
  "deadline-day": z.string().trim().max(10, "Enter the day as a number, like 21"),
  "deadline-month": z.string().trim().max(10, "Enter the month as a number, like 7"),
  "deadline-year": z.string().trim().max(10, "Enter the year as 4 digits, like 2023"),
});

/** Buttons that only act (move, retire, publish...) send nothing but the CSRF token. */
const actionForm = z.object({});

/** Closing a quarter: "yes" once the coordinator has seen what is still to update. */
const closeForm = z.object({ confirmed: z.enum(["", "yes"]) });

/**
 * Reads a GOV.UK date input (day, month, year) as the end of that day (23:59:59 UTC), the way
 * the default deadline is stored; or the message to show.
 */
export function parseDateParts(
  day: string,
  month: string,
  year: string,
  name = "deadline",
): { date: Date } | { error: string } {
  const parts = [day.trim(), month.trim(), year.trim()];
  const names = ["day", "month", "year"];
  if (parts.every((p) => p === ""))
    return { error: `Enter the ${name === "deadline" ? "deadline for updates" : name}` };
  const missing = names.filter((_, i) => parts[i] === "");
  if (missing.length > 0) return { error: `The ${name} must include a ${missing.join(" and a ")}` };
  if (!parts.every((p) => /^\d+$/.test(p))) return { error: `The ${name} must be a real date` };
  if (!/^\d{4}$/.test(parts[2]!)) return { error: "The year must include 4 numbers" };
  const [d, m, y] = parts.map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d, 23, 59, 59));
  if (m < 1 || m > 12 || date.getUTCDate() !== d || date.getUTCMonth() !== m - 1)
    return { error: `The ${name} must be a real date` };
  return { date };
}

/** The form's date inputs: the deadline of a quarter, a commitment's target date. */
const DATE_FIELDS = ["deadline", "targetDate"];

/** Errors for a date input: the summary links to its first field. */
const dateErrors = (message: string, field = "deadline"): FormErrors => ({
  list: [{ text: message, href: `#${field}-day` }],
  fields: { [field]: { text: message } },
});

const dateValues = (date: Date | null, field = "deadline"): FormValues => ({
  [`${field}-day`]: date ? String(date.getUTCDate()) : "",
  [`${field}-month`]: date ? String(date.getUTCMonth() + 1) : "",
  [`${field}-year`]: date ? String(date.getUTCFullYear()) : "",
});

/** A commitment's optional target date from its date input: null when left blank. */
function targetDateOf(data: { "targetDate-day": string; "targetDate-month": string; "targetDate-year": string }) {
  const parts = [data["targetDate-day"], data["targetDate-month"], data["targetDate-year"]] as const;
  if (parts.every((p) => p.trim() === "")) return { date: null };
  return parseDateParts(...parts, "target date");
}

// ---- Path parameters: anything malformed is "not found" ----

const yearParam = (req: Request): number => {
  const startYear = parseYearSlug(String(req.params.year ?? ""));
  if (startYear === undefined) throw notFound("plan");
  return startYear;
};

const idOf = (req: Request, name: string, what: string): number => {
  const id = idParam(req.params[name]);
  if (id === undefined) throw notFound(what);
  return id;
};

const quarterParam = (req: Request): Quarter => {
  const q = req.params.quarter;
  if (q === "1" || q === "2" || q === "3" || q === "4") return Number(q) as Quarter;
  throw notFound("quarter");
};

const manageHref = (startYear: number) => `/partners/plans/${yearSlug(startYear)}/manage`;
const pathOf = (req: Request) => req.originalUrl.split("?")[0]!;

/** The "Are you sure?" page (views/pages/partners/confirm.ejs) for an action on one plan. */
function confirmPage(
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

function render(res: Response, template: string, model: Record<string, unknown>, status = 200) {
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

export function planAdminRoutes(services: Services): PartnerRoute[] {
  const admin = services.planAdmin;

  const done = (req: Request, res: Response, startYear: number, heading: string) => {
    req.session.flash = { heading };
    res.redirect(manageHref(startYear));
  };

  /** The page around every form of one plan: its name as the caption and the way back. */
  async function planPage(startYear: number) {
    const plan = await admin.getPlan(startYear);
    return { plan, caption: plan.title, backHref: manageHref(startYear) };
  }

  /** "Are you sure?" before deleting a plan, or why it cannot be deleted. */
  async function deletePlanPage(req: Request, res: Response, status = 200, refusedNow?: string) {
    const startYear = yearParam(req);
    const { plan, refused } = await admin.planDeletion(startYear);
    const reason = refusedNow ?? refused;
    render(
      res,
      "delete",
      {
        plan,
        caption: plan.title,
        backHref: manageHref(startYear),
        title: reason
          ? "You cannot delete this plan"
          : `Are you sure you want to delete the ${yearLabel(startYear)} plan?`,
        what: "plan",
        name: `${plan.title}: its purposes, achievements, objectives, commitments, risks and quarters`,
        blocked: reason !== undefined,
        reason,
        action: pathOf(req),
      },
      status,
    );
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
        done(req, res, startYear, heading);
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

  const commitmentInput = (data: z.infer<typeof commitmentForm>): CommitmentInput => {
    const target = targetDateOf(data);
    if ("error" in target) throw new FieldError("targetDate", target.error);
    return {
      text: data.text,
      allAgencies: data.leads.includes(ALL),
      agencyIds: [...new Set(data.leads.filter((l) => l !== ALL).map(Number))],
      targetDate: target.date,
      contacts: data["contactAgency[]"].map((agencyId, i) => ({
        agencyId: Number(agencyId),
        name: data["contactName[]"][i] ?? "",
      })),
    };
  };

  /** A commitment form's values for what is stored: its leads, target date and contacts. */
  const commitmentValues = (c?: {
    text: string;
    allAgencies: boolean;
    leads: { agencyId: number }[];
    targetDate: Date | null;
    contacts: { agencyId: number; name: string }[];
  }): FormValues => ({
    text: c?.text ?? "",
    leads: c ? (c.allAgencies ? [ALL] : c.leads.map((l) => String(l.agencyId))) : [],
    ...dateValues(c?.targetDate ?? null, "targetDate"),
    "contactAgency[]": (c?.contacts ?? []).map((x) => String(x.agencyId)),
    "contactName[]": (c?.contacts ?? []).map((x) => x.name),
  });

  const riskInput = (data: z.infer<typeof riskForm>): RiskInput => ({
    description: data.description,
    mitigation: data.mitigation,
    rating: data.rating,
    ownerAgencyId: data.owner === ALL ? null : Number(data.owner),
  });

  async function commitmentPage(req: Request, title: string, keep: number[]) {
    return {
      ...(await planPage(yearParam(req))),
      title,
      agencyItems: await agencyItems(keep),
      allAgenciesValue: ALL,
      allAgenciesLabel: ALL_AGENCIES_LABEL,
    };
  }

  async function riskPage(req: Request, title: string, keep: number | null) {
    return {
      ...(await planPage(yearParam(req))),
      title,
      agencyItems: await agencyItems(keep === null ? [] : [keep]),
      wholePartnershipValue: ALL,
      wholePartnershipLabel: WHOLE_PARTNERSHIP,
      ratingItems: (["RED", "AMBER", "GREEN"] as const).map((s) => ({ value: s, text: STATUS_TAGS[s].text })),
    };
  }

  async function listPage(req: Request, res: Response, extra: { values?: FormValues; errors?: FormErrors } = {}) {
    const user = req.user!;
    const plans = await admin.list();
    const latest = plans[0]?.startYear;
    const suggested = latest !== undefined ? latest + 1 : quarterOf(new Date()).startYear;
    render(
      res,
      "index",
      {
        title: "Plans",
        isCoordinator: user.role === "COORDINATOR",
        plans: plans.map((p) => ({
          ...p,
          slug: yearSlug(p.startYear),
          statusTag: PLAN_STATUS_TAGS[p.status],
        })),
        values: extra.values ?? { startYear: suggested <= YEAR_RANGE.last ? String(suggested) : "" },
        errors: extra.errors,
      },
      extra.errors ? 400 : 200,
    );
  }

  const P = "/plans/:year";

  return [
    get("/plans", "signed-in", (req, res) => listPage(req, res)),

    post("/plans", "coordinator", async (req, res) => {
      const form = parseForm(createForm, req.body);
      if (!form.ok) return listPage(req, res, { values: form.values, errors: form.errors });
      try {
        const plan = await admin.create(req.user!, form.data.startYear);
        done(req, res, plan.startYear, `${plan.title} created as a draft`);
      } catch (err) {
        if (err instanceof FieldError) return listPage(req, res, { values: form.values, errors: fieldErrors(err) });
        throw err;
      }
    }),

    get(`${P}/manage`, "coordinator", async (req, res) => {
      const startYear = yearParam(req);
      const plan = await admin.manageView(startYear);
      render(res, "manage", {
        title: `Manage the ${yearLabel(startYear)} plan`,
        plan,
        base: `/partners/plans/${plan.slug}`,
        statusTag: PLAN_STATUS_TAGS[plan.status],
        statusTags: STATUS_TAGS,
        quarters: plan.quarters.map((q) => ({
          ...q,
          deadlineText: q.deadline ? formatDay(q.deadline) : "Not set",
          defaultText: formatDay(q.defaultDeadline),
        })),
        nextYearLabel: yearLabel(plan.nextYear.startYear),
        nextYearHref: manageHref(plan.nextYear.startYear),
        wholePartnershipLabel: WHOLE_PARTNERSHIP,
        achievementsHeading: achievementsHeading(startYear),
      });
    }),

    // ---- Details and status ----

    ...formRoutes({
      path: `${P}/details`,
      template: "details",
      schema: detailsForm,
      load: async (req) => {
        const page = await planPage(yearParam(req));
        const { title, strapline, vision, introduction } = page.plan;
        return {
          model: { ...page, title: "Change the plan's details" },
          values: { title, strapline, vision, introduction },
        };
      },
      save: async (req, data) => {
        await admin.updateDetails(req.user!, yearParam(req), data);
        return "Plan details saved";
      },
    }),

    action(`${P}/publish`, async (req, startYear) => {
      await admin.setStatus(req.user!, startYear, "PUBLISHED");
      return "Plan published: the public can see it";
    }),
    get(`${P}/unpublish`, "coordinator", async (req, res) => {
      const startYear = yearParam(req);
      const around = await planPage(startYear);
      if (around.plan.status !== "PUBLISHED") return res.redirect(around.backHref);
      confirmPage(res, {
        ...around,
        caption: around.plan.title,
        title: "Unpublish the plan",
        heading: `Are you sure you want to unpublish the ${yearLabel(startYear)} plan?`,
        paragraphs: [
          `The public will no longer see it at /plan/${yearSlug(startYear)}: it becomes a draft again.`,
          "Officers will not be able to record their quarterly updates on it until it is published again. Its reviews are kept.",
        ],
        action: pathOf(req),
        button: "Unpublish the plan",
      });
    }),
    action(`${P}/unpublish`, async (req, startYear) => {
      await admin.setStatus(req.user!, startYear, "DRAFT");
      return "Plan unpublished: it is a draft again and the public cannot see it";
    }),
    action(`${P}/archive`, async (req, startYear) => {
      await admin.setStatus(req.user!, startYear, "ARCHIVED");
      return "Plan archived: the public cannot see it";
    }),

    // A draft nobody has reviewed yet (a roll-over made by mistake) can be deleted.
    get(`${P}/delete`, "coordinator", async (req, res) => deletePlanPage(req, res)),
    post(`${P}/delete`, "coordinator", async (req, res) => {
      parseForm(actionForm, req.body);
      const startYear = yearParam(req);
      try {
        await admin.deletePlan(req.user!, startYear);
      } catch (err) {
        if (err instanceof ServiceError && err.status === 409) return deletePlanPage(req, res, 409, err.message);
        throw err;
      }
      req.session.flash = { heading: `The ${yearLabel(startYear)} plan has been deleted` };
      res.redirect("/partners/plans");
    }),

    get(`${P}/rollover`, "coordinator", async (req, res) => {
      const startYear = yearParam(req);
      const plan = await admin.manageView(startYear);
      const next = yearLabel(startYear + 1);
      if (plan.nextYear.exists || !plan.nextYear.allowed) return res.redirect(manageHref(startYear));
      confirmPage(res, {
        caption: plan.title,
        backHref: manageHref(startYear),
        title: `Roll over to ${next}`,
        heading: `Are you sure you want to draft the ${next} plan from this one?`,
        paragraphs: [
          `A draft plan for ${next} will be made. It copies the vision, strapline, introduction, purposes, objectives and risks (without their reviews), and the commitments that were not Complete at their latest review. Commitments that were Complete or Green at quarter 4 become draft achievements for you to check. Retired items are left behind.`,
          `The public will not see it until you publish it. If you roll over by mistake, you can delete the ${next} plan until anyone records a review on it.`,
        ],
        action: pathOf(req),
        button: `Draft the ${next} plan`,
      });
    }),

    post(`${P}/rollover`, "coordinator", async (req, res) => {
      parseForm(actionForm, req.body);
      const startYear = yearParam(req);
      const result = await admin.rollover(req.user!, startYear);
      const carried = result.commitmentsCarried.length;
      done(
        req,
        res,
        result.startYear,
        `${result.plan.title} drafted from ${yearLabel(startYear)}: ${carried} ${carried === 1 ? "commitment" : "commitments"} carried forward and ${result.achievementsDrafted} ${result.achievementsDrafted === 1 ? "achievement" : "achievements"} drafted for you to check`,
      );
    }),

    // ---- Purposes ----

    ...formRoutes({
      path: `${P}/purposes/new`,
      template: "purpose",
      schema: purposeForm,
      load: async (req) => ({
        model: { ...(await planPage(yearParam(req))), title: "Add a purpose" },
        values: { text: "" },
      }),
      save: async (req, data) => {
        await admin.addPurpose(req.user!, yearParam(req), data.text);
        return "Purpose added";
      },
    }),
    ...formRoutes({
      path: `${P}/purposes/:purposeId`,
      template: "purpose",
      schema: purposeForm,
      load: async (req) => {
        const startYear = yearParam(req);
        const purpose = await admin.getPurpose(startYear, idOf(req, "purposeId", "purpose"));
        return { model: { ...(await planPage(startYear)), title: "Change a purpose" }, values: { text: purpose.text } };
      },
      save: async (req, data) => {
        await admin.updatePurpose(req.user!, yearParam(req), idOf(req, "purposeId", "purpose"), data.text);
        return "Purpose saved";
      },
    }),
    ...deleteRoutes({
      path: `${P}/purposes/:purposeId/delete`,
      what: "purpose",
      load: async (req) => ({
        name: (await admin.getPurpose(yearParam(req), idOf(req, "purposeId", "purpose"))).text,
        blocked: false,
      }),
      remove: (req, startYear) => admin.deletePurpose(req.user!, startYear, idOf(req, "purposeId", "purpose")),
    }),
    ...moves(`${P}/purposes/:purposeId`, "Purpose", (req, startYear, direction) =>
      admin.movePurpose(req.user!, startYear, idOf(req, "purposeId", "purpose"), direction),
    ),

    // ---- Achievements ----

    ...formRoutes({
      path: `${P}/achievements/new`,
      template: "achievement",
      schema: achievementForm,
      load: async (req) => ({
        model: { ...(await planPage(yearParam(req))), title: "Add an achievement" },
        values: { title: "", description: "" },
      }),
      save: async (req, data) => {
        await admin.addAchievement(req.user!, yearParam(req), data);
        return "Achievement added";
      },
    }),
    ...formRoutes({
      path: `${P}/achievements/:achievementId`,
      template: "achievement",
      schema: achievementForm,
      load: async (req) => {
        const startYear = yearParam(req);
        const a = await admin.getAchievement(startYear, idOf(req, "achievementId", "achievement"));
        return {
          model: { ...(await planPage(startYear)), title: "Change an achievement" },
          values: { title: a.title, description: a.description },
        };
      },
      save: async (req, data) => {
        await admin.updateAchievement(req.user!, yearParam(req), idOf(req, "achievementId", "achievement"), data);
        return "Achievement saved";
      },
    }),
    ...deleteRoutes({
      path: `${P}/achievements/:achievementId/delete`,
      what: "achievement",
      load: async (req) => ({
        name: (await admin.getAchievement(yearParam(req), idOf(req, "achievementId", "achievement"))).title,
        blocked: false,
      }),
      remove: (req, startYear) =>
        admin.deleteAchievement(req.user!, startYear, idOf(req, "achievementId", "achievement")),
    }),
    ...moves(`${P}/achievements/:achievementId`, "Achievement", (req, startYear, direction) =>
      admin.moveAchievement(req.user!, startYear, idOf(req, "achievementId", "achievement"), direction),
    ),

    // ---- Objectives ----

    ...formRoutes({
      path: `${P}/objectives/new`,
      template: "objective",
      schema: objectiveForm,
      load: async (req) => {
        const startYear = yearParam(req);
        const number = await admin.nextObjectiveNumber(startYear);
        return { model: { ...(await planPage(startYear)), title: `Add objective ${number}` }, values: { title: "" } };
      },
      save: async (req, data) => {
        const objective = await admin.addObjective(req.user!, yearParam(req), data.title);
        return `Objective ${objective.number} added`;
      },
    }),
    ...formRoutes({
      path: `${P}/objectives/:objectiveId`,
      template: "objective",
      schema: objectiveForm,
      load: async (req) => {
        const startYear = yearParam(req);
        const o = await admin.getObjective(startYear, idOf(req, "objectiveId", "objective"));
        return {
          model: { ...(await planPage(startYear)), title: `Change objective ${o.number}` },
          values: { title: o.title },
        };
      },
      save: async (req, data) => {
        const o = await admin.updateObjective(
          req.user!,
          yearParam(req),
          idOf(req, "objectiveId", "objective"),
          data.title,
        );
        return `Objective ${o.number} saved`;
      },
    }),
    ...deleteRoutes({
      path: `${P}/objectives/:objectiveId/delete`,
      what: "objective",
      load: async (req) => {
        const startYear = yearParam(req);
        const id = idOf(req, "objectiveId", "objective");
        const o = await admin.getObjective(startYear, id);
        return {
          name: `Objective ${o.number}: ${o.title}`,
          blocked: await admin.objectiveHasReviews(startYear, id),
          retireAction: `/partners/plans/${yearSlug(startYear)}/objectives/${id}/retire`,
          retired: o.retiredAt !== null,
        };
      },
      remove: (req, startYear) => admin.deleteObjective(req.user!, startYear, idOf(req, "objectiveId", "objective")),
    }),
    ...moves(`${P}/objectives/:objectiveId`, "Objective", (req, startYear, direction) =>
      admin.moveObjective(req.user!, startYear, idOf(req, "objectiveId", "objective"), direction),
    ),
    ...retirement(`${P}/objectives/:objectiveId`, "Objective", (req, startYear, retired) =>
      admin.setObjectiveRetired(req.user!, startYear, idOf(req, "objectiveId", "objective"), retired),
    ),

    // ---- Commitments ----

    ...formRoutes({
      path: `${P}/objectives/:objectiveId/commitments/new`,
      template: "commitment",
      schema: commitmentForm,
      multiple: ["leads", "contactAgency[]", "contactName[]"],
      load: async (req) => {
        const o = await admin.getObjective(yearParam(req), idOf(req, "objectiveId", "objective"));
        return {
          model: { ...(await commitmentPage(req, "Add a commitment", [])), objective: o },
          values: commitmentValues(),
        };
      },
      save: async (req, data) => {
        await admin.addCommitment(
          req.user!,
          yearParam(req),
          idOf(req, "objectiveId", "objective"),
          commitmentInput(data),
        );
        return "Commitment added";
      },
    }),
    ...formRoutes({
      path: `${P}/commitments/:commitmentId`,
      template: "commitment",
      schema: commitmentForm,
      multiple: ["leads", "contactAgency[]", "contactName[]"],
      load: async (req) => {
        const c = await admin.getCommitment(yearParam(req), idOf(req, "commitmentId", "commitment"));
        const leadIds = c.leads.map((l) => l.agencyId);
        return {
          model: { ...(await commitmentPage(req, "Change a commitment", leadIds)), objective: c.objective },
          values: commitmentValues(c),
        };
      },
      save: async (req, data) => {
        await admin.updateCommitment(
          req.user!,
          yearParam(req),
          idOf(req, "commitmentId", "commitment"),
          commitmentInput(data),
        );
        return "Commitment saved";
      },
    }),
    ...deleteRoutes({
      path: `${P}/commitments/:commitmentId/delete`,
      what: "commitment",
      load: async (req) => {
        const startYear = yearParam(req);
        const id = idOf(req, "commitmentId", "commitment");
        const c = await admin.getCommitment(startYear, id);
        return {
          name: c.text,
          blocked: await admin.commitmentHasReviews(startYear, id),
          retireAction: `/partners/plans/${yearSlug(startYear)}/commitments/${id}/retire`,
          retired: c.retiredAt !== null,
        };
      },
      remove: (req, startYear) => admin.deleteCommitment(req.user!, startYear, idOf(req, "commitmentId", "commitment")),
    }),
    ...moves(`${P}/commitments/:commitmentId`, "Commitment", (req, startYear, direction) =>
      admin.moveCommitment(req.user!, startYear, idOf(req, "commitmentId", "commitment"), direction),
    ),
    ...retirement(`${P}/commitments/:commitmentId`, "Commitment", (req, startYear, retired) =>
      admin.setCommitmentRetired(req.user!, startYear, idOf(req, "commitmentId", "commitment"), retired),
    ),

    // ---- Risks ----

    ...formRoutes({
      path: `${P}/risks/new`,
      template: "risk",
      schema: riskForm,
      load: async (req) => ({
        model: await riskPage(req, "Add a risk", null),
        values: { description: "", mitigation: "", rating: "", owner: "" },
      }),
      save: async (req, data) => {
        await admin.addRisk(req.user!, yearParam(req), riskInput(data));
        return "Risk added";
      },
    }),
    ...formRoutes({
      path: `${P}/risks/:riskId`,
      template: "risk",
      schema: riskForm,
      load: async (req) => {
        const r = await admin.getRisk(yearParam(req), idOf(req, "riskId", "risk"));
        return {
          model: await riskPage(req, "Change a risk", r.ownerAgencyId),
          values: {
            description: r.description,
            mitigation: r.mitigation,
            rating: r.rating,
            owner: r.ownerAgencyId === null ? ALL : String(r.ownerAgencyId),
          },
        };
      },
      save: async (req, data) => {
        await admin.updateRisk(req.user!, yearParam(req), idOf(req, "riskId", "risk"), riskInput(data));
        return "Risk saved";
      },
    }),
    ...deleteRoutes({
      path: `${P}/risks/:riskId/delete`,
      what: "risk",
      load: async (req) => {
        const startYear = yearParam(req);
        const id = idOf(req, "riskId", "risk");
        const r = await admin.getRisk(startYear, id);
        return {
          name: r.description,
          blocked: await admin.riskHasReviews(startYear, id),
          retireAction: `/partners/plans/${yearSlug(startYear)}/risks/${id}/retire`,
          retired: r.retiredAt !== null,
        };
      },
      remove: (req, startYear) => admin.deleteRisk(req.user!, startYear, idOf(req, "riskId", "risk")),
    }),
    ...moves(`${P}/risks/:riskId`, "Risk", (req, startYear, direction) =>
      admin.moveRisk(req.user!, startYear, idOf(req, "riskId", "risk"), direction),
    ),
    ...retirement(`${P}/risks/:riskId`, "Risk", (req, startYear, retired) =>
      admin.setRiskRetired(req.user!, startYear, idOf(req, "riskId", "risk"), retired),
    ),

    // ---- Quarters ----

    ...formRoutes({
      path: `${P}/quarters/:quarter`,
      template: "quarter",
      schema: deadlineForm,
      load: async (req) => {
        const startYear = yearParam(req);
        const quarter = quarterParam(req);
        const q = await admin.getQuarter(startYear, quarter);
        return {
          model: {
            ...(await planPage(startYear)),
            title: `Quarter ${quarter} update deadline`,
            months: quarterMonths(startYear, quarter),
            quarter,
            closed: q.closed,
            defaultText: formatDay(q.defaultDeadline),
            quarterEndText: formatDay(q.end),
          },
          values: dateValues(q.deadline ?? q.defaultDeadline),
        };
      },
      errors: (errors) => dateErrors(errors.list[0]!.text),
      check: (data) => {
        const parsed = parseDateParts(data["deadline-day"], data["deadline-month"], data["deadline-year"]);
        return "error" in parsed ? dateErrors(parsed.error) : undefined;
      },
      save: async (req, data) => {
        const quarter = quarterParam(req);
        const parsed = parseDateParts(data["deadline-day"], data["deadline-month"], data["deadline-year"]);
        if ("error" in parsed) throw new FieldError("deadline", parsed.error);
        await admin.setDeadline(req.user!, yearParam(req), quarter, parsed.date);
        return `Quarter ${quarter} deadline set to ${formatDay(parsed.date)}`;
      },
    }),
    // Closing a quarter with updates still to record asks first, listing them.
    get(`${P}/quarters/:quarter/close`, "coordinator", async (req, res) => {
      const startYear = yearParam(req);
      const quarter = quarterParam(req);
      const [around, q, outstanding, unsigned] = await Promise.all([
        planPage(startYear),
        admin.getQuarter(startYear, quarter),
        admin.outstandingUpdates(startYear, quarter),
        services.reviews.unsigned(startYear, quarter),
      ]);
      if (q.closed) return res.redirect(around.backHref);
      const n = outstanding.length;
      confirmPage(res, {
        ...around,
        caption: around.plan.title,
        title: `Close quarter ${quarter}`,
        heading: `Are you sure you want to close quarter ${quarter}?`,
        paragraphs: [
          n === 0
            ? "Every commitment and risk has been updated by its lead agencies."
            : `${n} ${n === 1 ? "commitment or risk has" : "commitments and risks have"} not been updated by every lead agency.`,
          ...(unsigned.length > 0
            ? [
                `${unsigned.length} ${unsigned.length === 1 ? "update has" : "updates have"} not been signed off as they stand. You can still sign them off once it is closed.`,
              ]
            : []),
          "Once it is closed, officers can no longer record or change its updates. You can reopen it later.",
        ],
        lists: [
          {
            heading: "Still to update",
            items: outstanding.map((t) => `${t.name}: ${t.text} (waiting for ${t.missing.join(", ")})`),
          },
          { heading: "Not signed off yet", items: unsigned.map((u) => `${u.agency}'s update of: ${u.text}`) },
        ],
        action: pathOf(req),
        button: `Close quarter ${quarter}`,
        fields: { confirmed: "yes" },
      });
    }),
    post(`${P}/quarters/:quarter/close`, "coordinator", async (req, res) => {
      const form = parseForm(closeForm, req.body);
      const startYear = yearParam(req);
      const quarter = quarterParam(req);
      const confirmed = form.ok && form.data.confirmed === "yes";
      // Without the confirmation page's "yes", only a quarter with nothing missing or unsigned closes at once.
      if (
        !confirmed &&
        ((await admin.outstandingUpdates(startYear, quarter)).length > 0 ||
          (await services.reviews.unsigned(startYear, quarter)).length > 0)
      )
        return res.redirect(303, pathOf(req));
      await admin.setQuarterClosed(req.user!, startYear, quarter, true);
      done(req, res, startYear, `Quarter ${quarter} closed: officers can no longer change its reviews`);
    }),
    action(`${P}/quarters/:quarter/reopen`, async (req, startYear) => {
      const quarter = quarterParam(req);
      await admin.setQuarterClosed(req.user!, startYear, quarter, false);
      return `Quarter ${quarter} reopened for updates`;
    }),
  ];
}
