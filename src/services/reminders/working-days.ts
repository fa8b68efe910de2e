// Working days in England: Monday to Friday, not a bank holiday (date-holidays, GB-ENG, its
// "public" days, substitute days included). Days are calendar days written "2026-12-29".
import { createRequire } from "node:module";
import type Holidays from "date-holidays";

export type Day = string;

const bankHolidays = new Map<number, Set<Day>>();
let england: Holidays | undefined;

function bankHolidaysIn(year: number): Set<Day> {
  let days = bankHolidays.get(year);
  if (!days) {
    // Loaded on first use (about 20 MB with its time zones): only a deadline coming up or a risk
    // assessment asks, and working days stay plain synchronous functions.
    if (!england) {
      const EnglishHolidays = createRequire(import.meta.url)("date-holidays") as typeof Holidays;
      england = new EnglishHolidays("GB", "ENG");
    }
    days = new Set(
      england
        .getHolidays(year)
        .filter((h) => h.type === "public")
        .map((h) => h.date.slice(0, 10)),
    );
    bankHolidays.set(year, days);
  }
  return days;
}

const LONDON_DAY = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London" });

/** The calendar day it is in England at `at`. */
export const londonDay = (at: Date): Day => LONDON_DAY.format(at);

/** The calendar day of a plan date, which is kept in UTC (content/dates.ts). */
export const utcDay = (date: Date): Day => date.toISOString().slice(0, 10);

const asDate = (day: Day) => new Date(`${day}T00:00:00Z`);

export function addDays(day: Day, days: number): Day {
  const date = asDate(day);
  date.setUTCDate(date.getUTCDate() + days);
  return utcDay(date);
}

/** Calendar days from `from` to `to` (negative when `to` is earlier). */
export const daysBetween = (from: Day, to: Day): number =>
  Math.round((asDate(to).getTime() - asDate(from).getTime()) / 86_400_000);

export function isBankHoliday(day: Day): boolean {
  return bankHolidaysIn(Number(day.slice(0, 4))).has(day);
}

export function isWorkingDay(day: Day): boolean {
  const weekday = asDate(day).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !isBankHoliday(day);
}

/** Working days after `from`, up to and including `to`: from a Monday to that Friday is 4. */
export function workingDaysBetween(from: Day, to: Day): number {
  let count = 0;
  for (let day = addDays(from, 1); day <= to; day = addDays(day, 1)) if (isWorkingDay(day)) count += 1;
  return count;
}

/** The working day `n` working days before `day`. */
export function workingDaysBefore(day: Day, n: number): Day {
  let at = day;
  for (let counted = 0; counted < n;) {
    at = addDays(at, -1);
    if (isWorkingDay(at)) counted += 1;
  }
  return at;
}

/** The working day `n` working days after `day`. */
export function workingDaysAfter(day: Day, n: number): Day {
  let at = day;
  for (let counted = 0; counted < n;) {
    at = addDays(at, 1);
    if (isWorkingDay(at)) counted += 1;
  }
  return at;
}
