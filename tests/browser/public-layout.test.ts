// How the public pages hold still (issue 13) in Debian's Chromium, with the site's real CSS and
// JavaScript: "Exit this page" stays in the viewport however far a page is scrolled, at a phone's
// width and a desktop's; and a phone page does not jump while it loads (cumulative layout shift
// under 0.1, from the browser's own 'layout-shift' entries). The layout-shift figures are written
// to test-results/layout-shift.json.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { RESULTS_DIR, startApp, startBrowser, type RunningApp, type RunningBrowser } from "../helpers/browser.ts";
import { PUBLIC_PAGES } from "../helpers/public-pages.ts";

const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1280, height: 900 };
/** Web Vitals' threshold for a "good" cumulative layout shift. */
const GOOD_CLS = 0.1;
/**
 * How long the site's scripts are held back. On this machine a page and its scripts arrive at
 * once, so they would run before the first paint and no shift could ever be seen; on a phone the
 * page is painted first and the scripts run later, which is what this reproduces.
 */
const SCRIPT_DELAY_MS = 600;

let app: RunningApp;
let browser: RunningBrowser;
const pages: Page[] = [];
const layoutShift: Record<string, number> = {};

beforeAll(async () => {
  app = await startApp();
  browser = await startBrowser(app.baseUrl);
});
afterEach(async () => {
  await Promise.all(pages.splice(0).map((p) => p.close()));
});
afterAll(async () => {
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(path.join(RESULTS_DIR, "layout-shift.json"), `${JSON.stringify(layoutShift, null, 2)}\n`);
  await browser?.close();
  await app?.close();
});

async function open(viewport: { width: number; height: number }): Promise<Page> {
  const page = await browser.newPage(viewport);
  pages.push(page);
  return page;
}

/**
 * Waits until an expression is true in the page. (page.waitForFunction polls with eval inside the
 * page, which the site's CSP rightly refuses; page.evaluate goes through the DevTools protocol.)
 */
async function until(page: Page, expression: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate<boolean>(expression))) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Where the Exit this page button is on screen, and the viewport's size. */
async function exitButtonBox(page: Page) {
  return page.evaluate<{ top: number; bottom: number; left: number; right: number; width: number; height: number }>(
    `(() => {
      const r = document.querySelector(".govuk-exit-this-page__button").getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: innerWidth, height: innerHeight };
    })()`,
  );
}

describe("Exit this page", () => {
  it.each([
    ["at 375px", PHONE],
    ["at 1280px", DESKTOP],
  ])("stays in view while a long page is scrolled %s", async (_label, viewport) => {
    const page = await open(viewport);
    let scrolledPages = 0;
    for (const { path: pagePath } of PUBLIC_PAGES) {
      await page.goto(`${app.baseUrl}${pagePath}`);
      await until(page, "document.body.classList.contains('govuk-frontend-supported')");
      const scrollable = await page.evaluate<number>("document.documentElement.scrollHeight - innerHeight");
      if (scrollable < viewport.height) continue; // not a long page at this width
      scrolledPages += 1;
      // Part way, then to the very bottom (the footer), as a person scrolling would.
      for (const y of [Math.round(scrollable / 2), scrollable]) {
        await page.mouse.wheel(0, y - (await page.evaluate<number>("scrollY")));
        await until(page, `Math.abs(scrollY - ${y}) < 2`);
        const box = await exitButtonBox(page);
        const where = `${pagePath} at ${viewport.width}px, scrolled to ${y}px`;
        expect(box.top, where).toBeGreaterThanOrEqual(0);
        expect(box.bottom, where).toBeLessThanOrEqual(box.height);
        expect(box.left, where).toBeGreaterThanOrEqual(0);
        expect(box.right, where).toBeLessThanOrEqual(box.width);
        // And it is the button a person sees there, not something drawn over it.
        const onTop = await page.evaluate<boolean>(
          `(() => {
            const b = document.querySelector(".govuk-exit-this-page__button");
            const r = b.getBoundingClientRect();
            return b.contains(document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2));
          })()`,
        );
        expect(onTop, where).toBe(true);
      }
    }
    // The plan, the report page and others are long at both widths: the test must have scrolled.
    expect(scrolledPages).toBeGreaterThanOrEqual(3);
  });

  it("still starts where the page puts it, before anything is scrolled", async () => {
    for (const viewport of [PHONE, DESKTOP]) {
      const page = await open(viewport);
      await page.goto(`${app.baseUrl}/report`);
      const box = await exitButtonBox(page);
      const h1Top = await page.evaluate<number>("document.querySelector('h1').getBoundingClientRect().top");
      // Under the header and navigation, and above (phone) or beside (desktop) the heading.
      expect(box.top).toBeGreaterThan(100);
      if (viewport === PHONE) expect(box.bottom).toBeLessThanOrEqual(h1Top);
      else expect(box.right).toBeGreaterThan(viewport.width / 2);
    }
  });
});

describe("the public navigation on a phone", () => {
  const links = (page: Page) => page.getByRole("navigation", { name: "Menu" }).getByRole("link");

  it("is folded behind Menu from the first paint, and opens and closes with JavaScript", async () => {
    const page = await open(PHONE);
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(
      (url) => url.origin === app.baseUrl && url.pathname.endsWith(".js"),
      async (route) => {
        await held;
        await route.continue();
      },
    );
    // (A module script holds back DOMContentLoaded, so only the response is waited for.)
    await page.goto(`${app.baseUrl}/report`, { waitUntil: "commit" });
    // Before GOV.UK Frontend runs: drawn folded already, as it will be once it runs.
    await until(page, "document.querySelector('footer') !== null");
    const toggle = page.locator(".govuk-service-navigation__toggle");
    expect(await toggle.getAttribute("aria-expanded")).toBeNull(); // the script has not run
    expect(await toggle.isVisible()).toBe(true);
    expect(await page.locator(".govuk-service-navigation__link").count()).toBe(6);
    expect(await page.locator(".govuk-service-navigation__list").isVisible()).toBe(false);
    release();
    await until(page, "document.querySelector('.govuk-js-service-navigation-toggle')?.hasAttribute('aria-expanded')");
    const menu = page.getByRole("button", { name: "Menu" });
    expect(await menu.getAttribute("aria-expanded")).toBe("false");
    expect(await page.locator(".govuk-service-navigation__list").isVisible()).toBe(false);
    await menu.click();
    expect(await menu.getAttribute("aria-expanded")).toBe("true");
    expect(await links(page).first().isVisible()).toBe(true);
    await menu.click();
    expect(await page.locator(".govuk-service-navigation__list").isVisible()).toBe(false);
  });

  it("shows every link, and no Menu button, without JavaScript", async () => {
    const page = await open(PHONE);
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send("Emulation.setScriptExecutionDisabled", { value: true });
    await page.goto(`${app.baseUrl}/report`);
    expect(await page.locator(".govuk-service-navigation__toggle").isVisible()).toBe(false);
    for (const link of await links(page).all()) expect(await link.isVisible()).toBe(true);
  });

  it("shows every link, and no Menu button, at desktop width", async () => {
    const page = await open(DESKTOP);
    await page.goto(`${app.baseUrl}/report`);
    expect(await page.locator(".govuk-service-navigation__toggle").isVisible()).toBe(false);
    for (const link of await links(page).all()) expect(await link.isVisible()).toBe(true);
  });
});

describe("layout shift while a phone page loads", () => {
  it.each(PUBLIC_PAGES.map((p) => [p.path]))("is under 0.1 on %s at 375px", async (pagePath) => {
    const page = await open(PHONE);
    // The page and stylesheet as served; the site's own scripts (unchanged) arrive a little later.
    await page.route(
      (url) => url.origin === app.baseUrl && /\.m?js$/.test(url.pathname),
      async (route) => {
        await new Promise((resolve) => setTimeout(resolve, SCRIPT_DELAY_MS));
        await route.continue();
      },
    );
    await page.goto(`${app.baseUrl}${pagePath}`, { waitUntil: "load" });
    // GOV.UK Frontend has started (the menu button is working), and the page has settled.
    await until(page, "document.querySelector('.govuk-js-service-navigation-toggle')?.hasAttribute('aria-expanded')");
    await page.waitForTimeout(300);
    const { total, entries } = await page.evaluate<{ total: number; entries: number }>(
      `new Promise((resolve) => {
        new PerformanceObserver((list) => {
          const shifts = list.getEntries().filter((e) => !e.hadRecentInput);
          resolve({ total: shifts.reduce((sum, e) => sum + e.value, 0), entries: shifts.length });
        }).observe({ type: "layout-shift", buffered: true });
        // An observer with nothing buffered is never called: no shifts at all.
        setTimeout(() => resolve({ total: 0, entries: 0 }), 500);
      })`,
    );
    layoutShift[pagePath] = Math.round(total * 1000) / 1000;
    expect(total, `${pagePath}: ${entries} shifts`).toBeLessThan(GOOD_CLS);
  });
});
