// Reports as they arrive in the case list (the triage queue): the notification email (read back
// from a real SMTP server) says only the reference; the list shows what a report is about and
// never who or what; opening its case shows everything and is audited every time; messages reach
// the reporter's follow-up page and their replies come back. Accounts without case access see
// none of it, not even that it exists.
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { expectAccessiblePage } from "../helpers/accessibility.ts";
import { csrfToken, type Agent } from "../helpers/partners.ts";
import { EMAIL, LOCATION, NAME, NARRATIVE, OFFENDERS, PHONE, newReport } from "../helpers/reports.ts";
import { type SeededApp, seededApp } from "../helpers/seeded-app.ts";
import { type TestSmtp, testSmtp } from "../helpers/smtp.ts";

const NOTIFY = "reports@rhins.example.org";
let smtp: TestSmtp;
let seeded: SeededApp;
let coordinator: Agent;
let named: { reference: string; receiptCode: string };

beforeAll(async () => {
  smtp = await testSmtp();
  seeded = await seededApp({
    SMTP_URL: smtp.url,
    PUBLIC_BASE_URL: "https://rhins.example.org",
    MAIL_FROM: "RHINS portal <portal@rhins.example.org>",
    REPORTS_NOTIFY_EMAIL: NOTIFY,
  });
  await seeded.startJobs();
  coordinator = await seeded.as("caseCoordinator");
  named = await seeded.services.reports.submit(newReport());
});
afterAll(async () => {
  await seeded?.close();
  await smtp?.close();
});

const page = (reference: string) => `/partners/cases/${reference}`;
const QUEUE = "/partners/cases?status=NEW";
const viewings = (reference: string) =>
  seeded.db.prisma.auditEvent.count({ where: { action: "report.viewed", entityId: reference } });

async function sendMessage(reference: string, body: string) {
  const form = await coordinator.get(page(reference));
  return coordinator
    .post(`${page(reference)}/messages`)
    .type("form")
    .send({ _csrf: csrfToken(form.text), body });
}

/** The list's row for a report. */
const rowOf = (html: string, reference: string) =>
  new RegExp(`<tr class="govuk-table__row">(?:(?!</tr>)[\\s\\S])*>${reference}</a>(?:(?!</tr>)[\\s\\S])*</tr>`).exec(
    html,
  )?.[0] ?? "";

const followUp = (reference: string, receiptCode: string) =>
  request(seeded.app).post("/report/follow-up").type("form").send({ reference, receiptCode });

describe("the email about a new report", () => {
  it("goes to REPORTS_NOTIFY_EMAIL and every active coordinator with case access, with the reference and a link only", async () => {
    const coordinators = await seeded.db.prisma.user.findMany({
      where: { role: "COORDINATOR", active: true, caseAccess: true },
    });
    const expected = [NOTIFY, ...coordinators.map((c) => c.email)].sort();
    const mails = (await smtp.received(expected.length, 15_000)).filter((m) => m.subject?.includes(named.reference));
    expect(mails.map((m) => (m.to && !Array.isArray(m.to) ? m.to.text : "")).sort()).toEqual(expected);
    for (const mail of mails) {
      expect(mail.subject).toBe(`A new hate incident report ${named.reference} was received`);
      expect(mail.text).toContain(`https://rhins.example.org/partners/cases/${named.reference}`);
      expect(mail.html).toContain(`href="https://rhins.example.org/partners/cases/${named.reference}"`);
      const whole = `${mail.subject}\n${mail.text}\n${mail.html}`;
      for (const secret of [NARRATIVE, NAME, EMAIL, PHONE, LOCATION, OFFENDERS, "Clevedon", "Religion", "Urdu"])
        expect(whole).not.toContain(secret);
    }
    // Sent, so its values are not kept; the subject recorded holds the reference only. (The row
    // is marked sent just after the server accepts the message, so wait for that.)
    await vi.waitFor(
      async () => {
        const rows = await seeded.db.prisma.emailMessage.findMany({ where: { template: "report-received" } });
        expect(rows).toHaveLength(expected.length);
        for (const row of rows) expect(row).toMatchObject({ status: "SENT", params: null, subject: mails[0]!.subject });
      },
      { timeout: 5_000, interval: 100 },
    );
  });
});

describe("the triage queue", () => {
  it("shows each report's reference, date, area and reasons, never who or what", async () => {
    const res = await coordinator.get(QUEUE);
    expect(res.status).toBe(200);
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.text).toContain(`href="/partners/cases/${named.reference}"`);
    expect(res.text).toContain("Clevedon");
    expect(res.text).toContain("Religion or belief, Race, ethnicity or nationality");
    for (const secret of [NARRATIVE, NAME, EMAIL, PHONE, LOCATION, OFFENDERS]) expect(res.text).not.toContain(secret);
    expect(res.text).toMatch(/<a[^>]*href="\/partners\/cases"[^>]*>\s*(<strong[^>]*>)?Cases/);
    await expectAccessiblePage(res.text);
    expect(await viewings(named.reference)).toBe(0); // the list opens nothing
  });
});

describe("opening a report's case", () => {
  it("shows every answer in the form's words, and records each opening in the audit trail", async () => {
    const before = await viewings(named.reference);
    const res = await coordinator.get(page(named.reference));
    expect(res.status).toBe(200);
    expect(res.headers["cache-control"]).toBe("no-store");
    for (const text of [NARRATIVE, NAME, EMAIL, PHONE, LOCATION, OFFENDERS, "AS-20261128-0042", "Urdu", "Large print"])
      expect(res.text).toContain(text);
    expect(res.text).toContain("It happened to me");
    expect(res.text).toContain("Verbal abuse, such as name-calling or insults");
    expect(res.text).toContain("28 November 2026");
    expect(res.text).toContain("In the street or another public place");
    expect(res.text).toContain("Send a message to the reporter");
    await expectAccessiblePage(res.text);
    await coordinator.get(page(named.reference));
    expect(await viewings(named.reference)).toBe(before + 2);
    const event = await seeded.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "report.viewed", entityId: named.reference },
      orderBy: { id: "desc" },
    });
    expect(event).toMatchObject({ actorId: seeded.partners.caseCoordinator.id, entityType: "IncidentReport" });
    // The audit trail says it in words.
    const trail = await coordinator.get("/partners/audit");
    expect(trail.text).toContain(`Opened hate incident report ${named.reference}`);
    expect(trail.text).toContain(`Hate incident report ${named.reference} was received from the online form`);
  });

  it("answers 404 for a reference that does not exist or cannot be one", async () => {
    expect((await coordinator.get("/partners/cases/RH-2222-22")).status).toBe(404);
    expect((await coordinator.get("/partners/cases/not-a-reference")).status).toBe(404);
  });
});

describe("messages between a coordinator and the reporter", () => {
  it("reach the follow-up page, and the reporter's reply comes back as unread", async () => {
    const { reference, receiptCode } = await seeded.services.reports.submit(newReport({ anonymous: true }));
    const sent = await sendMessage(reference, "Hello, I am the RHINS caseworker.\nCan you tell us which bus it was?");
    expect(sent.status).toBe(302);
    expect(sent.headers.location).toBe(`${page(reference)}#messages`);
    const after = await coordinator.get(page(reference));
    expect(after.text).toContain("Your message was sent");
    expect(after.text).toContain("Can you tell us which bus it was?");

    const message = await seeded.db.prisma.reportMessage.findFirstOrThrow({ where: { report: { reference } } });
    expect(message).toMatchObject({ fromReporter: false, authorId: seeded.partners.caseCoordinator.id, readAt: null });
    expect(message.body).toMatch(/^e1\./);
    const audit = await seeded.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "report.message-sent", entityId: reference },
    });
    expect(JSON.stringify(audit)).not.toContain("bus");

    const first = await followUp(reference, receiptCode);
    expect(first.text).toContain("Can you tell us which bus it was?");
    expect(first.text).toContain("The RHINS caseworker wrote");
    expect(first.text).toContain(">New</strong>");
    expect(first.text).not.toContain(seeded.partners.caseCoordinator.name); // who wrote it stays in the partner area
    await expectAccessiblePage(first.text);
    expect(
      (await seeded.db.prisma.reportMessage.findUniqueOrThrow({ where: { id: message.id } })).readAt,
    ).not.toBeNull();
    expect((await followUp(reference, receiptCode)).text).not.toContain(">New</strong>");

    await request(seeded.app)
      .post("/report/follow-up/reply")
      .type("form")
      .send({ reference, receiptCode, body: "It was the X5 to Weston." });
    const list = await coordinator.get(QUEUE);
    expect(rowOf(list.text, reference)).toContain("1 new");
    const opened = await coordinator.get(page(reference));
    expect(opened.text).toContain("It was the X5 to Weston.");
    const later = rowOf((await coordinator.get(QUEUE)).text, reference);
    expect(later).toContain(reference);
    expect(later).not.toContain("new");
  });

  it("refuses an empty or too long message with an error beside the box, storing nothing", async () => {
    for (const body of ["", "x".repeat(2001)]) {
      const res = await sendMessage(named.reference, body);
      expect(res.status).toBe(400);
      expect(res.text).toContain("There is a problem");
      expect(res.text).toContain('href="#body"');
      await expectAccessiblePage(res.text);
    }
    expect(await seeded.db.prisma.reportMessage.count({ where: { report: { reference: named.reference } } })).toBe(0);
  });
});

describe("a report whose personal data was deleted", () => {
  it("shows only its statistics, takes no messages, and tells the reporter", async () => {
    const { reference, receiptCode } = await seeded.services.reports.submit(newReport({ anonymous: true }));
    await sendMessage(reference, "A message before the deletion");
    // What the retention job leaves (services/reports/retention.ts).
    const report = await seeded.db.prisma.incidentReport.update({
      where: { reference },
      data: {
        personalDataDeletedAt: new Date(),
        relationship: null,
        narrative: null,
        incidentDate: null,
        location: null,
        offenders: null,
        crimeReference: null,
        contact: null,
      },
    });
    await seeded.db.prisma.reportMessage.updateMany({ where: { reportId: report.id }, data: { body: null } });

    const res = await coordinator.get(page(reference));
    expect(res.status).toBe(200);
    expect(res.text).toContain("The personal data of this case was deleted");
    expect(res.text).toContain("Clevedon");
    expect(res.text).not.toContain("Send a message to the reporter");
    expect(res.text).not.toContain(NARRATIVE);
    await expectAccessiblePage(res.text);
    const refused = await coordinator
      .post(`${page(reference)}/messages`)
      .type("form")
      .send({ _csrf: csrfToken(res.text), body: "Hello?" });
    expect(refused.status).toBe(409);

    const reporter = await followUp(reference, receiptCode);
    expect(reporter.status).toBe(200);
    expect(reporter.text).toContain("have been deleted");
    expect(reporter.text).not.toContain("Send reply");
    await expectAccessiblePage(reporter.text);
  });
});

describe.each(["officer", "viewer", "coordinator"] as const)("as %s, without case access", (who) => {
  it("the list, a case and sending a message are not found, and opening nothing is recorded", async () => {
    const agent = await seeded.as(who);
    const before = await viewings(named.reference);
    expect((await agent.get(QUEUE)).status).toBe(404);
    const res = await agent.get(page(named.reference));
    expect(res.status).toBe(404);
    expect(res.text).not.toContain(NARRATIVE);
    const home = await agent.get("/partners");
    expect(home.text).not.toContain('href="/partners/cases"');
    expect(home.text).not.toContain("Cases");
    const sent = await agent
      .post(`${page(named.reference)}/messages`)
      .type("form")
      .send({ _csrf: csrfToken(home.text), body: "Hello" });
    expect(sent.status).toBe(404);
    expect(await viewings(named.reference)).toBe(before);
    expect(await seeded.db.prisma.reportMessage.count({ where: { report: { reference: named.reference } } })).toBe(0);
  });
});

// Last, as it adds many reports.
describe("the triage queue, when there are many", () => {
  it("shows 50 a page, oldest first (or newest), with GOV.UK pagination", async () => {
    const more = [];
    for (let i = 0; i < 50; i++) more.push(await seeded.services.reports.submit(newReport()));
    const total = await seeded.db.prisma.incidentReport.count();
    const first = await coordinator.get(QUEUE);
    expect(first.text).toContain(`${total} cases`);
    expect(first.text).toContain(`href="/partners/cases/${named.reference}"`);
    expect(first.text).toContain('href="/partners/cases?status=NEW&amp;page=2"');
    expect(first.text.match(/<tr class="govuk-table__row">/g)).toHaveLength(51); // the head and 50 rows
    const second = await coordinator.get(`${QUEUE}&page=2`);
    expect(second.status).toBe(200);
    expect(second.text).toContain(`href="/partners/cases/${more.at(-1)!.reference}"`);
    expect(second.text).not.toContain(`href="/partners/cases/${named.reference}"`);
    await expectAccessiblePage(second.text);
    const newest = await coordinator.get(`${QUEUE}&sort=newest`);
    expect(newest.text).toContain(`href="/partners/cases/${more.at(-1)!.reference}"`);
    expect(newest.text).not.toContain(`href="/partners/cases/${named.reference}"`);
    expect((await coordinator.get(`${QUEUE}&page=banana&risk=PURPLE&agency=x`)).status).toBe(200);
  });
});
