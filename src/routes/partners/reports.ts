// Coordinators' "New reports": the online hate incident reports, each opened with its answers in
// the form's own words, and the messages with the reporter. Opening a report is audited by the
// service; the list shows what a report is about, never who made it or what it says.
import type { Request, Response } from "express";
import { z } from "zod";
import { formatDate, formatDateTime } from "../../content/dates.ts";
import { notFound } from "../../services/errors.ts";
import type { Services } from "../../services/index.ts";
import { MAX_MESSAGE, normaliseReference } from "../../services/reports/follow-up.ts";
import {
  ACCESS_NEEDS,
  AGE_BANDS,
  CONTACT_METHODS,
  INCIDENT_TYPES,
  OFFENDER_COUNTS,
  OTHER_AREAS,
  PLACE_TYPES,
  REPORTER_ROLES,
  STRANDS,
  WANTS,
  YES_NO,
  YES_NO_NOT_SURE,
} from "../../services/reports/questions.ts";
import { type OpenedReport, REPORTS_PAGE_SIZE } from "../../services/reports/reports.ts";
import { type FormErrors, type FormValues, parseForm } from "../forms.ts";
import { paginationParams } from "../pagination.ts";
import { get, post, type PartnerRoute } from "./route-table.ts";

const listQuery = z.object({ page: z.coerce.number().int().min(1).max(100_000).catch(1) });

const messageForm = z.object({
  body: z
    .string()
    .trim()
    .min(1, "Enter your message to the reporter")
    .max(MAX_MESSAGE, `The message must be ${MAX_MESSAGE.toLocaleString("en-GB")} characters or fewer`),
});

type Codes = Record<string, string>;
const NOT_GIVEN = "Not given";

/** The words for a code (a town is its own word); "Not given" for a skipped question. */
const word = (codes: Codes, code: string | null | undefined) =>
  code ? (Object.hasOwn(codes, code) ? codes[code]! : code) : NOT_GIVEN;
const words = (codes: Codes, list: string[]) => (list.length ? list.map((c) => word(codes, c)) : [NOT_GIVEN]);

const MONTH = new Intl.DateTimeFormat("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });

/** "November 2026" from "2026-11". */
const monthText = (month: string | null) => {
  const match = month && /^(\d{4})-(\d{2})$/.exec(month);
  return match ? MONTH.format(new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1))) : NOT_GIVEN;
};

const dateText = (date: string | null) => {
  const match = date && /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  return match ? formatDate(new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])))) : NOT_GIVEN;
};

/** One row of an answers summary list: each line of the value shown on its own. */
export interface AnswerRow {
  key: string;
  lines: string[];
  /** Encrypted and deleted with the rest at the end of its retention. */
  personal?: boolean;
}

const row = (key: string, value: string | string[] | null | undefined): AnswerRow => {
  const lines = ([] as string[]).concat(value ?? []).filter((line) => line !== "");
  return { key, lines: lines.length ? lines : [NOT_GIVEN] };
};
const personalRow = (key: string, value: string | string[] | null | undefined): AnswerRow => ({
  ...row(key, value),
  personal: true,
});
/** A long answer, a paragraph a line. */
const paragraphs = (text: string | null | undefined) => text?.split(/\r?\n/).filter((l) => l.trim());

/** A report's answers, section by section, as the form asked them. */
export function answerSections(report: OpenedReport): { title: string; rows: AnswerRow[] }[] {
  const s = report.statistics;
  const p = report.personal;
  const when = p?.incidentDate
    ? dateText(p.incidentDate)
    : s.incidentMonth
      ? `${monthText(s.incidentMonth)} (the exact date is not known)`
      : NOT_GIVEN;
  const contact = p?.contact;
  const sections = [
    {
      title: "The incident",
      rows: [
        row("Who is reporting", word(REPORTER_ROLES, s.reporterRole)),
        ...(s.reporterRole === "ON_BEHALF"
          ? [personalRow("Their relationship to the person it happened to", p?.relationship)]
          : []),
        personalRow("What happened", paragraphs(p?.narrative)),
        row("What kind of incident", words(INCIDENT_TYPES, s.incidentTypes)),
        row("Why they think it happened because of who they are", words(STRANDS, s.strands)),
        row("When it happened", when),
        row("Has it happened before", word(YES_NO_NOT_SURE, s.happenedBefore)),
        row("Where it happened", word(OTHER_AREAS, s.area)),
        row("Type of place", word(PLACE_TYPES, s.placeType)),
        personalRow("Street or postcode", p?.location),
        row("Was anyone hurt", word(YES_NO_NOT_SURE, s.anyoneHurt)),
        row("Does anyone need help now", s.needsHelpNow ? "Yes" : "No"),
        row("How many people did it", word(OFFENDER_COUNTS, s.offenderCount)),
        personalRow("About the people who did it", paragraphs(p?.offenders)),
        row("Have the police been told", word(YES_NO_NOT_SURE, s.policeTold)),
        personalRow("Crime reference number", p?.crimeReference),
        row("What they would like to happen", words(WANTS, s.wants)),
      ],
    },
    {
      title: "Contact",
      rows: s.anonymous
        ? [row("Name", "Reported without giving a name")]
        : [
            row("Name", contact?.name),
            row("Best way to contact them", word(CONTACT_METHODS, contact?.preferredContact)),
            row("Phone", contact?.phone),
            row("Email", contact?.email),
            row("Address", paragraphs(contact?.address)),
            row("When it is safe to contact them", contact?.safeTimes),
            row("Can we leave a message", word(YES_NO, contact?.leaveMessage)),
          ],
    },
    {
      title: "Needs",
      rows: [
        row("Language or interpreter", contact?.language),
        row("Accessibility needs", contact?.accessNeeds.length ? words(ACCESS_NEEDS, contact.accessNeeds) : null),
        row("Other needs", contact?.otherNeeds),
      ],
    },
    {
      title: "About them (for the partnership's figures)",
      rows: [row("Age", word(AGE_BANDS, s.ageBand)), row("First part of their postcode", s.postcodeDistrict)],
    },
  ];
  // Once the personal data is deleted only the statistics are left.
  if (!p)
    return sections
      .filter((section) => section.title !== "Contact" && section.title !== "Needs")
      .map((section) => ({ ...section, rows: section.rows.filter((r) => !r.personal) }));
  return sections;
}

export function partnerReportRoutes(services: Services): PartnerRoute[] {
  const { reports } = services;

  const referenceOf = (req: Request) => {
    const reference = normaliseReference(String(req.params.reference ?? ""));
    if (!reference) throw notFound("report");
    return reference;
  };

  async function renderReport(
    req: Request,
    res: Response,
    model: { status?: number; values?: FormValues; errors?: FormErrors } = {},
  ) {
    const report = await reports.open(req.user!, referenceOf(req));
    res.status(model.status ?? 200).render("pages/partners/reports/report", {
      area: "partners",
      title: `Report ${report.reference}`,
      user: req.user,
      reference: report.reference,
      received: formatDateTime(report.receivedAt),
      deletedAt: report.personalDataDeletedAt && formatDate(report.personalDataDeletedAt),
      anonymous: report.statistics.anonymous,
      needsHelpNow: report.statistics.needsHelpNow,
      sections: answerSections(report),
      messages: report.messages.map((m) => ({
        from: m.fromReporter ? "The reporter" : (m.authorName ?? "A coordinator"),
        at: formatDateTime(m.createdAt),
        lines: paragraphs(m.body) ?? [],
      })),
      values: { body: model.values?.body ?? "" },
      errors: model.errors,
    });
  }

  return [
    get("/reports", "coordinator", async (req, res) => {
      const { page } = listQuery.parse(req.query);
      const list = await reports.newReports(page);
      const pages = Math.max(1, Math.ceil(list.total / REPORTS_PAGE_SIZE));
      res.render("pages/partners/reports/index", {
        area: "partners",
        title: "New reports",
        user: req.user,
        total: list.total,
        pagination: paginationParams(page, pages, (n) => `/partners/reports?page=${n}`),
        reports: list.reports.map((r) => ({
          reference: r.reference,
          href: `/partners/reports/${r.reference}`,
          received: formatDateTime(r.receivedAt),
          area: word(OTHER_AREAS, r.area),
          strands: words(STRANDS, r.strands).join(", "),
          wants: words(WANTS, r.wants).join(", "),
          contact: r.anonymous ? "Anonymous" : "Named",
          unreadReplies: r.unreadReplies,
        })),
      });
    }),

    get("/reports/:reference", "coordinator", (req, res) => renderReport(req, res)),

    post("/reports/:reference/messages", "coordinator", async (req, res) => {
      const reference = referenceOf(req);
      const form = parseForm(messageForm, req.body);
      if (!form.ok) return renderReport(req, res, { status: 400, values: form.values, errors: form.errors });
      await reports.sendMessage(req.user!, reference, form.data.body);
      req.session.flash = {
        heading: "Your message was sent. The reporter sees it when they next open their follow-up page",
      };
      res.redirect(`/partners/reports/${reference}#messages`);
    }),
  ];
}
