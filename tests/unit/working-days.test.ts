// Working days in England (date-holidays, GB-ENG), on known dates: weekends and bank holidays,
// substitute days included, are skipped.
import { describe, expect, it } from "vitest";
import { everyMinutesCron } from "../../src/jobs/index.ts";
import {
  addDays,
  daysBetween,
  isBankHoliday,
  isWorkingDay,
  londonDay,
  utcDay,
  workingDaysAfter,
  workingDaysBefore,
  workingDaysBetween,
} from "../../src/services/reminders/working-days.ts";

describe("England's bank holidays", () => {
  it.each([
    ["2026-01-01", "New Year's Day"],
    ["2026-04-03", "Good Friday"],
    ["2026-04-06", "Easter Monday"],
    ["2026-05-04", "Early May"],
    ["2026-05-25", "Spring"],
    ["2026-08-31", "Summer"],
    ["2026-12-25", "Christmas Day"],
    ["2026-12-28", "Boxing Day, moved from Saturday"],
    ["2027-03-26", "Good Friday 2027"],
    ["2027-12-27", "Christmas Day 2027, moved from Saturday"],
    ["2027-12-28", "Boxing Day 2027, moved from Sunday"],
  ])("%s (%s) is one, and not a working day", (day) => {
    expect(isBankHoliday(day)).toBe(true);
    expect(isWorkingDay(day)).toBe(false);
  });

  it.each(["2026-03-15", "2026-04-05", "2026-06-21", "2026-03-17", "2026-08-26"])(
    "%s (an observance, St Patrick's Day, or Scotland's and Northern Ireland's own) is not one",
    (day) => {
      expect(isBankHoliday(day)).toBe(false);
    },
  );
});

describe("working days", () => {
  it("are Monday to Friday", () => {
    expect(["2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"].every(isWorkingDay)).toBe(true);
    expect(isWorkingDay("2026-12-05")).toBe(false);
    expect(isWorkingDay("2026-12-06")).toBe(false);
  });

  it("are counted after the first day up to and including the last", () => {
    expect(workingDaysBetween("2026-11-30", "2026-12-04")).toBe(4);
    expect(workingDaysBetween("2026-12-04", "2026-12-07")).toBe(1); // over a weekend
    expect(workingDaysBetween("2026-12-04", "2026-12-04")).toBe(0);
    // Christmas 2026: 25 and 28 December and 1 January are bank holidays.
    expect(workingDaysBetween("2026-12-24", "2027-01-04")).toBe(4); // 29, 30, 31 December, 4 January
  });

  it("are counted back from a deadline over Easter and Christmas", () => {
    expect(workingDaysBefore("2024-04-04", 3)).toBe("2024-03-28");
    expect(workingDaysBefore("2027-01-06", 5)).toBe("2026-12-29");
    expect(workingDaysBefore("2026-12-07", 1)).toBe("2026-12-04");
  });

  it("are counted on from a day", () => {
    expect(workingDaysAfter("2026-12-02", 3)).toBe("2026-12-07");
    expect(workingDaysAfter("2026-12-23", 3)).toBe("2026-12-30");
  });
});

describe("days", () => {
  it("are England's calendar day for a moment, in summer time too", () => {
    expect(londonDay(new Date("2026-06-30T23:30:00Z"))).toBe("2026-07-01");
    expect(londonDay(new Date("2026-12-31T23:30:00Z"))).toBe("2026-12-31");
  });

  it("are a plan date's UTC day, and count across months and years", () => {
    expect(utcDay(new Date("2024-04-04T23:59:59Z"))).toBe("2024-04-04");
    expect(addDays("2024-02-28", 2)).toBe("2024-03-01");
    expect(daysBetween("2026-12-25", "2027-01-01")).toBe(7);
    expect(daysBetween("2027-01-01", "2026-12-25")).toBe(-7);
  });
});

describe("how often reminders are checked", () => {
  it.each([
    [60, "0 */1 * * *"],
    [15, "*/15 * * * *"],
    [1, "*/1 * * * *"],
    [360, "0 */6 * * *"],
    [1440, "0 0 * * *"],
  ])("every %i minutes is the cron %s", (minutes, cron) => {
    expect(everyMinutesCron(minutes)).toBe(cron);
  });
});
