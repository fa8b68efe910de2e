// The Hate Crime Review Panel through its pages: the cases a meeting proposes (every open
// high-risk case, cases open more than 28 days, cases with overdue actions, and any added by hand,
// which a refresh keeps), the pseudonymised agenda (no name, email, phone or free text unless a
// coordinator ticks it), the panel's decision and new action on a case and the case's panel
// history, a stale save of the meeting (409), who may run it (404 for everyone else), and every
// page with axe and html-validate.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CaseActor } from "../../src/services/cases/cases.ts";
import { expectAccessiblePage } from "../helpers/accessibility.ts";
import { type Agent, csrfToken, submit } from "../helpers/partners.ts";
import { EMAIL, NAME, NARRATIVE, PHONE, newReport } from "../helpers/reports.ts";
import { type SeededApp, seededApp } from "../helpers/seeded-app.ts";

let seeded: SeededApp;
let coordinator: Agent;
let actor: CaseActor;
let agencyId: Record<string, number>;

const DAY = 86_400_000;
/** Today as a UTC date: the meetings below are held today. */
const today = new Date(new Date().toISOString().slice(0, 10) + "T00:00:00.000Z");
const ymd = (date: Date) => date.toISOString().slice(0, 10);
const NOTE = "Neighbour at number 12 keeps shouting at the family; the panel should see this";

beforeAll(async () => {
  seeded = await seededApp();
  coordinator = await seeded.as("caseCoordinator");
  actor = { ...seeded.partners.caseCoordinator, caseAccess: true };
  const agencies = await seeded.db.prisma.agency.findMany();
  agencyId = Object.fromEntries(agencies.map((a) => [a.code, a.id]));
});
afterAll(async () => seeded?.close());

const newCase = async () => (await seeded.services.reports.submit(newReport())).reference;

async function triaged(level: "STANDARD" | "HIGH" = "HIGH") {
  const reference = await newCase();
  const version = await seeded.services.cases.version(actor, reference);
  await seeded.services.cases.triage(actor, reference, version, {
    assessment: "HATE_CRIME",
    duplicateOf: null,
    strands: ["RACE"],
    risk: { answers: {}, score: level === "HIGH" ? 9 : 0, scoredLevel: level, level, reason: null },
    leadAgencyId: agencyId.SARI!,
    caseworkerId: null,
    sharedAgencyIds: [],
  });
  return reference;
}

const openedDaysAgo = (reference: string, days: number) =>
  seeded.db.prisma.case.updateMany({
    where: { report: { reference } },
    data: { openedAt: new Date(today.getTime() - days * DAY) },
  });

/** Creates a meeting held today through the form; returns its page's path. */
async function createMeeting(): Promise<string> {
  const res = await submit(coordinator, "/partners/panel/new", {
    "heldOn-day": String(today.getUTCDate()),
    "heldOn-month": String(today.getUTCMonth() + 1),
    "heldOn-year": String(today.getUTCFullYear()),
    attendees: [String(agencyId.NSC), String(agencyId.Police)],
  });
  expect(res.status, res.text.slice(0, 2000)).toBe(302);
  expect(res.headers.location).toMatch(/^\/partners\/panel\/\d+$/);
  return res.headers.location as string;
}

const meetingIdOf = (path: string) => Number(path.split("/").pop());

/** The meeting's cases by reference, with their reasons. */
async function proposed(path: string): Promise<Map<string, string[]>> {
  const rows = await seeded.db.prisma.panelCase.findMany({
    where: { meetingId: meetingIdOf(path) },
    include: { case: { select: { report: { select: { reference: true } } } } },
  });
  return new Map(rows.map((r) => [r.case.report.reference, r.reasons]));
}

/** Posts a form of the meeting's page (it carries the meeting's version) with `fields` over its own. */
async function postFromPage(page: string, action: string, fields: Record<string, string> = {}, from?: string) {
  const html = from ?? (await coordinator.get(page)).text;
  const version = /name="version" value="(\d+)"/.exec(html)?.[1];
  return coordinator
    .post(action)
    .type("form")
    .send({ version, ...fields, _csrf: csrfToken(html) });
}

describe("the cases a meeting proposes", () => {
  it("takes open high-risk cases, cases open more than 28 days and cases with overdue actions; keeps hand-added ones", async () => {
    const high = await triaged("HIGH");
    const fresh = await triaged("STANDARD");
    const old = await triaged("STANDARD");
    await openedDaysAgo(old, 29);
    const notOld = await triaged("STANDARD");
    await openedDaysAgo(notOld, 27);
    const overdue = await triaged("STANDARD");
    await seeded.services.cases.addAction(actor, overdue, {
      description: "Call the housing officer",
      ownerId: null,
      dueOn: ymd(new Date(today.getTime() - 3 * DAY)),
    });
    const dueLater = await triaged("STANDARD");
    await seeded.services.cases.addAction(actor, dueLater, {
      description: "Check in next month",
      ownerId: null,
      dueOn: ymd(new Date(today.getTime() + 30 * DAY)),
    });
    const closed = await triaged("HIGH");
    await seeded.services.cases.close(
      actor,
      closed,
      await seeded.services.cases.version(actor, closed),
      "SUPPORT_GIVEN",
      "Support given, nothing more to do",
    );

    const page = await createMeeting();
    const cases = await proposed(page);
    expect(cases.get(high)).toEqual(["HIGH_RISK"]);
    expect(cases.get(old)).toEqual(["OPEN_OVER_28_DAYS"]);
    expect(cases.get(overdue)).toEqual(["OVERDUE_ACTIONS"]);
    expect(cases.has(fresh)).toBe(false);
    expect(cases.has(notOld)).toBe(false);
    expect(cases.has(dueLater)).toBe(false);
    expect(cases.has(closed)).toBe(false);

    // Added by hand, then proposed again from the rules: the hand-added case stays, a newly
    // high-risk case joins, and a case that no longer qualifies is never silently dropped here.
    const added = await postFromPage(page, `${page}/cases`, { reference: fresh.toLowerCase() });
    expect(added.status, added.text.slice(0, 2000)).toBe(302);
    const nowHigh = await triaged("HIGH");
    const refreshed = await postFromPage(page, `${page}/refresh`);
    expect(refreshed.status).toBe(302);
    const after = await proposed(page);
    expect(after.get(fresh)).toEqual(["ADDED"]);
    expect(after.get(nowHigh)).toEqual(["HIGH_RISK"]);
    expect(after.get(high)).toEqual(["HIGH_RISK"]);

    // An unknown reference is refused beside the field; taking a case off removes it.
    const unknown = await postFromPage(page, `${page}/cases`, { reference: "RH-0000-00" });
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('href="#reference"');
    await expectAccessiblePage(unknown.text);
    const removed = await postFromPage(page, `${page}/cases/${notOld}/remove`);
    expect(removed.status).toBe(404); // not on this meeting
    const off = await postFromPage(page, `${page}/cases/${fresh}/remove`);
    expect(off.status).toBe(302);
    expect((await proposed(page)).has(fresh)).toBe(false);

    const audited = await seeded.db.prisma.auditEvent.findMany({
      where: { entityType: "PanelMeeting", entityId: String(meetingIdOf(page)) },
      select: { action: true },
    });
    expect(audited.map((a) => a.action)).toEqual(
      expect.arrayContaining(["panel.created", "panel.case-added", "panel.refreshed", "panel.case-removed"]),
    );
  });

  it("refuses a meeting without a date or attendees, on the form", async () => {
    const res = await submit(coordinator, "/partners/panel/new", {
      "heldOn-day": "",
      "heldOn-month": "",
      "heldOn-year": "",
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('href="#heldOn"');
    expect(res.text).toContain('href="#attendees"');
    await expectAccessiblePage(res.text);

    // The service refuses them too, whatever calls it.
    await expect(
      seeded.services.panel.create(actor, { heldOn: "2026-02-30", attendeeIds: [agencyId.NSC!] }),
    ).rejects.toMatchObject({
      field: "heldOn",
    });
    await expect(seeded.services.panel.create(actor, { heldOn: ymd(today), attendeeIds: [] })).rejects.toMatchObject({
      field: "attendees",
    });
  });
});

describe("the agenda", () => {
  it("is pseudonymised: no name, email, phone, narrative or note unless a coordinator ticks the note", async () => {
    const reference = await triaged("HIGH");
    await seeded.services.cases.addEntry(actor, reference, { kind: "NOTE", body: NOTE });
    const page = await createMeeting();

    const agenda = await coordinator.get(`${page}/agenda`);
    expect(agenda.status).toBe(200);
    expect(agenda.text).toMatch(/<h1 class="govuk-heading-l">Hate Crime Review Panel agenda, \d+ \w+ \d{4}<\/h1>/);
    expect(agenda.text).not.toContain("govuk-service-navigation"); // a clean page to print
    expect(agenda.text).toContain(reference);
    expect(agenda.text).toContain("Race, ethnicity or nationality");
    expect(agenda.text).toContain("Clevedon");
    // This case's summary on the agenda (other tests' high-risk cases are on it too).
    const section = agenda.text.slice(agenda.text.indexOf(`Case ${reference}</h2>`)).split("<h2")[0]!;
    const row = (key: string) =>
      new RegExp(`__key">\\s*${key}\\s*</dt>\\s*<dd class="govuk-summary-list__value">\\s*([^<]*?)\\s*</dd>`).exec(
        section,
      )?.[1];
    expect(row("Risk")).toBe("High");
    expect(row("Status")).toBe("Triaged");
    expect(row("Area")).toBe("Clevedon");
    expect(row("Last action")).toMatch(/^Note, \d+ \w+ \d{4}$/);
    for (const secret of [NAME, EMAIL, PHONE, NARRATIVE, NOTE]) expect(agenda.text).not.toContain(secret);
    await expectAccessiblePage(agenda.text);

    const ticked = await postFromPage(page, `${page}/cases/${reference}/free-text`, { show: "yes" });
    expect(ticked.status).toBe(302);
    const withNotes = await coordinator.get(`${page}/agenda`);
    expect(withNotes.text).toContain(NOTE);
    for (const secret of [NAME, EMAIL, PHONE, NARRATIVE]) expect(withNotes.text).not.toContain(secret);
    await expectAccessiblePage(withNotes.text);

    // Unticked again: the note is gone from the agenda.
    const unticked = await postFromPage(page, `${page}/cases/${reference}/free-text`, { show: "no" });
    expect(unticked.status).toBe(302);
    expect((await coordinator.get(`${page}/agenda`)).text).not.toContain(NOTE);

    const views = await seeded.db.prisma.auditEvent.count({
      where: { action: "panel.agenda-viewed", entityId: String(meetingIdOf(page)) },
    });
    expect(views).toBe(3);
  });
});

describe("the panel's decision", () => {
  it("is recorded with a new action, and shows in the case's panel history and on its page", async () => {
    const reference = await triaged("HIGH");
    const page = await createMeeting();
    const form = await coordinator.get(`${page}/cases/${reference}`);
    expect(form.status).toBe(200);
    await expectAccessiblePage(form.text);

    const missing = await postFromPage(page, `${page}/cases/${reference}`, {
      decision: "",
      description: "Visit",
      ownerId: "",
      "dueOn-day": "",
      "dueOn-month": "",
      "dueOn-year": "",
    });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('href="#decision"');
    await expectAccessiblePage(missing.text);

    const due = new Date(today.getTime() + 14 * DAY);
    const saved = await postFromPage(
      page,
      `${page}/cases/${reference}`,
      {
        decision: "Police and housing to visit together",
        description: "Joint visit with housing",
        ownerId: String(seeded.partners.sariCaseworker.id),
        "dueOn-day": String(due.getUTCDate()),
        "dueOn-month": String(due.getUTCMonth() + 1),
        "dueOn-year": String(due.getUTCFullYear()),
      },
      form.text,
    );
    expect(saved.status, saved.text.slice(0, 2000)).toBe(302);

    const kase = await seeded.services.cases.open(actor, reference);
    expect(kase.panelHistory).toEqual([
      expect.objectContaining({ meetingId: meetingIdOf(page), decision: "Police and housing to visit together" }),
    ]);
    const action = await seeded.db.prisma.caseAction.findFirstOrThrow({ where: { caseId: kase.id } });
    expect(action.panelMeetingId).toBe(meetingIdOf(page));
    expect(action.ownerId).toBe(seeded.partners.sariCaseworker.id);

    const casePage = await coordinator.get(`/partners/cases/${reference}`);
    expect(casePage.text).toContain("Police and housing to visit together");
    expect(casePage.text).toContain(`href="${page}"`);

    // The decision is stored encrypted.
    const row = await seeded.db.prisma.panelCase.findFirstOrThrow({ where: { caseId: kase.id } });
    expect(row.decision).not.toContain("Police and housing");

    const meeting = await coordinator.get(page);
    expect(meeting.text).toContain("Change the decision");
    await expectAccessiblePage(meeting.text);

    // The case's audit trail has the panel's decision on it, in words.
    const trail = await coordinator.get(`/partners/audit?case=${reference}`);
    expect(trail.text).toContain(
      `Recorded the panel&#39;s decision on case ${reference} at Review Panel meeting ${meetingIdOf(page)}`,
    );
  });
});

describe("a stale save of a meeting", () => {
  it("gets 409 and changes nothing", async () => {
    const page = await createMeeting();
    const opened = (await coordinator.get(page)).text;
    const first = await postFromPage(page, `${page}/refresh`, {}, opened);
    expect(first.status).toBe(302);
    const reference = await triaged("STANDARD");
    const stale = await postFromPage(page, `${page}/cases`, { reference }, opened);
    expect(stale.status).toBe(409);
    expect(stale.text).toContain("Someone else changed this meeting");
    expect((await proposed(page)).has(reference)).toBe(false);
    await expectAccessiblePage(stale.text);

    // A decision typed on a form opened before someone else changed the meeting.
    const high = await triaged("HIGH");
    await postFromPage(page, `${page}/refresh`);
    const decisionForm = (await coordinator.get(`${page}/cases/${high}`)).text;
    await postFromPage(page, `${page}/cases/${high}/free-text`, { show: "yes" });
    const staleDecision = await postFromPage(
      page,
      `${page}/cases/${high}`,
      {
        decision: "Typed before someone else saved",
        description: "",
        ownerId: "",
        "dueOn-day": "",
        "dueOn-month": "",
        "dueOn-year": "",
      },
      decisionForm,
    );
    expect(staleDecision.status).toBe(409);
    expect(staleDecision.text).toContain("Typed before someone else saved");
    await expectAccessiblePage(staleDecision.text);
    const row = await seeded.db.prisma.panelCase.findFirstOrThrow({
      where: { meetingId: meetingIdOf(page), case: { report: { reference: high } } },
    });
    expect(row.decision).toBeNull();
  });
});

describe("who runs the panel", () => {
  it("is only coordinators with case access: everyone else gets 404", async () => {
    for (const who of ["coordinator", "sariCaseworker", "policeCaseworker", "officer"] as const) {
      const agent = await seeded.as(who);
      expect((await agent.get("/partners/panel")).status, who).toBe(404);
      expect((await agent.get("/partners/panel/new")).status, who).toBe(404);
    }
    const unauthorised = { ...seeded.partners.coordinator, caseAccess: false };
    await expect(seeded.services.panel.list(unauthorised)).rejects.toMatchObject({ status: 404 });
  });

  it("lists the meetings, newest first, with every page accessible", async () => {
    const list = await coordinator.get("/partners/panel");
    expect(list.status).toBe(200);
    const listed = [...list.text.matchAll(/href="\/partners\/panel\/(\d+)"/g)].map((m) => Number(m[1]));
    expect(listed.length).toBeGreaterThan(1);
    expect(listed).toEqual([...listed].sort((a, b) => b - a));
    expect(list.text).toContain("Review Panel");
    expect(list.text).toContain('href="/partners/panel"'); // in the navigation
    await expectAccessiblePage(list.text);
    const form = await coordinator.get("/partners/panel/new");
    expect(form.status).toBe(200);
    await expectAccessiblePage(form.text);
  });
});
