// Each audit action reads as a sentence, with the names looked up for the page, never ids or JSON.
import { describe as group, expect, it } from "vitest";
import { type DescribedEvent, type Names, changes, describe } from "../../src/services/audit-descriptions.ts";

const names: Names = {
  commitments: new Map([[12, "commitment 2.2 of the 2023/24 plan"]]),
  risks: new Map([[5, "risk 1 of the 2023/24 plan"]]),
  objectives: new Map([[3, "objective 2 of the 2023/24 plan"]]),
  plans: new Map([[1, "the 2023/24 plan"]]),
  users: new Map([[9, "Sam Officer (sam@partners.test)"]]),
  agencies: new Map([
    [1, "North Somerset Council"],
    [2, "Avon and Somerset Police"],
  ]),
  agencyCodes: new Map([["Police", "Avon and Somerset Police"]]),
  centres: new Map([[4, "Weston Library"]]),
};

const event = (e: Partial<DescribedEvent> & Pick<DescribedEvent, "action" | "entityType">): DescribedEvent => ({
  id: 1,
  entityId: "",
  actorEmail: "coord@partners.test",
  before: null,
  after: null,
  ip: "",
  createdAt: new Date("2024-07-01T10:00:00Z"),
  ...e,
});

group("audit descriptions", () => {
  it.each([
    [
      event({
        action: "report.personal-data-deleted",
        entityType: "IncidentReport",
        after: { reports: 2, messages: 3, retentionMonths: 72 },
      }),
      "Deleted the personal data of 2 hate incident reports at the end of 72 months' retention (their figures are kept)",
    ],
    [
      event({
        action: "encryption.key-rotated",
        entityType: "EncryptionKey",
        entityId: "k2",
        after: { rewrapped: 14, failed: 1, plaintextSecretsEncrypted: 0 },
      }),
      "Encrypted every stored value again under key k2 (14 re-wrapped, 1 could not be read)",
    ],
    [
      event({
        action: "report.entered",
        entityType: "IncidentReport",
        entityId: "RH-7KQ2-M9XD",
        after: { reportingCentreId: 4 },
      }),
      "Entered hate incident report RH-7KQ2-M9XD for someone at Weston Library",
    ],
    [
      event({ action: "panel.created", entityType: "PanelMeeting", entityId: "3", after: { heldOn: "2026-12-10" } }),
      "Created the Review Panel meeting of 10 December 2026",
    ],
    [
      event({
        action: "panel.case-added",
        entityType: "PanelMeeting",
        entityId: "3",
        after: { reference: "RH-7KQ2-M9XD" },
      }),
      "Added case RH-7KQ2-M9XD to Review Panel meeting 3",
    ],
    [
      event({
        action: "panel.free-text",
        entityType: "PanelMeeting",
        entityId: "3",
        after: { reference: "RH-7KQ2-M9XD", show: true },
      }),
      "Showed case RH-7KQ2-M9XD's latest notes on the agenda of Review Panel meeting 3",
    ],
    [
      event({
        action: "panel.decision-recorded",
        entityType: "PanelMeeting",
        entityId: "3",
        after: { reference: "RH-7KQ2-M9XD" },
      }),
      "Recorded the panel's decision on case RH-7KQ2-M9XD at Review Panel meeting 3",
    ],
    [
      event({
        action: "review.saved",
        entityType: "CommitmentReview",
        entityId: "12/Q1/Police",
        before: { status: "AMBER", commentary: "Delayed", version: 1 },
        after: { status: "RED", commentary: "Stopped", version: 2, replacedVersion: null },
      }),
      "Commitment 2.2 of the 2023/24 plan, quarter 1, Avon and Somerset Police's update: status Amber → Red, commentary changed",
    ],
    [
      event({
        action: "review.saved",
        entityType: "RiskReview",
        entityId: "5/Q3/Police",
        before: null,
        after: { status: "GREEN", commentary: "", version: 1, replacedVersion: null },
      }),
      "Risk 1 of the 2023/24 plan, quarter 3, Avon and Somerset Police's update: status Green, no commentary",
    ],
    [
      event({
        action: "review.saved",
        entityType: "CommitmentReview",
        entityId: "12/Q1/Police",
        before: { status: "GREEN", commentary: "", evidence: [], version: 1 },
        after: { status: "GREEN", commentary: "", evidence: [{ title: "Report", url: "https://x.test" }], version: 2 },
      }),
      "Commitment 2.2 of the 2023/24 plan, quarter 1, Avon and Somerset Police's update: evidence links written",
    ],
    [
      event({
        action: "review.more-requested",
        entityType: "CommitmentReview",
        entityId: "12/Q1/Police",
        after: { request: "Please add the number of schools visited", version: 2 },
      }),
      'Commitment 2.2 of the 2023/24 plan, quarter 1: asked Avon and Somerset Police for more: "Please add the number of schools visited"',
    ],
    [
      event({
        action: "review.signed-off",
        entityType: "RiskReview",
        entityId: "5/Q3/Police",
        after: { version: 3 },
      }),
      "Risk 1 of the 2023/24 plan, quarter 3, Avon and Somerset Police's update: signed off version 3",
    ],
    [
      event({
        action: "review.summary.saved",
        entityType: "CommitmentReview",
        entityId: "12/Q2",
        after: { status: "AMBER", reason: "x", version: 1 },
      }),
      "Commitment 2.2 of the 2023/24 plan, quarter 2: summary status Amber",
    ],
    [
      event({ action: "quarter.closed", entityType: "PlanQuarter", entityId: "1/Q2" }),
      "Closed quarter 2 of the 2023/24 plan",
    ],
    [
      event({
        action: "quarter.deadline-changed",
        entityType: "PlanQuarter",
        entityId: "1/Q1",
        before: { deadline: "2023-07-21T23:59:59.000Z" },
        after: { deadline: "2023-07-28T23:59:59.000Z" },
      }),
      "Quarter 1 of the 2023/24 plan: update deadline 21 July 2023 → 28 July 2023",
    ],
    [
      event({
        action: "account.role-changed",
        entityType: "User",
        entityId: "9",
        before: { role: "OFFICER" },
        after: { role: "COORDINATOR" },
      }),
      "Sam Officer (sam@partners.test)'s role: Officer → Coordinator",
    ],
    [
      event({
        action: "risk.updated",
        entityType: "Risk",
        entityId: "5",
        before: { rating: "AMBER", ownerAgencyId: 1, description: "Old" },
        after: { rating: "RED", ownerAgencyId: 2, description: "New" },
      }),
      "Changed risk 1 of the 2023/24 plan: description changed, rating Amber → Red, owner North Somerset Council → Avon and Somerset Police",
    ],
    [
      event({ action: "commitment.retired", entityType: "Commitment", entityId: "12" }),
      "Retired commitment 2.2 of the 2023/24 plan",
    ],
    [
      event({
        action: "plan.rolled-over",
        entityType: "Plan",
        entityId: "1",
        before: { planId: 0, startYear: 2022 },
        after: { commitmentsCarried: [1, 2, 3], achievementsDrafted: 1 },
      }),
      "Drafted the 2023/24 plan from 2022/23: 3 commitments carried forward, 1 achievement drafted",
    ],
    [
      event({ action: "plan.deleted", entityType: "Plan", entityId: "77", before: { startYear: 2024 } }),
      "Deleted the 2024/25 plan, a draft with no reviews",
    ],
    [
      event({ action: "sign-in.failed", entityType: "User", after: { reason: "wrong password" } }),
      "Sign-in failed (wrong password)",
    ],
    [event({ action: "something.new", entityType: "Thing", entityId: "4" }), "Something new: Thing 4"],
  ])("%#: %s", (e, sentence) => {
    expect(describe(e, names)).toBe(sentence);
  });

  it("says a long value changed rather than repeating it", () => {
    expect(changes({ title: "a".repeat(50) }, { title: "b".repeat(50) }, names)).toEqual(["title changed"]);
    expect(changes({ title: "Old" }, { title: "New" }, names)).toEqual(["title Old → New"]);
    expect(changes({ title: "Same" }, { title: "Same" }, names)).toEqual([]);
  });
});
