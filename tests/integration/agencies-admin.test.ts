// Coordinators manage the partnership's agencies at /partners/agencies: add, change, deactivate,
// reactivate, reorder and delete (refused while anything refers to the agency), through the real
// forms with sessions and CSRF, every change audited, and the public About page following.
import type { RequestListener } from "node:http";
import { JSDOM } from "jsdom";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { seed } from "../../src/db/seed.ts";
import { axeViolations, htmlErrors } from "../helpers/accessibility.ts";
import { testApp } from "../helpers/app.ts";
import { testDatabase } from "../helpers/database.ts";
import { type Agent, createPartners, csrfToken, signIn, submit } from "../helpers/partners.ts";

let db: Database;
let app: RequestListener;
let built: ReturnType<typeof testApp>;
let partners: Awaited<ReturnType<typeof createPartners>>;
let coordinator: Agent;

beforeAll(async () => {
  db = await testDatabase();
  await seed(db.prisma, { production: true });
  partners = await createPartners(db);
  built = testApp(db);
  app = built.app;
  coordinator = await signIn(app, partners.coordinator.email);
});
afterAll(async () => db.close());

const text = (el: Element | null | undefined) => (el?.textContent ?? "").replace(/\s+/g, " ").trim();

async function expectAccessible(html: string) {
  expect(await axeViolations(html)).toEqual([]);
  expect(await htmlErrors(html)).toEqual([]);
}

/** The list page's rows as "code | name | status | accounts | lead roles". */
async function listed(): Promise<string[]> {
  const res = await coordinator.get("/partners/agencies").expect(200);
  const doc = new JSDOM(res.text).window.document;
  return [...doc.querySelectorAll("tbody tr")].map((row) =>
    [...row.querySelectorAll("td")]
      .slice(0, 5)
      .map((td) => text(td).replace(" (change)", ""))
      .join(" | "),
  );
}

/** The member agencies named on the public About page, in order. */
async function aboutAgencies(): Promise<string[]> {
  const res = await request(app).get("/about").expect(200);
  const doc = new JSDOM(res.text).window.document;
  const heading = [...doc.querySelectorAll("main h2")].find((h) => text(h) === "Who we are");
  let list = heading?.nextElementSibling;
  while (list && list.tagName !== "UL") list = list.nextElementSibling;
  return [...(list?.querySelectorAll("li") ?? [])]
    .map(text)
    .filter((t) => t !== "local voluntary and community groups");
}

const counts = async () => ({
  agencies: await db.prisma.agency.count(),
  audit: await db.prisma.auditEvent.count(),
});

const add = (fields: Record<string, string>) =>
  submit(coordinator, "/partners/agencies/new", { code: "", name: "", description: "", website: "", ...fields });

const agencyByCode = (code: string) => db.prisma.agency.findUniqueOrThrow({ where: { code } });

describe("the agencies list", () => {
  it("shows each agency's code, name, status, accounts and lead roles, and is accessible", async () => {
    const nsc = await agencyByCode("NSC");
    const nscLeads = await db.prisma.commitmentLead.count({ where: { agencyId: nsc.id } });
    expect(nscLeads).toBeGreaterThan(0);
    const nscAccounts = await db.prisma.user.count({ where: { agencyId: nsc.id } });
    expect(nscAccounts).toBeGreaterThan(1);
    const rows = await listed();
    expect(rows[0]).toBe(`NSC | North Somerset Council | Active | ${nscAccounts} | ${nscLeads}`);
    expect(rows.map((r) => r.split(" | ")[0])).toEqual(["NSC", "Police", "SARI"]);
    const res = await coordinator.get("/partners/agencies");
    expect(res.headers["cache-control"]).toBe("no-store");
    await expectAccessible(res.text);
    await expectAccessible((await coordinator.get("/partners/agencies/new").expect(200)).text);
    await expectAccessible((await coordinator.get(`/partners/agencies/${nsc.id}`).expect(200)).text);
  });

  it("is for coordinators only: officers and viewers get 403 and change nothing", async () => {
    for (const who of [partners.officer, partners.viewer]) {
      const agent = await signIn(app, who.email);
      expect((await agent.get("/partners/agencies")).status).toBe(403);
      const before = await counts();
      const token = csrfToken((await agent.get("/partners/account")).text);
      const res = await agent
        .post("/partners/agencies/new")
        .type("form")
        .send({ _csrf: token, code: "HACK", name: "Hack", description: "", website: "" });
      expect(res.status).toBe(403);
      expect(await counts()).toEqual(before);
    }
  });
});

describe("adding an agency", () => {
  it("saves it at the end of the order, audits it, and lists it on the public About page", async () => {
    const res = await add({
      code: "Mosaic",
      name: "Mosaic Community Group",
      description: "Supports minority ethnic communities.",
      website: "https://mosaic.example.org",
    });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe("/partners/agencies");
    const list = await coordinator.get("/partners/agencies");
    expect(list.text).toContain("Agency added: Mosaic Community Group");
    const agency = await agencyByCode("Mosaic");
    expect(agency).toMatchObject({
      name: "Mosaic Community Group",
      description: "Supports minority ethnic communities.",
      website: "https://mosaic.example.org",
      active: true,
      position: 3,
    });
    expect((await listed()).at(-1)).toBe("Mosaic | Mosaic Community Group | Active | 0 | 0");
    const event = await db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "agency.created", entityId: String(agency.id) },
    });
    expect(event.actorId).toBe(partners.coordinator.id);
    expect(event.entityType).toBe("Agency");
    expect(event.after).toMatchObject({ code: "Mosaic", name: "Mosaic Community Group", active: true });
    expect(await aboutAgencies()).toContain("Mosaic Community Group (Mosaic)");
  });

  it("offers a new agency for accounts and lead roles", async () => {
    const offered = await built.services.agencies.offered();
    expect(offered.map((a) => a.code)).toContain("Mosaic");
  });

  const refusals: [string, Record<string, string>, string, string][] = [
    ["no code", { code: "", name: "A" }, "code", "Enter the agency's code, like NSC"],
    ["a one-letter code", { code: "A", name: "A" }, "code", "Code must be 2 characters or more"],
    ["a 21-character code", { code: "A".repeat(21), name: "A" }, "code", "Code must be 20 characters or fewer"],
    ["a code with a space", { code: "N S", name: "A" }, "code", "Code must only include letters and numbers"],
    ["a code with punctuation", { code: "N-S", name: "A" }, "code", "Code must only include letters and numbers"],
    [
      "a code another agency has, in another case",
      { code: "nsc", name: "A" },
      "code",
      "Another agency already uses the code NSC",
    ],
    ["no name", { code: "NEW", name: "  " }, "name", "Enter the agency's name"],
    ["a long name", { code: "NEW", name: "n".repeat(101) }, "name", "Name must be 100 characters or fewer"],
    [
      "a long description",
      { code: "NEW", name: "A", description: "d".repeat(1001) },
      "description",
      "Description must be 1,000 characters or fewer",
    ],
    [
      "a website that is not http(s)",
      { code: "NEW", name: "A", website: "ftp://example.org" },
      "website",
      "Enter a web address starting with https:// or http://",
    ],
    [
      "a javascript: website",
      { code: "NEW", name: "A", website: "javascript:alert(1)" },
      "website",
      "Enter a web address starting with https:// or http://",
    ],
    [
      "a website without a host",
      { code: "NEW", name: "A", website: "https://" },
      "website",
      "Enter a web address starting with https:// or http://",
    ],
    [
      "a website that is not an address",
      { code: "NEW", name: "A", website: "www example" },
      "website",
      "Enter a web address starting with https:// or http://",
    ],
  ];

  it.each(refusals)(
    "refuses %s with a message by the field, and stores nothing",
    async (_what, fields, field, message) => {
      const before = await counts();
      const res = await add(fields);
      expect(res.status).toBe(400);
      const doc = new JSDOM(res.text).window.document;
      const summary = doc.querySelector(".govuk-error-summary");
      expect(text(summary)).toContain(message);
      expect(summary?.querySelector(`a[href="#${field}"]`)).not.toBeNull();
      expect(text(doc.querySelector(`#${field}-error`))).toContain(message);
      // What was typed is kept.
      if (fields.name?.trim()) expect(doc.querySelector<HTMLInputElement>("#name")?.value).toBe(fields.name);
      expect(await counts()).toEqual(before);
    },
  );

  it("shows an accessible error page", async () => {
    const res = await add({ code: "x", name: "", website: "nope" });
    expect(res.status).toBe(400);
    await expectAccessible(res.text);
  });

  it("refuses unknown and repeated fields with a 400 page, storing nothing", async () => {
    const before = await counts();
    const form = await coordinator.get("/partners/agencies/new");
    const token = csrfToken(form.text);
    const unknown = await coordinator
      .post("/partners/agencies/new")
      .type("form")
      .send({ _csrf: token, code: "ZZ", name: "Z", description: "", website: "", active: "false" });
    expect(unknown.status).toBe(400);
    const repeated = await coordinator
      .post("/partners/agencies/new")
      .type("form")
      .send(`_csrf=${encodeURIComponent(token)}&code=ZZ&code=YY&name=Z&description=&website=`);
    expect(repeated.status).toBe(400);
    expect(await counts()).toEqual(before);
  });
});

describe("changing an agency", () => {
  it("saves the new details and audits before and after", async () => {
    const sari = await agencyByCode("SARI");
    const res = await submit(coordinator, `/partners/agencies/${sari.id}`, {
      code: "SARI",
      name: "SARI (Stand Against Racism and Inequality)",
      description: "Hate crime casework.",
      website: "",
    });
    expect(res.status).toBe(302);
    const after = await db.prisma.agency.findUniqueOrThrow({ where: { id: sari.id } });
    expect(after).toMatchObject({ name: "SARI (Stand Against Racism and Inequality)", website: null });
    const event = await db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "agency.updated", entityId: String(sari.id) },
    });
    expect(event.before).toMatchObject({ name: "Stand Against Racism and Inequality", website: sari.website });
    expect(event.after).toMatchObject({ name: "SARI (Stand Against Racism and Inequality)", website: null });
  });

  it("may keep its own code in another case, but not take another agency's", async () => {
    const mosaic = await agencyByCode("Mosaic");
    const fields = { name: mosaic.name, description: mosaic.description, website: mosaic.website ?? "" };
    const clash = await submit(coordinator, `/partners/agencies/${mosaic.id}`, { ...fields, code: "police" });
    expect(clash.status).toBe(400);
    expect(clash.text).toContain("Another agency already uses the code Police");
    expect((await db.prisma.agency.findUniqueOrThrow({ where: { id: mosaic.id } })).code).toBe("Mosaic");
    const own = await submit(coordinator, `/partners/agencies/${mosaic.id}`, { ...fields, code: "MOSAIC" });
    expect(own.status).toBe(302);
    expect((await db.prisma.agency.findUniqueOrThrow({ where: { id: mosaic.id } })).code).toBe("MOSAIC");
  });

  it("answers 404 for an agency that does not exist, whatever the method", async () => {
    const token = csrfToken((await coordinator.get("/partners/agencies")).text);
    for (const path of ["/partners/agencies/999999", "/partners/agencies/abc", "/partners/agencies/999999/delete"]) {
      expect((await coordinator.get(path)).status, path).toBe(404);
    }
    const before = await counts();
    for (const action of ["", "/deactivate", "/reactivate", "/move-up", "/move-down", "/delete"]) {
      const res = await coordinator
        .post(`/partners/agencies/999999${action}`)
        .type("form")
        .send({ _csrf: token, code: "AB", name: "A", description: "", website: "" });
      expect(res.status, action).toBe(404);
    }
    expect(await counts()).toEqual(before);
  });
});

describe("deactivating and reactivating an agency", () => {
  it("stops offering it and takes it off the public About page, then brings it back", async () => {
    const police = await agencyByCode("Police");
    const token = csrfToken((await coordinator.get("/partners/agencies")).text);
    const off = await coordinator
      .post(`/partners/agencies/${police.id}/deactivate`)
      .type("form")
      .send({ _csrf: token });
    expect(off.status).toBe(302);
    expect((await db.prisma.agency.findUniqueOrThrow({ where: { id: police.id } })).active).toBe(false);
    expect((await listed()).find((r) => r.startsWith("Police |"))).toContain("| Inactive |");
    expect(await aboutAgencies()).not.toContain("Avon and Somerset Police (Police)");
    expect((await built.services.agencies.offered()).map((a) => a.code)).not.toContain("Police");
    // An account or lead role that already has it keeps it on offer while being edited.
    expect((await built.services.agencies.offered([police.id])).map((a) => a.code)).toContain("Police");
    expect(await built.services.agencies.areOffered([police.id])).toBe(false);
    expect(await built.services.agencies.areOffered([police.id], [police.id])).toBe(true);
    const event = await db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "agency.deactivated", entityId: String(police.id) },
    });
    expect(event).toMatchObject({
      before: { active: true },
      after: { active: false },
      actorId: partners.coordinator.id,
    });

    const on = await coordinator.post(`/partners/agencies/${police.id}/reactivate`).type("form").send({ _csrf: token });
    expect(on.status).toBe(302);
    expect(await aboutAgencies()).toContain("Avon and Somerset Police (Police)");
    expect(await built.services.agencies.areOffered([police.id])).toBe(true);
    expect(
      await db.prisma.auditEvent.count({ where: { action: "agency.reactivated", entityId: String(police.id) } }),
    ).toBe(1);
  });
});

describe("reordering agencies", () => {
  it("moves an agency up or down, in the partner list and on the public About page", async () => {
    const codes = async () => (await listed()).map((r) => r.split(" | ")[0]);
    expect(await codes()).toEqual(["NSC", "Police", "SARI", "MOSAIC"]);
    const sari = await agencyByCode("SARI");
    const token = csrfToken((await coordinator.get("/partners/agencies")).text);
    expect(
      (await coordinator.post(`/partners/agencies/${sari.id}/move-up`).type("form").send({ _csrf: token })).status,
    ).toBe(302);
    expect(await codes()).toEqual(["NSC", "SARI", "Police", "MOSAIC"]);
    const about = await aboutAgencies();
    expect(about.indexOf("SARI (Stand Against Racism and Inequality) (SARI)")).toBeLessThan(
      about.indexOf("Avon and Somerset Police (Police)"),
    );
    const event = await db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "agency.reordered", entityId: String(sari.id) },
    });
    expect(event.before).toEqual({ order: ["NSC", "Police", "SARI", "MOSAIC"] });
    expect(event.after).toEqual({ order: ["NSC", "SARI", "Police", "MOSAIC"] });

    const nsc = await agencyByCode("NSC");
    await coordinator.post(`/partners/agencies/${nsc.id}/move-down`).type("form").send({ _csrf: token });
    expect(await codes()).toEqual(["SARI", "NSC", "Police", "MOSAIC"]);

    // The first cannot go further up: nothing changes and nothing is audited.
    const audited = await db.prisma.auditEvent.count();
    const top = await coordinator.post(`/partners/agencies/${sari.id}/move-up`).type("form").send({ _csrf: token });
    expect(top.status).toBe(302);
    expect(await codes()).toEqual(["SARI", "NSC", "Police", "MOSAIC"]);
    expect(await db.prisma.auditEvent.count()).toBe(audited);
  });
});

describe("deleting an agency", () => {
  it("is refused while accounts refer to it: deactivate it instead", async () => {
    const nsc = await agencyByCode("NSC");
    const page = await coordinator.get(`/partners/agencies/${nsc.id}/delete`).expect(200);
    expect(page.text).toContain("North Somerset Council cannot be deleted");
    expect(page.text).toContain(`${await db.prisma.user.count({ where: { agencyId: nsc.id } })} accounts`);
    expect(page.text).toContain("Deactivate it instead");
    expect(page.text).not.toContain("Delete agency");
    await expectAccessible(page.text);
    const before = await counts();
    const res = await coordinator
      .post(`/partners/agencies/${nsc.id}/delete`)
      .type("form")
      .send({ _csrf: csrfToken(page.text) });
    expect(res.status).toBe(409);
    expect(res.text).toContain("Deactivate it instead");
    expect(await counts()).toEqual(before);
  });

  it("is refused while a commitment lead role, a risk or a review refers to it", async () => {
    const make = async (code: string) => {
      await add({ code, name: `Agency ${code}` });
      return agencyByCode(code);
    };
    const commitment = await db.prisma.commitment.findFirstOrThrow();
    const risk = await db.prisma.risk.findFirstOrThrow();
    const lead = await make("LEAD");
    await db.prisma.commitmentLead.create({ data: { commitmentId: commitment.id, agencyId: lead.id } });
    const owner = await make("OWNER");
    await db.prisma.risk.update({ where: { id: risk.id }, data: { ownerAgencyId: owner.id } });
    const reviewer = await make("REVIEWER");
    await db.prisma.review.create({
      data: { commitmentId: commitment.id, quarter: 4, agencyId: lead.id, authorAgencyId: reviewer.id },
    });

    for (const [agency, why] of [
      [lead, "1 commitment lead role"],
      [owner, "1 risk"],
      [reviewer, "1 review"],
    ] as const) {
      const page = await coordinator.get(`/partners/agencies/${agency.id}/delete`).expect(200);
      expect(page.text).toContain(why);
      const before = await counts();
      const res = await coordinator
        .post(`/partners/agencies/${agency.id}/delete`)
        .type("form")
        .send({ _csrf: csrfToken(page.text) });
      expect(res.status, agency.code).toBe(409);
      expect(await counts()).toEqual(before);
    }
  });

  it("deletes an agency nothing refers to, after asking, and audits what it was", async () => {
    await add({ code: "GONE", name: "Short-lived group" });
    const gone = await agencyByCode("GONE");
    const page = await coordinator.get(`/partners/agencies/${gone.id}/delete`).expect(200);
    expect(page.text).toContain("Delete agency");
    await expectAccessible(page.text);
    const res = await coordinator
      .post(`/partners/agencies/${gone.id}/delete`)
      .type("form")
      .send({ _csrf: csrfToken(page.text) });
    expect(res.status).toBe(302);
    expect(await db.prisma.agency.findUnique({ where: { id: gone.id } })).toBeNull();
    const event = await db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "agency.deleted", entityId: String(gone.id) },
    });
    expect(event.before).toMatchObject({ code: "GONE", name: "Short-lived group" });
    expect((await coordinator.get(`/partners/agencies/${gone.id}`)).status).toBe(404);
  });
});

describe("stored cross-site scripting", () => {
  it("shows a <script> in an agency's name escaped on the partner and public pages", async () => {
    const SCRIPT = `<script>alert("x")</script>`;
    const res = await add({ code: "XSS", name: SCRIPT, description: SCRIPT });
    expect(res.status).toBe(302);
    const xss = await agencyByCode("XSS");
    expect(xss.name).toBe(SCRIPT);
    for (const [agent, path] of [
      [coordinator, "/partners/agencies"],
      [coordinator, `/partners/agencies/${xss.id}`],
      [coordinator, `/partners/agencies/${xss.id}/delete`],
      [request(app), "/about"],
    ] as const) {
      const page = await agent.get(path).expect(200);
      expect(page.text, path).not.toContain("<script>alert");
      expect(page.text, path).toMatch(/&lt;script&gt;alert\((&#34;|&quot;)x/);
    }
  });
});
