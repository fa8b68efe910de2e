// A case from triage to closing, through its forms as caseworkers use them: who sees which case
// (404 for another agency's), triage with the risk assessment and its override rule, the consent
// gate on sharing, status changes and the closing rules, stale saves (409 with what was typed
// kept), the audit of every opening, the subject access print, and the 15-minute idle timeout.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectAccessiblePage } from "../helpers/accessibility.ts";
import { type Agent, csrfToken } from "../helpers/partners.ts";
import { EMAIL, NAME, NARRATIVE, PHONE, newReport } from "../helpers/reports.ts";
import { type SeededApp, seededApp } from "../helpers/seeded-app.ts";

let seeded: SeededApp;
let coordinator: Agent;
let sari: Agent;
let police: Agent;
let agencyId: Record<string, number>;

const NO_RISK = Object.fromEntries(
  [
    "repeat",
    "atHome",
    "retaliation",
    "dailyLife",
    "vulnerable",
    "children",
    "violence",
    "offenderKnown",
    "weapons",
    "selfHarm",
    "online",
  ].map((name) => [name, "NO"]),
);

beforeAll(async () => {
  seeded = await seededApp();
  coordinator = await seeded.as("caseCoordinator");
  sari = await seeded.as("sariCaseworker");
  police = await seeded.as("policeCaseworker");
  const agencies = await seeded.db.prisma.agency.findMany();
  agencyId = Object.fromEntries(agencies.map((a) => [a.code, a.id]));
});
afterAll(async () => seeded?.close());

const casePage = (reference: string) => `/partners/cases/${reference}`;
const newCase = async (anonymous = false) => (await seeded.services.reports.submit(newReport({ anonymous }))).reference;
const kase = (reference: string) =>
  seeded.db.prisma.case.findFirstOrThrow({
    where: { report: { reference } },
    include: { entries: true, actions: true, shares: true },
  });

/** Opens a case form, then posts it with `fields` over the hidden ones it carries (version). */
async function post(agent: Agent, path: string, fields: Record<string, string | string[]>, from?: string) {
  const html = from ?? (await agent.get(path)).text;
  const version = /name="version" value="(\d+)"/.exec(html)?.[1];
  return agent
    .post(path)
    .type("form")
    .send({ ...(version ? { version } : {}), ...fields, _csrf: csrfToken(html) });
}

const triageFields = (over: Record<string, string | string[]> = {}) => ({
  assessment: "HATE_CRIME",
  duplicateOf: "",
  strands: ["RELIGION"],
  ...NO_RISK,
  riskLevel: "",
  riskReason: "",
  leadAgencyId: String(agencyId.SARI),
  caseworkerId: String(seeded.partners.sariCaseworker.id),
  sharedAgencyIds: [],
  ...over,
});

async function triaged(over: Record<string, string | string[]> = {}) {
  const reference = await newCase();
  const res = await post(coordinator, `${casePage(reference)}/triage`, triageFields(over));
  expect(res.status, res.text.slice(0, 2000)).toBe(302);
  return reference;
}

describe("who sees a case", () => {
  it("is the lead agency's caseworkers and those it is shared with: anyone else gets 404", async () => {
    const reference = await newCase();
    // Untriaged, it belongs to no agency: only coordinators with case access see it.
    expect((await sari.get(casePage(reference))).status).toBe(404);
    expect((await coordinator.get(casePage(reference))).status).toBe(200);
    await post(coordinator, `${casePage(reference)}/triage`, triageFields());
    const seen = await sari.get(casePage(reference));
    expect(seen.status).toBe(200);
    expect(seen.text).toContain(NARRATIVE);
    const refused = await police.get(casePage(reference));
    expect(refused.status).toBe(404);
    expect(refused.text).not.toContain(NARRATIVE);
    expect((await police.get(`${casePage(reference)}/triage`)).status).toBe(404);
    expect((await police.get("/partners/cases")).text).not.toContain(reference);
    // Shared with the police, their caseworker sees it too.
    await post(
      coordinator,
      `${casePage(reference)}/triage`,
      triageFields({ sharedAgencyIds: [String(agencyId.Police)] }),
    );
    expect((await police.get(casePage(reference))).status).toBe(200);
    expect((await police.get("/partners/cases")).text).toContain(reference);
    // The list's count is every case the police lead or are shared on, each once (even one both
    // led by and shared with them, as a share kept from before the lead changed would be).
    const ledAndShared = await triaged({ leadAgencyId: String(agencyId.Police), caseworkerId: "" });
    const { id } = await seeded.db.prisma.case.findFirstOrThrow({ where: { report: { reference: ledAndShared } } });
    await seeded.db.prisma.caseShare.create({ data: { caseId: id, agencyId: agencyId.Police! } });
    const policeCases = await seeded.db.prisma.case.count({
      where: { OR: [{ leadAgencyId: agencyId.Police }, { shares: { some: { agencyId: agencyId.Police } } }] },
    });
    expect(policeCases).toBeGreaterThanOrEqual(2);
    const list = await police.get("/partners/cases");
    expect(list.text).toContain(`>${policeCases} cases</caption>`);
    expect(list.text).toContain(ledAndShared);
  });

  it("writes an audit event for every opening, filterable by the case's reference", async () => {
    const reference = await triaged();
    const count = () => seeded.db.prisma.auditEvent.count({ where: { action: "case.viewed", entityId: reference } });
    const before = await count();
    await sari.get(casePage(reference));
    await sari.get(`${casePage(reference)}/print`);
    expect(await count()).toBe(before + 2);
    expect(await seeded.db.prisma.auditEvent.count({ where: { action: "case.printed", entityId: reference } })).toBe(1);
    // The page and its print open the report too, audited with the case in one write: both events, in order.
    const events = await seeded.db.prisma.auditEvent.findMany({
      where: { entityId: reference, action: { in: ["case.viewed", "report.viewed"] } },
      orderBy: { id: "asc" },
    });
    expect(events.slice(-4).map((e) => e.action)).toEqual([
      "case.viewed",
      "report.viewed",
      "case.viewed",
      "report.viewed",
    ]);
    // Another agency's officer opens nothing: no event of either.
    const police = await seeded.as("policeCaseworker");
    expect((await police.get(casePage(reference))).status).toBe(404);
    const theirs = { entityId: reference, actorId: seeded.partners.policeCaseworker.id };
    expect(await seeded.db.prisma.auditEvent.count({ where: theirs })).toBe(0);
  });

  it("ends a case-access session after 15 minutes idle, and others after 30", async () => {
    const cookieAge = async (who: "sariCaseworker" | "officer") => {
      const res = await (await seeded.as(who)).get("/partners");
      const cookies = (res.headers["set-cookie"] as unknown as string[] | undefined) ?? [];
      const expires = /Expires=([^;]+)/.exec(cookies.find((c) => c.startsWith("rhins.sid=")) ?? "")?.[1];
      return Math.round((Date.parse(expires!) - Date.now()) / 60_000); // minutes
    };
    expect(await cookieAge("sariCaseworker")).toBe(15);
    expect(await cookieAge("officer")).toBe(30);
  });
});

describe("triage", () => {
  it("lists every problem in the error summary, keeps what was typed and stores nothing", async () => {
    const reference = await newCase();
    const res = await post(coordinator, `${casePage(reference)}/triage`, {
      assessment: "",
      duplicateOf: "",
      strands: ["RACE"],
      riskLevel: "",
      riskReason: "",
      leadAgencyId: "",
      caseworkerId: "",
      sharedAgencyIds: [],
      repeat: "YES",
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain("There is a problem");
    expect(res.text).toContain('href="#assessment"');
    expect(res.text).toContain('href="#atHome"');
    expect(res.text).toContain('href="#leadAgencyId"');
    expect(res.text).toMatch(/name="repeat"[^>]*value="YES"[^>]*checked/);
    await expectAccessiblePage(res.text);
    expect(await kase(reference)).toMatchObject({ status: "NEW", assessment: null, version: 1 });
  });

  it("scores the risk, sets the first contact due, and keeps the reporter's own strands on the report", async () => {
    const high = await triaged({ violence: "YES", strands: ["RACE"] });
    const row = await kase(high);
    expect(row).toMatchObject({ status: "TRIAGED", riskLevel: "HIGH", riskScoredLevel: "HIGH", strands: ["RACE"] });
    expect(row.riskAnswers).toMatch(/^e1\./);
    const report = await seeded.db.prisma.incidentReport.findUniqueOrThrow({ where: { id: row.reportId } });
    expect(report.strands).toEqual(newReport().statistics.strands);
    const standard = await kase(await triaged());
    expect(standard.riskLevel).toBe("STANDARD");
    // 1 working day for high risk, 5 otherwise (from the same day of receipt).
    expect(standard.firstContactDue!.getTime()).toBeGreaterThan(row.firstContactDue!.getTime());
    const page = await sari.get(casePage(high));
    expect(page.text).toContain("High");
    await expectAccessiblePage(page.text);
  });

  it("lets the caseworker change the level only with a reason", async () => {
    const reference = await newCase();
    const refused = await post(coordinator, `${casePage(reference)}/triage`, triageFields({ riskLevel: "HIGH" }));
    expect(refused.status).toBe(400);
    expect(refused.text).toContain("Say why you are changing the risk level from Standard to High");
    expect((await kase(reference)).riskLevel).toBeNull();
    await post(
      coordinator,
      `${casePage(reference)}/triage`,
      triageFields({ riskLevel: "HIGH", riskReason: "Her neighbour is the man who did it" }),
    );
    expect(await kase(reference)).toMatchObject({ riskLevel: "HIGH", riskScoredLevel: "STANDARD" });
    expect((await coordinator.get(casePage(reference))).text).toContain("Her neighbour is the man who did it");
  });

  it("refuses a caseworker outside the lead agency, and a duplicate of nothing", async () => {
    const reference = await newCase();
    const worker = await post(
      coordinator,
      `${casePage(reference)}/triage`,
      triageFields({ caseworkerId: String(seeded.partners.policeCaseworker.id) }),
    );
    expect(worker.status).toBe(400);
    expect(worker.text).toContain("Choose a caseworker with case access in the lead agency");
    const duplicate = await post(
      coordinator,
      `${casePage(reference)}/triage`,
      triageFields({ assessment: "DUPLICATE", duplicateOf: "RH-2222-22" }),
    );
    expect(duplicate.status).toBe(400);
    expect(duplicate.text).toContain('href="#duplicateOf"');
    expect((await kase(reference)).status).toBe("NEW");
  });

  it("answers a stale save with 409, the saved case shown and what was typed kept", async () => {
    const reference = await triaged();
    const path = `${casePage(reference)}/triage`;
    const mine = (await sari.get(path)).text;
    await post(coordinator, path, triageFields({ strands: ["DISABILITY"] }));
    const stale = await post(sari, path, triageFields({ strands: ["SEXUAL_ORIENTATION"], riskReason: "" }), mine);
    expect(stale.status).toBe(409);
    expect(stale.text).toContain("Someone else changed this case after you opened it");
    expect(stale.text).toMatch(/value="SEXUAL_ORIENTATION"[^>]*checked/);
    await expectAccessiblePage(stale.text);
    expect((await kase(reference)).strands).toEqual(["DISABILITY"]);
    // Saving again from the page shown replaces it.
    expect((await post(sari, path, triageFields({ strands: ["SEXUAL_ORIENTATION"] }), stale.text)).status).toBe(302);
    expect((await kase(reference)).strands).toEqual(["SEXUAL_ORIENTATION"]);
  });
});

describe("recording the work", () => {
  it("moves the case on: contact, support, an action done", async () => {
    const reference = await triaged();
    const record = (kind: string, fields: Record<string, string>) =>
      post(sari, `${casePage(reference)}/record/${kind}`, fields);
    expect((await record("contact", { contactMethod: "PHONE", contactMade: "no", body: "" })).status).toBe(302);
    expect((await kase(reference)).status).toBe("TRIAGED");
    expect((await kase(reference)).firstContactAt).not.toBeNull();
    await record("contact", { contactMethod: "PHONE", contactMade: "yes", body: "Spoke to her; she is safe at home" });
    expect((await kase(reference)).status).toBe("IN_CONTACT");
    await record("support", { supportKind: "EMOTIONAL", supportAccepted: "yes", body: "" });
    expect((await kase(reference)).status).toBe("SUPPORTING");
    const note = (await kase(reference)).entries.find((e) => e.kind === "CONTACT" && e.contactMade)!;
    expect(note.body).toMatch(/^e1\./);
    const page = await sari.get(casePage(reference));
    expect(page.text).toContain("Spoke to her; she is safe at home");
    expect(page.text).toContain("Support offered: Emotional support");
    await expectAccessiblePage(page.text);
  });

  it("refuses a form with nothing chosen, keeping the note typed", async () => {
    const reference = await triaged();
    const res = await post(sari, `${casePage(reference)}/record/contact`, {
      contactMethod: "",
      contactMade: "",
      body: "Tried twice",
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('href="#contactMethod"');
    expect(res.text).toContain("Tried twice");
    expect((await kase(reference)).entries).toHaveLength(0);
  });

  it("gates sharing their details on consent, or a safeguarding override with a reason", async () => {
    const reference = await triaged();
    const referral = (fields: Record<string, string>) =>
      post(sari, `${casePage(reference)}/record/referral`, {
        referralTo: "HOUSING",
        withDetails: "yes",
        crimeReference: "",
        overrideReason: "",
        body: "",
        ...fields,
      });
    const refused = await referral({});
    expect(refused.status).toBe(400);
    expect(refused.text).toContain("The person has not agreed to their details being shared");
    expect((await kase(reference)).entries).toHaveLength(0);
    expect((await referral({ withDetails: "no" })).status).toBe(302);
    expect((await referral({ overrideReason: "Children at risk in the home" })).status).toBe(302);
    const row = await kase(reference);
    expect(row.entries.map((e) => e.kind).sort()).toEqual(["REFERRAL", "REFERRAL", "SAFEGUARDING_OVERRIDE"]);
    expect(
      await seeded.db.prisma.auditEvent.count({ where: { action: "case.safeguarding-override", entityId: reference } }),
    ).toBe(1);
    // Once they agree, no override is needed.
    expect(
      (await post(sari, `${casePage(reference)}/consent`, { consent: "yes", note: "Agreed on the phone" })).status,
    ).toBe(302);
    expect((await referral({ referralTo: "POLICE", crimeReference: "AS-1234" })).status).toBe(302);
    expect((await kase(reference)).entries.filter((e) => e.kind === "SAFEGUARDING_OVERRIDE")).toHaveLength(1);
  });

  it("closes only with every action done and a fitting outcome, then reopens", async () => {
    const reference = await triaged();
    const dueOn = { "dueOn-day": "1", "dueOn-month": "2", "dueOn-year": "2027" };
    const bad = await post(
      sari,
      `${casePage(reference)}/actions`,
      { description: "Fit a door chain", ownerId: "", "dueOn-day": "31", "dueOn-month": "2", "dueOn-year": "2027" },
      (await sari.get(`${casePage(reference)}/actions/new`)).text,
    );
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("Fit a door chain");
    await post(
      sari,
      `${casePage(reference)}/actions`,
      { description: "Fit a door chain", ownerId: String(seeded.partners.sariCaseworker.id), ...dueOn },
      (await sari.get(`${casePage(reference)}/actions/new`)).text,
    );
    const close = (fields: Record<string, string>) => post(sari, `${casePage(reference)}/close`, fields);
    const open = await close({ outcome: "SUPPORT_GIVEN", summary: "Door chain fitted" });
    expect(open.status).toBe(400);
    expect(open.text).toContain("Mark the open action as done before closing the case");
    const action = (await kase(reference)).actions[0]!;
    const page = await sari.get(casePage(reference));
    await sari
      .post(`${casePage(reference)}/actions/${action.id}/done`)
      .type("form")
      .send({ _csrf: csrfToken(page.text) });
    expect((await close({ outcome: "REFERRED_TO_POLICE", summary: "x" })).text).toContain(
      "Record the referral to the police",
    );
    expect((await close({ outcome: "SUPPORT_GIVEN", summary: "" })).text).toContain("Enter a closing summary");
    expect((await close({ outcome: "SUPPORT_GIVEN", summary: "Door chain fitted; she feels safer" })).status).toBe(302);
    const closed = await kase(reference);
    expect(closed).toMatchObject({ status: "CLOSED", outcome: "SUPPORT_GIVEN" });
    expect(closed.closingSummary).toMatch(/^e1\./);
    expect(
      (await seeded.db.prisma.incidentReport.findUniqueOrThrow({ where: { id: closed.reportId } })).closedAt,
    ).not.toBeNull();
    expect((await post(sari, `${casePage(reference)}/record/note`, { body: "late" })).status).toBe(409);
    expect((await post(sari, `${casePage(reference)}/reopen`, { reason: "She called again" })).status).toBe(302);
    expect(await kase(reference)).toMatchObject({ status: "TRIAGED", outcome: null, closedAt: null });
  });

  it("does not choose a status by hand before triage or to close", async () => {
    const reference = await newCase();
    const early = await post(coordinator, `${casePage(reference)}/status`, { status: "IN_CONTACT", note: "" });
    expect(early.status).toBe(400);
    expect(early.text).toContain("Triage this report first");
    const later = await triaged();
    expect((await post(sari, `${casePage(later)}/status`, { status: "CLOSED", note: "" })).status).toBe(400);
    expect((await post(sari, `${casePage(later)}/status`, { status: "REFERRED", note: "" })).status).toBe(302);
    expect((await kase(later)).status).toBe("REFERRED");
  });
});

describe("the case pages", () => {
  it("are accessible, and the list and print show what they should", async () => {
    const reference = await triaged({ violence: "YES" });
    const pages = [
      casePage(reference),
      ...[
        "triage",
        "record/contact",
        "record/note",
        "record/support",
        "record/referral",
        "actions/new",
        "status",
        "consent",
        "close",
        "print",
      ].map((p) => `${casePage(reference)}/${p}`),
      "/partners/cases",
      "/partners/cases?status=OPEN&risk=HIGH&overdue=yes&sort=newest",
    ];
    for (const path of pages) {
      const res = await sari.get(path);
      expect(res.status, path).toBe(200);
      await expectAccessiblePage(res.text);
    }
    const print = await sari.get(`${casePage(reference)}/print`);
    for (const text of [NARRATIVE, NAME, EMAIL, PHONE]) expect(print.text).toContain(text);
    expect(print.text).not.toContain("Send message");
    const list = await sari.get("/partners/cases?risk=HIGH");
    expect(list.text).toContain(reference);
    for (const text of [NARRATIVE, NAME, EMAIL, PHONE]) expect(list.text).not.toContain(text);
    // Finding by reference goes straight to the case.
    const found = await sari.get(`/partners/cases?reference=${reference.toLowerCase()}`);
    expect(found.status).toBe(302);
    expect(found.headers.location).toBe(casePage(reference));
  });
});

describe("the dashboard and Your updates", () => {
  it("count cases and list a caseworker's own, only for those with case access", async () => {
    const reference = await triaged({ violence: "YES" });
    const dueOn = { "dueOn-day": "1", "dueOn-month": "1", "dueOn-year": "2026" }; // already past
    await post(
      sari,
      `${casePage(reference)}/actions`,
      { description: "Call back", ownerId: String(seeded.partners.sariCaseworker.id), ...dueOn },
      (await sari.get(`${casePage(reference)}/actions/new`)).text,
    );
    const dashboard = await sari.get("/partners");
    expect(dashboard.text).toContain("Open cases by risk");
    expect(dashboard.text).toContain('href="/partners/cases?status=OPEN&amp;risk=HIGH"');
    await expectAccessiblePage(dashboard.text);
    const updates = await sari.get("/partners/updates");
    expect(updates.text).toContain("Your cases");
    expect(updates.text).toContain(`href="${casePage(reference)}"`);
    expect(updates.text).toContain(`An action on ${reference}`);
    await expectAccessiblePage(updates.text);
    for (const who of ["coordinator", "officer"] as const) {
      const agent = await seeded.as(who);
      expect((await agent.get("/partners")).text).not.toContain("Open cases by risk");
      expect((await agent.get("/partners/updates")).text).not.toContain("Your cases");
    }
  });
});

describe("the audit trail", () => {
  it("filters by case for coordinators with case access, and shows no case to those without", async () => {
    const reference = await triaged();
    await sari.get(casePage(reference));
    const trail = await coordinator.get(`/partners/audit?case=${reference.toLowerCase()}`);
    expect(trail.status).toBe(200);
    const rows = trail.text.match(/<tr class="govuk-table__row">/g) ?? [];
    expect(rows.length).toBeGreaterThanOrEqual(4); // received, viewed, triaged, viewed (and the head)
    expect(trail.text).toContain(reference);
    expect(trail.text).toContain(`Triaged case ${reference}: hate crime, standard risk`);
    expect(trail.text).toContain(`Opened case ${reference}`);
    expect((await coordinator.get(casePage(reference))).text).toContain(`href="/partners/audit?case=${reference}"`);
    const other = await triaged();
    expect((await coordinator.get(`/partners/audit?case=${reference}`)).text).not.toContain(other);
    await expectAccessiblePage(trail.text);
    const without = await (await seeded.as("coordinator")).get("/partners/audit");
    expect(without.status).toBe(200);
    expect(without.text).not.toContain(reference);
    expect(without.text).not.toContain("case.viewed");
  });
});
