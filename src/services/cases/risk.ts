// The victim risk assessment caseworkers complete at triage: about ten questions, a score, and
// the level it gives (standard, medium, high). A caseworker may raise or lower the level, saying
// why. High risk needs first contact within 1 working day, otherwise 5.
import { z } from "zod";
import { workingDaysAfter } from "../reminders/working-days.ts";

export const RISK_ANSWERS = ["YES", "NO", "NOT_KNOWN"] as const;
export type RiskAnswer = (typeof RISK_ANSWERS)[number];

export interface RiskQuestion {
  /** The form field's name. */
  name: string;
  question: string;
  hint?: string;
  /** What a "yes" adds to the score: 3 for the most serious harms. */
  weight: 1 | 2 | 3;
}

export const RISK_QUESTIONS: readonly RiskQuestion[] = [
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
];

export const RISK_LEVELS = ["STANDARD", "MEDIUM", "HIGH"] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];
export const RISK_LEVEL_TEXT: Record<RiskLevel, string> = { STANDARD: "Standard", MEDIUM: "Medium", HIGH: "High" };

/** The score from which the risk is high, and from which it is medium. */
export const HIGH_RISK_SCORE = 8;
export const MEDIUM_RISK_SCORE = 4;
/** A caseworker changing the level says why in at least this many characters. */
export const MIN_RISK_REASON = 10;
export const FIRST_CONTACT_WORKING_DAYS: Record<RiskLevel, number> = { HIGH: 1, MEDIUM: 5, STANDARD: 5 };

/** What one answer adds: the weight for "yes"; "not known" still counts 1 for the most serious harms. */
const points = (q: RiskQuestion, answer: RiskAnswer | undefined) =>
  answer === "YES" ? q.weight : answer === "NOT_KNOWN" && q.weight === 3 ? 1 : 0;

export function scoreRisk(answers: Partial<Record<string, RiskAnswer>>): { score: number; level: RiskLevel } {
  const score = RISK_QUESTIONS.reduce((sum, q) => sum + points(q, answers[q.name]), 0);
  // Any of the most serious harms makes the risk high whatever else was answered.
  const serious = RISK_QUESTIONS.some((q) => q.weight === 3 && answers[q.name] === "YES");
  const level = serious || score >= HIGH_RISK_SCORE ? "HIGH" : score >= MEDIUM_RISK_SCORE ? "MEDIUM" : "STANDARD";
  return { score, level };
}

/**
 * The triage form's risk part: every question answered; a chosen level that differs from the
 * scored one needs a reason (otherwise the reason is dropped).
 */
export const riskAssessmentSchema = z
  .object({
    ...Object.fromEntries(
      RISK_QUESTIONS.map((q) => [
        q.name,
        z.enum(RISK_ANSWERS, { error: `Select yes, no or not known for "${q.question}"` }),
      ]),
    ),
    riskLevel: z.enum([...RISK_LEVELS, ""], { error: "Choose a risk level from the list" }),
    riskReason: z.string().trim().max(1000, "The reason must be 1,000 characters or fewer"),
  })
  .transform((parsed, ctx) => {
    const form = parsed as Record<string, string>;
    const answers = Object.fromEntries(RISK_QUESTIONS.map((q) => [q.name, form[q.name] as RiskAnswer]));
    const scored = scoreRisk(answers);
    const chosen = form.riskLevel as RiskLevel | "";
    const level = chosen === "" ? scored.level : chosen;
    const changed = level !== scored.level;
    if (changed && form.riskReason!.length < MIN_RISK_REASON) {
      ctx.addIssue({
        code: "custom",
        path: ["riskReason"],
        message: `Say why you are changing the risk level from ${RISK_LEVEL_TEXT[scored.level]} to ${RISK_LEVEL_TEXT[level]}`,
      });
      return z.NEVER;
    }
    return {
      answers,
      score: scored.score,
      scoredLevel: scored.level,
      level,
      reason: changed ? form.riskReason! : null,
    };
  });

export type RiskAssessment = z.output<typeof riskAssessmentSchema>;

/** The day first contact is due: working days after the day the report arrived. */
export const firstContactDue = (receivedDay: string, level: RiskLevel): string =>
  workingDaysAfter(receivedDay, FIRST_CONTACT_WORKING_DAYS[level]);
