// The published plan on the public site: objectives, commitments, lead agencies, quarterly
// statuses as worded tags, risks; unpublished or unknown years are 404; and the read model makes
// the same number of queries whatever the plan's size.
import type { RequestListener } from "node:http";
import { JSDOM } from "jsdom";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { seed } from "../../src/db/seed.ts";
import { joinNames, planPeriod, planService, quarterMonths } from "../../src/services/plan/plans.ts";
import { axeViolations, htmlErrors } from "../helpers/accessibility.ts";
import { testApp } from "../helpers/app.ts";
import { countingPrisma } from "../helpers/counting-prisma.ts";
import { testDatabase } from "../helpers/database.ts";

let db: Database;
let app: RequestListener;
beforeAll(async () => {
  db = await testDatabase();
  await seed(db.prisma, { production: false, demoPassword: "correct horse battery staple" });
  ({ app } = testApp(db));
});
afterAll(async () => db.close());

const text = (el: Element | null | undefined) => (el?.textContent ?? "").replace(/\s+/g, " ").trim();

async function planPage(url = "/plan/2023-24") {
  const res = await request(app).get(url).expect(200);
  return new JSDOM(res.text).window.document;
}

/** The card of a commitment or risk by its title ("Commitment 1.2", "Risk 3"). */
function card(doc: Document, title: string) {
  const cards = [...doc.querySelectorAll(".govuk-summary-card")];
  const found = cards.find((c) => text(c.querySelector(".govuk-summary-card__title")) === title);
  if (!found) throw new Error(`no card "${title}"`);
  const row = (key: string) =>
    [...found.querySelectorAll(".govuk-summary-list__row")].find(
      (r) => text(r.querySelector(".govuk-summary-list__key")) === key,
    );
  return {
    value: (key: string) => text(row(key)?.querySelector(".govuk-summary-list__value")),
    /** Each quarter's tag: [words, classes]. */
    quarters: () =>
      [...(row("Progress")?.querySelectorAll(".govuk-tag") ?? [])].map((t) => [text(t), t.className] as const),
  };
}

describe("the published plan page", () => {
  it("shows the current plan at /plan and at its own address", async () => {
    for (const url of ["/plan", "/plan/2023-24"]) {
      const doc = await planPage(url);
      expect(text(doc.querySelector("h1"))).toBe("Hate Crime Plan 2023/24");
      expect(text(doc.querySelector("main"))).toContain("April 2023 to March 2024");
      expect(text(doc.querySelector("main"))).toContain("A North Somerset that embraces difference");
    }
  });

  it("shows each objective with its commitments and lead agencies", async () => {
    const doc = await planPage();
    const objectives = [...doc.querySelectorAll("main h3[id^=objective-]")].map(text);
    expect(objectives).toEqual([
      "Objective 1: To ensure an effective response to hate crime and hate incidents in North Somerset Communities.",
      "Objective 2: To ensure communities know what hate crime is, how to report it, the support available and to challenge hate crime against others.",
      "Objective 3: To promote and celebrate the diversity and contributions by all communities in North Somerset.",
    ]);
    expect(card(doc, "Commitment 1.1").value("What we will do")).toBe(
      "To set-up and establish a Hate Crime Review Panel process to ensure hate crimes are investigated and support has been offered",
    );
    expect(card(doc, "Commitment 1.1").value("Who leads it")).toBe("North Somerset Council");
    expect(card(doc, "Commitment 1.2").value("Who leads it")).toBe(
      "Avon and Somerset Police and Stand Against Racism and Inequality",
    );
    expect(card(doc, "Commitment 2.1").value("Who leads it")).toBe("All agencies");
    expect(card(doc, "Commitment 3.3").value("What we will do")).toBe(
      "Develop a communications campaign to celebrate North Somerset's diversity",
    );
  });

  it("shows each quarter's status as a word, with colour as a second cue", async () => {
    const commitment = await db.prisma.commitment.findFirstOrThrow({
      where: { text: { startsWith: "Develop use of Restorative Justice" } },
    });
    const police = await db.prisma.agency.findUniqueOrThrow({ where: { code: "Police" } });
    await db.prisma.review.createMany({
      data: (["COMPLETE", "GREEN", "AMBER", "RED"] as const).map((status, i) => ({
        commitmentId: commitment.id,
        quarter: i + 1,
        agencyId: police.id,
        status,
      })),
    });
    try {
      const doc = await planPage();
      expect(card(doc, "Commitment 1.2").quarters()).toEqual([
        ["Complete", "govuk-tag govuk-tag--blue"],
        ["Green", "govuk-tag govuk-tag--green"],
        ["Amber", "govuk-tag govuk-tag--yellow"],
        ["Red", "govuk-tag govuk-tag--red"],
      ]);
      expect(card(doc, "Commitment 1.1").quarters()).toEqual(
        // Every 2023/24 quarter has started: a quarter nobody reviewed says so, not "Not started".
        Array.from({ length: 4 }, () => ["No update", "govuk-tag rhins-tag--none"]),
      );
      expect(card(doc, "Commitment 1.2").value("Progress")).toContain("Quarter 1 (April to June 2023) Complete");
      expect(card(doc, "Commitment 1.2").value("Progress")).toContain("Quarter 4 (January to March 2024) Red");
      const key = text(doc.querySelector("#key + ul"));
      expect(key).toContain("Amber means there are some problems");
    } finally {
      await db.prisma.review.deleteMany({ where: { commitmentId: commitment.id } });
    }
  });

  it("shows each risk with its owner, mitigation, rating and quarterly status", async () => {
    const risk = await db.prisma.risk.findFirstOrThrow({
      where: { description: "Lack of uptake of support services" },
    });
    await db.prisma.review.create({
      data: { riskId: risk.id, quarter: 2, agencyId: risk.ownerAgencyId!, status: "GREEN" },
    });
    try {
      const doc = await planPage();
      const second = card(doc, "Risk 2");
      expect(second.value("The risk")).toBe("Lack of uptake of support services");
      expect(second.value("What we will do")).toBe("Implement new case Review Panel to review hate crime cases");
      expect(second.value("Who leads it")).toBe("Stand Against Racism and Inequality");
      expect(second.value("Rating when the plan was written")).toBe("Amber");
      expect(second.quarters().map(([words]) => words)).toEqual(["No update", "Green", "No update", "No update"]);
      expect(card(doc, "Risk 5").value("Who leads it")).toBe("All agencies");
    } finally {
      await db.prisma.review.deleteMany({ where: { riskId: risk.id } });
    }
  });

  it("shows the plan's introduction, purposes and achievements as its print view does", async () => {
    const print = new JSDOM((await request(app).get("/plan/2023-24/print").expect(200)).text).window.document;
    const whatWeDo = [...print.querySelectorAll("h3")].find((h) => text(h) === "What we do")!;
    const introduction = text(whatWeDo.nextElementSibling);
    const purposes = [...whatWeDo.parentElement!.querySelectorAll("ul.govuk-list--bullet li")].map(text);
    const achievementsHeading = text(
      [...print.querySelectorAll("h2")].find((h) => text(h).startsWith("Our achievements")),
    );
    const achievements = [...print.querySelectorAll("h3.rhins-document__achievement")].flatMap((h) => [
      text(h),
      text(h.nextElementSibling),
    ]);
    // The print view has them all (from the seed), so the comparison below compares something.
    const plan = await db.prisma.plan.findUniqueOrThrow({
      where: { startYear: 2023 },
      include: { purposes: true, achievements: true },
    });
    expect(introduction).toBe(plan.introduction);
    expect(purposes).toHaveLength(plan.purposes.length);
    expect(plan.purposes.length).toBeGreaterThan(0);
    expect(achievements).toHaveLength(plan.achievements.length * 2);
    expect(plan.achievements.length).toBeGreaterThan(0);
    expect(achievementsHeading).toBe("Our achievements in 2022/23");

    const doc = await planPage();
    const main = text(doc.querySelector("main"));
    const expected = [
      "What we do",
      introduction,
      "The purpose of RHINS is to:",
      ...purposes,
      achievementsHeading,
      ...achievements,
    ];
    let from = 0;
    for (const words of expected) {
      const at = main.indexOf(words, from);
      expect(at, `"${words}" after the text before it`).toBeGreaterThanOrEqual(0);
      from = at + words.length;
    }
    // Under their own headings, linked from "On this page".
    expect(text(doc.querySelector("h2#what-we-do"))).toBe("What we do");
    expect(text(doc.querySelector("h2#achievements"))).toBe(achievementsHeading);
    expect(text(doc.querySelector('a[href="#achievements"]'))).toBe(achievementsHeading);
    expect(doc.querySelector('a[href="#what-we-do"]')).not.toBeNull();
    expect([...doc.querySelectorAll("h2#achievements ~ h3")].slice(0, plan.achievements.length).map(text)).toEqual(
      achievements.filter((_, i) => i % 2 === 0),
    );
  });

  it("says when the plan was last updated: the latest change to the plan or any of its reviews", async () => {
    const lastUpdated = async () => {
      const time = (await planPage()).querySelector("main time");
      return { text: text(time?.parentElement), datetime: time?.getAttribute("datetime") };
    };
    const plan = await db.prisma.plan.findUniqueOrThrow({ where: { startYear: 2023 } });
    const reviews = await db.prisma.review.findMany({
      where: { OR: [{ commitment: { objective: { planId: plan.id } } }, { risk: { planId: plan.id } }] },
      orderBy: { updatedAt: "desc" },
    });
    const seeded = [plan.updatedAt, ...reviews.map((r) => r.updatedAt)].reduce((a, b) => (b > a ? b : a));
    expect(await lastUpdated()).toEqual({
      text: `Last updated ${new Intl.DateTimeFormat("en-GB", { dateStyle: "long", timeZone: "Europe/London" }).format(seeded)}`,
      datetime: seeded.toISOString(),
    });

    const commitment = await db.prisma.commitment.findFirstOrThrow({ where: { objective: { planId: plan.id } } });
    const agency = await db.prisma.agency.findFirstOrThrow();
    const original = await db.prisma.review.findFirst({ where: { commitmentId: commitment.id, quarter: 4 } });
    // A review saved late on 30 June 2031, UK time (23:30 BST is 22:30 UTC the same day)...
    const review = await db.prisma.review.upsert({
      where: { id: original?.id ?? 0 },
      update: { updatedAt: new Date("2031-06-30T22:30:00Z") },
      create: {
        commitmentId: commitment.id,
        agencyId: agency.id,
        quarter: 4,
        status: "GREEN",
        commentary: "On track",
        updatedAt: new Date("2031-06-30T22:30:00Z"),
      },
    });
    try {
      expect(await lastUpdated()).toEqual({ text: "Last updated 30 June 2031", datetime: "2031-06-30T22:30:00.000Z" });
      // ...and then the plan itself changed, after midnight in the UK (23:10 UTC is 00:10 BST).
      await db.prisma.plan.update({
        where: { id: plan.id },
        data: { updatedAt: new Date("2031-07-01T23:10:00Z") },
      });
      expect((await lastUpdated()).text).toBe("Last updated 2 July 2031");
      await db.prisma.plan.update({ where: { id: plan.id }, data: { updatedAt: new Date("2031-07-01T22:50:00Z") } });
      expect((await lastUpdated()).text).toBe("Last updated 1 July 2031");
    } finally {
      if (original)
        await db.prisma.review.update({ where: { id: review.id }, data: { updatedAt: original.updatedAt } });
      else await db.prisma.review.delete({ where: { id: review.id } });
      await db.prisma.plan.update({ where: { id: plan.id }, data: { updatedAt: plan.updatedAt } });
    }
    expect((await lastUpdated()).datetime).toBe(seeded.toISOString());
  });

  it("leaves out retired commitments and risks", async () => {
    const commitment = await db.prisma.commitment.findFirstOrThrow({
      where: { text: { startsWith: "Implement a new dedicated Community Tension" } },
    });
    await db.prisma.commitment.update({ where: { id: commitment.id }, data: { retiredAt: new Date() } });
    try {
      const res = await request(app).get("/plan/2023-24").expect(200);
      expect(res.text).not.toContain("Community Tension monitoring");
    } finally {
      await db.prisma.commitment.update({ where: { id: commitment.id }, data: { retiredAt: null } });
    }
  });

  it("escapes text from the database", async () => {
    await db.prisma.objective.updateMany({ where: { number: 3 }, data: { title: "<b>Celebrate</b> & promote" } });
    try {
      const res = await request(app).get("/plan/2023-24").expect(200);
      expect(res.text).toContain("&lt;b&gt;Celebrate&lt;/b&gt; &amp; promote");
    } finally {
      await db.prisma.objective.updateMany({
        where: { number: 3 },
        data: {
          title: "To promote and celebrate the diversity and contributions by all communities in North Somerset.",
        },
      });
    }
  });
});

describe("plans that cannot be shown", () => {
  it.each([
    ["a year with no plan", "/plan/2024-25"],
    ["a year that does not follow on", "/plan/2023-25"],
    ["words", "/plan/latest"],
    ["a year on its own", "/plan/2023"],
    ["a 5,000-character year", `/plan/${"9".repeat(5_000)}`],
    ["a query string", `/plan/2030-31?year=${"x".repeat(5_000)}`],
  ])("gives 404 for %s", async (_label, url) => {
    const res = await request(app).get(url).expect(404);
    expect(res.text).toContain("Page not found");
  });

  it("gives 404 for an unpublished plan, at its address and at /plan", async () => {
    await db.prisma.plan.update({ where: { startYear: 2023 }, data: { status: "DRAFT" } });
    try {
      const year = await request(app).get("/plan/2023-24").expect(404);
      expect(year.text).toContain("Page not found");
      const current = await request(app).get("/plan").expect(404);
      expect(current.text).toContain("Our plan will be published here");
      const home = await request(app).get("/").expect(200);
      expect(home.text).not.toContain("Hate Crime Plan 2023/24");
    } finally {
      await db.prisma.plan.update({ where: { startYear: 2023 }, data: { status: "PUBLISHED" } });
    }
  });

  it("links to the other published years", async () => {
    const draft = await db.prisma.plan.create({
      data: { startYear: 2022, title: "Hate Crime Plan 2022/23", vision: "An earlier vision", status: "PUBLISHED" },
    });
    try {
      const doc = await planPage("/plan/2023-24");
      expect(doc.querySelector('a[href="/plan/2022-23"]')).not.toBeNull();
      const older = await planPage("/plan/2022-23");
      expect(text(older.querySelector("h1"))).toBe("Hate Crime Plan 2022/23");
      expect(text(older.querySelector("main"))).toContain("There is nothing in this part of the plan yet.");
      // A plan with no introduction, purposes or achievements yet says so, with no empty section.
      expect(older.querySelector("#what-we-do")).toBeNull();
      expect(text(older.querySelector("h2#achievements"))).toBe("Our achievements in 2021/22");
      expect(text(older.querySelector("h2#achievements")?.nextElementSibling)).toBe("None recorded.");
      const html = (await request(app).get("/plan/2022-23").expect(200)).text;
      expect(await axeViolations(html)).toEqual([]);
      expect(await htmlErrors(html)).toEqual([]);
    } finally {
      await db.prisma.plan.delete({ where: { id: draft.id } });
    }
  });
});

describe("the published plan read model", () => {
  /** The service on a client that counts every database operation it makes. */
  function countingPlans() {
    const { client, count } = countingPrisma(db.prisma);
    return { plans: planService(client), count };
  }

  it("returns undefined for a missing or unpublished plan", async () => {
    const plans = planService(db.prisma);
    expect(await plans.publishedPlan(1999)).toBeUndefined();
    const draft = await db.prisma.plan.create({ data: { startYear: 2031, title: "Draft", vision: "v" } });
    try {
      expect(await plans.publishedPlan(2031)).toBeUndefined();
    } finally {
      await db.prisma.plan.delete({ where: { id: draft.id } });
    }
  });

  it("makes the same number of queries for a plan ten times the size", async () => {
    const { plans, count } = countingPlans();
    const small = await count(() => plans.publishedPlan(2023));
    expect(small.result?.objectives.flatMap((o) => o.commitments)).toHaveLength(8);

    const plan = await db.prisma.plan.findUniqueOrThrow({ where: { startYear: 2023 } });
    const agencies = await db.prisma.agency.findMany();
    const added: number[] = [];
    for (let o = 0; o < 6; o += 1) {
      const objective = await db.prisma.objective.create({
        data: {
          planId: plan.id,
          number: 10 + o,
          title: `Extra objective ${o}`,
          commitments: {
            create: Array.from({ length: 12 }, (_, position) => ({
              position,
              text: `Extra commitment ${o}.${position}`,
              leads: { create: agencies.slice(0, 1 + (position % agencies.length)).map((a) => ({ agencyId: a.id })) },
            })),
          },
        },
        include: { commitments: true },
      });
      added.push(objective.id);
      await db.prisma.review.createMany({
        data: objective.commitments.flatMap((c) =>
          [1, 2, 3, 4].map((quarter) => ({
            commitmentId: c.id,
            quarter,
            agencyId: agencies[0]!.id,
            status: "GREEN" as const,
          })),
        ),
      });
    }
    const risks = await db.prisma.risk.createManyAndReturn({
      data: Array.from({ length: 20 }, (_, i) => ({
        planId: plan.id,
        position: 10 + i,
        description: `Extra risk ${i}`,
        mitigation: "Watch it",
        ownerAgencyId: agencies[i % agencies.length]!.id,
      })),
    });
    await db.prisma.review.createMany({
      data: risks.map((r) => ({ riskId: r.id, quarter: 1, agencyId: r.ownerAgencyId!, status: "RED" as const })),
    });

    try {
      const large = await count(() => plans.publishedPlan(2023));
      const commitments = large.result!.objectives.flatMap((o) => o.commitments);
      expect(commitments).toHaveLength(8 + 6 * 12);
      expect(large.result!.risks).toHaveLength(5 + 20);
      expect(commitments.at(-1)?.quarters.map((q) => q.status)).toEqual(["GREEN", "GREEN", "GREEN", "GREEN"]);
      expect(commitments.at(-1)?.number).toBe("15.12");
      expect(large.result!.risks.at(-1)?.quarters[0]?.status).toBe("RED");
      expect(large.operations).toBe(small.operations);
      expect(small.operations).toBeLessThanOrEqual(12); // the data version, the plan, 10 kinds of row
    } finally {
      await db.prisma.review.deleteMany({ where: { riskId: { in: risks.map((r) => r.id) } } });
      await db.prisma.risk.deleteMany({ where: { id: { in: risks.map((r) => r.id) } } });
      await db.prisma.review.deleteMany({ where: { commitment: { objectiveId: { in: added } } } });
      await db.prisma.objective.deleteMany({ where: { id: { in: added } } });
    }
  });
});

describe("plan year wording", () => {
  it("names the months of each quarter and the plan's period", () => {
    expect(quarterMonths(2023, 1)).toBe("April to June 2023");
    expect(quarterMonths(2023, 4)).toBe("January to March 2024");
    expect(planPeriod(2023)).toBe("April 2023 to March 2024");
  });

  it("joins agency names as a sentence", () => {
    expect(joinNames([])).toBe("");
    expect(joinNames(["NSC"])).toBe("NSC");
    expect(joinNames(["NSC", "Police"])).toBe("NSC and Police");
    expect(joinNames(["NSC", "Police", "SARI"])).toBe("NSC, Police and SARI");
  });
});
