import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RequestListener } from "node:http";
import type { Database } from "../../src/db/database.ts";
import { seed } from "../../src/db/seed.ts";
import { inlineScriptHashes, testApp } from "../helpers/app.ts";
import { testDatabase } from "../helpers/database.ts";

let db: Database;
let app: RequestListener;
beforeAll(async () => {
  db = await testDatabase();
  await seed(db.prisma, { production: false, demoPassword: "correct horse battery staple" });
  ({ app } = testApp(db));
});
afterAll(async () => db.close());

describe("the home page", () => {
  it("shows the current plan's vision from the database", async () => {
    const res = await request(app).get("/").expect(200);
    expect(res.text).toContain("A North Somerset that embraces difference");
    expect(res.text).toContain("Hate Crime Plan 2023/24");
  });

  it("follows the vision when a coordinator changes it", async () => {
    await db.prisma.plan.update({ where: { startYear: 2023 }, data: { vision: "A changed vision & more" } });
    const res = await request(app).get("/").expect(200);
    expect(res.text).toContain("A changed vision &amp; more");
  });

  it("sends security headers and no cookie", async () => {
    const res = await request(app).get("/").expect(200);
    expect(res.headers["set-cookie"]).toBeUndefined();
    expect(res.headers["content-security-policy"]).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
    expect(res.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(res.headers["content-security-policy"]).not.toContain("unsafe-inline");
    expect(res.headers["strict-transport-security"]).toMatch(/max-age=\d+/);
    expect(res.headers["referrer-policy"]).toBe("same-origin");
    expect(res.headers["x-request-id"]).toBeTruthy();
  });

  it("allows its one inline script by that script's hash, and no other", async () => {
    const res = await request(app).get("/");
    const hashes = inlineScriptHashes(res.text);
    expect(hashes).toHaveLength(1);
    const scriptSrc = /script-src ([^;]+)/.exec(String(res.headers["content-security-policy"]))![1];
    expect(scriptSrc).toBe(`'self' ${hashes[0]}`);
  });
});

describe("health", () => {
  it("answers live and ready", async () => {
    const live = await request(app).get("/health/live").expect(200);
    expect(live.body).toEqual({ status: "ok" });
    const ready = await request(app).get("/health/ready").expect(200);
    expect(ready.body).toEqual({ status: "ready" });
    expect(ready.headers["set-cookie"]).toBeUndefined();
  });
});

describe("content types", () => {
  // Pages are HTML by default (a page may reach Express as bytes); nothing else may become HTML.
  it.each([
    ["/", /^text\/html; charset=utf-8$/],
    ["/no-such-page", /^text\/html; charset=utf-8$/],
    ["/health/live", /^application\/json/],
    ["/assets/stylesheets/app.css", /^text\/css/],
    ["/assets/govuk-frontend.min.js", /^(text|application)\/javascript/],
    ["/plan/2023-24/print.css", /^text\/css/],
    ["/plan/2023-24/plan.pdf", /^application\/pdf$/],
  ])("%s is sent as %s", async (path, type) => {
    const res = await request(app).get(path);
    expect(res.headers["content-type"]).toMatch(type);
  });
});

describe("errors", () => {
  it("shows a 404 page for an unknown address", async () => {
    const res = await request(app).get("/no-such-page").expect(404);
    expect(res.text).toContain("Page not found");
  });

  it("refuses an oversized form body with a 413 page, not a 500", async () => {
    const res = await request(app)
      .post("/")
      .type("form")
      .send(`a=${"x".repeat(40_000)}`);
    expect(res.status).toBe(413);
    expect(res.text).toContain("There is a problem");
  });
});
