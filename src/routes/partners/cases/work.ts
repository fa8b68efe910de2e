// The forms that move a case on: triage (with the risk assessment), recording a contact attempt,
// a note, support or a referral, actions, status, consent, closing and reopening. Each is its
// own page (one thing per page), validated here and checked again by the case service; a stale
// save of the case's own fields is shown again with the saved case beside what was typed (409).
import type { Request, Response } from "express";
import { z } from "zod";
import { formatDate } from "../../../content/dates.ts";
import { CaseConflict } from "../../../services/cases/cases.ts";
import { RISK_LEVEL_TEXT, RISK_LEVELS, RISK_QUESTIONS, riskAssessmentSchema } from "../../../services/cases/risk.ts";
import {
  ASSESSMENTS,
  CASE_STATUS_TEXT,
  CONTACT_METHODS,
  MIN_OVERRIDE_REASON,
  OUTCOMES,
  REFERRAL_SERVICES,
  SUPPORT_KINDS,
  WORKING_STATUSES,
} from "../../../services/cases/rules.ts";
import { FieldError, notFound } from "../../../services/errors.ts";
import type { Services } from "../../../services/index.ts";
import { STRANDS } from "../../../services/reports/questions.ts";
import {
  type FormErrors,
  type FormValues,
  addError,
  fieldErrors,
  parseDateParts,
  parseFields,
  parseForm,
} from "../../forms.ts";
import { get, post, type PartnerRoute } from "../route-table.ts";
import { casePath, referenceOf } from "./links.ts";
import {
  actionForm,
  closeForm,
  consentForm,
  contactForm,
  noteForm,
  referralForm,
  reopenForm,
  statusForm,
  supportForm,
  triageFields,
} from "./forms.ts";

type Codes = Record<string, string>;
const items = (codes: Codes) => Object.entries(codes).map(([value, text]) => ({ value, text }));

/** The kinds of entry recorded on the timeline, each with its form's rules and page. */
const RECORDS = {
  contact: { schema: contactForm, title: "Record a contact attempt", done: "The contact attempt was recorded" },
  note: { schema: noteForm, title: "Add a note", done: "The note was added" },
  support: { schema: supportForm, title: "Record support offered", done: "The support offered was recorded" },
  referral: { schema: referralForm, title: "Record a referral", done: "The referral was recorded" },
} as const;
type RecordKind = keyof typeof RECORDS;

const recordKind = (req: Request): RecordKind => {
  const kind = String(req.params.kind ?? "");
  if (!Object.hasOwn(RECORDS, kind)) throw notFound("page");
  return kind as RecordKind;
};

const TRIAGE_NAMES = [
  "version",
  "assessment",
  "duplicateOf",
  "strands",
  ...RISK_QUESTIONS.map((q) => q.name),
  "riskLevel",
  "riskReason",
  "leadAgencyId",
  "caseworkerId",
  "sharedAgencyIds",
] as const;
const TRIAGE_MULTIPLE = ["strands", "sharedAgencyIds"];

/** Both of the triage form's parts checked at once, so every problem is listed together, in page order. */
function parseTriage(body: unknown) {
  const fields = parseFields(triageFields, TRIAGE_NAMES, body, TRIAGE_MULTIPLE);
  const risk = parseFields(riskAssessmentSchema, TRIAGE_NAMES, body, TRIAGE_MULTIPLE);
  if (fields.ok && risk.ok)
    return { ok: true as const, data: { ...fields.data, risk: risk.data }, values: fields.values };
  const errors: FormErrors = { list: [], fields: {} };
  for (const name of TRIAGE_NAMES) {
    const error = (!fields.ok && fields.errors.fields[name]) || (!risk.ok && risk.errors.fields[name]);
    if (error) addError(errors, name, error.text);
  }
  return { ok: false as const, errors, values: fields.values };
}

const dayOf = (date: Date) => date.toISOString().slice(0, 10);

export function caseWorkRoutes(services: Services): PartnerRoute[] {
  const { cases } = services;

  /** Renders one of the case forms, with the case's reference and version and what was typed. */
  async function renderForm(
    req: Request,
    res: Response,
    view: string,
    model: Record<string, unknown>,
    form: { status?: number; values?: FormValues; errors?: FormErrors; conflict?: boolean } = {},
  ) {
    const reference = referenceOf(req);
    const kase = await cases.open(req.user!, reference);
    res.status(form.status ?? 200).render(`pages/partners/cases/${view}`, {
      area: "partners",
      user: req.user,
      reference,
      back: casePath(reference),
      kase,
      // A conflict shows the saved case; the form then saves over the version it shows.
      version: kase.version,
      conflict: form.conflict ?? false,
      values: form.values ?? {},
      errors: form.errors,
      ...model,
    });
  }

  /** A service's refusal of one field, or a stale save, shown on the form; anything else is thrown. */
  function refused(
    err: unknown,
    show: (form: { status: number; errors?: FormErrors; conflict?: boolean }) => Promise<void>,
  ) {
    if (err instanceof FieldError) return show({ status: 400, errors: fieldErrors(err) });
    if (err instanceof CaseConflict) return show({ status: 409, conflict: true });
    throw err;
  }

  const done = (req: Request, res: Response, heading: string) => {
    req.session.flash = { heading };
    res.redirect(casePath(referenceOf(req)));
  };

  async function triageModel(req: Request) {
    const [agencies, caseworkers] = await Promise.all([services.agencies.offered(), cases.caseworkers()]);
    return {
      title: "Triage this report",
      assessments: items(ASSESSMENTS),
      strands: items(STRANDS),
      questions: RISK_QUESTIONS,
      riskLevels: RISK_LEVELS.map((value) => ({ value, text: RISK_LEVEL_TEXT[value] })),
      agencies: agencies.map((a) => ({ value: String(a.id), text: a.name })),
      caseworkers: caseworkers.map((c) => ({
        value: String(c.id),
        text: `${c.name}${c.agency ? ` (${c.agency.code})` : ""}`,
      })),
      user: req.user,
    };
  }

  /** The triage form as the case stands, for a first visit. */
  function triageValues(kase: Awaited<ReturnType<typeof cases.open>>): FormValues {
    return {
      assessment: kase.assessment ?? "",
      duplicateOf: kase.duplicateOf ?? "",
      strands: kase.strands,
      ...Object.fromEntries(RISK_QUESTIONS.map((q) => [q.name, kase.risk.answers[q.name] ?? ""])),
      riskLevel: kase.risk.level !== kase.risk.scoredLevel ? (kase.risk.level ?? "") : "",
      riskReason: kase.risk.reason ?? "",
      leadAgencyId: kase.leadAgency ? String(kase.leadAgency.id) : "",
      caseworkerId: kase.caseworker ? String(kase.caseworker.id) : "",
      sharedAgencyIds: kase.sharedWith.map((s) => String(s.agencyId)),
    };
  }

  return [
    get("/cases/:reference/triage", "cases", async (req, res) => {
      const kase = await cases.open(req.user!, referenceOf(req));
      await renderForm(req, res, "triage", await triageModel(req), { values: triageValues(kase) });
    }),

    post("/cases/:reference/triage", "cases", async (req, res) => {
      const form = parseTriage(req.body);
      const show = async (f: { status: number; errors?: FormErrors; conflict?: boolean }) =>
        renderForm(req, res, "triage", await triageModel(req), { ...f, values: form.values });
      if (!form.ok) return show({ status: 400, errors: form.errors });
      try {
        await cases.triage(req.user!, referenceOf(req), form.data.version, form.data);
      } catch (err) {
        return refused(err, show);
      }
      done(req, res, `The report was triaged: ${RISK_LEVEL_TEXT[form.data.risk.level].toLowerCase()} risk`);
    }),

    get("/cases/:reference/record/:kind", "cases", async (req, res) => {
      const kind = recordKind(req);
      await renderForm(req, res, "record", recordModel(kind));
    }),

    post("/cases/:reference/record/:kind", "cases", async (req, res) => {
      const kind = recordKind(req);
      const form = parseForm(RECORDS[kind].schema as z.ZodObject<z.ZodRawShape>, req.body);
      const show = (f: { status: number; errors?: FormErrors }) =>
        renderForm(req, res, "record", recordModel(kind), { ...f, values: form.values });
      if (!form.ok) return show({ status: 400, errors: form.errors });
      const data = form.data as Record<string, never>;
      try {
        await cases.addEntry(req.user!, referenceOf(req), { kind: kind.toUpperCase(), ...data } as never);
      } catch (err) {
        return refused(err, show);
      }
      done(req, res, RECORDS[kind].done);
    }),

    get("/cases/:reference/actions/new", "cases", async (req, res) => {
      await renderForm(req, res, "action", await actionModel());
    }),

    post("/cases/:reference/actions", "cases", async (req, res) => {
      const form = parseForm(actionForm, req.body);
      const show = async (f: { status: number; errors?: FormErrors }) =>
        renderForm(req, res, "action", await actionModel(), { ...f, values: form.values });
      if (!form.ok) return show({ status: 400, errors: form.errors });
      const due = parseDateParts(form.data["dueOn-day"], form.data["dueOn-month"], form.data["dueOn-year"], "due date");
      if ("error" in due) return show({ status: 400, errors: addError({ list: [], fields: {} }, "dueOn", due.error) });
      try {
        await cases.addAction(req.user!, referenceOf(req), {
          description: form.data.description,
          ownerId: form.data.ownerId,
          dueOn: dayOf(due.date),
        });
      } catch (err) {
        return refused(err, show);
      }
      done(req, res, "The action was added");
    }),

    post("/cases/:reference/actions/:id/done", "cases", async (req, res) => {
      parseForm(z.object({}), req.body);
      await cases.completeAction(req.user!, referenceOf(req), String(req.params.id ?? ""));
      done(req, res, "The action was marked as done");
    }),

    ...versionedForm(
      "status",
      statusForm,
      "Change the case's status",
      (req, d) => cases.changeStatus(req.user!, referenceOf(req), d.version, d.status, d.note),
      (d) => `The case is now ${CASE_STATUS_TEXT[d.status].toLowerCase()}`,
      { statuses: WORKING_STATUSES.map((value) => ({ value, text: CASE_STATUS_TEXT[value] })) },
    ),
    ...versionedForm(
      "consent",
      consentForm,
      "Record their consent to share their details",
      (req, d) => cases.recordConsent(req.user!, referenceOf(req), d.version, d.consent, d.note),
      (d) =>
        d.consent ? "Their consent to share their details was recorded" : "Their consent was recorded as withdrawn",
    ),
    ...versionedForm(
      "close",
      closeForm,
      "Close the case",
      (req, d) => cases.close(req.user!, referenceOf(req), d.version, d.outcome, d.summary),
      () => "The case was closed",
      { outcomes: items(OUTCOMES) },
    ),
    ...versionedForm(
      "reopen",
      reopenForm,
      "Reopen the case",
      (req, d) => cases.reopen(req.user!, referenceOf(req), d.version, d.reason),
      () => "The case was reopened",
    ),
  ];

  function recordModel(kind: RecordKind) {
    return {
      kind,
      title: RECORDS[kind].title,
      contactMethods: items(CONTACT_METHODS),
      supportKinds: items(SUPPORT_KINDS),
      referralServices: items(REFERRAL_SERVICES),
      minOverrideReason: MIN_OVERRIDE_REASON,
    };
  }

  async function actionModel() {
    const owners = await cases.caseworkers();
    return {
      title: "Add an action",
      owners: owners.map((o) => ({ value: String(o.id), text: `${o.name}${o.agency ? ` (${o.agency.code})` : ""}` })),
      today: formatDate(new Date()),
    };
  }

  /** A form that changes the case's own fields: it carries the version it was opened at. */
  function versionedForm<S extends z.ZodRawShape & { version: z.ZodType<number> }>(
    view: string,
    schema: z.ZodObject<S>,
    title: string,
    save: (req: Request, data: z.infer<z.ZodObject<S>>) => Promise<void>,
    message: (data: z.infer<z.ZodObject<S>>) => string,
    model: Record<string, unknown> = {},
  ): PartnerRoute[] {
    const path = `/cases/:reference/${view}`;
    return [
      get(path, "cases", (req, res) => renderForm(req, res, view, { title, ...model })),
      post(path, "cases", async (req, res) => {
        const form = parseForm(schema, req.body);
        const show = (f: { status: number; errors?: FormErrors; conflict?: boolean }) =>
          renderForm(req, res, view, { title, ...model }, { ...f, values: form.values });
        if (!form.ok) return show({ status: 400, errors: form.errors });
        try {
          await save(req, form.data);
        } catch (err) {
          return refused(err, show);
        }
        done(req, res, message(form.data));
      }),
    ];
  }
}
