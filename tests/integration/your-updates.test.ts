// "Your updates" opens with the partner's own summary, quarter by quarter; and the partner area's
// navigation marks exactly one item as the current page.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JSDOM } from "jsdom";
import { postReview, reviewPagesLedBy, type SeededApp, seededApp } from "../helpers/seeded-app.ts";

let seeded: SeededApp;
beforeAll(async () => {
  seeded = await seededApp();
});
afterAll(async () => seeded.close());

const text = (el: Element | null | undefined) => (el?.textContent ?? "").replace(/\s+/g, " ").trim();

describe("Your updates", () => {
  it("starts with how many of the officer's updates are left in each open quarter, and when they are due", async () => {
    const officer = await seeded.as("otherOfficer");
    const pages = await reviewPagesLedBy(seeded, "Police", 2);
    expect((await postReview(officer, pages[0]!, { status: "GREEN", commentary: "Done." })).status).toBe(302);
    const html = (await officer.get("/partners/updates").expect(200)).text;
    const lines = [...new JSDOM(html).window.document.querySelectorAll("#updates-summary p")].map(text);
    expect(lines).toEqual([
      `${pages.length} of ${pages.length} updates left for quarter 1, due 21 July 2023`,
      `${pages.length - 1} of ${pages.length} updates left for quarter 2, due 20 October 2023`,
      `${pages.length} of ${pages.length} updates left for quarter 3, due 19 January 2024`,
      `${pages.length} of ${pages.length} updates left for quarter 4, due 19 April 2024`,
    ]);
    expect(html).toContain('href="#quarter-2023-2"');
  });
});

describe("the partner navigation", () => {
  it.each([
    ["/partners/accounts", "Accounts"],
    ["/partners/account", "Your account"],
    ["/partners/emails", "Emails"],
    ["/partners", "Dashboard"],
    ["/partners/updates", "Your updates"],
  ])("on %s marks only %s as current", async (path, current) => {
    const coordinator = await seeded.as("coordinator");
    const html = (await coordinator.get(path).expect(200)).text;
    const marked = [...new JSDOM(html).window.document.querySelectorAll('[aria-current="page"], [aria-current="true"]')]
      .map(text)
      .filter((t) => t !== "");
    expect(marked).toEqual([current]);
  });
});
