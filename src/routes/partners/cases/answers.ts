// A report's answers in the form's own words, section by section, for its case page and the
// subject access print. Personal rows are marked, so the page can say what retention deletes.
import { formatDate } from "../../../content/dates.ts";
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
} from "../../../services/reports/questions.ts";
import type { OpenedReport } from "../../../services/reports/reports.ts";

type Codes = Record<string, string>;
const NOT_GIVEN = "Not given";

/** The words for a code (a town is its own word); "Not given" for a skipped question. */
export const word = (codes: Codes, code: string | null | undefined) =>
  code ? (Object.hasOwn(codes, code) ? codes[code]! : code) : NOT_GIVEN;
export const words = (codes: Codes, list: string[]) => (list.length ? list.map((c) => word(codes, c)) : [NOT_GIVEN]);

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
export const paragraphs = (text: string | null | undefined) => text?.split(/\r?\n/).filter((l) => l.trim());

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
