// The partnership's rules for quarterly reviews that need no database: the RAG scale's order,
// when commentary is needed, when a quarter can be reviewed, and how an item led by several
// agencies gets one status for the quarter.
import type { RagStatus } from "../../generated/prisma/client.ts";
import { type Quarter, quarterDates } from "./year.ts";

export const COMMENTARY_MAX = 2_000;
export const SUMMARY_REASON_MAX = 1_000;

/** The partnership's definitions, shown beside the form. */
export const RAG_DEFINITIONS: Record<RagStatus, string> = {
  NOT_STARTED: "Work has not started yet.",
  RED: "Significant issues: off track, help needed.",
  AMBER: "Issues or risks identified, being managed.",
  GREEN: "On track.",
  COMPLETE: "Delivered.",
};

/** How good a status is: "improved" and "worsened" between quarters, and the lowest of several. */
export const RAG_RANK: Record<RagStatus, number> = { NOT_STARTED: 0, RED: 1, AMBER: 2, GREEN: 3, COMPLETE: 4 };

/**
 * What a quarter shows: the status people recorded, or, with no update at all, "not yet due"
 * for a quarter that has not started and "no update" for one that has.
 */
export type ShownStatus = RagStatus | "NOT_YET_DUE" | "NO_UPDATE";

/** Whether a quarter shows a status someone recorded (not "no update" or "not yet due"). */
export function recorded(status: ShownStatus): status is RagStatus {
  return status in RAG_RANK;
}

/** Whether the commentary is required for this status, given last quarter's. */
export function commentaryRequired(status: RagStatus, previous: RagStatus): boolean {
  return status === "RED" || status === "AMBER" || status !== previous;
}

/** The lowest of the statuses (Not started below Red below Amber below Green below Complete). */
export function lowestStatus(statuses: readonly RagStatus[]): RagStatus | undefined {
  let lowest: RagStatus | undefined;
  for (const s of statuses) if (lowest === undefined || RAG_RANK[s] < RAG_RANK[lowest]) lowest = s;
  return lowest;
}

/** A quarter can be reviewed from its first day, not before. */
export function quarterStarted(startYear: number, quarter: Quarter, at: Date): boolean {
  return quarterDates(startYear, quarter).start.getTime() <= at.getTime();
}

/**
 * An item's status for a quarter: a coordinator's summary status when set, else the lowest of
 * the agencies' updates; with no update, "not yet due" before the quarter starts, then "no update".
 */
export function quarterStatus(updates: readonly RagStatus[], summary: RagStatus | null, started: boolean): ShownStatus {
  return summary ?? lowestStatus(updates) ?? (started ? "NO_UPDATE" : "NOT_YET_DUE");
}
