// The online report (/report/online) over HTTP on a real database: every page is accessible
// (with and without errors), the journeys anonymous and named end in an IncidentReport, each
// step's rules refuse bad answers and keep what was typed, back and change links keep answers,
// nothing is cached, the cookie is what the cookies page says, Exit this page and expiry delete
// the draft, forged or robot submissions store nothing, and random input never gives a 500.
import type { RequestListener } from "node:http";
import fc from "fast-check";
import { JSDOM } from "jsdom";
import request from "supertest";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { contacts } from "../../src/content/contacts.ts";
import type { Database } from "../../src/db/database.ts";
import { seed } from "../../src/db/seed.ts";
import { REPORT_COOKIE } from "../../src/routes/report/online.ts";
import type { Services } from "../../src/services/index.ts";
import { reportSteps } from "../../src/services/reports/questions.ts";
import { expectAccessiblePage } from "../helpers/accessibility.ts";
import { testApp } from "../helpers/app.ts";
import { testDatabase } from "../helpers/database.ts";
import { NAME, NARRATIVE, ONLINE_ANSWERS } from "../helpers/reports.ts";

type Fields = Record<string, string | string[]>;

let db: Database;
let app: RequestListener;
let services: Services;

beforeAll(async () => {
  db = await testDatabase();
  await seed(db.prisma, { production: false, demoPassword: "correct horse battery staple" });
  ({ app, services } = testApp(db));
});
afterAll(async () => db.close());
// Every test here comes from one address: each starts with a fresh submission limit.
beforeEach(async () => {
  await db.prisma.rateLimitHit.deleteMany();
});

const ONLINE = "/report/online";
const SLUGS = reportSteps({ towns: [], today: new Date() }).map((s) => s.slug);

const { anonymous: ANONYMOUS, named: NAMED } = ONLINE_ANSWERS;

/** A urlencoded body, with a checkbox field repeated once per value (as browsers send them). */
function form(fields: Fields): string {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields))
    for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
  return body.toString();
}

const doc = (html: string) => new JSDOM(html).window.document;
const text = (el: Element | null | undefined) => (el?.textContent ?? "").replace(/\s+/g, " ").trim();

/** The rhins_report cookie a response set (its whole Set-Cookie line), if any. */
function reportCookie(res: request.Response): string | undefined {
  const lines = ([] as string[]).concat(res.headers["set-cookie"] ?? []);
  return lines.find((line) => line.startsWith(`${REPORT_COOKIE}=`));
}

/** A browser going through the form: it keeps the draft's cookie and posts the draft's token. */
class Reporter {
  cookie = "";
  csrf = "";

  async start() {
    const res = await request(app).post(`${ONLINE}/start`);
    expect(res.status).toBe(303);
    this.cookie = reportCookie(res)!.split(";")[0]!.split("=")[1]!;
    const first = await this.get(res.headers.location!);
    this.csrf = doc(first.text).querySelector<HTMLInputElement>('input[name="_csrf"]')!.value;
    return res;
  }

  get(path: string) {
    return request(app).get(path).set("Cookie", `${REPORT_COOKIE}=${this.cookie}`);
  }

  /** Posts the fields with the draft's token, or with `options.csrf` in its place (undefined: none). */
  post(path: string, fields: Fields, options: { csrf?: string } = {}) {
    const csrf = "csrf" in options ? options.csrf : this.csrf;
    return request(app)
      .post(path)
      .set("Cookie", `${REPORT_COOKIE}=${this.cookie}`)
      .type("form")
      .send(form(csrf === undefined ? fields : { _csrf: csrf, ...fields }));
  }

  answer(slug: string, fields: Fields, query = "") {
    return this.post(`${ONLINE}/${slug}${query}`, fields);
  }

  async answerAll(answers: Record<string, Fields>) {
    for (const slug of SLUGS) {
      const res = await this.answer(slug, answers[slug]!);
      expect(res.status, `${slug}: ${res.text.slice(0, 200)}`).toBe(303);
    }
  }

  send(fields: Fields = { declaration: "CONFIRMED", website: "" }) {
    return this.post(`${ONLINE}/check-answers`, fields);
  }

  /** The draft's answers as stored (decrypted), or undefined when there is no live draft. */
  async answers() {
    return (await services.reportDrafts.read(this.cookie))?.answers;
  }
}

const draftCount = () => db.prisma.reportDraft.count();
const reportCount = () => db.prisma.incidentReport.count();

describe("the start page", () => {
  it("says what it will ask, that it is not for emergencies, and who reads it; sets no cookie", async () => {
    const res = await request(app).get(ONLINE);
    expect(res.status).toBe(200);
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.headers["set-cookie"]).toBeUndefined();
    const page = text(doc(res.text).querySelector("main"));
    expect(page).toContain("about 10 minutes");
    expect(page).toContain("call 999");
    expect(page).toContain("call 101");
    expect(page).toContain("without your name");
    expect(page).toContain("SARI");
    expect(page).toContain("North Somerset Council");
    expect(page).toContain("Avon and Somerset Police");
    expect(doc(res.text).querySelector('form[action="/report/online/start"][method="post"] button')).not.toBeNull();
    await expectAccessiblePage(res.text);
  });

  it("Start now makes a draft and a session-only, HttpOnly, SameSite=Strict cookie for the form only", async () => {
    const before = await draftCount();
    const res = await request(app).post(`${ONLINE}/start`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${ONLINE}/who`);
    const cookie = reportCookie(res)!;
    const [pair, ...attributes] = cookie.split(/;\s*/);
    expect(pair).toMatch(new RegExp(`^${REPORT_COOKIE}=[A-Za-z0-9_-]{43}$`));
    expect(attributes.sort()).toEqual(["HttpOnly", "Path=/report/online", "SameSite=Strict"]);
    expect(await draftCount()).toBe(before + 1);
    // The database holds a hash of the cookie and the answers encrypted.
    const value = pair!.split("=")[1]!;
    const rows = await db.prisma.reportDraft.findMany();
    expect(rows.some((r) => r.key === value)).toBe(false);
    expect(rows.every((r) => r.answers.startsWith("e1."))).toBe(true);
  });

  it("marks the cookie Secure when the request came over HTTPS", async () => {
    const { app: behindProxy } = testApp(db, { TRUST_PROXY: "1" });
    const res = await request(behindProxy).post(`${ONLINE}/start`).set("X-Forwarded-Proto", "https");
    expect(reportCookie(res)).toMatch(/; Secure/);
  });
});

describe("every page of the form", () => {
  it("passes axe and html-validate, has no-store, and Exit this page goes through /report/online/exit", async () => {
    const reporter = new Reporter();
    await reporter.start();
    for (const slug of SLUGS) {
      const res = await reporter.get(`${ONLINE}/${slug}`);
      expect(res.status, slug).toBe(200);
      expect(res.headers["cache-control"]).toBe("no-store");
      const page = doc(res.text);
      expect(page.querySelectorAll("h1"), slug).toHaveLength(1);
      expect(page.querySelector("a.govuk-exit-this-page__button")?.getAttribute("href")).toBe(`${ONLINE}/exit`);
      expect(page.querySelector("a.rhins-exit__no-js-link")?.getAttribute("href")).toBe(`${ONLINE}/exit`);
      await expectAccessiblePage(res.text);
      expect((await reporter.answer(slug, ANONYMOUS[slug]!)).status).toBe(303);
    }
    const check = await reporter.get(`${ONLINE}/check-answers`);
    expect(check.status).toBe(200);
    expect(check.headers["cache-control"]).toBe("no-store");
    await expectAccessiblePage(check.text);
    const refused = await reporter.send({ website: "" });
    expect(refused.status).toBe(400);
    await expectAccessiblePage(refused.text);
    const sent = await reporter.send();
    expect(sent.status).toBe(200);
    expect(sent.headers["cache-control"]).toBe("no-store");
    await expectAccessiblePage(sent.text);
  });

  it("shows a step's questions in order, with back links to the one before", async () => {
    const reporter = new Reporter();
    await reporter.start();
    let back = ONLINE;
    for (const slug of SLUGS) {
      const res = await reporter.get(`${ONLINE}/${slug}`);
      expect(doc(res.text).querySelector("a.govuk-back-link")?.getAttribute("href"), slug).toBe(back);
      await reporter.answer(slug, ANONYMOUS[slug]!);
      back = `${ONLINE}/${slug}`;
    }
    const check = await reporter.get(`${ONLINE}/check-answers`);
    expect(doc(check.text).querySelector("a.govuk-back-link")?.getAttribute("href")).toBe(`${ONLINE}/about-you`);
  });

  it("sends a step asked for before the ones before it are answered to the first unanswered one", async () => {
    const reporter = new Reporter();
    await reporter.start();
    await reporter.answer("who", ANONYMOUS.who!);
    const res = await reporter.get(`${ONLINE}/police`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${ONLINE}/what-happened`);
    const check = await reporter.get(`${ONLINE}/check-answers`);
    expect(check.headers.location).toBe(`${ONLINE}/what-happened`);
  });

  it("404s an unknown step, with no-store", async () => {
    const reporter = new Reporter();
    await reporter.start();
    const res = await reporter.get(`${ONLINE}/nonsense`);
    expect(res.status).toBe(404);
    expect(res.headers["cache-control"]).toBe("no-store");
  });
});

describe("the whole journey", () => {
  it("anonymous: ends with a report, a reference and receipt code, and no draft or cookie left", async () => {
    const reporter = new Reporter();
    await reporter.start();
    const before = await reportCount();
    await reporter.answerAll(ANONYMOUS);
    const res = await reporter.send();
    expect(res.status).toBe(200);
    const page = doc(res.text);
    const reference = text(page.querySelector(".govuk-panel .rhins-reference"));
    expect(reference).toMatch(/^RH-/);
    expect(text(page.querySelector("#receipt-code"))).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
    const main = text(page.querySelector("main"));
    expect(main).toContain("A caseworker will leave a message for you within 5 working days");
    expect(main).toContain("999");
    expect(main).toContain("101");
    expect(main).toContain(contacts.stopHateUk.name);
    expect(page.querySelector('main a[href="/report/follow-up"]')).not.toBeNull();
    expect(reportCookie(res)).toMatch(/Expires=Thu, 01 Jan 1970/);
    expect(await reporter.answers()).toBeUndefined();
    expect(await reportCount()).toBe(before + 1);
    const row = await db.prisma.incidentReport.findUniqueOrThrow({ where: { reference } });
    expect(row).toMatchObject({
      anonymous: true,
      reporterRole: "VICTIM",
      incidentTypes: ["VERBAL", "THREATS"],
      strands: ["RELIGION", "RACE"],
      area: "Clevedon",
      wants: ["SUPPORT"],
      postcodeDistrict: "BS21",
      contact: null,
    });
    expect(row.narrative).toMatch(/^e1\./);
  });

  it("named: the contact details are kept (encrypted) and the next steps say we will contact them and tell the police", async () => {
    const reporter = new Reporter();
    await reporter.start();
    await reporter.answerAll(NAMED);
    const check = await reporter.get(`${ONLINE}/check-answers`);
    const summary = text(doc(check.text).querySelector("main"));
    expect(summary).toContain(NAME);
    expect(summary).toContain("Her neighbour");
    expect(summary).toContain("AS-20261128-0042");
    const res = await reporter.send();
    expect(res.status).toBe(200);
    const page = doc(res.text);
    const reference = text(page.querySelector(".rhins-reference"));
    const main = text(page.querySelector("main"));
    expect(main).toContain("A caseworker will contact you within 5 working days");
    expect(main).toContain("We will pass your report to Avon and Somerset Police");
    const row = await db.prisma.incidentReport.findUniqueOrThrow({ where: { reference } });
    expect(row).toMatchObject({
      anonymous: false,
      reporterRole: "ON_BEHALF",
      policeTold: "YES",
      wants: ["SUPPORT", "POLICE"],
    });
    expect(row.contact).toMatch(/^e1\./);
    expect(row.contact).not.toContain(NAME);
  });

  it("record only: says the report is recorded for the partnership's figures", async () => {
    const reporter = new Reporter();
    await reporter.start();
    await reporter.answerAll({ ...ANONYMOUS, "what-next": { wants: ["RECORD_ONLY"] } });
    const res = await reporter.send();
    expect(text(doc(res.text).querySelector("main"))).toContain("recorded for the partnership's figures");
  });

  it("sends someone whose answer no longer passes (a town taken off the list) back to that step", async () => {
    const reporter = new Reporter();
    await reporter.start();
    await reporter.answerAll({ ...ANONYMOUS, where: { ...ANONYMOUS.where!, area: "Nailsea" } });
    // A coordinator takes the town's only centre off the directory while the form is open.
    const coordinator = await db.prisma.user.findFirstOrThrow({ where: { role: "COORDINATOR" } });
    const nailsea = await db.prisma.reportingCentre.findMany({ where: { town: "Nailsea" } });
    const setActive = (active: boolean) =>
      Promise.all(nailsea.map((c) => services.directory.setCentreActive(coordinator, c.id, active)));
    await setActive(false);
    try {
      const res = await reporter.send();
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`${ONLINE}/where`);
    } finally {
      await setActive(true);
    }
  });

  it("requires the declaration, keeping the answers", async () => {
    const reporter = new Reporter();
    await reporter.start();
    await reporter.answerAll(ANONYMOUS);
    const before = await reportCount();
    const res = await reporter.send({ website: "" });
    expect(res.status).toBe(400);
    const page = doc(res.text);
    expect(text(page.querySelector(".govuk-error-summary"))).toContain(
      "Confirm that what you have said is true to the best of your knowledge",
    );
    expect(page.querySelector('.govuk-error-summary a[href="#declaration"]')).not.toBeNull();
    expect(page.querySelector("#declaration")).not.toBeNull();
    expect(await reportCount()).toBe(before);
    expect(await reporter.answers()).toEqual(expect.objectContaining({ who: ANONYMOUS.who }));
  });
});

/** For each step with rules: answers it refuses, the message, and a typed value that must come back. */
const REFUSALS: { slug: string; fields: Fields; field: string; message: string; kept?: [string, string] }[] = [
  { slug: "who", fields: {}, field: "reporterRole", message: "Select who is reporting" },
  {
    slug: "who",
    fields: { reporterRole: "VICTIM", relationship: "Mum" },
    field: "relationship",
    message: "Only say your relationship",
    kept: ["relationship", "Mum"],
  },
  {
    slug: "what-happened",
    fields: { narrative: " ", incidentTypes: ["VERBAL"] },
    field: "narrative",
    message: "Tell us what happened",
    kept: ["incidentTypes", "VERBAL"],
  },
  {
    slug: "what-happened",
    fields: { narrative: "x".repeat(5001) },
    field: "narrative",
    message: "5,000 characters or fewer",
    kept: ["narrative", "x".repeat(5001)],
  },
  {
    slug: "why",
    fields: { strands: ["RACE", "NOT_SURE"] },
    field: "strands",
    message: "not both",
    kept: ["strands", "RACE"],
  },
  {
    slug: "when",
    fields: { whenKnown: "DATE", "date-day": "31", "date-month": "2", "date-year": "2026" },
    field: "date-day",
    message: "Enter a real date",
    kept: ["date-day", "31"],
  },
  {
    slug: "when",
    fields: { whenKnown: "DATE", "date-day": "1", "date-month": "1", "date-year": "2999" },
    field: "date-day",
    message: "today or in the past",
    kept: ["date-year", "2999"],
  },
  {
    slug: "when",
    fields: { whenKnown: "MONTH", approxMonth: "13", approxYear: "2026" },
    field: "approxMonth",
    message: "Enter the month and year",
    kept: ["approxMonth", "13"],
  },
  { slug: "where", fields: { area: "Atlantis" }, field: "area", message: "Choose one of the options" },
  {
    slug: "where",
    fields: { location: "y".repeat(201) },
    field: "location",
    message: "200 characters or fewer",
    kept: ["location", "y".repeat(201)],
  },
  { slug: "hurt", fields: { anyoneHurt: "MAYBE" }, field: "anyoneHurt", message: "Choose one of the options" },
  {
    slug: "offenders",
    fields: { offenders: "z".repeat(2001) },
    field: "offenders",
    message: "2,000 characters or fewer",
  },
  {
    slug: "police",
    fields: { policeTold: "NO", crimeReference: "CR123" },
    field: "crimeReference",
    message: "Only give a crime reference",
    kept: ["crimeReference", "CR123"],
  },
  {
    slug: "what-next",
    fields: { wants: ["SUPPORT", "RECORD_ONLY"] },
    field: "wants",
    message: "on its own",
    kept: ["wants", "SUPPORT"],
  },
  {
    slug: "contact",
    fields: { contactChoice: "NAMED", email: "alex@example.com" },
    field: "name",
    message: "Enter your name",
    kept: ["email", "alex@example.com"],
  },
  {
    slug: "contact",
    fields: { contactChoice: "NAMED", name: "Alex", email: "not an email" },
    field: "email",
    message: "Enter an email address in the correct format",
    kept: ["email", "not an email"],
  },
  {
    slug: "contact",
    fields: { contactChoice: "ANONYMOUS", phone: "07700 900982" },
    field: "phone",
    message: "Give my name and how to contact me",
    kept: ["phone", "07700 900982"],
  },
  {
    slug: "about-you",
    fields: { postcodeDistrict: "BS21 6AA" },
    field: "postcodeDistrict",
    message: "Enter the first part of your postcode",
    kept: ["postcodeDistrict", "BS21 6AA"],
  },
];

describe("validation on every step with rules", () => {
  let reporter: Reporter;
  beforeAll(async () => {
    reporter = new Reporter();
    await reporter.start();
  });

  it.each(REFUSALS)("$slug: “$message” on $field", async ({ slug, fields, field, message, kept }) => {
    const before = await reporter.answers();
    const res = await reporter.answer(slug, fields);
    expect(res.status).toBe(400);
    expect(res.headers["cache-control"]).toBe("no-store");
    const page = doc(res.text);
    expect(page.title).toMatch(/^Error: /);
    const link = page.querySelector<HTMLAnchorElement>(`.govuk-error-summary a[href="#${field}"]`);
    expect(text(link)).toContain(message);
    expect(page.getElementById(field), `#${field} on the page`).not.toBeNull();
    // The field in error is never inside a question that is folded away.
    expect(page.getElementById(field)?.closest(".govuk-radios__conditional--hidden")).toBeNull();
    expect(text(page.querySelector(".govuk-error-message"))).toContain(message);
    if (kept) {
      const [name, value] = kept;
      const inputs = [...page.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>(`[name="${name}"]`)];
      const shown = inputs.filter((i) =>
        i.type === "checkbox" || i.type === "radio" ? (i as HTMLInputElement).checked : true,
      );
      expect(shown.map((i) => (i.tagName === "TEXTAREA" ? i.textContent : i.value))).toContain(value);
    }
    await expectAccessiblePage(res.text);
    expect(await reporter.answers()).toEqual(before);
  });
});

describe("change links", () => {
  it("show the saved answer, come back to Check your answers, and keep every other answer", async () => {
    const reporter = new Reporter();
    await reporter.start();
    await reporter.answerAll(ANONYMOUS);
    const check = doc((await reporter.get(`${ONLINE}/check-answers`)).text);
    const changeLinks = [...check.querySelectorAll<HTMLAnchorElement>(".govuk-summary-list__actions a")].map(
      (a) => a.href,
    );
    expect(new Set(changeLinks)).toEqual(new Set(SLUGS.map((s) => `${ONLINE}/${s}?change=1`)));
    expect(text(check.querySelector("main"))).toContain(NARRATIVE);

    const page = doc((await reporter.get(`${ONLINE}/where?change=1`)).text);
    expect(page.querySelector("a.govuk-back-link")?.getAttribute("href")).toBe(`${ONLINE}/check-answers`);
    expect(page.querySelector("form")?.getAttribute("action")).toBe(`${ONLINE}/where?change=1`);
    expect(page.querySelector<HTMLInputElement>('input[name="area"][value="Clevedon"]')?.checked).toBe(true);
    expect(page.querySelector<HTMLInputElement>("#location")?.value).toBe(ONLINE_ANSWERS.anonymous.where!.location);

    const res = await reporter.answer("where", { ...ANONYMOUS.where!, area: "Portishead" }, "?change=1");
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${ONLINE}/check-answers`);
    const answers = await reporter.answers();
    expect(answers?.where).toMatchObject({ area: "Portishead" });
    expect(answers?.["what-happened"]).toEqual(ANONYMOUS["what-happened"]);
    // Line breaks typed are kept, and shown (as text, never as markup).
    await reporter.answer("what-happened", { narrative: "First he shouted.\r\nThen <b>he</b> spat.", incidentTypes: [] }, "?change=1"); // prettier-ignore
    const lines = (await reporter.get(`${ONLINE}/check-answers`)).text;
    expect(lines).toContain("First he shouted.<br>Then &lt;b&gt;he&lt;/b&gt; spat.");
    // A month, when the date is not known.
    await reporter.answer("when", { whenKnown: "MONTH", approxMonth: "3", approxYear: String(new Date().getUTCFullYear() - 1), happenedBefore: "" }, "?change=1"); // prettier-ignore
    const when = (await reporter.get(`${ONLINE}/check-answers`)).text;
    expect(when).toContain(`March ${new Date().getUTCFullYear() - 1}<br>Not sure of the exact date`);
    // A skipped answer says so.
    await reporter.answer("offenders", { offenderCount: "", offenders: "" }, "?change=1");
    const after = doc((await reporter.get(`${ONLINE}/check-answers`)).text);
    expect(text(after.querySelector("main"))).toContain("Not answered");
  });

  it("back links keep the answers: going back shows what was given", async () => {
    const reporter = new Reporter();
    await reporter.start();
    await reporter.answer("who", NAMED.who!);
    await reporter.answer("what-happened", ANONYMOUS["what-happened"]!);
    const page = doc((await reporter.get(`${ONLINE}/who`)).text);
    expect(page.querySelector<HTMLInputElement>('input[name="reporterRole"][value="ON_BEHALF"]')?.checked).toBe(true);
    expect(page.querySelector<HTMLInputElement>("#relationship")?.value).toBe("Her neighbour");
    const story = doc((await reporter.get(`${ONLINE}/what-happened`)).text);
    expect(story.querySelector("#narrative")?.textContent).toBe(ANONYMOUS["what-happened"]!.narrative);
    expect(story.querySelector<HTMLInputElement>('input[name="incidentTypes"][value="THREATS"]')?.checked).toBe(true);
  });
});

describe("Exit this page", () => {
  it("deletes the draft and the cookie, then leaves for the neutral site", async () => {
    const reporter = new Reporter();
    await reporter.start();
    await reporter.answer("who", ANONYMOUS.who!);
    const res = await reporter.get(`${ONLINE}/exit`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(contacts.exitPage.url);
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(reportCookie(res)).toMatch(/^rhins_report=; Path=\/report\/online; Expires=Thu, 01 Jan 1970/);
    expect(await reporter.answers()).toBeUndefined();
    const key = services.encryption.lookupHash("ReportDraft", reporter.cookie);
    expect(await db.prisma.reportDraft.findUnique({ where: { key } })).toBeNull();
  });
});

describe("the draft store", () => {
  it("gives each save another 2 hours, and keeps nothing once the draft has expired", async () => {
    const { cookie, draft } = await services.reportDrafts.create();
    const key = services.encryption.lookupHash("ReportDraft", cookie);
    await db.prisma.reportDraft.update({ where: { key }, data: { expiresAt: new Date(Date.now() + 60_000) } });
    expect(await services.reportDrafts.saveStep(draft, "who", ANONYMOUS.who!)).toBe(true);
    const saved = await db.prisma.reportDraft.findUniqueOrThrow({ where: { key } });
    expect(saved.expiresAt.getTime()).toBeGreaterThan(Date.now() + 2 * 3_600_000 - 60_000);
    expect(saved.answers).not.toContain("VICTIM");
    await db.prisma.reportDraft.update({ where: { key }, data: { expiresAt: new Date(Date.now() - 1) } });
    expect(await services.reportDrafts.saveStep(draft, "what-happened", ANONYMOUS["what-happened"]!)).toBe(false);
    expect(await services.reportDrafts.read(cookie)).toBeUndefined();
    expect(await db.prisma.reportDraft.findUnique({ where: { key } })).toBeNull();
  });

  it("treats answers that do not decrypt (copied from another draft) as gone", async () => {
    const one = await services.reportDrafts.create();
    const other = await services.reportDrafts.create();
    await services.reportDrafts.saveStep(other.draft, "who", ANONYMOUS.who!);
    const { answers } = await db.prisma.reportDraft.findUniqueOrThrow({ where: { key: other.draft.key } });
    await db.prisma.reportDraft.update({ where: { key: one.draft.key }, data: { answers } });
    expect(await services.reportDrafts.read(one.cookie)).toBeUndefined();
    expect(await services.reportDrafts.read(other.cookie)).toMatchObject({ answers: { who: ANONYMOUS.who } });
  });

  it("ignores a cookie it did not make", async () => {
    expect(await services.reportDrafts.read("not-a-draft")).toBeUndefined();
    expect(await services.reportDrafts.read(undefined)).toBeUndefined();
  });
});

describe("an expired draft", () => {
  let reporter: Reporter;
  beforeEach(async () => {
    reporter = new Reporter();
    await reporter.start();
    await reporter.answer("who", ANONYMOUS.who!);
    const key = services.encryption.lookupHash("ReportDraft", reporter.cookie);
    await db.prisma.reportDraft.update({ where: { key }, data: { expiresAt: new Date(Date.now() - 1000) } });
  });

  it.each([
    ["GET a step", () => reporter.get(`${ONLINE}/what-happened`)],
    ["POST a step", () => reporter.answer("what-happened", ANONYMOUS["what-happened"]!)],
    ["GET Check your answers", () => reporter.get(`${ONLINE}/check-answers`)],
    ["send it", () => reporter.send()],
  ])("%s: says the answers were deleted, with Start again, and deletes the row and the cookie", async (_, act) => {
    const res = await act();
    expect(res.status).toBe(410);
    expect(res.headers["cache-control"]).toBe("no-store");
    const page = doc(res.text);
    expect(text(page.querySelector("h1"))).toBe("Your answers were deleted");
    expect(text(page.querySelector("main"))).toContain("2 hours");
    expect(page.querySelector('form[action="/report/online/start"] button')).not.toBeNull();
    expect(reportCookie(res)).toMatch(/Expires=Thu, 01 Jan 1970/);
    const key = services.encryption.lookupHash("ReportDraft", reporter.cookie);
    expect(await db.prisma.reportDraft.findUnique({ where: { key } })).toBeNull();
    await expectAccessiblePage(res.text);
  });

  it("without any cookie, a step says the same", async () => {
    const res = await request(app).post(`${ONLINE}/who`).type("form").send("reporterRole=VICTIM");
    expect(res.status).toBe(410);
  });
});

describe("forged and robot submissions", () => {
  it.each([
    ["no token", undefined],
    ["a wrong token", "x".repeat(43)],
    ["another draft's token", "other"],
  ])("a step with %s is refused with 403 and nothing is stored", async (_, token) => {
    const reporter = new Reporter();
    await reporter.start();
    let csrf = token;
    if (token === "other") {
      const other = new Reporter();
      await other.start();
      csrf = other.csrf;
    }
    const before = await reporter.answers();
    const res = await reporter.post(`${ONLINE}/who`, ANONYMOUS.who!, { csrf });
    expect(res.status).toBe(403);
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(await reporter.answers()).toEqual(before);
  });

  it("a submission without the token stores no report", async () => {
    const reporter = new Reporter();
    await reporter.start();
    await reporter.answerAll(ANONYMOUS);
    const before = await reportCount();
    const res = await reporter.post(
      `${ONLINE}/check-answers`,
      { declaration: "CONFIRMED", website: "" },
      { csrf: undefined },
    );
    expect(res.status).toBe(403);
    expect(await reportCount()).toBe(before);
    expect(await reporter.answers()).toBeDefined();
  });

  it.each([
    ["an Origin of another site", { Origin: "https://evil.example" }],
    ["Sec-Fetch-Site: cross-site", { "Sec-Fetch-Site": "cross-site" }],
  ])("a POST with %s is refused with 403 (Start now too)", async (_, headers) => {
    const reporter = new Reporter();
    await reporter.start();
    const before = await reporter.answers();
    const res = await reporter.post(`${ONLINE}/who`, ANONYMOUS.who!).set(headers);
    expect(res.status).toBe(403);
    expect(await reporter.answers()).toEqual(before);
    const drafts = await draftCount();
    expect((await request(app).post(`${ONLINE}/start`).set(headers)).status).toBe(403);
    expect(await draftCount()).toBe(drafts);
  });

  it("the honeypot filled in: answered as if sent, but no report is stored and the draft goes", async () => {
    const reporter = new Reporter();
    await reporter.start();
    await reporter.answerAll(ANONYMOUS);
    const before = await reportCount();
    const res = await reporter.send({ declaration: "CONFIRMED", website: "https://spam.example" });
    expect(res.status).toBe(200);
    expect(text(doc(res.text).querySelector(".rhins-reference"))).toMatch(/^RH-/);
    expect(await reportCount()).toBe(before);
    expect(await reporter.answers()).toBeUndefined();
  });

  it("the honeypot is hidden from people and screen readers, and out of the tab order", async () => {
    const reporter = new Reporter();
    await reporter.start();
    await reporter.answerAll(ANONYMOUS);
    const page = doc((await reporter.get(`${ONLINE}/check-answers`)).text);
    const field = page.querySelector<HTMLInputElement>('input[name="website"]')!;
    expect(field.getAttribute("tabindex")).toBe("-1");
    expect(field.getAttribute("autocomplete")).toBe("off");
    expect(field.closest('[aria-hidden="true"].govuk-visually-hidden')).not.toBeNull();
    expect(text(page.querySelector('label[for="website"]'))).toBe("Leave this empty");
  });

  it("unknown or repeated fields are refused with 400, storing nothing", async () => {
    const reporter = new Reporter();
    await reporter.start();
    const before = await reporter.answers();
    expect((await reporter.answer("who", { reporterRole: "VICTIM", isAdmin: "yes" })).status).toBe(400);
    expect((await reporter.answer("who", { reporterRole: ["VICTIM", "WITNESS"] })).status).toBe(400);
    expect(await reporter.answers()).toEqual(before);
  });
});

describe("random input (fast-check)", () => {
  const steps = reportSteps({ towns: ["Clevedon"], today: new Date() });
  const value = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom("", "YES", "VICTIM", "RACE", "NOT_SURE", "31"));
  const fieldValue = fc.oneof(value, fc.array(value, { maxLength: 4 }));

  it.each(steps.map((s) => [s.slug, s] as const))(
    "%s: only 2xx, 3xx or 4xx, and a refused step leaves the answers as they were",
    async (_, step) => {
      const reporter = new Reporter();
      await reporter.start();
      const known = fc.record(Object.fromEntries(step.fields.map((f) => [f, fieldValue])), { requiredKeys: [] });
      const extra = fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fieldValue, { maxKeys: 2 });
      await fc.assert(
        fc.asyncProperty(known, fc.option(extra, { nil: undefined }), async (fields, more) => {
          const before = await reporter.answers();
          const res = await reporter.answer(step.slug, { ...more, ...(fields as Fields) });
          expect(res.status).toBeGreaterThanOrEqual(200);
          expect(res.status).toBeLessThan(500);
          if (res.status !== 303) expect(await reporter.answers()).toEqual(before);
        }),
        { numRuns: 25 },
      );
    },
  );
});

describe("the limits per address", () => {
  it("refuses an address's 11th submission in an hour with 429", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++)
      statuses.push((await request(app).post(`${ONLINE}/check-answers`).type("form").send("")).status);
    expect(statuses.slice(0, 10).every((s) => s !== 429)).toBe(true);
    expect(statuses[10]).toBe(429);
  });

  it("refuses an address's 61st new form in an hour with 429, without making its draft", async () => {
    for (let i = 0; i < 60; i++) expect((await request(app).post(`${ONLINE}/start`)).status).toBe(303);
    const drafts = await draftCount();
    const refused = await request(app).post(`${ONLINE}/start`);
    expect(refused.status).toBe(429);
    expect(refused.headers["cache-control"]).toBe("no-store");
    expect(refused.text).toContain("Too many reports have been started from this connection");
    expect(await draftCount()).toBe(drafts);
  });
});
