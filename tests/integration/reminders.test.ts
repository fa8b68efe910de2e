// The quarterly reminders, on the seeded 2023/24 plan with a fake clock (each check is given its
// moment), sent through a real SMTP server: who gets which reminder when, that working days skip
// weekends and bank holidays, that each is sent once, and that turning them off works.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ParsedMail } from "mailparser";
import { postReview, reviewPagesLedBy, type SeededApp, seededApp } from "../helpers/seeded-app.ts";
import { submit } from "../helpers/partners.ts";
import { type TestSmtp, testSmtp } from "../helpers/smtp.ts";
import { expectAccessiblePage } from "../helpers/accessibility.ts";

let smtp: TestSmtp;
let seeded: SeededApp;

/** 09:00 in England on that day. */
const on = (day: string) => new Date(`${day}T09:00:00+01:00`);
const recipient = (m: ParsedMail) => (m.to && !Array.isArray(m.to) ? m.to.text : "");

/** Runs the check at `day` and returns the messages it sent, once they have all arrived. */
async function checkOn(day: string): Promise<ParsedMail[]> {
  const before = smtp.messages.length;
  const queued = await seeded.services.reminders.check(on(day));
  const all = await smtp.received(before + queued);
  // Nothing else arrives afterwards.
  await new Promise((r) => setTimeout(r, 300));
  expect(smtp.messages.length).toBe(before + queued);
  return all.slice(before);
}

async function setDeadline(quarter: number, day: string | null, closed = false) {
  await seeded.db.prisma.planQuarter.update({
    where: { planId_quarter: { planId: seeded.ids.planId, quarter } },
    data: { deadline: day ? new Date(`${day}T23:59:59Z`) : null, closedAt: closed ? new Date() : null },
  });
}

const itemsLedBy = (code: string) => reviewPagesLedBy(seeded, code, 4);

beforeAll(async () => {
  smtp = await testSmtp();
  seeded = await seededApp({
    SMTP_URL: smtp.url,
    PUBLIC_BASE_URL: "https://rhins.example.org",
    REMINDER_DAYS_BEFORE: "3",
  });
  // An inactive officer of an agency that owes updates, and a viewer, get nothing.
  await seeded.db.prisma.user.update({ where: { id: seeded.partners.spare.id }, data: { active: false } });
  // The caseworkers the shared partners include are left out: this is the quarterly cycle's cast.
  const { caseCoordinator, sariCaseworker, policeCaseworker } = seeded.partners;
  await seeded.db.prisma.user.updateMany({
    where: { id: { in: [caseCoordinator.id, sariCaseworker.id, policeCaseworker.id] } },
    data: { active: false },
  });
  await seeded.startJobs(); // its own check at start-up, today, finds nothing due for 2023/24
  // Quarter 4 of 2023/24 (January to March 2024): due by Thursday 4 April 2024, after Easter
  // (Good Friday 29 March, Easter Monday 1 April).
  await setDeadline(4, "2024-04-04");
  // Quarter 3 is closed, so its overdue summaries do not mix in.
  await setDeadline(3, "2024-01-19", true);
  // The council's officer has updated everything the council leads for quarter 4.
  const officer = await seeded.as("officer");
  for (const page of await itemsLedBy("NSC")) {
    const res = await postReview(officer, page, { status: "GREEN", commentary: "On track." });
    expect(res.status, page).toBe(302);
  }
});
afterAll(async () => {
  await seeded.close();
  await smtp.close();
});

describe("before the deadline", () => {
  it("nothing is sent before the reminder days start", async () => {
    // 3 working days before 4 April 2024 is 28 March: 1 April is a bank holiday and 29 March too.
    expect(await checkOn("2024-03-27")).toEqual([]);
  });

  it("officers whose agency still owes updates get the list of them, 3 working days before, skipping Easter", async () => {
    const sent = await checkOn("2024-03-28");
    expect(sent.map(recipient).sort()).toEqual(["officer.police@partners.test", "officer.sari@partners.test"]);
    const police = sent.find((m) => recipient(m) === "officer.police@partners.test")!;
    const owed = await itemsLedBy("Police");
    expect(police.subject).toBe(`Reminder: ${owed.length} updates due by 4 April 2024 (3 working days left)`);
    for (const page of owed) {
      expect(police.text).toContain(`https://rhins.example.org${page}`);
      expect(police.html).toContain(`href="https://rhins.example.org${page}"`);
    }
    expect(police.text).toContain("2023/24, quarter 4 (January to March 2024)");
    expect(police.text).toContain("https://rhins.example.org/partners/account");
    expect(police.html).toContain('<html lang="en">');
  });

  it("is not sent again, however often the check runs", async () => {
    expect(await checkOn("2024-03-28")).toEqual([]);
    expect(await checkOn("2024-03-30")).toEqual([]); // a Saturday
  });
});

describe("when the quarter ends", () => {
  it("every officer whose agency leads something hears that updates are due, with the deadline", async () => {
    const sent = await checkOn("2024-04-01");
    expect(sent.map(recipient).sort()).toEqual([
      "officer.nsc@partners.test",
      "officer.police@partners.test",
      "officer.sari@partners.test",
    ]);
    for (const m of sent)
      expect(m.subject).toBe("Quarterly updates are now due: 2023/24, quarter 4 (January to March 2024)");
    const nsc = sent.find((m) => recipient(m) === "officer.nsc@partners.test")!;
    expect(nsc.text).toContain("by 4 April 2024");
    expect(nsc.text).toContain("already updated everything");
  });

  it("a quarter that ended more than 7 days ago is not announced (a first start on old data)", async () => {
    const kinds = await seeded.db.prisma.reminderSent.findMany({ where: { kind: "REPORTING_OPEN" } });
    expect(new Set(kinds.map((k) => k.quarter))).toEqual(new Set([4]));
  });
});

describe("on the deadline day", () => {
  it("officers who still owe updates are told it is the deadline; the others are not", async () => {
    // The police officer records one update: one fewer is listed.
    const owed = await itemsLedBy("Police");
    const police = await seeded.as("otherOfficer");
    expect((await postReview(police, owed[0]!, { status: "GREEN", commentary: "Done." })).status).toBe(302);
    const sent = await checkOn("2024-04-04");
    expect(sent.map(recipient).sort()).toEqual(["officer.police@partners.test", "officer.sari@partners.test"]);
    const mail = sent.find((m) => recipient(m) === "officer.police@partners.test")!;
    expect(mail.subject).toBe(`Today is the deadline: ${owed.length - 1} updates still to do`);
    expect(mail.text).not.toContain(`https://rhins.example.org${owed[0]}\n`);
  });
});

describe("after the deadline", () => {
  it("coordinators get a weekly summary of which agency owes what", async () => {
    const [summary, ...others] = await checkOn("2024-04-05");
    expect(others).toEqual([]);
    expect(recipient(summary!)).toBe("coord@partners.test");
    expect(summary!.subject).toBe("Overdue quarterly updates: 2023/24, quarter 4 (January to March 2024)");
    expect(summary!.text).toContain("Avon and Somerset Police");
    expect(summary!.text).toContain("Stand Against Racism and Inequality");
    expect(summary!.text).not.toContain("North Somerset Council");
    expect(summary!.text).toContain("https://rhins.example.org/partners?show=2023-24:4");
    // The same week: nothing more; the next week: the next summary.
    expect(await checkOn("2024-04-11")).toEqual([]);
    expect((await checkOn("2024-04-12")).map(recipient)).toEqual(["coord@partners.test"]);
  });

  it("stops when the quarter is closed", async () => {
    await setDeadline(4, "2024-04-04", true);
    expect(await checkOn("2024-04-19")).toEqual([]);
    await setDeadline(4, "2024-04-04", false);
    expect((await checkOn("2024-04-19")).map(recipient)).toEqual(["coord@partners.test"]);
  });
});

describe("turning reminders off", () => {
  it("in Your account stops them for that account only, and is audited", async () => {
    const sari = await seeded.as("sariOfficer");
    const page = await sari.get("/partners/account").expect(200);
    expect(page.text).toContain("Reminder emails");
    await expectAccessiblePage(page.text);
    const refused = await submit(sari, "/partners/account", {}, "/partners/account/reminders");
    expect(refused.status).toBe(400);
    expect(refused.text).toContain("Select whether you want reminder emails");
    const res = await submit(sari, "/partners/account", { reminderEmails: "no" }, "/partners/account/reminders");
    expect(res.status).toBe(302);
    expect((await sari.get("/partners/account")).text).toContain("You will not get reminder emails");
    const audit = await seeded.db.prisma.auditEvent.findFirst({
      where: { action: "account.reminder-emails-changed", entityId: String(seeded.partners.sariOfficer.id) },
    });
    expect(audit?.after).toEqual({ reminderEmails: false });

    // Quarter 3 opens again, due 3 working days after 8 April 2024: SARI's officer is not told.
    await setDeadline(3, "2024-04-11");
    const sent = await checkOn("2024-04-08");
    expect(sent.map(recipient).sort()).toEqual(["officer.nsc@partners.test", "officer.police@partners.test"]);
    expect(sent.every((m) => m.subject!.includes("due by 11 April 2024"))).toBe(true);
  });

  it("is not offered to viewers, who get no reminders", async () => {
    const viewer = await seeded.as("viewer");
    expect((await viewer.get("/partners/account")).text).not.toContain("Reminder emails");
    const res = await submit(viewer, "/partners/account", { reminderEmails: "yes" }, "/partners/account/reminders");
    expect(res.status).toBe(302);
    const row = await seeded.db.prisma.user.findUniqueOrThrow({ where: { id: seeded.partners.viewer.id } });
    expect(row.reminderEmails).toBe(true);
    const reminders = await seeded.db.prisma.reminderSent.count({ where: { userId: seeded.partners.viewer.id } });
    expect(reminders).toBe(0);
  });
});

describe("every reminder email", () => {
  it("is recorded as sent, says who it is for, and holds nothing of reports or cases", async () => {
    const rows = await seeded.db.prisma.emailMessage.findMany({ where: { template: { not: "set-password" } } });
    expect(rows.length).toBe(smtp.messages.length);
    expect(rows.every((r) => r.status === "SENT" && r.params === null)).toBe(true);
    const linked = await seeded.db.prisma.reminderSent.count({ where: { emailMessageId: { not: null } } });
    expect(linked).toBe(rows.length);
    for (const m of smtp.messages) expect(`${m.subject} ${m.text}`).not.toMatch(/victim|incident report|case /i);
  });
});
