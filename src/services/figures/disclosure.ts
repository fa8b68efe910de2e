// Statistical disclosure control for the public figures: no published count from 1 to 4, and no
// suppressed count that anyone could work out from what is shown. Pure functions, no database.
//
// A published table is a list of independent "lines" (one column for one year, e.g. reports by
// area in 2025/26): cells of different lines never overlap and no cross-year total is published,
// so each line is protected on its own, except lines known to have the same sum (a group).
//
// What an attacker who knows these rules can tell: a cell shown "fewer than 5" (primary) is 1 to
// 4; a cell shown "withheld" (secondary) is 5 or more. With P the primary cells, Q the secondary
// and s the line's sum less its shown cells, every suppressed cell can take at least two values
// consistent with a known sum exactly when (worked out in lineIsSafe):
//   - Q is empty, |P| >= 2 and |P| < s < 4|P| (one primary alone is s itself); or
//   - Q is not empty, s > |P| + 5|Q|, and not a lone secondary cell (which would be s itself).
// When a line cannot be made safe, its total is withheld instead; then every primary cell is
// still 1 to 4 and every secondary 5 or more, as far as anyone can tell.

/** Counts from 1 to this minus one are never shown. */
export const THRESHOLD = 5;

export type CellState = "shown" | "primary" | "secondary";

export interface LineInput {
  counts: readonly number[];
  /**
   * Whether the line's total is published. A line without one (reports by strand: a report may be
   * about several strands, so it has no true total) is protected as if its sum were published,
   * which covers whatever bound on it anyone could infer.
   */
  total: boolean;
  /** Lines known to have the same sum (police by strand and by area, one year) share a group. */
  group?: string;
}

export interface ProtectedLine {
  states: CellState[];
  /** The total is shown: only for a line with a total that was safe to show. */
  totalShown: boolean;
  /** Not published at all: the last resort when lines of a group would pin their shared sum. */
  hidden: boolean;
}

const isSmall = (n: number) => n >= 1 && n < THRESHOLD;

function tally(counts: readonly number[], states: readonly CellState[]) {
  let primary = 0;
  let secondary = 0;
  let suppressed = 0;
  let shown = 0;
  counts.forEach((count, i) => {
    if (states[i] === "shown") shown += count;
    else {
      suppressed += count;
      if (states[i] === "primary") primary += 1;
      else secondary += 1;
    }
  });
  return { primary, secondary, suppressed, shown };
}

/**
 * Whether every suppressed cell of a line whose sum is known can take at least two values.
 * A primary cell p: the other primaries sum to [k-1, 4(k-1)] and the secondaries to at least 5m
 * (no upper bound), so p ranges over [max(1, s-4(k-1)), min(4, s-(k-1))] when m = 0, and over
 * [1, min(4, s-(k-1)-5m)] otherwise. A secondary cell q ranges over [5, s-k-5(m-1)] when m >= 2,
 * and over [max(5, s-4k), s-k] when m = 1 (a single value when k = 0).
 */
export function lineIsSafe(counts: readonly number[], states: readonly CellState[]): boolean {
  const { primary: k, secondary: m, suppressed: s } = tally(counts, states);
  if (k === 0 && m === 0) return true;
  if (m === 0) return k >= 2 && k < s && s < 4 * k;
  return s > k + THRESHOLD * m && (k >= 1 || m >= 2);
}

/** Primary suppression, then secondary cells (the smallest first) until safe with its sum known. */
function protectWithKnownSum(counts: readonly number[]): { states: CellState[]; safe: boolean } {
  const states: CellState[] = counts.map((c) => (isSmall(c) ? "primary" : "shown"));
  while (!lineIsSafe(counts, states)) {
    const next = smallestShown(counts, states, THRESHOLD);
    if (next === undefined) return { states, safe: false };
    states[next] = "secondary";
  }
  return { states, safe: true };
}

function smallestShown(counts: readonly number[], states: readonly CellState[], atLeast: number): number | undefined {
  let best: number | undefined;
  counts.forEach((c, i) => {
    if (states[i] === "shown" && c >= atLeast && (best === undefined || c < counts[best]!)) best = i;
  });
  return best;
}

/**
 * What anyone can tell of a line's sum from its cells alone, when its total is not shown: exact
 * when nothing is suppressed; otherwise at least the shown cells plus 1 per primary and 5 per
 * secondary, and at most the shown cells plus 4 per primary when there is no secondary.
 */
export function sumBounds(counts: readonly number[], states: readonly CellState[]): { low: number; high: number } {
  const { primary, secondary, shown } = tally(counts, states);
  return {
    low: shown + primary + THRESHOLD * secondary,
    high: secondary > 0 ? Infinity : shown + (THRESHOLD - 1) * primary,
  };
}

/**
 * Lines sharing a sum, of which at least one could not be protected with it known: every total is
 * withheld, and the lines together must not pin the sum either. A line showing every cell would
 * give it away, so it loses its smallest cell; while the lines' bounds still meet at one value,
 * a line bounded above loses its smallest shown cell of 5 or more, and failing that is not
 * published at all.
 */
function protectGroupWithUnknownSum(lines: { counts: readonly number[]; out: ProtectedLine }[]): void {
  for (const { out } of lines) out.totalShown = false;
  for (;;) {
    const live = lines.filter((l) => !l.out.hidden);
    for (const { counts, out } of live) {
      if (!out.states.some((s) => s !== "shown") && counts.some((c) => c > 0)) {
        out.states[smallestShown(counts, out.states, 1)!] = "secondary";
      }
    }
    const bounds = live.map((l) => sumBounds(l.counts, l.out.states));
    const low = Math.max(...bounds.map((b) => b.low));
    const high = Math.min(...bounds.map((b) => b.high));
    if (live.length <= 1 || low < high) return;
    const capped = live.filter((_, i) => bounds[i]!.high === high);
    const opener = capped.find((l) => smallestShown(l.counts, l.out.states, THRESHOLD) !== undefined);
    if (opener) opener.out.states[smallestShown(opener.counts, opener.out.states, THRESHOLD)!] = "secondary";
    else capped[0]!.out.hidden = true;
  }
}

/** Protects every line of a publication; the result is in the same order as the input. */
export function protectLines(lines: readonly LineInput[]): ProtectedLine[] {
  const out = lines.map((line) => {
    const { states, safe } = protectWithKnownSum(line.counts);
    return { states, safe, result: { states, totalShown: line.total && safe, hidden: false } as ProtectedLine };
  });
  const groups = new Map<string, number[]>();
  lines.forEach((line, i) => {
    if (line.group !== undefined) groups.set(line.group, [...(groups.get(line.group) ?? []), i]);
  });
  for (const members of groups.values()) {
    if (members.every((i) => out[i]!.safe)) continue;
    protectGroupWithUnknownSum(members.map((i) => ({ counts: lines[i]!.counts, out: out[i]!.result })));
  }
  return out.map((o) => o.result);
}

/** How a published count reads: a number, or why it is not shown. */
export type PublishedCount = number | "fewer than 5" | "withheld" | "not published";

/** A line's cells and total as published. */
export function publishedLine(
  counts: readonly number[],
  line: ProtectedLine,
): { cells: PublishedCount[]; total: PublishedCount } {
  if (line.hidden) return { cells: counts.map(() => "not published"), total: "not published" };
  const cells = counts.map((c, i): PublishedCount => {
    const state = line.states[i];
    return state === "primary" ? "fewer than 5" : state === "secondary" ? "withheld" : c;
  });
  const total = counts.reduce((a, b) => a + b, 0);
  return { cells, total: line.totalShown ? total : "withheld" };
}
