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

interface Question {
  label: string;
  /** The lines of the answer; none when it was skipped. */
  answer: (values: FormValues) => string[];
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
const chosen = (field: string, codes: Codes) => (values: FormValues) =>
  one(values, field) ? [codes[one(values, field)] ?? one(values, field)] : [];
const ticked = (field: string, codes: Codes) => (values: FormValues) => {
  const value = values[field];
  return (Array.isArray(value) ? value : []).map((code) => codes[code] ?? code);
};
const is = (field: string, code: string) => (values: FormValues) => one(values, field) === code;

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const monthName = (month: string) => MONTHS[Number(month) - 1] ?? month;

function whenItHappened(values: FormValues): string[] {
  const n = (field: string) => one(values, field).trim();
  if (one(values, "whenKnown") === "DATE")
    return [`${Number(n("date-day"))} ${monthName(n("date-month"))} ${n("date-year")}`];
  if (one(values, "whenKnown") === "MONTH")
    return [`${monthName(n("approxMonth"))} ${n("approxYear")}`, "Not sure of the exact date"];
  return [];
}

const named = is("contactChoice", "NAMED");

/** The questions of each step as Check your answers shows them, by step slug. */
const QUESTIONS: Record<string, Question[]> = {
  who: [
    { label: "Who is reporting", answer: chosen("reporterRole", REPORTER_ROLES) },
    { label: "Your relationship to them", answer: typed("relationship"), askedIf: is("reporterRole", "ON_BEHALF") },
  ],
  "what-happened": [
    { label: "What happened", answer: typed("narrative") },
    { label: "What kind of incident", answer: ticked("incidentTypes", INCIDENT_TYPES) },
  ],
  why: [{ label: "Because of", answer: ticked("strands", STRANDS) }],
  when: [
    { label: "When it happened", answer: whenItHappened },
    { label: "Has it happened before", answer: chosen("happenedBefore", YES_NO_NOT_SURE) },
  ],
  where: [
    { label: "Town or area", answer: chosen("area", OTHER_AREAS) },
    { label: "Type of place", answer: chosen("placeType", PLACE_TYPES) },
    { label: "Street or postcode", answer: typed("location") },
  ],
  hurt: [
    { label: "Was anyone hurt", answer: chosen("anyoneHurt", YES_NO_NOT_SURE) },
    { label: "Does anyone need help now", answer: chosen("needsHelpNow", YES_NO) },
  ],
  offenders: [
    { label: "How many people did it", answer: chosen("offenderCount", OFFENDER_COUNTS) },
    { label: "About them", answer: typed("offenders") },
  ],
  police: [
    { label: "Have the police been told", answer: chosen("policeTold", YES_NO_NOT_SURE) },
    { label: "Crime reference number", answer: typed("crimeReference"), askedIf: is("policeTold", "YES") },
  ],
  "what-next": [{ label: "What you would like to happen", answer: ticked("wants", WANTS) }],
  contact: [
    { label: "Anonymous or named", answer: chosen("contactChoice", CONTACT_CHOICES) },
    { label: "Name", answer: typed("name"), askedIf: named },
    { label: "Best way to contact you", answer: chosen("preferredContact", CONTACT_METHODS), askedIf: named },
    { label: "Phone", answer: typed("phone"), askedIf: named },
    { label: "Email", answer: typed("email"), askedIf: named },
    { label: "Address", answer: typed("address"), askedIf: named },
    { label: "Safe times to contact you", answer: typed("safeTimes"), askedIf: named },
    { label: "We may leave a message", answer: chosen("leaveMessage", YES_NO), askedIf: named },
    { label: "Language", answer: typed("language") },
    { label: "Help with reading or communicating", answer: ticked("accessNeeds", ACCESS_NEEDS) },
    { label: "Other needs", answer: typed("otherNeeds") },
  ],
  "about-you": [
    { label: "Age", answer: chosen("ageBand", AGE_BANDS) },
    { label: "First part of your postcode", answer: (v) => typed("postcodeDistrict")(v).map((p) => p.toUpperCase()) },
  ],
};

/** A section of Check your answers for each step, with links to change each answer. */
export function summarySections(
  steps: ReportStep[],
  answers: ReportAnswers,
  stepPath: (slug: string) => string,
): SummarySection[] {
  return steps.map((step) => {
    const values = answers[step.slug] ?? {};
    const changeHref = `${stepPath(step.slug)}?change=1`;
    const questions = QUESTIONS[step.slug] ?? [];
    return {
      title: step.title,
      rows: questions
        .filter((q) => !q.askedIf || q.askedIf(values))
        .map((q) => ({ label: q.label, lines: q.answer(values), changeHref })),
    };
  });
}
