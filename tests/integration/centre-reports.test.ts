// Reports taken at a reporting centre (/partners/report): staff of an account linked to a centre
// enter a report for someone with the online form's questions; it is stored as any report is
// (encrypted, with its case), recorded as via the centre and by whom, and audited. The staff
// member cannot see it afterwards; caseworkers see "Via <centre>". The draft belongs to the
// partner who started it (another partner with the same cookie finds nothing) and outlives
// their session. Nobody else reaches these pages.
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CENTRE_REPORT_PATH } from "../../src/routes/partners/centre-report.ts";
import { hashPassword } from "../../src/services/passwords.ts";
import { reportSteps } from "../../src/services/reports/questions.ts";
import { expectAccessiblePage } from "../helpers/accessibility.ts";
import { type Agent, PASSWORD, csrfToken, signIn } from "../helpers/partners.ts";
import { NAME, NARRATIVE, ONLINE_ANSWERS } from "../helpers/reports.ts";
import { type PartnerName, type SeededApp, seededApp } from "../helpers/seeded-app.ts";

type Fields = Record<string, string | string[]>;

let seeded: SeededApp;
let centre: { id: number; name: string };
let staff: { id: number; email: string; name: string };
let colleague: { id: number; email: string };

const SLUGS = reportSteps({ towns: [], today: new Date() }).map((s) => s.slug);
const step = (slug: string) => `${CENTRE_REPORT_PATH}/${slug}`;
const CHECK = `${CENTRE_REPORT_PATH}/check-answers`;

beforeAll(async () => {
  seeded = await seededApp();
  centre = await seeded.db.prisma.reportingCentre.findFirstOrThrow({ where: { active: true }, orderBy: { id: "asc" } });
  const passwordHash = await hashPassword(PASSWORD);
  const make = (email: string) =>
    seeded.db.prisma.user.create({
      data: { email, name: email.split("@")[0]!, role: "OFFICER", passwordHash, reportingCentreId: centre.id },
    });
  staff = await make("centre.staff@partners.test");
  colleague = await make("centre.colleague@partners.test");
});
afterAll(async () => seeded?.close());

/** A urlencoded body, with a checkbox field repeated once per value (as browsers send them). */
function form(fields: Fields): string {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields))
    for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
  return body.toString();
}

/** Posts a page's form as a browser would: the CSRF token read from the page first. */
async function post(agent: Agent, path: string, fields: Fields, page = path) {
  const html = (await agent.get(page)).text;
  return agent
    .post(path)
    .type("form")
    .send(form({ ...fields, _csrf: csrfToken(html) }));
}

/** Starts a report and answers every step with `answers`, as the staff member's browser. */
async function answerEverything(agent: Agent, answers: Record<string, Fields>) {
  const started = await post(agent, `${CENTRE_REPORT_PATH}/start`, {}, CENTRE_REPORT_PATH);
  expect(started.status).toBe(303);
  expect(started.headers.location).toBe(step(SLUGS[0]!));
  for (const slug of SLUGS) {
    const res = await post(agent, step(slug), answers[slug]!);
    expect(res.status, slug).toBe(303);
  }
}

describe("who may enter a report", () => {
  it("staff linked to a reporting centre see the link and an accessible start page naming their centre", async () => {
    const agent = await signIn(seeded.app, staff.email);
    const dashboard = await agent.get("/partners");
    expect(dashboard.text).toContain('href="/partners/report"');
    const start = await agent.get(CENTRE_REPORT_PATH);
    expect(start.status).toBe(200);
    expect(start.text).toContain(centre.name);
    expect(start.headers["cache-control"]).toBe("no-store");
    await expectAccessiblePage(start.text);
  });

  it.each<PartnerName>(["coordinator", "caseCoordinator", "officer", "sariCaseworker", "viewer"])(
    "%s, with no reporting centre, gets 404 and no link",
    async (who) => {
      const agent = await seeded.as(who);
      expect((await agent.get("/partners")).text).not.toContain('href="/partners/report"');
      expect((await agent.get(CENTRE_REPORT_PATH)).status).toBe(404);
      expect((await agent.get(step(SLUGS[0]!))).status).toBe(404);
    },
  );

  it("signed out, the form leads to sign-in", async () => {
    const res = await request(seeded.app).get(CENTRE_REPORT_PATH);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe("/partners/sign-in");
  });
});

describe("entering a report for someone", () => {
  it("is stored as via the centre, entered by the staff member, with its case; only caseworkers can open it", async () => {
    const agent = await signIn(seeded.app, staff.email);
    await answerEverything(agent, ONLINE_ANSWERS.named);

    const check = await agent.get(CHECK);
    expect(check.status).toBe(200);
    expect(check.text).toContain(NARRATIVE);
    expect(check.text).not.toContain('name="website"'); // no honeypot for signed-in staff
    await expectAccessiblePage(check.text);

    // Without the declaration: refused, nothing stored, and the page says what to do.
    const refused = await post(agent, CHECK, {});
    expect(refused.status).toBe(400);
    expect(refused.text).toContain("Confirm that these are the answers the person gave you");
    expect(refused.text).toContain("govuk-error-summary");
    await expectAccessiblePage(refused.text);
    expect(await seeded.db.prisma.incidentReport.count({ where: { enteredById: staff.id } })).toBe(0);

    const sent = await post(agent, CHECK, { declaration: "CONFIRMED" });
    expect(sent.status).toBe(200);
    await expectAccessiblePage(sent.text);
    const reference = /class="rhins-reference">([^<]+)</.exec(sent.text)![1]!;
    const receiptCode = /id="receipt-code">([^<]+)</.exec(sent.text)![1]!;
    expect(sent.text).toContain(`made via ${centre.name}`);

    const stored = await seeded.db.prisma.incidentReport.findUniqueOrThrow({
      where: { reference },
      include: { case: true },
    });
    expect(stored).toMatchObject({ viaCentreId: centre.id, enteredById: staff.id, anonymous: false });
    expect(stored.case).not.toBeNull();
    expect(stored.narrative).not.toContain("headscarf"); // encrypted as every report is
    const audit = await seeded.db.prisma.auditEvent.findFirstOrThrow({ where: { entityId: reference } });
    expect(audit).toMatchObject({ action: "report.entered", actorId: staff.id });
    // The draft went with the sending: nothing left to go back to.
    expect((await agent.get(CHECK)).status).toBe(410);

    // The staff member has no case access: the report is not theirs to see again.
    expect((await agent.get(`/partners/cases/${reference}`)).status).toBe(404);
    const caseworker = await seeded.as("caseCoordinator");
    const casePage = await caseworker.get(`/partners/cases/${reference}`);
    expect(casePage.status).toBe(200);
    expect(casePage.text).toContain(`Via ${centre.name}, entered by ${staff.name}`);
    expect(casePage.text).toContain(NAME);
    const trail = await caseworker.get(`/partners/audit?case=${reference}`);
    expect(trail.text).toContain(`Entered hate incident report ${reference} for someone at ${centre.name}`);

    // The person follows it up with the codes they were given, as any reporter does.
    const followUp = await request(seeded.app).post("/report/follow-up").type("form").send({ reference, receiptCode });
    expect(followUp.status).toBe(200);
    expect(followUp.text).toContain(reference);
  });

  it("refuses a step posted without the partner area's CSRF token, keeping nothing", async () => {
    const agent = await signIn(seeded.app, staff.email);
    await post(agent, `${CENTRE_REPORT_PATH}/start`, {}, CENTRE_REPORT_PATH);
    const forged = await agent
      .post(step(SLUGS[0]!))
      .type("form")
      .send(form({ ...ONLINE_ANSWERS.anonymous[SLUGS[0]!]! }));
    expect(forged.status).toBe(403);
    const page = await agent.get(step(SLUGS[0]!));
    expect(page.text).not.toMatch(/value="VICTIM" checked/);
  });

  it("keeps a step's answers when one is wrong, and says what to fix", async () => {
    const agent = await signIn(seeded.app, staff.email);
    await post(agent, `${CENTRE_REPORT_PATH}/start`, {}, CENTRE_REPORT_PATH);
    await post(agent, step("who"), ONLINE_ANSWERS.anonymous.who!);
    const narrative = "Someone spat at her <b>at the bus stop</b>";
    const res = await post(agent, step("what-happened"), { narrative, incidentTypes: ["NOT_A_TYPE"] });
    expect(res.status).toBe(400);
    expect(res.text).toContain("govuk-error-summary");
    expect(res.text).toContain("Someone spat at her &lt;b&gt;at the bus stop&lt;/b&gt;");
    await expectAccessiblePage(res.text);
  });
});

describe("the draft", () => {
  it("is found only by the partner who started it, even with the same cookie", async () => {
    const agent = await signIn(seeded.app, staff.email);
    await post(agent, `${CENTRE_REPORT_PATH}/start`, {}, CENTRE_REPORT_PATH);
    await post(agent, step("who"), ONLINE_ANSWERS.anonymous.who!);
    const cookie = agent.jar.getCookie("rhins_centre_report", { path: CENTRE_REPORT_PATH, domain: "127.0.0.1", secure: false, script: false }); // prettier-ignore
    expect(cookie?.value).toBeTruthy();

    const other = await signIn(seeded.app, colleague.email);
    const res = await other.get(step("what-happened")).set("Cookie", `rhins_centre_report=${cookie!.value}`);
    expect(res.status).toBe(410);
    expect(res.text).toContain("Only the partner who started a report can continue it");
    expect(res.text).toContain(`action="${CENTRE_REPORT_PATH}/start"`);
    await expectAccessiblePage(res.text);
    // The owner's draft is still there.
    expect((await agent.get(step("what-happened"))).status).toBe(200);
  });

  it("outlives the session: signed out and in again, the answers so far are still there", async () => {
    const agent = await signIn(seeded.app, staff.email);
    await answerEverything(agent, ONLINE_ANSWERS.anonymous);
    await post(agent, "/partners/sign-out", {}, "/partners");
    const again = await signIn(seeded.app, staff.email);
    // The same browser: its draft cookie carried over.
    for (const cookie of agent.jar.getCookies({ path: CENTRE_REPORT_PATH, domain: "127.0.0.1", secure: false, script: false })) // prettier-ignore
      if (cookie.name === "rhins_centre_report") again.jar.setCookie(`${cookie.name}=${cookie.value}; Path=${CENTRE_REPORT_PATH}`); // prettier-ignore
    const check = await again.get(CHECK);
    expect(check.status).toBe(200);
    expect(check.text).toContain(NARRATIVE);
  });
});
