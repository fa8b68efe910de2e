// What the database holds after people use the online report: a named report sent through every
// page of the form, a coordinator's message and the reporter's reply, its case worked through
// triage, contact, notes, an action, the Review Panel and closing, and a second report left
// half-way (its draft). A dump of every row of every table, the job queue's included, holds none
// of what they typed: the narrative, name, email, phone, street and postcode, the description of
// the people who did it, the crime reference, the messages, the caseworkers' notes, the risk
// reason, the action, the panel's decision, the closing summary. On a Postgres server, pg_dump's
// plain SQL dump is searched too.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { seed } from "../../src/db/seed.ts";
import { scoreRisk } from "../../src/services/cases/risk.ts";
import { testApp } from "../helpers/app.ts";
import { type TestDatabase, testDatabase } from "../helpers/database.ts";
import { EMAIL, LOCATION, NAME, NARRATIVE, OFFENDERS, ONLINE_ANSWERS, PHONE } from "../helpers/reports.ts";

const ONLINE = "/report/online";
const MESSAGE = "Would you like to meet a caseworker at the Clevedon library on Tuesday?";
const REPLY = "Yes, Tuesday at 4pm suits me, my daughter Amira will come too";
const HALF_WAY = "Someone wrote slurs on our garden wall on Hill Road last night";
// What caseworkers type into the case (services/cases), each distinctive.
const CASE_TEXT = {
  riskReason: "Her brother Tariq had his car windows smashed last month",
  contact: "Spoke to Yasmin, she is staying with her aunt in Nailsea",
  note: "Neighbour at number 14 saw the man leave in a blue van",
  action: "Arrange a panic alarm fitting with Alliance Homes",
  decision: "Police to visit the shop owner on Hill Road with housing",
  summary: "Yasmin moved to a new flat and the man was cautioned",
};

type Fields = Record<string, string | string[]>;
const form = (fields: Fields) => {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields))
    for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
  return body.toString();
};

let db: TestDatabase;
let dump: string;

/** Every row of every table outside Postgres's own schemas, as text. */
async function dumpEveryRow(): Promise<string> {
  return db.withConnection(async (sql) => {
    const tables = await sql.query<{ schema: string; name: string }>(
      `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
        WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
    );
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(["IncidentReport", "ReportMessage", "ReportDraft", "AuditEvent", "EmailMessage", "job"]),
    );
    const lines: string[] = [];
    for (const t of tables) {
      const rows = await sql.query<{ row: string }>(`SELECT t::text AS row FROM "${t.schema}"."${t.name}" t`);
      lines.push(`-- ${t.schema}.${t.name}`, ...rows.map((r) => r.row));
    }
    const rows = lines.join("\n");
    if (!db.url) return rows;
    const { stdout } = await promisify(execFile)("pg_dump", ["--format=plain", "--no-owner", db.url], {
      maxBuffer: 256 * 1024 * 1024,
    });
    expect(stdout).toContain('COPY public."IncidentReport"');
    return `${rows}\n-- pg_dump\n${stdout}`;
  });
}

beforeAll(async () => {
  db = await testDatabase();
  await seed(db.prisma, { production: false, demoPassword: "correct horse battery staple" });
  const { app, services, startJobs, stopJobs } = testApp(db);
  await startJobs();
  try {
    /** A browser on the form: its cookie, its token, then each page's answers. */
    const reporter = async () => {
      const start = await request(app).post(`${ONLINE}/start`);
      const cookie = String(start.headers["set-cookie"]).split(";")[0]!;
      const first = await request(app).get(start.headers.location!).set("Cookie", cookie);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(first.text)![1]!;
      return (path: string, fields: Fields) =>
        request(app)
          .post(path)
          .set("Cookie", cookie)
          .type("form")
          .send(form({ _csrf: csrf, ...fields }));
    };

    const named = await reporter();
    for (const [slug, fields] of Object.entries(ONLINE_ANSWERS.named))
      expect((await named(`${ONLINE}/${slug}`, fields)).status, slug).toBe(303);
    const sent = await named(`${ONLINE}/check-answers`, { declaration: "CONFIRMED", website: "" });
    expect(sent.status).toBe(200);
    const reference = /RH-[0-9A-Z]{4}-[0-9A-Z]{2}/.exec(sent.text)![0];
    const receiptCode = /[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}/.exec(sent.text)![0];

    const coordinator = await db.prisma.user.findFirstOrThrow({ where: { role: "COORDINATOR" } });
    await services.reports.open(coordinator, reference);
    await services.reports.sendMessage(coordinator, reference, MESSAGE);
    await services.reports.reply(reference, receiptCode, REPLY);

    // The case worked from triage to closing, through the Review Panel.
    const caseworker = await db.prisma.user.update({ where: { id: coordinator.id }, data: { caseAccess: true } });
    const version = async () => services.cases.version(caseworker, reference);
    const answers = { repeat: "YES" as const };
    const scored = scoreRisk(answers);
    await services.cases.triage(caseworker, reference, await version(), {
      assessment: "HATE_CRIME",
      duplicateOf: null,
      strands: ["RELIGION"],
      risk: { answers, score: scored.score, scoredLevel: scored.level, level: "HIGH", reason: CASE_TEXT.riskReason },
      leadAgencyId: caseworker.agencyId!,
      caseworkerId: caseworker.id,
      sharedAgencyIds: [],
    });
    await services.cases.addEntry(caseworker, reference, {
      kind: "CONTACT",
      contactMethod: "PHONE",
      contactMade: true,
      body: CASE_TEXT.contact,
    });
    await services.cases.addEntry(caseworker, reference, { kind: "NOTE", body: CASE_TEXT.note });
    const dueOn = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    const actionId = await services.cases.addAction(caseworker, reference, {
      description: CASE_TEXT.action,
      ownerId: caseworker.id,
      dueOn,
    });
    const meeting = await services.panel.create(caseworker, { heldOn: dueOn, attendeeIds: [caseworker.agencyId!] });
    const opened = await services.panel.open(caseworker, meeting);
    await services.panel.decide(caseworker, meeting, opened.version, reference, {
      decision: CASE_TEXT.decision,
      action: null,
    });
    await services.cases.completeAction(caseworker, reference, actionId);
    await services.cases.close(caseworker, reference, await version(), "RESOLVED", CASE_TEXT.summary);

    const halfWay = await reporter();
    const fields = { ...ONLINE_ANSWERS.named["what-happened"], narrative: HALF_WAY };
    expect((await halfWay(`${ONLINE}/who`, ONLINE_ANSWERS.named.who!)).status).toBe(303);
    expect((await halfWay(`${ONLINE}/what-happened`, fields)).status).toBe(303);

    // The notification emails are sent (and their values cleared) before the dump.
    await vi.waitFor(async () => expect(await db.prisma.emailMessage.count({ where: { status: "QUEUED" } })).toBe(0), {
      timeout: 20_000,
      interval: 200,
    });
    dump = await dumpEveryRow();
  } finally {
    await stopJobs();
  }
});
afterAll(async () => db.close());

describe("a dump of the database after reports", () => {
  it("holds the report, its messages and the draft, as encrypted values", () => {
    expect(dump).toMatch(/-- public\.IncidentReport\n.*e1\./);
    expect(dump).toMatch(/-- public\.ReportDraft\n.*e1\./);
    for (const table of ["Case", "CaseEntry", "CaseAction", "PanelCase"])
      expect(dump).toMatch(new RegExp(`-- public\\.${table}\n.*e1\\.`));
  });

  it.each([
    ["the narrative", NARRATIVE],
    ["a phrase of the narrative", "headscarf"],
    ["the name", NAME],
    ["the surname alone", NAME.split(" ")[1]!],
    ["the email address", EMAIL],
    ["the phone number", PHONE],
    ["the phone number without spaces", PHONE.replaceAll(" ", "")],
    ["the street", LOCATION.split(",")[0]!],
    ["the full postcode", LOCATION.split(", ")[1]!],
    ["the description of the people who did it", OFFENDERS],
    ["the crime reference", String(ONLINE_ANSWERS.named.police!.crimeReference)],
    ["the relationship", String(ONLINE_ANSWERS.named.who!.relationship)],
    ["the safe times", "Weekdays after 6pm"],
    ["the caseworker's message", MESSAGE],
    ["the reply", REPLY],
    ["a name in the reply", "Amira"],
    ["the half-way draft", HALF_WAY],
    ["the risk reason", CASE_TEXT.riskReason],
    ["a name in the risk reason", "Tariq"],
    ["the contact attempt", CASE_TEXT.contact],
    ["the caseworker's note", CASE_TEXT.note],
    ["the action", CASE_TEXT.action],
    ["the panel's decision", CASE_TEXT.decision],
    ["the closing summary", CASE_TEXT.summary],
  ])("holds none of %s", (_, typed) => {
    // Not toContain: a failure would print the whole dump.
    expect(dump.toLowerCase().includes(typed.toLowerCase()), `the dump holds "${typed}"`).toBe(false);
  });
});
