// The case forms' rules (zod): each form a caseworker posts, and the case list's filters.
import { z } from "zod";
import { STRANDS } from "../../../services/reports/questions.ts";
import { MAX_MESSAGE } from "../../../services/reports/follow-up.ts";
import { RISK_LEVELS } from "../../../services/cases/risk.ts";
import {
  ASSESSMENTS,
  CASE_STATUSES,
  CONTACT_METHODS,
  OUTCOMES,
  REFERRAL_SERVICES,
  SUPPORT_KINDS,
  WORKING_STATUSES,
} from "../../../services/cases/rules.ts";
import { storableString } from "../../forms.ts";

/** The longest note, summary or decision a form takes. */
export const MAX_CASE_TEXT = 5000;

const keys = <T extends Record<string, string>>(codes: T) =>
  Object.keys(codes) as [keyof T & string, ...(keyof T & string)[]];
const choice = <T extends Record<string, string>>(codes: T, missing: string) =>
  z.string().refine((v): v is keyof T & string => Object.hasOwn(codes, v), missing) as unknown as z.ZodType<
    keyof T & string,
    string
  >;
const yesNo = (missing: string) => z.enum(["yes", "no"], { error: missing }).transform((v) => v === "yes");
const optionalText = (max: number, what: string) =>
  z
    .string()
    .trim()
    .max(max, `${what} must be ${max.toLocaleString("en-GB")} characters or fewer`)
    .transform((v) => (v === "" ? null : v));
const requiredText = (max: number, missing: string, what: string) =>
  z
    .string()
    .trim()
    .min(1, missing)
    .max(max, `${what} must be ${max.toLocaleString("en-GB")} characters or fewer`);
const optionalId = z
  .string()
  .regex(/^\d{0,9}$/, "Choose from the list")
  .transform((v) => (v === "" ? null : Number(v)));
export const version = z.coerce.number().int().min(1);

/** Filters of the case list, from the query string: anything unknown is ignored, not refused. */
export const listQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
  reference: storableString(z.string().trim().max(20)).catch(""),
  status: z
    .enum([...CASE_STATUSES, "OPEN"])
    .optional()
    .catch(undefined),
  risk: z.enum(RISK_LEVELS).optional().catch(undefined),
  agency: z.coerce.number().int().min(1).optional().catch(undefined),
  caseworker: z.coerce.number().int().min(1).optional().catch(undefined),
  strand: z.enum(keys(STRANDS)).optional().catch(undefined),
  area: storableString(z.string().trim().max(60)).catch(""),
  overdue: z.literal("yes").optional().catch(undefined),
  sort: z.enum(["oldest", "newest"]).catch("oldest"),
});
export type ListQuery = z.infer<typeof listQuery>;

export const triageFields = z.object({
  version,
  assessment: choice(ASSESSMENTS, "Select what the partnership assesses this report to be"),
  duplicateOf: storableString(z.string().trim().max(20)),
  strands: z.array(z.enum(keys(STRANDS), { error: "Choose from the list" })).max(20),
  leadAgencyId: z
    .string()
    .regex(/^\d{1,9}$/, "Choose the lead agency")
    .transform(Number),
  caseworkerId: optionalId,
  sharedAgencyIds: z
    .array(
      z
        .string()
        .regex(/^\d{1,9}$/)
        .transform(Number),
    )
    .max(50),
});

export const contactForm = z.object({
  contactMethod: choice(CONTACT_METHODS, "Select how you tried to contact them"),
  contactMade: yesNo("Select whether you spoke to them"),
  body: optionalText(MAX_CASE_TEXT, "The note"),
});

export const noteForm = z.object({ body: requiredText(MAX_CASE_TEXT, "Enter the note", "The note") });

export const supportForm = z.object({
  supportKind: choice(SUPPORT_KINDS, "Select the support offered"),
  supportAccepted: yesNo("Select whether they accepted it"),
  body: optionalText(MAX_CASE_TEXT, "The note"),
});

export const referralForm = z.object({
  referralTo: choice(REFERRAL_SERVICES, "Select who the case is referred to"),
  withDetails: yesNo("Select whether their details are shared with the referral"),
  crimeReference: optionalText(50, "The crime reference number"),
  overrideReason: optionalText(1000, "The reason"),
  body: optionalText(MAX_CASE_TEXT, "The note"),
});

export const actionForm = z.object({
  description: requiredText(1000, "Describe the action", "The action"),
  ownerId: optionalId,
  "dueOn-day": z.string(),
  "dueOn-month": z.string(),
  "dueOn-year": z.string(),
});

export const statusForm = z.object({
  version,
  status: z.enum(WORKING_STATUSES, { error: "Select the case's status" }),
  note: optionalText(MAX_CASE_TEXT, "The note"),
});

export const consentForm = z.object({
  version,
  consent: yesNo("Select whether they agree to their details being shared"),
  note: optionalText(MAX_CASE_TEXT, "The note"),
});

export const closeForm = z.object({
  version,
  outcome: choice(OUTCOMES, "Select the outcome"),
  summary: requiredText(MAX_CASE_TEXT, "Enter a closing summary", "The summary"),
});

export const reopenForm = z.object({
  version,
  reason: requiredText(MAX_CASE_TEXT, "Say why the case is being reopened", "The reason"),
});

export const messageForm = z.object({
  body: requiredText(MAX_MESSAGE, "Enter your message to the reporter", "The message"),
});
