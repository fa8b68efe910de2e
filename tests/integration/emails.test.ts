// Every email goes through the one mailer: recorded, queued as a job, sent over SMTP to a real
// SMTP server in this process (read back with mailparser), retried with back-off while the
// server is down, marked failed with its reason when it refuses for good, and shown to
// coordinators on the Emails page, where a failed one can be tried again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SeededApp, seededApp } from "../helpers/seeded-app.ts";
import { submit } from "../helpers/partners.ts";
import { type TestSmtp, testSmtp } from "../helpers/smtp.ts";
import { expectAccessiblePage } from "../helpers/accessibility.ts";

let smtp: TestSmtp;
let seeded: SeededApp;

/** Waits until the email to `to` has the status, or fails after `timeoutMs`. */
async function emailTo(to: string, status: string, timeoutMs = 45_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const row = await seeded.db.prisma.emailMessage.findFirst({ where: { to }, orderBy: { id: "desc" } });
    if (row?.status === status) return row;
    if (Date.now() > until) throw new Error(`the email to ${to} is ${row?.status ?? "missing"}, not ${status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function newAccount(email: string) {
  const coordinator = await seeded.as("coordinator");
  const res = await submit(coordinator, "/partners/accounts/new", {
    name: "New Person",
    email,
    role: "VIEWER",
    agencyId: "",
  });
  expect(res.status).toBe(200);
  return res;
}

beforeAll(async () => {
  smtp = await testSmtp();
  seeded = await seededApp({
    SMTP_URL: smtp.url,
    PUBLIC_BASE_URL: "https://rhins.example.org",
    MAIL_FROM: "RHINS portal <portal@rhins.example.org>",
  });
  await seeded.startJobs();
});
afterAll(async () => {
  await seeded.close();
  await smtp.close();
});

describe("a set-password email", () => {
  it("arrives in plain text and HTML with the link, which works, and keeps nothing of it once sent", async () => {
    const before = smtp.messages.length;
    const res = await newAccount("emailed@partners.test");
    expect(res.text).toContain("We are also emailing it to them.");
    const mail = (await smtp.received(before + 1))[before]!;
    expect(mail.subject).toBe("Set your RHINS portal password");
    expect(mail.from?.text).toBe('"RHINS portal" <portal@rhins.example.org>');
    expect(mail.to && !Array.isArray(mail.to) && mail.to.text).toBe("emailed@partners.test");
    const link = /https:\/\/rhins\.example\.org(\/partners\/set-password\/[A-Za-z0-9_-]+)/.exec(mail.text!)![1]!;
    expect(res.text).toContain(link);
    expect(mail.html).toContain(`href="https://rhins.example.org${link}"`);
    expect(mail.html).toContain('<html lang="en">');
    const page = await (await seeded.as("coordinator")).get(link);
    expect(page.status).toBe(200);
    expect(page.text).toContain("emailed@partners.test");

    const row = await emailTo("emailed@partners.test", "SENT");
    expect(row).toMatchObject({ template: "set-password", attempts: 1, params: null, lastError: "" });
    expect(row.sentAt).not.toBeNull();
  });

  it("is recorded with its values encrypted until it is sent", async () => {
    await smtp.down();
    try {
      await newAccount("waiting@partners.test");
      const row = await seeded.db.prisma.emailMessage.findFirstOrThrow({ where: { to: "waiting@partners.test" } });
      expect(row.params).toMatch(/^e1\./);
      expect(row.params).not.toContain("set-password");
    } finally {
      await smtp.up();
    }
    await emailTo("waiting@partners.test", "SENT");
  });
});

describe("when the SMTP server is down", () => {
  it("the email waits, is tried again with back-off, and arrives once the server is back", async () => {
    await smtp.down();
    const before = smtp.messages.length;
    await newAccount("retried@partners.test");
    // The first try fails, and says why.
    const until = Date.now() + 45_000;
    let row = await seeded.db.prisma.emailMessage.findFirstOrThrow({ where: { to: "retried@partners.test" } });
    while (row.attempts < 1 || row.status !== "QUEUED") {
      if (Date.now() > until) throw new Error(`still ${row.status} after ${row.attempts} tries`);
      await new Promise((r) => setTimeout(r, 50));
      row = await seeded.db.prisma.emailMessage.findFirstOrThrow({ where: { id: row.id } });
    }
    expect(row.lastError).toMatch(/ECONNREFUSED|ECONNECTION|ESOCKET|ETIMEDOUT/);
    expect(smtp.messages.length).toBe(before);
    await smtp.up();
    const sent = await emailTo("retried@partners.test", "SENT");
    expect(sent.attempts).toBeGreaterThanOrEqual(2);
    const arrived = smtp.messages.filter(
      (m) =>
        m.subject === "Set your RHINS portal password" &&
        m.to &&
        !Array.isArray(m.to) &&
        m.to.text === "retried@partners.test",
    );
    expect(arrived).toHaveLength(1);
  }, 90_000);
});

describe("a recipient the server refuses for good (550)", () => {
  it("is marked failed with the reason on the Emails page, and can be tried again", async () => {
    smtp.refused.add("nobody@partners.test");
    await newAccount("nobody@partners.test");
    const failed = await emailTo("nobody@partners.test", "FAILED");
    expect(failed.attempts).toBe(1); // no retries: the answer will not change
    expect(failed.lastError).toContain("550");

    const coordinator = await seeded.as("coordinator");
    const page = await coordinator.get("/partners/emails?status=FAILED").expect(200);
    expect(page.text).toContain("nobody@partners.test");
    expect(page.text).toContain("550");
    expect(page.text).toContain("Try again");
    await expectAccessiblePage(page.text);

    smtp.refused.delete("nobody@partners.test");
    const before = smtp.messages.length;
    const retry = await submit(coordinator, "/partners/emails", {}, `/partners/emails/${failed.id}/retry`);
    expect(retry.status).toBe(302);
    await smtp.received(before + 1);
    const sent = await emailTo("nobody@partners.test", "SENT");
    expect(sent.attempts).toBe(2);
    const audit = await seeded.db.prisma.auditEvent.findFirst({
      where: { action: "email.retried", entityId: String(failed.id) },
    });
    expect(audit).not.toBeNull();
  }, 90_000);

  it("only a failed email can be tried again", async () => {
    const sent = await emailTo("emailed@partners.test", "SENT");
    const coordinator = await seeded.as("coordinator");
    const res = await submit(coordinator, "/partners/emails", {}, `/partners/emails/${sent.id}/retry`);
    expect(res.status).toBe(409);
  });
});

describe("the Emails page", () => {
  it("is for coordinators only, and so is trying again", async () => {
    for (const who of ["officer", "viewer"] as const) {
      const agent = await seeded.as(who);
      await agent.get("/partners/emails").expect(403);
    }
    const coordinator = await seeded.as("coordinator");
    const page = await coordinator.get("/partners/emails").expect(200);
    expect(page.text).toMatch(/emails? (is|are) waiting to be sent/);
    await expectAccessiblePage(page.text);
  });
});
