// The plan's risks, how the partnership will tackle them (their mitigation), their rating and
// who owns them: adding, changing, deleting (or retiring) and reordering them.
import type { Request } from "express";
import { z } from "zod";
import { STATUS_TAGS } from "../../../../content/status.ts";
import { LIMITS, type RiskInput } from "../../../../services/plan/admin/index.ts";
import { yearSlug } from "../../../../services/plan/year.ts";
import { text } from "../../../forms.ts";
import type { PartnerRoute } from "../../route-table.ts";
import { ALL, P, WHOLE_PARTNERSHIP, idOf, tooLong, yearParam, type RouteHelpers } from "./shared.ts";

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

const riskInput = (data: z.infer<typeof riskForm>): RiskInput => ({
  description: data.description,
  mitigation: data.mitigation,
  rating: data.rating,
  ownerAgencyId: data.owner === ALL ? null : Number(data.owner),
});

export function risksRoutes({
  admin,
  planPage,
  formRoutes,
  deleteRoutes,
  moves,
  retirement,
  agencyItems,
}: RouteHelpers): PartnerRoute[] {
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

  return [
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
  ];
}
