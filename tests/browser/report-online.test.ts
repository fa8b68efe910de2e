// The online report in Debian's Chromium on a 375 × 667 phone: the anonymous journey with
// JavaScript off and a named one with it on, each reaching the confirmation with a reference and
// receipt code and leaving no cookie; every page fits the screen; Exit this page in the middle
// deletes the draft and the cookie. Screenshots go to test-results/screenshots.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { contacts } from "../../src/content/contacts.ts";
import { REPORT_COOKIE } from "../../src/routes/report/online.ts";
import { CHROMIUM, CHROMIUM_ARGS, RESULTS_DIR, axeViolations, startApp, type RunningApp } from "../helpers/browser.ts";

const PHONE = { width: 375, height: 667 };
const SCREENSHOTS = path.join(RESULTS_DIR, "screenshots");

let app: RunningApp;
const opened: { context: BrowserContext; profile: string }[] = [];
/** Pages running JavaScript (axe-core needs it). */
const scripted = new WeakSet<Page>();

beforeAll(async () => {
  app = await startApp();
  await mkdir(SCREENSHOTS, { recursive: true });
});

afterEach(async () => {
  for (const { context, profile } of opened.splice(0)) {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
});

afterAll(async () => {
  await app?.close();
});

/** A fresh phone-sized browser, with or without JavaScript. */
async function phone({ javaScript }: { javaScript: boolean }): Promise<{ context: BrowserContext; page: Page }> {
  const profile = await mkdtemp(path.join(os.tmpdir(), "rhins-report-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    javaScriptEnabled: javaScript,
    viewport: PHONE,
    args: [...CHROMIUM_ARGS, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"],
  });
  opened.push({ context, profile });
  const page = context.pages()[0] ?? (await context.newPage());
  if (javaScript) scripted.add(page);
  return { context, page };
}

const reportCookies = async (context: BrowserContext) =>
  (await context.cookies()).filter((c) => c.name === REPORT_COOKIE);

/**
 * Continue to the next page, checking the one left: it fits a phone (nothing scrolls sideways)
 * and, with JavaScript, axe-core finds nothing wrong in it, colour contrast included.
 */
async function next(page: Page, button = "Continue") {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `${page.url()} fits 375px`).toBeLessThanOrEqual(PHONE.width);
  if (scripted.has(page)) expect(await axeViolations(page), page.url()).toEqual([]);
  await page.getByRole("button", { name: button }).click();
  await page.waitForLoadState();
}

const heading = (page: Page) => page.locator("h1").innerText();

/** The answers both journeys give up to "What would you like to happen?". */
async function firstSteps(page: Page) {
  await page.goto(`${app.baseUrl}/report/online`);
  await page.getByRole("button", { name: "Start now" }).click();
  expect(await heading(page)).toBe("Who is reporting?");
  await page.getByLabel("It happened to me").check();
  await next(page);

  expect(await heading(page)).toBe("What happened?");
  await page.locator("#narrative").fill("Two men shouted homophobic abuse at us outside the library.");
  if (scripted.has(page))
    await expect
      .poll(() => page.locator(".govuk-character-count__status").innerText())
      .toMatch(/^You have 4,9\d\d characters remaining$/);
  await page.getByLabel("Verbal abuse, such as name-calling or insults").check();
  await next(page);

  await page.getByLabel("Sexual orientation").check();
  await next(page);

  const lastWeek = new Date(Date.now() - 7 * 86_400_000);
  await page.getByLabel("I know the date").check();
  await page.getByLabel("Day").fill(String(lastWeek.getUTCDate()));
  await page
    .getByLabel("Month", { exact: true })
    .first()
    .fill(String(lastWeek.getUTCMonth() + 1));
  await page.getByLabel("Year").first().fill(String(lastWeek.getUTCFullYear()));
  await page.getByLabel("No", { exact: true }).check();
  await next(page);

  await page.getByLabel("Weston-super-Mare").check();
  await page.getByLabel("In the street or another public place").check();
  await next(page);
}

async function sendAndReadConfirmation(page: Page) {
  expect(await heading(page)).toBe("Check your answers before sending your report");
  await page.getByLabel("I confirm that what I have said is true to the best of my knowledge").check();
  await page.screenshot({ path: path.join(SCREENSHOTS, "report-online-check-answers-375.png"), fullPage: true });
  await next(page, "Send report");
  expect(await heading(page)).toContain("Report sent");
  const reference = await page.locator(".rhins-reference").innerText();
  const receiptCode = await page.locator("#receipt-code").innerText();
  expect(reference).toMatch(/^RH-/);
  expect(receiptCode).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
  return { reference, receiptCode };
}

describe("reporting online on a phone", () => {
  it("anonymously, without JavaScript", async () => {
    const { context, page } = await phone({ javaScript: false });
    await firstSteps(page);

    expect(await heading(page)).toBe("Was anyone hurt?");
    // Without JavaScript, the 999 warning is always shown beside "Yes".
    expect(await page.getByText("Do not wait to finish this form").isVisible()).toBe(true);
    await next(page);
    await next(page); // the people who did it: skipped
    await page.getByLabel("No", { exact: true }).check();
    await next(page);
    await page.getByLabel("Support from a caseworker").check();
    await next(page);
    await page.getByLabel("Report without giving my name").check();
    await next(page);
    expect(await heading(page)).toBe("About you");
    await next(page);

    const { reference, receiptCode } = await sendAndReadConfirmation(page);
    await page.screenshot({ path: path.join(SCREENSHOTS, "report-online-confirmation-375.png"), fullPage: true });
    expect(await page.locator("main").innerText()).toContain("A caseworker will leave a message for you");
    expect(await reportCookies(context)).toEqual([]);
    const row = await app.db.prisma.incidentReport.findUniqueOrThrow({ where: { reference } });
    expect(row.anonymous).toBe(true);
    // In the triage queue of a coordinator with case access.
    const triager = { role: "COORDINATOR" as const, agencyId: null, caseAccess: true };
    const queue = await app.services.cases.list(triager, { status: "NEW" }, 1);
    expect(queue.cases.map((c) => c.reference)).toContain(reference);

    // Later, a coordinator writes; the reporter reads it with the reference and receipt code
    // written down, and answers, still without giving a name, a cookie or anything in the address.
    const coordinator = await app.db.prisma.user.findFirstOrThrow({ where: { role: "COORDINATOR" } });
    await app.services.reports.sendMessage(
      { id: coordinator.id, email: coordinator.email },
      reference,
      "Thank you for telling us. Would you like to talk to someone at SARI?",
    );
    await page.goto(`${app.baseUrl}/report/follow-up`);
    await page.getByLabel("Reference").fill(reference.toLowerCase());
    await page.getByLabel("Receipt code").fill(receiptCode.replaceAll("-", " "));
    await next(page, "Read messages");
    expect(await page.locator("main").innerText()).toContain("Would you like to talk to someone at SARI?");
    await page.getByLabel("Reply to the caseworker").fill("Yes please, in the evening.");
    await page.screenshot({ path: path.join(SCREENSHOTS, "report-follow-up-375.png"), fullPage: true });
    await next(page, "Send reply");
    expect(await page.locator("main").innerText()).toContain("Yes please, in the evening.");
    expect(page.url()).toBe(`${app.baseUrl}/report/follow-up/reply`);
    expect(await context.cookies()).toEqual([]);
    const replies = await app.db.prisma.reportMessage.findMany({ where: { reportId: row.id, fromReporter: true } });
    expect(replies).toHaveLength(1);
  });

  it("with a name, with JavaScript: conditional questions open as they are chosen", async () => {
    const { context, page } = await phone({ javaScript: true });
    await firstSteps(page);

    // The warning to call 999 appears as soon as "Yes" is chosen.
    const warning = page.getByText("Do not wait to finish this form");
    expect(await warning.isVisible()).toBe(false);
    await page.locator("#needsHelpNow").check();
    await expect.poll(() => warning.isVisible()).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, "report-online-hurt-375.png"), fullPage: true });
    await next(page);
    await next(page);
    await page.getByLabel("Yes", { exact: true }).check();
    await page.getByLabel("Crime reference number, if you know it").fill("5224012345");
    await next(page);
    await page.getByLabel("Support from a caseworker").check();
    await next(page);

    await page.getByLabel("Give my name and how to contact me").check();
    await page.getByLabel("Your name").fill("Sam Example");
    await page.getByLabel("Email", { exact: true }).check();
    await page.getByLabel("Email address").fill("sam@example.com");
    await page.screenshot({ path: path.join(SCREENSHOTS, "report-online-contact-375.png"), fullPage: true });
    await next(page);
    await next(page);

    const { reference } = await sendAndReadConfirmation(page);
    expect(await page.locator("main").innerText()).toContain("A caseworker will contact you within 5 working days");
    expect(await reportCookies(context)).toEqual([]);
    const row = await app.db.prisma.incidentReport.findUniqueOrThrow({ where: { reference } });
    expect(row).toMatchObject({ anonymous: false, policeTold: "YES", needsHelpNow: true });
  });

  it("shows a crime reference typed under Yes, then No chosen, beside its error, so it can be cleared", async () => {
    const { page } = await phone({ javaScript: true });
    await firstSteps(page);
    await next(page);
    await next(page);
    await page.getByLabel("Yes", { exact: true }).check();
    await page.getByLabel("Crime reference number, if you know it").fill("5224012345");
    await page.getByLabel("No", { exact: true }).check();
    await next(page);
    await page.getByRole("link", { name: /Only give a crime reference number/ }).click();
    const field = page.getByLabel("Crime reference number, if you know it");
    expect(await field.isVisible()).toBe(true);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("crimeReference");
    await field.fill("");
    await next(page);
    expect(await heading(page)).toBe("What would you like to happen?");
  });

  it.each([
    ["by the Exit this page button", "button"],
    ["by Shift pressed three times", "shift"],
    ["without JavaScript, by the plain link", "link"],
  ] as const)("Exit this page in the middle, %s, leaves no cookie and no draft", async (_, how) => {
    const { context, page } = await phone({ javaScript: how !== "link" });
    const drafts = () => app.db.prisma.reportDraft.count();
    const before = await drafts();
    await page.goto(`${app.baseUrl}/report/online`);
    await page.getByRole("button", { name: "Start now" }).click();
    await page.getByLabel("I saw it happen").check();
    await next(page);
    expect(await reportCookies(context)).toHaveLength(1);
    expect(await drafts()).toBe(before + 1);

    if (how === "button") await page.getByRole("button", { name: "Emergency Exit this page" }).click();
    // The neutral site is reached by our redirect, which routes cannot answer (Playwright only
    // intercepts the first request of a redirect), and the machine has no internet: the browser
    // asking for it is the sign it left.
    const leaving = page.waitForRequest(contacts.exitPage.url);
    if (how === "shift") for (let i = 0; i < 3; i += 1) await page.keyboard.press("Shift");
    if (how === "link") await page.getByRole("link", { name: "Leave this site now" }).click();
    await leaving;

    expect(await reportCookies(context)).toEqual([]);
    expect(await drafts()).toBe(before);
  });
});
