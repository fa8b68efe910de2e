// The plan's purposes ("What we do"): adding, changing, deleting and reordering them.
import { z } from "zod";
import { LIMITS } from "../../../../services/plan/admin/index.ts";
import { text } from "../../../forms.ts";
import type { PartnerRoute } from "../../route-table.ts";
import { P, idOf, tooLong, yearParam, type RouteHelpers } from "./shared.ts";

const purposeForm = z.object({
  text: text(LIMITS.text, "Enter what the partnership does", tooLong("Purpose", LIMITS.text)),
});

export function purposesRoutes({ admin, planPage, formRoutes, deleteRoutes, moves }: RouteHelpers): PartnerRoute[] {
  return [
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
  ];
}
