// Reading a submitted form: refuse what no form of ours sends (unknown or repeated fields), then
// validate with zod and turn its messages into the GOV.UK error summary and field messages; and
// reading a GOV.UK date input.
import { z } from "zod";
import { FieldError, ServiceError } from "../services/errors.ts";

export interface FormErrors {
  /** For the error summary: each message links to its field. */
  list: { text: string; href: string }[];
  /** For each field's error message. */
  fields: Record<string, { text: string }>;
}

export type FormValues = Record<string, string | string[]>;

export type FormResult<T> =
  { ok: true; data: T; values: FormValues } | { ok: false; errors: FormErrors; values: FormValues };

const NOT_OURS = "The form sent something it should not. Go back, reload the page and try again.";

/**
 * Characters Postgres cannot store: NUL (U+0000), refused in text and JSON, and a UTF-16
 * surrogate without its partner, which has no UTF-8 form (the driver would quietly store U+FFFD
 * instead). Nobody means to type them (they come from pasting out of another program), so they
 * are removed rather than refused, and the form keeps everything else. Tabs, line breaks and
 * every other character are kept.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The text without the characters the database cannot store: NUL and lone surrogates. */
export const storable = (value: string): string => value.replaceAll("\u0000", "").replace(LONE_SURROGATE, "");

/** A string rule for a query parameter, seeing the text with what the database cannot store removed. */
export const storableString = <T extends z.ZodType>(rule: T) =>
  z.preprocess((value) => (typeof value === "string" ? storable(value) : value), rule);

/**
 * Parses a urlencoded body against a zod object schema. Fields named in `multiple` may repeat
 * (checkboxes) and arrive as arrays; every other field is one string ("" when left out). Every
 * value is made storable first, so the rules and the database see what the page shows again.
 */
export function parseForm<Shape extends z.ZodRawShape>(
  schema: z.ZodObject<Shape>,
  body: unknown,
  multiple: readonly string[] = [],
): FormResult<z.infer<z.ZodObject<Shape>>> {
  return parseFields(schema, Object.keys(schema.shape), body, multiple);
}

/**
 * parseForm for rules that are not a plain object (an object with refinements across its
 * fields): `names` are the fields the form sends, in page order.
 */
export function parseFields<T>(
  schema: z.ZodType<T, unknown>,
  names: readonly string[],
  body: unknown,
  multiple: readonly string[] = [],
): FormResult<T> {
  const raw = (body ?? {}) as Record<string, unknown>;
  if (Object.keys(raw).some((k) => k !== "_csrf" && !names.includes(k))) throw new ServiceError(400, NOT_OURS);
  const values: FormValues = {};
  for (const name of names) {
    const value = raw[name];
    if (multiple.includes(name)) {
      values[name] = (value === undefined ? [] : Array.isArray(value) ? value : [value]).map((v) =>
        storable(String(v)),
      );
    } else {
      if (Array.isArray(value) || (value !== undefined && typeof value !== "string"))
        throw new ServiceError(400, NOT_OURS);
      values[name] = storable(value ?? "");
    }
  }
  const parsed = schema.safeParse(values);
  if (parsed.success) return { ok: true, data: parsed.data, values };
  const errors: FormErrors = { list: [], fields: {} };
  // In the order the fields appear on the page, one message per field.
  for (const name of names) {
    const issue = parsed.error.issues.find((i) => i.path[0] === name);
    if (issue) addError(errors, name, issue.message);
  }
  return { ok: false, errors, values };
}

export function addError(errors: FormErrors, field: string, text: string): FormErrors {
  errors.list.push({ text, href: `#${field}` });
  errors.fields[field] = { text };
  return errors;
}

/** Errors for a rule a service enforced on one field. */
export function fieldErrors(err: FieldError): FormErrors {
  return addError({ list: [], fields: {} }, err.field, err.message);
}

/** Required text, trimmed, with a length limit: the shape of most of our fields. */
export const text = (max: number, missing: string, tooLong: string) =>
  z.string().trim().min(1, missing).max(max, tooLong);

/** A whole number id from a path parameter or select; anything else is "not found". */
export const idParam = (value: unknown): number | undefined => {
  const n = typeof value === "string" && /^\d{1,9}$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
};

/**
 * Reads a GOV.UK date input (day, month, year) as the end of that day (23:59:59 UTC), the way
 * the default deadline is stored; or the message to show.
 */
export function parseDateParts(
  day: string,
  month: string,
  year: string,
  name = "deadline",
): { date: Date } | { error: string } {
  const parts = [day.trim(), month.trim(), year.trim()];
  const names = ["day", "month", "year"];
  if (parts.every((p) => p === ""))
    return { error: `Enter the ${name === "deadline" ? "deadline for updates" : name}` };
  const missing = names.filter((_, i) => parts[i] === "");
  if (missing.length > 0) return { error: `The ${name} must include a ${missing.join(" and a ")}` };
  if (!parts.every((p) => /^\d+$/.test(p))) return { error: `The ${name} must be a real date` };
  if (!/^\d{4}$/.test(parts[2]!)) return { error: "The year must include 4 numbers" };
  const [d, m, y] = parts.map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d, 23, 59, 59));
  if (m < 1 || m > 12 || date.getUTCDate() !== d || date.getUTCMonth() !== m - 1)
    return { error: `The ${name} must be a real date` };
  return { date };
}
