// The public figures' disclosure control (src/services/figures/disclosure.ts): examples, and
// properties over random lines and tables checked by enumerating every assignment of the
// suppressed cells an attacker who knows the rules would consider (an independent check, not the
// module's own formula).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type CellState,
  type LineInput,
  lineIsSafe,
  protectLines,
  publishedLine,
  sumBounds,
} from "../../src/services/figures/disclosure.ts";

const publish = (counts: number[], total = true) => publishedLine(counts, protectLines([{ counts, total }])[0]!);

/**
 * The values each suppressed cell can take in some assignment (primary 1-4, secondary 5 or more)
 * whose suppressed cells sum to `s`, found by trying every assignment in turn. Stops once every
 * cell has shown at least `enough` values.
 */
function possibleValues(states: readonly CellState[], s: number, enough = 2): Map<number, Set<number>> {
  const cells = states.flatMap((state, i) => (state === "shown" ? [] : [{ i, primary: state === "primary" }]));
  const seen = new Map(cells.map((c) => [c.i, new Set<number>()]));
  const chosen: number[] = [];
  const done = () => [...seen.values()].every((v) => v.size >= enough);
  const visit = (j: number, left: number): boolean => {
    if (j === cells.length) {
      if (left !== 0) return false;
      chosen.forEach((v, n) => seen.get(cells[n]!.i)!.add(v));
      return done();
    }
    const { primary } = cells[j]!;
    const [lo, hi] = primary ? [1, 4] : [5, left];
    for (let v = lo; v <= Math.min(hi, left); v++) {
      chosen.push(v);
      const stop = visit(j + 1, left - v);
      chosen.pop();
      if (stop) return true;
    }
    return false;
  };
  if (cells.length) visit(0, s);
  return seen;
}

/** Whether some assignment of a line's suppressed cells sums to `s`. */
const canSumTo = (states: readonly CellState[], s: number) => {
  const values = possibleValues(states, s, 1);
  return values.size === 0 ? s === 0 : [...values.values()].every((v) => v.size > 0);
};

const suppressedSum = (counts: readonly number[], states: readonly CellState[]) =>
  counts.reduce((a, c, i) => a + (states[i] === "shown" ? 0 : c), 0);

/** Counts as the partnership's are: mostly small, sometimes larger. */
const count = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 12 }) },
  { weight: 1, arbitrary: fc.integer({ min: 13, max: 60 }) },
);
const line = fc.array(count, { minLength: 1, maxLength: 10 });

describe("a line of counts", () => {
  it("shows 0 and counts of 5 or more, and nothing else needs to change", () => {
    expect(publish([0, 5, 12])).toEqual({ cells: [0, 5, 12], total: 17 });
  });

  it("shows a count from 1 to 4 as fewer than 5, and one alone would be its total less the rest", () => {
    expect(publish([3, 7, 9])).toEqual({ cells: ["fewer than 5", "withheld", 9], total: 19 });
  });

  it("keeps two small counts with a total that leaves each of them open", () => {
    // 1 + 2 = 3: either could be 1 or 2.
    expect(publish([1, 2, 8])).toEqual({ cells: ["fewer than 5", "fewer than 5", 8], total: 11 });
  });

  it("withholds a second cell when two small counts would be pinned by the total", () => {
    // 1 + 1 = 2 can only be 1 and 1; 4 + 4 = 8 only 4 and 4.
    expect(publish([1, 1, 6, 20])).toEqual({ cells: ["fewer than 5", "fewer than 5", "withheld", 20], total: 28 });
    expect(publish([4, 4, 9, 6])).toEqual({ cells: ["fewer than 5", "fewer than 5", 9, "withheld"], total: 23 });
  });

  it("withholds more than one cell when one is not enough (a 5 next to a 1 is pinned)", () => {
    // 1 + 5 = 6: the 1 could only be 1. With the 7 as well, 13 leaves each open.
    expect(publish([1, 5, 7, 30])).toEqual({
      cells: ["fewer than 5", "withheld", "withheld", 30],
      total: 43,
    });
  });

  it("withholds the total when no cell is left to withhold", () => {
    expect(publish([2, 0, 0])).toEqual({ cells: ["fewer than 5", 0, 0], total: "withheld" });
    expect(publish([1, 5])).toEqual({ cells: ["fewer than 5", "withheld"], total: "withheld" });
  });

  it("protects a line without a total (reports by strand) as if its sum were published", () => {
    const [strands] = protectLines([{ counts: [3, 7, 9], total: false }]);
    expect(strands!.states).toEqual(["primary", "secondary", "shown"]);
    expect(strands!.totalShown).toBe(false);
  });

  it("judges lines by the ranges every suppressed cell could take", () => {
    expect(lineIsSafe([3], ["primary"])).toBe(false);
    expect(lineIsSafe([1, 3], ["primary", "primary"])).toBe(true);
    expect(lineIsSafe([1, 1], ["primary", "primary"])).toBe(false);
    expect(lineIsSafe([3, 6], ["primary", "secondary"])).toBe(true);
    expect(lineIsSafe([1, 5], ["primary", "secondary"])).toBe(false);
    // A lone secondary cell is the sum less the shown cells, however large.
    expect(lineIsSafe([9], ["secondary"])).toBe(false);
    expect(lineIsSafe([6, 6], ["secondary", "secondary"])).toBe(true);
  });
});

describe("lines known to have the same sum (police by area and by strand)", () => {
  it("withholds the other's total, and does not let a line showing every cell give the sum away", () => {
    // By area: 5 and 1 cannot be protected with the total known. By strand: 6 alone would tell it.
    const lines: LineInput[] = [
      { counts: [5, 1], total: true, group: "police 2025" },
      { counts: [6, 0], total: false, group: "police 2025" },
    ];
    const [area, strand] = protectLines(lines);
    expect(publishedLine([5, 1], area!)).toEqual({ cells: ["withheld", "fewer than 5"], total: "withheld" });
    expect(publishedLine([6, 0], strand!)).toEqual({ cells: ["withheld", 0], total: "withheld" });
  });

  it("does not publish a line when the lines' bounds would meet at the sum", () => {
    // Four single crimes by area (at least 4 in all) and 4 of one strand (at most 4).
    const [area, strand] = protectLines([
      { counts: [1, 1, 1, 1], total: true, group: "g" },
      { counts: [4], total: false, group: "g" },
    ]);
    expect([area!.hidden, strand!.hidden]).toContain(true);
    expect(area!.totalShown).toBe(false);
    expect(publishedLine([4], strand!)).toEqual({ cells: ["not published"], total: "not published" });
    expect(publishedLine([1, 1, 1, 1], area!)).toEqual({ cells: Array(4).fill("fewer than 5"), total: "withheld" });
  });

  it("leaves the other line alone when both are safe with the sum known", () => {
    const [area, strand] = protectLines([
      { counts: [10, 2, 3], total: true, group: "g" },
      { counts: [15], total: false, group: "g" },
    ]);
    expect(area!.totalShown).toBe(true);
    expect(strand!.states).toEqual(["shown"]);
  });
});

describe("every published line (property)", () => {
  it("never shows 1 to 4, shows the rest as they are, and leaves every suppressed cell two values or more", () => {
    fc.assert(
      fc.property(line, fc.boolean(), (counts, total) => {
        const [result] = protectLines([{ counts, total }]);
        const published = publishedLine(counts, result!);
        counts.forEach((c, i) => {
          const cell = published.cells[i];
          expect(cell === 1 || cell === 2 || cell === 3 || cell === 4).toBe(false);
          if (typeof cell === "number") expect(cell).toBe(c);
          if (c >= 1 && c <= 4) expect(cell).toBe("fewer than 5");
        });
        if (published.total !== "withheld") expect(published.total).toBe(counts.reduce((a, b) => a + b, 0));
        // A line without a total is protected as if it had one: the same cells are suppressed.
        const [withTotal] = protectLines([{ counts, total: true }]);
        expect(result!.states).toEqual(withTotal!.states);
        if (!total) expect(result!.totalShown).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it("leaves no total shown where a suppressed cell could be worked out", () => {
    fc.assert(
      fc.property(line, (counts) => {
        const [result] = protectLines([{ counts, total: true }]);
        if (!result!.totalShown) return;
        const s = suppressedSum(counts, result!.states);
        for (const values of possibleValues(result!.states, s).values()) expect(values.size).toBeGreaterThanOrEqual(2);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("every published table (property)", () => {
  it("rows of areas by columns of years: each column safe with its total, and no row total published", () => {
    const table = fc
      .record({ areas: fc.integer({ min: 1, max: 8 }), years: fc.integer({ min: 1, max: 4 }) })
      .chain(({ areas, years }) => fc.array(fc.array(count, { minLength: areas, maxLength: areas }), { minLength: years, maxLength: years })); // prettier-ignore
    fc.assert(
      fc.property(table, (columns) => {
        const results = protectLines(columns.map((counts) => ({ counts, total: true })));
        // The table as published has a cell per area and year and a total per year: nothing across years.
        expect(results).toHaveLength(columns.length);
        columns.forEach((counts, y) => {
          const published = publishedLine(counts, results[y]!);
          expect(published.cells.some((c) => c === 1 || c === 2 || c === 3 || c === 4)).toBe(false);
          if (!results[y]!.totalShown) return;
          const s = suppressedSum(counts, results[y]!.states);
          for (const values of possibleValues(results[y]!.states, s).values())
            expect(values.size).toBeGreaterThanOrEqual(2);
        });
      }),
      { numRuns: 1000 },
    );
  });

  it("police crimes by area and by strand of one year (the two sums of one table): nothing can be worked out", () => {
    const crosstab = fc
      .record({ areas: fc.integer({ min: 1, max: 6 }), strands: fc.integer({ min: 1, max: 5 }) })
      .chain(({ areas, strands }) =>
        fc.array(
          fc.array(fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 3, arbitrary: fc.integer({ min: 1, max: 4 }) }, { weight: 1, arbitrary: fc.integer({ min: 5, max: 15 }) }), { minLength: strands, maxLength: strands }), // prettier-ignore
          { minLength: areas, maxLength: areas },
        ),
      );
    fc.assert(
      fc.property(crosstab, (grid) => {
        const byArea = grid.map((row) => row.reduce((a, b) => a + b, 0));
        const byStrand = grid[0]!.map((_, j) => grid.reduce((a, row) => a + row[j]!, 0));
        const sum = byArea.reduce((a, b) => a + b, 0);
        const lines = [
          { counts: byArea, total: true, group: "y" },
          { counts: byStrand, total: false, group: "y" },
        ];
        const results = protectLines(lines);
        const live = lines.map((l, i) => ({ ...l, result: results[i]! })).filter((l) => !l.result.hidden);
        for (const l of live) {
          const published = publishedLine(l.counts, l.result);
          expect(published.cells.some((c) => c === 1 || c === 2 || c === 3 || c === 4)).toBe(false);
        }
        if (results[0]!.totalShown) {
          // The sum is public: each line on its own leaves every suppressed cell two values.
          for (const l of live) {
            const s = suppressedSum(l.counts, l.result.states);
            for (const values of possibleValues(l.result.states, s).values())
              expect(values.size).toBeGreaterThanOrEqual(2);
          }
          return;
        }
        // The sum is not public: every sum both lines allow is possible, and a cell's values are
        // those of any of them. Sums beyond the true one by more than 10 are not needed to find two.
        const bounds = live.map((l) => sumBounds(l.counts, l.result.states));
        const low = Math.max(...bounds.map((b) => b.low));
        const high = Math.min(sum + 10, ...bounds.map((b) => b.high));
        for (const l of live) {
          const shown = l.counts.reduce((a, c, i) => a + (l.result.states[i] === "shown" ? c : 0), 0);
          const values = new Map<number, Set<number>>();
          for (let total = low; total <= high; total++) {
            if (!live.every((o) => canSumTo(o.result.states, total - (o.counts.reduce((a, c, i) => a + (o.result.states[i] === "shown" ? c : 0), 0))))) continue; // prettier-ignore
            for (const [i, v] of possibleValues(l.result.states, total - shown)) {
              values.set(i, new Set([...(values.get(i) ?? []), ...v]));
            }
          }
          l.result.states.forEach((state, i) => {
            if (state !== "shown")
              expect(values.get(i)?.size ?? 0, `${JSON.stringify(grid)}`).toBeGreaterThanOrEqual(2);
          });
        }
      }),
      {
        numRuns: 3000,
        // Grids whose two lines' bounds meet at the sum: 4 single crimes in four areas, all of one
        // strand; and 5, 1, 1, 1 by area against 4 and 4 by strand.
        examples: [
          [[[1], [1], [1], [1]]],
          [
            [
              [4, 1],
              [0, 1],
              [0, 1],
              [0, 1],
            ],
          ],
        ],
      },
    );
  });
});
