// The audit trail for coordinators: newest first, filtered by action, person and record type.
import { z } from "zod";
import type { Services } from "../../services/index.ts";
import { storableString } from "../forms.ts";
import { paginationParams } from "../pagination.ts";
import { get, type PartnerRoute } from "./route-table.ts";

const query = z.object({
  action: storableString(z.string().trim().max(100)).catch(""),
  actor: storableString(z.string().trim().max(254)).catch(""),
  entityType: storableString(z.string().trim().max(50)).catch(""),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

export function auditRoutes(services: Services): PartnerRoute[] {
  return [
    get("/audit", "coordinator", async (req, res) => {
      const filter = query.parse(req.query);
      const result = await services.audit.list({
        action: filter.action,
        actorEmail: filter.actor,
        entityType: filter.entityType,
        page: filter.page,
      });
      const params = new URLSearchParams({ action: filter.action, actor: filter.actor, entityType: filter.entityType });
      res.render("pages/partners/audit", {
        area: "partners",
        title: "Audit trail",
        user: req.user,
        filter,
        ...result,
        pagination: paginationParams(
          result.page,
          result.pages,
          (n) => `/partners/audit?${params.toString()}&page=${n}`,
        ),
      });
    }),
  ];
}
