// Every email's subject, plain text and HTML: what each says, that the HTML is valid and passes
// axe (an email is not a page, so it has no landmarks; inline styles are how email is styled,
// views/emails/.htmlvalidate.json), and that what a plan item says is escaped in the HTML and
// kept as written in the text.
import { describe, expect, it } from "vitest";
import {
  TEMPLATE_NAMES,
  type TemplateName,
  type TemplateParams,
  renderEmail,
} from "../../src/services/email/templates.ts";
import { axeViolations, htmlErrors } from "../helpers/accessibility.ts";

const base = "https://rhins.example.org";
const items = [
  { text: "Run <awareness> sessions in schools & colleges", url: `${base}/partners/commitments/7/reviews/2` },
  { text: "Train staff", url: `${base}/partners/risks/3/reviews/2` },
];
const reminder = {
  name: "Sam Officer",
  quarterLabel: "2026/27, quarter 2 (July to September 2026)",
  deadline: "7 December 2026",
  items,
  updatesUrl: `${base}/partners/updates`,
  accountUrl: `${base}/partners/account`,
};
const EXAMPLES: { [T in TemplateName]: TemplateParams[T] } = {
  "set-password": { why: "A RHINS portal account has been made for you.", link: `${base}/partners/set-password/abc` },
  "reporting-open": reminder,
  "reminder-before-deadline": { ...reminder, workingDaysLeft: 3 },
  "reminder-deadline-day": reminder,
  "overdue-summary": {
    name: "Chris Coordinator",
    quarterLabel: reminder.quarterLabel,
    deadline: reminder.deadline,
    agencies: [{ name: "Avon and Somerset Police", items }],
    dashboardUrl: `${base}/partners?show=2026-27:2`,
    accountUrl: reminder.accountUrl,
  },
  "more-needed": {
    name: "Sam Officer",
    agencyName: "Avon and Somerset Police",
    item: items[0]!.text,
    quarterLabel: "quarter 2 (July to September 2026)",
    request: "Please add the number of <schools> visited",
    requestedBy: "Chris Coordinator",
    url: items[0]!.url,
  },
  "report-received": { references: ["RH-7K3Q-P9", "RH-22MX-4T"], total: 3, url: `${base}/partners/cases?status=NEW` },
  "case-safeguarding-override": { reference: "RH-7K3Q-P9", url: `${base}/partners/cases/RH-7K3Q-P9` },
  "case-reminder": {
    firstContact: ["RH-7K3Q-P9"],
    actionsDue: ["RH-22MX-4T", "RH-9PQR-ST"],
    url: `${base}/partners/updates#your-cases`,
  },
};

describe.each(TEMPLATE_NAMES)("the %s email", (template) => {
  it("is valid, accessible HTML in English, with a plain-text part", async () => {
    const email = await renderEmail(template, EXAMPLES[template] as never);
    expect(await htmlErrors(email.html, `views/emails/${template}.html`)).toEqual([]);
    expect(await axeViolations(email.html, { disableRules: ["region"] })).toEqual([]);
    expect(email.html).toContain('<html lang="en">');
    expect(email.html).toContain(`<title>${email.subject.replaceAll("&", "&amp;").replaceAll("'", "&#39;")}</title>`);
    expect(email.text).not.toMatch(/<\/?(p|a|li|ul|h2|strong|html)\b/);
    expect(email.text).not.toMatch(/\n{3,}/);
  });
});

describe("the reminders", () => {
  it("list each item with its link, escaped in the HTML and as written in the text", async () => {
    const email = await renderEmail("reminder-before-deadline", EXAMPLES["reminder-before-deadline"]);
    expect(email.subject).toBe("Reminder: 2 updates due by 7 December 2026 (3 working days left)");
    expect(email.text).toContain("Dear Sam Officer,");
    expect(email.text).toContain("due by 7 December 2026, in 3 working days.");
    expect(email.text).toContain(`- Run <awareness> sessions in schools & colleges\n  ${items[0]!.url}`);
    expect(email.html).toContain(
      `<a href="${items[0]!.url}" style="color: #1d70b8;">Run &lt;awareness&gt; sessions in schools &amp; colleges</a>`,
    );
    expect(email.text).toContain(`turn them off in Your account: ${base}/partners/account`);
  });

  it("say so when nothing is left, and count in words", async () => {
    const done = await renderEmail("reporting-open", { ...reminder, items: [] });
    expect(done.text).toContain("already updated everything");
    const one = await renderEmail("reminder-before-deadline", { ...reminder, items: [items[0]!], workingDaysLeft: 1 });
    expect(one.subject).toBe("Reminder: 1 update due by 7 December 2026 (1 working day left)");
    const today = await renderEmail("reminder-deadline-day", reminder);
    expect(today.subject).toBe("Today is the deadline: 2 updates still to do");
    expect(today.text).toContain("Today, 7 December 2026, is the deadline");
  });

  it("announce reporting without a deadline when none is set", async () => {
    const email = await renderEmail("reporting-open", { ...reminder, deadline: null });
    expect(email.subject).toBe("Quarterly updates are now due: 2026/27, quarter 2 (July to September 2026)");
    expect(email.text).toContain("its quarterly updates are now due.");
  });

  it("give coordinators each agency's outstanding items", async () => {
    const email = await renderEmail("overdue-summary", EXAMPLES["overdue-summary"]);
    expect(email.text).toContain("Avon and Somerset Police (2 updates):");
    expect(email.html).toContain("<h2");
    expect(email.text).toContain(`See where the plan stands: ${base}/partners?show=2026-27:2`);
  });
});

describe("the request for more", () => {
  it("names the item, quarter and coordinator, quotes the request and links to the update", async () => {
    const email = await renderEmail("more-needed", EXAMPLES["more-needed"]);
    expect(email.subject).toBe(
      "More needed on Avon and Somerset Police's update for quarter 2 (July to September 2026)",
    );
    expect(email.text).toContain("Chris Coordinator, a RHINS coordinator, has asked for more");
    expect(email.text).toContain("Please add the number of <schools> visited");
    expect(email.text).toContain(`save it: ${items[0]!.url}`);
    expect(email.html).toContain("Please add the number of &lt;schools&gt; visited");
    expect(email.html).toContain(`<a href="${items[0]!.url}"`);
  });
});
