// The case emails, read back from a real SMTP server: what is due each morning (first contact to
// the caseworker, actions to their owner), each thing told of once even if two runs race, none for
// a closed case or an account without case access; and a safeguarding override told to every
// coordinator with case access. None carries more than a reference.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { caseNotificationService } from "../../src/services/cases/notifications.ts";
import { EMAIL, NAME, NARRATIVE, PHONE, newReport } from "../helpers/reports.ts";
import { type SeededApp, seededApp } from "../helpers/seeded-app.ts";
import { type TestSmtp, testSmtp } from "../helpers/smtp.ts";
import { csrfToken } from "../helpers/partners.ts";

let smtp: TestSmtp;
let seeded: SeededApp;

beforeAll(async () => {
  smtp = await testSmtp();
  seeded = await seededApp({ SMTP_URL: smtp.url, PUBLIC_BASE_URL: "https://rhins.example.org" });
  await seeded.startJobs();
});
afterAll(async () => {
  await seeded?.close();
  await smtp?.close();
});

const actor = () => ({ ...seeded.partners.caseCoordinator, caseAccess: true });
const at = (day: string) => () => new Date(`${day}T08:00:00Z`);
const remindersOn = (day: string) =>
  caseNotificationService(seeded.db.prisma, {
    emails: seeded.services.emails,
    publicBaseUrl: "https://rhins.example.org",
    now: at(day),
  }).sendReminders();

/** A case triaged for SARI with its caseworker, received on `receivedAt` (so first contact is due 5 working days on). */
async function triagedCase(receivedAt: string, caseworkerId: number | null) {
  const { reference } = await seeded.services.reports.submit(newReport());
  await seeded.db.prisma.incidentReport.update({ where: { reference }, data: { receivedAt: new Date(receivedAt) } });
  const sari = await seeded.db.prisma.agency.findUniqueOrThrow({ where: { code: "SARI" } });
  const cases = seeded.services.cases;
  await cases.triage(actor(), reference, await cases.version(actor(), reference), {
    assessment: "HATE_INCIDENT",
    duplicateOf: null,
    strands: ["RACE"],
    risk: { answers: {}, score: 0, scoredLevel: "STANDARD", level: "STANDARD", reason: null },
    leadAgencyId: sari.id,
    caseworkerId,
    sharedAgencyIds: [],
  });
  return reference;
}

type Mail = TestSmtp["messages"][number];
const recipient = (m: Mail) => (m.to && !Array.isArray(m.to) ? m.to.text : "");
/** The case emails (not the new-report notices the jobs also send) to `email` so far, once `count` have come. */
async function caseMailsTo(email: string, count: number, about = "due on your cases") {
  const mine = () => smtp.messages.filter((m) => recipient(m) === email && m.subject?.includes(about));
  await vi.waitFor(() => expect(mine().length).toBeGreaterThanOrEqual(count), { timeout: 15_000, interval: 100 });
  return mine();
}
const secretsIn = (mail: { subject?: string; text?: string; html?: string | false }) =>
  [NARRATIVE, NAME, EMAIL, PHONE, "Clevedon", "Race"].filter((s) =>
    `${mail.subject}${mail.text}${mail.html}`.includes(s),
  );

describe("case reminders", () => {
  it("tell the caseworker of first contact on the day it is due, once, and the owner of an action", async () => {
    const caseworker = seeded.partners.sariCaseworker;
    // Received Monday 7 December 2026: first contact due Monday 14th.
    const reference = await triagedCase("2026-12-07T10:00:00Z", caseworker.id);
    const closed = await triagedCase("2026-12-07T10:00:00Z", caseworker.id);
    await seeded.services.cases.close(
      actor(),
      closed,
      await seeded.services.cases.version(actor(), closed),
      "RESOLVED",
      "Resolved",
    );
    await seeded.services.cases.addAction(actor(), reference, {
      description: "Visit with the housing officer",
      ownerId: seeded.partners.policeCaseworker.id,
      dueOn: "2026-12-15",
    });

    expect(await remindersOn("2026-12-11")).toBe(0); // Friday: nothing due yet
    const counts = await Promise.all([remindersOn("2026-12-14"), remindersOn("2026-12-14")]);
    expect(counts.sort()).toEqual([0, 1]); // two runs at once: one email
    const first = await caseMailsTo(caseworker.email, 1);
    expect(first).toHaveLength(1);
    expect(first[0]!.subject).toBe("1 thing is due on your cases");
    expect(first[0]!.text).toContain(reference);
    expect(first[0]!.text).not.toContain(closed);
    expect(first[0]!.text).toContain("https://rhins.example.org/partners/updates#your-cases");
    expect(secretsIn(first[0]!)).toEqual([]);

    // The next day: the action's owner; the first contact already told of is not told again.
    expect(await remindersOn("2026-12-15")).toBe(1);
    const owner = await caseMailsTo(seeded.partners.policeCaseworker.email, 1);
    expect(owner[0]!.text).toContain("Actions are due on");
    expect(owner[0]!.text).toContain(reference);
    expect(secretsIn(owner[0]!)).toEqual([]);
    expect(await caseMailsTo(caseworker.email, 1)).toHaveLength(1);
  });

  it("skip an account that has lost case access, telling the coordinators with it instead", async () => {
    const reference = await triagedCase("2026-11-02T10:00:00Z", seeded.partners.sariCaseworker.id);
    await seeded.db.prisma.user.update({
      where: { id: seeded.partners.sariCaseworker.id },
      data: { caseAccess: false },
    });
    const before = (await caseMailsTo(seeded.partners.sariCaseworker.email, 0)).length;
    expect(await remindersOn("2026-11-20")).toBeGreaterThan(0);
    const coordinator = await caseMailsTo(seeded.partners.caseCoordinator.email, 1);
    expect(coordinator.at(-1)!.text).toContain(reference);
    expect(await caseMailsTo(seeded.partners.sariCaseworker.email, 0)).toHaveLength(before);
    await seeded.db.prisma.user.update({
      where: { id: seeded.partners.sariCaseworker.id },
      data: { caseAccess: true },
    });
  });
});

describe("a safeguarding override", () => {
  it("is told to every coordinator with case access, by reference only", async () => {
    const reference = await triagedCase("2026-11-30T10:00:00Z", null);
    const agent = await seeded.as("caseCoordinator");
    const form = await agent.get(`/partners/cases/${reference}/record/referral`);
    const res = await agent
      .post(`/partners/cases/${reference}/record/referral`)
      .type("form")
      .send({
        _csrf: csrfToken(form.text),
        referralTo: "CHILDRENS_SERVICES",
        withDetails: "yes",
        crimeReference: "",
        overrideReason: "Children in the house are at risk",
        body: "",
      });
    expect(res.status).toBe(302);
    const coordinators = await seeded.db.prisma.user.findMany({
      where: { role: "COORDINATOR", caseAccess: true, active: true },
    });
    const subject = `A safeguarding override was recorded on case ${reference}`;
    const told = (await Promise.all(coordinators.map((c) => caseMailsTo(c.email, 1, subject)))).flat();
    expect(told.map(recipient).sort()).toEqual(coordinators.map((c) => c.email).sort());
    expect(smtp.messages.filter((m) => m.subject === subject)).toHaveLength(coordinators.length);
    for (const mail of told) {
      expect(secretsIn(mail)).toEqual([]);
      expect(`${mail.text}`).not.toContain("Children in the house");
    }
  });
});
