// How a quarterly review status is shown: always as words, with the tag's colour as a second cue.
import type { ShownStatus } from "../services/plan/review-rules.ts";

export interface StatusTag {
  text: string;
  classes: string;
  /** What the status means, for the key on the plan page. */
  meaning: string;
}

export const STATUS_TAGS: Record<ShownStatus, StatusTag> = {
  NOT_STARTED: { text: "Not started", classes: "govuk-tag--grey", meaning: "work has not started yet" },
  RED: { text: "Red", classes: "govuk-tag--red", meaning: "there are serious problems" },
  AMBER: { text: "Amber", classes: "govuk-tag--yellow", meaning: "there are some problems" },
  GREEN: { text: "Green", classes: "govuk-tag--green", meaning: "it is going well" },
  COMPLETE: { text: "Complete", classes: "govuk-tag--blue", meaning: "it is done" },
  NO_UPDATE: { text: "No update", classes: "rhins-tag--none", meaning: "nobody has reported on it for this quarter" },
  NOT_YET_DUE: { text: "Not yet due", classes: "rhins-tag--none", meaning: "the quarter has not started yet" },
};

/** The statuses a person can choose, in the order the form and the key list them. */
export const STATUS_ORDER = ["NOT_STARTED", "RED", "AMBER", "GREEN", "COMPLETE"] as const;

/** Everything a quarter can show, counted apart on the dashboard. */
export const SHOWN_STATUS_ORDER: ShownStatus[] = [...STATUS_ORDER, "NO_UPDATE", "NOT_YET_DUE"];

export function statusTag(status: ShownStatus): StatusTag {
  return STATUS_TAGS[status];
}
