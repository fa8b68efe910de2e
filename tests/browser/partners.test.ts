// An officer records a quarterly review in a real browser, with and without JavaScript, and the
// dashboard changes. (Also proves real browsers pass the CSRF Origin check on our forms.)
import { mkdtemp, rm } from "node:fs/promises";
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

beforeAll(async () => {
  app = await startApp();
  browser = await startBrowser(app.baseUrl);
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function signIn(page: Page, email: string) {
  await page.goto(`${app.baseUrl}/partners/sign-in`);
  await page.fill("#email", email);
  await page.fill("#password", "correct horse battery staple");
  await Promise.all([page.waitForURL(`${app.baseUrl}/partners`), page.click("main form button[type=submit]")]);
}

describe("an officer's quarterly update in the browser", () => {
  it("goes from the task list to a saved review, and the dashboard shows it", async () => {
    const page = await browser.newPage({ width: 375, height: 800 });
    await signIn(page, "officer.nsc@rhins.example");
    // The dashboard shows the quarter with the nearest deadline; choose quarter 1 instead.
    const amberInQ1 = async () => {
      if (await page.getByRole("button", { name: "Menu" }).isVisible())
        await page.getByRole("button", { name: "Menu" }).click();
      await page.getByRole("link", { name: "Dashboard" }).click();
      await page.getByLabel("Plan and quarter").selectOption("2023-24:1");
      await page.getByRole("button", { name: "Show" }).click();
      await expect.poll(() => page.textContent("main")).toContain("Hate Crime Plan 2023/24, quarter 1");
      return page.locator("table").first().locator("tr", { hasText: "Amber" }).locator("td").last().textContent();
    };
    const amberBefore = await amberInQ1();

    // On a phone the partner navigation folds into a Menu button.
    await page.getByRole("button", { name: "Menu" }).click();
    await page.getByRole("link", { name: "Your updates" }).click();
    // Every open quarter with updates to record is listed, the soonest deadline (quarter 1) first.
    await page
      .getByRole("link", { name: /Implement a new dedicated Community Tension monitoring process/ })
      .first()
      .click();
    await expect.poll(() => page.textContent("h1")).toContain("Update a commitment");

    // Amber without commentary: the error summary takes the user to the field.
    await page.getByLabel("Amber", { exact: true }).check();
    await page.getByRole("button", { name: "Save update" }).click();
    await expect.poll(() => page.textContent(".govuk-error-summary")).toContain("Enter commentary");
    await page.fill("#commentary", "Monitoring form drafted; waiting for police data sharing agreement");
    await page.getByRole("button", { name: "Save update" }).click();
    await expect.poll(() => page.textContent(".govuk-notification-banner")).toContain("Quarter 1 update saved for NSC");
    await page.screenshot({
      path: path.join(RESULTS_DIR, "screenshots", "partners-review-saved-375.png"),
      fullPage: true,
    });

    const amberAfter = await amberInQ1();
    expect(Number(amberAfter)).toBe(Number(amberBefore) + 1);
    await page.screenshot({
      path: path.join(RESULTS_DIR, "screenshots", "partners-dashboard-375.png"),
      fullPage: true,
    });
    await page.close();
  });

  it("works without JavaScript too", async () => {
    const profile = await mkdtemp(path.join(os.tmpdir(), "rhins-nojs-"));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      javaScriptEnabled: false,
      args: [...CHROMIUM_ARGS, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"],
    });
    try {
      const page = await context.newPage();
      await signIn(page, "officer.police@rhins.example");
      await page.getByRole("link", { name: "Your updates" }).click();
      await page
        .getByRole("link", { name: /Develop lessons plans and resources/ })
        .first()
        .click();
      await page.getByLabel("Green", { exact: true }).check();
      await page.fill("#commentary", "Two schools booked");
      await page.getByRole("button", { name: "Save update" }).click();
      await expect
        .poll(() => page.textContent(".govuk-notification-banner"))
        .toContain("Quarter 1 update saved for Police");
    } finally {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    }
  });

  it("signs out from the navigation", async () => {
    const page = await browser.newPage();
    await signIn(page, "viewer@rhins.example");
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect.poll(() => page.textContent("h1")).toContain("You have signed out");
    await page.goto(`${app.baseUrl}/partners`);
    expect(new URL(page.url()).pathname).toBe("/partners/sign-in");
    await page.close();
  });
});

describe("the partner plan on a phone", () => {
  it.each([320, 375])(
    "fits %i px: the wide tables scroll inside their own labelled regions, never the page",
    async (width) => {
      const page = await browser.newPage({ width, height: 800 });
      await signIn(page, "officer.nsc@rhins.example");
      await page.goto(`${app.baseUrl}/partners/plans/2023-24`);
      const sizes = await page.evaluate(() => ({
        page: document.documentElement.scrollWidth,
        viewport: window.innerWidth,
        regions: [...document.querySelectorAll<HTMLElement>("section.rhins-table-scroll")].map((r) => ({
          label: document.getElementById(r.getAttribute("aria-labelledby") ?? "")?.textContent?.trim() ?? "",
          scrolls: r.scrollWidth > r.clientWidth,
          focusable: r.tabIndex === 0,
        })),
      }));
      expect(sizes.page).toBeLessThanOrEqual(sizes.viewport);
      expect(sizes.regions.length).toBeGreaterThan(1);
      for (const region of sizes.regions) {
        expect(region.label).not.toBe("");
        expect(region.focusable).toBe(true);
      }
      expect(sizes.regions.some((r) => r.scrolls)).toBe(true);
      await page.close();
    },
  );
});
