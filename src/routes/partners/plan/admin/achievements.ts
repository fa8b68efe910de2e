// The plan's achievements: adding, changing, deleting and reordering them.
import { z } from "zod";
import { LIMITS } from "../../../../services/plan/admin/index.ts";
import { text } from "../../../forms.ts";
import type { PartnerRoute } from "../../route-table.ts";
import { P, idOf, tooLong, yearParam, type RouteHelpers } from "./shared.ts";

const achievementForm = z.object({
  title: text(LIMITS.title, "Enter the achievement's title", tooLong("Title", LIMITS.title)),
  description: text(LIMITS.text, "Enter a description of the achievement", tooLong("Description", LIMITS.text)),
});

export function achievementsRoutes({ admin, planPage, formRoutes, deleteRoutes, moves }: RouteHelpers): PartnerRoute[] {
  return [
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
  ];
}
