// Coordinators run the plan: the list of plans (every partner may read it), creating a year's
// plan, and the management page of one plan with its forms and actions (details, purposes,
// achievements, objectives, commitments, risks, quarters, publishing and roll-over).
// Each of those has its own file here; this one puts their routes together, in the order the
// router tries them (".../new" before ".../:id").
import type { Services } from "../../../../services/index.ts";
import type { PartnerRoute } from "../../route-table.ts";
import { achievementsRoutes } from "./achievements.ts";
import { commitmentsRoutes } from "./commitments.ts";
import { measuresRoutes } from "./measures.ts";
import { objectivesRoutes } from "./objectives.ts";
import { plansRoutes } from "./plans.ts";
import { purposesRoutes } from "./purposes.ts";
import { quartersRoutes } from "./quarters.ts";
import { risksRoutes } from "./risks.ts";
import { routeHelpers } from "./shared.ts";

export function planAdminRoutes(services: Services): PartnerRoute[] {
  const helpers = routeHelpers(services);
  return [
    ...plansRoutes(helpers),
    ...purposesRoutes(helpers),
    ...achievementsRoutes(helpers),
    ...objectivesRoutes(helpers),
    ...commitmentsRoutes(helpers),
    ...risksRoutes(helpers),
    ...measuresRoutes(helpers),
    ...quartersRoutes(helpers),
  ];
}
