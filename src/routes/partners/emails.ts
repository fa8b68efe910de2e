// The Emails page for coordinators: what was sent to whom and when, what failed and why, and
// "Try again" for a failed one.
import { z } from "zod";
import { EMAILS_PAGE_SIZE } from "../../services/email/emails.ts";
import { notFound } from "../../services/errors.ts";
import type { Services } from "../../services/index.ts";
import { idParam } from "../forms.ts";
import { paginationParams } from "../pagination.ts";
import { get, post, type PartnerRoute } from "./route-table.ts";

export const EMAIL_STATUS_LABELS = {
  QUEUED: { text: "Waiting to send", classes: "govuk-tag--blue" },
  SENDING: { text: "Sending", classes: "govuk-tag--light-blue" },
  SENT: { text: "Sent", classes: "govuk-tag--green" },
  FAILED: { text: "Failed", classes: "govuk-tag--red" },
  LOGGED: { text: "Not sent: written to the log", classes: "govuk-tag--grey" },
} as const;
const STATUSES = Object.keys(EMAIL_STATUS_LABELS) as (keyof typeof EMAIL_STATUS_LABELS)[];

const query = z.object({
  status: z.enum(STATUSES).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

export function emailRoutes(services: Services): PartnerRoute[] {
  return [
    get("/emails", "coordinator", async (req, res) => {
      const filter = query.parse(req.query);
      const [result, queue] = await Promise.all([services.emails.list(filter), services.emails.queueState()]);
      const pages = Math.max(1, Math.ceil(result.total / EMAILS_PAGE_SIZE));
      const status = filter.status ? `status=${filter.status}&` : "";
      res.render("pages/partners/emails", {
        area: "partners",
        title: "Emails",
        user: req.user,
        filter,
        ...result,
        queue,
        configured: services.emails.configured,
        statuses: STATUSES.map((s) => ({ value: s, ...EMAIL_STATUS_LABELS[s], count: result.counts[s] ?? 0 })),
        labels: EMAIL_STATUS_LABELS,
        pages,
        pagination: paginationParams(filter.page, pages, (n) => `/partners/emails?${status}page=${n}`),
      });
    }),

    post("/emails/:id/retry", "coordinator", async (req, res) => {
      const id = idParam(req.params.id);
      if (id === undefined) throw notFound("email");
      await services.emails.retry(req.user!, id);
      req.session.flash = { heading: "The email will be sent again" };
      res.redirect("/partners/emails");
    }),
  ];
}
