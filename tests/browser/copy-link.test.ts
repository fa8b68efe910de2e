// The set-password link's copy button in Chromium: it appears only where JavaScript can copy,
// copies the full address, and says so. Reached as a coordinator would: Reset password, then
// the "Are you sure?" page's button.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, type RunningBrowser, startApp, startBrowser } from "../helpers/browser.ts";

let app: RunningApp;
let browser: RunningBrowser;

beforeAll(async () => {
  app = await startApp();
  browser = await startBrowser(app.baseUrl);
  await browser.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: app.baseUrl });
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe("the set-password link", () => {
  it("has a copy button that copies the full address", async () => {
    const page = await browser.newPage({ width: 1024, height: 800 });
    await page.goto(`${app.baseUrl}/partners/sign-in`);
    await page.fill("#email", "coordinator@rhins.example");
    await page.fill("#password", "correct horse battery staple");
    await Promise.all([page.waitForURL(`${app.baseUrl}/partners`), page.click("main form button[type=submit]")]);

    await page.goto(`${app.baseUrl}/partners/accounts`);
    const officer = await app.db.prisma.user.findUniqueOrThrow({ where: { email: "officer.police@rhins.example" } });
    await page.click(`a[href="/partners/accounts/${officer.id}/reset"]`);
    await expect.poll(() => page.textContent("h1")).toContain("Are you sure you want to reset");
    await page.getByRole("button", { name: "Reset the password" }).click();

    const link = (await page.textContent("#set-password-link"))!.trim();
    expect(link).toMatch(/^http:\/\/localhost:\d+\/partners\/set-password\/[\w-]+$/);
    const copy = page.getByRole("button", { name: "Copy link" });
    await expect.poll(() => copy.isVisible()).toBe(true);
    await copy.click();
    await expect.poll(() => page.textContent("[data-copy-status]")).toBe("Link copied");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
    await page.close();
  });
});
