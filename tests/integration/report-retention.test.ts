// Retention with a fake clock: a report's personal data goes REPORT_RETENTION_MONTHS after its
// case closed (or after it was received, for one made only for the figures), its statistics stay;
// drafts and rate-limit windows go once they expire.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { auditService } from "../../src/services/audit.ts";
import { REPORT_PERSONAL_COLUMNS, rowBinding } from "../../src/services/encrypted-columns.ts";
import { encryptionService } from "../../src/services/encryption.ts";
import { monthsBefore, retentionService } from "../../src/services/reports/retention.ts";
import { testConfig } from "../helpers/app.ts";
import { testDatabase } from "../helpers/database.ts";

let db: Database;
const encryption = encryptionService(testConfig().encryption);
const MONTHS = 72;
const received = new Date("2020-03-10T09:00:00Z");
const closed = new Date("2020-06-15T12:00:00Z");
/** The instants 72 months after. */
const closedBoundary = new Date("2026-06-15T12:00:00Z");
const receivedBoundary = new Date("2026-03-10T09:00:00Z");
const MS = 1;

const STATISTICS = {
  reporterRole: "VICTIM",
  incidentTypes: ["VERBAL_ABUSE"],
  strands: ["RACE"],
  incidentMonth: "2020-02",
  area: "Clevedon",
  placeType: "STREET",
  ageBand: "25-34",
  postcodeDistrict: "BS21",
};

/** A report with every personal column filled (encrypted) and a message from each side. */
async function report(id: string, data: { wants: string[]; closedAt?: Date }) {
  const personal = Object.fromEntries(
    REPORT_PERSONAL_COLUMNS.map((column) => [
      column,
      encryption.encrypt(`${column} of ${id}`, rowBinding("IncidentReport", column, id)),
    ]),
  );
  await db.prisma.incidentReport.create({
    data: {
      id,
      reference: `RH-${id}`,
      receiptHash: "$argon2id$not-a-real-hash",
      receivedAt: received,
      anonymous: false,
      ...STATISTICS,
      ...data,
      ...personal,
    },
  });
  for (const fromReporter of [true, false]) {
    const messageId = `${id}-${fromReporter ? "reporter" : "caseworker"}`;
    await db.prisma.reportMessage.create({
      data: {
        id: messageId,
        reportId: id,
        fromReporter,
        body: encryption.encrypt("a message", rowBinding("ReportMessage", "body", messageId)),
      },
    });
  }
}

const retention = (now: Date) =>
  retentionService(db.prisma, { audit: auditService(db.prisma), retentionMonths: MONTHS, now: () => now });

async function deleted() {
  const rows = await db.prisma.incidentReport.findMany({
    where: { personalDataDeletedAt: { not: null } },
    orderBy: { id: "asc" },
  });
  return rows.map((r) => r.id);
}

beforeAll(async () => {
  db = await testDatabase();
  await report("closed", { wants: ["SUPPORT"], closedAt: closed });
  await report("open-case", { wants: ["SUPPORT", "POLICE"] }); // received as long ago, never closed
  await report("statistics-only", { wants: ["RECORD_ONLY"] });
  await report("nothing-asked", { wants: [] }); // the question skipped: no case either
  await report("statistics-and-support", { wants: ["RECORD_ONLY", "SUPPORT"] });
});
afterAll(async () => db.close());

describe("report retention", () => {
  it("counts calendar months back, to the month's last day when the day is missing", () => {
    expect(monthsBefore(closedBoundary, 72)).toEqual(closed);
    expect(monthsBefore(new Date("2026-03-31T00:00:00Z"), 1)).toEqual(new Date("2026-02-28T00:00:00Z"));
  });

  it("keeps everything until the retention ends", async () => {
    const result = await retention(new Date(receivedBoundary.getTime() - MS)).deleteExpiredPersonalData();
    expect(result).toEqual({ reports: 0, messages: 0 });
    expect(await deleted()).toEqual([]);
    expect(await db.prisma.auditEvent.count({ where: { action: "report.personal-data-deleted" } })).toBe(0);
  });

  it("deletes the personal data of a report that asked for no support 72 months after it was received, then a closed case's", async () => {
    expect(await retention(receivedBoundary).deleteExpiredPersonalData()).toEqual({ reports: 0, messages: 0 });
    const afterReceived = new Date(receivedBoundary.getTime() + MS);
    expect(await retention(afterReceived).deleteExpiredPersonalData()).toEqual({ reports: 2, messages: 4 });
    expect(await deleted()).toEqual(["nothing-asked", "statistics-only"]);

    expect(await retention(closedBoundary).deleteExpiredPersonalData()).toEqual({ reports: 0, messages: 0 });
    const afterClosed = new Date(closedBoundary.getTime() + MS);
    expect(await retention(afterClosed).deleteExpiredPersonalData()).toEqual({ reports: 1, messages: 2 });
    expect(await deleted()).toEqual(["closed", "nothing-asked", "statistics-only"]);
    // Run again (or by a second instance): nothing more.
    expect(await retention(afterClosed).deleteExpiredPersonalData()).toEqual({ reports: 0, messages: 0 });

    const closedReport = await db.prisma.incidentReport.findUniqueOrThrow({
      where: { id: "closed" },
      include: { messages: true },
    });
    for (const column of REPORT_PERSONAL_COLUMNS) expect(closedReport[column], column).toBeNull();
    expect(closedReport.messages.map((m) => m.body)).toEqual([null, null]);
    expect(closedReport.personalDataDeletedAt).toEqual(afterClosed);
    // The figures stay.
    expect(closedReport).toMatchObject({ ...STATISTICS, wants: ["SUPPORT"], receivedAt: received, closedAt: closed });

    // An open case, and a report that asked for more than the figures, keep their personal data.
    for (const id of ["open-case", "statistics-and-support"]) {
      const kept = await db.prisma.incidentReport.findUniqueOrThrow({ where: { id }, include: { messages: true } });
      expect(encryption.decrypt(kept.narrative!, rowBinding("IncidentReport", "narrative", id))).toBe(
        `narrative of ${id}`,
      );
      expect(kept.messages.every((m) => m.body !== null)).toBe(true);
    }

    // The trail says how many, and nothing about whom.
    const events = await db.prisma.auditEvent.findMany({
      where: { action: "report.personal-data-deleted" },
      orderBy: { id: "asc" },
    });
    expect(events.map((e) => e.after)).toEqual([
      { reports: 2, messages: 4, retentionMonths: MONTHS },
      { reports: 1, messages: 2, retentionMonths: MONTHS },
    ]);
    expect(events.map((e) => e.entityId)).toEqual(["", ""]);
  });
});

describe("draft and rate-limit expiry", () => {
  it("deletes the drafts and rate-limit windows that have expired, and no others", async () => {
    const now = new Date("2026-12-03T10:00:00Z");
    const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
    for (const [key, minutes] of [
      ["expired", -1],
      ["now", 0],
      ["live", 1],
    ] as const) {
      await db.prisma.reportDraft.create({
        data: {
          key,
          csrfToken: "t",
          answers: encryption.encrypt("{}", rowBinding("ReportDraft", "answers", key)),
          expiresAt: at(minutes),
        },
      });
      await db.prisma.rateLimitHit.create({ data: { key: `report:${key}`, resetAt: at(minutes), hits: 3 } });
    }
    expect(await retention(now).deleteExpiredDrafts()).toEqual({ drafts: 2, rateLimits: 2 });
    expect((await db.prisma.reportDraft.findMany()).map((d) => d.key)).toEqual(["live"]);
    expect((await db.prisma.rateLimitHit.findMany()).map((h) => h.key)).toEqual(["report:live"]);
  });
});
