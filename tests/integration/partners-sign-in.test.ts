import request from "supertest";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { RequestListener } from "node:http";
import type { Database } from "../../src/db/database.ts";
import { migrate } from "../../src/db/migrate.ts";
import { TOUCH_INTERVAL_MS } from "../../src/db/session-store.ts";
import { IDLE_TIMEOUT_MS } from "../../src/middleware/session.ts";
import { seed } from "../../src/db/seed.ts";
import { testApp } from "../helpers/app.ts";
import { reopenableDatabase, testDatabase } from "../helpers/database.ts";
import { PASSWORD, createPartners, csrfToken, sessionCookie, signIn, submit } from "../helpers/partners.ts";

let db: Database;
let app: RequestListener;
let partners: Awaited<ReturnType<typeof createPartners>>;
let accounts: ReturnType<typeof testApp>["services"]["accounts"];

beforeAll(async () => {
  db = await testDatabase();
  await seed(db.prisma, { production: true });
  partners = await createPartners(db);
  ({
    app,
    services: { accounts },
  } = testApp(db));
});
afterAll(async () => db.close());
afterEach(() => {
  vi.useRealTimers();
});

const SAME_MESSAGE = "Enter a correct email address and password";

describe("signing in", () => {
  it("takes a partner to the partner home, which greets them", async () => {
    const agent = await signIn(app, partners.officer.email);
    const home = await agent.get("/partners").expect(200);
    expect(home.text).toContain(`Hello, ${partners.officer.name}`);
  });

  it("sends a signed-out visitor to sign in, then back to where they were going", async () => {
    const agent = request.agent(app);
    const first = await agent.get("/partners/accounts").expect(302);
    expect(first.headers.location).toBe("/partners/sign-in");
    const res = await submit(agent, "/partners/sign-in", { email: partners.coordinator.email, password: PASSWORD });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe("/partners/accounts");
  });

  it.each([
    "//evil.example",
    "https://evil.example",
    "/\\evil.example",
    "javascript:alert(1)",
    "/%2F%2Fevil.example/partners",
    "/public-page",
  ])("ignores the unsafe return address %s and lands on /partners", async (returnTo) => {
    const agent = request.agent(app);
    await agent.get(`/partners/sign-in?returnTo=${encodeURIComponent(returnTo)}`).expect(200);
    const form = await agent.get("/partners/sign-in");
    const res = await agent
      .post("/partners/sign-in")
      .type("form")
      .send({ email: partners.viewer.email, password: PASSWORD, _csrf: csrfToken(form.text) });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe("/partners");
  });

  it("gives a new session id at sign-in, and the old one signs nobody in", async () => {
    const agent = request.agent(app);
    const page = await agent.get("/partners/sign-in");
    const before = sessionCookie(page)!;
    expect(before).toBeTruthy();
    const res = await agent
      .post("/partners/sign-in")
      .type("form")
      .send({ email: partners.viewer.email, password: PASSWORD, _csrf: csrfToken(page.text) });
    const after = sessionCookie(res)!;
    expect(after).toBeTruthy();
    expect(after).not.toBe(before);
    await request(app).get("/partners").set("Cookie", before).expect(302);
    await request(app).get("/partners").set("Cookie", after).expect(200);
  });

  it("says what is missing when a field is left empty", async () => {
    const res = await submit(request.agent(app), "/partners/sign-in", { email: "", password: "" });
    expect(res.status).toBe(400);
    expect(res.text).toContain("Enter your email address");
    expect(res.text).toContain('href="#email"');
  });
});

describe("the partner behind a session", () => {
  it("is read with their agency, and is gone once the account is deactivated", async () => {
    expect(await accounts.findSessionUser(partners.officer.id)).toEqual({
      id: partners.officer.id,
      email: partners.officer.email,
      name: partners.officer.name,
      role: "OFFICER",
      agencyId: partners.officer.agencyId,
      agencyCode: "NSC",
      twoFactorEnabled: false,
      caseAccess: false,
      reportingCentreId: null,
    });
    expect(await accounts.findSessionUser(partners.sariCaseworker.id)).toMatchObject({ caseAccess: true });
    expect(await accounts.findSessionUser(partners.viewer.id)).toMatchObject({ agencyId: null, agencyCode: null });
    await db.prisma.user.update({ where: { id: partners.spare.id }, data: { totpEnabledAt: new Date() } });
    expect(await accounts.findSessionUser(partners.spare.id)).toMatchObject({ twoFactorEnabled: true });
    await db.prisma.user.update({ where: { id: partners.spare.id }, data: { active: false } });
    expect(await accounts.findSessionUser(partners.spare.id)).toBeNull();
    expect(await accounts.findSessionUser(999_999)).toBeNull();
    await db.prisma.user.update({ where: { id: partners.spare.id }, data: { active: true, totpEnabledAt: null } });
  });
});

describe("signing out", () => {
  it("destroys the session", async () => {
    const agent = await signIn(app, partners.viewer.email);
    const page = await agent.get("/partners/account").expect(200);
    const sessionsBefore = await db.prisma.webSession.count({ where: { userId: partners.viewer.id } });
    const res = await agent
      .post("/partners/sign-out")
      .type("form")
      .send({ _csrf: csrfToken(page.text) });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe("/partners/signed-out");
    expect(String(res.headers["set-cookie"])).toMatch(/rhins\.sid=;/);
    await agent.get("/partners").expect(302);
    expect(await db.prisma.webSession.count({ where: { userId: partners.viewer.id } })).toBe(sessionsBefore - 1);
  });
});

describe("failed sign-ins", () => {
  it("look the same for an unknown email, a wrong password and a locked account", async () => {
    const unknown = await submit(request.agent(app), "/partners/sign-in", {
      email: "nobody@partners.test",
      password: PASSWORD,
    });
    const wrong = await submit(request.agent(app), "/partners/sign-in", {
      email: partners.spare.email,
      password: "wrong password here",
    });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    const summary = (html: string) => /<div class="govuk-error-summary"[\s\S]*?<\/div>\s*<\/div>/.exec(html)?.[0];
    expect(summary(unknown.text)).toContain(SAME_MESSAGE);
    expect(summary(unknown.text)).toBe(summary(wrong.text));
  });

  it("take about as long for an unknown email as for a wrong password", async () => {
    const time = async (email: string) => {
      const agent = request.agent(app);
      const page = await agent.get("/partners/sign-in");
      const start = performance.now();
      await agent
        .post("/partners/sign-in")
        .type("form")
        .send({ email, password: "not the password", _csrf: csrfToken(page.text) });
      return performance.now() - start;
    };
    const unknown: number[] = [];
    const known: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      unknown.push(await time("nobody@partners.test"));
      known.push(await time(partners.spare.email));
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const ratio = median(unknown) / median(known);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  it("lock an account after 10 in 5 minutes, leave others alone, and a coordinator can unlock it", async () => {
    const victim = await db.prisma.user.create({
      data: {
        email: "locked@partners.test",
        name: "Lock Test",
        role: "OFFICER",
        passwordHash: (await db.prisma.user.findUniqueOrThrow({ where: { id: partners.officer.id } })).passwordHash,
      },
    });
    for (let i = 0; i < 10; i += 1) {
      const res = await submit(request.agent(app), "/partners/sign-in", {
        email: victim.email,
        password: `wrong password ${i}`,
      });
      expect(res.status).toBe(401);
    }
    const right = await submit(request.agent(app), "/partners/sign-in", { email: victim.email, password: PASSWORD });
    expect(right.status).toBe(401);
    expect(right.text).toContain(SAME_MESSAGE);
    await signIn(app, partners.officer.email); // another account is unaffected

    const events = await db.prisma.auditEvent.findMany({
      where: { entityId: String(victim.id), action: "account.locked" },
    });
    expect(events).toHaveLength(1);

    const coordinator = await signIn(app, partners.coordinator.email);
    const list = await coordinator.get("/partners/accounts").expect(200);
    expect(list.text).toMatch(/Lock Test[\s\S]*?Locked/);
    const unlock = await coordinator
      .post(`/partners/accounts/${victim.id}/unlock`)
      .type("form")
      .send({ _csrf: csrfToken(list.text) });
    expect(unlock.status).toBe(302);
    await signIn(app, victim.email);
    expect(
      await db.prisma.auditEvent.count({ where: { entityId: String(victim.id), action: "account.unlocked" } }),
    ).toBe(1);
  });

  it("unlock by themselves after 15 minutes", async () => {
    const victim = await db.prisma.user.update({
      where: { id: partners.spare.id },
      data: { lockedUntil: new Date(Date.now() + 15 * 60_000) },
    });
    expect(
      (await submit(request.agent(app), "/partners/sign-in", { email: victim.email, password: PASSWORD })).status,
    ).toBe(401);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 16 * 60_000);
    await signIn(app, victim.email);
  });
});

describe("the per-address limit", () => {
  it("refuses sign-in attempts from one address past the limit, whichever accounts they name", async () => {
    const limited = testApp(db, { SIGN_IN_LIMIT_PER_IP: "3" }).app;
    for (let i = 0; i < 3; i += 1) {
      await submit(request.agent(limited), "/partners/sign-in", {
        email: `someone${i}@partners.test`,
        password: "whatever it is",
      });
    }
    const res = await submit(request.agent(limited), "/partners/sign-in", {
      email: partners.viewer.email,
      password: PASSWORD,
    });
    expect(res.status).toBe(429);
    expect(res.text).toContain("Too many sign-in attempts");
  });
});

describe("session timeouts", () => {
  it("end a session after 30 minutes without activity", async () => {
    const agent = await signIn(app, partners.viewer.email);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 29 * 60_000);
    await agent.get("/partners").expect(200); // activity restarts the idle clock
    vi.setSystemTime(Date.now() + 29 * 60_000);
    await agent.get("/partners").expect(200);
    vi.setSystemTime(Date.now() + 31 * 60_000);
    const res = await agent.get("/partners").expect(302);
    expect(res.headers.location).toBe("/partners/sign-in");
  });

  it("write a session's expiry at most once a minute, so most pages cost no session write", async () => {
    const agent = await signIn(app, partners.viewer.email);
    const expiry = async () => {
      const latest = await db.prisma.webSession.findFirstOrThrow({
        where: { userId: partners.viewer.id },
        orderBy: { createdAt: "desc" },
      });
      return latest.expiresAt.getTime();
    };
    const signedInExpiry = await expiry();
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = Date.now();
    vi.setSystemTime(start + 30_000);
    await agent.get("/partners").expect(200);
    expect(await expiry()).toBe(signedInExpiry);
    vi.setSystemTime(start + TOUCH_INTERVAL_MS + 1_000);
    await agent.get("/partners").expect(200);
    // express-session reads the clock twice when it makes the cookie, so the idle time it keeps
    // (originalMaxAge) can be a millisecond short of IDLE_TIMEOUT_MS.
    const kept = await db.prisma.webSession.findFirstOrThrow({
      where: { userId: partners.viewer.id },
      orderBy: { createdAt: "desc" },
    });
    const idle = (kept.data as { cookie: { originalMaxAge: number } }).cookie.originalMaxAge;
    expect(IDLE_TIMEOUT_MS - idle).toBeLessThanOrEqual(1);
    expect(await expiry()).toBe(start + TOUCH_INTERVAL_MS + 1_000 + idle);
  });

  it("end a session 12 hours after sign-in, however active", async () => {
    const agent = await signIn(app, partners.viewer.email);
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = Date.now();
    for (let minutes = 25; minutes < 12 * 60; minutes += 25) {
      vi.setSystemTime(start + minutes * 60_000);
      await agent.get("/partners").expect(200);
    }
    vi.setSystemTime(start + 12 * 60 * 60_000 + 60_000);
    await agent.get("/partners").expect(302);
  });
});

describe("a restart", () => {
  it("keeps signed-in sessions, because they live in the database", async () => {
    const store = await reopenableDatabase();
    try {
      const first = await store.open();
      await migrate(first);
      await seed(first.prisma, { production: true });
      const people = await createPartners(first);
      const agent = await signIn(testApp(first).app, people.viewer.email);
      const cookie = sessionCookie(await agent.get("/partners").expect(200))!;
      await first.close();

      const second = await store.open();
      try {
        const res = await request(testApp(second).app).get("/partners").set("Cookie", cookie);
        expect(res.status).toBe(200);
        expect(res.text).toContain(`Hello, ${people.viewer.name}`);
      } finally {
        await second.close();
      }
    } finally {
      await store.dispose();
    }
  });
});
