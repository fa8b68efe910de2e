// The partner figures page (/partners/figures) against a fixture counted by hand: reports made
// online and at a reporting centre (moved to known months, one on each side of a month's edge in
// England), one assessed as not hate-related, police figures, and closed cases. Every table on the
// page and in its CSV; the filters; the same period last year; case figures only with case access;
// a constant number of queries with more data; axe and html-validate.
import { JSDOM } from "jsdom";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { partnerFiguresService } from "../../src/services/figures/partner.ts";
import { expectAccessiblePage } from "../helpers/accessibility.ts";
import { countingPrisma } from "../helpers/counting-prisma.ts";
import { download, parseCsv } from "../helpers/download.ts";
import type { Agent } from "../helpers/partners.ts";
import { newReport } from "../helpers/reports.ts";
import { type SeededApp, seededApp } from "../helpers/seeded-app.ts";

let seeded: SeededApp;
let caseCoordinator: Agent;
let viewer: Agent;
let sari: Agent;
let coordinator: Agent;

const FY = "period=2025-26"; // April 2025 to March 2026, against April 2024 to March 2025
const THIS = "April 2025 to March 2026";
const LAST = "The same period last year (April 2024 to March 2025)";

interface Fixture {
  at: string;
  strands: string[];
  area: string | null;
  place: string | null;
  before: string | null;
  centre?: boolean;
  kase?: {
    assessment?: string;
    closedAt?: string;
    outcome?: string;
    contactDays?: number;
    dueDays?: number;
    sari?: boolean;
  };
}

// Counted by hand below. R4 and R6 are at 23:30 UTC on 31 March: 1 April in England (BST).
const REPORTS: Record<string, Fixture> = {
  R1: {
    at: "2025-05-10T10:00:00Z",
    strands: ["RACE", "RELIGION"],
    area: "Clevedon",
    place: "STREET",
    before: "YES",
    kase: { closedAt: "2025-06-10T10:00:00Z", outcome: "SUPPORT_GIVEN", contactDays: 2, dueDays: 5, sari: true },
  },
  R2: {
    at: "2025-05-20T10:00:00Z",
    strands: ["RACE"],
    area: "Weston-super-Mare",
    place: "HOME",
    before: "NO",
    centre: true,
    // Closed on 1 April 2026 in England: after the period. Contacted a day late.
    kase: { closedAt: "2026-03-31T23:30:00Z", outcome: "RESOLVED", contactDays: 6, dueDays: 5 },
  },
  R3: {
    at: "2025-11-03T10:00:00Z",
    strands: ["DISABILITY"],
    area: null,
    place: null,
    before: null,
    kase: { closedAt: "2025-12-01T10:00:00Z", outcome: "COULD_NOT_CONTACT" },
  },
  R4: { at: "2026-03-31T23:30:00Z", strands: ["RACE"], area: "Clevedon", place: "STREET", before: "YES" },
  R5: {
    at: "2026-01-15T10:00:00Z",
    strands: ["SEXUAL_ORIENTATION"],
    area: "ONLINE",
    place: "ONLINE",
    before: "NOT_SURE",
    kase: {
      assessment: "NOT_HATE_RELATED",
      closedAt: "2026-01-20T10:00:00Z",
      outcome: "OTHER",
      contactDays: 1,
      dueDays: 5,
    },
  },
  R6: {
    at: "2025-03-31T23:30:00Z",
    strands: ["RACE"],
    area: "OUTSIDE",
    place: "SHOP",
    before: "YES",
    kase: { contactDays: 1, dueDays: 5 },
  },
  L1: {
    at: "2024-05-15T10:00:00Z",
    strands: ["RACE"],
    area: "Clevedon",
    place: "STREET",
    before: "NO",
    kase: { closedAt: "2024-07-01T10:00:00Z", outcome: "SUPPORT_GIVEN", contactDays: 4, dueDays: 5, sari: true },
  },
  L2: {
    at: "2024-12-01T10:00:00Z",
    strands: ["RELIGION"],
    area: "Clevedon",
    place: "HOME",
    before: "YES",
    centre: true,
    kase: { closedAt: "2025-02-01T10:00:00Z", outcome: "SUPPORT_DECLINED" },
  },
};

const POLICE = [
  { month: "2025-05", strand: "RACE", area: "Clevedon", count: 4 },
  { month: "2025-05", strand: "RELIGION", area: "Clevedon", count: 2 },
  { month: "2025-11", strand: "DISABILITY", area: "OUTSIDE", count: 3 },
  { month: "2024-05", strand: "RACE", area: "Clevedon", count: 5 },
  { month: "2023-06", strand: "RACE", area: "Clevedon", count: 1 },
];

const days = (iso: string, n: number) => new Date(new Date(iso).getTime() + n * 86_400_000);

async function loadFixture() {
  const prisma = seeded.db.prisma;
  const centre = await prisma.reportingCentre.findFirstOrThrow({ orderBy: { id: "asc" } });
  const sariAgency = await prisma.agency.findUniqueOrThrow({ where: { code: "SARI" } });
  const nsc = await prisma.agency.findUniqueOrThrow({ where: { code: "NSC" } });
  for (const r of Object.values(REPORTS)) {
    const { reference } = await seeded.services.reports.submit(newReport());
    // The triggers keep the figures as these change.
    const report = await prisma.incidentReport.update({
      where: { reference },
      data: {
        receivedAt: new Date(r.at),
        strands: r.strands,
        area: r.area,
        placeType: r.place,
        happenedBefore: r.before,
        viaCentreId: r.centre ? centre.id : null,
      },
    });
    const k = r.kase ?? {};
    await prisma.case.update({
      where: { reportId: report.id },
      data: {
        assessment: k.assessment ?? "HATE_INCIDENT",
        leadAgencyId: k.sari ? sariAgency.id : nsc.id,
        openedAt: new Date(r.at),
        ...(k.dueDays !== undefined && {
          firstContactDue: new Date(`${days(r.at, k.dueDays).toISOString().slice(0, 10)}T00:00:00Z`),
        }),
        ...(k.contactDays !== undefined && { firstContactAt: days(r.at, k.contactDays), status: "IN_CONTACT" }),
        ...(k.closedAt && { status: "CLOSED", closedAt: new Date(k.closedAt), outcome: k.outcome }),
      },
    });
  }
  const police = await prisma.policeImport.create({
    data: { fileName: "police.csv", fromMonth: "2023-06", toMonth: "2025-11", rowCount: POLICE.length, total: 15 },
  });
  await prisma.policeFigure.createMany({ data: POLICE.map((p) => ({ ...p, importId: police.id })) });
}

beforeAll(async () => {
  seeded = await seededApp();
  await loadFixture();
  [caseCoordinator, viewer, sari, coordinator] = await Promise.all([
    seeded.as("caseCoordinator"),
    seeded.as("viewer"),
    seeded.as("sariCaseworker"),
    seeded.as("coordinator"),
  ]);
});
afterAll(async () => seeded?.close());

const text = (node: Element | null | undefined) => node?.textContent?.replace(/\s+/g, " ").trim() ?? "";

/** A table of the page by id, as rows of [label, this period, last year, change]; non-zero rows only unless `all`. */
function tableOf(html: string, view: string, all = false): string[][] {
  const table = new JSDOM(html).window.document.getElementById(`figures-${view}`);
  if (!table) return [];
  const rows = [...table.querySelectorAll("tbody tr")].map((tr) => [...tr.children].map(text));
  return all ? rows : rows.filter((r) => r[1] !== "0" || r[2] !== "0");
}

/** A view's CSV, as rows of [label, this period, last year, change] (non-zero rows only). */
async function csvOf(agent: Agent, query: string) {
  const res = await download(agent, `/partners/figures.csv?${query}`).expect(200);
  const rows = parseCsv(res.body as Buffer);
  return {
    res,
    rows: rows
      .map((r) => [Object.values(r)[0]!, r[THIS]!, r[LAST]!, r.Change!, r.Shown!])
      .filter((r) => r[1] !== "0" || r[2] !== "0"),
  };
}

// Hand counts for April 2025 to March 2026 (R1, R2, R3, R6 and the police's 6 in May and 3 in
// November; R4 is April 2026, R5 not hate-related) against April 2024 to March 2025 (L1, L2 and
// the police's 5 in May 2024).
const EXPECTED: Record<string, string[][]> = {
  month: [
    ["April 2025", "1", "0", "+1"],
    ["May 2025", "8", "6", "+2 (+33%)"],
    ["November 2025", "4", "0", "+4"],
    ["December 2025", "0", "1", "−1 (−100%)"],
    ["Total", "13", "7", "+6 (+86%)"],
  ],
  strand: [
    ["Race, ethnicity or nationality", "7", "6", "+1 (+17%)"],
    ["Religion or belief", "3", "1", "+2 (+200%)"],
    ["Disability", "4", "0", "+4"],
  ],
  area: [
    ["Clevedon", "7", "7", "No change"],
    ["Weston-super-Mare", "1", "0", "+1"],
    ["Outside North Somerset", "4", "0", "+4"],
    ["Not given", "1", "0", "+1"],
    ["Total", "13", "7", "+6 (+86%)"],
  ],
  place: [
    ["At or near home", "1", "1", "No change"],
    ["In the street or another public place", "1", "1", "No change"],
    ["In a shop, pub or other business", "1", "0", "+1"],
    ["Not given", "1", "0", "+1"],
    ["Total", "4", "2", "+2 (+100%)"],
  ],
  source: [
    ["Online form", "3", "1", "+2 (+200%)"],
    ["Reporting centre", "1", "1", "No change"],
    ["Police recorded", "9", "5", "+4 (+80%)"],
    ["Total", "13", "7", "+6 (+86%)"],
  ],
  repeat: [
    ["Yes", "2", "1", "+1 (+100%)"],
    ["No", "1", "1", "No change"],
    ["Not given", "1", "0", "+1"],
    ["Total", "4", "2", "+2 (+100%)"],
  ],
};
const OUTCOMES = [
  ["Support given", "1", "1", "No change"],
  ["Support declined", "0", "1", "−1 (−100%)"],
  ["Could not contact", "1", "0", "+1"],
  ["Total", "2", "2", "No change"],
];

/** The CSV's numbers: counts as numbers, so a fall reads -1. */
const asCsv = (rows: string[][]) =>
  rows.map(([label, now, before]) => [label!, now!, before!, String(Number(now) - Number(before))]);

describe("the partner figures page", () => {
  it("counts every table by hand, this period against the same months last year", async () => {
    const page = await caseCoordinator.get(`/partners/figures?${FY}`).expect(200);
    expect(page.text).toContain("13 incidents in 2025/26 (April 2025 to March 2026), against 7 in the same months");
    for (const [view, rows] of Object.entries(EXPECTED)) expect(tableOf(page.text, view), view).toEqual(rows);
    // Every month of the period is a row, and every strand.
    expect(tableOf(page.text, "month", true)).toHaveLength(13);
    expect(tableOf(page.text, "strand", true).map((r) => r[0])).toContain("Sexual orientation");
    expect(page.text).toContain("Police figures have no type of place");
    expect(page.text).toContain("Police figures have no such answer");
    // Each chart says its numbers too.
    expect(page.text).toMatch(/<svg class="rhins-chart" role="img" aria-labelledby="chart-strand-title"/);
    expect(page.text).toContain("Race, ethnicity or nationality 7 (6)");
    await expectAccessiblePage(page.text);
  });

  it("gives each table as CSV with the same numbers, under a safe file name", async () => {
    for (const [view, rows] of Object.entries(EXPECTED)) {
      const { res, rows: csv } = await csvOf(caseCoordinator, `${FY}&view=${view}`);
      expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
      expect(res.headers["content-disposition"]).toBe(`attachment; filename="rhins-figures-${view}-2025-26.csv"`);
      expect(csv.map((r) => r.slice(0, 4))).toEqual(asCsv(rows));
      expect(csv[0]![4]).toBe("Every incident");
    }
    const filtered = await csvOf(caseCoordinator, `${FY}&view=area&strand=RACE&area=Weston-super-Mare`);
    expect(filtered.res.headers["content-disposition"]).toBe(
      'attachment; filename="rhins-figures-area-2025-26-race-weston-super-mare.csv"',
    );
    expect(filtered.rows.map((r) => r.slice(0, 4))).toEqual([
      ["Weston-super-Mare", "1", "0", "1"],
      ["Total", "1", "0", "1"],
    ]);
    expect(filtered.rows[0]![4]).toBe("Only strand: Race, ethnicity or nationality, area: Weston-super-Mare");
    await download(caseCoordinator, "/partners/figures.csv?view=nonsense").expect(404);
    await download(caseCoordinator, "/partners/figures.csv").expect(404);
  });

  it("filters by strand, area and source", async () => {
    const race = await caseCoordinator.get(`/partners/figures?${FY}&strand=RACE&area=Clevedon`).expect(200);
    // R1 and the police's 4 in May 2025; L1 and the police's 5 in May 2024.
    expect(tableOf(race.text, "month")).toEqual([
      ["May 2025", "5", "6", "−1 (−17%)"],
      ["Total", "5", "6", "−1 (−17%)"],
    ]);
    expect(tableOf(race.text, "strand")).toEqual([["Race, ethnicity or nationality", "5", "6", "−1 (−17%)"]]);
    expect(tableOf(race.text, "source")).toEqual([
      ["Online form", "1", "1", "No change"],
      ["Police recorded", "4", "5", "−1 (−20%)"],
      ["Total", "5", "6", "−1 (−17%)"],
    ]);
    expect(race.text).toContain("Showing only strand: Race, ethnicity or nationality, area: Clevedon.");
    expect(race.text).toMatch(/<option value="RACE" selected>/);
    expect(race.text).toMatch(/<option value="Clevedon" selected>/);
    // Cases filtered the same way: R1's case closed in the period, L1's the year before.
    expect(tableOf(race.text, "outcomes")).toEqual([
      ["Support given", "1", "1", "No change"],
      ["Total", "1", "1", "No change"],
    ]);

    const notGiven = await caseCoordinator.get(`/partners/figures?${FY}&area=none`).expect(200);
    expect(tableOf(notGiven.text, "strand")).toEqual([["Disability", "1", "0", "+1"]]);

    const police = await caseCoordinator.get(`/partners/figures?${FY}&source=POLICE`).expect(200);
    expect(tableOf(police.text, "source")).toEqual([
      ["Police recorded", "9", "5", "+4 (+80%)"],
      ["Total", "9", "5", "+4 (+80%)"],
    ]);
    expect(tableOf(police.text, "place")).toEqual([]);
    expect(police.text).toContain("Police figures have no cases behind them");
    expect(tableOf(police.text, "outcomes", true).at(-1)).toEqual(["Total", "0", "0", "No change"]);
    await expectAccessiblePage(police.text);

    const centre = await caseCoordinator.get(`/partners/figures?${FY}&source=CENTRE`).expect(200);
    expect(tableOf(centre.text, "area")).toEqual([
      ["Clevedon", "0", "1", "−1 (−100%)"],
      ["Weston-super-Mare", "1", "0", "+1"],
      ["Total", "1", "1", "No change"],
    ]);
    expect(tableOf(centre.text, "outcomes")).toEqual([
      ["Support declined", "0", "1", "−1 (−100%)"],
      ["Total", "0", "1", "−1 (−100%)"],
    ]);
  });

  it("offers the recent periods and each financial year with figures, and ignores what it does not know", async () => {
    const page = await viewer.get("/partners/figures?period=nonsense&strand=NOPE&area=Atlantis&source=x").expect(200);
    const options = [...new JSDOM(page.text).window.document.querySelectorAll("#period option")].map((o) => [
      o.getAttribute("value"),
      o.hasAttribute("selected"),
    ]);
    expect(options).toEqual([
      ["last-12", true],
      ["last-24", false],
      ["last-3", false],
      ["2026-27", false], // R4, in April 2026
      ["2025-26", false],
      ["2024-25", false],
      ["2023-24", false],
    ]);
    expect(page.text).not.toContain("Showing only");
    // A repeated parameter is not a 500 either.
    await viewer.get("/partners/figures?period=last-3&period=last-24&strand=RACE&strand=AGE").expect(200);
    const quarter = await viewer.get("/partners/figures?period=last-3").expect(200);
    expect(tableOf(quarter.text, "month", true)).toHaveLength(4); // three months and the total
  });

  it("shows case figures to accounts with case access only, scoped as their cases are", async () => {
    const everyCase = await caseCoordinator.get(`/partners/figures?${FY}`).expect(200);
    expect(tableOf(everyCase.text, "outcomes")).toEqual(OUTCOMES);
    // R1 2 days, R2 6 (late), R6 1; the year before L1, 4 days. R5 is not hate-related.
    expect(tableOf(everyCase.text, "first-contact", true)).toEqual([
      ["Cases first contacted", "3", "1", "+2"],
      ["Median days from the report to first contact", "2 days", "4 days", "−2"],
      ["Contacted by the due date (%)", "67%", "100%", "−33"],
    ]);
    const outcomesCsv = await csvOf(caseCoordinator, `${FY}&view=outcomes`);
    expect(outcomesCsv.rows.map((r) => r.slice(0, 4))).toEqual(asCsv(OUTCOMES));
    const contactCsv = await csvOf(caseCoordinator, `${FY}&view=first-contact`);
    expect(contactCsv.rows.map((r) => r.slice(0, 4))).toEqual([
      ["Cases first contacted", "3", "1", "2"],
      ["Median days from the report to first contact", "2", "4", "-2"],
      ["Contacted by the due date (%)", "67", "100", "-33"],
    ]);

    // SARI's caseworker: the cases SARI leads (R1, L1).
    const sariPage = await sari.get(`/partners/figures?${FY}`).expect(200);
    expect(tableOf(sariPage.text, "outcomes")).toEqual([
      ["Support given", "1", "1", "No change"],
      ["Total", "1", "1", "No change"],
    ]);
    expect(tableOf(sariPage.text, "first-contact", true)[0]).toEqual(["Cases first contacted", "1", "1", "No change"]);
    // The incident figures are the partnership's, whoever looks.
    expect(tableOf(sariPage.text, "source")).toEqual(EXPECTED.source);

    for (const agent of [viewer, coordinator]) {
      const page = await agent.get(`/partners/figures?${FY}`).expect(200);
      expect(tableOf(page.text, "source")).toEqual(EXPECTED.source);
      expect(page.text).not.toContain("Outcomes of cases closed");
      expect(page.text).not.toContain("first contact");
      expect(tableOf(page.text, "outcomes")).toEqual([]);
      await download(agent, `/partners/figures.csv?${FY}&view=outcomes`).expect(404);
      await download(agent, `/partners/figures.csv?${FY}&view=first-contact`).expect(404);
    }
    await expectAccessiblePage(everyCase.text);
  });

  it("links coordinators only to importing and publishing, and every partner to the page", async () => {
    const links = (html: string) => ({
      police: html.includes('href="/partners/figures/police"'),
      publish: html.includes('href="/partners/figures/publish"'),
    });
    expect(links((await coordinator.get("/partners/figures").expect(200)).text)).toEqual({
      police: true,
      publish: true,
    });
    const viewerPage = await viewer.get("/partners/figures").expect(200);
    expect(links(viewerPage.text)).toEqual({ police: false, publish: false });
    const officer = await seeded.as("officer");
    // In the navigation of every role, after Plans; marked while on the page.
    for (const agent of [viewer, officer, coordinator]) {
      const dashboard = await agent.get("/partners").expect(200);
      const nav = [...new JSDOM(dashboard.text).window.document.querySelectorAll(".govuk-service-navigation__link")];
      const hrefs = nav.map((a) => a.getAttribute("href"));
      expect(hrefs.indexOf("/partners/figures")).toBe(hrefs.indexOf("/partners/plans") + 1);
    }
    const current = new JSDOM(viewerPage.text).window.document.querySelector(
      'a[href="/partners/figures"][aria-current]',
    );
    expect(text(current)).toBe("Figures");
    await expectAccessiblePage(viewerPage.text);
  });
});

describe("the figures' work", () => {
  it("is the same number of queries whatever the number of reports and police figures", async () => {
    const prisma = seeded.db.prisma;
    const { client, count } = countingPrisma(prisma);
    const user = seeded.partners.caseCoordinator;
    const asks = [{ period: "2025-26" }, { period: "last-24", strand: "RACE", area: "Clevedon" }, {}];
    // A fresh service each time, so no page is kept from before.
    const service = () => partnerFiguresService(client, { towns: async () => ["Clevedon", "Weston-super-Mare"] });
    const measure = async () => {
      const figures = service();
      const operations: number[] = [];
      for (const asked of asks) operations.push((await count(() => figures.page(user, asked))).operations);
      return operations;
    };
    const before = await measure();
    // Three hundred more reports over two years, and a year of police figures for every strand and area.
    const source = await prisma.incidentReport.findFirstOrThrow();
    await prisma.incidentReport.createMany({
      data: Array.from({ length: 300 }, (_, i) => ({
        id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
        reference: `RH-${String(1000 + i)}-QC`,
        receiptHash: source.receiptHash,
        receivedAt: new Date(Date.UTC(2024, 0, 1) + i * 2 * 86_400_000),
        reporterRole: "VICTIM",
        incidentTypes: ["VERBAL"],
        strands: [["RACE", "RELIGION", "AGE"][i % 3]!],
        area: ["Clevedon", "Portishead", null][i % 3],
        placeType: "STREET",
        happenedBefore: "NO",
        wants: ["RECORD_ONLY"],
        anonymous: true,
      })),
    });
    // Their cases, closed, first contacted the day after.
    await prisma.case.createMany({
      data: Array.from({ length: 300 }, (_, i) => {
        const id = `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
        const openedAt = new Date(Date.UTC(2024, 0, 1) + i * 2 * 86_400_000);
        return {
          id,
          reportId: id,
          status: "CLOSED" as const,
          assessment: "HATE_INCIDENT",
          openedAt,
          firstContactAt: days(openedAt.toISOString(), 1),
          firstContactDue: days(openedAt.toISOString(), 5),
          closedAt: days(openedAt.toISOString(), 20),
          outcome: ["SUPPORT_GIVEN", "RESOLVED"][i % 2]!,
        };
      }),
    });
    const police = await prisma.policeImport.create({
      data: { fileName: "more.csv", fromMonth: "2019-04", toMonth: "2020-03", rowCount: 0, total: 0 },
    });
    await prisma.policeFigure.createMany({
      data: ["2019-04", "2019-09", "2020-03"].flatMap((month) =>
        ["RACE", "RELIGION", "DISABILITY", "AGE"].flatMap((strand) =>
          ["Clevedon", "Nailsea", "ONLINE"].map((area) => ({ month, strand, area, count: 3, importId: police.id })),
        ),
      ),
    });
    const after = await measure();
    expect(after).toEqual(before);
    // The figures' version; ten breakdowns (this period and the year before) and the months of both;
    // the case figures; the years with figures. Filtered to a strand and an area, those two
    // breakdowns are the months' totals.
    expect(before).toEqual([14, 10, 14]);
    // They were counted: the new year of police figures is a period to choose, and the cases closed count.
    const page = await service().page(user, { period: "2024-25" });
    expect(page.choices.periods.map((c) => c.value)).toContain("2019-20");
    expect(page.cases!.outcomes.total!.now).toBeGreaterThan(100);
  });

  it("keeps a page's figures while nothing they count changes, and no longer", async () => {
    const prisma = seeded.db.prisma;
    const { client, count } = countingPrisma(prisma);
    const figures = partnerFiguresService(client, { towns: async () => ["Clevedon", "Weston-super-Mare"] });
    const user = seeded.partners.caseCoordinator;
    const asked = { period: "last-12", strand: "AGE" };
    const total = async () => {
      const { result, operations } = await count(() => figures.page(user, asked));
      return { operations, reports: result.tables[0]!.total!.now, closed: result.cases!.outcomes.total!.now };
    };
    const first = await total();
    // Asked again with nothing changed: one row read, the figures' version.
    expect(await total()).toEqual({ ...first, operations: 1 });
    // A report made now, about age: the next page counts it.
    const made = newReport();
    const { reference } = await seeded.services.reports.submit({
      ...made,
      statistics: { ...made.statistics, strands: ["AGE"] },
    });
    const report = await prisma.incidentReport.findUniqueOrThrow({ where: { reference } });
    const afterReport = await total();
    expect(afterReport.reports).toBe(first.reports + 1);
    expect(afterReport.operations).toBeGreaterThan(1);
    // Its case closed: the case figures follow too.
    await prisma.case.update({
      where: { reportId: report.id },
      data: { status: "CLOSED", closedAt: new Date(), outcome: "RESOLVED", assessment: "HATE_INCIDENT" },
    });
    expect((await total()).closed).toBe(afterReport.closed + 1);
    // A police figure, imported this month.
    const police = await prisma.policeImport.create({
      data: { fileName: "now.csv", fromMonth: "2026-12", toMonth: "2026-12", rowCount: 1, total: 2 },
    });
    const month = new Date().toISOString().slice(0, 7);
    await prisma.policeFigure.create({
      data: { month, strand: "AGE", area: "Clevedon", count: 2, importId: police.id },
    });
    expect((await total()).reports).toBe(afterReport.reports + 2);
  });
});
