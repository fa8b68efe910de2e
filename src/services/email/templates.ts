// What each email says: a subject here, and a plain-text and a simple HTML part from
// views/emails/<view>.txt.ejs and .html.ejs (the HTML inside views/emails/_layout.html.ejs).
// No email carries personal data about victims or cases: they name plan items and link to the
// partner area, where access is checked.
import path from "node:path";
import ejs from "ejs";
import { VIEWS_DIR } from "../../views.ts";

export interface EmailItem {
  text: string;
  url: string;
}

export interface ReminderParams {
  name: string;
  /** "2026/27, quarter 2 (July to September 2026)" */
  quarterLabel: string;
  /** "14 October 2026", or null when no deadline is set */
  deadline: string | null;
  items: EmailItem[];
  /** The partner's "Your updates" page. */
  updatesUrl: string;
  accountUrl: string;
}

export interface TemplateParams {
  "set-password": { why: string; link: string };
  "reporting-open": ReminderParams;
  "reminder-before-deadline": ReminderParams & { workingDaysLeft: number };
  "reminder-deadline-day": ReminderParams;
  "overdue-summary": {
    name: string;
    quarterLabel: string;
    deadline: string;
    agencies: { name: string; items: EmailItem[] }[];
    dashboardUrl: string;
    accountUrl: string;
  };
  "more-needed": {
    name: string;
    agencyName: string;
    /** The commitment's or risk's text. */
    item: string;
    /** "quarter 2 (July to September 2026)" */
    quarterLabel: string;
    request: string;
    requestedBy: string;
    url: string;
  };
  /**
   * New online hate incident reports: their references and where to read them, and nothing of what
   * they say. One email tells of every report since the last one (`total`; the first few listed).
   */
  "report-received": { references: string[]; total: number; url: string };
  /** A caseworker shared a person's details without their consent, to keep someone safe. */
  "case-safeguarding-override": { reference: string; url: string };
  /** Cases whose first contact or actions are due: references only. */
  "case-reminder": { firstContact: string[]; actionsDue: string[]; url: string };
}

export type TemplateName = keyof TemplateParams;

const updates = (n: number) => (n === 1 ? "1 update" : `${n} updates`);

const SUBJECTS: { [T in TemplateName]: (p: TemplateParams[T]) => string } = {
  "set-password": () => "Set your RHINS portal password",
  "reporting-open": (p) => `Quarterly updates are now due: ${p.quarterLabel}`,
  "reminder-before-deadline": (p) =>
    `Reminder: ${updates(p.items.length)} due by ${p.deadline} (${p.workingDaysLeft} working ${p.workingDaysLeft === 1 ? "day" : "days"} left)`,
  "reminder-deadline-day": (p) => `Today is the deadline: ${updates(p.items.length)} still to do`,
  "overdue-summary": (p) => `Overdue quarterly updates: ${p.quarterLabel}`,
  "more-needed": (p) => `More needed on ${p.agencyName}'s update for ${p.quarterLabel}`,
  "report-received": (p) =>
    p.total === 1
      ? `A new hate incident report ${p.references[0]} was received`
      : `${p.total} new hate incident reports were received`,
  "case-safeguarding-override": (p) => `A safeguarding override was recorded on case ${p.reference}`,
  "case-reminder": (p) => {
    const n = p.firstContact.length + p.actionsDue.length;
    return `${n} ${n === 1 ? "thing is" : "things are"} due on your cases`;
  },
};

/** Which view pair each template uses: the three reminders share one. */
const VIEWS: Record<TemplateName, string> = {
  "set-password": "set-password",
  "reporting-open": "reminder",
  "reminder-before-deadline": "reminder",
  "reminder-deadline-day": "reminder",
  "overdue-summary": "overdue-summary",
  "more-needed": "more-needed",
  "report-received": "report-received",
  "case-safeguarding-override": "case-safeguarding-override",
  "case-reminder": "case-reminder",
};

export const TEMPLATE_NAMES = Object.keys(VIEWS) as TemplateName[];

export function subjectOf<T extends TemplateName>(template: T, params: TemplateParams[T]): string {
  return SUBJECTS[template](params);
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const dir = path.join(VIEWS_DIR, "emails");
const plain = (value: unknown) => (value === undefined || value === null ? "" : String(value));

export async function renderEmail<T extends TemplateName>(
  template: T,
  params: TemplateParams[T],
): Promise<RenderedEmail> {
  const subject = subjectOf(template, params);
  const model = { ...params, template, subject };
  const view = VIEWS[template];
  // Plain text is not HTML: <%= %> prints it as it is there.
  const text = await ejs.renderFile(path.join(dir, `${view}.txt.ejs`), model, { escape: plain });
  const body = await ejs.renderFile(path.join(dir, `${view}.html.ejs`), model);
  const html = await ejs.renderFile(path.join(dir, "_layout.html.ejs"), { ...model, body });
  return { subject, text: text.replace(/\n{3,}/gu, "\n\n").trim() + "\n", html };
}
