// Two people at once, in two real browsers: two agencies updating one joint commitment keep both
// updates, and two windows on the same update meet the conflict page, which keeps or replaces.
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RESULTS_DIR, type RunningApp, type RunningBrowser, startApp, startBrowser } from "../helpers/browser.ts";

let app: RunningApp;
let first: RunningBrowser;
let second: RunningBrowser;

beforeAll(async () => {
  app = await startApp();
  [first, second] = [await startBrowser(app.baseUrl), await startBrowser(app.baseUrl)];
});
afterAll(async () => {
  await first?.close();
  await second?.close();
  await app?.close();
});

async function signIn(browser: RunningBrowser, email: string): Promise<Page> {
  const page = await browser.newPage({ width: 375, height: 800 });
  await page.goto(`${app.baseUrl}/partners/sign-in`);
  await page.fill("#email", email);
  await page.fill("#password", "correct horse battery staple");
  await Promise.all([page.waitForURL(`${app.baseUrl}/partners`), page.click("main form button[type=submit]")]);
  return page;
}

async function reviewPath(text: string, quarter: number) {
  const c = await app.db.prisma.commitment.findFirstOrThrow({ where: { text: { startsWith: text } } });
  return `${app.baseUrl}/partners/commitments/${c.id}/reviews/${quarter}`;
}

describe("two agencies on one joint commitment", () => {
  it("both updates survive and both show, with the quarter's status the lower of the two", async () => {
    const url = await reviewPath("Develop a communications strategy", 1); // all agencies lead it
    const sari = await signIn(first, "officer.sari@rhins.example");
    const police = await signIn(second, "officer.police@rhins.example");
    await sari.goto(url);
    await police.goto(url);
    await expect.poll(() => sari.textContent("main")).toContain("Stand Against Racism and Inequality's update");
    await expect.poll(() => police.textContent("main")).toContain("Avon and Somerset Police's update");

    await sari.getByLabel("Green", { exact: true }).check();
    await sari.fill("#commentary", "SARI: leaflets translated");
    await police.getByLabel("Amber", { exact: true }).check();
    await police.fill("#commentary", "Police: waiting for sign-off");
    await Promise.all([
      sari.getByRole("button", { name: "Save update" }).click(),
      police.getByRole("button", { name: "Save update" }).click(),
    ]);
    await expect.poll(() => sari.textContent(".govuk-notification-banner")).toContain("update saved for SARI");
    await expect.poll(() => police.textContent(".govuk-notification-banner")).toContain("update saved for Police");

    await sari.reload();
    const main = (await sari.textContent("main")) ?? "";
    expect(main).toContain("SARI: leaflets translated");
    expect(main).toContain("Police: waiting for sign-off");
    expect(main).toMatch(/Amber\s+2 of 3 lead agencies have updated/);
    await sari.screenshot({ path: path.join(RESULTS_DIR, "screenshots", "joint-review-375.png"), fullPage: true });
    await sari.close();
    await police.close();
  });
});

describe("two windows on the same update", () => {
  it("the later save meets the conflict page, and 'Replace it with mine' records what it replaced", async () => {
    const url = await reviewPath("Implement a new dedicated Community Tension monitoring process", 2);
    const officer = await signIn(first, "officer.nsc@rhins.example");
    const coordinator = await signIn(second, "coordinator@rhins.example");
    await officer.goto(url);
    await coordinator.goto(url);

    await coordinator.getByLabel("Red", { exact: true }).check();
    await coordinator.fill("#commentary", "Coordinator: data sharing stalled");
    await coordinator.getByRole("button", { name: "Save update" }).click();
    await expect.poll(() => coordinator.textContent(".govuk-notification-banner")).toContain("update saved for NSC");

    await officer.getByLabel("Green", { exact: true }).check();
    await officer.fill("#commentary", "Officer: monitoring has begun");
    await officer.getByRole("button", { name: "Save update" }).click();
    await expect.poll(() => officer.textContent(".govuk-error-summary")).toContain("Someone else saved this first");
    const conflict = (await officer.textContent("main")) ?? "";
    expect(conflict).toMatch(
      /Saved version[\s\S]*Coordinator: data sharing stalled[\s\S]*Your version \(not saved\)[\s\S]*Officer: monitoring has begun/,
    );
    await officer.screenshot({
      path: path.join(RESULTS_DIR, "screenshots", "review-conflict-375.png"),
      fullPage: true,
    });

    await officer.getByRole("button", { name: "Replace it with mine" }).click();
    await expect.poll(() => officer.textContent(".govuk-notification-banner")).toContain("update saved for NSC");
    const history = (await officer.textContent("table")) ?? "";
    expect(history).toContain("replaced version 1, saved meanwhile");
    expect(history).toContain("Coordinator: data sharing stalled"); // kept in the history, not lost

    // "Keep the saved version" leaves the saved one alone.
    await coordinator.goto(url);
    await coordinator.getByLabel("Amber", { exact: true }).check();
    await coordinator.fill("#commentary", "Coordinator: stale tab");
    await officer.goto(url);
    await officer.getByLabel("Complete").check();
    await officer.fill("#commentary", "Officer: done");
    await officer.getByRole("button", { name: "Save update" }).click();
    await coordinator.getByRole("button", { name: "Save update" }).click();
    await expect.poll(() => coordinator.textContent(".govuk-error-summary")).toContain("Someone else saved this first");
    await coordinator.getByRole("link", { name: "Keep the saved version" }).click();
    await expect.poll(() => coordinator.textContent("main")).toContain("Officer: done");
    await officer.close();
    await coordinator.close();
  });
});

describe("the commentary's character count", () => {
  it("counts down as the officer types, and says when there are too many", async () => {
    const url = await reviewPath("Implement a new dedicated Community Tension monitoring process", 3);
    const officer = await signIn(first, "officer.nsc@rhins.example");
    await officer.goto(url);
    const message = officer.locator(".govuk-character-count__status");
    await officer.fill("#commentary", "x".repeat(1_995));
    await expect.poll(() => message.textContent()).toBe("You have 5 characters remaining");
    await officer.fill("#commentary", "x".repeat(2_003));
    await expect.poll(() => message.textContent()).toBe("You have 3 characters too many");
    await officer.close();
  });
});
