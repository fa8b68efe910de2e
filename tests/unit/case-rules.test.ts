// The rules for a case that need no database (src/services/cases/rules.ts): its statuses and how
// it moves between them, the managed lists, the consent gate on sharing the person's details, when
// a case may close, how long it has been open, and which cases the Review Panel proposes. The same
// rules through the case's forms are in tests/integration/cases.test.ts, and through a meeting in
// case-panel.test.ts.
import { describe, expect, it } from "vitest";
import { closeForm } from "../../src/routes/partners/cases/forms.ts";
import {
  ASSESSMENTS,
  CASE_STATUSES,
  CASE_STATUS_TEXT,
  type CaseStatus,
  CONTACT_METHODS,
  MIN_OVERRIDE_REASON,
  OUTCOMES,
  PANEL_OPEN_DAYS,
  PANEL_REASONS,
  type Outcome,
  REFERRAL_SERVICES,
  SUPPORT_KINDS,
  WORKING_STATUSES,
  closingRefusal,
  consentRefusal,
  daysOpen,
  panelReasons,
  statusAfter,
  statusChangeRefusal,
} from "../../src/services/cases/rules.ts";

const WORKING = ["TRIAGED", "IN_CONTACT", "SUPPORTING", "REFERRED"] as const;

describe("a case's statuses", () => {
  it("run New, Triaged, In contact, Supporting, Referred, Closed", () => {
    expect(CASE_STATUSES).toEqual(["NEW", "TRIAGED", "IN_CONTACT", "SUPPORTING", "REFERRED", "CLOSED"]);
    expect(CASE_STATUSES.map((s) => CASE_STATUS_TEXT[s])).toEqual([
      "New",
      "Triaged",
      "In contact",
      "Supporting",
      "Referred",
      "Closed",
    ]);
  });

  it("that a caseworker chooses by hand are the working ones, in order: not New, not Closed", () => {
    expect(WORKING_STATUSES).toEqual(WORKING);
  });
});

describe("the managed lists", () => {
  it("are the partnership's, with the words the forms show", () => {
    expect(ASSESSMENTS).toEqual({
      HATE_CRIME: "Hate crime",
      HATE_INCIDENT: "Hate incident",
      NOT_HATE_RELATED: "Not hate-related",
      DUPLICATE: "Duplicate of another case",
    });
    expect(CONTACT_METHODS).toEqual({
      PHONE: "Phone call",
      TEXT: "Text message",
      EMAIL: "Email",
      IN_PERSON: "In person",
      LETTER: "Letter",
      FOLLOW_UP: "Message on their follow-up page",
    });
    expect(SUPPORT_KINDS).toEqual({
      EMOTIONAL: "Emotional support",
      ADVOCACY: "Advocacy with other services",
      SAFETY_PLANNING: "Safety planning",
      PRACTICAL: "Practical help (for example home security)",
      RESTORATIVE: "Restorative justice or mediation",
      SIGNPOSTING: "Information about other services",
      OTHER: "Other support",
    });
    expect(REFERRAL_SERVICES).toEqual({
      POLICE: "Avon and Somerset Police",
      VICTIM_SUPPORT: "Lighthouse Victim and Witness Care",
      HOUSING: "Housing provider",
      ADULT_SOCIAL_CARE: "Adult social care",
      CHILDRENS_SERVICES: "Children's services",
      MENTAL_HEALTH: "Mental health services",
      SCHOOL: "School or college",
      OTHER: "Another service",
    });
    expect(OUTCOMES).toEqual({
      SUPPORT_GIVEN: "Support given",
      SUPPORT_DECLINED: "Support declined",
      COULD_NOT_CONTACT: "Could not contact",
      REFERRED_TO_POLICE: "Referred to police",
      RESOLVED: "Resolved",
      OTHER: "Other",
    });
  });
});

describe("choosing a status by hand", () => {
  it.each(WORKING)("moves a %s case to any other working status, back or forward", (from) => {
    for (const to of WORKING) if (to !== from) expect(statusChangeRefusal(from, to)).toBeNull();
  });

  it.each([
    ["TRIAGED", "The case is already triaged"],
    ["IN_CONTACT", "The case is already in contact"],
    ["SUPPORTING", "The case is already supporting"],
    ["REFERRED", "The case is already referred"],
  ] as const)("refuses the status a %s case already has", (status, refusal) => {
    expect(statusChangeRefusal(status, status)).toBe(refusal);
  });

  it.each(WORKING)("does not move a %s case to New or Closed (a case closes with an outcome)", (from) => {
    expect(statusChangeRefusal(from, "NEW")).toBe("Choose a status from the list");
    expect(statusChangeRefusal(from, "CLOSED")).toBe("Choose a status from the list");
  });

  it.each(CASE_STATUSES)("does not move a new report to %s: it is triaged first", (to) => {
    expect(statusChangeRefusal("NEW", to)).toBe("Triage this report first");
  });

  it.each(CASE_STATUSES)("does not move a closed case to %s: it is reopened first", (to) => {
    expect(statusChangeRefusal("CLOSED", to)).toBe("This case is closed. Reopen it first");
  });
});

describe("the status after work is recorded", () => {
  it("moves only forward through the working statuses", () => {
    expect(statusAfter("TRIAGED", "IN_CONTACT")).toBe("IN_CONTACT");
    expect(statusAfter("TRIAGED", "SUPPORTING")).toBe("SUPPORTING");
    expect(statusAfter("TRIAGED", "REFERRED")).toBe("REFERRED");
    expect(statusAfter("IN_CONTACT", "SUPPORTING")).toBe("SUPPORTING");
    expect(statusAfter("IN_CONTACT", "REFERRED")).toBe("REFERRED");
    expect(statusAfter("SUPPORTING", "REFERRED")).toBe("REFERRED");
  });

  it("never takes a case back: a phone call to a referred case leaves it referred", () => {
    expect(statusAfter("REFERRED", "IN_CONTACT")).toBe("REFERRED");
    expect(statusAfter("REFERRED", "SUPPORTING")).toBe("REFERRED");
    expect(statusAfter("SUPPORTING", "IN_CONTACT")).toBe("SUPPORTING");
    expect(statusAfter("SUPPORTING", "TRIAGED")).toBe("SUPPORTING");
  });

  it.each(WORKING)("leaves a %s case where it is when the work reaches that status", (status) => {
    expect(statusAfter(status, status)).toBe(status);
  });

  it.each(["NEW", "CLOSED"] as const)("leaves a %s case as it is, whatever the work", (status) => {
    for (const reached of WORKING) expect(statusAfter(status, reached)).toBe(status);
  });
});

describe("the consent gate on sharing the person's details", () => {
  const REFUSAL =
    "The person has not agreed to their details being shared. Refer without their details, record their consent, or record a safeguarding override with the reason";
  const referral = (withDetails: boolean, consentToShare: boolean, overrideReason: string | null = null) => ({
    withDetails,
    consentToShare,
    overrideReason,
  });

  it("lets a referral without their details through, consent or not", () => {
    expect(consentRefusal(referral(false, false))).toBeNull();
    expect(consentRefusal(referral(false, true))).toBeNull();
    expect(consentRefusal(referral(false, false, ""))).toBeNull();
  });

  it("lets a referral with their details through once they have agreed", () => {
    expect(consentRefusal(referral(true, true))).toBeNull();
    expect(consentRefusal(referral(true, true, ""))).toBeNull();
  });

  it("refuses a referral with their details when they have not agreed and no override is given", () => {
    expect(consentRefusal(referral(true, false))).toBe(REFUSAL);
    expect(consentRefusal(referral(true, false, ""))).toBe(REFUSAL);
  });

  it("lets a safeguarding override through with a reason of at least 10 characters", () => {
    expect(MIN_OVERRIDE_REASON).toBe(10);
    expect(consentRefusal(referral(true, false, "Child risk"))).toBeNull(); // 10 characters
    expect(consentRefusal(referral(true, false, "Children at risk in the home"))).toBeNull();
  });

  it("refuses an override whose reason is shorter, not counting the spaces around it", () => {
    expect(consentRefusal(referral(true, false, "Kids risk"))).toBe(REFUSAL); // 9 characters
    expect(consentRefusal(referral(true, false, "   Kids risk   "))).toBe(REFUSAL);
    expect(consentRefusal(referral(true, false, "            "))).toBe(REFUSAL);
    expect(consentRefusal(referral(true, false, "  Child risk  "))).toBeNull();
  });
});

describe("closing a case", () => {
  const kase = (
    status: CaseStatus,
    { openActions = 0, outcome = "SUPPORT_GIVEN" as Outcome, referredToPolice = false } = {},
  ) => ({ status, openActions, outcome, referredToPolice });

  it.each(WORKING)("is allowed from %s with every action done", (status) => {
    expect(closingRefusal(kase(status))).toBeNull();
  });

  it("is refused before triage, and for a case already closed", () => {
    expect(closingRefusal(kase("NEW"))).toBe("Triage this report before closing it");
    expect(closingRefusal(kase("CLOSED"))).toBe("This case is already closed");
  });

  it("is refused while an action is open, saying how many", () => {
    expect(closingRefusal(kase("SUPPORTING", { openActions: 1 }))).toBe(
      "Mark the open action as done before closing the case",
    );
    expect(closingRefusal(kase("SUPPORTING", { openActions: 2 }))).toBe(
      "Mark the 2 open actions as done before closing the case",
    );
    expect(closingRefusal(kase("TRIAGED", { openActions: 12 }))).toBe(
      "Mark the 12 open actions as done before closing the case",
    );
  });

  it("with the outcome 'Referred to police' needs a referral to the police on the case", () => {
    expect(closingRefusal(kase("REFERRED", { outcome: "REFERRED_TO_POLICE" }))).toBe(
      "Record the referral to the police before choosing that outcome",
    );
    expect(closingRefusal(kase("REFERRED", { outcome: "REFERRED_TO_POLICE", referredToPolice: true }))).toBeNull();
  });

  it.each(Object.keys(OUTCOMES).filter((o) => o !== "REFERRED_TO_POLICE") as Outcome[])(
    "with the outcome %s needs no referral to the police",
    (outcome) => {
      expect(closingRefusal(kase("IN_CONTACT", { outcome }))).toBeNull();
    },
  );

  it("needs an outcome from the list and a closing summary (the closing form)", () => {
    const close = (fields: Record<string, string>) => closeForm.safeParse({ version: "3", ...fields });
    expect(close({ outcome: "RESOLVED", summary: "  Door chain fitted  " }).data).toEqual({
      version: 3,
      outcome: "RESOLVED",
      summary: "Door chain fitted",
    });
    const message = (fields: Record<string, string>) => close(fields).error?.issues.map((i) => i.message);
    expect(message({ outcome: "", summary: "Door chain fitted" })).toEqual(["Select the outcome"]);
    expect(message({ outcome: "SOLVED", summary: "Door chain fitted" })).toEqual(["Select the outcome"]);
    expect(message({ outcome: "RESOLVED", summary: "   " })).toEqual(["Enter a closing summary"]);
  });
});

describe("the days a case has been open", () => {
  const opened = new Date("2026-03-02T09:30:00Z");
  const after = (ms: number) => new Date(opened.getTime() + ms);
  const DAY = 86_400_000;

  it("are whole days: none until a full day has passed", () => {
    expect(daysOpen(opened, opened)).toBe(0);
    expect(daysOpen(opened, after(DAY - 1))).toBe(0);
    expect(daysOpen(opened, after(DAY))).toBe(1);
    expect(daysOpen(opened, after(28 * DAY + 5 * 3_600_000))).toBe(28);
    expect(daysOpen(opened, after(29 * DAY - 1))).toBe(28);
  });

  it("are never fewer than none, for a date before it opened", () => {
    expect(daysOpen(opened, after(-1))).toBe(0);
    expect(daysOpen(opened, after(-3 * DAY))).toBe(0);
  });
});

describe("the cases a Review Panel meeting proposes", () => {
  const heldOn = new Date("2026-12-10T00:00:00Z");
  const opened = (days: number) => new Date(heldOn.getTime() - days * 86_400_000);
  const kase = (over: Partial<Parameters<typeof panelReasons>[0]> = {}) => ({
    status: "TRIAGED" as CaseStatus,
    riskLevel: "STANDARD" as const,
    openedAt: opened(3),
    overdueActions: 0,
    ...over,
  });

  it("gives its reasons in the partnership's words, with its 28 days", () => {
    expect(PANEL_OPEN_DAYS).toBe(28);
    expect(PANEL_REASONS).toEqual({
      HIGH_RISK: "High risk",
      OPEN_OVER_28_DAYS: "Open more than 28 days",
      OVERDUE_ACTIONS: "Overdue actions",
      ADDED: "Added by a coordinator",
    });
  });

  it("proposes no recent standard or medium risk case without overdue actions", () => {
    expect(panelReasons(kase(), heldOn)).toEqual([]);
    expect(panelReasons(kase({ riskLevel: "MEDIUM" }), heldOn)).toEqual([]);
    expect(panelReasons(kase({ riskLevel: null, status: "NEW" }), heldOn)).toEqual([]);
  });

  it("proposes every open high-risk case, whatever its status", () => {
    for (const status of ["NEW", ...WORKING] as CaseStatus[])
      expect(panelReasons(kase({ status, riskLevel: "HIGH" }), heldOn), status).toEqual(["HIGH_RISK"]);
  });

  it("proposes a case open more than 28 whole days before the meeting, not one open exactly 28", () => {
    expect(panelReasons(kase({ openedAt: opened(28) }), heldOn)).toEqual([]);
    expect(panelReasons(kase({ openedAt: new Date(opened(29).getTime() + 1) }), heldOn)).toEqual([]);
    expect(panelReasons(kase({ openedAt: opened(29) }), heldOn)).toEqual(["OPEN_OVER_28_DAYS"]);
  });

  it("proposes a case with any overdue action", () => {
    expect(panelReasons(kase({ overdueActions: 1 }), heldOn)).toEqual(["OVERDUE_ACTIONS"]);
    expect(panelReasons(kase({ overdueActions: 4 }), heldOn)).toEqual(["OVERDUE_ACTIONS"]);
  });

  it("gives every reason that applies, in order", () => {
    expect(panelReasons(kase({ riskLevel: "HIGH", openedAt: opened(40), overdueActions: 2 }), heldOn)).toEqual([
      "HIGH_RISK",
      "OPEN_OVER_28_DAYS",
      "OVERDUE_ACTIONS",
    ]);
  });

  it("never proposes a closed case", () => {
    expect(
      panelReasons(kase({ status: "CLOSED", riskLevel: "HIGH", openedAt: opened(40), overdueActions: 2 }), heldOn),
    ).toEqual([]);
  });
});
