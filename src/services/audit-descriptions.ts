// The audit trail in plain English: a describer per action turns an event's before and after
// into a sentence ("Commitment 2.2 of the 2023/24 plan, quarter 1, Avon and Somerset Police's
// update: status Amber → Red, commentary changed"). The names of the commitments, risks, plans,
// objectives, agencies and accounts the events refer to are looked up for a whole page at once
// (one query for each kind of record), so a page costs the same whatever is on it.
import { RISK_LEVEL_TEXT, type RiskLevel } from "./cases/risk.ts";
import {
  ASSESSMENTS,
  type Assessment,
  CASE_STATUS_TEXT,
  type CaseStatus,
  OUTCOMES,
  type Outcome,
} from "./cases/rules.ts";
import type { PrismaClient } from "../generated/prisma/client.ts";
import { STATUS_TAGS } from "../content/status.ts";
import { yearLabel } from "./plan/year.ts";

export interface DescribedEvent {
  id: number;
  action: string;
  entityType: string;
  entityId: string;
  actorEmail: string;
  before: unknown;
  after: unknown;
  ip: string;
  createdAt: Date;
}

/** The names a page of events refers to, by id. */
export interface Names {
  commitments: Map<number, string>;
  risks: Map<number, string>;
  objectives: Map<number, string>;
  plans: Map<number, string>;
  users: Map<number, string>;
  agencies: Map<number, string>;
  agencyCodes: Map<string, string>;
  /** Reporting centres an account was linked to (absent when a page names none). */
  centres?: Map<number, string>;
}

type Json = Record<string, unknown>;
const obj = (value: unknown): Json =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Json) : {};
const num = (value: unknown): number | undefined => {
  const n =
    typeof value === "number" ? value : typeof value === "string" && /^\d{1,9}$/.test(value) ? Number(value) : NaN;
  return Number.isInteger(n) ? n : undefined;
};
const str = (value: unknown) => (typeof value === "string" ? value : "");

/** "12/Q3/NSC" (an agency's review), "12/Q3" (a summary), "4/Q2" (a plan's quarter). */
function quarterId(entityId: string) {
  const match = /^(\d{1,9})\/Q([1-4])(?:\/(.+))?$/.exec(entityId);
  return match ? { id: Number(match[1]), quarter: Number(match[2]), code: match[3] } : undefined;
}

const STATUS_TEXT: Record<string, string> = Object.fromEntries(
  Object.entries(STATUS_TAGS).map(([status, tag]) => [status, tag.text]),
);
const statusText = (value: unknown) => STATUS_TEXT[str(value)] ?? (str(value) || "none");
const ROLE_TEXT: Record<string, string> = { COORDINATOR: "Coordinator", OFFICER: "Officer", VIEWER: "Viewer" };
const PLAN_STATUS_TEXT: Record<string, string> = { DRAFT: "Draft", PUBLISHED: "Published", ARCHIVED: "Archived" };

const DAY = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
const TIME = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "long",
  year: "numeric",
  hour: "numeric",
  minute: "2-digit",
  hour12: true,
  timeZone: "Europe/London",
});
const MONTH = new Intl.DateTimeFormat("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });
/** "2026-04" as "April 2026" (the figures' months). */
const monthText = (value: unknown) => {
  const match = /^(\d{4})-(\d{2})$/.exec(str(value));
  return match ? MONTH.format(new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1))) : "an unknown month";
};
const dateText = (value: unknown, format = DAY) => {
  const date = typeof value === "string" || value instanceof Date ? new Date(value) : undefined;
  return date && !Number.isNaN(date.getTime()) ? format.format(date) : "none";
};

/** Field names as people say them; fields not listed here (ids, positions, times) are not described. */
const FIELD_LABELS: Record<string, string> = {
  title: "title",
  strapline: "strapline",
  vision: "vision",
  introduction: "introduction",
  text: "text",
  description: "description",
  mitigation: "how it will be tackled",
  rating: "rating",
  ownerAgencyId: "owner",
  allAgencies: "lead agencies",
  agencyIds: "lead agencies",
  contacts: "named contacts",
  targetDate: "target date",
  objectiveId: "objective",
  name: "name",
  email: "email address",
  role: "role",
  agencyId: "agency",
  active: "active",
  caseAccess: "case access",
  reportingCentreId: "reporting centre",
  code: "code",
  website: "website",
  address: "address",
  phone: "phone",
  opening: "opening times",
  status: "status",
  commentary: "commentary",
  evidence: "evidence links",
  reason: "reason",
};

/** A short value is shown as "old → new"; a long one only as "changed". */
function valueText(field: string, value: unknown, names: Names): string {
  if (value === null || value === undefined || value === "") return "none";
  if (field === "status" || field === "rating") return statusText(value);
  if (field === "role") return ROLE_TEXT[str(value)] ?? str(value);
  if (field === "agencyId" || field === "ownerAgencyId") {
    const id = num(value);
    return (id !== undefined && names.agencies.get(id)) || "none";
  }
  if (field === "objectiveId") {
    const id = num(value);
    return (id !== undefined && names.objectives.get(id)) || "another objective";
  }
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (field === "targetDate") return dateText(value);
  if (field === "contacts")
    return Array.isArray(value) && value.length > 0 ? value.map((c) => str(obj(c).name)).join(", ") : "none";
  if (field === "evidence") return Array.isArray(value) && value.length > 0 ? `${value.length} links` : "none";
  if (Array.isArray(value))
    return value.length === 0 ? "none" : value.map((v) => names.agencies.get(num(v) ?? -1) ?? String(v)).join(", ");
  return String(value);
}

const centreName = (value: unknown, names: Names) => {
  const id = num(value);
  return (id !== undefined && names.centres?.get(id)) || "a reporting centre that has been deleted";
};

/** An account's case access and reporting centre, said as what was done rather than "yes → no". */
function accountChange(field: string, from: unknown, to: unknown, names: Names): string | undefined {
  if (field === "caseAccess") return to === true ? "case access given" : "case access removed";
  if (field === "reportingCentreId") {
    if (to === null || to === undefined) return `no longer linked to ${centreName(from, names)}`;
    return `linked to reporting centre ${centreName(to, names)}`;
  }
  return undefined;
}

/** "title changed, rating Amber → Red": what differs between two snapshots, in plain words. */
export function changes(before: unknown, after: unknown, names: Names): string[] {
  const b = obj(before);
  const a = obj(after);
  const out: string[] = [];
  for (const [field, label] of Object.entries(FIELD_LABELS)) {
    if (!(field in a) && !(field in b)) continue;
    if (!(field in a)) continue;
    const from = b[field];
    const to = a[field];
    if (JSON.stringify(from ?? null) === JSON.stringify(to ?? null)) continue;
    const said = accountChange(field, from, to, names);
    if (said !== undefined) {
      out.push(said);
      continue;
    }
    const fromText = valueText(field, from, names);
    const toText = valueText(field, to, names);
    const long = [
      "text",
      "description",
      "vision",
      "introduction",
      "mitigation",
      "commentary",
      "evidence",
      "reason",
      "strapline",
    ];
    if (long.includes(field) || fromText.length > 40 || toText.length > 40) {
      out.push(fromText === "none" ? `${label} written` : toText === "none" ? `${label} removed` : `${label} changed`);
    } else out.push(`${label} ${fromText} → ${toText}`);
  }
  return out;
}

const list = (parts: string[]) => (parts.length === 0 ? "nothing changed" : parts.join(", "));
const firstUpper = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The name of the record an event is about, as a person would say it. */
function recordName(e: DescribedEvent, names: Names): string {
  const id = num(e.entityId);
  const b = obj(e.before);
  const a = obj(e.after);
  const named = (map: Map<number, string>, fallback: string) => (id !== undefined && map.get(id)) || fallback;
  switch (e.entityType) {
    case "Commitment":
      return named(names.commitments, "a commitment that has been deleted");
    case "Risk":
      return named(names.risks, "a risk that has been deleted");
    case "Objective":
      return named(names.objectives, `objective ${str(b.number) || num(b.number) || ""}`.trim());
    case "Plan":
      return named(names.plans, num(b.startYear) ? `the ${yearLabel(num(b.startYear)!)} plan` : "a plan");
    case "User":
      return named(names.users, "an account");
    case "Agency":
      return named(names.agencies, str(b.name) || str(a.name) || "an agency");
    case "Purpose":
      return "a purpose";
    case "Achievement":
      return `the achievement "${str(a.title) || str(b.title)}"`;
    case "ReportingCentre":
      return `the reporting centre "${str(a.name) || str(b.name)}"`;
    case "SupportService":
      return `the support service "${str(a.name) || str(b.name)}"`;
    case "EmailMessage":
      return "an email";
    default:
      return `${e.entityType} ${e.entityId}`.trim();
  }
}

type Describer = (e: DescribedEvent, names: Names) => string;

/** A measure of a commitment or risk (services/plan/measures.ts), named with what it measures. */
const measure: Describer = (e, names) => {
  const b = obj(e.before);
  const a = obj(e.after);
  const of = (snap: Json) =>
    num(snap.commitmentId) !== undefined
      ? (names.commitments.get(num(snap.commitmentId)!) ?? "a commitment that has been deleted")
      : (names.risks.get(num(snap.riskId) ?? -1) ?? "a risk that has been deleted");
  const name = `the measure "${str(a.name) || str(b.name)}"`;
  const target = (snap: Json) =>
    typeof snap.target === "number" ? `${snap.direction === "LOWER" ? "at most" : "at least"} ${snap.target}` : "none";
  if (e.action === "measure.added") return `Added ${name} to ${of(a)}, target ${target(a)}`;
  if (e.action === "measure.removed") return `Removed ${name} from ${of(b)}`;
  if (e.action === "measure.value-entered") {
    const quarter = `quarter ${num(a.quarter) ?? "?"} of ${num(a.year) ? yearLabel(num(a.year)!) : "the plan"}`;
    const before = typeof b.value === "number" ? `${b.value} → ` : "";
    return `Entered ${name} of ${of(a)} for ${quarter}: ${before}${typeof a.value === "number" ? a.value : "none"}`;
  }
  const parts = [
    ...(str(b.name) !== str(a.name) ? [`name changed`] : []),
    ...(str(b.source) !== str(a.source) ? ["how it is worked out changed"] : []),
    ...(target(b) !== target(a) ? [`target ${target(b)} → ${target(a)}`] : []),
  ];
  return `Changed ${name} of ${of(a)}: ${list(parts)}`;
};

const review: Describer = (e, names) => {
  const ref = quarterId(e.entityId);
  const map = e.entityType === "RiskReview" ? names.risks : names.commitments;
  const item = (ref && map.get(ref.id)) || (e.entityType === "RiskReview" ? "A risk" : "A commitment");
  const where = ref ? `${firstUpper(item)}, quarter ${ref.quarter}` : firstUpper(item);
  const b = e.before === null || e.before === undefined ? undefined : obj(e.before);
  const a = obj(e.after);
  const agency = ref?.code ? (names.agencyCodes.get(ref.code) ?? ref.code) : "an agency";
  if (e.action === "review.more-requested") return `${where}: asked ${agency} for more: "${str(a.request)}"`;
  if (e.action === "review.signed-off") return `${where}, ${agency}'s update: signed off version ${num(a.version)}`;
  if (e.action === "review.saved") {
    const parts = b
      ? changes(b, a, names)
      : [`status ${statusText(a.status)}`, str(a.commentary) ? "commentary written" : "no commentary"];
    const replaced = num(a.replacedVersion) ? `, replacing version ${num(a.replacedVersion)}` : "";
    return `${where}, ${agency}'s update: ${b && parts.length === 0 ? "saved unchanged" : list(parts)}${replaced}`;
  }
  if (e.action === "review.summary.cleared") return `${where}: summary status cleared`;
  return `${where}: summary status ${b ? `${statusText(b.status)} → ` : ""}${statusText(a.status)}`;
};

const quarter: Describer = (e, names) => {
  const ref = quarterId(e.entityId);
  const plan = (ref && names.plans.get(ref.id)) || "a plan";
  const which = ref ? `quarter ${ref.quarter} of ${plan}` : `a quarter of ${plan}`;
  if (e.action === "quarter.closed") return `Closed ${which}`;
  if (e.action === "quarter.reopened") return `Reopened ${which}`;
  return `${firstUpper(which)}: update deadline ${dateText(obj(e.before).deadline)} → ${dateText(obj(e.after).deadline)}`;
};

const planItem =
  (verb: Record<string, string>): Describer =>
  (e, names) => {
    const kind = e.action.split(".")[1] ?? "";
    const name = recordName(e, names);
    if (kind === "updated") return `Changed ${name}: ${list(changes(e.before, e.after, names))}`;
    const done = verb[kind] ?? kind.replace(/-/g, " ");
    return `${firstUpper(done)} ${name}`;
  };

const VERBS = {
  added: "added",
  created: "added",
  deleted: "deleted",
  moved: "moved",
  retired: "retired",
  restored: "restored",
  reordered: "reordered",
  deactivated: "deactivated",
  reactivated: "reactivated",
};
const item = planItem(VERBS);

const DESCRIBERS: Record<string, Describer> = {
  "sign-in.succeeded": () => "Signed in",
  "sign-in.failed": (e) => `Sign-in failed${str(obj(e.after).reason) ? ` (${str(obj(e.after).reason)})` : ""}`,
  "two-factor.passed": () => "Passed the second sign-in step",
  "two-factor.recovery-code-used": () => "Used a recovery code to sign in",
  "two-factor.enabled": () => "Turned on two-step sign-in",
  "two-factor.disabled": (e, n) => `Turned off two-step sign-in for ${recordName(e, n)}`,
  "password.set": () => "Set their password with a set-password link",
  "password.changed": () => "Changed their password",
  "account.locked": (e, n) =>
    `${firstUpper(recordName(e, n))} locked after repeated failed sign-ins, until ${dateText(obj(e.after).lockedUntil, TIME)}`,
  "account.created": (e, n) => {
    const a = obj(e.after);
    const agency = valueText("agencyId", a.agencyId, n);
    const extras = [
      agency === "none" ? "" : agency,
      a.caseAccess === true ? "case access given" : "",
      num(a.reportingCentreId) === undefined ? "" : `linked to reporting centre ${centreName(a.reportingCentreId, n)}`,
    ].filter(Boolean);
    return `Added an account for ${str(a.name)} (${str(a.email)}): ${[valueText("role", a.role, n), ...extras].join(", ")}`;
  },
  "account.updated": (e, n) => `Changed ${recordName(e, n)}'s account: ${list(changes(e.before, e.after, n))}`,
  "account.role-changed": (e, n) =>
    `${firstUpper(recordName(e, n))}'s role: ${valueText("role", obj(e.before).role, n)} → ${valueText("role", obj(e.after).role, n)}`,
  "account.deactivated": (e, n) => `Deactivated ${recordName(e, n)}'s account`,
  "account.reactivated": (e, n) => `Reactivated ${recordName(e, n)}'s account`,
  "account.unlocked": (e, n) => `Unlocked ${recordName(e, n)}'s account`,
  "account.reset": (e, n) => `Reset ${recordName(e, n)}'s password (a new set-password link)`,
  "account.reminder-emails-changed": (e) =>
    `Turned reminder emails ${obj(e.after).reminderEmails === true ? "on" : "off"}`,
  "email.retried": () => "Tried sending a failed email again",
  "measure.added": measure,
  "measure.updated": measure,
  "measure.removed": measure,
  "measure.value-entered": measure,
  "review.saved": review,
  "review.summary.saved": review,
  "review.more-requested": review,
  "review.signed-off": review,
  "review.summary.cleared": review,
  "quarter.closed": quarter,
  "quarter.reopened": quarter,
  "quarter.deadline-changed": quarter,
  "plan.created": (e, n) => `Created ${recordName(e, n)}`,
  "plan.updated": (e, n) => `Changed ${recordName(e, n)}'s details: ${list(changes(e.before, e.after, n))}`,
  "plan.published": (e, n) => `Published ${recordName(e, n)}: the public can see it`,
  "plan.unpublished": (e, n) =>
    `Made ${recordName(e, n)} a draft again (it was ${(PLAN_STATUS_TEXT[str(obj(e.before).status)] ?? "").toLowerCase() || "not a draft"})`,
  "plan.archived": (e, n) => `Archived ${recordName(e, n)}`,
  "plan.rolled-over": (e, n) => {
    const a = obj(e.after);
    const from = num(obj(e.before).startYear);
    const carried = Array.isArray(a.commitmentsCarried) ? a.commitmentsCarried.length : 0;
    const drafted = num(a.achievementsDrafted) ?? 0;
    return `Drafted ${recordName(e, n)}${from ? ` from ${yearLabel(from)}` : ""}: ${carried} ${carried === 1 ? "commitment" : "commitments"} carried forward, ${drafted} ${drafted === 1 ? "achievement" : "achievements"} drafted`;
  },
  "plan.deleted": (e, n) => `Deleted ${recordName(e, n)}, a draft with no reviews`,
  "purpose.updated": (e, n) => `Changed ${recordName(e, n)}: ${list(changes(e.before, e.after, n))}`,
  // Reports are named by their reference only: the trail never holds what a report says.
  "report.received": (e) => `Hate incident report ${e.entityId} was received from the online form`,
  "report.entered": (e, n) =>
    `Entered hate incident report ${e.entityId} for someone at ${centreName(obj(e.after).reportingCentreId, n)}`,
  "report.viewed": (e) => `Opened hate incident report ${e.entityId}`,
  "report.message-sent": (e) => `Sent a message to the reporter of hate incident report ${e.entityId}`,
  "report.personal-data-deleted": (e) => {
    const a = obj(e.after);
    const reports = num(a.reports) ?? 0;
    return `Deleted the personal data of ${reports} hate incident ${reports === 1 ? "report" : "reports"} at the end of ${num(a.retentionMonths) ?? "their"} months' retention (their figures are kept)`;
  },
  // Cases are named by their report's reference, and say what was done, never what was written.
  "case.viewed": (e) => `Opened case ${e.entityId}`,
  "case.printed": (e) => `Printed everything held on case ${e.entityId} (subject access)`,
  "case.triaged": (e) => {
    const a = obj(e.after);
    const level = RISK_LEVEL_TEXT[str(a.riskLevel) as RiskLevel];
    return `Triaged case ${e.entityId}: ${ASSESSMENTS[str(a.assessment) as Assessment]?.toLowerCase() ?? "assessed"}${level ? `, ${level.toLowerCase()} risk${a.riskOverridden ? " (level changed by the caseworker)" : ""}` : ""}`;
  },
  "case.contact-recorded": (e) => `Recorded a contact attempt on case ${e.entityId}`,
  "case.note-recorded": (e) => `Added a note to case ${e.entityId}`,
  "case.support-recorded": (e) => `Recorded support offered on case ${e.entityId}`,
  "case.referral-recorded": (e) => `Recorded a referral on case ${e.entityId}`,
  "case.safeguarding-override": (e) =>
    `Shared the person's details without consent (a safeguarding override) on case ${e.entityId}`,
  "case.status-changed": (e) =>
    `Changed case ${e.entityId}'s status: ${CASE_STATUS_TEXT[str(obj(e.after).from) as CaseStatus] ?? "?"} → ${CASE_STATUS_TEXT[str(obj(e.after).to) as CaseStatus] ?? "?"}`,
  "case.consent-recorded": (e) =>
    obj(e.after).consentToShare
      ? `Recorded consent to share the person's details on case ${e.entityId}`
      : `Recorded that the person does not agree to their details being shared on case ${e.entityId}`,
  "case.action-added": (e) => `Added an action to case ${e.entityId}, due ${dateText(obj(e.after).dueOn)}`,
  "case.action-done": (e) => `Marked an action on case ${e.entityId} as done`,
  "case.closed": (e) =>
    `Closed case ${e.entityId}: ${OUTCOMES[str(obj(e.after).outcome) as Outcome]?.toLowerCase() ?? "closed"}`,
  "case.reopened": (e) => `Reopened case ${e.entityId}`,
  // Review Panel meetings are named by their date; a case on the agenda by its reference.
  "panel.created": (e) => `Created the Review Panel meeting of ${dateText(obj(e.after).heldOn)}`,
  "panel.viewed": (e) => `Opened Review Panel meeting ${e.entityId}`,
  "panel.agenda-viewed": (e) => `Opened the agenda of Review Panel meeting ${e.entityId}`,
  "panel.refreshed": (e) => `Proposed the cases to review again for Review Panel meeting ${e.entityId}`,
  "panel.case-added": (e) => `Added case ${str(obj(e.after).reference)} to Review Panel meeting ${e.entityId}`,
  "panel.case-removed": (e) => `Took case ${str(obj(e.after).reference)} off Review Panel meeting ${e.entityId}`,
  "panel.free-text": (e) =>
    obj(e.after).show
      ? `Showed case ${str(obj(e.after).reference)}'s latest notes on the agenda of Review Panel meeting ${e.entityId}`
      : `Kept case ${str(obj(e.after).reference)}'s notes off the agenda of Review Panel meeting ${e.entityId}`,
  "panel.decision-recorded": (e) =>
    `Recorded the panel's decision on case ${str(obj(e.after).reference)} at Review Panel meeting ${e.entityId}`,
  "police-figures.imported": (e) => {
    const a = obj(e.after);
    const rows = num(a.rows) ?? 0;
    const replaced = num(a.replaced) ?? 0;
    const period = str(a.from) === str(a.to) ? monthText(a.from) : `${monthText(a.from)} to ${monthText(a.to)}`;
    return `Imported police-recorded figures for ${period} from ${str(a.fileName) || "a CSV file"}: ${rows} ${rows === 1 ? "row" : "rows"}, ${num(a.total) ?? 0} crimes in all${replaced ? `, replacing ${replaced} ${replaced === 1 ? "row" : "rows"} imported before` : ""}`;
  },
  "figures.published": (e) => {
    const a = obj(e.after);
    const quarter = quarterId(e.entityId);
    const what = quarter ? `${yearLabel(quarter.id)} quarter ${quarter.quarter}` : "a quarter";
    return `${e.before ? "Published again" : "Published"} the public figures for ${what}, to the end of ${monthText(a.to)}`;
  },
  "encryption.key-rotated": (e) => {
    const a = obj(e.after);
    const failed = num(a.failed) ?? 0;
    return `Encrypted every stored value again under key ${e.entityId} (${num(a.rewrapped) ?? 0} re-wrapped${failed ? `, ${failed} could not be read` : ""})`;
  },
};

/** The plain-English sentence for one event; an action without a describer is still readable. */
export function describe(e: DescribedEvent, names: Names): string {
  const own = DESCRIBERS[e.action];
  if (own) return own(e, names);
  const [kind] = e.action.split(".");
  if (
    [
      "purpose",
      "achievement",
      "objective",
      "commitment",
      "risk",
      "agency",
      "reporting-centre",
      "support-service",
    ].includes(kind ?? "")
  )
    return item(e, names);
  return `${firstUpper(e.action.replace(/[.-]/g, " "))}: ${recordName(e, names)}`;
}

/** Every id a page of events refers to, by kind. */
function references(events: DescribedEvent[]) {
  const ids = {
    commitments: new Set<number>(),
    risks: new Set<number>(),
    objectives: new Set<number>(),
    plans: new Set<number>(),
    users: new Set<number>(),
    agencies: new Set<number>(),
    centres: new Set<number>(),
  };
  const add = (set: Set<number>, value: unknown) => {
    const id = num(value);
    if (id !== undefined) set.add(id);
  };
  for (const e of events) {
    const b = obj(e.before);
    const a = obj(e.after);
    const ref = quarterId(e.entityId);
    switch (e.entityType) {
      case "Commitment":
        add(ids.commitments, e.entityId);
        break;
      case "Risk":
        add(ids.risks, e.entityId);
        break;
      case "Objective":
        add(ids.objectives, e.entityId);
        break;
      case "Plan":
        add(ids.plans, e.entityId);
        break;
      case "User":
        add(ids.users, e.entityId);
        break;
      case "Agency":
        add(ids.agencies, e.entityId);
        break;
      case "CommitmentReview":
        if (ref) ids.commitments.add(ref.id);
        break;
      case "RiskReview":
        if (ref) ids.risks.add(ref.id);
        break;
      case "PlanQuarter":
        if (ref) ids.plans.add(ref.id);
        break;
      case "Measure":
        for (const snap of [b, a]) {
          add(ids.commitments, snap.commitmentId);
          add(ids.risks, snap.riskId);
        }
        break;
    }
    for (const field of ["agencyId", "ownerAgencyId"]) {
      add(ids.agencies, b[field]);
      add(ids.agencies, a[field]);
    }
    for (const v of [
      ...(Array.isArray(b.agencyIds) ? b.agencyIds : []),
      ...(Array.isArray(a.agencyIds) ? a.agencyIds : []),
    ])
      add(ids.agencies, v);
    add(ids.objectives, b.objectiveId);
    add(ids.objectives, a.objectiveId);
    if (e.entityType === "User" || e.entityType === "IncidentReport") {
      add(ids.centres, b.reportingCentreId);
      add(ids.centres, a.reportingCentreId);
    }
  }
  return ids;
}

/** Looks up, for a page of events, the names they refer to: one query for each kind of record. */
export async function namesFor(prisma: PrismaClient, events: DescribedEvent[]): Promise<Names> {
  const ids = references(events);
  const needsCodes = events.some((e) => quarterId(e.entityId)?.code !== undefined);
  const inIds = (set: Set<number>) => ({ id: { in: [...set] } });
  const none = <T>(set: Set<number>, query: () => Promise<T[]>) => (set.size === 0 ? Promise.resolve([]) : query());
  const [commitments, risks, objectives, plans, users, agencies, centres] = await Promise.all([
    none(ids.commitments, () =>
      prisma.commitment.findMany({
        where: inIds(ids.commitments),
        select: {
          id: true,
          position: true,
          objective: { select: { number: true, plan: { select: { startYear: true } } } },
        },
      }),
    ),
    none(ids.risks, () =>
      prisma.risk.findMany({
        where: inIds(ids.risks),
        select: { id: true, position: true, plan: { select: { startYear: true } } },
      }),
    ),
    none(ids.objectives, () =>
      prisma.objective.findMany({
        where: inIds(ids.objectives),
        select: { id: true, number: true, plan: { select: { startYear: true } } },
      }),
    ),
    none(ids.plans, () => prisma.plan.findMany({ where: inIds(ids.plans), select: { id: true, startYear: true } })),
    none(ids.users, () =>
      prisma.user.findMany({ where: inIds(ids.users), select: { id: true, name: true, email: true } }),
    ),
    ids.agencies.size === 0 && !needsCodes
      ? Promise.resolve([])
      : prisma.agency.findMany({ select: { id: true, code: true, name: true } }),
    none(ids.centres, () =>
      prisma.reportingCentre.findMany({ where: inIds(ids.centres), select: { id: true, name: true, town: true } }),
    ),
  ]);
  const of = (startYear: number) => `the ${yearLabel(startYear)} plan`;
  return {
    commitments: new Map(
      commitments.map((c) => [
        c.id,
        `commitment ${c.objective.number}.${c.position + 1} of ${of(c.objective.plan.startYear)}`,
      ]),
    ),
    risks: new Map(risks.map((r) => [r.id, `risk ${r.position + 1} of ${of(r.plan.startYear)}`])),
    objectives: new Map(objectives.map((o) => [o.id, `objective ${o.number} of ${of(o.plan.startYear)}`])),
    plans: new Map(plans.map((p) => [p.id, of(p.startYear)])),
    users: new Map(users.map((u) => [u.id, `${u.name} (${u.email})`])),
    agencies: new Map(agencies.map((a) => [a.id, a.name])),
    agencyCodes: new Map(agencies.map((a) => [a.code, a.name])),
    centres: new Map(centres.map((c) => [c.id, `${c.name}, ${c.town}`])),
  };
}
