// A case from start to end in Debian's Chromium, as the case-handling issue asks: a report
// arrives from a phone, a coordinator triages it high-risk and gives it to a SARI caseworker, the
// caseworker (without JavaScript) records a contact attempt and an action, the Review Panel looks
// at it on a pseudonymised agenda and decides a new action, and the caseworker closes it once the
// actions are done. axe-core checks the triage page, the case page and the agenda; the audit
// trail holds each view and change. Screenshots go to test-results/screenshots.
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatDate } from "../../src/content/dates.ts";
import { firstContactDue, RISK_QUESTIONS } from "../../src/services/cases/risk.ts";
import { addDays, londonDay } from "../../src/services/reminders/working-days.ts";
import {
  RESULTS_DIR,
  axeViolations,
  startApp,
  startBrowser,
  type RunningApp,
  type RunningBrowser,
} from "../helpers/browser.ts";
import { createPartners, PASSWORD } from "../helpers/partners.ts";
import { EMAIL, NAME, NARRATIVE } from "../helpers/reports.ts";

const PHONE = { width: 375, height: 667 };
const DESKTOP = { width: 1280, height: 800 };
const SCREENSHOTS = path.join(RESULTS_DIR, "screenshots");

/** The risk answers that score 8 (high) with none of the most serious harms: 2 + 2 + 2 + 1 + 1. */
const YES_TO = new Set(["repeat", "atHome", "retaliation", "dailyLife", "vulnerable"]);

const CONTACT_NOTE = "Spoke to her on the phone; she is frightened to walk home past the library";
const ACTION = "Arrange a home security visit with the housing provider";
const PANEL_DECISION = "Keep open. SARI to agree a safety plan with her before the next meeting";
const PANEL_ACTION = "Agree a safety plan and share it with the neighbourhood police team";
const SUMMARY = "Security visit done, safety plan agreed; she feels safe walking home again";

let app: RunningApp;
let partners: Awaited<ReturnType<typeof createPartners>>;
const opened: RunningBrowser[] = [];

/** What the journey has learnt so far, for the steps after. */
const journey = { reference: "", meetingPath: "" };
let coordinator: Page;
let caseworker: Page;

beforeAll(async () => {
  app = await startApp();
  partners = await createPartners(app.db);
  await mkdir(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  for (const started of opened.splice(0)) await started.close();
  await app?.close();
});

/** A fresh browser with its own profile, sized, with or without JavaScript. */
async function browser(viewport: { width: number; height: number }, javaScript: boolean): Promise<Page> {
  const started = await startBrowser(app.baseUrl, { viewport, javaScript });
  opened.push(started);
  return started.context.pages()[0] ?? (await started.newPage());
}

/** Clicks what leads to another page (a link, or a form's button) and waits for that page to load. */
async function follow(page: Page, target: Locator) {
  await Promise.all([page.waitForEvent("load"), target.click()]);
}

const heading = (page: Page) => page.locator("h1").innerText();
const main = (page: Page) => page.locator("main").innerText();
const banner = (page: Page) => page.locator(".govuk-notification-banner").innerText();
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, name), fullPage: true });

/** The value of a row of the case's "Where it stands" list. */
const summary = (page: Page, key: string) =>
  page
    .locator(".govuk-summary-list__row")
    .filter({ has: page.locator("dt").getByText(key, { exact: true }) })
    .locator("dd")
    .first()
    .innerText();

/** A date as the date inputs take it. */
async function fillDate(page: Page, day: string) {
  const [year, month, date] = day.split("-").map(Number) as [number, number, number];
  await page.getByLabel("Day").fill(String(date));
  await page.getByLabel("Month").fill(String(month));
  await page.getByLabel("Year").fill(String(year));
}
const shownDay = (day: string) => formatDate(new Date(`${day}T00:00:00Z`));

async function signIn(page: Page, email: string) {
  await page.goto(`${app.baseUrl}/partners/sign-in`);
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await Promise.all([
    page.waitForURL(`${app.baseUrl}/partners`),
    page.getByRole("button", { name: "Sign in" }).click(),
  ]);
}

describe("a case's journey in the browser", () => {
  it("a report arrives from a phone, asking for support", async () => {
    const page = await browser(PHONE, true);
    const next = async (button = "Continue") => follow(page, page.getByRole("button", { name: button }));
    await page.goto(`${app.baseUrl}/report/online`);
    await follow(page, page.getByRole("button", { name: "Start now" }));
    expect(await heading(page)).toBe("Who is reporting?");
    await page.getByLabel("It happened to me").check();
    await next();
    expect(await heading(page)).toBe("What happened?");
    await page.getByLabel("What happened?", { exact: true }).fill(NARRATIVE);
    await page.getByLabel("Verbal abuse, such as name-calling or insults").check();
    await next();
    await page.getByLabel("Religion or belief").check();
    await next();
    const lastWeek = new Date(Date.now() - 7 * 86_400_000);
    await page.getByLabel("I know the date").check();
    await page.getByLabel("Day").fill(String(lastWeek.getUTCDate()));
    await page
      .getByLabel("Month", { exact: true })
      .first()
      .fill(String(lastWeek.getUTCMonth() + 1));
    await page.getByLabel("Year").first().fill(String(lastWeek.getUTCFullYear()));
    await page.getByLabel("Yes", { exact: true }).check(); // it happened before
    await next();
    await page.getByLabel("Clevedon").check();
    await page.getByLabel("In the street or another public place").check();
    await next();
    expect(await heading(page)).toBe("Was anyone hurt?");
    await next();
    await next(); // the people who did it: skipped
    await page.getByLabel("No", { exact: true }).check(); // the police were not told
    await next();
    await page.getByLabel("Support from a caseworker").check();
    await next();
    await page.getByLabel("Give my name and how to contact me").check();
    await page.getByLabel("Your name").fill(NAME);
    await page.getByLabel("Email", { exact: true }).check();
    await page.getByLabel("Email address").fill(EMAIL);
    await next();
    expect(await heading(page)).toBe("About you");
    await next();
    expect(await heading(page)).toBe("Check your answers before sending your report");
    await page.getByLabel("I confirm that what I have said is true to the best of my knowledge").check();
    await next("Send report");

    expect(await heading(page)).toContain("Report sent");
    journey.reference = await page.locator(".rhins-reference").innerText();
    expect(journey.reference).toMatch(/^RH-/);
    await shot(page, "case-journey-report-sent-375.png");
  });

  it("the coordinator finds it in the triage queue and triages it high-risk, to a SARI caseworker", async () => {
    const { reference } = journey;
    coordinator = await browser(DESKTOP, true);
    await signIn(coordinator, partners.caseCoordinator.email);
    await follow(coordinator, coordinator.getByRole("link", { name: "Cases", exact: true }));
    await follow(coordinator, coordinator.getByRole("link", { name: "New reports to triage" }));
    expect(new URL(coordinator.url()).search).toBe("?status=NEW");
    expect(await heading(coordinator)).toBe("New reports to triage");
    await follow(coordinator, coordinator.getByRole("link", { name: reference, exact: true }));
    expect(await heading(coordinator)).toBe(`Case ${reference}`);
    expect(await summary(coordinator, "Status")).toBe("New");
    expect(await summary(coordinator, "First contact")).toBe("Due once triaged");
    // Whoever works on the case sees the whole report: the name and what happened.
    expect(await main(coordinator)).toContain(NARRATIVE);
    expect(await main(coordinator)).toContain(NAME);

    await follow(coordinator, coordinator.getByRole("link", { name: "Triage this report" }));
    expect(await heading(coordinator)).toBe("Triage this report");
    await coordinator.getByLabel("Hate incident", { exact: true }).check();
    await coordinator.getByLabel("Religion or belief").check();
    for (const q of RISK_QUESTIONS)
      await coordinator
        .getByRole("group", { name: q.question })
        .getByLabel(YES_TO.has(q.name) ? "Yes" : "No", { exact: true })
        .check();
    await coordinator.getByLabel("Lead agency").selectOption({ label: "Stand Against Racism and Inequality" });
    await coordinator.getByLabel("Caseworker (optional)").selectOption({ label: "caseworker.sari (SARI)" });
    expect(await axeViolations(coordinator), "the triage page").toEqual([]);
    await shot(coordinator, "case-journey-triage-1280.png");
    await follow(coordinator, coordinator.getByRole("button", { name: "Save triage" }));

    expect(new URL(coordinator.url()).pathname).toBe(`/partners/cases/${reference}`);
    expect(await banner(coordinator)).toContain("The report was triaged: high risk");
    expect(await summary(coordinator, "Risk")).toBe("High");
    expect(await summary(coordinator, "Status")).toBe("Triaged");
    expect(await summary(coordinator, "Assessment")).toBe("Hate incident");
    expect(await summary(coordinator, "Lead agency")).toBe("Stand Against Racism and Inequality");
    expect(await summary(coordinator, "Caseworker")).toBe("caseworker.sari");
    expect(await coordinator.getByText("Risk assessment (score 8: High)").count()).toBe(1);
    // High risk: first contact within 1 working day of the report arriving.
    const report = await app.db.prisma.incidentReport.findUniqueOrThrow({ where: { reference } });
    const due = firstContactDue(londonDay(report.receivedAt), "HIGH");
    expect(await summary(coordinator, "First contact")).toBe(`Due by ${shownDay(due)}`);
    expect(await axeViolations(coordinator), "the case page").toEqual([]);
  });

  it("the caseworker, without JavaScript, records a contact attempt and adds an action", async () => {
    const { reference } = journey;
    caseworker = await browser(DESKTOP, false);
    await signIn(caseworker, partners.sariCaseworker.email);
    await follow(caseworker, caseworker.getByRole("link", { name: "Your updates" }));
    const yours = caseworker.getByRole("table", { name: "Open cases you are the caseworker of" });
    await follow(caseworker, yours.getByRole("link", { name: reference, exact: true }));
    expect(await heading(caseworker)).toBe(`Case ${reference}`);

    await follow(caseworker, caseworker.getByRole("link", { name: "Record a contact attempt" }));
    expect(await heading(caseworker)).toBe("Record a contact attempt");
    await caseworker.getByLabel("Phone call").check();
    await caseworker.getByRole("group", { name: "Did you speak to them?" }).getByLabel("Yes", { exact: true }).check();
    await caseworker.getByLabel("Note (optional)").fill(CONTACT_NOTE);
    await follow(caseworker, caseworker.getByRole("button", { name: "Save", exact: true }));
    expect(await banner(caseworker)).toContain("The contact attempt was recorded");
    const timeline = caseworker.locator("#timeline + ol");
    expect(await timeline.innerText()).toContain("Contact attempt: Phone call");
    expect(await timeline.innerText()).toContain("Spoke to them");
    expect(await timeline.innerText()).toContain(CONTACT_NOTE);
    expect(await summary(caseworker, "Status")).toBe("In contact");
    expect(await summary(caseworker, "First contact")).toBe(`Made ${formatDate(new Date())}`);

    await follow(caseworker, caseworker.getByRole("link", { name: "Add an action" }));
    expect(await heading(caseworker)).toBe("Add an action");
    await caseworker.getByLabel("What needs to be done").fill(ACTION);
    await caseworker.getByLabel("Who owns it").selectOption({ label: "caseworker.sari (SARI)" });
    const inAWeek = addDays(londonDay(new Date()), 7);
    await fillDate(caseworker, inAWeek);
    await follow(caseworker, caseworker.getByRole("button", { name: "Add action" }));
    expect(await banner(caseworker)).toContain("The action was added");
    const actions = caseworker.locator("#actions + ul");
    expect(await actions.innerText()).toContain(ACTION);
    expect(await actions.innerText()).toContain(`caseworker.sari, due ${shownDay(inAWeek)}`);
    await shot(caseworker, "case-journey-case-no-js-1280.png");
  });

  it("the Review Panel takes it up as an open high-risk case, on an agenda that names nobody", async () => {
    const { reference } = journey;
    const today = londonDay(new Date());
    await follow(coordinator, coordinator.getByRole("link", { name: "Review Panel", exact: true }));
    expect(await heading(coordinator)).toBe("Review Panel");
    await follow(coordinator, coordinator.getByRole("button", { name: "Create a panel meeting" }));
    expect(await heading(coordinator)).toBe("New Review Panel meeting");
    await fillDate(coordinator, today);
    await coordinator.getByLabel("North Somerset Council").check();
    await coordinator.getByLabel("Stand Against Racism and Inequality").check();
    await follow(coordinator, coordinator.getByRole("button", { name: "Create meeting" }));
    expect(await banner(coordinator)).toContain("The meeting was created with the cases the rules propose");
    expect(await heading(coordinator)).toBe(`Review Panel meeting, ${shownDay(today)}`);
    journey.meetingPath = new URL(coordinator.url()).pathname;
    const row = coordinator.getByRole("row").filter({ has: coordinator.getByRole("rowheader", { name: reference }) });
    expect(await row.getByRole("cell").first().innerText()).toBe("High risk");

    await follow(coordinator, coordinator.getByRole("button", { name: "Open the agenda" }));
    expect(await heading(coordinator)).toBe(`Hate Crime Review Panel agenda, ${shownDay(today)}`);
    const agenda = await coordinator.locator("body").innerText();
    expect(agenda).toContain(`Case ${reference}`);
    expect(agenda).toContain("Agencies attending: North Somerset Council, Stand Against Racism and Inequality");
    expect(agenda).toContain("Religion or belief");
    // Pseudonymised: nobody's name, contact details or words.
    for (const personal of [NAME, EMAIL, NARRATIVE, CONTACT_NOTE, ACTION]) expect(agenda).not.toContain(personal);
    expect(await axeViolations(coordinator), "the agenda").toEqual([]);
    await shot(coordinator, "case-journey-agenda-1280.png");
    await follow(coordinator, coordinator.getByRole("link", { name: "Back to the meeting" }));

    await follow(coordinator, coordinator.getByRole("link", { name: `Record the decision on ${reference}` }));
    expect(await heading(coordinator)).toBe("Record the panel's decision");
    await coordinator.getByLabel("The panel's decision").fill(PANEL_DECISION);
    await coordinator.getByLabel("What needs to be done").fill(PANEL_ACTION);
    await coordinator.getByLabel("Who owns it").selectOption({ label: "caseworker.sari (SARI)" });
    const inAFortnight = addDays(today, 14);
    await fillDate(coordinator, inAFortnight);
    await follow(coordinator, coordinator.getByRole("button", { name: "Save decision" }));
    expect(await banner(coordinator)).toContain(`The panel's decision on ${reference} was recorded`);
    expect(await row.getByRole("cell").nth(2).innerText()).toContain(`Recorded ${shownDay(today)}`);

    // The case shows its panel history and the panel's action.
    await follow(coordinator, coordinator.getByRole("rowheader", { name: reference }).getByRole("link"));
    const panel = coordinator.locator("#panel + ul");
    expect(await panel.getByRole("link", { name: `Panel meeting, ${shownDay(today)}` }).getAttribute("href")).toBe(
      journey.meetingPath,
    );
    expect(await panel.innerText()).toContain(PANEL_DECISION);
    const panelAction = coordinator.locator("#actions + ul > li").filter({ hasText: PANEL_ACTION });
    expect(await panelAction.innerText()).toContain(`caseworker.sari, due ${shownDay(inAFortnight)}`);
  });

  it("the caseworker closes it once its actions are done", async () => {
    const { reference } = journey;
    await caseworker.reload();
    await follow(caseworker, caseworker.getByRole("link", { name: "Close the case" }));
    expect(await heading(caseworker)).toBe("Close the case");
    await caseworker.getByLabel("Support given").check();
    await caseworker.getByLabel("Closing summary").fill(SUMMARY);
    await follow(caseworker, caseworker.getByRole("button", { name: "Close the case" }));
    // Refused, with what was typed kept: two actions (hers and the panel's) are still open.
    expect(await caseworker.locator(".govuk-error-summary").innerText()).toContain(
      "Mark the 2 open actions as done before closing the case",
    );
    expect(await caseworker.getByLabel("Closing summary").inputValue()).toBe(SUMMARY);

    await follow(caseworker, caseworker.getByRole("link", { name: "Back to the case" }));
    for (const action of [ACTION, PANEL_ACTION]) {
      await follow(caseworker, caseworker.getByRole("button", { name: new RegExp(`^Mark as done ?: ${action}$`) }));
      expect(await banner(caseworker)).toContain("The action was marked as done");
    }
    expect(await caseworker.getByRole("button", { name: /^Mark as done/ }).count()).toBe(0);
    expect(await caseworker.locator("#actions + ul").innerText()).toContain(`done ${formatDate(new Date())}`);

    await follow(caseworker, caseworker.getByRole("link", { name: "Close the case" }));
    await caseworker.getByLabel("Support given").check();
    await caseworker.getByLabel("Closing summary").fill(SUMMARY);
    await follow(caseworker, caseworker.getByRole("button", { name: "Close the case" }));
    expect(new URL(caseworker.url()).pathname).toBe(`/partners/cases/${reference}`);
    expect(await banner(caseworker)).toContain("The case was closed");
    expect(await summary(caseworker, "Status")).toBe("Closed");
    expect(await summary(caseworker, "Outcome")).toBe("Support given");
    expect(await summary(caseworker, "Closing summary")).toBe(SUMMARY);
    expect(await summary(caseworker, "Closed")).toBe(formatDate(new Date()));
    expect(await caseworker.getByRole("link", { name: "Reopen the case" }).count()).toBe(1);
    await shot(caseworker, "case-journey-closed-no-js-1280.png");

    // No longer one of her open cases.
    await follow(caseworker, caseworker.getByRole("link", { name: "Your updates" }));
    expect(await caseworker.getByRole("link", { name: reference, exact: true }).count()).toBe(0);
  });

  it("the audit trail holds who viewed and changed the case", async () => {
    const { reference } = journey;
    const events = await app.db.prisma.auditEvent.findMany({
      where: { entityType: "Case", entityId: reference },
      orderBy: { id: "asc" },
    });
    const by = (action: string) => events.filter((e) => e.action === action).map((e) => e.actorEmail);
    const coord = partners.caseCoordinator.email;
    const sari = partners.sariCaseworker.email;
    expect(by("case.viewed")).toEqual(expect.arrayContaining([coord, sari]));
    expect(by("case.triaged")).toEqual([coord]);
    expect(by("case.contact-recorded")).toEqual([sari]);
    // Hers, and the panel's (added by the coordinator recording the decision).
    expect(by("case.action-added")).toEqual([sari, coord]);
    expect(by("case.action-done")).toEqual([sari, sari]);
    expect(by("case.closed")).toEqual([sari]);
    const changes = events.filter((e) => e.action !== "case.viewed").map((e) => e.action);
    expect(changes).toEqual([
      "case.triaged",
      "case.contact-recorded",
      "case.action-added",
      "case.action-added",
      "case.action-done",
      "case.action-done",
      "case.closed",
    ]);

    const meetingId = journey.meetingPath.split("/").pop()!;
    const panelEvents = await app.db.prisma.auditEvent.findMany({
      where: { entityType: "PanelMeeting", entityId: meetingId },
      orderBy: { id: "asc" },
    });
    expect(panelEvents.map((e) => e.action)).toEqual(
      expect.arrayContaining(["panel.created", "panel.agenda-viewed", "panel.decision-recorded"]),
    );
    expect(new Set(panelEvents.map((e) => e.actorEmail))).toEqual(new Set([coord]));

    // The coordinator reaches the case's own audit trail from the case page.
    await coordinator.reload();
    await follow(coordinator, coordinator.getByRole("link", { name: "Audit trail of this case" }));
    expect(await heading(coordinator)).toBe("Audit trail");
    const table = await coordinator.getByRole("table").innerText();
    expect(table).toContain(sari);
    expect(table).toContain(coord);
  });
});
