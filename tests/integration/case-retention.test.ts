// Retention of a case's personal data: REPORT_RETENTION_MONTHS after the case closed, its notes,
// contact log, referrals' crime references, actions, risk answers, closing summary and panel
// decisions go with the report's; its status, assessment, strands, risk level and outcome stay.
// An open case, a recently closed one, and a record-only report someone took up keep theirs.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowBinding } from "../../src/services/encrypted-columns.ts";
import { monthsBefore, retentionService } from "../../src/services/reports/retention.ts";
import { newReport } from "../helpers/reports.ts";
import { type SeededApp, seededApp } from "../helpers/seeded-app.ts";

let seeded: SeededApp;
const MONTHS = 72;
const NOW = new Date();
const longAgo = monthsBefore(NOW, MONTHS + 1);

beforeAll(async () => {
  seeded = await seededApp();
});
afterAll(async () => seeded?.close());

const actor = () => ({ ...seeded.partners.caseCoordinator, caseAccess: true });

/** A triaged case with a note, a referral, an action and a panel decision. */
async function workedCase(wants = ["SUPPORT"]) {
  const report = newReport();
  report.statistics.wants = wants;
  const { reference } = await seeded.services.reports.submit(report);
  const cases = seeded.services.cases;
  const sari = await seeded.db.prisma.agency.findUniqueOrThrow({ where: { code: "SARI" } });
  await cases.triage(actor(), reference, await cases.version(actor(), reference), {
    assessment: "HATE_CRIME",
    duplicateOf: null,
    strands: ["RACE"],
    risk: {
      answers: { repeat: "YES" },
      score: 2,
      scoredLevel: "STANDARD",
      level: "HIGH",
      reason: "Lives next door to him",
    },
    leadAgencyId: sari.id,
    caseworkerId: null,
    sharedAgencyIds: [],
  });
  await cases.addEntry(actor(), reference, { kind: "NOTE", body: "She is frightened to go out" });
  await cases.addEntry(actor(), reference, {
    kind: "REFERRAL",
    referralTo: "POLICE",
    withDetails: false,
    crimeReference: "AS-20201-77",
    body: null,
    overrideReason: null,
  });
  await cases.addAction(actor(), reference, {
    description: "Visit with the housing officer",
    ownerId: null,
    dueOn: "2026-01-10",
  });
  const kase = await seeded.db.prisma.case.findFirstOrThrow({ where: { report: { reference } } });
  const meeting = await seeded.db.prisma.panelMeeting.create({ data: { heldOn: new Date("2026-01-05T00:00:00Z") } });
  const panelCaseId = randomUUID();
  await seeded.db.prisma.panelCase.create({
    data: {
      id: panelCaseId,
      meetingId: meeting.id,
      caseId: kase.id,
      reasons: ["HIGH_RISK"],
      decision: seeded.services.encryption.encrypt(
        "Ask housing to move her",
        rowBinding("PanelCase", "decision", panelCaseId),
      ),
    },
  });
  return { reference, id: kase.id };
}

async function close(reference: string, closedAt: Date) {
  const cases = seeded.services.cases;
  const kase = await seeded.db.prisma.case.findFirstOrThrow({
    where: { report: { reference } },
    include: { actions: true },
  });
  for (const a of kase.actions) await cases.completeAction(actor(), reference, a.id);
  await cases.close(
    actor(),
    reference,
    await cases.version(actor(), reference),
    "REFERRED_TO_POLICE",
    "Referred; she moved",
  );
  // As if it closed that long ago.
  await seeded.db.prisma.case.update({ where: { id: kase.id }, data: { closedAt } });
  await seeded.db.prisma.incidentReport.update({ where: { id: kase.reportId }, data: { closedAt } });
}

const state = (id: string) =>
  seeded.db.prisma.case.findUniqueOrThrow({
    where: { id },
    include: { entries: true, actions: true, panelItems: true },
  });

describe("a case's personal data", () => {
  it("goes with its report's at the end of retention, leaving its figures and outcome", async () => {
    const old = await workedCase();
    await close(old.reference, longAgo);
    const recent = await workedCase();
    await close(recent.reference, monthsBefore(NOW, MONTHS - 1));
    const open = await workedCase();
    // Made only for the figures and never taken up: its time counts from receipt.
    const untouched = await seeded.services.reports.submit({
      ...newReport(),
      statistics: { ...newReport().statistics, wants: ["RECORD_ONLY"] },
    });
    const takenUp = await workedCase(["RECORD_ONLY"]);
    for (const reference of [untouched.reference, takenUp.reference, open.reference])
      await seeded.db.prisma.incidentReport.update({ where: { reference }, data: { receivedAt: longAgo } });

    const retention = retentionService(seeded.db.prisma, {
      audit: seeded.services.audit,
      retentionMonths: MONTHS,
      now: () => NOW,
    });
    expect(await retention.deleteExpiredPersonalData()).toMatchObject({ reports: 2 });

    const gone = await state(old.id);
    expect(gone).toMatchObject({
      riskAnswers: null,
      riskReason: null,
      closingSummary: null,
      status: "CLOSED",
      outcome: "REFERRED_TO_POLICE",
      assessment: "HATE_CRIME",
      strands: ["RACE"],
      riskLevel: "HIGH",
    });
    expect(gone.personalDataDeletedAt).not.toBeNull();
    expect(gone.entries.map((e) => [e.body, e.crimeReference])).toEqual(gone.entries.map(() => [null, null]));
    expect(gone.entries.some((e) => e.kind === "REFERRAL" && e.referralTo === "POLICE")).toBe(true);
    expect(gone.actions.map((a) => a.description)).toEqual([null]);
    expect(gone.panelItems.map((p) => p.decision)).toEqual([null]);
    const page = await (await seeded.as("caseCoordinator")).get(`/partners/cases/${old.reference}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("The personal data of this case was deleted");
    expect(page.text).not.toContain("She is frightened to go out");

    for (const kept of [recent, open, takenUp]) {
      const row = await state(kept.id);
      expect(row.personalDataDeletedAt, kept.reference).toBeNull();
      expect(row.riskAnswers).toMatch(/^e1\./);
      expect(row.entries.find((e) => e.kind === "NOTE")!.body).toMatch(/^e1\./);
      expect(row.panelItems[0]!.decision).toMatch(/^e1\./);
    }
    const report = await seeded.db.prisma.incidentReport.findUniqueOrThrow({
      where: { reference: untouched.reference },
    });
    expect(report.narrative).toBeNull();
    // Safe to run again: nothing more is due.
    expect(await retention.deleteExpiredPersonalData()).toMatchObject({ reports: 0 });
  });
});
