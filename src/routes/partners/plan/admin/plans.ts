// The list of plans (every partner may read it), creating a year's plan, and one plan as a whole:
// its management page, its details, publishing, unpublishing and archiving it, deleting a draft,
// and rolling it over to the next year.
import type { Request, Response } from "express";
import { z } from "zod";
import { STATUS_TAGS } from "../../../../content/status.ts";
import type { PlanStatus } from "../../../../generated/prisma/enums.ts";
import { FieldError, ServiceError } from "../../../../services/errors.ts";
import { LIMITS, YEAR_RANGE, formatDay } from "../../../../services/plan/admin/index.ts";
import { achievementsHeading } from "../../../../services/plan/document.ts";
import { quarterOf, yearLabel, yearSlug } from "../../../../services/plan/year.ts";
import { fieldErrors, parseForm, text, type FormErrors, type FormValues } from "../../../forms.ts";
import { get, post, type PartnerRoute } from "../../route-table.ts";
import {
  P,
  WHOLE_PARTNERSHIP,
  actionForm,
  confirmPage,
  manageHref,
  optional,
  pathOf,
  render,
  tooLong,
  yearParam,
  type RouteHelpers,
} from "./shared.ts";

export const PLAN_STATUS_TAGS: Record<PlanStatus, { text: string; classes: string }> = {
  DRAFT: { text: "Draft", classes: "govuk-tag--grey" },
  PUBLISHED: { text: "Published", classes: "govuk-tag--green" },
  ARCHIVED: { text: "Archived", classes: "govuk-tag--yellow" },
};

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

export function plansRoutes({ admin, done, planPage, formRoutes, action }: RouteHelpers): PartnerRoute[] {
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
  ];
}
