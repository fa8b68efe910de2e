// The timeout warning's server side: signed-in pages say when their session ends, and "Stay
// signed in" (the keep-alive) really restarts the idle clock in the database.
import type { RequestListener } from "node:http";
import { JSDOM } from "jsdom";
import request from "supertest";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { TOUCH_INTERVAL_MS } from "../../src/db/session-store.ts";
import { seed } from "../../src/db/seed.ts";
import { ABSOLUTE_TIMEOUT_MS, IDLE_TIMEOUT_MS } from "../../src/middleware/session.ts";
import { axeViolations, htmlErrors } from "../helpers/accessibility.ts";
import { testApp } from "../helpers/app.ts";
import { testDatabase } from "../helpers/database.ts";
import { PASSWORD, createPartners, signIn, submit } from "../helpers/partners.ts";

let db: Database;
let app: RequestListener;
let partners: Awaited<ReturnType<typeof createPartners>>;

beforeAll(async () => {
  db = await testDatabase();
  await seed(db.prisma, { production: true });
  partners = await createPartners(db);
  ({ app } = testApp(db));
});
afterAll(async () => db.close());
afterEach(() => {
  vi.useRealTimers();
});

const dialogOf = (html: string) =>
  new JSDOM(html).window.document.querySelector<HTMLDialogElement>("dialog#session-timeout");

async function sessionExpiry(userId: number) {
  const latest = await db.prisma.webSession.findFirstOrThrow({ where: { userId }, orderBy: { createdAt: "desc" } });
  return latest.expiresAt.getTime();
}

describe("signed-in pages", () => {
  it("carry the closed warning dialog and its script, with the time the session is sure to last", async () => {
    const agent = await signIn(app, partners.officer.email);
    const res = await agent.get("/partners").expect(200);
    const dialog = dialogOf(res.text)!;
    expect(dialog).not.toBeNull();
    expect(dialog.open).toBe(false); // nothing shows without JavaScript
    // The store may have written the expiry up to a minute ago: the page counts from the earliest end.
    expect(Number(dialog.dataset.expiresIn)).toBe((IDLE_TIMEOUT_MS - TOUCH_INTERVAL_MS) / 1000);
    expect(dialog.dataset.warnBefore).toBe("120");
    expect(dialog.dataset.keepAliveUrl).toBe("/partners/keep-alive");
    expect(dialog.getAttribute("aria-modal")).toBe("true");
    expect(dialog.querySelector("[data-timeout-stay]")?.textContent).toBe("Stay signed in");
    expect(dialog.querySelector("form[action='/partners/sign-out'] button[type=submit]")?.textContent).toBe("Sign out");
    expect(res.text).toContain('<script type="module" src="/assets/js/session-timeout.mjs"></script>');
    expect(await axeViolations(res.text)).toEqual([]);
    expect(await htmlErrors(res.text)).toEqual([]);
  });

  it("never count past the 12-hour limit", async () => {
    const agent = await signIn(app, partners.viewer.email);
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = Date.now();
    for (let minutes = 25; minutes < 12 * 60 - 10; minutes += 25) {
      vi.setSystemTime(start + minutes * 60_000);
      await agent.get("/partners").expect(200);
    }
    vi.setSystemTime(start + ABSOLUTE_TIMEOUT_MS - 10 * 60_000);
    const res = await agent.get("/partners").expect(200);
    expect(Number(dialogOf(res.text)!.dataset.expiresIn)).toBeLessThanOrEqual(10 * 60);
  });

  it("are not the sign-in page or the public site, which have no session to warn about", async () => {
    for (const path of ["/partners/sign-in", "/"]) {
      const res = await request(app).get(path);
      expect(dialogOf(res.text), path).toBeNull();
      expect(res.text, path).not.toContain("session-timeout.mjs");
    }
  });
});

describe("the keep-alive", () => {
  it("restarts the idle clock in the database, though the store writes a plain page's expiry once a minute", async () => {
    const agent = await signIn(app, partners.officer.email);
    const signedIn = await sessionExpiry(partners.officer.id);
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = Date.now();

    // Within a minute of the last write, a plain page leaves the stored expiry as it was...
    vi.setSystemTime(start + 30_000);
    await agent.get("/partners").expect(200);
    expect(await sessionExpiry(partners.officer.id)).toBe(signedIn);

    // ...but "Stay signed in" writes it now.
    vi.setSystemTime(start + 45_000);
    const kept = await agent.get("/partners/keep-alive").expect(200);
    expect(kept.headers["content-type"]).toMatch(/^application\/json/);
    expect(kept.headers["cache-control"]).toBe("no-store");
    expect(kept.body).toEqual({ expiresInSeconds: IDLE_TIMEOUT_MS / 1000 });
    expect(await sessionExpiry(partners.officer.id)).toBe(start + 45_000 + IDLE_TIMEOUT_MS);

    // So the session outlives the 30 minutes counted from the page before it.
    vi.setSystemTime(start + 30_000 + IDLE_TIMEOUT_MS + 10_000);
    await agent.get("/partners").expect(200);
  });

  it("cannot bring back a session that has ended, nor becomes the page to return to", async () => {
    const agent = await signIn(app, partners.officer.email);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + IDLE_TIMEOUT_MS + 60_000);
    const res = await agent.get("/partners/keep-alive").set("Accept", "application/json");
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe("/partners/sign-in");
    const again = await submit(agent, "/partners/sign-in", { email: partners.officer.email, password: PASSWORD });
    expect(again.headers.location).toBe("/partners");
  });
});
