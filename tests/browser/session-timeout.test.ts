// The timeout warning in Chromium: two minutes before the session ends a modal dialog takes focus,
// "Stay signed in" restarts the session on the server, and when time runs out the dialog says so;
// the words typed on the page then survive the session's end through signing in again. The page's
// clock is Playwright's, moved on by half an hour in an instant; the server's session is ended in
// the database, as the 30 minutes would.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CHROMIUM,
  CHROMIUM_ARGS,
  RESULTS_DIR,
  type RunningApp,
  type RunningBrowser,
  startApp,
  startBrowser,
} from "../helpers/browser.ts";

let app: RunningApp;
let browser: RunningBrowser;
let axeSource: string;
let formPath: string;

beforeAll(async () => {
  app = await startApp();
  browser = await startBrowser(app.baseUrl);
  axeSource = await readFile(new URL("../../node_modules/axe-core/axe.min.js", import.meta.url), "utf8");
  const commitment = await app.db.prisma.commitment.findFirstOrThrow({
    where: { allAgencies: false, leads: { every: { agency: { code: "NSC" } }, some: {} } },
    orderBy: { id: "asc" },
  });
  formPath = `/partners/commitments/${commitment.id}/reviews/1`;
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const OFFICER = "officer.nsc@rhins.example";

/** A tab with Playwright's clock, signed in as the NSC officer, on the review form with words typed. */
async function typing(words: string): Promise<Page> {
  const page = await browser.newPage({ width: 1024, height: 800 });
  await page.clock.install();
  await page.goto(`${app.baseUrl}/partners/sign-in`);
  // Tabs share the session's end through localStorage; each test starts from nothing shared.
  await page.evaluate(() => window.localStorage.clear());
  await page.fill("#email", OFFICER);
  await page.fill("#password", "correct horse battery staple");
  await Promise.all([page.waitForURL(`${app.baseUrl}/partners`), page.click("main form button[type=submit]")]);
  await page.goto(`${app.baseUrl}${formPath}`);
  await page.getByLabel("Amber", { exact: true }).check();
  await page.fill("#commentary", words);
  return page;
}

async function sessionExpiry(): Promise<number> {
  const user = await app.db.prisma.user.findUniqueOrThrow({ where: { email: OFFICER } });
  const session = await app.db.prisma.webSession.findFirstOrThrow({
    where: { userId: user.id },
    orderBy: { createdAt: "desc" },
  });
  return session.expiresAt.getTime();
}

async function axe(page: Page) {
  await page.evaluate(axeSource);
  return page.evaluate<{ id: string; nodes: string[] }[]>(`
    axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"] },
      resultTypes: ["violations"],
    }).then((r) => r.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(" ")) })))
  `);
}

/** Where focus is: in the dialog, and on what. */
const focus = (page: Page) =>
  page.evaluate(() => ({
    inDialog: Boolean(document.activeElement?.closest("dialog[open]")),
    text: document.activeElement?.textContent?.trim() ?? "",
    id: document.activeElement?.id ?? "",
  }));

describe("the timeout warning", () => {
  it("opens 2 minutes before the end with focus in it, and Stay signed in keeps the session", async () => {
    const page = await typing("Monitoring form drafted");
    const dialog = page.getByRole("dialog", { name: "You are about to be signed out" });
    expect(await dialog.isVisible()).toBe(false);

    // 29 minutes is what the page is sure of (the store writes the expiry once a minute at most).
    await page.clock.fastForward("26:50");
    expect(await dialog.isVisible()).toBe(false);
    await page.clock.fastForward("00:20");
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.getAttribute("aria-modal")).toBe("true");
    expect(await focus(page)).toMatchObject({ inDialog: true, text: "Stay signed in" });
    expect(await dialog.textContent()).toMatch(/we will sign you out in (2 minutes|1 minute \d+ seconds?)/);

    // Focus stays in the dialog, going round its two buttons either way.
    const seen: string[] = [];
    for (const key of ["Tab", "Tab", "Tab", "Shift+Tab", "Shift+Tab"]) {
      await page.keyboard.press(key);
      const now = await focus(page);
      expect(now.inDialog, `${key}: ${now.text.slice(0, 80)}`).toBe(true);
      seen.push(now.text);
    }
    expect(seen).toEqual(["Sign out", "Stay signed in", "Sign out", "Stay signed in", "Sign out"]);
    expect(await axe(page)).toEqual([]);
    await page.screenshot({ path: path.join(RESULTS_DIR, "screenshots", "partners-timeout-warning.png") });

    // The countdown moves on, and every 30 seconds a screen reader hears it.
    await page.clock.runFor(31_000);
    expect(await dialog.textContent()).toMatch(/sign you out in 1 minute \d+ seconds?/);
    expect(await page.locator("[data-timeout-announce]").textContent()).toMatch(/^We will sign you out in 1 minute/);

    const before = await sessionExpiry();
    const [keptAlive] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith("/partners/keep-alive")),
      page.getByRole("button", { name: "Stay signed in" }).click(),
    ]);
    expect(keptAlive.status()).toBe(200);
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(await sessionExpiry()).toBeGreaterThan(before);
    // Back where they were, with the words as they were.
    expect(await focus(page)).toMatchObject({ id: "commentary", inDialog: false });
    expect(await page.inputValue("#commentary")).toBe("Monitoring form drafted");
    await page.close();
  });

  it("says the session has ended when time runs out, and the words survive signing in again", async () => {
    const words = "Panel terms agreed; chair still to appoint — typed over a long lunch";
    const page = await typing(words);
    await page.clock.fastForward("27:10");
    await expect
      .poll(() => page.getByRole("dialog", { name: "You are about to be signed out" }).isVisible())
      .toBe(true);
    await page.clock.fastForward("02:10");
    const ended = page.getByRole("dialog", { name: "You have been signed out" });
    await expect.poll(() => ended.isVisible()).toBe(true);
    expect(await focus(page)).toMatchObject({ inDialog: true, text: "Close this message" });
    expect(await page.locator("[data-timeout-announce]").textContent()).toBe("You have been signed out.");
    expect(await axe(page)).toEqual([]);
    await page.screenshot({ path: path.join(RESULTS_DIR, "screenshots", "partners-timeout-ended.png") });
    await page.getByRole("button", { name: "Close this message" }).click();
    await expect.poll(() => ended.isVisible()).toBe(false);
    expect(await focus(page)).toMatchObject({ id: "commentary" });

    // The server's session ends too, as its 30 minutes would; then the officer presses Save.
    await app.db.prisma.webSession.updateMany({ data: { expiresAt: new Date(Date.now() - 1_000) } });
    await page.getByRole("button", { name: "Save update" }).click();
    await page.waitForURL(`${app.baseUrl}/partners/sign-in`);
    expect(await page.textContent("main")).toContain("what you typed has been kept, but not saved");
    await page.fill("#email", OFFICER);
    await page.fill("#password", "correct horse battery staple");
    await Promise.all([page.waitForURL(`${app.baseUrl}${formPath}`), page.click("main form button[type=submit]")]);
    expect(await page.textContent(".govuk-notification-banner")).toContain(
      "What you typed has been put back, but it has not been saved yet",
    );
    expect(await page.inputValue("#commentary")).toBe(words);
    expect(await page.getByLabel("Amber", { exact: true }).isChecked()).toBe(true);
    expect(await axe(page)).toEqual([]);
    await page.screenshot({
      path: path.join(RESULTS_DIR, "screenshots", "partners-form-restored.png"),
      fullPage: true,
    });
    await page.close();
  });

  it("changes nothing without JavaScript: the dialog stays closed", async () => {
    const profile = await mkdtemp(path.join(os.tmpdir(), "rhins-nojs-"));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      javaScriptEnabled: false,
      args: [...CHROMIUM_ARGS, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"],
    });
    try {
      const page = await context.newPage();
      await page.goto(`${app.baseUrl}/partners/sign-in`);
      await page.fill("#email", OFFICER);
      await page.fill("#password", "correct horse battery staple");
      await Promise.all([page.waitForURL(`${app.baseUrl}/partners`), page.click("main form button[type=submit]")]);
      await page.goto(`${app.baseUrl}${formPath}`);
      expect(await page.locator("dialog#session-timeout").count()).toBe(1);
      expect(await page.locator("dialog#session-timeout").isVisible()).toBe(false);
      expect(await page.getByRole("button", { name: "Stay signed in" }).count()).toBe(0);
      expect(await page.getByRole("button", { name: "Save update" }).isVisible()).toBe(true);
    } finally {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    }
  });
});
