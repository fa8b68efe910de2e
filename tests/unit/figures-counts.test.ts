// The figures' month arithmetic (src/services/figures/counts.ts) and the partner page's periods
// built on it (periodOf in src/services/figures/partner.ts): months in England, across years and
// clock changes, and financial years from April to March; then the page's changes and charts.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addMonths,
  currentMonth,
  financialYearOf,
  monthsFrom,
  quarterMonths,
} from "../../src/services/figures/counts.ts";
import { monthLabel, monthStart, periodOf } from "../../src/services/figures/partner.ts";
import { barChart, changeText } from "../../src/routes/partners/figures/index.ts";

/** Any month from 2000 to 2099. */
const month = fc
  .record({ y: fc.integer({ min: 2000, max: 2099 }), m: fc.integer({ min: 1, max: 12 }) })
  .map(({ y, m }) => `${y}-${String(m).padStart(2, "0")}`);

describe("currentMonth", () => {
  it("is the month in England, not in UTC", () => {
    // 23:30 UTC on 31 March 2026 is 00:30 on 1 April in British Summer Time.
    expect(currentMonth(new Date("2026-03-31T23:30:00Z"))).toBe("2026-04");
    expect(currentMonth(new Date("2026-03-31T22:59:59Z"))).toBe("2026-03");
    // In winter England is on UTC: the last half hour of the year is still December.
    expect(currentMonth(new Date("2026-12-31T23:30:00Z"))).toBe("2026-12");
    expect(currentMonth(new Date("2027-01-01T00:00:00Z"))).toBe("2027-01");
    // 31 October 2026 23:30 UTC: after the clocks went back, still October.
    expect(currentMonth(new Date("2026-10-31T23:30:00Z"))).toBe("2026-10");
  });
});

describe("addMonths", () => {
  it("moves across years both ways", () => {
    expect(addMonths("2026-01", -1)).toBe("2025-12");
    expect(addMonths("2026-12", 1)).toBe("2027-01");
    expect(addMonths("2026-11", 14)).toBe("2028-01");
    expect(addMonths("2026-05", -17)).toBe("2024-12");
    expect(addMonths("2026-05", 0)).toBe("2026-05");
    expect(addMonths("2026-05", -12)).toBe("2025-05");
  });

  it("undoes itself, and a year is twelve months", () => {
    fc.assert(
      fc.property(month, fc.integer({ min: -120, max: 120 }), (m, n) => {
        expect(addMonths(addMonths(m, n), -n)).toBe(m);
        expect(addMonths(m, 12 * Math.trunc(n / 12))).toBe(
          `${Number(m.slice(0, 4)) + Math.trunc(n / 12)}${m.slice(4)}`,
        );
        expect(addMonths(m, n)).toMatch(/^\d{4}-(0[1-9]|1[0-2])$/);
      }),
    );
  });
});

describe("monthsFrom", () => {
  it("lists every month, both ends included", () => {
    expect(monthsFrom("2025-11", "2026-02")).toEqual(["2025-11", "2025-12", "2026-01", "2026-02"]);
    expect(monthsFrom("2026-03", "2026-03")).toEqual(["2026-03"]);
    expect(monthsFrom("2026-04", "2026-03")).toEqual([]);
  });

  it("has n + 1 months from a month to n months later, in order", () => {
    fc.assert(
      fc.property(month, fc.integer({ min: 0, max: 60 }), (m, n) => {
        const months = monthsFrom(m, addMonths(m, n));
        expect(months).toHaveLength(n + 1);
        expect([...months].sort()).toEqual(months);
      }),
    );
  });
});

describe("financialYearOf and quarterMonths", () => {
  it("runs from April to March, named by the year it starts", () => {
    expect(financialYearOf("2026-04")).toBe(2026);
    expect(financialYearOf("2027-03")).toBe(2026);
    expect(financialYearOf("2027-02")).toBe(2026);
    expect(financialYearOf("2026-03")).toBe(2025);
    expect(financialYearOf("2026-01")).toBe(2025);
  });

  it("gives each quarter's three months, the fourth in the next calendar year", () => {
    expect(quarterMonths(2026, 1)).toEqual({ from: "2026-04", to: "2026-06" });
    expect(quarterMonths(2026, 2)).toEqual({ from: "2026-07", to: "2026-09" });
    expect(quarterMonths(2026, 3)).toEqual({ from: "2026-10", to: "2026-12" });
    expect(quarterMonths(2026, 4)).toEqual({ from: "2027-01", to: "2027-03" });
  });

  it("puts every month of a year's four quarters in that financial year", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2000, max: 2098 }), fc.integer({ min: 1, max: 4 }), (year, quarter) => {
        const { from, to } = quarterMonths(year, quarter);
        for (const m of monthsFrom(from, to)) expect(financialYearOf(m)).toBe(year);
        expect(monthsFrom(from, to)).toHaveLength(3);
      }),
    );
  });
});

describe("the partner page's periods", () => {
  const now = new Date("2026-12-07T12:00:00Z");

  it("is the last 12 months by default, this one included, against the same months a year before", () => {
    expect(periodOf(undefined, now)).toEqual({
      value: "last-12",
      name: "the last 12 months",
      from: "2026-01",
      to: "2026-12",
      lastFrom: "2025-01",
      lastTo: "2025-12",
      label: "January 2026 to December 2026",
      lastLabel: "January 2025 to December 2025",
    });
    expect(periodOf("last-3", now)).toMatchObject({ from: "2026-10", to: "2026-12", lastFrom: "2025-10" });
    expect(periodOf("last-24", now)).toMatchObject({ from: "2025-01", to: "2026-12", lastFrom: "2024-01" });
  });

  it("is a whole financial year, or this one so far against the same months of the last", () => {
    expect(periodOf("2025-26", now)).toMatchObject({
      name: "2025/26",
      from: "2025-04",
      to: "2026-03",
      lastFrom: "2024-04",
      lastTo: "2025-03",
    });
    expect(periodOf("2026-27", now)).toMatchObject({
      name: "2026/27 so far",
      from: "2026-04",
      to: "2026-12",
      lastFrom: "2025-04",
      lastTo: "2025-12",
      label: "April 2026 to December 2026",
    });
  });

  it("takes anything else, or a year still to come, as the default", () => {
    for (const value of ["2027-28", "2025-27", "1999-00", "last-13", "", "constructor", "__proto__"]) {
      expect(periodOf(value, now).value, value).toBe("last-12");
    }
  });

  it("names months in words", () => {
    expect(monthLabel("2026-01")).toBe("January 2026");
    expect(monthLabel("2026-12")).toBe("December 2026");
  });
});

describe("the start of a month in England, as the database keeps it (UTC)", () => {
  it("is midnight UTC in winter and 23:00 the day before in summer time", () => {
    expect(monthStart("2026-01").values).toEqual(["2026-01-01 00:00:00.000"]);
    expect(monthStart("2026-04").values).toEqual(["2026-03-31 23:00:00.000"]);
    expect(monthStart("2026-10").values).toEqual(["2026-09-30 23:00:00.000"]);
    expect(monthStart("2026-11").values).toEqual(["2026-11-01 00:00:00.000"]);
  });
});

describe("the page's changes and charts", () => {
  it("says a change with its sign and share, or that there is none", () => {
    expect(changeText(3, 2)).toBe("+1 (+50%)");
    expect(changeText(1, 4)).toBe("−3 (−75%)");
    expect(changeText(4, 0)).toBe("+4");
    expect(changeText(2, 2)).toBe("No\u00a0change");
    expect(changeText(1.2, 1.5)).toBe("−0.3 (−20%)");
  });

  it("draws bars to scale, the longest the full width, and none for nothing", () => {
    const chart = barChart(
      "chart-x",
      "A chart",
      ["This year", "Last year"],
      [
        { label: "Race", values: [10, 5] },
        { label: "Age", values: [0, 1] },
      ],
    );
    const bars = chart.bars.slice(2); // after the key's two
    expect(bars.map((b) => b.width)).toEqual([404, 202, 0, 40]);
    expect(bars.map((b) => b.modifier)).toEqual(["complete", "no-update", "complete", "no-update"]);
    expect(chart.texts.filter((t) => t.kind === "count").map((t) => t.text)).toEqual(["10", "5", "0", "1"]);
    expect(chart.texts.filter((t) => t.kind === "label").map((t) => t.text)).toEqual([
      "This year",
      "Last year",
      "Race",
      "Age",
    ]);
    // Every bar and word inside the picture.
    for (const b of chart.bars) expect(b.y + b.height).toBeLessThanOrEqual(chart.height);
  });
});
