// The review statuses' colours in the PDF and Word files: the GOV.UK Frontend tag colours the
// web pages use, so a status looks the same in every format. Colour is only ever the second cue:
// every format writes the status in words.
import type { ShownStatus } from "../review-rules.ts";

export const STATUS_COLOURS: Record<ShownStatus, { text: string; fill: string }> = {
  NOT_STARTED: { text: "0B0C0C", fill: "CECECE" },
  RED: { text: "651B1B", fill: "F4D7D7" },
  AMBER: { text: "7A3C1C", fill: "FFEE80" },
  GREEN: { text: "083D29", fill: "CFE4DC" },
  COMPLETE: { text: "0F385C", fill: "D2E2F1" },
  // No status recorded: plain text on white, as the web pages' outlined tag.
  NO_UPDATE: { text: "0B0C0C", fill: "FFFFFF" },
  NOT_YET_DUE: { text: "0B0C0C", fill: "FFFFFF" },
};
