import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RequestListener } from "node:http";
import type { Database } from "../../src/db/database.ts";
import { seed } from "../../src/db/seed.ts";
import { testApp } from "../helpers/app.ts";
import { testDatabase } from "../helpers/database.ts";
import { createPartners, csrfToken, signIn } from "../helpers/partners.ts";

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

const newAccount = (email: string) => ({ name: "CSRF Test", email, role: "VIEWER", agencyId: "" });

describe("CSRF protection", () => {
  it("accepts a form with its session's token from this site", async () => {
    const agent = await signIn(app, partners.coordinator.email);
    const form = await agent.get("/partners/accounts/new");
    const res = await agent
      .post("/partners/accounts/new")
      .set("Host", "portal.test")
      .set("Origin", "http://portal.test")
      .type("form")
      .send({ ...newAccount("ok@partners.test"), _csrf: csrfToken(form.text) });
    expect(res.status).toBe(200);
    expect(await db.prisma.user.count({ where: { email: "ok@partners.test" } })).toBe(1);
  });

  it.each([
    ["no token", async () => ({ token: undefined as string | undefined, origin: undefined as string | undefined })],
    [
      "another session's token",
      async () => {
        const other = await signIn(app, partners.viewer.email);
        return { token: csrfToken((await other.get("/partners/account")).text), origin: undefined };
      },
    ],
    ["a made-up token", async () => ({ token: "0".repeat(64), origin: undefined })],
  ])("refuses a form with %s (403, nothing written)", async (_name, make) => {
    const agent = await signIn(app, partners.coordinator.email);
    await agent.get("/partners/accounts/new");
    const { token } = await make();
    const email = `refused-${Math.random().toString(36).slice(2)}@partners.test`;
    const res = await agent
      .post("/partners/accounts/new")
      .type("form")
      .send({ ...newAccount(email), ...(token ? { _csrf: token } : {}) });
    expect(res.status).toBe(403);
    expect(res.text).toContain("Your form could not be sent");
    expect(await db.prisma.user.count({ where: { email } })).toBe(0);
  });

  it.each(["https://evil.example", "null"])("refuses a valid token sent from another origin (%s)", async (origin) => {
    const agent = await signIn(app, partners.coordinator.email);
    const form = await agent.get("/partners/accounts/new");
    const email = `foreign-${Math.random().toString(36).slice(2)}@partners.test`;
    const res = await agent
      .post("/partners/accounts/new")
      .set("Origin", origin)
      .type("form")
      .send({ ...newAccount(email), _csrf: csrfToken(form.text) });
    expect(res.status).toBe(403);
    expect(await db.prisma.user.count({ where: { email } })).toBe(0);
  });

  it("refuses a sign-in posted without the sign-in page's token", async () => {
    const res = await request(app)
      .post("/partners/sign-in")
      .type("form")
      .send({ email: partners.viewer.email, password: "x" });
    expect(res.status).toBe(403);
  });
});

describe("cookies", () => {
  it("are HttpOnly, SameSite=Lax, limited to /partners, and not Secure over plain HTTP", async () => {
    const res = await request(app).get("/partners/sign-in");
    const cookie = String(res.headers["set-cookie"]);
    expect(cookie).toMatch(/rhins\.sid=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\/partners/);
    expect(cookie).not.toMatch(/Secure/);
  });

  it("are Secure when the request came over HTTPS through the trusted proxy", async () => {
    const proxied = testApp(db, { TRUST_PROXY: "1" }).app;
    const res = await request(proxied).get("/partners/sign-in").set("X-Forwarded-Proto", "https");
    expect(String(res.headers["set-cookie"])).toMatch(/Secure/);
  });

  it("are never set by a public page", async () => {
    for (const path of ["/", "/health/live", "/no-such-page"]) {
      const res = await request(app).get(path);
      expect(res.headers["set-cookie"], path).toBeUndefined();
    }
  });
});

describe("partner pages", () => {
  it("are never cached and carry every security header", async () => {
    const agent = await signIn(app, partners.coordinator.email);
    for (const path of [
      "/partners",
      "/partners/accounts",
      "/partners/audit",
      "/partners/account",
      "/partners/sign-in",
    ]) {
      const res = await agent.get(path);
      expect(res.headers["cache-control"], path).toBe("no-store");
      expect(res.headers["content-security-policy"], path).toMatch(/script-src 'self' 'sha256-/);
      expect(res.headers["content-security-policy"], path).toContain("frame-ancestors 'none'");
      expect(res.headers["strict-transport-security"], path).toBeTruthy();
      expect(res.headers["referrer-policy"], path).toBe("same-origin");
    }
  });
});
