// The quarterly review of one commitment or risk: read by every partner, recorded by its lead
// agency's officers and by coordinators (the service checks each record).
import type { Request, Response } from "express";
import { z } from "zod";
import { STATUS_ORDER, STATUS_TAGS } from "../../content/status.ts";
import { RagStatus } from "../../generated/prisma/enums.ts";
import { FieldError, ServiceError, notFound } from "../../services/errors.ts";
import type { Services } from "../../services/index.ts";
import type { Quarter } from "../../services/plan-year.ts";
import { quarterMonths } from "../../services/plans.ts";
import { COMMENTARY_MAX, RAG_DEFINITIONS, ReviewConflict, type ReviewSubjectKind } from "../../services/reviews.ts";
import { fieldErrors, idParam, parseForm, type FormErrors, type FormValues } from "../forms.ts";
import { get, post, type PartnerRoute } from "./route-table.ts";

const reviewForm = z.object({
  status: z.enum(RagStatus, "Select a status"),
  commentary: z.string().max(COMMENTARY_MAX, "Commentary must be 2,000 characters or fewer"),
  version: z.string().regex(/^\d{1,9}$/, "version"),
});

const quarterParam = (value: unknown): Quarter => {
  if (value === "1" || value === "2" || value === "3" || value === "4") return Number(value) as Quarter;
  throw notFound("quarter");
};

export function reviewRoutes(services: Services): PartnerRoute[] {
  async function render(
    req: Request,
    res: Response,
    kind: ReviewSubjectKind,
    extra: { status?: number; values?: FormValues; errors?: FormErrors; conflict?: ReviewConflict["current"] } = {},
  ) {
    const id = idParam(req.params.id);
    if (id === undefined) throw notFound(kind);
    const quarter = quarterParam(req.params.quarter);
    const page = await services.reviews.page(req.user!, kind, id, quarter);
    res.status(extra.status ?? 200).render("pages/partners/review", {
      area: "partners",
      title: `${kind === "commitment" ? "Commitment" : "Risk"} review, quarter ${quarter}`,
      kind,
      ...page,
      quarterLabel: `Quarter ${quarter}: ${quarterMonths(page.subject.startYear, quarter)}`,
      action: req.originalUrl.split("?")[0],
      statusTags: STATUS_TAGS,
      statusOptions: STATUS_ORDER.map((s) => ({
        value: s,
        text: STATUS_TAGS[s].text,
        hint: { text: RAG_DEFINITIONS[s] },
      })),
      // After a conflict the form keeps what the user typed, against the newer version.
      values: extra.values ?? { status: page.review.status, commentary: page.review.commentary },
      version: extra.conflict?.version ?? page.review.version,
      errors: extra.errors,
      conflict: extra.conflict,
    });
  }

  const routesFor = (kind: ReviewSubjectKind, base: string): PartnerRoute[] => [
    get(`${base}/:id/reviews/:quarter`, "signed-in", (req, res) => render(req, res, kind)),
    post(`${base}/:id/reviews/:quarter`, "editor", async (req, res) => {
      const id = idParam(req.params.id);
      if (id === undefined) throw notFound(kind);
      const quarter = quarterParam(req.params.quarter);
      const form = parseForm(reviewForm, req.body);
      if (!form.ok) {
        if (form.errors.fields.version)
          throw new ServiceError(400, "The form was not sent correctly. Reload the page and try again.");
        return render(req, res, kind, { status: 400, values: form.values, errors: form.errors });
      }
      try {
        await services.reviews.save(req.user!, kind, id, quarter, { ...form.data, version: Number(form.data.version) });
      } catch (err) {
        if (err instanceof FieldError)
          return render(req, res, kind, { status: 400, values: form.values, errors: fieldErrors(err) });
        if (err instanceof ReviewConflict)
          return render(req, res, kind, { status: 409, values: form.values, conflict: err.current });
        throw err;
      }
      req.session.flash = { heading: `Quarter ${quarter} review saved` };
      res.redirect(`/partners${base}/${id}/reviews/${quarter}`);
    }),
  ];

  return [...routesFor("commitment", "/commitments"), ...routesFor("risk", "/risks")];
}
