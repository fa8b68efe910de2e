// The questions of the online hate incident report (/report/online), in the order they are
// asked: the most important first, and every one after "what happened" may be skipped. Each step
// is one page; its zod rules are the only place an answer is checked, both when the page is sent
// and again, all together, when the report is submitted. The answers' codes (VICTIM, RACE, ...)
// are what the statistical columns of IncidentReport hold; the words are what people read (in
// English here, for the partner area and the figures; the public form's words, in each language,
// are in locales/*/report.json). Error messages are keys of those catalogues.
import { z } from "zod";
import { londonDay } from "../reminders/working-days.ts";

/** A page's fields as sent: one string each, or an array for checkboxes. */
export type FormValues = Record<string, string | string[]>;

export const REPORTER_ROLES = {
  VICTIM: "It happened to me",
  WITNESS: "I saw it happen",
  ON_BEHALF: "I am reporting for someone else",
} as const;

export const INCIDENT_TYPES = {
  VERBAL: "Verbal abuse, such as name-calling or insults",
  THREATS: "Threats",
  PHYSICAL: "Physical attack",
  PROPERTY: "Damage to property",
  ONLINE: "Online abuse",
  WRITTEN: "Graffiti, posters or written material",
  HARASSMENT: "Harassment over time",
  OTHER: "Something else",
} as const;

/** The five monitored strands, then the partnership's local ones. */
export const STRANDS = {
  RACE: "Race, ethnicity or nationality",
  RELIGION: "Religion or belief",
  SEXUAL_ORIENTATION: "Sexual orientation",
  DISABILITY: "Disability",
  TRANSGENDER: "Transgender identity",
  SEX_GENDER: "Sex or gender",
  AGE: "Age",
  ALTERNATIVE_SUBCULTURE: "Alternative subculture, such as goth, emo or punk",
  OTHER: "Something else",
  NOT_SURE: "I'm not sure",
} as const;

export const YES_NO_NOT_SURE = { YES: "Yes", NO: "No", NOT_SURE: "I'm not sure" } as const;
export const YES_NO = { YES: "Yes", NO: "No" } as const;

export const PLACE_TYPES = {
  HOME: "At or near home",
  STREET: "In the street or another public place",
  TRANSPORT: "On a bus, train or taxi, or at a stop or station",
  SHOP: "In a shop, pub or other business",
  SCHOOL: "At school, college or university",
  WORK: "At work",
  WORSHIP: "At a place of worship",
  ONLINE: "Online",
  OTHER: "Somewhere else",
} as const;

/** Places outside the towns of the reporting-centre finder. */
export const OTHER_AREAS = {
  ELSEWHERE: "Somewhere else in North Somerset",
  OUTSIDE: "Outside North Somerset",
  ONLINE: "Online",
} as const;

export const OFFENDER_COUNTS = {
  ONE: "One person",
  FEW: "2 or 3 people",
  MANY: "More than 3 people",
  NOT_SURE: "I'm not sure",
} as const;

export const WANTS = {
  SUPPORT: "Support from a caseworker",
  POLICE: "Pass this report to the police for me",
  RECORD_ONLY: "Just record it, so the partnership knows it happened",
} as const;

export const CONTACT_CHOICES = {
  ANONYMOUS: "Report without giving my name",
  NAMED: "Give my name and how to contact me",
} as const;

export const CONTACT_METHODS = { PHONE: "Phone", EMAIL: "Email", POST: "Post" } as const;

export const ACCESS_NEEDS = {
  EASY_READ: "Easy Read",
  BSL: "British Sign Language (BSL)",
  LARGE_PRINT: "Large print",
} as const;

export const AGE_BANDS = {
  UNDER_18: "Under 18",
  "18_24": "18 to 24",
  "25_34": "25 to 34",
  "35_44": "35 to 44",
  "45_54": "45 to 54",
  "55_64": "55 to 64",
  "65_PLUS": "65 or over",
  PREFER_NOT: "Prefer not to say",
} as const;

export const MAX_NARRATIVE = 5000;
export const MAX_DESCRIPTION = 2000;

/** What a step's rules need to know: the towns people may choose, and today (no date in the future). */
export interface QuestionContext {
  towns: readonly string[];
  today: Date;
}

type Codes = Record<string, string>;

/** A radio answer: one of the codes, or "" when skipped (or when `missing` says it must be answered). */
const choice = (codes: Codes, missing?: string) => {
  const values = Object.keys(codes);
  const rule = z.string().refine((v) => v === "" || values.includes(v), "report:errors.chooseOne");
  return missing ? rule.refine((v) => v !== "", missing) : rule;
};

/** Checkbox answers: codes from the list, each once. */
const choices = (codes: Codes) =>
  z
    .array(z.string())
    .max(Object.keys(codes).length, "report:errors.chooseFrom")
    .refine((v) => v.every((c) => Object.hasOwn(codes, c)), "report:errors.chooseFrom")
    .refine((v) => new Set(v).size === v.length, "report:errors.chooseOnce");

/**
 * Optional text, trimmed, at most `max` characters. `field` names its message in the catalogues
 * (report:errors.tooLong.<field>), which says the limit (errorMessage in routes/report/form-pages.ts).
 */
const optionalText = (max: number, field: string) => z.string().trim().max(max, tooLong(field, max));

/** A message key with the limit it states, "report:errors.tooLong.name|100". */
const tooLong = (field: string, max: number) => `report:errors.tooLong.${field}|${max}`;

const number = (v: string) => (/^\d{1,4}$/.test(v.trim()) ? Number(v.trim()) : NaN);

/** The first day of the month a report may go back to: 10 years before today. */
const earliest = (today: Date) => new Date(Date.UTC(today.getUTCFullYear() - 10, today.getUTCMonth(), 1));

function whenRules(today: Date) {
  return z
    .object({
      whenKnown: choice({ DATE: "", MONTH: "" }),
      "date-day": z.string().trim().max(10),
      "date-month": z.string().trim().max(10),
      "date-year": z.string().trim().max(10),
      approxMonth: z.string().trim().max(10),
      approxYear: z.string().trim().max(10),
      happenedBefore: choice(YES_NO_NOT_SURE),
    })
    .superRefine((d, ctx) => {
      const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
      if (d.whenKnown === "DATE") {
        const [day, month, year] = [number(d["date-day"]), number(d["date-month"]), number(d["date-year"])];
        if ([day, month, year].some(Number.isNaN)) return issue("date-day", "report:errors.date.missing");
        const date = new Date(Date.UTC(year, month - 1, day));
        if (date.getUTCDate() !== day || date.getUTCMonth() !== month - 1 || year < 1000)
          return issue("date-day", "report:errors.date.real");
        if (date.getTime() > today.getTime()) return issue("date-day", "report:errors.date.future");
        if (date < earliest(today)) return issue("date-day", "report:errors.date.tooOld");
      }
      if (d.whenKnown === "MONTH") {
        const [month, year] = [number(d.approxMonth), number(d.approxYear)];
        if (Number.isNaN(month) || Number.isNaN(year) || month < 1 || month > 12 || year < 1000)
          return issue("approxMonth", "report:errors.month.missing");
        const first = new Date(Date.UTC(year, month - 1, 1));
        if (first.getTime() > today.getTime()) return issue("approxMonth", "report:errors.month.future");
        if (first < earliest(today)) return issue("approxMonth", "report:errors.month.tooOld");
      }
    });
}

/** A UK postcode's outward code (district), e.g. BS21 or BS4. */
const POSTCODE_DISTRICT = /^[A-Z]{1,2}\d[A-Z\d]?$/;

/** One page of the form. */
export interface ReportStep {
  /** Its address: /report/online/<slug>. */
  slug: string;
  /** The page's h1 (and the section of Check your answers). */
  title: string;
  rules: z.ZodType<Record<string, unknown>, FormValues>;
  /** The field names the page sends, in page order (the rest are refused). */
  fields: readonly string[];
  /** Fields that are checkboxes and so may repeat. */
  multiple: readonly string[];
}

const step = <Shape extends z.ZodRawShape>(
  slug: string,
  title: string,
  shape: Shape,
  refine?: (data: z.infer<z.ZodObject<Shape>>, ctx: z.RefinementCtx) => void,
  multiple: string[] = [],
): ReportStep => {
  const object = z.object(shape);
  return {
    slug,
    title,
    rules: (refine ? object.superRefine(refine) : object) as unknown as ReportStep["rules"],
    fields: Object.keys(shape),
    multiple,
  };
};

const exclusive =
  (field: string, only: string, message: string) => (data: Record<string, unknown>, ctx: z.RefinementCtx) => {
    const picked = data[field] as string[];
    if (picked.includes(only) && picked.length > 1) ctx.addIssue({ code: "custom", path: [field], message });
  };

let built: { key: string; steps: ReportStep[] } | undefined;

/**
 * Every step, in order, with its rules for this context. Building zod rules costs a millisecond
 * or so (zod compiles each new object's parser), so the steps are built once for each day in
 * England and list of towns, and every request that day reuses them.
 */
export function reportSteps({ towns, today }: QuestionContext): ReportStep[] {
  // Today is the day it is in England, so a report made just after midnight may say "today".
  const day = new Date(`${londonDay(today)}T00:00:00Z`);
  const key = `${day.toISOString()}\n${towns.join("\n")}`;
  if (built?.key !== key) built = { key, steps: buildSteps(towns, day) };
  return built.steps;
}

function buildSteps(towns: readonly string[], today: Date): ReportStep[] {
  const areas: Codes = { ...Object.fromEntries(towns.map((t) => [t, t])), ...OTHER_AREAS };
  const when = whenRules(today);
  return [
    step(
      "who",
      "Who is reporting?",
      {
        reporterRole: choice(REPORTER_ROLES, "report:errors.reporterRole"),
        relationship: optionalText(100, "relationship"),
      },
      (d, ctx) => {
        // Only asked of someone reporting for another person; never kept otherwise.
        if (d.reporterRole !== "ON_BEHALF" && d.relationship)
          ctx.addIssue({ code: "custom", path: ["relationship"], message: "report:errors.relationshipOnly" });
      },
    ),
    step(
      "what-happened",
      "What happened?",
      {
        narrative: z
          .string()
          .trim()
          .min(1, "report:errors.narrative")
          .max(MAX_NARRATIVE, tooLong("narrative", MAX_NARRATIVE)),
        incidentTypes: choices(INCIDENT_TYPES),
      },
      undefined,
      ["incidentTypes"],
    ),
    step(
      "why",
      "Why do you think it happened because of who they are?",
      { strands: choices(STRANDS) },
      exclusive("strands", "NOT_SURE", "report:errors.strandsExclusive"),
      ["strands"],
    ),
    {
      slug: "when",
      title: "When did it happen?",
      rules: when as unknown as ReportStep["rules"],
      fields: Object.keys(when.shape),
      multiple: [],
    },
    step("where", "Where did it happen?", {
      area: choice(areas),
      placeType: choice(PLACE_TYPES),
      location: optionalText(200, "location"),
    }),
    step("hurt", "Was anyone hurt?", {
      anyoneHurt: choice(YES_NO_NOT_SURE),
      needsHelpNow: choice(YES_NO),
    }),
    step("offenders", "About the people who did it", {
      offenderCount: choice(OFFENDER_COUNTS),
      offenders: optionalText(MAX_DESCRIPTION, "offenders"),
    }),
    step(
      "police",
      "Have the police been told?",
      { policeTold: choice(YES_NO_NOT_SURE), crimeReference: optionalText(50, "crimeReference") },
      (d, ctx) => {
        if (d.policeTold !== "YES" && d.crimeReference)
          ctx.addIssue({ code: "custom", path: ["crimeReference"], message: "report:errors.crimeReferenceOnly" });
      },
    ),
    step(
      "what-next",
      "What would you like to happen?",
      { wants: choices(WANTS) },
      exclusive("wants", "RECORD_ONLY", "report:errors.wantsExclusive"),
      ["wants"],
    ),
    step(
      "contact",
      "How can we contact you?",
      {
        contactChoice: choice(CONTACT_CHOICES),
        name: optionalText(100, "name"),
        preferredContact: choice(CONTACT_METHODS),
        phone: z
          .string()
          .trim()
          .max(30, "report:errors.phone")
          .refine((v) => v === "" || /^\+?[\d\s()-]{7,30}$/.test(v), "report:errors.phone"),
        email: z
          .string()
          .trim()
          .max(254, "report:errors.email")
          .refine((v) => v === "" || z.email().safeParse(v).success, "report:errors.email"),
        address: optionalText(300, "address"),
        safeTimes: optionalText(200, "safeTimes"),
        leaveMessage: choice(YES_NO),
        language: optionalText(100, "language"),
        accessNeeds: choices(ACCESS_NEEDS),
        otherNeeds: optionalText(200, "otherNeeds"),
      },
      (d, ctx) => {
        if (d.contactChoice !== "NAMED") {
          // Anonymous (or skipped): any details typed are not kept, so say so rather than drop them quietly.
          for (const field of ["name", "phone", "email", "address", "safeTimes"] as const)
            if (d[field])
              ctx.addIssue({ code: "custom", path: [field], message: "report:errors.contactAnonymous" });
          return;
        }
        if (!d.name) ctx.addIssue({ code: "custom", path: ["name"], message: "report:errors.nameMissing" });
        const given = { PHONE: d.phone, EMAIL: d.email, POST: d.address };
        if (!d.phone && !d.email && !d.address)
          ctx.addIssue({ code: "custom", path: ["phone"], message: "report:errors.contactMissing" });
        else if (d.preferredContact && !given[d.preferredContact as keyof typeof given])
          ctx.addIssue({
            code: "custom",
            path: ["preferredContact"],
            message: `report:errors.preferredMissing.${d.preferredContact}`,
          });
      },
      ["accessNeeds"],
    ),
    step("about-you", "About you", {
      ageBand: choice(AGE_BANDS),
      postcodeDistrict: z
        .string()
        .trim()
        .toUpperCase()
        .refine((v) => v === "" || POSTCODE_DISTRICT.test(v), "report:errors.postcodeDistrict"),
    }),
  ];
}

/** What each page sent, by step slug: kept (encrypted) in the draft between pages. */
export type ReportAnswers = Partial<Record<string, FormValues>>;

/** A report ready to store: statistics in the clear, the rest for encryption. */
export interface NewReport {
  statistics: {
    reporterRole: string;
    incidentTypes: string[];
    strands: string[];
    incidentMonth: string | null;
    incidentDateKnown: boolean;
    happenedBefore: string | null;
    area: string | null;
    placeType: string | null;
    anyoneHurt: string | null;
    needsHelpNow: boolean;
    offenderCount: string | null;
    policeTold: string | null;
    wants: string[];
    anonymous: boolean;
    ageBand: string | null;
    postcodeDistrict: string | null;
  };
  personal: {
    relationship: string | null;
    narrative: string;
    incidentDate: string | null;
    location: string | null;
    offenders: string | null;
    crimeReference: string | null;
    contact: ReportContact | null;
  };
}

export interface ReportContact {
  name: string;
  preferredContact: string | null;
  phone: string;
  email: string;
  address: string;
  safeTimes: string;
  leaveMessage: string | null;
  language: string;
  accessNeeds: string[];
  otherNeeds: string;
}

/** The first step not yet answered well, or undefined when every step's answers pass its rules. */
export function firstUnanswered(steps: ReportStep[], answers: ReportAnswers): ReportStep | undefined {
  return steps.find((s) => !answers[s.slug] || !s.rules.safeParse(answers[s.slug]).success);
}

/**
 * The report the answers make, checking every step again; undefined if a step is missing or no
 * longer passes (say, the town was taken off the list while the form was open).
 */
export function reportFromAnswers(steps: ReportStep[], answers: ReportAnswers): NewReport | undefined {
  const parsed: Record<string, Record<string, unknown>> = {};
  for (const s of steps) {
    const result = s.rules.safeParse(answers[s.slug]);
    if (!result.success) return undefined;
    parsed[s.slug] = result.data;
  }
  // A field's parsed answer: a string ("" when skipped), or for checkboxes a list.
  const text = (slug: string, field: string) => String(parsed[slug]?.[field] ?? "");
  const list = (slug: string, field: string) => (parsed[slug]?.[field] as string[] | undefined) ?? [];
  const optional = (slug: string, field: string) => text(slug, field) || null;
  const pad = (v: string) => v.padStart(2, "0");
  const whenKnown = text("when", "whenKnown");
  const exactDate =
    whenKnown === "DATE"
      ? `${text("when", "date-year")}-${pad(text("when", "date-month"))}-${pad(text("when", "date-day"))}`
      : null;
  const incidentMonth = exactDate
    ? exactDate.slice(0, 7)
    : whenKnown === "MONTH"
      ? `${text("when", "approxYear")}-${pad(text("when", "approxMonth"))}`
      : null;
  const named = text("contact", "contactChoice") === "NAMED";
  const accessNeeds = list("contact", "accessNeeds");
  // Language and access needs help with messages on the follow-up page too, so they are kept
  // for an anonymous report as well.
  const needs = text("contact", "language") || text("contact", "otherNeeds") || accessNeeds.length > 0;
  const contactField = (field: string) => (named ? text("contact", field) : "");
  return {
    statistics: {
      reporterRole: text("who", "reporterRole"),
      incidentTypes: list("what-happened", "incidentTypes"),
      strands: list("why", "strands"),
      incidentMonth,
      incidentDateKnown: exactDate !== null,
      happenedBefore: optional("when", "happenedBefore"),
      area: optional("where", "area"),
      placeType: optional("where", "placeType"),
      anyoneHurt: optional("hurt", "anyoneHurt"),
      needsHelpNow: text("hurt", "needsHelpNow") === "YES",
      offenderCount: optional("offenders", "offenderCount"),
      policeTold: optional("police", "policeTold"),
      wants: list("what-next", "wants"),
      anonymous: !named,
      ageBand: optional("about-you", "ageBand"),
      postcodeDistrict: optional("about-you", "postcodeDistrict"),
    },
    personal: {
      relationship: optional("who", "relationship"),
      narrative: text("what-happened", "narrative"),
      incidentDate: exactDate,
      location: optional("where", "location"),
      offenders: optional("offenders", "offenders"),
      crimeReference: optional("police", "crimeReference"),
      contact:
        named || needs
          ? {
              name: contactField("name"),
              preferredContact: named ? optional("contact", "preferredContact") : null,
              phone: contactField("phone"),
              email: contactField("email"),
              address: contactField("address"),
              safeTimes: contactField("safeTimes"),
              leaveMessage: named ? optional("contact", "leaveMessage") : null,
              language: text("contact", "language"),
              accessNeeds,
              otherNeeds: text("contact", "otherNeeds"),
            }
          : null,
    },
  };
}
