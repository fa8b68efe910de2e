// The partner session cookie in production: always Secure, so the partner area answers only over
// HTTPS as Express sees it (TRUST_PROXY and the proxy's X-Forwarded-Proto), with a page saying
// so otherwise instead of a sign-in that silently starts again.
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { seed } from "../../src/db/seed.ts";
import { httpsWarning } from "../../src/middleware/session.ts";
import { testApp } from "../helpers/app.ts";
import { testDatabase } from "../helpers/database.ts";
import { createPartners, PASSWORD, sessionCookie, submit } from "../helpers/partners.ts";

let db: Database;
let partners: Awaited<ReturnType<typeof createPartners>>;

beforeAll(async () => {
  db = await testDatabase();
  await seed(db.prisma, { production: true });
  partners = await createPartners(db);
});
afterAll(() => db.close());

const production = (trustProxy: string) =>
  testApp(db, {
    NODE_ENV: "production",
    SESSION_SECRET: "session-cookie-tests-session-secret-0123456789",
    MFA_REQUIRED: "false",
    TRUST_PROXY: trustProxy,
  }).app;

describe("in production behind a trusted TLS proxy", () => {
  it("sets the session cookie Secure", async () => {
    const res = await request(production("1")).get("/partners/sign-in").set("X-Forwarded-Proto", "https");
    expect(res.status).toBe(200);
    const cookie = (res.headers["set-cookie"] as unknown as string[]).find((c) => c.startsWith("rhins.sid="));
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; HttpOnly/);
  });

  it("lets a partner sign in and stay signed in", async () => {
    // Through the pretend TLS proxy of tests/helpers/app.ts, which gives the cookie back to this
    // plain-HTTP client as a browser over HTTPS would.
    const agent = request.agent(production("1"));
    const signedIn = await submit(agent, "/partners/sign-in", { email: partners.officer.email, password: PASSWORD });
    expect(signedIn.status).toBe(302);
    expect(signedIn.headers.location).toBe("/partners");
    expect((await agent.get("/partners")).status).toBe(200);
  });
});

describe("in production over plain HTTP as Express sees it", () => {
  it.each([
    ["TRUST_PROXY is 0, whatever the proxy says", "0", "https"],
    ["the trusted proxy says http", "1", "http"],
  ])(
    "answers the partner area with a page saying it needs HTTPS, and sets no cookie (%s)",
    async (_why, trust, proto) => {
      const app = production(trust);
      for (const path of ["/partners/sign-in", "/partners"]) {
        const res = await request(app).get(path).set("X-Forwarded-Proto", proto);
        expect(res.status, path).toBe(403);
        expect(res.text).toContain("The partner area needs a secure connection");
        expect(res.text).toContain("TRUST_PROXY");
        expect(sessionCookie(res), path).toBeUndefined();
      }
      const post = await request(app)
        .post("/partners/sign-in")
        .set("X-Forwarded-Proto", proto)
        .type("form")
        .send({ email: partners.officer.email, password: PASSWORD });
      expect(post.status).toBe(403);
      expect(post.text).toContain("The partner area needs a secure connection");
      // The public site is not affected.
      expect((await request(app).get("/").set("X-Forwarded-Proto", proto)).status).toBe(200);
    },
  );
});

describe("outside production", () => {
  it("still serves the partner area over plain HTTP, with a cookie that is not Secure", async () => {
    const res = await request(testApp(db).app).get("/partners/sign-in");
    expect(res.status).toBe(200);
    expect(sessionCookie(res)).toBeDefined();
    expect(String(res.headers["set-cookie"])).not.toMatch(/Secure/);
  });
});

describe("the warning at start-up", () => {
  const config = (over: Partial<Parameters<typeof httpsWarning>[0]>) => ({
    production: true,
    trustProxy: 0,
    publicBaseUrl: undefined as string | undefined,
    ...over,
  });

  it("names TRUST_PROXY in production when it is 0, with or without an https PUBLIC_BASE_URL", () => {
    for (const publicBaseUrl of [undefined, "https://rhins.example.org"]) {
      expect(httpsWarning(config({ publicBaseUrl }))).toMatch(
        /^TRUST_PROXY is 0, .*set TRUST_PROXY to the number of proxies/,
      );
    }
  });

  it("says the partner area needs HTTPS when PUBLIC_BASE_URL is http", () => {
    expect(httpsWarning(config({ trustProxy: 1, publicBaseUrl: "http://rhins.example.org" }))).toMatch(
      /PUBLIC_BASE_URL is http:\/\/rhins\.example\.org: .*only over HTTPS/,
    );
  });

  it("is not given behind a trusted proxy, nor outside production", () => {
    expect(httpsWarning(config({ trustProxy: 1, publicBaseUrl: "https://rhins.example.org" }))).toBeUndefined();
    expect(httpsWarning(config({ trustProxy: 1 }))).toBeUndefined();
    expect(httpsWarning(config({ production: false }))).toBeUndefined();
  });
});
