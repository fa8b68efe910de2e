import { describe, expect, it } from "vitest";
import {
  defaultDeadline,
  parseYearSlug,
  quarterDates,
  quarterOf,
  yearLabel,
  yearSlug,
} from "../../src/services/plan/year.ts";

describe("the financial year", () => {
  it("labels years as the plan does", () => {
    expect(yearLabel(2023)).toBe("2023/24");
    expect(yearLabel(2099)).toBe("2099/00");
    expect(yearSlug(2023)).toBe("2023-24");
  });

  it("reads only well-formed year slugs", () => {
    expect(parseYearSlug("2023-24")).toBe(2023);
    expect(parseYearSlug("2023-25")).toBeUndefined();
    expect(parseYearSlug("2023")).toBeUndefined();
    expect(parseYearSlug("x".repeat(5000))).toBeUndefined();
  });

  it("starts quarter 1 in April and ends quarter 4 in March", () => {
    expect(quarterDates(2023, 1).start.toISOString()).toBe("2023-04-01T00:00:00.000Z");
    expect(quarterDates(2023, 1).end.toISOString()).toBe("2023-06-30T23:59:59.000Z");
    expect(quarterDates(2023, 4).end.toISOString()).toBe("2024-03-31T23:59:59.000Z");
  });

  it.each([
    ["2023-04-01", 2023, 1],
    ["2023-09-30", 2023, 2],
    ["2023-12-31", 2023, 3],
    ["2024-01-01", 2023, 4],
    ["2024-03-31", 2023, 4],
  ])("puts %s in %i Q%i", (date, startYear, quarter) => {
    expect(quarterOf(new Date(`${date}T12:00:00Z`))).toEqual({ startYear, quarter });
  });

  it("sets the default deadline 15 working days after the quarter ends", () => {
    // Q1 2023 ends Friday 30 June; 15 working days later is Friday 21 July.
    expect(defaultDeadline(2023, 1).toISOString().slice(0, 10)).toBe("2023-07-21");
  });
});
