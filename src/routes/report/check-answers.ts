// What "Check your answers" shows for each step of the online report: each question in a few
// words, and the answer as the person chose or typed it (codes turned back into their words).
import {
  ACCESS_NEEDS,
  AGE_BANDS,
  CONTACT_CHOICES,
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
  type FormValues,
  type ReportAnswers,
  type ReportStep,
} from "../../services/reports/questions.ts";

type Codes = Readonly<Record<string, string>>;
/** Words in the page's language (middleware/i18n.ts). */
type Translate = (key: string, options?: Record<string, unknown>) => string;

interface Question {
  /** The question in a few words: report:check.<step>.<field>. */
  field: string;
  /** The lines of the answer; none when it was skipped. */
  answer: (values: FormValues, t: Translate) => string[];
  /** Only asked after some answers (a crime reference once the police were told). */
  askedIf?: (values: FormValues) => boolean;
}

export interface SummaryRow {
  label: string;
  /** Empty when not answered; a line may hold line breaks (what happened, an address). */
  lines: string[];
  changeHref: string;
}

export interface SummarySection {
  title: string;
  rows: SummaryRow[];
}

const one = (values: FormValues, field: string) => {
  const value = values[field];
  return typeof value === "string" ? value : "";
};
const typed = (field: string) => (values: FormValues) => (one(values, field) ? [one(values, field).trim()] : []);
/** A code's words: report:options.<list>.<code>; a code not in the list (a town) as it is. */
const word = (t: Translate, list: string, codes: Codes, code: string) =>
  Object.hasOwn(codes, code) ? t(`report:options.${list}.${code}`) : code;
const chosen = (field: string, list: string, codes: Codes) => (values: FormValues, t: Translate) =>
  one(values, field) ? [word(t, list, codes, one(values, field))] : [];
const ticked = (field: string, list: string, codes: Codes) => (values: FormValues, t: Translate) => {
  const value = values[field];
  return (Array.isArray(value) ? value : []).map((code) => word(t, list, codes, code));
};
const is = (field: string, code: string) => (values: FormValues) => one(values, field) === code;

function whenItHappened(values: FormValues, t: Translate): string[] {
  const n = (field: string) => one(values, field).trim();
  // A month's name after a day ("27 marca") and on its own ("marzec") differ in some languages.
  const monthName = (list: string, month: string) =>
    (t(`report:check.${list}`, { returnObjects: true }) as unknown as string[])[Number(month) - 1] ?? month;
  if (one(values, "whenKnown") === "DATE")
    return [`${Number(n("date-day"))} ${monthName("months", n("date-month"))} ${n("date-year")}`];
  if (one(values, "whenKnown") === "MONTH")
    return [`${monthName("monthsAlone", n("approxMonth"))} ${n("approxYear")}`, t("report:check.notSureOfDate")];
  return [];
}

const named = is("contactChoice", "NAMED");

/** The questions of each step as Check your answers shows them, by step slug. */
const QUESTIONS: Record<string, Question[]> = {
  who: [
    { field: "reporterRole", answer: chosen("reporterRole", "REPORTER_ROLES", REPORTER_ROLES) },
    { field: "relationship", answer: typed("relationship"), askedIf: is("reporterRole", "ON_BEHALF") },
  ],
  "what-happened": [
    { field: "narrative", answer: typed("narrative") },
    { field: "incidentTypes", answer: ticked("incidentTypes", "INCIDENT_TYPES", INCIDENT_TYPES) },
  ],
  why: [{ field: "strands", answer: ticked("strands", "STRANDS", STRANDS) }],
  when: [
    { field: "when", answer: whenItHappened },
    { field: "happenedBefore", answer: chosen("happenedBefore", "YES_NO_NOT_SURE", YES_NO_NOT_SURE) },
  ],
  where: [
    { field: "area", answer: chosen("area", "OTHER_AREAS", OTHER_AREAS) },
    { field: "placeType", answer: chosen("placeType", "PLACE_TYPES", PLACE_TYPES) },
    { field: "location", answer: typed("location") },
  ],
  hurt: [
    { field: "anyoneHurt", answer: chosen("anyoneHurt", "YES_NO_NOT_SURE", YES_NO_NOT_SURE) },
    { field: "needsHelpNow", answer: chosen("needsHelpNow", "YES_NO", YES_NO) },
  ],
  offenders: [
    { field: "offenderCount", answer: chosen("offenderCount", "OFFENDER_COUNTS", OFFENDER_COUNTS) },
    { field: "offenders", answer: typed("offenders") },
  ],
  police: [
    { field: "policeTold", answer: chosen("policeTold", "YES_NO_NOT_SURE", YES_NO_NOT_SURE) },
    { field: "crimeReference", answer: typed("crimeReference"), askedIf: is("policeTold", "YES") },
  ],
  "what-next": [{ field: "wants", answer: ticked("wants", "WANTS", WANTS) }],
  contact: [
    { field: "contactChoice", answer: chosen("contactChoice", "CONTACT_CHOICES", CONTACT_CHOICES) },
    { field: "name", answer: typed("name"), askedIf: named },
    {
      field: "preferredContact",
      answer: chosen("preferredContact", "CONTACT_METHODS", CONTACT_METHODS),
      askedIf: named,
    },
    { field: "phone", answer: typed("phone"), askedIf: named },
    { field: "email", answer: typed("email"), askedIf: named },
    { field: "address", answer: typed("address"), askedIf: named },
    { field: "safeTimes", answer: typed("safeTimes"), askedIf: named },
    { field: "leaveMessage", answer: chosen("leaveMessage", "YES_NO", YES_NO), askedIf: named },
    { field: "language", answer: typed("language") },
    { field: "accessNeeds", answer: ticked("accessNeeds", "ACCESS_NEEDS", ACCESS_NEEDS) },
    { field: "otherNeeds", answer: typed("otherNeeds") },
  ],
  "about-you": [
    { field: "ageBand", answer: chosen("ageBand", "AGE_BANDS", AGE_BANDS) },
    { field: "postcodeDistrict", answer: (v) => typed("postcodeDistrict")(v).map((p) => p.toUpperCase()) },
  ],
};

/** A section of Check your answers for each step, with links to change each answer. */
export function summarySections(
  steps: ReportStep[],
  answers: ReportAnswers,
  stepPath: (slug: string) => string,
  t: Translate,
): SummarySection[] {
  return steps.map((step) => {
    const values = answers[step.slug] ?? {};
    const changeHref = `${stepPath(step.slug)}?change=1`;
    const questions = QUESTIONS[step.slug] ?? [];
    return {
      title: t(`report:steps.${step.slug}.title`),
      rows: questions
        .filter((q) => !q.askedIf || q.askedIf(values))
        .map((q) => ({ label: t(`report:check.${step.slug}.${q.field}`), lines: q.answer(values, t), changeHref })),
    };
  });
}
