// The victim risk assessment at triage (src/services/cases/risk.ts): its questions and weights,
// the score and the level it gives (high from 8, or with any of the most serious harms; medium
// from 4), the triage form's rule that changing the level needs a reason, and when first contact
// is due (1 working day for high risk, otherwise 5). The same through the triage form is in
// tests/integration/cases.test.ts.
import { describe, expect, it } from "vitest";
import {
  FIRST_CONTACT_WORKING_DAYS,
  HIGH_RISK_SCORE,
  MEDIUM_RISK_SCORE,
  MIN_RISK_REASON,
  RISK_ANSWERS,
  RISK_LEVELS,
  RISK_LEVEL_TEXT,
  RISK_QUESTIONS,
  type RiskAnswer,
  firstContactDue,
  riskAssessmentSchema,
  scoreRisk,
} from "../../src/services/cases/risk.ts";

const NAMES = RISK_QUESTIONS.map((q) => q.name);
const SERIOUS = ["violence", "weapons", "selfHarm"];
/** Every question answered "no", but these. */
const answers = (some: Record<string, RiskAnswer> = {}): Record<string, RiskAnswer> => ({
  ...Object.fromEntries(NAMES.map((name) => [name, "NO" as const])),
  ...some,
});
const yes = (...names: string[]) => answers(Object.fromEntries(names.map((n) => [n, "YES" as const])));

describe("the risk questions", () => {
  it("are the partnership's, with what a yes adds (3 for the most serious harms)", () => {
    expect(RISK_QUESTIONS).toEqual([
      { name: "repeat", question: "Has this happened to them before?", weight: 2 },
      { name: "atHome", question: "Were they targeted at or near their home?", weight: 2 },
      {
        name: "retaliation",
        question: "Are they afraid it will happen again, or of retaliation if they report it?",
        weight: 2,
      },
      {
        name: "dailyLife",
        question: "Has it changed their daily life?",
        hint: "For example, they have stopped going out or changed their route or routine.",
        weight: 1,
      },
      {
        name: "vulnerable",
        question: "Are they vulnerable?",
        hint: "For example, disability, mental ill health, age or being isolated.",
        weight: 1,
      },
      { name: "children", question: "Are there children in the household?", weight: 1 },
      { name: "violence", question: "Were they hurt, or threatened with violence?", weight: 3 },
      { name: "offenderKnown", question: "Do they know the person who did it, or do they live nearby?", weight: 1 },
      { name: "weapons", question: "Was a weapon used or mentioned?", weight: 3 },
      { name: "selfHarm", question: "Have they mentioned self-harm or thoughts of suicide?", weight: 3 },
      { name: "online", question: "Is abuse online still going on?", weight: 1 },
    ]);
  });

  it("are answered yes, no or not known; the levels are standard, medium and high", () => {
    expect(RISK_ANSWERS).toEqual(["YES", "NO", "NOT_KNOWN"]);
    expect(RISK_LEVELS).toEqual(["STANDARD", "MEDIUM", "HIGH"]);
    expect(RISK_LEVEL_TEXT).toEqual({ STANDARD: "Standard", MEDIUM: "Medium", HIGH: "High" });
    expect([HIGH_RISK_SCORE, MEDIUM_RISK_SCORE, MIN_RISK_REASON]).toEqual([8, 4, 10]);
  });
});

describe("the risk score", () => {
  it("is nothing, and the risk standard, when every answer is no (or nothing is answered)", () => {
    expect(scoreRisk(answers())).toEqual({ score: 0, level: "STANDARD" });
    expect(scoreRisk({})).toEqual({ score: 0, level: "STANDARD" });
  });

  it("adds each yes's weight", () => {
    expect(scoreRisk(yes("repeat")).score).toBe(2);
    expect(scoreRisk(yes("dailyLife")).score).toBe(1);
    expect(scoreRisk(yes("weapons")).score).toBe(3);
    expect(scoreRisk(yes(...NAMES)).score).toBe(20);
  });

  it("is standard at 3, medium from 4", () => {
    expect(scoreRisk(yes("repeat", "dailyLife"))).toEqual({ score: 3, level: "STANDARD" });
    expect(scoreRisk(yes("repeat", "atHome"))).toEqual({ score: 4, level: "MEDIUM" });
    expect(scoreRisk(yes("dailyLife", "vulnerable", "children", "online"))).toEqual({ score: 4, level: "MEDIUM" });
  });

  it("is medium at 7, high from 8", () => {
    expect(scoreRisk(yes("repeat", "atHome", "retaliation", "dailyLife"))).toEqual({ score: 7, level: "MEDIUM" });
    expect(scoreRisk(yes("repeat", "atHome", "retaliation", "dailyLife", "vulnerable"))).toEqual({
      score: 8,
      level: "HIGH",
    });
    expect(scoreRisk(yes("repeat", "atHome", "dailyLife", "vulnerable", "children", "online"))).toEqual({
      score: 8,
      level: "HIGH",
    });
  });

  it.each(SERIOUS)("is high with a yes to %s alone, whatever the score", (name) => {
    expect(scoreRisk(yes(name))).toEqual({ score: 3, level: "HIGH" });
  });

  it("counts 1 for a not known to one of the most serious harms, but it alone does not make the risk high", () => {
    const notKnown = (...names: string[]) => answers(Object.fromEntries(names.map((n) => [n, "NOT_KNOWN" as const])));
    expect(scoreRisk(notKnown("violence"))).toEqual({ score: 1, level: "STANDARD" });
    expect(scoreRisk(notKnown(...SERIOUS))).toEqual({ score: 3, level: "STANDARD" });
    expect(scoreRisk({ ...notKnown(...SERIOUS), dailyLife: "YES" })).toEqual({ score: 4, level: "MEDIUM" });
  });

  it("counts nothing for a not known to any other question", () => {
    const others = NAMES.filter((n) => !SERIOUS.includes(n));
    expect(scoreRisk(answers(Object.fromEntries(others.map((n) => [n, "NOT_KNOWN" as const]))))).toEqual({
      score: 0,
      level: "STANDARD",
    });
  });
});

describe("the triage form's risk assessment", () => {
  const form = (fields: Record<string, string> = {}): Record<string, string> => ({
    ...answers(),
    riskLevel: "",
    riskReason: "",
    ...fields,
  });
  const parse = (fields: Record<string, string> = {}) => riskAssessmentSchema.safeParse(form(fields));
  const issues = (fields: Record<string, string>) =>
    parse(fields).error?.issues.map((i) => ({ path: i.path, message: i.message }));

  it("takes the scored level when none is chosen, with no reason", () => {
    expect(parse({ repeat: "YES", atHome: "YES", weapons: "NOT_KNOWN" }).data).toEqual({
      answers: answers({ repeat: "YES", atHome: "YES", weapons: "NOT_KNOWN" }),
      score: 5,
      scoredLevel: "MEDIUM",
      level: "MEDIUM",
      reason: null,
    });
  });

  it("takes the scored level chosen again without a reason, and drops a reason given", () => {
    expect(parse({ violence: "YES", riskLevel: "HIGH" }).data).toMatchObject({ level: "HIGH", reason: null });
    expect(parse({ riskLevel: "STANDARD", riskReason: "Nothing to change here" }).data).toMatchObject({
      scoredLevel: "STANDARD",
      level: "STANDARD",
      reason: null,
    });
  });

  it("raises the level with a reason", () => {
    expect(parse({ riskLevel: "HIGH", riskReason: "  Her neighbour is the man who did it  " }).data).toEqual({
      answers: answers(),
      score: 0,
      scoredLevel: "STANDARD",
      level: "HIGH",
      reason: "Her neighbour is the man who did it",
    });
  });

  it("lowers the level with a reason", () => {
    expect(parse({ weapons: "YES", riskLevel: "MEDIUM", riskReason: "The 'weapon' was a water pistol" }).data).toEqual({
      answers: answers({ weapons: "YES" }),
      score: 3,
      scoredLevel: "HIGH",
      level: "MEDIUM",
      reason: "The 'weapon' was a water pistol",
    });
  });

  it("refuses a raised or lowered level without a reason, saying from what to what", () => {
    expect(issues({ riskLevel: "HIGH" })).toEqual([
      { path: ["riskReason"], message: "Say why you are changing the risk level from Standard to High" },
    ]);
    expect(issues({ selfHarm: "YES", riskLevel: "STANDARD" })).toEqual([
      { path: ["riskReason"], message: "Say why you are changing the risk level from High to Standard" },
    ]);
    expect(issues({ repeat: "YES", atHome: "YES", riskLevel: "HIGH", riskReason: "   " })).toEqual([
      { path: ["riskReason"], message: "Say why you are changing the risk level from Medium to High" },
    ]);
  });

  it("needs a reason of at least 10 characters, not counting the spaces around it", () => {
    expect(parse({ riskLevel: "MEDIUM", riskReason: "Lives near" }).data?.reason).toBe("Lives near");
    expect(issues({ riskLevel: "MEDIUM", riskReason: "   Near him   " })).toEqual([
      { path: ["riskReason"], message: "Say why you are changing the risk level from Standard to Medium" },
    ]);
  });

  it("takes a reason of up to 1,000 characters", () => {
    expect(parse({ riskLevel: "HIGH", riskReason: "a".repeat(1000) }).data?.reason).toHaveLength(1000);
    expect(issues({ riskLevel: "HIGH", riskReason: "a".repeat(1001) })).toEqual([
      { path: ["riskReason"], message: "The reason must be 1,000 characters or fewer" },
    ]);
  });

  it("needs every question answered yes, no or not known", () => {
    const unanswered = form();
    delete unanswered.violence;
    expect(riskAssessmentSchema.safeParse(unanswered).error?.issues.map((i) => [i.path, i.message])).toEqual([
      [["violence"], 'Select yes, no or not known for "Were they hurt, or threatened with violence?"'],
    ]);
    expect(issues({ repeat: "MAYBE" })).toEqual([
      { path: ["repeat"], message: 'Select yes, no or not known for "Has this happened to them before?"' },
    ]);
  });

  it("takes only a level from the list", () => {
    expect(issues({ riskLevel: "SEVERE", riskReason: "Because it is very bad" })).toEqual([
      { path: ["riskLevel"], message: "Choose a risk level from the list" },
    ]);
  });
});

describe("first contact", () => {
  it("is due 1 working day after a report of high risk, 5 otherwise", () => {
    expect(FIRST_CONTACT_WORKING_DAYS).toEqual({ HIGH: 1, MEDIUM: 5, STANDARD: 5 });
    // Tuesday 10 March 2026.
    expect(firstContactDue("2026-03-10", "HIGH")).toBe("2026-03-11");
    expect(firstContactDue("2026-03-10", "MEDIUM")).toBe("2026-03-17");
    expect(firstContactDue("2026-03-10", "STANDARD")).toBe("2026-03-17");
  });

  it("skips the weekend", () => {
    // Friday 13 March 2026: high risk is due on Monday, the others on Friday.
    expect(firstContactDue("2026-03-13", "HIGH")).toBe("2026-03-16");
    expect(firstContactDue("2026-03-13", "MEDIUM")).toBe("2026-03-20");
    expect(firstContactDue("2026-03-13", "STANDARD")).toBe("2026-03-20");
    // A report arriving on Saturday 14 or Sunday 15 March 2026.
    expect(firstContactDue("2026-03-14", "HIGH")).toBe("2026-03-16");
    expect(firstContactDue("2026-03-15", "MEDIUM")).toBe("2026-03-20");
  });

  it("skips bank holidays", () => {
    // Thursday 2 April 2026, before Good Friday and Easter Monday.
    expect(firstContactDue("2026-04-02", "HIGH")).toBe("2026-04-07");
    expect(firstContactDue("2026-04-02", "STANDARD")).toBe("2026-04-13");
  });
});
