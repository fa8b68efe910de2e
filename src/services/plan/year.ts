// The partnership's financial year: a plan for startYear 2023 is "2023/24", runs April 2023 to
// March 2024, and quarter 1 is April to June.

export const QUARTERS = [1, 2, 3, 4] as const;
export type Quarter = (typeof QUARTERS)[number];

/** "2023/24", as the plan document writes it. */
export function yearLabel(startYear: number): string {
  return `${startYear}/${String((startYear + 1) % 100).padStart(2, "0")}`;
}

/** "2023-24", as used in addresses and file names. */
export function yearSlug(startYear: number): string {
  return yearLabel(startYear).replace("/", "-");
}

/** Reads "2023-24" back; undefined for anything else, including "2023-25". */
export function parseYearSlug(slug: string): number | undefined {
  const m = /^(\d{4})-(\d{2})$/.exec(slug);
  if (!m) return undefined;
  const start = Number(m[1]);
  return yearSlug(start) === slug ? start : undefined;
}

/** First and last day (UTC) of a quarter of the financial year that starts in startYear. */
export function quarterDates(startYear: number, quarter: Quarter): { start: Date; end: Date } {
  const startMonth = 3 + (quarter - 1) * 3; // April is month 3
  const start = new Date(Date.UTC(startYear, startMonth, 1));
  const end = new Date(Date.UTC(startYear, startMonth + 3, 0, 23, 59, 59));
  return { start, end };
}

/** The financial year and quarter a date falls in. */
export function quarterOf(date: Date): { startYear: number; quarter: Quarter } {
  const month = date.getUTCMonth();
  const startYear = month >= 3 ? date.getUTCFullYear() : date.getUTCFullYear() - 1;
  const quarter = ((Math.floor(((month + 9) % 12) / 3) % 4) + 1) as Quarter;
  return { startYear, quarter };
}

/** Default update deadline: the end of the 15th working day (Monday to Friday) after the quarter ends. */
export function defaultDeadline(startYear: number, quarter: Quarter, workingDays = 15): Date {
  const day = new Date(quarterDates(startYear, quarter).end);
  let counted = 0;
  while (counted < workingDays) {
    day.setUTCDate(day.getUTCDate() + 1);
    const weekday = day.getUTCDay();
    if (weekday !== 0 && weekday !== 6) counted += 1;
  }
  return day;
}
