// The plan administration's pure rules: reordering, roll-over decisions, shortening drafted text
// and reading the deadline's date input.
import { describe, expect, it } from "vitest";
import { parseDateParts } from "../../src/routes/forms.ts";
import {
  type RecordedReview,
  carriedForward,
  draftsAchievement,
  latestCommentary,
  newPlanTitle,
  reordered,
  shorten,
} from "../../src/services/plan/admin/index.ts";

const r = (quarter: number, status: RecordedReview["status"], commentary = ""): RecordedReview => ({
  quarter,
  status,
  commentary,
});

describe("reordered", () => {
  it("swaps an item with its neighbour", () => {
    expect(reordered([1, 2, 3], 3, "up")).toEqual([1, 3, 2]);
    expect(reordered([1, 2, 3], 1, "down")).toEqual([2, 1, 3]);
  });
  it("cannot move past either end, nor move an unknown item", () => {
    expect(reordered([1, 2, 3], 1, "up")).toBeUndefined();
    expect(reordered([1, 2, 3], 3, "down")).toBeUndefined();
    expect(reordered([1, 2, 3], 9, "up")).toBeUndefined();
  });
});

describe("roll-over", () => {
  it.each([
    ["no reviews", [], true],
    ["Complete at Q4", [r(3, "GREEN"), r(4, "COMPLETE")], false],
    ["Complete at Q2, not reviewed since", [r(2, "COMPLETE")], false],
    ["Complete at Q1, Red at Q2", [r(2, "RED"), r(1, "COMPLETE")], true],
    ["Green at Q4", [r(4, "GREEN")], true],
    ["Not started at Q1", [r(1, "NOT_STARTED")], true],
  ] as const)("carries forward a commitment with %s: %s", (_name, reviews, carried) => {
    expect(carriedForward([...reviews])).toBe(carried);
  });

  it.each([
    ["Complete at Q4", [r(4, "COMPLETE")], true],
    ["Green at Q4", [r(3, "RED"), r(4, "GREEN")], true],
    ["Amber at Q4", [r(4, "AMBER")], false],
    ["Complete at Q3, Red at Q4", [r(3, "COMPLETE"), r(4, "RED")], false],
    ["Complete at Q2, not reviewed since", [r(2, "COMPLETE")], true],
    ["Green at Q3, not reviewed at Q4", [r(3, "GREEN")], false],
    ["no reviews", [], false],
  ] as const)("drafts an achievement from a commitment %s: %s", (_name, reviews, drafted) => {
    expect(draftsAchievement([...reviews])).toBe(drafted);
  });

  it("takes the latest commentary that says something", () => {
    expect(latestCommentary([r(1, "AMBER", "First"), r(3, "GREEN", "Third"), r(4, "GREEN", "  ")])).toBe("Third");
    expect(latestCommentary([r(1, "AMBER")])).toBe("");
  });

  it("names a new plan after its year", () => {
    expect(newPlanTitle(2024)).toBe("Hate Crime Plan 2024/25");
    expect(newPlanTitle(2099)).toBe("Hate Crime Plan 2099/00");
  });
});

describe("shorten", () => {
  it("keeps short text and cuts long text at a word break", () => {
    expect(shorten("  A short  line ", 20)).toBe("A short line");
    const cut = shorten("Run hate crime awareness sessions in every school", 30);
    expect(cut).toBe("Run hate crime awareness…");
    expect(cut.length).toBeLessThanOrEqual(30);
    expect(shorten("x".repeat(50), 10)).toBe(`${"x".repeat(9)}…`);
  });
});

describe("parseDateParts", () => {
  it("reads a real date as the end of that day (UTC)", () => {
    expect(parseDateParts("1", "8", "2030")).toEqual({ date: new Date("2030-08-01T23:59:59Z") });
    expect(parseDateParts(" 29 ", "02", "2028")).toEqual({ date: new Date("2028-02-29T23:59:59Z") });
  });
  it.each([
    [["", "", ""], "Enter the deadline for updates"],
    [["1", "", ""], "The deadline must include a month and a year"],
    [["", "7", "2030"], "The deadline must include a day"],
    [["29", "2", "2030"], "The deadline must be a real date"],
    [["1", "13", "2030"], "The deadline must be a real date"],
    [["0", "7", "2030"], "The deadline must be a real date"],
    [["1.5", "7", "2030"], "The deadline must be a real date"],
    [["1", "7", "230"], "The year must include 4 numbers"],
  ])("refuses %j: %s", ([day, month, year], message) => {
    expect(parseDateParts(day!, month!, year!)).toEqual({ error: message });
  });
});
