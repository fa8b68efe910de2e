// The plan's filters in an address (?objective=2&agency=NSC&status=RED): read the same way by the
// plan page and by every document made from it, and carried from one to the other in their links.
import { z } from "zod";
import { SHOWN_STATUS_ORDER } from "../../../content/status.ts";
import type { PlanFilter } from "../../../services/plan/plans.ts";

/**
 * A value that is not one of the choices (or is given twice) is ignored, as if not chosen: the
 * filters come from a form's select boxes, so a wrong one is an edited address, not a mistake to
 * explain. Which agencies and objectives the plan has is for filterPlan to say.
 */
export const planFilterQuery = z
  .object({
    objective: z
      .string()
      .regex(/^\d{1,3}$/)
      .transform(Number)
      .optional()
      .catch(undefined),
    agency: z.string().trim().min(1).max(20).optional().catch(undefined),
    status: z.enum(SHOWN_STATUS_ORDER).optional().catch(undefined),
  })
  .transform((q): PlanFilter => ({ objective: q.objective, agencyCode: q.agency, status: q.status }));

/**
 * The address of a plan's page (file "") or one of its documents, with the filters it shows and,
 * if asked, its commentary: "/partners/plans/2023-24/plan.pdf?commentary=1&agency=NSC".
 */
export function planAddress(slug: string, file: string, filter: URLSearchParams | string, commentary = false): string {
  const query = new URLSearchParams([...(commentary ? [["commentary", "1"]] : []), ...new URLSearchParams(filter)]);
  const path = `/partners/plans/${slug}${file ? `/${file}` : ""}`;
  return query.size > 0 ? `${path}?${query.toString()}` : path;
}
