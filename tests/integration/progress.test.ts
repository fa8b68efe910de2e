import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RequestListener } from "node:http";
import type { Database } from "../../src/db/database.ts";
import { seed } from "../../src/db/seed.ts";
import { planService } from "../../src/services/plan/plans.ts";
import { progressService } from "../../src/services/plan/progress.ts";
import { axeViolations, htmlErrors } from "../helpers/accessibility.ts";
import { testApp } from "../helpers/app.ts";
import { countingPrisma } from "../helpers/counting-prisma.ts";
import { testDatabase } from "../helpers/database.ts";
import { createLargePlan } from "../helpers/large-plan.ts";
import { type Agent, createPartners, signIn } from "../helpers/partners.ts";
import { postReview } from "../helpers/seeded-app.ts";

let db: Database;
let app: RequestListener;
let partners: Awaited<ReturnType<typeof createPartners>>;
let coordinator: Agent;

beforeAll(async () => {
  db = await testDatabase();
  await seed(db.prisma, { production: true });
  partners = await createPartners(db);
  ({ app } = testApp(db));
  coordinator = await signIn(app, partners.coordinator.email);
});
afterAll(async () => db.close());

async function review(path: string, status: string, commentary: string) {
  const res = await postReview(coordinator, path, { status, commentary });
  expect(res.status, path).toBe(302);
}

describe("the dashboard", () => {
  it("counts the quarter's statuses, shows what is left by agency, overdue items and what moved", async () => {
    const plan = await db.prisma.plan.findUniqueOrThrow({
      where: { startYear: 2023 },
      include: {
        objectives: { include: { commitments: { orderBy: { position: "asc" } } }, orderBy: { number: "asc" } },
      },
    });
    const [first, second] = plan.objectives[0]!.commitments;
    // The first is NSC's; the second Police's and SARI's, recorded here for Police only.
    await review(`/partners/commitments/${first!.id}/reviews/1`, "AMBER", "Slow start");
    await review(`/partners/commitments/${second!.id}/reviews/1`, "GREEN", "On track");

    const q1 = await coordinator.get("/partners?show=2023-24:1").expect(200);
    expect(q1.text).toContain("quarter 1 (April to June 2023)");
    expect(q1.text).toMatch(
      /Commitments by status this quarter: Not started 0, Red 0, Amber 1, Green 1, Complete 0, No update 6, Not yet due 0/,
    );
    expect(q1.text).toContain("1 of 13 reviews have an update from every lead agency");
    expect(q1.text).toContain("12 updates are overdue this quarter.");
    // Still to update, under each agency that has not: SARI has the joint commitment to do.
    expect(q1.text).toMatch(
      /Still to update this quarter[\s\S]*<h3 class="govuk-heading-s">SARI<\/h3>\s*<ul class="govuk-list">\s*<li><a class="govuk-link" href="\/partners\/commitments\/\d+\/reviews\/1">Develop use of Restorative Justice/,
    );
    expect(await axeViolations(q1.text)).toEqual([]);
    expect(await htmlErrors(q1.text)).toEqual([]);

    // Close Q1: Q2 becomes the quarter being updated, and changes since Q1 show.
    await db.prisma.planQuarter.update({
      where: { planId_quarter: { planId: plan.id, quarter: 1 } },
      data: { closedAt: new Date() },
    });
    await review(`/partners/commitments/${first!.id}/reviews/2`, "GREEN", "Chair appointed");
    await review(`/partners/commitments/${second!.id}/reviews/2`, "RED", "Partner withdrew");
    const q2 = await coordinator.get("/partners?show=2023-24:2").expect(200);
    expect(q2.text).toContain("quarter 2 (July to September 2023)");
    expect(q2.text).toMatch(/Improved \(1\)[\s\S]*Amber to Green/);
    expect(q2.text).toMatch(/Worsened \(1\)[\s\S]*Green to Red/);
  });

  it("is what every role sees first after signing in", async () => {
    for (const who of [partners.viewer, partners.officer]) {
      const agent = await signIn(app, who.email);
      const res = await agent.get("/partners").expect(200);
      expect(res.text).toContain("Dashboard");
    }
  });
});

describe("the partner plan page", () => {
  it("shows every objective, commitment and risk with four quarters, filterable by agency and status", async () => {
    const all = await coordinator.get("/partners/plans/2023-24").expect(200);
    expect(all.text).toContain("Develop use of Restorative Justice for dealing with Hate Crimes");
    expect(all.text).toContain("Lack of uptake of support services");
    expect((all.text.match(/\/reviews\/4"/g) ?? []).length).toBe(13);
    expect(await axeViolations(all.text)).toEqual([]);
    expect(await htmlErrors(all.text)).toEqual([]);

    const police = await coordinator.get("/partners/plans/2023-24?agency=Police").expect(200);
    expect(police.text).toContain("Develop use of Restorative Justice");
    expect(police.text).toContain("Develop a communications strategy"); // led by all agencies
    expect(police.text).not.toContain("Implement a new dedicated Community Tension monitoring process"); // NSC only

    const red = await coordinator.get("/partners/plans/2023-24?status=RED").expect(200);
    expect((red.text.match(/\/reviews\/1"/g) ?? []).length).toBe(1);
  });

  it.each([
    "/partners/plans/2099-00",
    "/partners/plans/2023-25",
    "/partners/plans/nonsense",
    `/partners/plans/${"9".repeat(5000)}`,
  ])("answers 404 for %s", async (path) => {
    expect((await coordinator.get(path)).status).toBe(404);
  });

  it("ignores filter values it does not know, and repeated ones", async () => {
    const res = await coordinator.get(`/partners/plans/2023-24?agency=${"x".repeat(3000)}&status=PURPLE&status=RED`);
    expect(res.status).toBe(200);
  });
});

describe("database work", () => {
  it("is the same number of queries for the dashboard, updates and plan page whatever the plan's size", async () => {
    const user = {
      id: partners.officer.id,
      email: "",
      name: "",
      role: "OFFICER" as const,
      agencyId: null,
      agencyCode: "NSC",
      twoFactorEnabled: false,
      caseAccess: false,
      reportingCentreId: null,
    };
    // The same plans in two databases but for the size of one: each page, first and then again.
    const measure = async (size: { objectives: number; commitmentsEach: number; risks: number }) => {
      const other = await testDatabase();
      try {
        await seed(other.prisma, { production: true });
        await createLargePlan(other, 2024, size);
        const { client: counting, count } = countingPrisma(other.prisma);
        const plans = planService(counting);
        const progress = progressService(plans);
        const pages: (() => Promise<unknown>)[] = [
          () => progress.dashboard(user, { startYear: 2024, quarter: 1 }),
          () => progress.updates(user),
          () => plans.planView(2024),
        ];
        const counts: number[] = [];
        for (const work of [...pages, ...pages]) counts.push((await count(work)).operations);
        const commitments = (await progress.dashboard(user, { startYear: 2024, quarter: 1 }))!.totals.commitments;
        return { counts, commitments };
      } finally {
        await other.close();
      }
    };
    const small = await measure({ objectives: 1, commitmentsEach: 2, risks: 1 });
    const large = await measure({ objectives: 6, commitmentsEach: 10, risks: 20 });
    expect(small.commitments).toBe(2);
    expect(large.commitments).toBe(60);
    expect(large.counts).toEqual(small.counts);
    // Two plans' read models on the first call; after that, one check of the data version each.
    expect(Math.max(...small.counts)).toBeLessThanOrEqual(24);
    expect(small.counts.slice(1)).toEqual([1, 1, 1, 1, 1]);
  });
});

describe("the partner plan page's documents", () => {
  it("links to every format, each of which answers", async () => {
    const page = await coordinator.get("/partners/plans/2023-24").expect(200);
    const links = [...page.text.matchAll(/href="(\/partners\/plans\/2023-24\/[^"]+)"/g)].map((m) =>
      m[1]!.replaceAll("&amp;", "&"),
    );
    expect(links).toEqual(
      expect.arrayContaining([
        "/partners/plans/2023-24/print",
        "/partners/plans/2023-24/plan.pdf",
        "/partners/plans/2023-24/plan.docx",
        "/partners/plans/2023-24/reviews.csv",
        "/partners/plans/2023-24/manage",
      ]),
    );
    for (const link of links) expect((await coordinator.get(link)).status, link).toBe(200);
  });
});
