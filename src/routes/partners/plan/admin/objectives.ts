// The plan's objectives: adding, changing, deleting (or retiring) and reordering them.
import { z } from "zod";
import { LIMITS } from "../../../../services/plan/admin/index.ts";
import { yearSlug } from "../../../../services/plan/year.ts";
import { text } from "../../../forms.ts";
import type { PartnerRoute } from "../../route-table.ts";
import { P, idOf, tooLong, yearParam, type RouteHelpers } from "./shared.ts";

const objectiveForm = z.object({
  title: text(LIMITS.title, "Enter the objective", tooLong("Objective", LIMITS.title)),
});

export function objectivesRoutes({
  admin,
  planPage,
  formRoutes,
  deleteRoutes,
  moves,
  retirement,
}: RouteHelpers): PartnerRoute[] {
  return [
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
  ];
}
