// The partnership's rules for a case that need no database: its statuses and how it moves
// between them, the managed lists, the consent gate on sharing, when a case may close, and which
// cases the Review Panel reviews.
import type { RiskLevel } from "./risk.ts";

export const CASE_STATUSES = ["NEW", "TRIAGED", "IN_CONTACT", "SUPPORTING", "REFERRED", "CLOSED"] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const CASE_STATUS_TEXT: Record<CaseStatus, string> = {
  NEW: "New",
  TRIAGED: "Triaged",
  IN_CONTACT: "In contact",
  SUPPORTING: "Supporting",
  REFERRED: "Referred",
  CLOSED: "Closed",
};

export const ASSESSMENTS = {
  HATE_CRIME: "Hate crime",
  HATE_INCIDENT: "Hate incident",
  NOT_HATE_RELATED: "Not hate-related",
  DUPLICATE: "Duplicate of another case",
} as const;
export type Assessment = keyof typeof ASSESSMENTS;

export const CONTACT_METHODS = {
  PHONE: "Phone call",
  TEXT: "Text message",
  EMAIL: "Email",
  IN_PERSON: "In person",
  LETTER: "Letter",
  FOLLOW_UP: "Message on their follow-up page",
} as const;

export const SUPPORT_KINDS = {
  EMOTIONAL: "Emotional support",
  ADVOCACY: "Advocacy with other services",
  SAFETY_PLANNING: "Safety planning",
  PRACTICAL: "Practical help (for example home security)",
  RESTORATIVE: "Restorative justice or mediation",
  SIGNPOSTING: "Information about other services",
  OTHER: "Other support",
} as const;

export const REFERRAL_SERVICES = {
  POLICE: "Avon and Somerset Police",
  VICTIM_SUPPORT: "Lighthouse Victim and Witness Care",
  HOUSING: "Housing provider",
  ADULT_SOCIAL_CARE: "Adult social care",
  CHILDRENS_SERVICES: "Children's services",
  MENTAL_HEALTH: "Mental health services",
  SCHOOL: "School or college",
  OTHER: "Another service",
} as const;

export const OUTCOMES = {
  SUPPORT_GIVEN: "Support given",
  SUPPORT_DECLINED: "Support declined",
  COULD_NOT_CONTACT: "Could not contact",
  REFERRED_TO_POLICE: "Referred to police",
  RESOLVED: "Resolved",
  OTHER: "Other",
} as const;
export type Outcome = keyof typeof OUTCOMES;

/** The statuses a caseworker may choose by hand: the working ones (a case closes with an outcome). */
export const WORKING_STATUSES = ["TRIAGED", "IN_CONTACT", "SUPPORTING", "REFERRED"] as const satisfies CaseStatus[];

/** Why a status cannot be chosen for a case now, or null if it can. */
export function statusChangeRefusal(from: CaseStatus, to: CaseStatus): string | null {
  if (from === "CLOSED") return "This case is closed. Reopen it first";
  if (from === "NEW") return "Triage this report first";
  if (!(WORKING_STATUSES as readonly CaseStatus[]).includes(to)) return "Choose a status from the list";
  if (from === to) return `The case is already ${CASE_STATUS_TEXT[to].toLowerCase()}`;
  return null;
}

/**
 * The status a case moves on to when work is recorded: only ever forward through the working
 * statuses, so recording a phone call never takes a referred case back to "in contact".
 */
export function statusAfter(current: CaseStatus, reached: (typeof WORKING_STATUSES)[number]): CaseStatus {
  const order: readonly CaseStatus[] = WORKING_STATUSES;
  const at = order.indexOf(current);
  return at !== -1 && order.indexOf(reached) > at ? reached : current;
}

/** The least a safeguarding override's reason says. */
export const MIN_OVERRIDE_REASON = 10;

/**
 * Consent gates sharing the person's details: a referral with them needs the person's consent,
 * or a safeguarding override with a reason (coordinators are told of every override).
 */
export function consentRefusal(referral: {
  withDetails: boolean;
  consentToShare: boolean;
  overrideReason: string | null;
}): string | null {
  if (!referral.withDetails || referral.consentToShare) return null;
  if (referral.overrideReason !== null && referral.overrideReason.trim().length >= MIN_OVERRIDE_REASON) return null;
  return "The person has not agreed to their details being shared. Refer without their details, record their consent, or record a safeguarding override with the reason";
}

/** Why a case cannot close now, or null if it can. */
export function closingRefusal(kase: {
  status: CaseStatus;
  openActions: number;
  outcome: Outcome;
  referredToPolice: boolean;
}): string | null {
  if (kase.status === "CLOSED") return "This case is already closed";
  if (kase.status === "NEW") return "Triage this report before closing it";
  if (kase.openActions > 0)
    return kase.openActions === 1
      ? "Mark the open action as done before closing the case"
      : `Mark the ${kase.openActions} open actions as done before closing the case`;
  if (kase.outcome === "REFERRED_TO_POLICE" && !kase.referredToPolice)
    return "Record the referral to the police before choosing that outcome";
  return null;
}

/** Whole days a case has been open. */
export const daysOpen = (openedAt: Date, until: Date): number =>
  Math.max(0, Math.floor((until.getTime() - openedAt.getTime()) / 86_400_000));

// The Review Panel (services/cases/panel.ts): which cases a meeting proposes to review.

/** A case open longer than this before the meeting is reviewed. */
export const PANEL_OPEN_DAYS = 28;

export const PANEL_REASONS = {
  HIGH_RISK: "High risk",
  OPEN_OVER_28_DAYS: `Open more than ${PANEL_OPEN_DAYS} days`,
  OVERDUE_ACTIONS: "Overdue actions",
  ADDED: "Added by a coordinator",
} as const;
export type PanelReason = keyof typeof PANEL_REASONS;

/** Why an open case comes to a meeting held on `heldOn`, by the partnership's rules (none: it does not). */
export function panelReasons(
  kase: { status: CaseStatus; riskLevel: RiskLevel | null; openedAt: Date; overdueActions: number },
  heldOn: Date,
): PanelReason[] {
  if (kase.status === "CLOSED") return [];
  const reasons: PanelReason[] = [];
  if (kase.riskLevel === "HIGH") reasons.push("HIGH_RISK");
  if (daysOpen(kase.openedAt, heldOn) > PANEL_OPEN_DAYS) reasons.push("OPEN_OVER_28_DAYS");
  if (kase.overdueActions > 0) reasons.push("OVERDUE_ACTIONS");
  return reasons;
}
