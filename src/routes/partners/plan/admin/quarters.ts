// The plan's quarters: each one's deadline for updates, and closing (after "Are you sure?" when
// updates are still to record or sign off) or reopening it.
import type { Request } from "express";
import { z } from "zod";
import { FieldError, notFound } from "../../../../services/errors.ts";
import { formatDay } from "../../../../services/plan/admin/index.ts";
import { quarterMonths } from "../../../../services/plan/plans.ts";
import type { Quarter } from "../../../../services/plan/year.ts";
import { parseDateParts, parseForm } from "../../../forms.ts";
import { get, post, type PartnerRoute } from "../../route-table.ts";
import { P, confirmPage, dateErrors, dateValues, pathOf, yearParam, type RouteHelpers } from "./shared.ts";

const deadlineForm = z.object({
  "deadline-day": z.string().trim().max(10, "Enter the day as a number, like 21"),
  "deadline-month": z.string().trim().max(10, "Enter the month as a number, like 7"),
  "deadline-year": z.string().trim().max(10, "Enter the year as 4 digits, like 2023"),
});

/** Closing a quarter: "yes" once the coordinator has seen what is still to update. */
const closeForm = z.object({ confirmed: z.enum(["", "yes"]) });

const quarterParam = (req: Request): Quarter => {
  const q = req.params.quarter;
  if (q === "1" || q === "2" || q === "3" || q === "4") return Number(q) as Quarter;
  throw notFound("quarter");
};

export function quartersRoutes({ services, admin, done, planPage, formRoutes, action }: RouteHelpers): PartnerRoute[] {
  return [
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
