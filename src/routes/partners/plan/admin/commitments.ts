// An objective's commitments: adding, changing, deleting (or retiring) and reordering them, with
// their lead agencies, named contacts and target date.
import type { Request } from "express";
import { z } from "zod";
import { FieldError } from "../../../../services/errors.ts";
import { LIMITS, type CommitmentInput } from "../../../../services/plan/admin/index.ts";
import { ALL_AGENCIES_LABEL } from "../../../../services/plan/plans.ts";
import { yearSlug } from "../../../../services/plan/year.ts";
import { parseDateParts, text, type FormValues } from "../../../forms.ts";
import type { PartnerRoute } from "../../route-table.ts";
import { ALL, P, dateValues, idOf, tooLong, yearParam, type RouteHelpers } from "./shared.ts";

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

/** A commitment's optional target date from its date input: null when left blank. */
function targetDateOf(data: { "targetDate-day": string; "targetDate-month": string; "targetDate-year": string }) {
  const parts = [data["targetDate-day"], data["targetDate-month"], data["targetDate-year"]] as const;
  if (parts.every((p) => p.trim() === "")) return { date: null };
  return parseDateParts(...parts, "target date");
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

export function commitmentsRoutes({
  admin,
  planPage,
  formRoutes,
  deleteRoutes,
  moves,
  retirement,
  agencyItems,
}: RouteHelpers): PartnerRoute[] {
  async function commitmentPage(req: Request, title: string, keep: number[]) {
    return {
      ...(await planPage(yearParam(req))),
      title,
      agencyItems: await agencyItems(keep),
      allAgenciesValue: ALL,
      allAgenciesLabel: ALL_AGENCIES_LABEL,
    };
  }

  return [
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
  ];
}
