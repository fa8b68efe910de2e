// The quarterly review rules that need no database (src/services/review-rules.ts): the RAG
// scale's order, when commentary is needed, from when a quarter can be reviewed, and the one
// status of an item several agencies lead. The same rules through the real forms are in
// tests/integration/reviews.test.ts and joint-reviews.test.ts.
import { describe, expect, it } from "vitest";
import type { RagStatus } from "../../src/generated/prisma/client.ts";
import {
  COMMENTARY_MAX,
  RAG_DEFINITIONS,
  RAG_RANK,
  SUMMARY_REASON_MAX,
  commentaryRequired,
  lowestStatus,
  quarterStarted,
  quarterStatus,
  recorded,
} from "../../src/services/plan/review-rules.ts";

const STATUSES: RagStatus[] = ["NOT_STARTED", "RED", "AMBER", "GREEN", "COMPLETE"];

describe("the RAG scale", () => {
  it("runs Not started, Red, Amber, Green, Complete, from lowest to highest", () => {
    expect(STATUSES.map((s) => RAG_RANK[s])).toEqual([0, 1, 2, 3, 4]);
  });

  it("has the partnership's definitions, shown beside the form", () => {
    expect(RAG_DEFINITIONS).toEqual({
      NOT_STARTED: "Work has not started yet.",
      RED: "Significant issues: off track, help needed.",
      AMBER: "Issues or risks identified, being managed.",
      GREEN: "On track.",
      COMPLETE: "Delivered.",
    });
  });

  it("allows 2,000 characters of commentary and 1,000 of a summary's reason", () => {
    expect([COMMENTARY_MAX, SUMMARY_REASON_MAX]).toEqual([2_000, 1_000]);
  });

  it("tells a status someone recorded from No update and Not yet due", () => {
    for (const s of STATUSES) expect(recorded(s)).toBe(true);
    expect(recorded("NO_UPDATE")).toBe(false);
    expect(recorded("NOT_YET_DUE")).toBe(false);
  });
});

describe("commentary", () => {
  it.each(STATUSES)("is always needed for Red and Amber, whatever last quarter was (last quarter %s)", (previous) => {
    expect(commentaryRequired("RED", previous)).toBe(true);
    expect(commentaryRequired("AMBER", previous)).toBe(true);
  });

  it.each(["NOT_STARTED", "GREEN", "COMPLETE"] as const)(
    "for %s is needed when the status changed since last quarter, not when it stayed",
    (status) => {
      for (const previous of STATUSES) expect(commentaryRequired(status, previous)).toBe(status !== previous);
    },
  );
});

describe("the lowest of several statuses", () => {
  it("is the one lowest on the scale, wherever it comes", () => {
    expect(lowestStatus(["GREEN", "RED", "AMBER"])).toBe("RED");
    expect(lowestStatus(["RED", "GREEN"])).toBe("RED");
    expect(lowestStatus(["COMPLETE", "GREEN"])).toBe("GREEN");
    expect(lowestStatus(["COMPLETE", "NOT_STARTED", "RED"])).toBe("NOT_STARTED");
    expect(lowestStatus(["AMBER", "AMBER"])).toBe("AMBER");
  });

  it("of one status is that status, and of none is nothing", () => {
    for (const s of STATUSES) expect(lowestStatus([s])).toBe(s);
    expect(lowestStatus([])).toBeUndefined();
  });
});

describe("a quarter", () => {
  it("can be reviewed from its first day (UTC), not a millisecond before", () => {
    const q2 = Date.UTC(2023, 6, 1); // quarter 2 of 2023/24 starts on 1 July 2023
    expect(quarterStarted(2023, 2, new Date(q2 - 1))).toBe(false);
    expect(quarterStarted(2023, 2, new Date(q2))).toBe(true);
    expect(quarterStarted(2023, 2, new Date(Date.UTC(2025, 0, 1)))).toBe(true);
    expect(quarterStarted(2023, 1, new Date(Date.UTC(2023, 3, 1)))).toBe(true);
    expect(quarterStarted(2023, 4, new Date(Date.UTC(2023, 11, 31)))).toBe(false);
  });

  it("shows a coordinator's summary status when one is set, whatever the agencies recorded", () => {
    expect(quarterStatus(["RED", "GREEN"], "AMBER", true)).toBe("AMBER");
    expect(quarterStatus([], "GREEN", true)).toBe("GREEN");
  });

  it("without a summary shows the lowest of the agencies' updates", () => {
    expect(quarterStatus(["GREEN", "RED"], null, true)).toBe("RED");
    expect(quarterStatus(["COMPLETE"], null, false)).toBe("COMPLETE");
  });

  it('with no update shows "No update" once it has started and "Not yet due" before', () => {
    expect(quarterStatus([], null, true)).toBe("NO_UPDATE");
    expect(quarterStatus([], null, false)).toBe("NOT_YET_DUE");
  });
});
