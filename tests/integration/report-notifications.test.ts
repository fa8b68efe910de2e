// How the partnership hears of new online reports: one email per recipient for all the reports
// since the last, so a burst (or a flood) of reports is one email each, not one per report; two
// runs at once (two instances) tell of each report once. The jobs are not started here, so the
// test runs the notification itself and reads what it recorded.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newReport } from "../helpers/reports.ts";
import { type SeededApp, seededApp } from "../helpers/seeded-app.ts";

const NOTIFY = "reports@rhins.example.org";
let seeded: SeededApp;
let recipients: number;

beforeAll(async () => {
  seeded = await seededApp({ REPORTS_NOTIFY_EMAIL: NOTIFY });
  // Only coordinators with case access may see a report, so only they are told of one.
  recipients =
    1 + (await seeded.db.prisma.user.count({ where: { role: "COORDINATOR", active: true, caseAccess: true } }));
});
afterAll(async () => seeded?.close());

const notices = () =>
  seeded.db.prisma.emailMessage.findMany({ where: { template: "report-received" }, orderBy: { id: "asc" } });

describe("the emails about new reports", () => {
  it("tell of a burst of reports in one email per recipient, and of each report once", async () => {
    const burst = [];
    for (let i = 0; i < 3; i++) burst.push(await seeded.services.reports.submit(newReport()));
    // Two instances' jobs at once: one claims the reports, the other finds none.
    const sent = await Promise.all([seeded.services.reports.notifyNew(), seeded.services.reports.notifyNew()]);
    expect(sent.sort()).toEqual([0, recipients]);
    const first = await notices();
    expect(first).toHaveLength(recipients);
    expect(new Set(first.map((e) => e.subject))).toEqual(new Set(["3 new hate incident reports were received"]));
    expect(first.map((e) => e.to)).toContain(NOTIFY);
    const reports = await seeded.db.prisma.incidentReport.findMany({
      where: { reference: { in: burst.map((b) => b.reference) } },
    });
    expect(reports.every((r) => r.notifiedAt !== null)).toBe(true);

    expect(await seeded.services.reports.notifyNew()).toBe(0);
    const later = await seeded.services.reports.submit(newReport());
    expect(await seeded.services.reports.notifyNew()).toBe(recipients);
    const second = (await notices()).slice(recipients);
    expect(second).toHaveLength(recipients);
    expect(new Set(second.map((e) => e.subject))).toEqual(
      new Set([`A new hate incident report ${later.reference} was received`]),
    );
  });
});
