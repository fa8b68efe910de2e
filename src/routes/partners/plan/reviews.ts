// The quarterly review of one commitment or risk: read by every partner; each lead agency's
// update recorded by its officers and by coordinators, and a joint item's summary status set by
// coordinators (the service checks each record). The version a person started from travels in
// the form through every re-display, so a save from an older version always meets the conflict page.
import type { Request, Response } from "express";
import { z } from "zod";
import { STATUS_ORDER, STATUS_TAGS } from "../../../content/status.ts";
import { RagStatus } from "../../../generated/prisma/enums.ts";
import { FieldError, ServiceError, notFound } from "../../../services/errors.ts";
import type { Services } from "../../../services/index.ts";
import { type Quarter, yearSlug } from "../../../services/plan/year.ts";
import { quarterMonths } from "../../../services/plan/plans.ts";
import { COMMENTARY_MAX, RAG_DEFINITIONS, SUMMARY_REASON_MAX } from "../../../services/plan/review-rules.ts";
import { REQUEST_MAX } from "../../../services/plan/review-follow-up.ts";
import {
  type EvidenceLink,
  ReviewConflict,
  type ReviewSubjectKind,
  type SavedVersion,
  UNCHANGED,
} from "../../../services/plan/reviews.ts";
import { addError, fieldErrors, idParam, parseForm, type FormErrors, type FormValues } from "../../forms.ts";
import { get, post, type PartnerRoute } from "../route-table.ts";
import { isNumber, readNumber } from "./admin/measures.ts";

const version = z.string().regex(/^\d{1,9}$/, "version");
const MALFORMED = "The form was not sent correctly. Reload the page and try again.";

/** How many evidence links an update can have: the form shows those it has and two blank rows. */
export const EVIDENCE_MAX = 10;
const EVIDENCE_TITLE_MAX = 200;
const EVIDENCE_URL_MAX = 2_000;
const evidenceRows = Array.from({ length: EVIDENCE_MAX }, (_, i) => i + 1);

/** A web address a partner can open: http or https, with a host. */
const isWebAddress = (value: string) => {
  try {
    const url = new URL(value);
    return (url.protocol === "https:" || url.protocol === "http:") && url.hostname !== "";
  } catch {
    return false;
  }
};

const reviewForm = z.object({
  agency: z.string().min(1).max(20),
  status: z.enum([UNCHANGED, ...Object.values(RagStatus)], "Select a status"),
  commentary: z.string().max(COMMENTARY_MAX, "Commentary must be 2,000 characters or fewer"),
  ...(Object.fromEntries(
    evidenceRows.flatMap((n) => [
      [
        `evidenceTitle${n}`,
        z
          .string()
          .trim()
          .max(EVIDENCE_TITLE_MAX, `Link ${n}'s title must be ${EVIDENCE_TITLE_MAX} characters or fewer`),
      ],
      [
        `evidenceUrl${n}`,
        z
          .string()
          .trim()
          .max(EVIDENCE_URL_MAX, `Link ${n}'s web address must be 2,000 characters or fewer`)
          .refine(
            (v) => v === "" || isWebAddress(v),
            `Enter link ${n}'s web address in the correct format, like https://www.example.org/report`,
          ),
      ],
    ]),
  ) as Record<`evidence${"Title" | "Url"}${number}`, z.ZodString>),
  answers: z.array(z.string().regex(/^\d{1,9}$/)).max(50),
  next: z.enum(["", "yes"]),
  version,
  replaces: z.string().regex(/^(\d{1,9})?$/, "replaces"),
});

/** The evidence links filled in, and an error for each half-filled row (a title without its address, or the reverse). */
function evidenceOf(values: FormValues): { links: EvidenceLink[]; errors: [string, string][] } {
  const links: EvidenceLink[] = [];
  const errors: [string, string][] = [];
  for (const n of evidenceRows) {
    const title = String(values[`evidenceTitle${n}`] ?? "").trim();
    const url = String(values[`evidenceUrl${n}`] ?? "").trim();
    if (title === "" && url === "") continue;
    if (url === "") errors.push([`evidenceUrl${n}`, `Enter the web address of link ${n}, or remove its title`]);
    else if (title === "") errors.push([`evidenceTitle${n}`, `Enter a title for link ${n}, saying what it shows`]);
    else links.push({ title, url });
  }
  return { links, errors };
}

const requestForm = z.object({
  agency: z.string().min(1).max(20),
  request: z
    .string()
    .trim()
    .min(1, "Enter what you need to know")
    .max(REQUEST_MAX, "The request must be 500 characters or fewer"),
});

/** A hand-entered measure's value for the quarter (src/services/plan/measures.ts). */
const measureValueForm = z.object({
  value: z
    .string()
    .trim()
    .min(1, "Enter the value as a number, like 12")
    .max(20, "Enter the value as a number, like 12 or 2.5")
    .refine(isNumber, "Enter the value as a number, like 12 or 2.5"),
});

const signOffForm = z.object({ agency: z.string().min(1).max(20), version });

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
  requestValues?: FormValues;
  /** What was typed into a measure's value, by its field ("measure-12"). */
  measureValues?: FormValues;
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
    const [page, measures] = await Promise.all([
      services.reviews.page(req.user!, kind, id, quarter, agencyCode),
      services.planMeasures.forReview(req.user!, kind, id, quarter),
    ]);
    const noun = kind === "commitment" ? "commitment" : "risk";
    const base = `/partners/${kind === "commitment" ? "commitments" : "risks"}/${id}/reviews/${quarter}`;
    const form = page.form;
    res.status(shown.status ?? 200).render("pages/partners/plan/review", {
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
      // A new quarter's form starts from last quarter's status, chosen but not saved.
      values: shown.values ?? {
        agency: form?.agency.code ?? "",
        status: form?.review.status ?? form?.previous?.status ?? "",
        commentary: form?.review.commentary ?? "",
        ...Object.fromEntries(
          (form?.review.evidence ?? []).flatMap((link, i) => [
            [`evidenceTitle${i + 1}`, link.title],
            [`evidenceUrl${i + 1}`, link.url],
          ]),
        ),
        answers: (form?.requests ?? []).map((r) => String(r.id)),
        version: String(form?.review.version ?? 0),
        replaces: "",
      },
      evidenceRows,
      requestValues: shown.requestValues ?? { request: "" },
      errors: shown.errors,
      conflict: shown.conflict,
      conflictIsMine: shown.conflict?.authorId === req.user!.id,
      summaryValues: shown.summaryValues ?? {
        summaryStatus: page.summary.set?.status ?? "",
        reason: page.summary.set?.reason ?? "",
        summaryVersion: String(page.summary.version),
      },
      summaryConflict: shown.summaryConflict,
      measures,
      measureValues: shown.measureValues ?? {},
      measureAction: (measureId: number) => `${base}/measures/${measureId}`,
      agencyHref: (code: string) => `${base}?agency=${encodeURIComponent(code)}`,
    });
  }

  const agencyQuery = (req: Request) =>
    typeof req.query.agency === "string" ? req.query.agency.slice(0, 20) : undefined;

  const routesFor = (kind: ReviewSubjectKind, base: string): PartnerRoute[] => [
    get(`${base}/:id/reviews/:quarter`, "signed-in", (req, res) => render(req, res, kind, agencyQuery(req))),

    post(`${base}/:id/reviews/:quarter`, "editor", async (req, res) => {
      const { id, quarter } = target(req, kind);
      const form = parseForm(reviewForm, req.body, ["answers"]);
      const agency = String(form.values.agency);
      const evidence = evidenceOf(form.values);
      if (!form.ok || evidence.errors.length > 0) {
        const errors = form.ok ? { list: [], fields: {} } : form.errors;
        if (
          errors.fields.version ||
          errors.fields.agency ||
          errors.fields.replaces ||
          errors.fields.answers ||
          errors.fields.next
        )
          throw new ServiceError(400, MALFORMED);
        for (const [field, message] of evidence.errors) if (!errors.fields[field]) addError(errors, field, message);
        // Stale and invalid: the conflict page first, so nobody fixes a form only to overwrite someone.
        const conflict = await services.reviews.conflict(kind, id, quarter, agency, Number(form.values.version));
        if (conflict)
          return render(req, res, kind, agency, { status: 409, values: form.values, conflict: conflict.current });
        return render(req, res, kind, agency, { status: 400, values: form.values, errors });
      }
      try {
        await services.reviews.save(req.user!, kind, id, quarter, {
          agencyCode: agency,
          status: form.data.status,
          commentary: form.data.commentary,
          evidence: evidence.links,
          answers: form.data.answers.map(Number),
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
      if (form.data.next === "yes") {
        const next = await services.progress.nextUpdate(req.user!, { kind, id, quarter });
        if (!next) req.session.flash.heading += ". That was the last of your updates";
        return res.redirect(next?.href ?? "/partners/updates");
      }
      res.redirect(
        `/partners${base}/${id}/reviews/${quarter}${req.user!.role === "COORDINATOR" ? `?agency=${encodeURIComponent(agency)}` : ""}`,
      );
    }),

    // A hand-entered measure's value for the quarter: coordinators and the lead agency's officers.
    post(`${base}/:id/reviews/:quarter/measures/:measureId`, "editor", async (req, res) => {
      const { id, quarter } = target(req, kind);
      const measureId = idParam(req.params.measureId);
      if (measureId === undefined) throw notFound("measure");
      const form = parseForm(measureValueForm, req.body);
      const field = `measure-${measureId}`;
      const measureValues = { [field]: String(form.values.value) };
      if (!form.ok)
        return render(req, res, kind, undefined, {
          status: 400,
          measureValues,
          errors: addError({ list: [], fields: {} }, field, form.errors.fields.value!.text),
        });
      await services.planMeasures.enterValue(req.user!, kind, id, quarter, measureId, readNumber(form.data.value));
      req.session.flash = { heading: `Quarter ${quarter} measure saved` };
      res.redirect(`/partners${base}/${id}/reviews/${quarter}#measures`);
    }),

    // A coordinator asks the agency for more on its update; its officers are emailed.
    post(`${base}/:id/reviews/:quarter/request`, "coordinator", async (req, res) => {
      const { id, quarter } = target(req, kind);
      const form = parseForm(requestForm, req.body);
      const agency = String(form.values.agency);
      if (!form.ok && form.errors.fields.agency) throw new ServiceError(400, MALFORMED);
      const shown = { requestValues: form.values };
      if (!form.ok) return render(req, res, kind, agency, { ...shown, status: 400, errors: form.errors });
      let emailed: number;
      try {
        ({ emailed } = await services.reviews.askForMore(req.user!, kind, id, quarter, {
          agencyCode: agency,
          text: form.data.request,
        }));
      } catch (err) {
        if (err instanceof FieldError)
          return render(req, res, kind, agency, { ...shown, status: 400, errors: fieldErrors(err) });
        throw err;
      }
      req.session.flash = {
        heading:
          emailed === 0
            ? `Request saved. No officer of ${agency} could be emailed: let them know another way`
            : `Request sent to ${emailed === 1 ? "1 officer" : `${emailed} officers`} of ${agency}`,
      };
      res.redirect(`/partners${base}/${id}/reviews/${quarter}?agency=${encodeURIComponent(agency)}`);
    }),

    post(`${base}/:id/reviews/:quarter/sign-off`, "coordinator", async (req, res) => {
      const { id, quarter } = target(req, kind);
      const form = parseForm(signOffForm, req.body);
      if (!form.ok) throw new ServiceError(400, MALFORMED);
      const agency = form.data.agency;
      try {
        await services.reviews.signOff(req.user!, kind, id, quarter, {
          agencyCode: agency,
          version: Number(form.data.version),
        });
      } catch (err) {
        if (err instanceof FieldError) return render(req, res, kind, agency, { status: 400, errors: fieldErrors(err) });
        // Saved again since the page was opened: show the new version to read before signing off.
        if (err instanceof ReviewConflict) {
          const message = `${agency}'s update was saved again after you opened this page: read it, then sign it off`;
          return render(req, res, kind, agency, {
            status: 409,
            errors: addError({ list: [], fields: {} }, "signOff", message),
          });
        }
        throw err;
      }
      req.session.flash = { heading: `Quarter ${quarter} update signed off for ${agency}` };
      res.redirect(`/partners${base}/${id}/reviews/${quarter}?agency=${encodeURIComponent(agency)}`);
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
