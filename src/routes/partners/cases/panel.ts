// The Hate Crime Review Panel in the partner area: the meetings, a new meeting (its date and the
// agencies attending), a meeting's cases (proposed by the rules, added or removed by hand, each
// with whether the agenda shows its free text), the printable pseudonymised agenda, and the
// panel's decision and new action for each case. Only coordinators with case access reach these
// (route access "panel"); the service checks again. A stale change to a meeting gets 409.
import type { Request, Response } from "express";
import { z } from "zod";
import { formatDate } from "../../../content/dates.ts";
import { PANEL_REASONS, type PanelReason } from "../../../services/cases/rules.ts";
import { FieldError, ServiceError, notFound } from "../../../services/errors.ts";
import type { Services } from "../../../services/index.ts";
import { OTHER_AREAS, STRANDS } from "../../../services/reports/questions.ts";
import {
  type FormErrors,
  type FormValues,
  addError,
  fieldErrors,
  idParam,
  parseDateParts,
  parseForm,
} from "../../forms.ts";
import { get, post, type PartnerRoute } from "../route-table.ts";
import { word, words } from "./answers.ts";
import { MAX_CASE_TEXT, version } from "./forms.ts";
import { casePath, referenceOf, riskTag, statusTag } from "./links.ts";

/** What the latest thing on a case was, in words (never what was written). */
const LAST_KINDS: Record<string, string> = {
  CONTACT: "Contact attempt",
  NOTE: "Note",
  SUPPORT: "Support offered",
  REFERRAL: "Referral",
  STATUS: "Status change",
  SAFEGUARDING_OVERRIDE: "Safeguarding override",
  CONSENT_GIVEN: "Consent recorded",
  CONSENT_WITHDRAWN: "Consent withdrawn",
  TRIAGE: "Triage",
  ACTION: "Action added",
};

const dayOf = (date: Date) => date.toISOString().slice(0, 10);
const panelPath = (id: number) => `/partners/panel/${id}`;

const meetingForm = z.object({
  "heldOn-day": z.string(),
  "heldOn-month": z.string(),
  "heldOn-year": z.string(),
  attendees: z
    .array(
      z
        .string()
        .regex(/^\d{1,9}$/, "Select agencies from the list")
        .transform(Number),
    )
    .max(100),
});
const versionOnly = z.object({ version });
const addCaseForm = z.object({
  version,
  reference: z.string().trim().min(1, "Enter the reference of a case, like RH-7K3Q-P9").max(20, "Enter a reference"),
});
const freeTextForm = z.object({ version, show: z.enum(["yes", "no"]).transform((v) => v === "yes") });
const decisionForm = z.object({
  version,
  decision: z
    .string()
    .trim()
    .min(1, "Enter the panel's decision")
    .max(MAX_CASE_TEXT, `The decision must be ${MAX_CASE_TEXT.toLocaleString("en-GB")} characters or fewer`),
  description: z.string().trim().max(1000, "The action must be 1,000 characters or fewer"),
  ownerId: z
    .string()
    .regex(/^\d{0,9}$/, "Choose from the list")
    .transform((v) => (v === "" ? null : Number(v))),
  "dueOn-day": z.string(),
  "dueOn-month": z.string(),
  "dueOn-year": z.string(),
});

const meetingId = (req: Request) => {
  const id = idParam(req.params.id);
  if (id === undefined) throw notFound("panel meeting");
  return id;
};

const noErrors = (): FormErrors => ({ list: [], fields: {} });

export function panelRoutes(services: Services): PartnerRoute[] {
  const { panel, cases } = services;

  const done = (req: Request, res: Response, heading: string, to: string) => {
    req.session.flash = { heading };
    res.redirect(to);
  };

  /** A meeting's cases in words, for its page and its agenda. */
  const caseRows = (rows: Omit<Awaited<ReturnType<typeof panel.open>>["cases"][number], "decision">[]) =>
    rows.map((c) => ({
      reference: c.reference,
      href: casePath(c.reference),
      reasons: c.reasons.map((r: PanelReason) => PANEL_REASONS[r] ?? r),
      strands: words(STRANDS, c.strands),
      area: word(OTHER_AREAS, c.area),
      risk: riskTag(c.riskLevel),
      status: statusTag(c.status),
      daysOpen: c.daysOpen,
      last: c.last ? `${LAST_KINDS[c.last.kind] ?? "Timeline entry"}, ${formatDate(c.last.at)}` : "Nothing yet",
      showFreeText: c.showFreeText,
    }));

  async function renderMeeting(
    req: Request,
    res: Response,
    form: { status?: number; errors?: FormErrors; values?: FormValues; conflict?: string } = {},
  ) {
    const id = meetingId(req);
    const meeting = await panel.open(req.user!, id);
    const rows = caseRows(meeting.cases);
    res.status(form.status ?? 200).render("pages/partners/cases/panel/meeting", {
      area: "partners",
      user: req.user,
      title: `Review Panel meeting, ${formatDate(meeting.heldOn)}`,
      meeting: {
        id: meeting.id,
        version: meeting.version,
        heldOn: formatDate(meeting.heldOn),
        attendees: meeting.attendees.map((a) => a.name),
        path: panelPath(meeting.id),
      },
      cases: rows.map((r, i) => ({
        ...r,
        decided: meeting.cases[i]!.decision !== null,
        decidedAt: meeting.cases[i]!.decidedAt ? formatDate(meeting.cases[i]!.decidedAt!) : null,
      })),
      conflict: form.conflict ?? null,
      values: form.values ?? {},
      errors: form.errors,
    });
  }

  /** A refused meeting change shown on the meeting's page: a field problem, or a stale save (409). */
  function refusedOnMeeting(req: Request, res: Response, err: unknown, values: FormValues = {}) {
    if (err instanceof FieldError) return renderMeeting(req, res, { status: 400, errors: fieldErrors(err), values });
    if (err instanceof ServiceError && err.status === 409)
      return renderMeeting(req, res, { status: 409, conflict: err.message, values });
    throw err;
  }

  async function renderNew(
    req: Request,
    res: Response,
    form: { status?: number; errors?: FormErrors; values?: FormValues } = {},
  ) {
    const agencies = await services.agencies.offered();
    res.status(form.status ?? 200).render("pages/partners/cases/panel/new", {
      area: "partners",
      user: req.user,
      title: "New Review Panel meeting",
      agencies: agencies.map((a) => ({ value: String(a.id), text: a.name })),
      values: form.values ?? { attendees: [] },
      errors: form.errors,
    });
  }

  async function renderDecision(
    req: Request,
    res: Response,
    form: { status?: number; errors?: FormErrors; values?: FormValues; conflict?: boolean } = {},
  ) {
    const id = meetingId(req);
    const reference = referenceOf(req);
    const [meeting, owners] = await Promise.all([panel.open(req.user!, id), cases.caseworkers()]);
    const at = meeting.cases.findIndex((c) => c.reference === reference);
    if (at === -1) throw notFound("case");
    const kase = meeting.cases[at]!;
    res.status(form.status ?? 200).render("pages/partners/cases/panel/decision", {
      area: "partners",
      user: req.user,
      title: "Record the panel's decision",
      meeting: { id, version: meeting.version, heldOn: formatDate(meeting.heldOn), path: panelPath(id) },
      kase: caseRows([kase])[0],
      owners: owners.map((o) => ({ value: String(o.id), text: `${o.name}${o.agency ? ` (${o.agency.code})` : ""}` })),
      conflict: form.conflict ?? false,
      savedDecision: kase.decision,
      values: form.values ?? { decision: kase.decision ?? "", description: "", ownerId: "" },
      errors: form.errors,
    });
  }

  return [
    get("/panel", "panel", async (req, res) => {
      const meetings = await panel.list(req.user!);
      res.render("pages/partners/cases/panel/index", {
        area: "partners",
        user: req.user,
        title: "Review Panel",
        meetings: meetings.map((m) => ({ href: panelPath(m.id), heldOn: formatDate(m.heldOn), cases: m.cases })),
      });
    }),

    get("/panel/new", "panel", (req, res) => renderNew(req, res)),

    post("/panel/new", "panel", async (req, res) => {
      const form = parseForm(meetingForm, req.body, ["attendees"]);
      const show = (f: { status: number; errors: FormErrors }) => renderNew(req, res, { ...f, values: form.values });
      if (!form.ok) return show({ status: 400, errors: form.errors });
      const held = parseDateParts(
        form.data["heldOn-day"],
        form.data["heldOn-month"],
        form.data["heldOn-year"],
        "date of the meeting",
      );
      const errors = noErrors();
      if ("error" in held) addError(errors, "heldOn", held.error);
      if (form.data.attendees.length === 0) addError(errors, "attendees", "Select the agencies attending");
      if (errors.list.length || "error" in held) return show({ status: 400, errors });
      let id: number;
      try {
        id = await panel.create(req.user!, { heldOn: dayOf(held.date), attendeeIds: form.data.attendees });
      } catch (err) {
        if (err instanceof FieldError) return show({ status: 400, errors: fieldErrors(err) });
        throw err;
      }
      done(req, res, "The meeting was created with the cases the rules propose", panelPath(id));
    }),

    get("/panel/:id", "panel", (req, res) => renderMeeting(req, res)),

    post("/panel/:id/refresh", "panel", async (req, res) => {
      const form = parseForm(versionOnly, req.body);
      if (!form.ok)
        throw new ServiceError(400, "The form sent something it should not. Reload the page and try again.");
      try {
        await panel.refresh(req.user!, meetingId(req), form.data.version);
      } catch (err) {
        return refusedOnMeeting(req, res, err);
      }
      done(req, res, "The cases the rules propose now were added", panelPath(meetingId(req)));
    }),

    post("/panel/:id/cases", "panel", async (req, res) => {
      const form = parseForm(addCaseForm, req.body);
      if (!form.ok) return renderMeeting(req, res, { status: 400, errors: form.errors, values: form.values });
      try {
        await panel.addCase(req.user!, meetingId(req), form.data.version, form.data.reference);
      } catch (err) {
        return refusedOnMeeting(req, res, err, form.values);
      }
      done(req, res, "The case was added to the meeting", panelPath(meetingId(req)));
    }),

    post("/panel/:id/cases/:reference/remove", "panel", async (req, res) => {
      const form = parseForm(versionOnly, req.body);
      if (!form.ok)
        throw new ServiceError(400, "The form sent something it should not. Reload the page and try again.");
      try {
        await panel.removeCase(req.user!, meetingId(req), form.data.version, referenceOf(req));
      } catch (err) {
        return refusedOnMeeting(req, res, err);
      }
      done(req, res, "The case was taken off the meeting", panelPath(meetingId(req)));
    }),

    post("/panel/:id/cases/:reference/free-text", "panel", async (req, res) => {
      const form = parseForm(freeTextForm, req.body);
      if (!form.ok)
        throw new ServiceError(400, "The form sent something it should not. Reload the page and try again.");
      try {
        await panel.showFreeText(req.user!, meetingId(req), form.data.version, referenceOf(req), form.data.show);
      } catch (err) {
        return refusedOnMeeting(req, res, err);
      }
      done(
        req,
        res,
        form.data.show ? "The agenda now shows the case's latest notes" : "The agenda no longer shows the case's notes",
        panelPath(meetingId(req)),
      );
    }),

    get("/panel/:id/agenda", "panel", async (req, res) => {
      const agenda = await panel.agenda(req.user!, meetingId(req));
      const rows = caseRows(agenda.cases);
      // Its own clean page to print: no header, navigation or flash (see the view).
      res.render("pages/partners/cases/panel/agenda", {
        layout: false,
        title: `Hate Crime Review Panel agenda, ${formatDate(agenda.heldOn)}`,
        meeting: { path: panelPath(agenda.id), attendees: agenda.attendees.map((a) => a.name) },
        cases: rows.map((r, i) => ({ ...r, notes: agenda.cases[i]!.notes })),
      });
    }),

    get("/panel/:id/cases/:reference", "panel", (req, res) => renderDecision(req, res)),

    post("/panel/:id/cases/:reference", "panel", async (req, res) => {
      const form = parseForm(decisionForm, req.body);
      const show = (f: { status: number; errors?: FormErrors; conflict?: boolean }) =>
        renderDecision(req, res, { ...f, values: form.values });
      if (!form.ok) return show({ status: 400, errors: form.errors });
      const d = form.data;
      const dateTyped = [d["dueOn-day"], d["dueOn-month"], d["dueOn-year"]].some((p) => p.trim() !== "");
      let action: { description: string; ownerId: number | null; dueOn: string } | null = null;
      if (d.description !== "" || dateTyped || d.ownerId !== null) {
        const errors = noErrors();
        if (d.description === "") addError(errors, "description", "Describe the new action, or leave the action empty");
        const due = parseDateParts(d["dueOn-day"], d["dueOn-month"], d["dueOn-year"], "due date");
        if ("error" in due) addError(errors, "dueOn", due.error);
        if (errors.list.length || "error" in due) return show({ status: 400, errors });
        action = { description: d.description, ownerId: d.ownerId, dueOn: dayOf(due.date) };
      }
      try {
        await panel.decide(req.user!, meetingId(req), d.version, referenceOf(req), { decision: d.decision, action });
      } catch (err) {
        if (err instanceof FieldError) return show({ status: 400, errors: fieldErrors(err) });
        if (err instanceof ServiceError && err.status === 409 && err.message.startsWith("Someone else"))
          return show({ status: 409, conflict: true });
        throw err;
      }
      done(req, res, `The panel's decision on ${referenceOf(req)} was recorded`, panelPath(meetingId(req)));
    }),
  ];
}
