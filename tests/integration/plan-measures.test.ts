// Measures on the plan (issue 16): a coordinator attaches measures to a commitment or a risk,
// changes and removes them (refused forms keep what was typed and store nothing); computed
// measures are worked out from reports, cases and police figures with known months, areas and
// sources; hand-entered values come from the lead agency's officers and coordinators only; the
// review page shows a quarter and the four before it with the target met or not; and every
// format of the plan shows them, in the same number of queries whatever the plan's size.
import { randomUUID } from "node:crypto";
import { JSDOM } from "jsdom";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditService } from "../../src/services/audit.ts";
import { computedValues } from "../../src/services/figures/measures.ts";
import { planDocumentService } from "../../src/services/plan/document.ts";
import { planMeasureService } from "../../src/services/plan/measures.ts";
import { planService } from "../../src/services/plan/plans.ts";
import { expectAccessiblePage } from "../helpers/accessibility.ts";
import { countingPrisma } from "../helpers/counting-prisma.ts";
import { download, parseCsv, pdfText, unzip, wordParagraphs } from "../helpers/download.ts";
import { type Agent, csrfToken, submit } from "../helpers/partners.ts";
import { newReport } from "../helpers/reports.ts";
import { type SeededApp, seededApp } from "../helpers/seeded-app.ts";

let s: SeededApp;
let coordinator: Agent;
let officer: Agent; // NSC
let otherOfficer: Agent; // Police
let viewer: Agent;

const PLAN = "/partners/plans/2023-24";
const measuresOf = (kind: "risks" | "commitments", id: number) => `${PLAN}/${kind}/${id}/measures`;
const review = (kind: "risks" | "commitments", id: number, quarter: number) =>
  `/partners/${kind}/${id}/reviews/${quarter}`;
/** A form's response, checked to have this status. */
async function sent(status: number, response: Promise<request.Response>) {
  const res = await response;
  expect(res.status, res.text.slice(0, 2000)).toBe(status);
  return res;
}
const text = (el: Element | null | undefined) => (el?.textContent ?? "").replace(/\s+/g, " ").trim();

/** Reports with known months (the month reported, in England), areas and sources. */
async function fixture() {
  const prisma = s.db.prisma;
  const centre = await prisma.reportingCentre.findFirstOrThrow({ orderBy: { id: "asc" } });
  const report = async (receivedAt: string, area: string | null, viaCentre = false) => {
    const { reference } = await s.services.reports.submit(newReport({ anonymous: true }));
    return prisma.incidentReport.update({
      where: { reference },
      data: { receivedAt: new Date(receivedAt), area, viaCentreId: viaCentre ? centre.id : null },
    });
  };
  // Quarter 3 of 2023/24 (October to December 2023).
  const clevedon = await report("2023-10-15T10:00:00Z", "Clevedon");
  const weston = await report("2023-11-10T10:00:00Z", "Weston-super-Mare", true);
  await report("2023-12-05T10:00:00Z", "ELSEWHERE", true);
  await report("2023-12-20T10:00:00Z", "OUTSIDE");
  await report("2023-12-21T10:00:00Z", "ONLINE");
  await report("2023-12-22T10:00:00Z", null);
  // 00:30 on 1 October in England (still 30 September in UTC): quarter 3.
  await report("2023-09-30T23:30:00Z", "Nailsea");
  // Not counted: its case was assessed as not hate-related.
  const notHate = await report("2023-11-11T10:00:00Z", "Clevedon", true);
  await prisma.case.update({ where: { reportId: notHate.id }, data: { assessment: "NOT_HATE_RELATED" } });
  // Quarter 2 of 2023/24, and quarter 4 of 2022/23 (last year's plan).
  const nailsea = await report("2023-08-01T10:00:00Z", "Nailsea");
  await report("2023-02-10T10:00:00Z", "Portishead");

  const support = (caseId: string, at: string, accepted: boolean) =>
    prisma.caseEntry.create({
      data: {
        id: randomUUID(),
        caseId,
        kind: "SUPPORT",
        supportKind: "EMOTIONAL",
        supportAccepted: accepted,
        createdAt: new Date(at),
      },
    });
  await support(clevedon.id, "2023-11-01T10:00:00Z", true);
  await support(clevedon.id, "2023-12-01T10:00:00Z", true); // the same case again: counted once
  await support(weston.id, "2023-11-15T10:00:00Z", false);
  await support(nailsea.id, "2023-08-05T10:00:00Z", true);

  const police = await prisma.policeImport.create({
    data: { fileName: "police.csv", fromMonth: "2023-07", toMonth: "2023-11", rowCount: 3, total: 9 },
  });
  await prisma.policeFigure.createMany({
    data: [
      { month: "2023-10", strand: "RACE", area: "Clevedon", count: 4, importId: police.id },
      { month: "2023-11", strand: "RELIGION", area: "Weston-super-Mare", count: 3, importId: police.id },
      { month: "2023-07", strand: "RACE", area: "Clevedon", count: 2, importId: police.id },
    ],
  });
}

beforeAll(async () => {
  s = await seededApp();
  [coordinator, officer, otherOfficer, viewer] = await Promise.all([
    s.as("coordinator"),
    s.as("officer"),
    s.as("otherOfficer"),
    s.as("viewer"),
  ]);
  await fixture();
}, 60_000);
afterAll(async () => s.close());

const measureRows = (kind: "commitment" | "risk", id: number) =>
  s.db.prisma.measure.findMany({
    where: kind === "risk" ? { riskId: id } : { commitmentId: id },
    orderBy: { id: "asc" },
  });

describe("computed measures", () => {
  it("are worked out for each quarter from the reports, cases and police figures", async () => {
    const keys = [
      "REPORTS",
      "REPORTS_OUTSIDE_WESTON",
      "REPORTS_VIA_CENTRES",
      "POLICE_RECORDED",
      "POLICE_OUTSIDE_WESTON",
      "CASES_SUPPORT_ACCEPTED",
    ];
    const quarters = [
      { year: 2022, quarter: 4 },
      { year: 2023, quarter: 2 },
      { year: 2023, quarter: 3 },
    ];
    const values = await computedValues(s.db.prisma, keys, quarters);
    const of = (year: number, quarter: number) => keys.map((k) => values.get(`${k}:${year}Q${quarter}`));
    expect(of(2023, 3)).toEqual([7, 3, 2, 7, 4, 1]);
    expect(of(2023, 2)).toEqual([1, 1, 0, 2, 2, 1]);
    expect(of(2022, 4)).toEqual([1, 1, 0, 0, 0, 0]);
  });
});

describe("a coordinator's measures", () => {
  it("are added, with every mistake said and nothing stored, changed and removed, and audited", async () => {
    const risk = s.ids.nscRisk;
    const list = await coordinator.get(measuresOf("risks", risk)).expect(200);
    await expectAccessiblePage(list.text);
    expect(list.text).toContain("No measures yet.");
    const form = await coordinator.get(`${measuresOf("risks", risk)}/new`).expect(200);
    await expectAccessiblePage(form.text);

    const bad = await sent(
      400,
      submit(coordinator, `${measuresOf("risks", risk)}/new`, {
        source: "",
        name: "",
        target: "ten",
        direction: "",
      }),
    );
    await expectAccessiblePage(bad.text);
    const summary = new JSDOM(bad.text).window.document.querySelector(".govuk-error-summary");
    expect([...summary!.querySelectorAll("a")].map((a) => [a.getAttribute("href"), text(a)])).toEqual([
      ["#source", "Select how the measure is worked out"],
      ["#target", "Enter the target as a number, like 10 or 2.5"],
      ["#direction", "Select whether a higher or a lower value is better"],
    ]);
    expect(bad.text).toContain('value="ten"');
    const unnamed = await sent(
      400,
      submit(coordinator, `${measuresOf("risks", risk)}/new`, {
        source: "MANUAL",
        name: "  ",
        target: "",
        direction: "HIGHER",
      }),
    );
    expect(unnamed.text).toContain("Enter the measure&#39;s name");
    expect(await measureRows("risk", risk)).toEqual([]);

    const add = (fields: Record<string, string>, status = 302) =>
      sent(
        status,
        submit(coordinator, `${measuresOf("risks", risk)}/new`, {
          name: "",
          target: "",
          direction: "HIGHER",
          ...fields,
        }),
      );
    const added = await add({ source: "REPORTS_OUTSIDE_WESTON", target: "3" });
    expect(added.headers.location).toBe(measuresOf("risks", risk));
    await add({ source: "MANUAL", name: "Community events held", target: "2" });
    await add({ source: "POLICE_RECORDED", name: "Police-recorded, lower is better", target: "5", direction: "LOWER" });
    await add({ source: "REPORTS", target: "1,000" });
    const twice = await add({ source: "MANUAL", name: "community events HELD" }, 400);
    expect(twice.text).toContain("This already has a measure with that name");

    const rows = await measureRows("risk", risk);
    expect(rows.map((m) => [m.name, m.source, m.target, m.direction])).toEqual([
      ["Reports from North Somerset outside Weston-super-Mare", "REPORTS_OUTSIDE_WESTON", 3, "HIGHER"],
      ["Community events held", "MANUAL", 2, "HIGHER"],
      ["Police-recorded, lower is better", "POLICE_RECORDED", 5, "LOWER"],
      ["Reports to the partnership", "REPORTS", 1000, "HIGHER"],
    ]);
    const audit = await s.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "measure.added", entityId: String(rows[1]!.id) },
    });
    expect(audit.after).toMatchObject({ name: "Community events held", riskId: risk, target: 2 });

    // Changed: the form starts from what is stored.
    const changePath = `${measuresOf("risks", risk)}/${rows[3]!.id}`;
    const change = await coordinator.get(changePath).expect(200);
    await expectAccessiblePage(change.text);
    expect(new JSDOM(change.text).window.document.querySelector<HTMLInputElement>("#target")?.value).toBe("1000");
    await sent(302, submit(coordinator, changePath, { source: "REPORTS", name: "", target: "6", direction: "HIGHER" }));
    expect((await s.db.prisma.measure.findUniqueOrThrow({ where: { id: rows[3]!.id } })).target).toBe(6);
    expect(
      await s.db.prisma.auditEvent.count({ where: { action: "measure.updated", entityId: String(rows[3]!.id) } }),
    ).toBe(1);

    // Removed, after "Are you sure?".
    const removePath = `${changePath}/delete`;
    await expectAccessiblePage((await coordinator.get(removePath).expect(200)).text);
    await sent(302, submit(coordinator, removePath, {}));
    expect(await s.db.prisma.measure.findUnique({ where: { id: rows[3]!.id } })).toBeNull();
    expect(
      await s.db.prisma.auditEvent.count({ where: { action: "measure.removed", entityId: String(rows[3]!.id) } }),
    ).toBe(1);

    const after = await coordinator.get(measuresOf("risks", risk)).expect(200);
    await expectAccessiblePage(after.text);
    expect(after.text).toContain("Community events held");
    const trail = await coordinator.get("/partners/audit").expect(200);
    expect(trail.text).toContain("Added the measure &#34;Community events held&#34; to risk");

    // Another item's measure, or another plan's item, is not found; officers are refused.
    await coordinator.get(`${measuresOf("risks", s.ids.policeRisk)}/${rows[0]!.id}`).expect(404);
    await coordinator.get(`/partners/plans/2024-25/risks/${risk}/measures`).expect(404);
    await officer.get(measuresOf("risks", risk)).expect(403);
  });

  it("are listed from the management page for each commitment and risk", async () => {
    const manage = await coordinator.get(`${PLAN}/manage`).expect(200);
    expect(manage.text).toContain(`href="${measuresOf("risks", s.ids.nscRisk)}"`);
    expect(manage.text).toContain(`href="${measuresOf("commitments", s.ids.nscCommitment)}"`);
    await expectAccessiblePage(manage.text);
  });
});

describe("the quarterly review page", () => {
  const page = () => review("risks", s.ids.nscRisk, 3);
  const manual = async () => (await measureRows("risk", s.ids.nscRisk)).find((m) => m.source === "MANUAL")!;
  const post = async (agent: Agent, quarter: number, value: string) => {
    const path = review("risks", s.ids.nscRisk, quarter);
    const token = csrfToken((await agent.get(path)).text);
    return agent
      .post(`${path}/measures/${(await manual()).id}`)
      .type("form")
      .send({ value, _csrf: token });
  };

  it("takes a hand-entered value from an officer of the lead agency, and a coordinator", async () => {
    const bad = await sent(400, post(officer, 3, "lots"));
    await expectAccessiblePage(bad.text);
    expect(bad.text).toContain('value="lots"');
    expect(bad.text).toContain('href="#measure-');
    expect(await s.db.prisma.measureValue.count()).toBe(0);

    await sent(302, post(officer, 3, "1"));
    await sent(302, post(coordinator, 2, "2.5"));
    const stored = await s.db.prisma.measureValue.findMany({ orderBy: { quarter: "asc" } });
    expect(stored.map((v) => [v.year, v.quarter, v.value, v.enteredById])).toEqual([
      [2023, 2, 2.5, s.partners.coordinator.id],
      [2023, 3, 1, s.partners.officer.id],
    ]);
    const event = await s.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "measure.value-entered", actorId: s.partners.officer.id },
    });
    expect(event.after).toMatchObject({ year: 2023, quarter: 3, value: 1 });
  });

  it("refuses another agency's officer and a viewer, storing nothing", async () => {
    const before = await s.db.prisma.measureValue.findMany();
    await sent(403, post(otherOfficer, 3, "9"));
    await sent(403, post(viewer, 3, "9"));
    // A measure worked out from the figures takes no value, from anyone.
    const computed = (await measureRows("risk", s.ids.nscRisk)).find((m) => m.source !== "MANUAL")!;
    const path = review("risks", s.ids.nscRisk, 3);
    const token = csrfToken((await coordinator.get(path)).text);
    await sent(
      400,
      coordinator.post(`${path}/measures/${computed.id}`).type("form").send({ value: "9", _csrf: token }),
    );
    expect(await s.db.prisma.measureValue.findMany()).toEqual(before);
    // Neither is offered the form.
    const seen = (await otherOfficer.get(page()).expect(200)).text;
    expect(seen).toContain("Only the lead agency&#39;s officers and coordinators can enter this quarter&#39;s values.");
    expect(seen).not.toContain('id="measure-');
  });

  it("shows this quarter and the four before it, with the target met or not", async () => {
    const res = await officer.get(page()).expect(200);
    await expectAccessiblePage(res.text);
    const document = new JSDOM(res.text).window.document;
    const tables = [...document.querySelectorAll("#measures ~ div table")];
    const table = (name: string) => {
      const t = tables.find((x) => text(x.querySelector("caption")).startsWith(name))!;
      return [...t.querySelectorAll("tbody tr")].map((r) => [...r.children].map(text));
    };
    expect(table("Reports from North Somerset outside")).toEqual([
      ["Q3 2022/23", "0", "Not met"],
      ["Q4 2022/23", "1", "Not met"],
      ["Q1 2023/24", "0", "Not met"],
      ["Q2 2023/24", "1", "Not met"],
      ["Q3 2023/24 (this quarter)", "3", "Met"],
    ]);
    expect(table("Community events held")).toEqual([
      ["Q3 2022/23", "Not entered", "No target or no value"],
      ["Q4 2022/23", "Not entered", "No target or no value"],
      ["Q1 2023/24", "Not entered", "No target or no value"],
      ["Q2 2023/24", "2.5", "Met"],
      ["Q3 2023/24 (this quarter)", "1", "Not met"],
    ]);
    // Lower is better: 7 police-recorded crimes against "at most 5".
    expect(table("Police-recorded, lower is better").at(-1)).toEqual(["Q3 2023/24 (this quarter)", "7", "Not met"]);
    expect(table("Police-recorded, lower is better").at(-2)).toEqual(["Q2 2023/24", "2", "Met"]);
    expect(document.querySelector<HTMLInputElement>(`#measure-${(await manual()).id}`)?.value).toBe("1");
  });

  it("takes last year's hand-entered values from the commitment a carried-forward one continues", async () => {
    const id = s.ids.nscCommitment;
    await sent(
      302,
      submit(coordinator, `${measuresOf("commitments", id)}/new`, {
        source: "MANUAL",
        name: "Panel meetings held",
        target: "",
        direction: "HIGHER",
      }),
    );
    const measure = (await measureRows("commitment", id))[0]!;
    const q4 = review("commitments", id, 4);
    const token = csrfToken((await coordinator.get(q4)).text);
    await coordinator.post(`${q4}/measures/${measure.id}`).type("form").send({ value: "4", _csrf: token }).expect(302);

    await s.services.planAdmin.rollover(s.partners.coordinator, 2023);
    const next = await s.db.prisma.commitment.findFirstOrThrow({ where: { carriedFromId: id } });
    const copied = await measureRows("commitment", next.id);
    expect(copied.map((m) => [m.name, m.source])).toEqual([["Panel meetings held", "MANUAL"]]);
    const res = await coordinator.get(review("commitments", next.id, 1)).expect(200);
    await expectAccessiblePage(res.text);
    const rows = [...new JSDOM(res.text).window.document.querySelectorAll("#measures ~ div table tbody tr")].map((r) =>
      [...r.children].slice(0, 2).map(text),
    );
    expect(rows).toEqual([
      ["Q1 2023/24", "Not entered"],
      ["Q2 2023/24", "Not entered"],
      ["Q3 2023/24", "Not entered"],
      ["Q4 2023/24", "4"],
      ["Q1 2024/25 (this quarter)", "Not entered"],
    ]);

    // A risk is copied word for word: last year's values are its namesake's in last year's plan.
    const risk = await s.db.prisma.risk.findFirstOrThrow({
      where: {
        plan: { startYear: 2024 },
        description: (await s.db.prisma.risk.findUniqueOrThrow({ where: { id: s.ids.nscRisk } })).description,
      },
    });
    const riskPage = (await coordinator.get(review("risks", risk.id, 1)).expect(200)).text;
    const events = [...new JSDOM(riskPage).window.document.querySelectorAll("#measures ~ div table")].find((t) =>
      text(t.querySelector("caption")).startsWith("Community events held"),
    )!;
    expect([...events.querySelectorAll("tbody tr")].map((r) => [...r.children].slice(0, 2).map(text))).toEqual([
      ["Q1 2023/24", "Not entered"],
      ["Q2 2023/24", "2.5"],
      ["Q3 2023/24", "1"],
      ["Q4 2023/24", "Not entered"],
      ["Q1 2024/25 (this quarter)", "Not entered"],
    ]);
  });
});

describe("the plan's documents", () => {
  it("show each measure with each quarter's value and target in the print view, PDF, Word and CSV", async () => {
    const print = await viewer.get(`${PLAN}/print`).expect(200);
    await expectAccessiblePage(print.text);
    const section = new JSDOM(print.text).window.document.querySelector("section[aria-labelledby=measures]");
    const row = [...section!.querySelectorAll("tbody tr")].find((r) => text(r).includes("Community events held"))!;
    expect([...row.children].map(text)).toEqual([
      "Community events heldEntered each quarter", // the name, then (on its own line) where it comes from
      expect.stringMatching(/^Risk \d: /),
      "At least 2",
      "Not entered",
      "2.5 (met)",
      "1 (not met)",
      "Not entered",
    ]);

    const pdf = pdfText((await download(viewer, `${PLAN}/plan.pdf`).expect(200)).body as Buffer);
    expect(pdf).toContain("How we measure progress in 2023/24");
    expect(pdf).toContain("Community events held");
    expect(pdf).toContain("2.5 (met)");

    const word = wordParagraphs(
      unzip((await download(viewer, `${PLAN}/plan.docx`).expect(200)).body as Buffer)("word/document.xml"),
    ).map((p) => p.text);
    expect(word).toContain("How we measure progress in 2023/24");
    expect(word).toContain("Community events held");
    expect(word).toContain("2.5 (met)");

    const csv = parseCsv((await download(viewer, `${PLAN}/reviews.csv`).expect(200)).body as Buffer);
    const measure = csv.filter((r) => r.Measure === "Community events held");
    expect(
      measure.map((r) => [r.Type, r.Quarter, r["Measure value"], r["Measure target"], r["Against the target"]]),
    ).toEqual([
      ["Risk measure", "Q1", "Not entered", "At least 2", ""],
      ["Risk measure", "Q2", "2.5", "At least 2", "Met"],
      ["Risk measure", "Q3", "1", "At least 2", "Not met"],
      ["Risk measure", "Q4", "Not entered", "At least 2", ""],
    ]);
    expect(
      csv.find((r) => r.Measure === "Reports from North Somerset outside Weston-super-Mare" && r.Quarter === "Q3")?.[
        "Measure value"
      ],
    ).toBe("3");
  });

  it("are not shown to the public, whose figures go through disclosure control", async () => {
    const pub = await request(s.app).get("/plan/2023-24/print").expect(200);
    expect(pub.text).not.toContain("Community events held");
  });

  it("take the same number of queries for a plan many times the size", async () => {
    const counting = countingPrisma(s.db.prisma);
    const documentsOf = () => {
      const plans = planService(counting.client);
      const measures = planMeasureService(counting.client, auditService(counting.client));
      return planDocumentService(plans, { measures });
    };
    const small = await counting.count(() => documentsOf().document(2023, { withMeasures: true }));
    expect(small.result!.measures!.length).toBeGreaterThan(0);

    const plan = await s.db.prisma.plan.findUniqueOrThrow({ where: { startYear: 2023 } });
    const agency = await s.db.prisma.agency.findFirstOrThrow();
    // The same kinds of measure as the plan has already (each kind of figure is read once a quarter).
    const sources = ["MANUAL", "REPORTS_OUTSIDE_WESTON", "POLICE_RECORDED"];
    const objective = await s.db.prisma.objective.create({
      data: {
        planId: plan.id,
        number: 20,
        title: "Measured objective",
        commitments: {
          create: Array.from({ length: 60 }, (_, position) => ({
            position,
            text: `Measured commitment ${position}`,
            leads: { create: [{ agencyId: agency.id }] },
            measures: {
              create: sources.map((source) => ({
                name: `${source} ${position}`,
                source,
                direction: "HIGHER",
                target: 1,
              })),
            },
          })),
        },
      },
      include: { commitments: { include: { measures: true } } },
    });
    await s.db.prisma.measureValue.createMany({
      data: objective.commitments.flatMap((c) =>
        c.measures
          .filter((m) => m.source === "MANUAL")
          .map((m) => ({ measureId: m.id, year: 2023, quarter: 1, value: 3 })),
      ),
    });
    try {
      const large = await counting.count(() => documentsOf().document(2023, { withMeasures: true }));
      expect(large.result!.measures!.length).toBe(small.result!.measures!.length + 60 * sources.length);
      expect(large.operations).toBe(small.operations);
      expect(small.operations).toBeLessThan(30); // the plan view, the measures, each kind of figure for each quarter
    } finally {
      await s.db.prisma.objective.delete({ where: { id: objective.id } });
    }
  });
});
