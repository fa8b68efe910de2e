// Coordinators keep the public directory at /partners/directory: reporting centres and support
// services added, changed, hidden, shown and deleted through the real forms (sessions, CSRF),
// every change audited, and the public /reporting-centres and /support pages following.
import type { RequestListener } from "node:http";
import { JSDOM } from "jsdom";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { seed } from "../../src/db/seed.ts";
import { normalisePostcode } from "../../src/services/directory.ts";
import { axeViolations, htmlErrors } from "../helpers/accessibility.ts";
import { testApp } from "../helpers/app.ts";
import { testDatabase } from "../helpers/database.ts";
import { type Agent, createPartners, csrfToken, signIn, submit } from "../helpers/partners.ts";

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

const EXAMPLE = "Example entry — replace with real details";
const text = (el: Element | null | undefined) => (el?.textContent ?? "").replace(/\s+/g, " ").trim();
const dom = (html: string) => new JSDOM(html).window.document;

async function expectAccessible(html: string) {
  expect(await axeViolations(html)).toEqual([]);
  expect(await htmlErrors(html)).toEqual([]);
}

/** A public directory page: the names on its cards and the choices in a filter. */
async function publicPage(url: string) {
  const res = await request(app).get(url).expect(200);
  const doc = dom(res.text);
  return {
    html: res.text,
    cards: [...doc.querySelectorAll(".govuk-summary-card__title")].map(text),
    options: (name: string) =>
      [...doc.querySelectorAll<HTMLInputElement>(`input[name="${name}"]`)].map((i) => i.value).filter(Boolean),
    card: (name: string) =>
      [...doc.querySelectorAll(".govuk-summary-card")].find(
        (c) => text(c.querySelector(".govuk-summary-card__title")) === name,
      ),
  };
}

const counts = async () => ({
  centres: await db.prisma.reportingCentre.count(),
  services: await db.prisma.supportService.count(),
  audit: await db.prisma.auditEvent.count(),
});

const CENTRE = {
  name: "Yatton Village Hall",
  address: "High Street",
  town: "Yatton",
  postcode: "bs49  4hj",
  phone: "01934 838 000",
  email: "",
  website: "",
  openingTimes: "Tuesday 10am to 12 noon",
  accessibilityNotes: "Step-free access",
  services: ["Private room", "Help to fill in a report"],
  otherServices: "",
};

const SERVICE = {
  name: "Age Concern North Somerset",
  helps: ["Young people"],
  otherHelps: "",
  phone: "",
  website: "https://age.example.org",
  email: "",
  description: "Support for older people affected by hate crime.",
};

const addCentre = (fields: Record<string, string | string[]>) =>
  submit(coordinator, "/partners/directory/centres/new", { ...CENTRE, ...fields });
const addService = (fields: Record<string, string | string[]>) =>
  submit(coordinator, "/partners/directory/support/new", { ...SERVICE, ...fields });

const centreNamed = (name: string) => db.prisma.reportingCentre.findFirstOrThrow({ where: { name } });
const serviceNamed = (name: string) => db.prisma.supportService.findFirstOrThrow({ where: { name } });

/** A POST from a button on the directory page, with that page's CSRF token. */
async function press(path: string) {
  const token = csrfToken((await coordinator.get("/partners/directory")).text);
  return coordinator.post(path).type("form").send({ _csrf: token });
}

describe("the directory page", () => {
  it("lists reporting centres and support services, marking the seeded examples, and is accessible", async () => {
    const res = await coordinator.get("/partners/directory").expect(200);
    const doc = dom(res.text);
    const tables = doc.querySelectorAll("table");
    expect(tables).toHaveLength(2);
    const names = (table: Element) =>
      [...table.querySelectorAll("tbody tr td:first-child a")].map((a) => text(a).replace(" (change)", ""));
    expect(names(tables[0]!)).toContain("Clevedon Library");
    expect(names(tables[0]!)).toHaveLength(6);
    expect(names(tables[1]!)).toContain("Victim Support");
    expect(names(tables[1]!)).toHaveLength(7);
    expect(text(tables[0]!.querySelector("tbody tr"))).toContain(EXAMPLE);
    await expectAccessible(res.text);
  });

  it("has accessible forms and confirmation pages", async () => {
    const clevedon = await centreNamed("Clevedon Library");
    const galop = await serviceNamed("Galop");
    for (const path of [
      "/partners/directory/centres/new",
      `/partners/directory/centres/${clevedon.id}`,
      `/partners/directory/centres/${clevedon.id}/delete`,
      "/partners/directory/support/new",
      `/partners/directory/support/${galop.id}`,
      `/partners/directory/support/${galop.id}/delete`,
    ]) {
      const res = await coordinator.get(path);
      expect(res.status, path).toBe(200);
      await expectAccessible(res.text);
    }
  });

  it("is for coordinators only: officers and viewers get 403 and change nothing", async () => {
    const clevedon = await centreNamed("Clevedon Library");
    for (const who of [partners.officer, partners.viewer]) {
      const agent = await signIn(app, who.email);
      expect((await agent.get("/partners/directory")).status).toBe(403);
      expect((await agent.get(`/partners/directory/centres/${clevedon.id}`)).status).toBe(403);
      const token = csrfToken((await agent.get("/partners/account")).text);
      const before = await counts();
      for (const path of [
        `/partners/directory/centres/${clevedon.id}/hide`,
        `/partners/directory/centres/${clevedon.id}/delete`,
      ]) {
        expect((await agent.post(path).type("form").send({ _csrf: token })).status).toBe(403);
      }
      expect(await counts()).toEqual(before);
      expect((await centreNamed("Clevedon Library")).active).toBe(true);
    }
  });
});

describe("reporting centres", () => {
  it("adds a centre: postcode normalised, audited, and shown in its town's public filter", async () => {
    const form = await coordinator.get("/partners/directory/centres/new");
    // The towns already used are suggested.
    const suggestions = [...dom(form.text).querySelectorAll("#town-suggestions option")].map((o) =>
      o.getAttribute("value"),
    );
    expect(suggestions).toEqual(["Clevedon", "Nailsea", "Portishead", "Rural areas", "Weston-super-Mare"]);
    expect(dom(form.text).querySelector("#town")?.getAttribute("list")).toBe("town-suggestions");

    const res = await addCentre({ otherServices: "Wheelchair-accessible toilet\n  private ROOM  \n\n" });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe("/partners/directory");
    expect((await coordinator.get("/partners/directory")).text).toContain(
      "Reporting centre added: Yatton Village Hall",
    );
    const centre = await centreNamed("Yatton Village Hall");
    expect(centre).toMatchObject({
      town: "Yatton",
      postcode: "BS49 4HJ",
      services: ["Private room", "Help to fill in a report", "Wheelchair-accessible toilet"],
      isExample: false,
      active: true,
    });
    const event = await db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "reporting-centre.created", entityId: String(centre.id) },
    });
    expect(event).toMatchObject({ actorId: partners.coordinator.id, entityType: "ReportingCentre" });
    expect(event.after).toMatchObject({ name: "Yatton Village Hall", postcode: "BS49 4HJ", town: "Yatton" });

    const all = await publicPage("/reporting-centres");
    expect(all.options("town")).toContain("Yatton");
    expect(all.options("offer")).toContain("Wheelchair-accessible toilet");
    const yatton = await publicPage("/reporting-centres?town=Yatton");
    expect(yatton.cards).toEqual(["Yatton Village Hall"]);
    expect(yatton.card("Yatton Village Hall")?.innerHTML).toContain("High Street<br>Yatton<br>BS49 4HJ");
  });

  it("spells a town as the directory already does, so it is not listed twice", async () => {
    const res = await addCentre({ name: "Clevedon Community Centre", town: "  clevedon ", services: [] });
    expect(res.status).toBe(302);
    expect((await centreNamed("Clevedon Community Centre")).town).toBe("Clevedon");
    const clevedon = await publicPage("/reporting-centres?town=Clevedon");
    expect(clevedon.cards).toEqual(["Clevedon Community Centre", "Clevedon Library"]);
    expect((await publicPage("/reporting-centres")).options("town").filter((t) => /clevedon/i.test(t))).toEqual([
      "Clevedon",
    ]);
  });

  const refusals: [string, Record<string, string | string[]>, string, string][] = [
    ["no name", { name: " " }, "name", "Enter the name of the reporting centre"],
    ["a long name", { name: "n".repeat(121) }, "name", "Name must be 120 characters or fewer"],
    ["no address", { address: "" }, "address", "Enter the address"],
    ["a long address", { address: "a".repeat(201) }, "address", "Address must be 200 characters or fewer"],
    ["no town", { town: "" }, "town", "Enter the town or area"],
    ["a long town", { town: "t".repeat(61) }, "town", "Town or area must be 60 characters or fewer"],
    ["no postcode", { postcode: "" }, "postcode", "Enter the postcode"],
    [
      "a postcode that is not a UK postcode",
      { postcode: "BS49" },
      "postcode",
      "Enter a full UK postcode, like BS23 1UJ",
    ],
    ["a US zip code", { postcode: "90210" }, "postcode", "Enter a full UK postcode, like BS23 1UJ"],
    ["no phone", { phone: "" }, "phone", "Enter the centre's phone number"],
    ["a phone with letters", { phone: "call us" }, "phone", "Enter a phone number using only numbers"],
    ["an email that is not one", { email: "someone@" }, "email", "Enter an email address in the correct format"],
    [
      "a website that is not http(s)",
      { website: "javascript:alert(1)" },
      "website",
      "Enter a web address starting with https:// or http://",
    ],
    [
      "a website without a scheme",
      { website: "www.example.org" },
      "website",
      "Enter a web address starting with https:// or http://",
    ],
    ["no opening times", { openingTimes: "" }, "openingTimes", "Enter the opening times"],
    [
      "long opening times",
      { openingTimes: "o".repeat(301) },
      "openingTimes",
      "Opening times must be 300 characters or fewer",
    ],
    [
      "long accessibility notes",
      { accessibilityNotes: "a".repeat(1001) },
      "accessibilityNotes",
      "Accessibility notes must be 1,000 characters or fewer",
    ],
    ["a long service", { services: ["s".repeat(101)] }, "services", "Each service must be 100 characters or fewer"],
    [
      "a long other service",
      { otherServices: `ok\n${"s".repeat(101)}` },
      "otherServices",
      "Each service must be 100 characters or fewer",
    ],
    [
      "too much other text",
      { otherServices: "s\n".repeat(1001) },
      "otherServices",
      "Other services must be 2,000 characters or fewer",
    ],
  ];

  it.each(refusals)(
    "refuses %s with a message by the field, and stores nothing",
    async (_what, fields, field, message) => {
      const before = await counts();
      const res = await addCentre({ name: "Refused centre", ...fields });
      expect(res.status).toBe(400);
      const doc = dom(res.text);
      const summary = doc.querySelector(".govuk-error-summary");
      expect(text(summary)).toContain(message);
      expect(summary?.querySelector(`a[href="#${field}"]`)).not.toBeNull();
      expect(text(doc.querySelector(`#${field}-error`))).toContain(message);
      expect(await counts()).toEqual(before);
    },
  );

  it("keeps what was typed on an error page, which is accessible", async () => {
    const res = await addCentre({ name: "Kept name", postcode: "nope", email: "bad", otherServices: "Tea" });
    expect(res.status).toBe(400);
    const doc = dom(res.text);
    expect(doc.querySelector<HTMLInputElement>("#name")?.value).toBe("Kept name");
    expect(doc.querySelector<HTMLInputElement>("#postcode")?.value).toBe("nope");
    expect(doc.querySelector("#otherServices")?.textContent).toBe("Tea");
    const ticked = [...doc.querySelectorAll<HTMLInputElement>('input[name="services"]:checked')].map((i) => i.value);
    expect(ticked).toEqual(["Help to fill in a report", "Private room"]);
    // Every problem at once, in the order of the page.
    expect([...doc.querySelectorAll(".govuk-error-summary a")].map((a) => a.getAttribute("href"))).toEqual([
      "#postcode",
      "#email",
    ]);
    await expectAccessible(res.text);
  });

  it("refuses unknown and repeated fields with a 400 page, storing nothing", async () => {
    const before = await counts();
    const token = csrfToken((await coordinator.get("/partners/directory/centres/new")).text);
    const unknown = await coordinator
      .post("/partners/directory/centres/new")
      .type("form")
      .send({ ...CENTRE, _csrf: token, isExample: "true" });
    expect(unknown.status).toBe(400);
    const params = new URLSearchParams({ _csrf: token, ...CENTRE, services: "Private room" });
    params.append("name", "Second name");
    const repeated = await coordinator.post("/partners/directory/centres/new").type("form").send(params.toString());
    expect(repeated.status).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it("changing an example centre makes it real data, audited before and after, and the public page follows", async () => {
    const clevedon = await centreNamed("Clevedon Library");
    expect(clevedon.isExample).toBe(true);
    const form = await coordinator.get(`/partners/directory/centres/${clevedon.id}`);
    expect(form.text).toContain(EXAMPLE);
    const doc = dom(form.text);
    expect(doc.querySelector<HTMLInputElement>("#postcode")?.value).toBe("BS21 6NN");
    const ticked = [...doc.querySelectorAll<HTMLInputElement>('input[name="services"]:checked')].map((i) => i.value);
    expect(ticked.sort()).toEqual([...clevedon.services].sort());

    const res = await submit(coordinator, `/partners/directory/centres/${clevedon.id}`, {
      name: "Clevedon Library and Information Centre",
      address: clevedon.address,
      town: clevedon.town,
      postcode: "bs216nn",
      phone: clevedon.phone,
      email: "clevedon.library@example.org",
      website: "https://library.example.org/clevedon",
      openingTimes: clevedon.openingTimes,
      accessibilityNotes: clevedon.accessibilityNotes,
      services: ["Private room"],
      otherServices: "",
    });
    expect(res.status).toBe(302);
    const after = await db.prisma.reportingCentre.findUniqueOrThrow({ where: { id: clevedon.id } });
    expect(after).toMatchObject({
      name: "Clevedon Library and Information Centre",
      postcode: "BS21 6NN",
      email: "clevedon.library@example.org",
      services: ["Private room"],
      isExample: false,
    });
    const event = await db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "reporting-centre.updated", entityId: String(clevedon.id) },
    });
    expect(event.before).toMatchObject({ name: "Clevedon Library", isExample: true, email: "" });
    expect(event.after).toMatchObject({ name: "Clevedon Library and Information Centre", isExample: false });

    const list = dom((await coordinator.get("/partners/directory")).text);
    const row = [...list.querySelectorAll("tbody tr")].find((r) => text(r).includes("Information Centre"));
    expect(text(row)).not.toContain(EXAMPLE);
    const pub = await publicPage("/reporting-centres?town=Clevedon");
    expect(pub.cards).toContain("Clevedon Library and Information Centre");
    expect(
      pub
        .card("Clevedon Library and Information Centre")
        ?.querySelector('a[href="mailto:clevedon.library@example.org"]'),
    ).not.toBeNull();
  });

  it("refuses a change with a bad field, keeping the centre as it was", async () => {
    const nailsea = await centreNamed("Nailsea Library");
    const before = await counts();
    const res = await submit(coordinator, `/partners/directory/centres/${nailsea.id}`, {
      ...CENTRE,
      name: "Changed",
      phone: "",
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain("Enter the centre&#39;s phone number");
    expect(await db.prisma.reportingCentre.findUniqueOrThrow({ where: { id: nailsea.id } })).toEqual(nailsea);
    expect(await counts()).toEqual(before);
  });

  it("hides a centre from the public site, and its town's filter, then shows it again", async () => {
    const yatton = await centreNamed("Yatton Village Hall");
    const hide = await press(`/partners/directory/centres/${yatton.id}/hide`);
    expect(hide.status).toBe(302);
    expect((await db.prisma.reportingCentre.findUniqueOrThrow({ where: { id: yatton.id } })).active).toBe(false);
    const all = await publicPage("/reporting-centres");
    expect(all.cards).not.toContain("Yatton Village Hall");
    expect(all.options("town")).not.toContain("Yatton");
    expect((await publicPage("/reporting-centres?town=Yatton")).cards).not.toContain("Yatton Village Hall");
    const row = [...dom((await coordinator.get("/partners/directory")).text).querySelectorAll("tbody tr")].find((r) =>
      text(r).includes("Yatton Village Hall"),
    );
    expect(text(row)).toContain("Hidden");
    expect(
      await db.prisma.auditEvent.findFirstOrThrow({
        where: { action: "reporting-centre.hidden", entityId: String(yatton.id) },
      }),
    ).toMatchObject({ before: { active: true }, after: { active: false } });

    expect((await press(`/partners/directory/centres/${yatton.id}/show`)).status).toBe(302);
    expect((await publicPage("/reporting-centres?town=Yatton")).cards).toEqual(["Yatton Village Hall"]);
    expect(
      await db.prisma.auditEvent.count({ where: { action: "reporting-centre.shown", entityId: String(yatton.id) } }),
    ).toBe(1);
  });

  it("deletes a centre after asking, audits what it was, and it is gone from the public site", async () => {
    const yatton = await centreNamed("Yatton Village Hall");
    const page = await coordinator.get(`/partners/directory/centres/${yatton.id}/delete`).expect(200);
    expect(text(dom(page.text).querySelector("h1"))).toBe("Delete Yatton Village Hall");
    const res = await coordinator
      .post(`/partners/directory/centres/${yatton.id}/delete`)
      .type("form")
      .send({ _csrf: csrfToken(page.text) });
    expect(res.status).toBe(302);
    expect(await db.prisma.reportingCentre.findUnique({ where: { id: yatton.id } })).toBeNull();
    const event = await db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "reporting-centre.deleted", entityId: String(yatton.id) },
    });
    expect(event.before).toMatchObject({ name: "Yatton Village Hall", postcode: "BS49 4HJ" });
    expect((await publicPage("/reporting-centres")).options("town")).not.toContain("Yatton");
    expect((await coordinator.get(`/partners/directory/centres/${yatton.id}`)).status).toBe(404);
  });
});

describe("support services", () => {
  it("adds a service for the groups chosen and typed, audited, and shown on the public support page", async () => {
    const res = await addService({ otherHelps: "Older people\nyoung PEOPLE" });
    expect(res.status).toBe(302);
    const service = await serviceNamed("Age Concern North Somerset");
    expect(service).toMatchObject({ helps: ["Young people", "Older people"], isExample: false, active: true });
    const event = await db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "support-service.created", entityId: String(service.id) },
    });
    expect(event.after).toMatchObject({ name: "Age Concern North Somerset", helps: ["Young people", "Older people"] });

    const support = await publicPage("/support");
    expect(support.cards).toContain("Age Concern North Somerset");
    expect(support.options("helps")).toContain("Older people");
    const older = await publicPage("/support?helps=Older+people");
    expect(older.cards[0]).toBe("Age Concern North Somerset");
  });

  const refusals: [string, Record<string, string | string[]>, string, string][] = [
    ["no name", { name: "" }, "name", "Enter the name of the support service"],
    ["a long name", { name: "n".repeat(121) }, "name", "Name must be 120 characters or fewer"],
    [
      "nobody it helps",
      { helps: [], otherHelps: " \n " },
      "helps",
      "Select who the service helps, or enter another group",
    ],
    ["a long group", { otherHelps: "g".repeat(101) }, "otherHelps", "Each group must be 100 characters or fewer"],
    [
      "no way to contact it",
      { phone: "", website: "", email: "" },
      "phone",
      "Enter a phone number, website or email address",
    ],
    ["a phone with letters", { phone: "0800 HATE" }, "phone", "Enter a phone number using only numbers"],
    [
      "a website that is not http(s)",
      { website: "data:text/html,hi" },
      "website",
      "Enter a web address starting with https:// or http://",
    ],
    ["an email that is not one", { email: "a@b" }, "email", "Enter an email address in the correct format"],
    ["no description", { description: "" }, "description", "Enter what the service does"],
    [
      "a long description",
      { description: "d".repeat(1001) },
      "description",
      "Description must be 1,000 characters or fewer",
    ],
  ];

  it.each(refusals)(
    "refuses %s with a message by the field, and stores nothing",
    async (_what, fields, field, message) => {
      const before = await counts();
      const res = await addService({ name: "Refused service", ...fields });
      expect(res.status).toBe(400);
      const doc = dom(res.text);
      expect(text(doc.querySelector(".govuk-error-summary"))).toContain(message);
      expect(doc.querySelector(`.govuk-error-summary a[href="#${field}"]`)).not.toBeNull();
      expect(text(doc.querySelector(`#${field}-error`))).toContain(message);
      expect(await counts()).toEqual(before);
    },
  );

  it("shows every problem at once, in page order, on an accessible page", async () => {
    const res = await addService({ name: "", helps: [], phone: "", website: "", email: "", description: "" });
    expect(res.status).toBe(400);
    const doc = dom(res.text);
    expect([...doc.querySelectorAll(".govuk-error-summary a")].map((a) => a.getAttribute("href"))).toEqual([
      "#name",
      "#helps",
      "#phone",
      "#description",
    ]);
    await expectAccessible(res.text);
  });

  it("changing an example service makes it real data, audited before and after", async () => {
    const galop = await serviceNamed("Galop");
    expect(galop.isExample).toBe(true);
    const res = await submit(coordinator, `/partners/directory/support/${galop.id}`, {
      name: "Galop",
      helps: galop.helps,
      otherHelps: "Trans people",
      phone: galop.phone,
      website: galop.website,
      email: "help@galop.example.org",
      description: galop.description,
    });
    expect(res.status).toBe(302);
    const after = await db.prisma.supportService.findUniqueOrThrow({ where: { id: galop.id } });
    expect(after).toMatchObject({
      helps: ["LGBT+ people", "Trans people"],
      email: "help@galop.example.org",
      isExample: false,
    });
    const event = await db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "support-service.updated", entityId: String(galop.id) },
    });
    expect(event.before).toMatchObject({ isExample: true, helps: ["LGBT+ people"] });
    expect(event.after).toMatchObject({ isExample: false, helps: ["LGBT+ people", "Trans people"] });
    expect((await publicPage("/support?helps=Trans+people")).cards[0]).toBe("Galop");
  });

  it("hides a service from the public support page, shows it again, and deletes it", async () => {
    const age = await serviceNamed("Age Concern North Somerset");
    expect((await press(`/partners/directory/support/${age.id}/hide`)).status).toBe(302);
    expect((await publicPage("/support")).cards).not.toContain("Age Concern North Somerset");
    expect((await publicPage("/support")).options("helps")).not.toContain("Older people");
    expect((await press(`/partners/directory/support/${age.id}/show`)).status).toBe(302);
    expect((await publicPage("/support")).cards).toContain("Age Concern North Somerset");
    const actions = await db.prisma.auditEvent.findMany({
      where: { entityType: "SupportService", entityId: String(age.id) },
      orderBy: { id: "asc" },
    });
    expect(actions.map((e) => e.action)).toEqual([
      "support-service.created",
      "support-service.hidden",
      "support-service.shown",
    ]);

    expect((await press(`/partners/directory/support/${age.id}/delete`)).status).toBe(302);
    expect(await db.prisma.supportService.findUnique({ where: { id: age.id } })).toBeNull();
    expect((await publicPage("/support")).cards).not.toContain("Age Concern North Somerset");
    expect(
      await db.prisma.auditEvent.findFirstOrThrow({
        where: { action: "support-service.deleted", entityId: String(age.id) },
      }),
    ).toMatchObject({ before: { name: "Age Concern North Somerset" } });
  });
});

describe("unknown entries", () => {
  it("answer 404 and change nothing, whatever the method", async () => {
    for (const base of ["/partners/directory/centres", "/partners/directory/support"]) {
      for (const id of ["999999", "abc", "0", "1e3"]) {
        expect((await coordinator.get(`${base}/${id}`)).status, `${base}/${id}`).toBe(404);
        expect((await coordinator.get(`${base}/${id}/delete`)).status).toBe(404);
      }
      const before = await counts();
      for (const action of ["", "/hide", "/show", "/delete"]) {
        const fields = base.endsWith("centres") ? CENTRE : SERVICE;
        const token = csrfToken((await coordinator.get("/partners/directory")).text);
        const res = await coordinator
          .post(`${base}/999999${action}`)
          .type("form")
          .send({ ...fields, _csrf: token });
        expect(res.status, `${base}/999999${action}`).toBe(404);
      }
      expect(await counts()).toEqual(before);
    }
  });
});

describe("stored cross-site scripting", () => {
  const SCRIPT = `<script>alert("x")</script>`;

  it("shows a <script> in a centre's name escaped on the partner and public pages", async () => {
    const res = await addCentre({ name: SCRIPT, town: "Backwell", accessibilityNotes: SCRIPT, otherServices: SCRIPT });
    expect(res.status).toBe(302);
    const centre = await centreNamed(SCRIPT);
    for (const [agent, path] of [
      [coordinator, "/partners/directory"],
      [coordinator, `/partners/directory/centres/${centre.id}`],
      [coordinator, `/partners/directory/centres/${centre.id}/delete`],
      [coordinator, "/partners/audit"],
      [request(app), "/reporting-centres"],
      [request(app), "/reporting-centres?town=Backwell"],
    ] as const) {
      const page = await agent.get(path).expect(200);
      expect(page.text, path).not.toContain("<script>alert");
      expect(page.text, path).toMatch(/&lt;script&gt;alert\(\\?(&#34;|&quot;)x/);
    }
  });

  it("shows a <script> in a support service's name escaped on the partner and public pages", async () => {
    const res = await addService({ name: SCRIPT, otherHelps: SCRIPT });
    expect(res.status).toBe(302);
    const service = await serviceNamed(SCRIPT);
    for (const [agent, path] of [
      [coordinator, "/partners/directory"],
      [coordinator, `/partners/directory/support/${service.id}`],
      [request(app), "/support"],
    ] as const) {
      const page = await agent.get(path).expect(200);
      expect(page.text, path).not.toContain("<script>alert");
      expect(page.text, path).toMatch(/&lt;script&gt;alert\((&#34;|&quot;)x/);
    }
  });
});

describe("postcodes", () => {
  it.each([
    ["bs231uj", "BS23 1UJ"],
    [" BS23   1UJ ", "BS23 1UJ"],
    ["w1a 0ax", "W1A 0AX"],
    ["ec1a1bb", "EC1A 1BB"],
    ["m1 1ae", "M1 1AE"],
  ])("%j is normalised to %s", (input, expected) => {
    expect(normalisePostcode(input)).toBe(expected);
  });

  it.each(["", "BS23", "BS23 1U", "12345", "BS23 1CI", "QQ1 1AA1"])("%j is not a UK postcode", (input) => {
    expect(normalisePostcode(input)).toBeUndefined();
  });
});
