// Characters the database cannot store (a NUL, U+0000; a UTF-16 surrogate without its partner)
// never lose what a partner typed: they are removed as the form is read, so the form saves with
// everything else, or is shown again with its own error beside the field and everything kept.
// Before, Postgres refused the NUL and the partner got a bare "There is a problem" page.
import type { RequestListener } from "node:http";
import { JSDOM } from "jsdom";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { seed } from "../../src/db/seed.ts";
import { testApp } from "../helpers/app.ts";
import { testDatabase } from "../helpers/database.ts";
import { type Agent, PASSWORD, createPartners, csrfToken, signIn, submit } from "../helpers/partners.ts";

let db: Database;
let app: RequestListener;
let partners: Awaited<ReturnType<typeof createPartners>>;
let coordinator: Agent;

beforeAll(async () => {
  db = await testDatabase();
  await seed(db.prisma, { production: true });
  partners = await createPartners(db);
  app = testApp(db).app;
  coordinator = await signIn(app, partners.coordinator.email);
});
afterAll(async () => db.close());

const NUL = "\u0000";
/** What the database's last line of defence says (src/middleware/errors.ts): never shown now. */
const BARE_REFUSAL = "contains a character that cannot be stored";
const PLAN = "/partners/plans/2023-24";

const page = (html: string) => new JSDOM(html).window.document;
const fieldValue = (html: string, name: string) => {
  const el = page(html).querySelector<HTMLInputElement | HTMLTextAreaElement>(`[name="${name}"]`);
  return el?.tagName === "TEXTAREA" ? el.textContent : el?.value;
};
const errorBeside = (html: string, id: string) => page(html).querySelector(`#${id}-error`)?.textContent?.trim();
const summaryLinks = (html: string) =>
  [...page(html).querySelectorAll(".govuk-error-summary__list a")].map((a) => a.getAttribute("href"));

/** Posts the form on `path` as a browser would (WHATWG urlencoding), with its CSRF token. */
async function post(agent: Agent, path: string, fields: [string, string][]) {
  const token = csrfToken((await agent.get(path)).text);
  return agent
    .post(path)
    .type("form")
    .send(new URLSearchParams([...fields, ["_csrf", token]]).toString());
}

const lastAudit = (action: string) =>
  db.prisma.auditEvent.findFirstOrThrow({ where: { action }, orderBy: { id: "desc" } });

describe("a NUL character in a partner form", () => {
  it("is removed from an agency's fields, keeping tabs and line breaks, and the agency is saved and audited", async () => {
    const res = await submit(coordinator, "/partners/agencies/new", {
      code: `Mo${NUL}saic`,
      name: `Mosaic${NUL} Community Group`,
      description: `Supports minority${NUL} ethnic communities.\n\tSince 1998.${NUL}`,
      website: `https://mosaic.example.org${NUL}`,
    });
    expect(res.status, res.text).toBe(302);
    const agency = await db.prisma.agency.findUniqueOrThrow({ where: { code: "Mosaic" } });
    expect(agency).toMatchObject({
      name: "Mosaic Community Group",
      description: "Supports minority ethnic communities.\n\tSince 1998.",
      website: "https://mosaic.example.org",
    });
    expect((await lastAudit("agency.created")).after).toMatchObject({ name: "Mosaic Community Group" });

    const changed = await submit(coordinator, `/partners/agencies/${agency.id}`, {
      code: "Mosaic",
      name: `${NUL}Mosaic Group`,
      description: "",
      website: "",
    });
    expect(changed.status, changed.text).toBe(302);
    expect((await db.prisma.agency.findUniqueOrThrow({ where: { id: agency.id } })).name).toBe("Mosaic Group");
  });

  it("shows the agency form again with the error beside the field at fault and everything else typed", async () => {
    const before = await db.prisma.agency.count();
    const res = await submit(coordinator, "/partners/agencies/new", {
      code: "Galop",
      name: `Galop${NUL} LGBT+ anti-abuse charity`,
      description: `Helps LGBT+ people${NUL}\nfacing abuse.`,
      website: `galop.example${NUL}`,
    });
    expect(res.status).toBe(400);
    expect(res.text).not.toContain(BARE_REFUSAL);
    expect(summaryLinks(res.text)).toEqual(["#website"]);
    expect(errorBeside(res.text, "website")).toContain("Enter a web address starting with https://");
    expect(fieldValue(res.text, "code")).toBe("Galop");
    expect(fieldValue(res.text, "name")).toBe("Galop LGBT+ anti-abuse charity");
    expect(fieldValue(res.text, "description")).toBe("Helps LGBT+ people\nfacing abuse.");
    expect(fieldValue(res.text, "website")).toBe("galop.example");
    expect(await db.prisma.agency.count()).toBe(before);
  });

  it("in a field with nothing else in it, is that field left empty, with its own message", async () => {
    const res = await submit(coordinator, "/partners/agencies/new", {
      code: "Galop",
      name: NUL.repeat(3),
      description: "Helps LGBT+ people facing abuse.",
      website: "",
    });
    expect(res.status).toBe(400);
    expect(summaryLinks(res.text)).toEqual(["#name"]);
    expect(errorBeside(res.text, "name")).toContain("Enter the agency's name");
    expect(fieldValue(res.text, "code")).toBe("Galop");
    expect(fieldValue(res.text, "description")).toBe("Helps LGBT+ people facing abuse.");
  });

  it("is removed from a reporting centre's fields, its ticked services and its other services, one per line", async () => {
    const res = await post(coordinator, "/partners/directory/centres/new", [
      ["name", `Yatton${NUL} Village Hall`],
      ["address", `High${NUL} Street`],
      ["town", `Yatton${NUL}`],
      ["postcode", `BS49${NUL} 4HJ`],
      ["phone", `01934${NUL} 838 000`],
      ["email", `hall${NUL}@yatton.example.org`],
      ["website", ""],
      ["openingTimes", `Tuesday${NUL} 10am to 12 noon`],
      ["accessibilityNotes", `Step-free${NUL} access`],
      ["services", `Private${NUL} room`],
      ["services", "Help to fill in a report"],
      ["otherServices", `Tea${NUL}\r\nQuiet${NUL} corner`],
    ]);
    expect(res.status, res.text).toBe(302);
    const centre = await db.prisma.reportingCentre.findFirstOrThrow({ where: { name: "Yatton Village Hall" } });
    expect(centre).toMatchObject({
      address: "High Street",
      town: "Yatton",
      postcode: "BS49 4HJ",
      phone: "01934 838 000",
      email: "hall@yatton.example.org",
      openingTimes: "Tuesday 10am to 12 noon",
      accessibilityNotes: "Step-free access",
      services: ["Private room", "Help to fill in a report", "Tea", "Quiet corner"],
    });
  });

  it("shows the support service form again with its error and every field and tick kept", async () => {
    const before = await db.prisma.supportService.count();
    const res = await post(coordinator, "/partners/directory/support/new", [
      ["name", `Age Concern${NUL} North Somerset`],
      ["helps", `Older${NUL} people`],
      ["otherHelps", `Carers${NUL}`],
      ["phone", ""],
      ["website", "https://age.example.org"],
      ["email", `not an email${NUL}`],
      ["description", `Support for${NUL} older people.`],
    ]);
    expect(res.status).toBe(400);
    expect(res.text).not.toContain(BARE_REFUSAL);
    expect(summaryLinks(res.text)).toEqual(["#email"]);
    expect(fieldValue(res.text, "name")).toBe("Age Concern North Somerset");
    expect(fieldValue(res.text, "otherHelps")).toBe("Carers");
    expect(fieldValue(res.text, "email")).toBe("not an email");
    expect(fieldValue(res.text, "description")).toBe("Support for older people.");
    expect(await db.prisma.supportService.count()).toBe(before);

    const saved = await post(coordinator, "/partners/directory/support/new", [
      ["name", `Age Concern${NUL} North Somerset`],
      ["helps", `Older${NUL} people`],
      ["otherHelps", `Carers${NUL}`],
      ["phone", ""],
      ["website", "https://age.example.org"],
      ["email", ""],
      ["description", `Support for${NUL} older people.`],
    ]);
    expect(saved.status, saved.text).toBe(302);
    const service = await db.prisma.supportService.findFirstOrThrow({ where: { name: "Age Concern North Somerset" } });
    expect([service.helps, service.description]).toEqual([["Older people", "Carers"], "Support for older people."]);
  });

  it("is removed from the plan's details, a new objective, commitment and risk, and their audit records", async () => {
    const plan = await db.prisma.plan.findUniqueOrThrow({ where: { startYear: 2023 } });
    const details = await post(coordinator, `${PLAN}/details`, [
      ["title", `Hate Crime Plan${NUL} 2023/24`],
      ["strapline", `Standing${NUL} together`],
      ["vision", `A North Somerset${NUL} where nobody is targeted for who they are.`],
      ["introduction", `Our plan.${NUL}\n\nIn four parts.`],
    ]);
    expect(details.status, details.text).toBe(302);
    expect(await db.prisma.plan.findUniqueOrThrow({ where: { id: plan.id } })).toMatchObject({
      title: "Hate Crime Plan 2023/24",
      strapline: "Standing together",
      vision: "A North Somerset where nobody is targeted for who they are.",
      introduction: "Our plan.\n\nIn four parts.",
    });

    expect((await post(coordinator, `${PLAN}/objectives/new`, [["title", `Reach${NUL} young people`]])).status).toBe(
      302,
    );
    const objective = await db.prisma.objective.findFirstOrThrow({
      where: { planId: plan.id, title: "Reach young people" },
    });
    const nsc = await db.prisma.agency.findUniqueOrThrow({ where: { code: "NSC" } });
    const commitment = await post(coordinator, `${PLAN}/objectives/${objective.id}/commitments/new`, [
      ["text", `Visit${NUL} every secondary school`],
      ["leads", String(nsc.id)],
    ]);
    expect(commitment.status, commitment.text).toBe(302);
    expect(
      await db.prisma.commitment.count({ where: { objectiveId: objective.id, text: "Visit every secondary school" } }),
    ).toBe(1);
    expect((await lastAudit("commitment.added")).after).toMatchObject({ text: "Visit every secondary school" });

    const risk = await post(coordinator, `${PLAN}/risks/new`, [
      ["description", `Schools${NUL} say no`],
      ["mitigation", `Ask the${NUL} governors`],
      ["rating", "AMBER"],
      ["owner", "ALL"],
    ]);
    expect(risk.status, risk.text).toBe(302);
    expect(
      await db.prisma.risk.count({
        where: { planId: plan.id, description: "Schools say no", mitigation: "Ask the governors" },
      }),
    ).toBe(1);
  });

  it("shows a plan form again with the error beside the field and what was typed in the others", async () => {
    const before = await db.prisma.risk.count();
    const res = await post(coordinator, `${PLAN}/risks/new`, [
      ["description", `Funding${NUL} ends`],
      ["mitigation", NUL],
      ["rating", "RED"],
      ["owner", "ALL"],
    ]);
    expect(res.status).toBe(400);
    expect(summaryLinks(res.text)).toEqual(["#mitigation"]);
    expect(errorBeside(res.text, "mitigation")).toContain("Enter how the partnership will tackle the risk");
    expect(fieldValue(res.text, "description")).toBe("Funding ends");
    expect(await db.prisma.risk.count()).toBe(before);
  });

  it("is removed from a new account's name and email", async () => {
    const nsc = await db.prisma.agency.findUniqueOrThrow({ where: { code: "NSC" } });
    const res = await post(coordinator, "/partners/accounts/new", [
      ["name", `Sam${NUL} Example`],
      ["email", `sam.example${NUL}@partners.test`],
      ["role", "OFFICER"],
      ["agencyId", String(nsc.id)],
    ]);
    expect(res.status, res.text).toBeLessThan(400);
    expect(await db.prisma.user.findUniqueOrThrow({ where: { email: "sam.example@partners.test" } })).toMatchObject({
      name: "Sam Example",
    });
  });
});

describe("a NUL character where a partner signs in", () => {
  it("is removed from the email address, so the partner signs in", async () => {
    const agent = request.agent(app);
    const res = await post(agent, "/partners/sign-in", [
      ["email", `${partners.officer.email}${NUL}`],
      ["password", PASSWORD],
    ]);
    expect(res.status, res.text).toBe(302);
    expect(res.headers.location).toBe("/partners");
    expect((await agent.get("/partners/account")).status).toBe(200);
  });

  it("with a wrong password, shows the sign-in form again with the email address kept", async () => {
    const res = await post(request.agent(app), "/partners/sign-in", [
      ["email", `${NUL}${partners.officer.email}`],
      ["password", `not the password${NUL}`],
    ]);
    expect(res.status).toBe(401);
    expect(summaryLinks(res.text)).toEqual(["#email"]);
    expect(fieldValue(res.text, "email")).toBe(partners.officer.email);
  });

  it("in a return address on the sign-in link, is not kept (only safe return addresses are)", async () => {
    const agent = request.agent(app);
    const form = await agent.get(`/partners/sign-in?returnTo=${encodeURIComponent(`/partners/audit${NUL}`)}`);
    expect(form.status).toBe(200);
    const res = await agent
      .post("/partners/sign-in")
      .type("form")
      .send({ email: partners.coordinator.email, password: PASSWORD, _csrf: csrfToken(form.text) });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe("/partners");
  });
});

describe("a NUL character in a filter", () => {
  it("is removed from the audit trail's filters, which show the rest and filter by it", async () => {
    const res = await coordinator.get(`/partners/audit?actor=${encodeURIComponent(`coord${NUL}`)}&entityType=%00`);
    expect(res.status).toBe(200);
    expect(fieldValue(res.text, "actor")).toBe("coord");
    const who = [...page(res.text).querySelectorAll("tbody tr td:nth-child(2)")].map((td) => td.textContent);
    expect(who.length).toBeGreaterThan(0);
    expect(new Set(who)).toEqual(new Set([partners.coordinator.email]));
  });
});

describe("a UTF-16 surrogate without its partner", () => {
  it("arrives as the replacement character a browser sends for it, and the form saves with everything kept", async () => {
    // A browser (and URLSearchParams) sends a lone surrogate as U+FFFD, and the server reads any
    // byte sequence that is not UTF-8 as U+FFFD too: what reaches the form is storable.
    const res = await post(coordinator, "/partners/agencies/new", [
      ["code", "Lone"],
      ["name", "Lone \ud800surrogate \udc00group"],
      ["description", "Emoji stay: 🏳️‍🌈 🙂"],
      ["website", ""],
    ]);
    expect(res.status, res.text).toBe(302);
    expect(await db.prisma.agency.findUniqueOrThrow({ where: { code: "Lone" } })).toMatchObject({
      name: "Lone \ufffdsurrogate \ufffdgroup",
      description: "Emoji stay: 🏳️‍🌈 🙂",
    });
  });

  it("sent as raw bytes that are not UTF-8, saves the rest of an objective as typed", async () => {
    const path = `${PLAN}/objectives/new`;
    const token = csrfToken((await coordinator.get(path)).text);
    // ED A0 80 is how a lone U+D800 would be written in (invalid) UTF-8.
    const body = Buffer.concat([
      Buffer.from(`_csrf=${encodeURIComponent(token)}&title=Raw%20`),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from("%20bytes%00"),
    ]);
    const res = await coordinator
      .post(path)
      .set("Content-Type", "application/x-www-form-urlencoded")
      // The bytes as they are (superagent's types say string; Node writes a Buffer unchanged).
      .serialize((raw: unknown) => raw as string)
      .send(body);
    expect(res.status, res.text).toBe(302);
    const titles = (await db.prisma.objective.findMany({ where: { title: { startsWith: "Raw" } } })).map(
      (o) => o.title,
    );
    expect(titles).toHaveLength(1);
    expect(titles[0]).toMatch(/^Raw \ufffd+ bytes$/);
  });
});
