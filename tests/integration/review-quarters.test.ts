// Which quarters can be reviewed and worked on, on real dates: a quarter only from its first day;
// "Your updates" across every open quarter of the published plans, by deadline; a draft plan never
// takes over; and a quarter without a review says "No update" or "Not yet due", never "Not started".
import request from "supertest";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { formatDate } from "../../src/content/dates.ts";
import { defaultDeadline } from "../../src/services/plan/year.ts";
import { axeViolations, htmlErrors } from "../helpers/accessibility.ts";
import { download, pdfText } from "../helpers/download.ts";
import { csrfToken } from "../helpers/partners.ts";
import { postReview, reviewPage as page, type SeededApp, seededApp } from "../helpers/seeded-app.ts";

let s: SeededApp;
beforeAll(async () => {
  s = await seededApp();
});
afterAll(async () => s.close());
afterEach(() => vi.useRealTimers());

/** Moves the clock to a day (noon UTC) for what follows, as the portal would see it on that day. */
function on(day: string) {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date(`${day}T12:00:00Z`));
}

const snapshot = async () => ({
  reviews: await s.db.prisma.review.count(),
  versions: await s.db.prisma.reviewVersion.count(),
});

async function setClosed(startYear: number, quarters: number[], closed = true) {
  const plan = await s.db.prisma.plan.findUniqueOrThrow({ where: { startYear } });
  await s.db.prisma.planQuarter.updateMany({
    where: { planId: plan.id, quarter: { in: quarters } },
    data: { closedAt: closed ? new Date() : null },
  });
}

describe("a quarter that has not started", () => {
  it("cannot be reviewed by anyone: the page says from when, and a save is refused", async () => {
    on("2023-05-10"); // quarter 1 of 2023/24
    for (const who of ["officer", "coordinator"] as const) {
      const agent = await s.as(who);
      const view = await agent.get(page(s.ids.nscCommitment, 2)).expect(200);
      expect(view.text).toContain("Quarter 2 has not started yet: it can be updated from 1 July 2023.");
      expect(view.text).not.toContain('name="status"');
      expect(view.text).toContain("Review of a commitment");
      const before = await snapshot();
      const res = await agent
        .post(page(s.ids.nscCommitment, 2))
        .type("form")
        .send({
          agency: "NSC",
          status: "GREEN",
          commentary: "Early",
          version: "0",
          replaces: "",
          _csrf: csrfToken(view.text),
        });
      expect(res.status).toBe(403);
      expect(res.text).toContain("Quarter 2 has not started yet");
      expect(await snapshot()).toEqual(before);
    }
    // Nor can a coordinator set a joint item's summary for it.
    const coordinator = await s.as("coordinator");
    const joint = (await coordinator.get(page(s.ids.allCommitment, 2)).expect(200)).text;
    expect(joint).not.toContain('name="summaryStatus"');
    const summary = await coordinator
      .post(`${page(s.ids.allCommitment, 2)}/summary`)
      .type("form")
      .send({ summaryStatus: "GREEN", reason: "Early", summaryVersion: "0", _csrf: csrfToken(joint) });
    expect(summary.status).toBe(403);
    expect(summary.text).toContain("Quarter 2 has not started yet");
    expect(await s.db.prisma.reviewSummary.count()).toBe(0);
    // Its first day is open.
    on("2023-07-01");
    const officer = await s.as("officer");
    const view = await officer.get(page(s.ids.nscCommitment, 2)).expect(200);
    expect(view.text).toContain('name="status"');
  });
});

describe("quarters without a review", () => {
  it('show "No update" once started and "Not yet due" before, in every format, and count apart on the dashboard', async () => {
    on("2023-08-10"); // quarter 2 of 2023/24; nothing recorded yet
    const officer = await s.as("officer");
    await postReview(officer, page(s.ids.nscCommitment, 1), { status: "NOT_STARTED", commentary: "" });

    const publicPlan = (await request(s.app).get("/plan/2023-24").expect(200)).text;
    const { text } = await s.db.prisma.commitment.findUniqueOrThrow({ where: { id: s.ids.nscCommitment } });
    const item = publicPlan.slice(publicPlan.indexOf(text.slice(0, 20)));
    expect(item).toMatch(
      /Quarter 1 \(April to June 2023\)[\s\S]*?Not started[\s\S]*?Quarter 2[\s\S]*?No update[\s\S]*?Quarter 3[\s\S]*?Not yet due/,
    );
    expect(await axeViolations(publicPlan)).toEqual([]);

    const viewer = await s.as("viewer");
    const partnerPlan = (await viewer.get("/partners/plans/2023-24").expect(200)).text;
    expect(partnerPlan).toContain("No update");
    expect(partnerPlan).toContain("Not yet due");

    const print = (await request(s.app).get("/plan/2023-24/print").expect(200)).text;
    expect(print).toContain("No update");
    expect(print).toContain("Not yet due");

    const csv = ((await download(viewer, "/partners/plans/2023-24/reviews.csv")).body as Buffer).toString("utf8");
    expect(csv).toContain('"Q1","NSC","Not started"');
    expect(csv).toContain('"Q2","","No update"');
    expect(csv).toContain('"Q3","","Not yet due"');

    const pdf = pdfText((await download(viewer, "/partners/plans/2023-24/plan.pdf")).body as Buffer);
    expect(pdf).toContain("No update");
    expect(pdf).toContain("Not yet due");

    const dashboard = (await viewer.get("/partners?show=2023-24:2").expect(200)).text;
    expect(dashboard).toMatch(
      /<th scope="col" class="govuk-table__header govuk-table__header--numeric">No update<\/th>/,
    );
    expect(dashboard).toMatch(
      /<th scope="col" class="govuk-table__header govuk-table__header--numeric">Not yet due<\/th>/,
    );
    expect(dashboard).toMatch(/No update[\s\S]*?<td class="govuk-table__cell govuk-table__cell--numeric">8<\/td>/);
    expect(await axeViolations(dashboard)).toEqual([]);
    expect(await htmlErrors(dashboard)).toEqual([]);
  });
});

describe("which plan and quarter partners work on", () => {
  // In March 2024 the coordinators roll the plan over (2024/25 as a draft) and close 2023/24's first three quarters.
  beforeAll(async () => {
    on("2024-03-20");
    await s.services.planAdmin.rollover(s.partners.coordinator, 2023);
    await setClosed(2023, [1, 2, 3]);
    vi.useRealTimers();
  });

  it("a draft of next year's plan does not take over, and in April quarter 4 of the ending plan is listed", async () => {
    on("2024-04-20"); // quarter 1 of 2024/25 has started; quarter 4 of 2023/24 is due in April
    const [officer, coordinator] = [await s.as("officer"), await s.as("coordinator")];
    const updates = (await officer.get("/partners/updates").expect(200)).text;
    expect(updates).toContain("Hate Crime Plan 2023/24: quarter 4 (January to March 2024)");
    expect(updates).not.toContain("2024/25");
    expect(updates).toMatch(
      new RegExp(`of \\d+ updates left, due by <strong>${formatDate(defaultDeadline(2023, 4))}</strong>`),
    );
    expect(await axeViolations(updates)).toEqual([]);
    expect(await htmlErrors(updates)).toEqual([]);

    const dashboard = (await coordinator.get("/partners").expect(200)).text;
    expect(dashboard).toContain("Hate Crime Plan 2023/24, quarter 4");
    // The coordinator can choose the draft too; officers only see published plans.
    expect(dashboard).toContain('value="2024-25:1"');
    const officerDashboard = (await officer.get("/partners").expect(200)).text;
    expect(officerDashboard).not.toContain('value="2024-25:1"');
    expect((await coordinator.get("/partners?show=2024-25:1").expect(200)).text).toContain(
      "Hate Crime Plan 2024/25, quarter 1 (April to June 2024) – draft",
    );

    // Officers cannot record on the draft; coordinators can.
    const draftItem = await s.db.prisma.commitment.findFirstOrThrow({
      where: { objective: { plan: { startYear: 2024 } }, leads: { some: { agency: { code: "NSC" } } } },
    });
    const draftPage = (await officer.get(page(draftItem.id, 1)).expect(200)).text;
    expect(draftPage).toContain("This plan is still a draft");
    expect(draftPage).not.toContain('name="status"');
    const refused = await officer
      .post(page(draftItem.id, 1))
      .type("form")
      .send({
        agency: "NSC",
        status: "GREEN",
        commentary: "Early",
        version: "0",
        replaces: "",
        _csrf: csrfToken(draftPage),
      });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain("This plan is still a draft");
    expect(
      (await postReview(coordinator, page(draftItem.id, 1), { status: "GREEN", commentary: "Set up" })).status,
    ).toBe(302);
    const draftRisk = await s.db.prisma.risk.findFirstOrThrow({
      where: { plan: { startYear: 2024 }, ownerAgency: { code: "NSC" } },
    });
    expect((await officer.get(page(draftRisk.id, 1, "risks")).expect(200)).text).toContain(
      "This plan is still a draft",
    );
  });

  it("lists every open quarter with updates outstanding, across plans, soonest deadline first", async () => {
    on("2024-07-20");
    await s.services.planAdmin.setStatus(s.partners.coordinator, 2024, "PUBLISHED");
    const officer = await s.as("officer");
    // 2023/24 quarter 4 is still open, and so is 2024/25 quarter 1: both, by deadline.
    let text = (await officer.get("/partners/updates").expect(200)).text;
    const q4 = text.indexOf("Hate Crime Plan 2023/24: quarter 4");
    const q1 = text.indexOf("Hate Crime Plan 2024/25: quarter 1");
    expect(q4).toBeGreaterThan(-1);
    expect(q1).toBeGreaterThan(q4);

    // Once the old quarter is closed, July's list is quarter 1 of this year.
    await setClosed(2023, [4]);
    text = (await officer.get("/partners/updates").expect(200)).text;
    expect(text).not.toContain("Hate Crime Plan 2023/24");
    expect(text).toContain("Hate Crime Plan 2024/25: quarter 1 (April to June 2024)");

    // The dashboard's default is the open quarter with the nearest deadline.
    const dashboard = (await (await s.as("viewer")).get("/partners").expect(200)).text;
    expect(dashboard).toContain("Hate Crime Plan 2024/25, quarter 1");
  });
});
