import request from "supertest";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { RequestListener } from "node:http";
import type { Database } from "../../src/db/database.ts";
import { seed } from "../../src/db/seed.ts";
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
  ({ app } = testApp(db));
  coordinator = await signIn(app, partners.coordinator.email);
});
afterAll(async () => db.close());
afterEach(() => {
  vi.useRealTimers();
});

const linkIn = (html: string) => /\/partners\/set-password\/[A-Za-z0-9_-]+/.exec(html)![0];

async function createAccount(fields: Record<string, string>) {
  const police = await db.prisma.agency.findUniqueOrThrow({ where: { code: "Police" } });
  return submit(coordinator, "/partners/accounts/new", {
    name: "New Officer",
    role: "OFFICER",
    agencyId: String(police.id),
    ...fields,
  });
}

describe("creating an account", () => {
  it("gives a one-time set-password link, stored only as a hash, and audits it", async () => {
    const res = await createAccount({ email: "New.Officer@Partners.Test" });
    expect(res.status).toBe(200);
    const link = linkIn(res.text);
    const user = await db.prisma.user.findUniqueOrThrow({
      where: { email: "new.officer@partners.test" },
      include: { passwordTokens: true },
    });
    expect(user.passwordHash).toBeNull();
    expect(user.passwordTokens).toHaveLength(1);
    expect(user.passwordTokens[0]!.tokenHash).not.toContain(link.split("/").pop());
    const event = await db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "account.created", entityId: String(user.id) },
    });
    expect(event.actorId).toBe(partners.coordinator.id);
    expect(event.after).toMatchObject({ email: "new.officer@partners.test", role: "OFFICER" });

    // The new officer sets a password with the link, then signs in.
    const visitor = request.agent(app);
    const weak = await submit(visitor, link, { password: "elevenchars", confirmPassword: "elevenchars" });
    expect(weak.status).toBe(400);
    expect(weak.text).toContain("Password must be 12 characters or more");
    const common = await submit(visitor, link, { password: "passwordpassword", confirmPassword: "passwordpassword" });
    expect(common.text).toContain("Password is too common");
    const set = await submit(visitor, link, { password: PASSWORD, confirmPassword: PASSWORD });
    expect(set.status).toBe(302);
    const stored = await db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(stored.passwordHash).toMatch(/^\$argon2id\$/);
    await signIn(app, "new.officer@partners.test");

    // The link works once.
    expect((await request(app).get(link)).status).toBe(410);
  });

  it("expires the link after 72 hours", async () => {
    const res = await createAccount({ email: "late@partners.test" });
    const link = linkIn(res.text);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 73 * 60 * 60_000);
    const page = await request(app).get(link);
    expect(page.status).toBe(410);
    expect(page.text).toContain("This link has expired");
  });

  it.each([
    [{ name: "", email: "a@partners.test" }, "#name", "Enter the person's full name"],
    [{ email: "not an email" }, "#email", "Enter an email address in the correct format"],
    [{ email: "coord@partners.test" }, "#email", "An account with this email address already exists"],
    [{ email: "b@partners.test", role: "ADMIN" }, "#role", "Select a role"],
    [{ email: "c@partners.test", agencyId: "" }, "#agencyId", "Select the officer's agency"],
    [{ email: "d@partners.test", agencyId: "999999" }, "#agencyId", "Select an agency from the list"],
    [{ email: "e@partners.test", name: "n".repeat(101) }, "#name", "Name must be 100 characters or fewer"],
  ])("refuses %o with a message linked to the field, storing nothing", async (fields, href, message) => {
    const before = await db.prisma.user.count();
    const res = await createAccount(fields as Record<string, string>);
    expect(res.status).toBe(400);
    expect(res.text).toContain(`href="${href}"`);
    expect(res.text).toContain(message.replaceAll("'", "&#39;"));
    expect(await db.prisma.user.count()).toBe(before);
  });

  it("refuses repeated or unknown fields with a clear 400", async () => {
    const form = await coordinator.get("/partners/accounts/new");
    const repeated = await coordinator
      .post("/partners/accounts/new")
      .type("form")
      .send(
        `_csrf=${encodeURIComponent(csrfToken(form.text))}&name=A&name=B&email=x%40partners.test&role=VIEWER&agencyId=`,
      );
    expect(repeated.status).toBe(400);
    expect(repeated.text).toContain("The form sent something it should not");
    const unknown = await submit(coordinator, "/partners/accounts/new", {
      name: "A",
      email: "y@partners.test",
      role: "VIEWER",
      agencyId: "",
      isAdmin: "true",
    });
    expect(unknown.status).toBe(400);
  });
});

describe("changing an account", () => {
  it("records a role change with before and after", async () => {
    const target = await db.prisma.user.create({
      data: { email: "promote@partners.test", name: "Promote Me", role: "VIEWER" },
    });
    const res = await submit(coordinator, `/partners/accounts/${target.id}`, {
      name: "Promote Me",
      email: target.email,
      role: "COORDINATOR",
      agencyId: "",
    });
    expect(res.status).toBe(302);
    const event = await db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "account.role-changed", entityId: String(target.id) },
    });
    expect(event.before).toEqual({ role: "VIEWER" });
    expect(event.after).toEqual({ role: "COORDINATOR" });
  });

  it("deactivating signs the person out everywhere and stops sign-in; reactivating restores it", async () => {
    const person = await signIn(app, partners.otherOfficer.email);
    await person.get("/partners").expect(200);
    const res = await submit(
      coordinator,
      "/partners/accounts",
      {},
      `/partners/accounts/${partners.otherOfficer.id}/deactivate`,
    );
    expect(res.status).toBe(302);
    await person.get("/partners").expect(302);
    const again = await submit(request.agent(app), "/partners/sign-in", {
      email: partners.otherOfficer.email,
      password: PASSWORD,
    });
    expect(again.status).toBe(401);
    await submit(coordinator, "/partners/accounts", {}, `/partners/accounts/${partners.otherOfficer.id}/reactivate`);
    await signIn(app, partners.otherOfficer.email);
  });

  it("a coordinator cannot deactivate themselves", async () => {
    const res = await submit(
      coordinator,
      "/partners/accounts",
      {},
      `/partners/accounts/${partners.coordinator.id}/deactivate`,
    );
    expect(res.status).toBe(403);
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: partners.coordinator.id } })).active).toBe(true);
  });

  it("resetting stops the old password at once and gives a new link", async () => {
    const res = await submit(coordinator, "/partners/accounts", {}, `/partners/accounts/${partners.spare.id}/reset`);
    expect(res.status).toBe(200);
    expect(linkIn(res.text)).toBeTruthy();
    const old = await submit(request.agent(app), "/partners/sign-in", {
      email: partners.spare.email,
      password: PASSWORD,
    });
    expect(old.status).toBe(401);
    expect(
      await db.prisma.auditEvent.count({ where: { action: "account.reset", entityId: String(partners.spare.id) } }),
    ).toBe(1);
  });

  it("an unknown account id is a 404 page", async () => {
    expect((await coordinator.get("/partners/accounts/999999")).status).toBe(404);
    expect((await coordinator.get("/partners/accounts/abc")).status).toBe(404);
  });
});

describe("changing your own password", () => {
  it("needs the current password, applies the rules, and is audited", async () => {
    const me = await signIn(app, partners.viewer.email);
    const wrong = await submit(
      me,
      "/partners/account",
      {
        currentPassword: "not it at all",
        newPassword: "a brand new passphrase",
        confirmPassword: "a brand new passphrase",
      },
      "/partners/account/password",
    );
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain("Your current password is not right");
    const short = await submit(
      me,
      "/partners/account",
      { currentPassword: PASSWORD, newPassword: "short", confirmPassword: "short" },
      "/partners/account/password",
    );
    expect(short.text).toContain("Password must be 12 characters or more");
    const ok = await submit(
      me,
      "/partners/account",
      { currentPassword: PASSWORD, newPassword: "a brand new passphrase", confirmPassword: "a brand new passphrase" },
      "/partners/account/password",
    );
    expect(ok.status).toBe(302);
    await signIn(app, partners.viewer.email, "a brand new passphrase");
    expect(
      await db.prisma.auditEvent.count({ where: { action: "password.changed", actorId: partners.viewer.id } }),
    ).toBe(1);
  });
});

describe("the audit trail", () => {
  it("shows coordinators events with filters and pages", async () => {
    // Described in plain English (tests/integration/audit-trail.test.ts).
    const all = await coordinator.get("/partners/audit").expect(200);
    expect(all.text).toContain("Added an account for");
    const filtered = await coordinator.get("/partners/audit?action=account.role-changed").expect(200);
    expect(filtered.text).toContain("Promote Me (promote@partners.test)&#39;s role: Viewer → Coordinator");
    expect(filtered.text).not.toContain("Added an account for");
    const weird = await coordinator.get(`/partners/audit?page=abc&action=${"x".repeat(5000)}&actor=a&actor=b`);
    expect(weird.status).toBe(200);
    const far = await coordinator.get("/partners/audit?page=9999").expect(200);
    expect(far.text).not.toContain("Added an account for");
  });

  it("cannot be changed or deleted, even directly in the database", async () => {
    const event = await db.prisma.auditEvent.findFirstOrThrow();
    await expect(
      db.prisma.auditEvent.update({ where: { id: event.id }, data: { action: "tampered" } }),
    ).rejects.toThrow(/append-only/);
    await expect(db.prisma.auditEvent.deleteMany({})).rejects.toThrow(/append-only/);
    expect((await db.prisma.auditEvent.findUniqueOrThrow({ where: { id: event.id } })).action).toBe(event.action);
  });
});

describe("inactive agencies", () => {
  it("are not offered or accepted for a new account, but an account keeps its own", async () => {
    const sari = await db.prisma.agency.update({ where: { code: "SARI" }, data: { active: false } });
    try {
      const form = await coordinator.get("/partners/accounts/new").expect(200);
      // The form also lists reporting centres, whose ids may coincide: look in the agency select only.
      const agencySelect = /<select[^>]*name="agencyId"[\s\S]*?<\/select>/.exec(form.text)![0];
      expect(agencySelect).toContain('value=""');
      expect(agencySelect).not.toContain(`value="${sari.id}"`);
      const res = await createAccount({ email: "sari.new@partners.test", agencyId: String(sari.id) });
      expect(res.status).toBe(400);
      expect(res.text).toContain("Select an agency from the list");
      const kept = await db.prisma.user.create({
        data: { email: "sari.old@partners.test", name: "Sari Old", role: "OFFICER", agencyId: sari.id },
      });
      const edit = await coordinator.get(`/partners/accounts/${kept.id}`).expect(200);
      expect(edit.text).toContain(`value="${sari.id}" selected`);
      const saved = await submit(coordinator, `/partners/accounts/${kept.id}`, {
        name: "Sari Old",
        email: kept.email,
        role: "OFFICER",
        agencyId: String(sari.id),
      });
      expect(saved.status).toBe(302);
    } finally {
      await db.prisma.agency.update({ where: { code: "SARI" }, data: { active: true } });
    }
  });
});
