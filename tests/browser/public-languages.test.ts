// The public site's languages in Debian's Chromium (README, Languages): with the test-only
// pseudo-locales (text about a third longer, and a right-to-left page), every public page fits a
// 320 px phone and a 1280 px desktop with no horizontal scroll, and a screenshot of each is kept
// in test-results/languages/; the language links work with JavaScript off; Easy Read shows its
// large text and pictures.
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { RESULTS_DIR, startApp, startBrowser, type RunningApp, type RunningBrowser } from "../helpers/browser.ts";
import { PUBLIC_PAGES } from "../helpers/public-pages.ts";

const WIDTHS = [320, 1280];
const PAGES = [
  ...PUBLIC_PAGES.map((p) => ({ path: p.path, name: p.name })),
  { path: "/report/online", name: "report-online" },
];
const SHOTS = path.join(RESULTS_DIR, "languages");

let app: RunningApp;
let browser: RunningBrowser;
let noScript: RunningBrowser;
const pages: Page[] = [];

beforeAll(async () => {
  app = await startApp({ PUBLIC_LANGUAGES: "en,en-easy,pl,en-xa,ar-xb" });
  browser = await startBrowser(app.baseUrl);
  noScript = await startBrowser(app.baseUrl, { javaScript: false });
  await mkdir(SHOTS, { recursive: true });
});
afterEach(async () => {
  await Promise.all(pages.splice(0).map((p) => p.close()));
});
afterAll(async () => {
  await noScript?.close();
  await browser?.close();
  await app?.close();
});

async function open(on: RunningBrowser, width: number): Promise<Page> {
  const page = await on.newPage({ width, height: 900 });
  pages.push(page);
  return page;
}

/** How far the page is wider than its window, and the elements that stick out (for the failure message). */
const OVERFLOW = `(() => {
  const width = document.documentElement.clientWidth;
  const over = document.documentElement.scrollWidth - width;
  const wide = [...document.querySelectorAll("body *")]
    .filter((el) => { const r = el.getBoundingClientRect(); return r.width > 0 && (r.right > width + 1 || r.left < -1); })
    .slice(0, 5)
    .map((el) => el.tagName.toLowerCase() + (el.className && typeof el.className === "string" ? "." + el.className.split(" ").join(".") : ""));
  return { over, wide };
})()`;

describe.each(["en-xa", "ar-xb"])("the pseudo-locale %s", (code) => {
  for (const width of WIDTHS) {
    it.each(PAGES)(`$path fits ${width} px with no horizontal scroll`, async ({ path: page, name }) => {
      const tab = await open(browser, width);
      const res = await tab.goto(`${app.baseUrl}${page}?lang=${code}`);
      expect(res?.status()).toBe(200);
      expect(await tab.evaluate("document.documentElement.dir")).toBe(code === "ar-xb" ? "rtl" : "ltr");
      expect(await tab.evaluate(OVERFLOW)).toEqual({ over: 0, wide: [] });
      await tab.screenshot({ path: path.join(SHOTS, `${code}-${name}-${width}.png`), fullPage: true });
    });
  }

  it("puts the page's start on the right in right-to-left", async () => {
    if (code !== "ar-xb") return;
    const tab = await open(browser, 1280);
    await tab.goto(`${app.baseUrl}/what-is-hate-crime?lang=ar-xb`);
    const box = await tab.locator("h1").boundingBox();
    // The heading's column starts on the right of the page.
    expect(box!.x + box!.width).toBeGreaterThan(640);
  });
});

describe("choosing a language without JavaScript", () => {
  it("follows the language links, keeps the language from page to page, and sets no cookie", async () => {
    const tab = await open(noScript, 320);
    await tab.goto(`${app.baseUrl}/report`);
    expect(await tab.evaluate("document.documentElement.lang")).toBe("en");
    await tab.locator('.govuk-language-navigation a[hreflang="pl"]').click();
    await tab.waitForURL(/lang=pl/);
    expect(new URL(tab.url()).pathname).toBe("/report");
    expect(await tab.evaluate("document.documentElement.lang")).toBe("pl");
    expect(await tab.locator('.govuk-language-navigation [aria-current="true"]').textContent()).toBe("Polski");
    await tab.locator("a.govuk-service-navigation__link", { hasText: "Czym jest przestępstwo z nienawiści" }).click();
    await tab.waitForURL(/\/what-is-hate-crime\?lang=pl$/);
    expect(await tab.locator("h1").textContent()).toBe("Czym jest przestępstwo z nienawiści");
    await tab.locator('.govuk-language-navigation a:has-text("Easy Read")').click();
    await tab.waitForURL(/lang=en-easy/);
    expect(await tab.locator(".rhins-easy-read__icon").count()).toBeGreaterThan(3);
    expect(await noScript.context.cookies()).toEqual([]);
  });

  it("shows Easy Read in large text", async () => {
    const tab = await open(browser, 1280);
    await tab.goto(`${app.baseUrl}/report/online?lang=en-easy`);
    const size = await tab.evaluate(`getComputedStyle(document.querySelector(".rhins-easy-read__text")).fontSize`);
    expect(parseFloat(String(size))).toBeGreaterThanOrEqual(24);
    await tab.screenshot({ path: path.join(SHOTS, "en-easy-report-online-1280.png"), fullPage: true });
  });
});
