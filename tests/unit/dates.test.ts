import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime } from "../../src/content/dates.ts";
import { defaultDeadline } from "../../src/services/plan/year.ts";

describe("dates", () => {
  it("shows a plan deadline as its calendar day", () => {
    expect(formatDate(defaultDeadline(2023, 1))).toBe("21 July 2023");
  });

  it("shows a moment in UK time, summer and winter", () => {
    expect(formatDateTime(new Date("2023-07-21T13:05:00Z"))).toBe("21 July 2023 at 2:05pm");
    expect(formatDateTime(new Date("2023-12-01T23:30:00Z"))).toBe("1 December 2023 at 11:30pm");
  });
});
