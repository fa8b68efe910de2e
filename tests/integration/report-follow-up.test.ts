// Storing an online report, and the reporter's follow-up at /report/follow-up: personal answers
// only as "e1." tokens, the receipt code only as an argon2id hash, reading and replying with the
// reference and code, one refusal for every kind of wrong try, and the lock after ten.
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENCRYPTED_COLUMNS } from "../../src/services/encrypted-columns.ts";
import { FOLLOW_UP_ATTEMPTS, FOLLOW_UP_LOCK_MS } from "../../src/services/reports/follow-up.ts";
import { reportService } from "../../src/services/reports/reports.ts";
import { expectAccessiblePage } from "../helpers/accessibility.ts";
import { EMAIL, LOCATION, NAME, NARRATIVE, OFFENDERS, PHONE, newReport } from "../helpers/reports.ts";
import { type SeededApp, seededApp } from "../helpers/seeded-app.ts";

let seeded: SeededApp;
beforeAll(async () => {
  seeded = await seededApp();
});
afterAll(async () => seeded?.close());

const PERSONAL = [
  "relationship",
  "narrative",
  "incidentDate",
  "location",
  "offenders",
  "crimeReference",
  "contact",
] as const;

const open = (reference: string, receiptCode: string) =>
  request(seeded.app).post("/report/follow-up").type("form").send({ reference, receiptCode });
const reply = (reference: string, receiptCode: string, body: string) =>
  request(seeded.app).post("/report/follow-up/reply").type("form").send({ reference, receiptCode, body });

/** A code of the right shape that is not the report's. */
const wrongCode = (code: string) => (code.startsWith("2222") ? "3333-3333-3333-3333" : "2222-2222-2222-2222");

describe("submitting a report", () => {
  it("keeps the statistics plain and every personal answer encrypted, bound to the row", async () => {
    const started = performance.now();
    const { reference, receiptCode } = await seeded.services.reports.submit(newReport());
    const took = performance.now() - started;
    expect(reference).toMatch(/^RH-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{2}$/);
    expect(receiptCode).toMatch(/^([2-9A-HJKMNP-TV-Z]{4}-){3}[2-9A-HJKMNP-TV-Z]{4}$/);
    expect(took).toBeLessThan(1_000); // well under 100 ms alone; generous for 2 shared cores

    const row = await seeded.db.prisma.incidentReport.findUniqueOrThrow({ where: { reference } });
    expect(row.receiptHash).toMatch(/^\$argon2id\$/);
    expect(row.receiptHash).not.toContain(receiptCode.replaceAll("-", ""));
    expect(row).toMatchObject({
      area: "Clevedon",
      strands: ["RELIGION", "RACE"],
      wants: ["SUPPORT"],
      anonymous: false,
    });
    expect(row.relationship).toBeNull(); // not answered: nothing to encrypt
    for (const column of PERSONAL.filter((c) => c !== "relationship")) expect(row[column], column).toMatch(/^e1\./);
    const stored = JSON.stringify(row);
    for (const secret of [NARRATIVE, NAME, EMAIL, PHONE, LOCATION, OFFENDERS, "Urdu", "AS-20261128-0042"])
      expect(stored).not.toContain(secret);

    // A token moved to another column does not open (the binding names the column).
    expect(() => seeded.services.encryption.decrypt(row.narrative!, ["IncidentReport", "location", row.id])).toThrow();
    expect(seeded.services.encryption.decrypt(row.narrative!, ["IncidentReport", "narrative", row.id])).toBe(NARRATIVE);

    // Key rotation (encrypted-columns.ts) reads every token back with the same binding.
    for (const column of ENCRYPTED_COLUMNS.filter((c) => c.table === "IncidentReport")) {
      const token = row[column.column as keyof typeof row] as string | null;
      if (token)
        expect(
          () => seeded.services.encryption.decrypt(token, column.binding({ id: row.id })),
          column.column,
        ).not.toThrow();
    }

    const audit = await seeded.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "report.received", entityId: reference },
    });
    expect(audit).toMatchObject({
      actorId: null,
      actorEmail: "",
      entityType: "IncidentReport",
      before: null,
      after: null,
    });
  });

  it("gives each report its own reference and receipt code", async () => {
    const made = await Promise.all([1, 2, 3].map(() => seeded.services.reports.submit(newReport({ anonymous: true }))));
    expect(new Set(made.map((m) => m.reference)).size).toBe(3);
    expect(new Set(made.map((m) => m.receiptCode)).size).toBe(3);
  });
});

describe("the follow-up page", () => {
  let reference: string;
  let receiptCode: string;
  beforeAll(async () => {
    ({ reference, receiptCode } = await seeded.services.reports.submit(newReport({ anonymous: true })));
  });

  it("asks for the reference and receipt code, sets no cookie and is not stored", async () => {
    const res = await request(seeded.app).get("/report/follow-up");
    expect(res.status).toBe(200);
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.headers["set-cookie"]).toBeUndefined();
    expect(res.text).toContain("Exit this page");
    expect(res.text).toMatch(/<input[^>]*id="reference"[^>]*autocomplete="off"/);
    expect(res.text).toMatch(
      /<input[^>]*id="receiptCode"[^>]*spellcheck="false"[^>]*autocomplete="off"|<input[^>]*id="receiptCode"[^>]*autocomplete="off"[^>]*spellcheck="false"/,
    );
    await expectAccessiblePage(res.text);
  });

  it("shows the messages for the right code, typed in any case, with spaces or without dashes", async () => {
    const typed = receiptCode.toLowerCase().replaceAll("-", " ");
    const res = await open(reference.toLowerCase().replace("rh-", "rh "), typed);
    expect(res.status).toBe(200);
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.headers["set-cookie"]).toBeUndefined();
    expect(res.text).toContain(`Report ${reference}`);
    expect(res.text).toContain("There are no messages yet");
    // The reply form carries the reference and code itself: never the address.
    expect(res.text).toContain(`<form method="post" action="/report/follow-up/reply" novalidate>`);
    expect(res.text).toContain(`name="reference" value="${reference}"`);
    expect(res.text).toContain(`name="receiptCode" value="${receiptCode.replaceAll("-", "")}"`);
    expect(res.text).toContain("Exit this page");
    await expectAccessiblePage(res.text);
  });

  it("stores a reply encrypted and shows it, with a success banner", async () => {
    const res = await reply(reference, receiptCode, "Thank you.\nIt happened again on Monday.");
    expect(res.status).toBe(200);
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.text).toContain("Your reply was sent to the RHINS caseworker");
    expect(res.text).toContain("It happened again on Monday.");
    await expectAccessiblePage(res.text);
    const report = await seeded.db.prisma.incidentReport.findUniqueOrThrow({
      where: { reference },
      include: { messages: true },
    });
    expect(report.messages).toHaveLength(1);
    expect(report.messages[0]).toMatchObject({ fromReporter: true, authorId: null, readAt: null });
    expect(report.messages[0]!.body).toMatch(/^e1\./);
    expect(report.messages[0]!.body).not.toContain("Monday");
  });

  it("refuses an empty or too long reply with an error beside it, storing nothing", async () => {
    for (const body of ["  ", "x".repeat(2001)]) {
      const res = await reply(reference, receiptCode, body);
      expect(res.status).toBe(400);
      expect(res.text).toContain("There is a problem");
      expect(res.text).toMatch(/Enter your message|2,000 characters or fewer/);
      expect(res.text).toContain('href="#body"');
      await expectAccessiblePage(res.text);
    }
    expect(await seeded.db.prisma.reportMessage.count({ where: { report: { reference } } })).toBe(1);
  });

  it("shows what is missing from the form, and refuses fields it does not send, never a 500", async () => {
    const empty = await open("", "");
    expect(empty.status).toBe(400);
    expect(empty.text).toContain("Enter your reference, like RH-7K3Q-P9");
    expect(empty.text).toContain("Enter your receipt code");
    await expectAccessiblePage(empty.text);
    const malformed = await open("not a reference", "short");
    expect(malformed.status).toBe(400);
    expect(malformed.text).toContain("Enter your reference as it was given to you");
    const extra = await request(seeded.app)
      .post("/report/follow-up")
      .type("form")
      .send({ reference, receiptCode, narrative: "x" });
    expect(extra.status).toBe(400);
    const repeated = await request(seeded.app)
      .post("/report/follow-up")
      .type("form")
      .send(`reference=${reference}&reference=${reference}&receiptCode=x`);
    expect(repeated.status).toBe(400);
  });

  it("refuses a post from another site", async () => {
    const res = await request(seeded.app)
      .post("/report/follow-up")
      .set("Origin", "https://evil.example")
      .type("form")
      .send({ reference, receiptCode });
    expect(res.status).toBe(403);
  });

  it("answers a wrong code for a real reference exactly as for a reference that does not exist", async () => {
    const other = reference === "RH-2222-22" ? "RH-3333-33" : "RH-2222-22";
    const [real, missing] = [await open(reference, wrongCode(receiptCode)), await open(other, wrongCode(receiptCode))];
    expect(real.status).toBe(400);
    expect(missing.status).toBe(real.status);
    expect(real.text).toContain(
      "The reference or receipt code is not right, or this reference is locked for a while after too many tries. Check them and try again, or call SARI on",
    );
    // The same page, but for the reference typed back into its field (and the request id).
    const same = (html: string, typed: string) =>
      html
        .replaceAll(typed, "REFERENCE")
        .replace(/[0-9a-f-]{36}/g, "ID")
        .replace(/nonce="[^"]*"/g, "");
    expect(same(missing.text, other)).toBe(same(real.text, reference));
    expect(Object.keys(missing.headers).sort()).toEqual(Object.keys(real.headers).sort());
    expect(real.text).not.toContain(receiptCode);
    await expectAccessiblePage(real.text);
    // A wrong code in the reply form is refused the same way, and stores nothing.
    const replied = await reply(reference, wrongCode(receiptCode), "hello");
    expect(replied.status).toBe(400);
    expect(same(replied.text, reference)).toBe(same(real.text, reference));
    expect(await seeded.db.prisma.reportMessage.count({ where: { report: { reference } } })).toBe(1);
  });
});

describe("the lock after ten wrong codes", () => {
  it("refuses even the right code for an hour, then opens; a right code starts the count again", async () => {
    const { reference, receiptCode } = await seeded.services.reports.submit(newReport({ anonymous: true }));
    let now = new Date();
    const { encryption, audit, emails } = seeded.services;
    const clocked = reportService(seeded.db.prisma, { encryption, audit, emails, now: () => now });

    // Nine wrong, then the right one: it opens and the count starts again.
    for (let i = 0; i < FOLLOW_UP_ATTEMPTS - 1; i++)
      expect((await clocked.followUp(reference, wrongCode(receiptCode))).ok).toBe(false);
    expect((await clocked.followUp(reference, receiptCode)).ok).toBe(true);
    const row = () => seeded.db.prisma.incidentReport.findUniqueOrThrow({ where: { reference } });
    expect((await row()).followUpFailures).toBe(0);

    for (let i = 0; i < FOLLOW_UP_ATTEMPTS; i++)
      expect((await clocked.followUp(reference, wrongCode(receiptCode))).ok).toBe(false);
    expect((await row()).followUpLockedUntil).toEqual(new Date(now.getTime() + FOLLOW_UP_LOCK_MS));
    expect((await clocked.followUp(reference, receiptCode)).ok).toBe(false);
    expect((await clocked.reply(reference, receiptCode, "hello")).ok).toBe(false);
    // The page says the same as for any wrong code.
    const page = await open(reference, receiptCode);
    expect(page.status).toBe(400);
    expect(page.text).toContain("this reference is locked for a while after too many tries");

    now = new Date(now.getTime() + FOLLOW_UP_LOCK_MS - 1_000);
    expect((await clocked.followUp(reference, receiptCode)).ok).toBe(false);
    now = new Date(now.getTime() + 2_000);
    expect((await clocked.followUp(reference, receiptCode)).ok).toBe(true);
    expect(await row()).toMatchObject({ followUpFailures: 0, followUpLockedUntil: null });
  });
});

// Last in this file: it uses up this address's allowance.
describe("the limit per address", () => {
  it("answers 429 with a clear message once an address has tried too often", async () => {
    const { reference, receiptCode } = await seeded.services.reports.submit(newReport({ anonymous: true }));
    let res = await open("", "");
    for (let i = 0; i < 30 && res.status !== 429; i++) res = await open("", "");
    expect(res.status).toBe(429);
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.text).toContain("Too many tries from your network. Wait 15 minutes, then try again");
    await expectAccessiblePage(res.text);
    // Even the right code waits; the reference itself is not locked by it.
    expect((await open(reference, receiptCode)).status).toBe(429);
    expect((await seeded.services.reports.followUp(reference, receiptCode)).ok).toBe(true);
    // The count is in the database, shared by every instance, and holds no address.
    const hits = await seeded.db.prisma.rateLimitHit.findMany({ where: { key: { startsWith: "report-follow-up:" } } });
    expect(hits).toHaveLength(1);
    expect(hits[0]!.key).not.toContain("127.0.0.1");
  });
});
