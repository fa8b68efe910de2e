// How a quarterly review status is shown: always as words, with the tag's colour as a second cue.
import type { RagStatus } from "../generated/prisma/client.ts";

export interface StatusTag {
  text: string;
  classes: string;
  /** What the status means, for the key on the plan page. */
  meaning: string;
}

export const STATUS_TAGS: Record<RagStatus, StatusTag> = {
  NOT_STARTED: { text: "Not started", classes: "govuk-tag--grey", meaning: "work has not started yet" },
  RED: { text: "Red", classes: "govuk-tag--red", meaning: "there are serious problems" },
  AMBER: { text: "Amber", classes: "govuk-tag--yellow", meaning: "there are some problems" },
  GREEN: { text: "Green", classes: "govuk-tag--green", meaning: "it is going well" },
  COMPLETE: { text: "Complete", classes: "govuk-tag--blue", meaning: "it is done" },
};

/** In the order the key lists them. */
export const STATUS_ORDER: RagStatus[] = ["NOT_STARTED", "RED", "AMBER", "GREEN", "COMPLETE"];

export function statusTag(status: RagStatus): StatusTag {
  return STATUS_TAGS[status];
}
