// Coordinators are asked "Are you sure?" before resetting a password or deactivating an account:
// the page says what will happen, and nothing changes until its button is pressed. The
// set-password link is shown as a full address with a place for the copy button.
import type { RequestListener } from "node:http";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { seed } from "../../src/db/seed.ts";
import { axeViolations, htmlErrors } from "../helpers/accessibility.ts";
import { testApp } from "../helpers/app.ts";
import { testDatabase } from "../helpers/database.ts";
import { PASSWORD, type Agent, createPartners, csrfToken, signIn, submit } from "../helpers/partners.ts";

let db: Database;
let app: RequestListener;
let partners: Awaited<ReturnType<typeof createPartners>>;
let coordinator: Agent;

beforeAll(async () => {
  db = await testDatabase();
  await seed(db.prisma, { production: true });
  partners = await createPartners(db);
  ({ app } = testApp(db, { PUBLIC_BASE_URL: "https://portal.rhins.test" }));
  coordinator = await signIn(app, partners.coordinator.email);
});
afterAll(async () => db.close());

async function accessible(html: string) {
  expect(await axeViolations(html)).toEqual([]);
  expect(await htmlErrors(html)).toEqual([]);
}

const canSignIn = async (email: string) =>
  (await submit(request.agent(app), "/partners/sign-in", { email, password: PASSWORD })).status === 302;

describe("resetting a password", () => {
  it("is confirmed first: the page changes nothing, the confirming post resets", async () => {
    const target = partners.spare;
    const list = await coordinator.get("/partners/accounts");
    expect(list.text).toContain(`href="/partners/accounts/${target.id}/reset"`);
    expect(list.text).not.toContain(`action="/partners/accounts/${target.id}/reset"`);

    const auditBefore = await db.prisma.auditEvent.count();
    const page = await coordinator.get(`/partners/accounts/${target.id}/reset`);
    expect(page.status).toBe(200);
    await accessible(page.text);
    expect(page.text).toContain(`Are you sure you want to reset ${target.name}&#39;s password?`);
    expect(page.text).toContain("current password will stop working at once");
    expect(page.text).toContain("govuk-button--warning");
    expect(page.text).toContain('href="/partners/accounts">Cancel</a>');
    // Looking at the page changed nothing: the password still works, nothing audited.
    expect(await db.prisma.auditEvent.count()).toBe(auditBefore);
    expect(await canSignIn(target.email)).toBe(true);

    const done = await coordinator
      .post(`/partners/accounts/${target.id}/reset`)
      .type("form")
      .send({ _csrf: csrfToken(page.text) });
    expect(done.status).toBe(200);
    await accessible(done.text);
    expect(await canSignIn(target.email)).toBe(false);
    expect(await db.prisma.auditEvent.count({ where: { action: "account.reset", entityId: String(target.id) } })).toBe(
      1,
    );
    // The link is a full address from PUBLIC_BASE_URL, with a place for the copy button.
    expect(done.text).toMatch(
      /<code[^>]*id="set-password-link">https:\/\/portal\.rhins\.test\/partners\/set-password\/[A-Za-z0-9_-]+<\/code>/,
    );
    expect(done.text).toContain('data-copy-for="set-password-link"');
    expect(done.text).toContain('<script type="module" src="/assets/js/copy-link.mjs"></script>');
    // Without JavaScript there is no button that does nothing.
    expect(done.text).not.toMatch(/<button[^>]*>\s*Copy link/);
    const script = await request(app).get("/assets/js/copy-link.mjs");
    expect(script.status).toBe(200);
    expect(script.text).toContain("navigator.clipboard");
  });

  it("needs the form's CSRF token", async () => {
    const res = await coordinator.post(`/partners/accounts/${partners.viewer.id}/reset`).type("form").send({});
    expect(res.status).toBe(403);
    expect(await canSignIn(partners.viewer.email)).toBe(true);
  });
});

describe("deactivating an account", () => {
  it("is confirmed first and says what will happen", async () => {
    const target = partners.sariOfficer;
    const page = await coordinator.get(`/partners/accounts/${target.id}/deactivate`);
    expect(page.status).toBe(200);
    await accessible(page.text);
    expect(page.text).toContain(`Are you sure you want to deactivate ${target.name}&#39;s account?`);
    expect(page.text).toContain("signed out at once");
    expect(await canSignIn(target.email)).toBe(true);

    const done = await coordinator
      .post(`/partners/accounts/${target.id}/deactivate`)
      .type("form")
      .send({ _csrf: csrfToken(page.text) });
    expect(done.status).toBe(302);
    expect(await canSignIn(target.email)).toBe(false);
    expect(
      await db.prisma.auditEvent.count({ where: { action: "account.deactivated", entityId: String(target.id) } }),
    ).toBe(1);
    // Once deactivated (or for yourself) there is nothing to confirm.
    expect((await coordinator.get(`/partners/accounts/${target.id}/deactivate`).redirects(0)).status).toBe(302);
    expect((await coordinator.get(`/partners/accounts/${partners.coordinator.id}/deactivate`)).status).toBe(302);
  });

  it("is only for coordinators", async () => {
    const officer = await signIn(app, partners.officer.email);
    expect((await officer.get(`/partners/accounts/${partners.spare.id}/deactivate`)).status).toBe(403);
    expect((await officer.get(`/partners/accounts/${partners.spare.id}/reset`)).status).toBe(403);
  });
});

describe("the set-password link without PUBLIC_BASE_URL in production", () => {
  it("is built from the address the request came to", async () => {
    const prodDb = await testDatabase();
    try {
      await seed(prodDb.prisma, { production: true });
      const people = await createPartners(prodDb);
      const prod = testApp(prodDb, {
        NODE_ENV: "production",
        SESSION_SECRET: "account-confirmations-session-secret-0123456789",
        MFA_REQUIRED: "false",
      });
      expect(prod.config.publicBaseUrl).toBeUndefined();
      const agent = await signIn(prod.app, people.coordinator.email);
      const page = await agent.get(`/partners/accounts/${people.spare.id}/reset`).set("Host", "rhins.example.org");
      const done = await agent
        .post(`/partners/accounts/${people.spare.id}/reset`)
        .set("Host", "rhins.example.org")
        .set("Origin", "https://rhins.example.org") // production is behind HTTPS (tests/helpers/app.ts)
        .type("form")
        .send({ _csrf: csrfToken(page.text) });
      expect(done.status).toBe(200);
      expect(done.text).toMatch(
        /id="set-password-link">https:\/\/rhins\.example\.org\/partners\/set-password\/[\w-]+</,
      );
    } finally {
      await prodDb.close();
    }
  });
});
