// The audit trail for coordinators: newest first, in plain English, filtered by action, person,
// record type and a date range (sign-ins only when asked for), and the same events as CSV.
import type { Request, Response } from "express";
import { z } from "zod";
import { renderAuditCsv } from "../../services/audit-csv.ts";
import type { AuditFilter } from "../../services/audit.ts";
import type { Services } from "../../services/index.ts";
import { addError, storableString, type FormErrors } from "../forms.ts";
import { paginationParams } from "../pagination.ts";
import { hasCaseAccess } from "../../services/cases/access.ts";
import { normaliseReference } from "../../services/reports/follow-up.ts";
import { get, type PartnerRoute } from "./route-table.ts";

const part = storableString(z.string().trim().max(10)).catch("");

const query = z.object({
  action: storableString(z.string().trim().max(100)).catch(""),
  actor: storableString(z.string().trim().max(254)).catch(""),
  entityType: storableString(z.string().trim().max(50)).catch(""),
  case: storableString(z.string().trim().max(20)).catch(""),
  "from-day": part,
  "from-month": part,
  "from-year": part,
  "to-day": part,
  "to-month": part,
  "to-year": part,
  signIns: z.literal("yes").optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

type Query = z.infer<typeof query>;

/** Midnight at the start of a day in the UK (GMT or BST), as an instant. */
function ukMidnight(year: number, month: number, day: number): Date {
  const guess = Date.UTC(year, month - 1, day);
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/London",
    hour: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(guess));
  const hour = Number(parts.find((p) => p.type === "hour")?.value ?? 0);
  return new Date(guess - hour * 3_600_000);
}

/**
 * One GOV.UK date input (day, month, year), all empty for "no date": the UK day it names, or the
 * message to show. Named `label` in the messages ("The date from").
 */
const dateInput = (label: string) =>
  z.object({ day: z.string(), month: z.string(), year: z.string() }).transform((d, ctx) => {
    const parts = [d.day, d.month, d.year];
    if (parts.every((p) => p === "")) return undefined;
    const fail = (message: string) => {
      ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    };
    const missing = ["day", "month", "year"].filter((_, i) => parts[i] === "");
    if (missing.length > 0) return fail(`${label} must include a ${missing.join(" and a ")}`);
    if (!parts.every((p) => /^\d+$/.test(p))) return fail(`${label} must be a real date`);
    if (!/^\d{4}$/.test(d.year)) return fail(`The year of ${label.toLowerCase()} must include 4 numbers`);
    const [day, month, year] = parts.map(Number) as [number, number, number];
    const check = new Date(Date.UTC(year, month - 1, day));
    if (month < 1 || month > 12 || check.getUTCDate() !== day || check.getUTCMonth() !== month - 1)
      return fail(`${label} must be a real date`);
    if (year < 2000 || year > 2100) return fail(`${label} must be between 2000 and 2100`);
    return { year, month, day };
  });

const fromDate = dateInput("The date from");
const toDate = dateInput("The date to");

/** The filter the query asks for, or the errors to show (what was typed is kept in the query). */
function filterOf(q: Query, user: Express.User): { filter: Omit<AuditFilter, "page"> } | { errors: FormErrors } {
  const errors: FormErrors = { list: [], fields: {} };
  const from = fromDate.safeParse({ day: q["from-day"], month: q["from-month"], year: q["from-year"] });
  const to = toDate.safeParse({ day: q["to-day"], month: q["to-month"], year: q["to-year"] });
  if (!from.success) addError(errors, "from", from.error.issues[0]!.message);
  if (!to.success) addError(errors, "to", to.error.issues[0]!.message);
  const start = from.success && from.data ? ukMidnight(from.data.year, from.data.month, from.data.day) : undefined;
  // "To" includes the whole of that day.
  const end = to.success && to.data ? ukMidnight(to.data.year, to.data.month, to.data.day + 1) : undefined;
  if (start && end && end <= start) addError(errors, "to", "The date to must be the same as or after the date from");
  if (errors.list.length > 0) {
    // The summary links to the first field of each date.
    errors.list = errors.list.map((e) => ({ ...e, href: `${e.href}-day` }));
    return { errors };
  }
  return {
    filter: {
      action: q.action,
      actorEmail: q.actor,
      entityType: q.entityType,
      from: start,
      before: end,
      includeSignIns: q.signIns === "yes",
      ...caseFilter(q, user),
    },
  };
}

/** A case's events, found by its reference as typed; none of any case without case access. */
const caseFilter = (q: Query, user: Express.User) => ({
  caseReference: q.case ? (normaliseReference(q.case) ?? q.case) : undefined,
  hideCases: !hasCaseAccess(user),
});

/** The query string of the filters (not the page), for pagination and the CSV link. */
function filterParams(q: Query): URLSearchParams {
  const params = new URLSearchParams();
  for (const name of [
    "action",
    "actor",
    "entityType",
    "case",
    "from-day",
    "from-month",
    "from-year",
    "to-day",
    "to-month",
    "to-year",
  ] as const) {
    if (q[name]) params.set(name, q[name]);
  }
  if (q.signIns) params.set("signIns", "yes");
  return params;
}

export function auditRoutes(services: Services): PartnerRoute[] {
  async function page(req: Request, res: Response) {
    const q = query.parse(req.query);
    const asked = filterOf(q, req.user!);
    const errors = "errors" in asked ? asked.errors : undefined;
    // With dates that are not right, the other filters still show their choices but no events.
    const result = await services.audit.list({
      ...("filter" in asked
        ? asked.filter
        : { action: q.action, actorEmail: q.actor, entityType: q.entityType, ...caseFilter(q, req.user!) }),
      page: errors ? 1 : q.page,
    });
    const params = filterParams(q).toString();
    const withParams = (path: string) => (params ? `${path}?${params}` : path);
    res.status(errors ? 400 : 200).render("pages/partners/audit", {
      area: "partners",
      title: "Audit trail",
      user: req.user,
      values: q,
      errors,
      events: errors ? [] : result.events,
      total: errors ? 0 : result.total,
      pages: errors ? 1 : result.pages,
      actions: result.actions,
      recordTypes: result.recordTypes,
      csvHref: withParams("/partners/audit.csv"),
      pagination: paginationParams(
        result.page,
        result.pages,
        (n) => `/partners/audit?${params ? `${params}&` : ""}page=${n}`,
      ),
    });
  }

  return [
    get("/audit", "coordinator", page),
    get("/audit.csv", "coordinator", async (req, res) => {
      const asked = filterOf(query.parse(req.query), req.user!);
      // Dates that are not right: the page says what is wrong.
      if ("errors" in asked) return page(req, res);
      const rows = await services.audit.exportRows(asked.filter);
      res.type("text/csv; charset=utf-8");
      res.set("Content-Disposition", 'attachment; filename="audit-trail.csv"');
      res.send(renderAuditCsv(rows));
    }),
  ];
}
