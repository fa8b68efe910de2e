import { generate } from "otplib";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { seed } from "../../src/db/seed.ts";
import { testApp } from "../helpers/app.ts";
import { testDatabase } from "../helpers/database.ts";
import { PASSWORD, type Agent, createPartners, submit } from "../helpers/partners.ts";

let db: Database;
let partners: Awaited<ReturnType<typeof createPartners>>;

beforeAll(async () => {
  db = await testDatabase();
  await seed(db.prisma, { production: true });
  partners = await createPartners(db);
});
afterAll(async () => db.close());

const secretOn = (html: string) => /Key: <code[^>]*>([A-Z2-7]+)<\/code>/.exec(html)![1]!;
const codeFor = (secret: string, offsetSteps = 0) =>
  generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSteps * 30 });

async function passwordStep(
  app: ReturnType<typeof testApp>["app"],
  email: string,
): Promise<{ agent: Agent; location: string }> {
  const agent = request.agent(app);
  const res = await submit(agent, "/partners/sign-in", { email, password: PASSWORD });
  expect(res.status).toBe(302);
  return { agent, location: String(res.headers.location) };
}

/** Enrols `agent`'s account; returns the secret and the recovery codes shown once. */
async function enrol(agent: Agent) {
  const page = await agent.get("/partners/account/two-factor").expect(200);
  expect(page.text).toContain('src="data:image/png;base64,');
  const secret = secretOn(page.text);
  const wrong = await submit(agent, "/partners/account/two-factor", { code: "000000" });
  expect(wrong.status).toBe(400);
  expect(wrong.text).toContain("The code is not right");
  const done = await submit(agent, "/partners/account/two-factor", { code: await codeFor(secret, -1) });
  expect(done.status).toBe(200);
  const codes = [...done.text.matchAll(/<code>([0-9a-f]{5}-[0-9a-f]{5})<\/code>/g)].map((m) => m[1]!);
  expect(codes).toHaveLength(10);
  return { secret, codes };
}

describe("an authenticator app", () => {
  it("once set up, is asked for at every sign-in; a code works once; a recovery code works once", async () => {
    const { app } = testApp(db);
    const first = await passwordStep(app, partners.officer.email);
    expect(first.location).toBe("/partners");
    const { secret, codes } = await enrol(first.agent);
    const stored = await db.prisma.user.findUniqueOrThrow({
      where: { id: partners.officer.id },
      include: { recoveryCodes: true },
    });
    expect(stored.totpEnabledAt).not.toBeNull();
    expect(stored.recoveryCodes.map((c) => c.codeHash)).not.toContain(codes[0]);
    // The app's secret is stored encrypted, bound to the account.
    expect(stored.totpSecret).toMatch(/^e1\./);
    expect(stored.totpSecret).not.toContain(secret);

    const second = await passwordStep(app, partners.officer.email);
    expect(second.location).toBe("/partners/sign-in/two-factor");
    await second.agent.get("/partners").expect(302); // nothing until the code passes
    expect((await submit(second.agent, "/partners/sign-in/two-factor", { code: "123456" })).status).toBe(401);
    const code = await codeFor(secret);
    const ok = await submit(second.agent, "/partners/sign-in/two-factor", { code });
    expect(ok.status).toBe(302);
    await second.agent.get("/partners").expect(200);

    const replay = await passwordStep(app, partners.officer.email);
    expect((await submit(replay.agent, "/partners/sign-in/two-factor", { code })).status).toBe(401);
    expect((await submit(replay.agent, "/partners/sign-in/two-factor", { code: codes[0]! })).status).toBe(302);

    const reuse = await passwordStep(app, partners.officer.email);
    expect((await submit(reuse.agent, "/partners/sign-in/two-factor", { code: codes[0]! })).status).toBe(401);
    expect(
      await db.prisma.auditEvent.count({ where: { action: "two-factor.enabled", actorId: partners.officer.id } }),
    ).toBe(1);
  });
});

describe("a secret stored in clear before secrets were encrypted", () => {
  it("is encrypted at start-up, once, and its codes still work", async () => {
    const { app, services } = testApp(db);
    const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    const where = { id: partners.spare.id };
    await db.prisma.user.update({ where, data: { totpSecret: secret, totpEnabledAt: new Date() } });
    expect(await services.twoFactor.encryptPlaintextSecrets()).toBe(1);
    const stored = await db.prisma.user.findUniqueOrThrow({ where });
    expect(stored.totpSecret).toMatch(/^e1\./);
    expect(stored.totpSecret).not.toContain(secret);
    expect(await services.twoFactor.encryptPlaintextSecrets()).toBe(0); // idempotent
    expect((await db.prisma.user.findUniqueOrThrow({ where })).totpSecret).toBe(stored.totpSecret);

    const { agent, location } = await passwordStep(app, partners.spare.email);
    expect(location).toBe("/partners/sign-in/two-factor");
    expect((await submit(agent, "/partners/sign-in/two-factor", { code: await codeFor(secret) })).status).toBe(302);
    await agent.get("/partners").expect(200);
  });

  it("once encrypted, accepts no code when moved to another account", async () => {
    const { app, services } = testApp(db);
    const secret = "KRUGKIDROVUWG2ZAMJZG653OEBTG66BA";
    const from = { id: partners.sariOfficer.id };
    await db.prisma.user.update({ where: from, data: { totpSecret: secret, totpEnabledAt: new Date() } });
    await services.twoFactor.encryptPlaintextSecrets();
    const { totpSecret } = await db.prisma.user.findUniqueOrThrow({ where: from });
    await db.prisma.user.update({
      where: { id: partners.otherOfficer.id },
      data: { totpSecret, totpEnabledAt: new Date() },
    });
    const { agent, location } = await passwordStep(app, partners.otherOfficer.email);
    expect(location).toBe("/partners/sign-in/two-factor");
    expect((await submit(agent, "/partners/sign-in/two-factor", { code: await codeFor(secret) })).status).toBe(401);
  });
});

describe("with MFA_REQUIRED=true", () => {
  it("keeps a coordinator out of every coordinator page until the second factor is set up and passed", async () => {
    const { app } = testApp(db, { MFA_REQUIRED: "true" });
    const { agent, location } = await passwordStep(app, partners.coordinator.email);
    expect(location).toBe("/partners/account/two-factor");
    for (const path of ["/partners", "/partners/accounts", "/partners/audit"]) {
      const res = await agent.get(path);
      expect(res.status, path).toBe(302);
      expect(res.headers.location, path).toBe("/partners/account/two-factor");
    }
    const blocked = await submit(agent, "/partners/account/two-factor", { name: "x" }, "/partners/accounts/new");
    expect(blocked.status).toBe(403);
    const { secret } = await enrol(agent);
    await agent.get("/partners/accounts").expect(200);

    const again = await passwordStep(app, partners.coordinator.email);
    expect(again.location).toBe("/partners/sign-in/two-factor");
    await again.agent.get("/partners/accounts").expect(302);
    const ok = await submit(again.agent, "/partners/sign-in/two-factor", { code: await codeFor(secret, 1) });
    expect(ok.status).toBe(302);
    await again.agent.get("/partners/accounts").expect(200);
  });

  it("leaves it optional for officers and viewers", async () => {
    const { app } = testApp(db, { MFA_REQUIRED: "true" });
    const { agent, location } = await passwordStep(app, partners.viewer.email);
    expect(location).toBe("/partners");
    await agent.get("/partners").expect(200);
  });
});

describe("security codes from one address", () => {
  it("count with its password attempts against SIGN_IN_LIMIT_PER_IP, on every instance together", async () => {
    const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    const { services } = testApp(db);
    const who = partners.sariCaseworker;
    await db.prisma.user.update({ where: { id: who.id }, data: { totpSecret: secret, totpEnabledAt: new Date() } });
    await services.twoFactor.encryptPlaintextSecrets();
    await db.prisma.rateLimitHit.deleteMany();
    // Two instances on one database, each allowing 4 attempts a window from an address.
    const [a, b] = [testApp(db, { SIGN_IN_LIMIT_PER_IP: "4" }).app, testApp(db, { SIGN_IN_LIMIT_PER_IP: "4" }).app];
    await passwordStep(b, who.email); // 1, on the other instance
    const { agent, location } = await passwordStep(a, who.email); // 2
    expect(location).toBe("/partners/sign-in/two-factor");
    expect((await submit(agent, "/partners/sign-in/two-factor", { code: "123456" })).status).toBe(401); // 3
    expect((await submit(agent, "/partners/sign-in/two-factor", { code: "654321" })).status).toBe(401); // 4
    const refused = await submit(agent, "/partners/sign-in/two-factor", { code: await codeFor(secret) });
    expect(refused.status).toBe(429);
    await agent.get("/partners").expect(302); // even the right code was not tried
  });
});
