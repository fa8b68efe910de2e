// "Are you sure?" before the plan actions that are hard to take back: unpublishing, rolling over,
// closing a quarter with updates missing (the page lists them) and deleting a plan. A draft with
// no reviews, such as one rolled over by mistake, can be deleted; a plan with reviews or a
// published one cannot. Each page changes nothing; only its confirming POST does.
import type { RequestListener } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { seed } from "../../src/db/seed.ts";
import { axeViolations, htmlErrors } from "../helpers/accessibility.ts";
import { testApp } from "../helpers/app.ts";
import { testDatabase } from "../helpers/database.ts";
import { type Agent, createPartners, csrfToken, signIn, submit } from "../helpers/partners.ts";

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

const SEEDED = "/partners/plans/2023-24";
const NEXT = "/partners/plans/2024-25";

async function accessible(html: string) {
  expect(await axeViolations(html)).toEqual([]);
  expect(await htmlErrors(html)).toEqual([]);
}

/** Everything a plan action could change. */
async function tables() {
  const p = db.prisma;
  const byId = { orderBy: { id: "asc" as const } };
  return {
    plans: await p.plan.findMany(byId),
    quarters: await p.planQuarter.findMany({ orderBy: [{ planId: "asc" }, { quarter: "asc" }] }),
    objectives: await p.objective.findMany(byId),
    commitments: await p.commitment.findMany(byId),
    risks: await p.risk.findMany(byId),
    reviews: await p.review.findMany(byId),
    audit: await p.auditEvent.count(),
  };
}

/** Opens a confirmation page: accessible, a warning button, a way back, and nothing changed. */
async function confirmation(path: string, agent = coordinator) {
  const before = await tables();
  const page = await agent.get(path);
  expect(page.status, path).toBe(200);
  await accessible(page.text);
  expect(page.text).toContain("govuk-button--warning");
  expect(page.text).toMatch(/<a class="govuk-link" href="[^"]+">Cancel<\/a>/);
  expect(await tables()).toEqual(before);
  return page;
}

const confirm = (path: string, page: { text: string }, fields: Record<string, string> = {}) =>
  coordinator
    .post(path)
    .type("form")
    .send({ ...fields, _csrf: csrfToken(page.text) });

describe("unpublishing a plan", () => {
  it("asks first, saying what will happen; the confirming post unpublishes", async () => {
    const manage = await coordinator.get(`${SEEDED}/manage`);
    expect(manage.text).toContain(`href="${SEEDED}/unpublish"`);
    expect(manage.text).not.toContain(`action="${SEEDED}/unpublish"`);
    const page = await confirmation(`${SEEDED}/unpublish`);
    expect(page.text).toContain("Are you sure you want to unpublish the 2023/24 plan?");
    expect(page.text).toContain("The public will no longer see it at /plan/2023-24");
    expect((await db.prisma.plan.findUniqueOrThrow({ where: { startYear: 2023 } })).status).toBe("PUBLISHED");

    const res = await confirm(`${SEEDED}/unpublish`, page);
    expect(res.status).toBe(302);
    expect((await db.prisma.plan.findUniqueOrThrow({ where: { startYear: 2023 } })).status).toBe("DRAFT");
    // A draft has nothing to unpublish: the page goes back.
    expect((await coordinator.get(`${SEEDED}/unpublish`)).status).toBe(302);
    expect((await submit(coordinator, `${SEEDED}/manage`, {}, `${SEEDED}/publish`)).status).toBe(302);
  });
});

describe("rolling a plan over, and deleting the roll-over", () => {
  it("asks before rolling over, then a draft with no reviews can be deleted, audited", async () => {
    const manage = await coordinator.get(`${SEEDED}/manage`);
    expect(manage.text).toContain(`href="${SEEDED}/rollover"`);
    // The seeded plan has reviews and is published: no delete offered.
    expect(manage.text).not.toContain(`href="${SEEDED}/delete"`);

    const page = await confirmation(`${SEEDED}/rollover`);
    expect(page.text).toContain("Are you sure you want to draft the 2024/25 plan from this one?");
    expect(await db.prisma.plan.findUnique({ where: { startYear: 2024 } })).toBeNull();
    const rolled = await confirm(`${SEEDED}/rollover`, page);
    expect(rolled.status).toBe(302);
    expect(rolled.headers.location).toBe(`${NEXT}/manage`);
    const next = await db.prisma.plan.findUniqueOrThrow({ where: { startYear: 2024 } });

    const nextManage = await coordinator.get(`${NEXT}/manage`);
    expect(nextManage.text).toContain(`href="${NEXT}/delete"`);
    await accessible(nextManage.text);

    // An officer may neither see the page nor delete.
    const officer = await signIn(app, partners.officer.email);
    expect((await officer.get(`${NEXT}/delete`)).status).toBe(403);
    const officerToken = csrfToken((await officer.get("/partners/plans")).text);
    expect((await officer.post(`${NEXT}/delete`).type("form").send({ _csrf: officerToken })).status).toBe(403);
    expect(await db.prisma.plan.findUnique({ where: { startYear: 2024 } })).not.toBeNull();

    const del = await confirmation(`${NEXT}/delete`);
    expect(del.text).toContain("Are you sure you want to delete the 2024/25 plan?");
    const seededBefore = await db.prisma.commitment.count({ where: { objective: { plan: { startYear: 2023 } } } });
    const deleted = await confirm(`${NEXT}/delete`, del);
    expect(deleted.status).toBe(302);
    expect(deleted.headers.location).toBe("/partners/plans");
    expect(await db.prisma.plan.findUnique({ where: { startYear: 2024 } })).toBeNull();
    expect(await db.prisma.objective.count({ where: { planId: next.id } })).toBe(0);
    expect(await db.prisma.commitment.count({ where: { objective: { plan: { startYear: 2023 } } } })).toBe(
      seededBefore,
    );
    const event = await db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "plan.deleted" },
      orderBy: { id: "desc" },
    });
    expect(event).toMatchObject({ actorId: partners.coordinator.id, entityType: "Plan", entityId: String(next.id) });
    expect(event.before).toMatchObject({ startYear: 2024, status: "DRAFT" });
    expect((await coordinator.get("/partners/plans")).text).toContain("The 2024/25 plan has been deleted");
    // And the year can be rolled over again.
    expect((await confirm(`${SEEDED}/rollover`, await coordinator.get(`${SEEDED}/rollover`))).status).toBe(302);
  });

  it("refuses to delete a plan with reviews, or a published plan, and changes nothing", async () => {
    // Published.
    const published = await coordinator.get(`${SEEDED}/delete`);
    expect(published.status).toBe(200);
    expect(published.text).toContain("You cannot delete this plan");
    expect(published.text).toContain("Only a draft plan can be deleted");
    expect(published.text).not.toContain("govuk-button--warning");
    let before = await tables();
    let res = await confirm(`${SEEDED}/delete`, published);
    expect(res.status).toBe(409);
    expect(await tables()).toEqual(before);

    // A draft with one review.
    const commitment = await db.prisma.commitment.findFirstOrThrow({
      where: { objective: { plan: { startYear: 2024 } } },
      include: { leads: true },
    });
    const agencyId = commitment.leads[0]?.agencyId ?? partners.officer.agencyId!;
    await db.prisma.review.create({
      data: { commitmentId: commitment.id, quarter: 1, agencyId, status: "GREEN", version: 1 },
    });
    const reviewed = await coordinator.get(`${NEXT}/delete`);
    expect(reviewed.text).toContain("This plan has quarterly reviews, so it cannot be deleted");
    expect((await coordinator.get(`${NEXT}/manage`)).text).not.toContain(`href="${NEXT}/delete"`);
    before = await tables();
    res = await confirm(`${NEXT}/delete`, reviewed);
    expect(res.status).toBe(409);
    await accessible(res.text);
    expect(await tables()).toEqual(before);
  });
});

describe("closing a quarter", () => {
  it("with updates missing asks first, listing them; the confirming post closes it", async () => {
    const key = {
      planId_quarter: {
        planId: (await db.prisma.plan.findUniqueOrThrow({ where: { startYear: 2024 } })).id,
        quarter: 2,
      },
    };
    const pressed = await submit(coordinator, `${NEXT}/manage`, {}, `${NEXT}/quarters/2/close`);
    expect(pressed.status).toBe(303);
    expect(pressed.headers.location).toBe(`${NEXT}/quarters/2/close`);
    expect((await db.prisma.planQuarter.findUniqueOrThrow({ where: key })).closedAt).toBeNull();

    const page = await confirmation(`${NEXT}/quarters/2/close`);
    expect(page.text).toContain("Are you sure you want to close quarter 2?");
    expect(page.text).toContain("Still to update");
    // Every commitment and risk of the plan, with who has not updated it.
    const first = await db.prisma.commitment.findFirstOrThrow({
      where: { objective: { plan: { startYear: 2024 }, number: 1 } },
      orderBy: { position: "asc" },
    });
    expect(page.text).toContain(`Commitment 1.1: ${first.text.replaceAll("'", "&#39;")} (waiting for`);
    expect(page.text).toContain("Risk 1:");

    const closed = await confirm(`${NEXT}/quarters/2/close`, page, { confirmed: "yes" });
    expect(closed.status).toBe(302);
    expect((await db.prisma.planQuarter.findUniqueOrThrow({ where: key })).closedAt).toBeInstanceOf(Date);
  });

  it("with nothing missing closes at once", async () => {
    await submit(coordinator, "/partners/plans", { startYear: "2040" });
    const plan = await db.prisma.plan.findUniqueOrThrow({ where: { startYear: 2040 } });
    const res = await submit(
      coordinator,
      "/partners/plans/2040-41/manage",
      {},
      "/partners/plans/2040-41/quarters/1/close",
    );
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe("/partners/plans/2040-41/manage");
    const q = await db.prisma.planQuarter.findUniqueOrThrow({
      where: { planId_quarter: { planId: plan.id, quarter: 1 } },
    });
    expect(q.closedAt).toBeInstanceOf(Date);
  });
});
