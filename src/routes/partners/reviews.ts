// The quarterly review of one commitment or risk: read by every partner; each lead agency's
// update recorded by its officers and by coordinators, and a joint item's summary status set by
// coordinators (the service checks each record). The version a person started from travels in
// the form through every re-display, so a save from an older version always meets the conflict page.
import type { Request, Response } from "express";
import { z } from "zod";
import { STATUS_ORDER, STATUS_TAGS } from "../../content/status.ts";
import { RagStatus } from "../../generated/prisma/enums.ts";
import { FieldError, ServiceError, notFound } from "../../services/errors.ts";
import type { Services } from "../../services/index.ts";
import { type Quarter, yearSlug } from "../../services/plan-year.ts";
import { quarterMonths } from "../../services/plans.ts";
import { COMMENTARY_MAX, RAG_DEFINITIONS, SUMMARY_REASON_MAX } from "../../services/review-rules.ts";
import { ReviewConflict, type ReviewSubjectKind, type SavedVersion } from "../../services/reviews.ts";
import { fieldErrors, idParam, parseForm, type FormErrors, type FormValues } from "../forms.ts";
import { get, post, type PartnerRoute } from "./route-table.ts";

const version = z.string().regex(/^\d{1,9}$/, "version");
const MALFORMED = "The form was not sent correctly. Reload the page and try again.";

const reviewForm = z.object({
  agency: z.string().min(1).max(20),
  status: z.enum(RagStatus, "Select a status"),
  commentary: z.string().max(COMMENTARY_MAX, "Commentary must be 2,000 characters or fewer"),
  version,
  replaces: z.string().regex(/^(\d{1,9})?$/, "replaces"),
});

const summaryForm = z.object({
  summaryStatus: z.enum(RagStatus).or(z.literal("")),
  reason: z.string().max(SUMMARY_REASON_MAX, "The reason must be 1,000 characters or fewer"),
  summaryVersion: version,
});

const quarterParam = (value: unknown): Quarter => {
  if (value === "1" || value === "2" || value === "3" || value === "4") return Number(value) as Quarter;
  throw notFound("quarter");
};

interface Shown {
  status?: number;
  values?: FormValues;
  errors?: FormErrors;
  /** What was saved first, beside what this person tried to save. */
  conflict?: SavedVersion;
  summaryValues?: FormValues;
  summaryConflict?: SavedVersion;
}

const statusOptions = STATUS_ORDER.map((s) => ({
  value: s,
  text: STATUS_TAGS[s].text,
  hint: { text: RAG_DEFINITIONS[s] },
}));

export function reviewRoutes(services: Services): PartnerRoute[] {
  function target(req: Request, kind: ReviewSubjectKind) {
    const id = idParam(req.params.id);
    if (id === undefined) throw notFound(kind);
    return { id, quarter: quarterParam(req.params.quarter) };
  }

  async function render(
    req: Request,
    res: Response,
    kind: ReviewSubjectKind,
    agencyCode: string | undefined,
    shown: Shown = {},
  ) {
    const { id, quarter } = target(req, kind);
    const page = await services.reviews.page(req.user!, kind, id, quarter, agencyCode);
    const noun = kind === "commitment" ? "commitment" : "risk";
    const base = `/partners/${kind === "commitment" ? "commitments" : "risks"}/${id}/reviews/${quarter}`;
    const form = page.form;
    res.status(shown.status ?? 200).render("pages/partners/review", {
      area: "partners",
      title: `${page.editable ? `Update a ${noun}` : `Review of a ${noun}`}, quarter ${quarter}`,
      heading: page.editable ? `Update a ${noun}` : `Review of a ${noun}`,
      kind,
      ...page,
      user: req.user,
      quarterLabel: `Quarter ${quarter}: ${quarterMonths(page.subject.startYear, quarter)}`,
      action: base,
      summaryAction: `${base}/summary`,
      back:
        page.editable || page.summary.editable
          ? { href: "/partners/updates", text: "Back to your updates" }
          : {
              href: `/partners/plans/${yearSlug(page.subject.startYear)}`,
              text: `Back to the ${page.subject.yearLabel} plan`,
            },
      statusTags: STATUS_TAGS,
      statusOptions,
      // What the person typed, and the version they started from, survive every re-display.
      values: shown.values ?? {
        agency: form?.agency.code ?? "",
        status: form?.review.status ?? "",
        commentary: form?.review.commentary ?? "",
        version: String(form?.review.version ?? 0),
        replaces: "",
      },
      errors: shown.errors,
      conflict: shown.conflict,
      conflictIsMine: shown.conflict?.authorId === req.user!.id,
      summaryValues: shown.summaryValues ?? {
        summaryStatus: page.summary.set?.status ?? "",
        reason: page.summary.set?.reason ?? "",
        summaryVersion: String(page.summary.version),
      },
      summaryConflict: shown.summaryConflict,
      agencyHref: (code: string) => `${base}?agency=${encodeURIComponent(code)}`,
    });
  }

  const agencyQuery = (req: Request) =>
    typeof req.query.agency === "string" ? req.query.agency.slice(0, 20) : undefined;

  const routesFor = (kind: ReviewSubjectKind, base: string): PartnerRoute[] => [
    get(`${base}/:id/reviews/:quarter`, "signed-in", (req, res) => render(req, res, kind, agencyQuery(req))),

    post(`${base}/:id/reviews/:quarter`, "editor", async (req, res) => {
      const { id, quarter } = target(req, kind);
      const form = parseForm(reviewForm, req.body);
      const agency = String(form.values.agency);
      if (!form.ok) {
        if (form.errors.fields.version || form.errors.fields.agency || form.errors.fields.replaces)
          throw new ServiceError(400, MALFORMED);
        // Stale and invalid: the conflict page first, so nobody fixes a form only to overwrite someone.
        const conflict = await services.reviews.conflict(kind, id, quarter, agency, Number(form.values.version));
        if (conflict)
          return render(req, res, kind, agency, { status: 409, values: form.values, conflict: conflict.current });
        return render(req, res, kind, agency, { status: 400, values: form.values, errors: form.errors });
      }
      try {
        await services.reviews.save(req.user!, kind, id, quarter, {
          agencyCode: agency,
          status: form.data.status,
          commentary: form.data.commentary,
          version: Number(form.data.version),
          replaces: form.data.replaces === "" ? undefined : Number(form.data.replaces),
        });
      } catch (err) {
        if (err instanceof FieldError)
          return render(req, res, kind, agency, { status: 400, values: form.values, errors: fieldErrors(err) });
        if (err instanceof ReviewConflict)
          return render(req, res, kind, agency, { status: 409, values: form.values, conflict: err.current });
        throw err;
      }
      req.session.flash = { heading: `Quarter ${quarter} update saved for ${agency}` };
      res.redirect(
        `/partners${base}/${id}/reviews/${quarter}${req.user!.role === "COORDINATOR" ? `?agency=${encodeURIComponent(agency)}` : ""}`,
      );
    }),

    post(`${base}/:id/reviews/:quarter/summary`, "coordinator", async (req, res) => {
      const { id, quarter } = target(req, kind);
      const form = parseForm(summaryForm, req.body);
      if (!form.ok) throw new ServiceError(400, MALFORMED);
      const shown = { summaryValues: form.values };
      try {
        await services.reviews.saveSummary(req.user!, kind, id, quarter, {
          status: form.data.summaryStatus === "" ? null : form.data.summaryStatus,
          reason: form.data.reason,
          version: Number(form.data.summaryVersion),
        });
      } catch (err) {
        if (err instanceof FieldError)
          return render(req, res, kind, undefined, { ...shown, status: 400, errors: fieldErrors(err) });
        if (err instanceof ReviewConflict)
          return render(req, res, kind, undefined, { ...shown, status: 409, summaryConflict: err.current });
        throw err;
      }
      req.session.flash = { heading: `Quarter ${quarter} summary saved` };
      res.redirect(`/partners${base}/${id}/reviews/${quarter}`);
    }),
  ];

  return [...routesFor("commitment", "/commitments"), ...routesFor("risk", "/risks")];
}
