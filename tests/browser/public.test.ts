// The public site in Debian's Chromium (playwright-core): Exit this page by click, by Shift
// pressed three times and without JavaScript; the reporting-centre filter; reflow at 320px;
// axe-core in the page (colour contrast included); revalidated pages still working; nothing
// loaded from another origin; screenshots at 375px and 1280px in test-results/screenshots.
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { contacts } from "../../src/content/contacts.ts";
import { RESULTS_DIR, startApp, startBrowser, type RunningApp, type RunningBrowser } from "../helpers/browser.ts";
import { PUBLIC_PAGES } from "../helpers/public-pages.ts";

const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1280, height: 900 };
const NARROWEST = { width: 320, height: 640 };
const SCREENSHOTS = path.join(RESULTS_DIR, "screenshots");

let app: RunningApp;
let browser: RunningBrowser;
const pages: Page[] = [];

beforeAll(async () => {
  app = await startApp();
  browser = await startBrowser(app.baseUrl);
  await mkdir(SCREENSHOTS, { recursive: true });
});

afterEach(async () => {
  await Promise.all(pages.splice(0).map((p) => p.close()));
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function open(viewport = DESKTOP, { javaScript = true } = {}): Promise<Page> {
  const page = await browser.newPage(viewport);
  pages.push(page);
  if (!javaScript) {
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send("Emulation.setScriptExecutionDisabled", { value: true });
  }
  return page;
}

/**
 * Answers navigations to the neutral exit site inside the browser (the machine has no internet,
 * and no request may leave it) and records each attempt.
 */
async function interceptExit(page: Page): Promise<string[]> {
  const attempts: string[] = [];
  const exit = new URL(contacts.exitPage.url);
  await page.route(
    (url) => url.origin === exit.origin,
    (route) => {
      attempts.push(route.request().url());
      return route.fulfill({
        status: 200,
        contentType: "text/html",
        body: "<!DOCTYPE html><title>Weather</title><h1>Weather</h1>",
      });
    },
  );
  return attempts;
}

async function frontendStarted(page: Page): Promise<boolean> {
  return page.evaluate<boolean>("document.body.classList.contains('govuk-frontend-supported')");
}

describe("Exit this page", () => {
  it("leaves for the neutral site when the button is selected", async () => {
    const page = await open(PHONE);
    const attempts = await interceptExit(page);
    await page.goto(`${app.baseUrl}/report`);
    expect(await frontendStarted(page)).toBe(true);
    await page.getByRole("button", { name: "Emergency Exit this page" }).click();
    await page.waitForURL(contacts.exitPage.url);
    expect(attempts).toEqual([contacts.exitPage.url]);
    expect(await page.title()).toBe("Weather");
  });

  it("leaves when Shift is pressed three times", async () => {
    const page = await open(DESKTOP);
    const attempts = await interceptExit(page);
    await page.goto(`${app.baseUrl}/what-is-hate-crime`);
    expect(await frontendStarted(page)).toBe(true);
    for (let i = 0; i < 3; i += 1) await page.keyboard.press("Shift");
    await page.waitForURL(contacts.exitPage.url);
    expect(attempts).toEqual([contacts.exitPage.url]);
  });

  it("still leaves by Shift three times after the browser revalidates a cached page (304)", async () => {
    const page = await open(DESKTOP);
    const before = app.served.length;
    await page.goto(`${app.baseUrl}/support`);
    await page.reload();
    const served = app.served.slice(before).filter((r) => r.url === "/support");
    expect(served.map((r) => r.status)).toEqual([200, 304]);
    expect(served[1]?.ifNoneMatch).toMatch(/^W\//);
    // The page came from the cache with the policy stored beside it, so its script still ran.
    expect(await frontendStarted(page)).toBe(true);
    // Intercepting turns the HTTP cache off, so the exit site is answered only from here on.
    const attempts = await interceptExit(page);
    for (let i = 0; i < 3; i += 1) await page.keyboard.press("Shift");
    await page.waitForURL(contacts.exitPage.url);
    expect(attempts).toHaveLength(1);
  });

  it("leaves by the plain link when JavaScript is off", async () => {
    const page = await open(PHONE, { javaScript: false });
    const attempts = await interceptExit(page);
    await page.goto(`${app.baseUrl}/`);
    expect(await page.evaluate<string>("document.body.className")).toBe("govuk-template__body");
    const plain = page.getByRole("link", { name: "Leave this site now" });
    await expect(plain.isVisible()).resolves.toBe(true);
    await plain.click();
    await page.waitForURL(contacts.exitPage.url);
    expect(attempts).toEqual([contacts.exitPage.url]);
  });

  it("hides the plain link when JavaScript runs, as the button then does everything", async () => {
    const page = await open(PHONE);
    await page.goto(`${app.baseUrl}/`);
    await expect(page.getByRole("link", { name: "Leave this site now" }).isVisible()).resolves.toBe(false);
    await expect(
      page.getByRole("link", { name: "How to leave quickly and hide your visit" }).isVisible(),
    ).resolves.toBe(true);
  });
});

describe("the reporting-centre finder", () => {
  it.each([
    ["with JavaScript", true],
    ["without JavaScript", false],
  ])("filters by town and by what the centre offers %s", async (_label, javaScript) => {
    const page = await open(PHONE, { javaScript });
    await page.goto(`${app.baseUrl}/reporting-centres`);
    const names = () => page.locator(".govuk-summary-card__title").allInnerTexts();
    expect(await names()).toHaveLength(6);

    await page.getByLabel("Weston-super-Mare").check();
    await page.getByRole("button", { name: "Show reporting centres" }).click();
    await page.waitForURL(/\/reporting-centres\?town=Weston-super-Mare/);
    expect(await names()).toEqual(["Weston-super-Mare Library", "Weston-super-Mare Town Council Community Hub"]);
    expect(await page.locator("#results").innerText()).toBe("2 reporting centres in Weston-super-Mare");

    await page.getByLabel("Private room").check();
    await page.getByRole("button", { name: "Show reporting centres" }).click();
    await page.waitForURL(/offer=Private\+room/);
    expect(await names()).toEqual(["Weston-super-Mare Library"]);
    expect(await page.getByLabel("Weston-super-Mare").isChecked()).toBe(true);
    expect(await page.getByLabel("Private room").isChecked()).toBe(true);

    await page.getByRole("link", { name: "Show all reporting centres" }).click();
    expect(await names()).toHaveLength(6);
  });

  it("is reached from the home page in two clicks on a phone, with or without JavaScript", async () => {
    for (const javaScript of [true, false]) {
      const page = await open(PHONE, { javaScript });
      await page.goto(`${app.baseUrl}/`);
      await page.getByRole("link", { name: "Find a reporting centre near you" }).click();
      await page.getByLabel("Clevedon").check();
      await page.getByRole("button", { name: "Show reporting centres" }).click();
      await page.waitForURL(/town=Clevedon/);
      expect(await page.locator(".govuk-summary-card__title").allInnerTexts()).toEqual(["Clevedon Library"]);

      // Or one click, straight from the list of towns.
      await page.goto(`${app.baseUrl}/`);
      await page.getByRole("link", { name: "Nailsea", exact: true }).click();
      expect(await page.locator(".govuk-summary-card__title").allInnerTexts()).toEqual(["Nailsea Library"]);

      // And how to report is one click away.
      await page.goto(`${app.baseUrl}/`);
      await page.getByRole("button", { name: "See all the ways to report" }).click();
      expect(await page.locator("h1").innerText()).toBe("How to report hate crime");
    }
  });
});

describe("every public page", () => {
  it("reflows at 320px wide: nothing scrolls sideways", async () => {
    const page = await open(NARROWEST);
    for (const { path: pagePath } of PUBLIC_PAGES) {
      await page.goto(`${app.baseUrl}${pagePath}`);
      const widths = await page.evaluate<{ scroll: number; client: number }>(
        "({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })",
      );
      expect(widths.scroll, pagePath).toBeLessThanOrEqual(widths.client);
    }
  });

  it("is screenshotted at 375px and 1280px", async () => {
    for (const viewport of [PHONE, DESKTOP]) {
      const page = await open(viewport);
      for (const { path: pagePath, name } of PUBLIC_PAGES) {
        await page.goto(`${app.baseUrl}${pagePath}`);
        const file = path.join(SCREENSHOTS, `${name}-${viewport.width}.png`);
        await page.screenshot({ path: file, fullPage: true });
        expect((await readFile(file)).subarray(1, 4).toString()).toBe("PNG");
      }
    }
  });

  it("shows a visible focus indicator on links and buttons", async () => {
    const page = await open(DESKTOP);
    await page.goto(`${app.baseUrl}/`);
    await page.keyboard.press("Tab"); // the skip link
    expect(await page.evaluate<string>("document.activeElement.textContent.trim()")).toBe("Skip to main content");
    expect(await page.evaluate<boolean>("document.activeElement.getBoundingClientRect().height > 0")).toBe(true);
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    // GOV.UK's focus style: a yellow background or outline on the focused element.
    const style = await page.evaluate<{ background: string; outline: string; shadow: string }>(
      "(() => { const s = getComputedStyle(document.activeElement); return { background: s.backgroundColor, outline: s.outlineStyle, shadow: s.boxShadow }; })()",
    );
    expect(style.background === "rgb(255, 221, 0)" || style.outline !== "none").toBe(true);
  });
});

describe("axe-core in Chromium, colour contrast included", () => {
  let axeSource: string;
  beforeAll(async () => {
    axeSource = await readFile(new URL("../../node_modules/axe-core/axe.min.js", import.meta.url), "utf8");
  });

  it.each(["/", "/report", "/reporting-centres", "/plan"])("finds no violations on %s", async (pagePath) => {
    for (const viewport of [PHONE, DESKTOP]) {
      const page = await open(viewport);
      await page.goto(`${app.baseUrl}${pagePath}`);
      // Evaluated through the DevTools protocol, so the page's CSP (rightly) does not block it.
      await page.evaluate(axeSource);
      const violations = await page.evaluate<{ id: string; nodes: string[] }[]>(`
        axe.run(document, {
          runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"] },
          resultTypes: ["violations"],
        }).then((r) => r.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(" ")) })))
      `);
      expect(violations, `${pagePath} at ${viewport.width}px`).toEqual([]);
      const contrastChecked = await page.evaluate<number>(
        `axe.run(document, { runOnly: ["color-contrast"] }).then((r) => r.passes.concat(r.violations).length)`,
      );
      expect(contrastChecked).toBeGreaterThan(0);
    }
  });
});

describe("the public site in the browser", () => {
  it("loaded nothing from another origin and set no cookie", async () => {
    const page = await open(DESKTOP);
    const before = browser.foreignRequests.length;
    for (const { path: pagePath } of PUBLIC_PAGES) await page.goto(`${app.baseUrl}${pagePath}`);
    expect(browser.foreignRequests.slice(before)).toEqual([]);
    // Over the whole run, the only other site asked for is the exit site, when a test left for it.
    expect(browser.foreignRequests.filter((url) => url !== contacts.exitPage.url)).toEqual([]);
    expect(await browser.context.cookies()).toEqual([]);
  });

  it("reports no CSP violations or script errors", async () => {
    const page = await open(DESKTOP);
    const problems: string[] = [];
    page.on("console", (msg) => {
      if (msg.type() === "error") problems.push(msg.text());
    });
    page.on("pageerror", (err) => problems.push(err.message));
    for (const { path: pagePath } of PUBLIC_PAGES) await page.goto(`${app.baseUrl}${pagePath}`);
    expect(problems).toEqual([]);
  });
});
