// Coordinators run the plan through the forms: create a year's plan, fill it in, reorder, retire,
// delete (refused once there are reviews), publish, close quarters, set deadlines and roll over.
// Every refused request is shown to store nothing by comparing the tables before and after.
import type { RequestListener } from "node:http";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { seed } from "../../src/db/seed.ts";
import type { RagStatus } from "../../src/generated/prisma/enums.ts";
import { planAdminRoutes } from "../../src/routes/partners/plan/admin/index.ts";
import { defaultDeadline } from "../../src/services/plan/year.ts";
import { axeViolations, htmlErrors } from "../helpers/accessibility.ts";
import { testApp } from "../helpers/app.ts";
import { testDatabase } from "../helpers/database.ts";
import { type Agent, createPartners, csrfToken, signIn, submit } from "../helpers/partners.ts";

let db: Database;
let app: RequestListener;
let built: ReturnType<typeof testApp>;
let partners: Awaited<ReturnType<typeof createPartners>>;
let coordinator: Agent;
let agency: Record<"NSC" | "Police" | "SARI", number>;

beforeAll(async () => {
  db = await testDatabase();
  await seed(db.prisma, { production: true });
  partners = await createPartners(db);
  built = testApp(db);
  app = built.app;
  coordinator = await signIn(app, partners.coordinator.email);
  const agencies = await db.prisma.agency.findMany();
  const idOf = (code: string) => agencies.find((a) => a.code === code)!.id;
  agency = { NSC: idOf("NSC"), Police: idOf("Police"), SARI: idOf("SARI") };
});
afterAll(async () => db.close());

const NEW_YEAR = 2030; // "2030-31": made from nothing in these tests
const NEW = "/partners/plans/2030-31";
const SEEDED = "/partners/plans/2023-24";

/** Everything the plan administration can change, to show a refused request changed nothing. */
async function tables() {
  const p = db.prisma;
  const byId = { orderBy: { id: "asc" as const } };
  return {
    plans: await p.plan.findMany(byId),
    purposes: await p.purpose.findMany(byId),
    achievements: await p.achievement.findMany(byId),
    quarters: await p.planQuarter.findMany({ orderBy: [{ planId: "asc" }, { quarter: "asc" }] }),
    objectives: await p.objective.findMany(byId),
    commitments: await p.commitment.findMany(byId),
    leads: await p.commitmentLead.findMany({ orderBy: [{ commitmentId: "asc" }, { agencyId: "asc" }] }),
    risks: await p.risk.findMany(byId),
    reviews: await p.review.findMany(byId),
    audit: await p.auditEvent.count(),
  };
}

/** Asserts a page has no axe violations and is valid HTML. */
async function accessible(html: string) {
  expect(await axeViolations(html)).toEqual([]);
  expect(await htmlErrors(html)).toEqual([]);
}

/** Opens a form page (checked for accessibility unless told not to), then submits it. */
async function fill(page: string, fields: Record<string, string | string[]>, check = true) {
  const form = await coordinator.get(page);
  expect(form.status, page).toBe(200);
  if (check) await accessible(form.text);
  return coordinator
    .post(page)
    .type("form")
    .send({ ...fields, _csrf: csrfToken(form.text) });
}

/** Posts an action button's form (move, retire, publish...) from the management page. */
async function press(action: string, agent: Agent = coordinator, from = `${NEW}/manage`) {
  return submit(agent, from, {}, action);
}

const newPlan = () => db.prisma.plan.findUniqueOrThrow({ where: { startYear: NEW_YEAR } });
const lastAudit = (action: string) =>
  db.prisma.auditEvent.findFirstOrThrow({ where: { action }, orderBy: { id: "desc" } });

async function objectivesOf(startYear: number) {
  return db.prisma.objective.findMany({
    where: { plan: { startYear } },
    orderBy: { number: "asc" },
    include: { commitments: { orderBy: { position: "asc" }, include: { leads: true } } },
  });
}

describe("setting up a plan from nothing", () => {
  it("creates, fills in and publishes a plan through the forms; the public sees it only when published", async () => {
    const list = await coordinator.get("/partners/plans");
    expect(list.status).toBe(200);
    expect(list.text).toContain("Create a plan");
    await accessible(list.text);

    const created = await fill("/partners/plans", { startYear: String(NEW_YEAR) });
    expect(created.status).toBe(302);
    expect(created.headers.location).toBe(`${NEW}/manage`);
    const plan = await newPlan();
    expect(plan).toMatchObject({ title: "Hate Crime Plan 2030/31", status: "DRAFT", publishedAt: null });
    const quarters = await db.prisma.planQuarter.findMany({ where: { planId: plan.id }, orderBy: { quarter: "asc" } });
    expect(quarters.map((q) => [q.quarter, q.deadline, q.closedAt])).toEqual(
      ([1, 2, 3, 4] as const).map((q) => [q, defaultDeadline(NEW_YEAR, q), null]),
    );
    expect((await lastAudit("plan.created")).actorId).toBe(partners.coordinator.id);

    const manage = await coordinator.get(`${NEW}/manage`);
    expect(manage.status).toBe(200);
    expect(manage.text).toContain("Hate Crime Plan 2030/31 created as a draft");
    await accessible(manage.text);
    expect((await request(app).get("/plan/2030-31")).status).toBe(404);

    expect(
      (
        await fill(`${NEW}/details`, {
          title: "Hate Crime Plan 2030/31",
          strapline: "Standing together against hate",
          vision: "A North Somerset where everyone feels safe to be themselves.",
          introduction: "This plan sets out what the partnership will do this year.",
        })
      ).status,
    ).toBe(302);
    expect(await newPlan()).toMatchObject({ strapline: "Standing together against hate" });

    for (const text of ["Raise awareness of hate crime", "Support people affected by hate"])
      expect((await fill(`${NEW}/purposes/new`, { text })).status).toBe(302);
    expect(
      (
        await fill(`${NEW}/achievements/new`, {
          title: "Reporting centres opened",
          description: "Three new centres in Weston.",
        })
      ).status,
    ).toBe(302);
    for (const title of ["Increase reporting", "Support victims"])
      expect((await fill(`${NEW}/objectives/new`, { title })).status).toBe(302);
    const [first, second] = await objectivesOf(NEW_YEAR);
    expect([first!.number, second!.number]).toEqual([1, 2]);

    const addCommitment = (objectiveId: number, text: string, leads: string[]) =>
      fill(`${NEW}/objectives/${objectiveId}/commitments/new`, { text, leads });
    expect(
      (await addCommitment(first!.id, "Run hate crime awareness sessions", [agency.Police, agency.SARI].map(String)))
        .status,
    ).toBe(302);
    expect((await addCommitment(first!.id, "Share reporting routes", ["ALL"])).status).toBe(302);
    expect((await addCommitment(second!.id, "Fund a victim support worker", [String(agency.NSC)])).status).toBe(302);
    const [o1, o2] = await objectivesOf(NEW_YEAR);
    expect(o1!.commitments.map((c) => [c.position, c.allAgencies, c.leads.map((l) => l.agencyId).sort()])).toEqual([
      [0, false, [agency.Police, agency.SARI].sort()],
      [1, true, []],
    ]);
    expect(o2!.commitments.map((c) => c.leads.map((l) => l.agencyId))).toEqual([[agency.NSC]]);

    expect(
      (
        await fill(`${NEW}/risks/new`, {
          description: "Under-reporting continues",
          mitigation: "Publicise third-party reporting centres",
          rating: "AMBER",
          owner: String(agency.Police),
        })
      ).status,
    ).toBe(302);
    expect(
      (
        await fill(`${NEW}/risks/new`, {
          description: "Funding ends",
          mitigation: "Seek new grants",
          rating: "RED",
          owner: "ALL",
        })
      ).status,
    ).toBe(302);
    const risks = await db.prisma.risk.findMany({ where: { planId: plan.id }, orderBy: { position: "asc" } });
    expect(risks.map((r) => [r.position, r.rating, r.ownerAgencyId])).toEqual([
      [0, "AMBER", agency.Police],
      [1, "RED", null],
    ]);

    // The management page shows everything, and stays accessible with it all in.
    const full = await coordinator.get(`${NEW}/manage`);
    for (const text of [
      "Raise awareness of hate crime",
      "Reporting centres opened",
      "Objective 2: Support victims",
      "Avon and Somerset Police and Stand Against Racism and Inequality",
      "All agencies",
      "Under-reporting continues",
      "The whole partnership",
    ])
      expect(full.text).toContain(text);
    await accessible(full.text);

    expect((await press(`${NEW}/publish`)).status).toBe(302);
    const published = await newPlan();
    expect(published.status).toBe("PUBLISHED");
    expect(published.publishedAt).toBeInstanceOf(Date);
    const event = await lastAudit("plan.published");
    expect(event).toMatchObject({ actorId: partners.coordinator.id, entityId: String(plan.id) });
    expect(event.after).toMatchObject({ status: "PUBLISHED" });

    const publicPage = await request(app).get("/plan/2030-31");
    expect(publicPage.status).toBe(200);
    for (const text of [
      "Standing together against hate",
      "Run hate crime awareness sessions",
      "Share reporting routes",
      "Fund a victim support worker",
      "Under-reporting continues",
    ])
      expect(publicPage.text).toContain(text);

    expect((await press(`${NEW}/unpublish`)).status).toBe(302);
    expect((await newPlan()).status).toBe("DRAFT");
    expect((await request(app).get("/plan/2030-31")).status).toBe(404);
    expect((await press(`${NEW}/publish`)).status).toBe(302);

    // Every change above was audited, by the coordinator.
    const actions = (await db.prisma.auditEvent.findMany({ where: { actorId: partners.coordinator.id } })).map(
      (e) => e.action,
    );
    for (const action of [
      "plan.created",
      "plan.updated",
      "purpose.added",
      "achievement.added",
      "objective.added",
      "commitment.added",
      "risk.added",
      "plan.published",
      "plan.unpublished",
    ])
      expect(actions, action).toContain(action);
    expect(actions.filter((a) => a === "commitment.added")).toHaveLength(3);
  });

  it("shows the list to every partner, but the create form and manage links only to coordinators", async () => {
    const officer = await signIn(app, partners.officer.email);
    const list = await officer.get("/partners/plans");
    expect(list.status).toBe(200);
    expect(list.text).toContain("Hate Crime Plan 2023/24");
    expect(list.text).not.toContain("Create a plan");
    expect(list.text).not.toContain("/manage");
    await accessible(list.text);
    const coord = await coordinator.get("/partners/plans");
    expect(coord.text).toContain(`${SEEDED}/manage`);
  });

  it("edits each kind of item through its form, and every edit page is accessible", async () => {
    const plan = await newPlan();
    const purpose = await db.prisma.purpose.findFirstOrThrow({ where: { planId: plan.id } });
    const achievement = await db.prisma.achievement.findFirstOrThrow({ where: { planId: plan.id } });
    const [o1] = await objectivesOf(NEW_YEAR);
    const commitment = o1!.commitments[1]!; // led by all agencies
    const risk = await db.prisma.risk.findFirstOrThrow({ where: { planId: plan.id, ownerAgencyId: null } });

    expect((await fill(`${NEW}/purposes/${purpose.id}`, { text: "Raise awareness" })).status).toBe(302);
    expect(
      (await fill(`${NEW}/achievements/${achievement.id}`, { title: "Centres opened", description: "Three." })).status,
    ).toBe(302);
    expect((await fill(`${NEW}/objectives/${o1!.id}`, { title: "Increase reporting of hate" })).status).toBe(302);
    const changed = await fill(`${NEW}/commitments/${commitment.id}`, {
      text: "Share reporting routes widely",
      leads: [String(agency.NSC)],
    });
    expect(changed.status).toBe(302);
    expect(
      (
        await fill(`${NEW}/risks/${risk.id}`, {
          description: "Funding ends",
          mitigation: "Seek new grants",
          rating: "GREEN",
          owner: String(agency.SARI),
        })
      ).status,
    ).toBe(302);

    expect((await db.prisma.purpose.findUniqueOrThrow({ where: { id: purpose.id } })).text).toBe("Raise awareness");
    expect((await db.prisma.achievement.findUniqueOrThrow({ where: { id: achievement.id } })).title).toBe(
      "Centres opened",
    );
    expect((await db.prisma.objective.findUniqueOrThrow({ where: { id: o1!.id } })).title).toBe(
      "Increase reporting of hate",
    );
    const c = await db.prisma.commitment.findUniqueOrThrow({ where: { id: commitment.id }, include: { leads: true } });
    expect([c.text, c.allAgencies, c.leads.map((l) => l.agencyId)]).toEqual([
      "Share reporting routes widely",
      false,
      [agency.NSC],
    ]);
    const r = await db.prisma.risk.findUniqueOrThrow({ where: { id: risk.id } });
    expect([r.rating, r.ownerAgencyId]).toEqual(["GREEN", agency.SARI]);

    const event = await lastAudit("commitment.updated");
    expect(event.before).toMatchObject({ allAgencies: true, agencyIds: [] });
    expect(event.after).toMatchObject({ allAgencies: false, agencyIds: [agency.NSC] });
    for (const action of ["purpose.updated", "achievement.updated", "objective.updated", "risk.updated"])
      expect((await lastAudit(action)).actorId).toBe(partners.coordinator.id);

    // Back to "All agencies" for the tests that follow.
    expect(
      (await fill(`${NEW}/commitments/${commitment.id}`, { text: "Share reporting routes", leads: ["ALL"] })).status,
    ).toBe(302);
  });
});

describe("reordering", () => {
  it("moves objectives (renumbering them), commitments, purposes, achievements and risks without gaps", async () => {
    const plan = await newPlan();
    const [o1, o2] = await objectivesOf(NEW_YEAR);
    expect((await press(`${NEW}/objectives/${o2!.id}/move-up`)).status).toBe(302);
    const after = await objectivesOf(NEW_YEAR);
    expect(after.map((o) => [o.id, o.number])).toEqual([
      [o2!.id, 1],
      [o1!.id, 2],
    ]);
    expect((await lastAudit("objective.moved")).after).toEqual({ order: [o2!.id, o1!.id] });

    // Already first: nothing changes, nothing is audited.
    const before = await tables();
    const top = await press(`${NEW}/objectives/${o2!.id}/move-up`);
    expect(top.status).toBe(302);
    expect(await tables()).toEqual(before);
    expect((await coordinator.get(`${NEW}/manage`)).text).toContain("The objective is already first");

    const [c1, c2] = o1!.commitments;
    expect((await press(`${NEW}/commitments/${c1!.id}/move-down`)).status).toBe(302);
    const moved = await db.prisma.commitment.findMany({ where: { objectiveId: o1!.id }, orderBy: { position: "asc" } });
    expect(moved.map((c) => [c.id, c.position])).toEqual([
      [c2!.id, 0],
      [c1!.id, 1],
    ]);

    // A third purpose, then the last one moved to the top: positions stay 0, 1, 2.
    await fill(`${NEW}/purposes/new`, { text: "Bring partners together" });
    const purposes = await db.prisma.purpose.findMany({ where: { planId: plan.id }, orderBy: { position: "asc" } });
    await press(`${NEW}/purposes/${purposes[2]!.id}/move-up`);
    await press(`${NEW}/purposes/${purposes[2]!.id}/move-up`);
    const reordered = await db.prisma.purpose.findMany({ where: { planId: plan.id }, orderBy: { position: "asc" } });
    expect(reordered.map((p) => [p.id, p.position])).toEqual([
      [purposes[2]!.id, 0],
      [purposes[0]!.id, 1],
      [purposes[1]!.id, 2],
    ]);

    await fill(`${NEW}/achievements/new`, { title: "Second", description: "Another." });
    const achievements = await db.prisma.achievement.findMany({
      where: { planId: plan.id },
      orderBy: { position: "asc" },
    });
    await press(`${NEW}/achievements/${achievements[0]!.id}/move-down`);
    expect(
      (await db.prisma.achievement.findMany({ where: { planId: plan.id }, orderBy: { position: "asc" } })).map(
        (a) => a.id,
      ),
    ).toEqual([achievements[1]!.id, achievements[0]!.id]);

    const risks = await db.prisma.risk.findMany({ where: { planId: plan.id }, orderBy: { position: "asc" } });
    await press(`${NEW}/risks/${risks[1]!.id}/move-up`);
    expect(
      (await db.prisma.risk.findMany({ where: { planId: plan.id }, orderBy: { position: "asc" } })).map((r) => [
        r.id,
        r.position,
      ]),
    ).toEqual([
      [risks[1]!.id, 0],
      [risks[0]!.id, 1],
    ]);

    // The public plan follows the new order.
    const page = (await request(app).get("/plan/2030-31")).text;
    expect(page.indexOf("Support victims")).toBeLessThan(page.indexOf("Increase reporting of hate"));
  });
});

describe("retiring", () => {
  it("hides a retired commitment, objective or risk from the public plan and the partners' read model", async () => {
    const [o1, o2] = await objectivesOf(NEW_YEAR);
    const commitment = o2!.commitments.find((c) => c.text === "Run hate crime awareness sessions")!;
    const risk = await db.prisma.risk.findFirstOrThrow({ where: { description: "Under-reporting continues" } });

    for (const path of [
      `${NEW}/commitments/${commitment.id}/retire`,
      `${NEW}/objectives/${o1!.id}/retire`,
      `${NEW}/risks/${risk.id}/retire`,
    ])
      expect((await press(path)).status).toBe(302);
    expect((await lastAudit("commitment.retired")).entityId).toBe(String(commitment.id));
    expect((await lastAudit("objective.retired")).entityId).toBe(String(o1!.id));
    expect((await lastAudit("risk.retired")).entityId).toBe(String(risk.id));

    const publicPage = (await request(app).get("/plan/2030-31")).text;
    expect(publicPage).not.toContain("Run hate crime awareness sessions");
    expect(publicPage).not.toContain("Fund a victim support worker"); // under the retired objective
    expect(publicPage).not.toContain("Under-reporting continues");
    expect(publicPage).toContain("Share reporting routes");

    const view = (await built.services.plans.planView(NEW_YEAR))!;
    expect(view.objectives.map((o) => o.id)).toEqual([o2!.id]);
    expect(view.objectives[0]!.commitments.map((c) => c.text)).toEqual(["Share reporting routes"]);
    expect(view.risks.map((r) => r.description)).toEqual(["Funding ends"]);
    const all = (await built.services.plans.planView(NEW_YEAR, { includeRetired: true }))!;
    expect(all.objectives.find((o) => o.id === o1!.id)!.retired).toBe(true);

    const manage = await coordinator.get(`${NEW}/manage`);
    expect(manage.text).toContain("Retired");
    await accessible(manage.text);

    for (const path of [
      `${NEW}/commitments/${commitment.id}/restore`,
      `${NEW}/objectives/${o1!.id}/restore`,
      `${NEW}/risks/${risk.id}/restore`,
    ])
      expect((await press(path)).status).toBe(302);
    const restored = (await request(app).get("/plan/2030-31")).text;
    for (const text of [
      "Run hate crime awareness sessions",
      "Fund a victim support worker",
      "Under-reporting continues",
    ])
      expect(restored).toContain(text);
    expect((await lastAudit("risk.restored")).entityId).toBe(String(risk.id));
  });
});

describe("deleting", () => {
  const review = (data: { commitmentId?: number; riskId?: number }) =>
    db.prisma.review.create({
      data: { ...data, quarter: 1, agencyId: agency.NSC, status: "GREEN", commentary: "On track", version: 1 },
    });

  it("is refused, storing nothing, once a commitment, its objective or a risk has reviews", async () => {
    const [o1] = await objectivesOf(NEW_YEAR);
    const reviewed = o1!.commitments[0]!;
    const risk = await db.prisma.risk.findFirstOrThrow({ where: { description: "Funding ends" } });
    await review({ commitmentId: reviewed.id });
    await review({ riskId: risk.id });

    for (const path of [
      `${NEW}/commitments/${reviewed.id}/delete`,
      `${NEW}/objectives/${o1!.id}/delete`,
      `${NEW}/risks/${risk.id}/delete`,
    ]) {
      const page = await coordinator.get(path);
      expect(page.status).toBe(200);
      expect(page.text).toContain("You cannot delete this");
      expect(page.text).toContain("Retire it instead");
      await accessible(page.text);
      const before = await tables();
      const res = await coordinator
        .post(path)
        .type("form")
        .send({ _csrf: csrfToken(page.text) });
      expect(res.status, path).toBe(409);
      expect(res.text).toContain("has quarterly reviews, so it cannot be deleted");
      expect(await tables()).toEqual(before);
    }
    // The management page does not offer to delete them.
    const manage = (await coordinator.get(`${NEW}/manage`)).text;
    expect(manage).not.toContain(`/commitments/${reviewed.id}/delete`);
    expect(manage).not.toContain(`/objectives/${o1!.id}/delete`);
    expect(manage).not.toContain(`/risks/${risk.id}/delete`);
  });

  it("is allowed when there are no reviews, renumbers what is left and is audited", async () => {
    const plan = await newPlan();
    await fill(`${NEW}/objectives/new`, { title: "Temporary objective" });
    await fill(`${NEW}/objectives/new`, { title: "Last objective" });
    let objectives = await objectivesOf(NEW_YEAR);
    const temporary = objectives.find((o) => o.title === "Temporary objective")!;
    expect(objectives.map((o) => o.number)).toEqual([1, 2, 3, 4]);
    await fill(`${NEW}/objectives/${temporary.id}/commitments/new`, { text: "Short-lived", leads: ["ALL"] });
    await fill(`${NEW}/objectives/${temporary.id}/commitments/new`, { text: "Also short-lived", leads: ["ALL"] });
    const [doomed, kept] = (await objectivesOf(NEW_YEAR)).find((o) => o.id === temporary.id)!.commitments;

    const confirm = await coordinator.get(`${NEW}/commitments/${doomed!.id}/delete`);
    expect(confirm.text).toContain("Are you sure you want to delete this commitment?");
    await accessible(confirm.text);
    const deleted = await coordinator
      .post(`${NEW}/commitments/${doomed!.id}/delete`)
      .type("form")
      .send({ _csrf: csrfToken(confirm.text) });
    expect(deleted.status).toBe(302);
    expect(await db.prisma.commitment.findUnique({ where: { id: doomed!.id } })).toBeNull();
    expect((await db.prisma.commitment.findUniqueOrThrow({ where: { id: kept!.id } })).position).toBe(0);
    expect((await lastAudit("commitment.deleted")).before).toMatchObject({ text: "Short-lived" });

    expect((await fill(`${NEW}/objectives/${temporary.id}/delete`, {})).status).toBe(302);
    objectives = await objectivesOf(NEW_YEAR);
    expect(objectives.map((o) => o.number)).toEqual([1, 2, 3]);
    expect(objectives.at(-1)!.title).toBe("Last objective");
    expect(await db.prisma.commitment.findUnique({ where: { id: kept!.id } })).toBeNull();
    expect((await lastAudit("objective.deleted")).before).toMatchObject({ title: "Temporary objective" });

    await fill(`${NEW}/risks/new`, { description: "Brief risk", mitigation: "None", rating: "GREEN", owner: "ALL" });
    const brief = await db.prisma.risk.findFirstOrThrow({ where: { description: "Brief risk" } });
    expect((await fill(`${NEW}/risks/${brief.id}/delete`, {})).status).toBe(302);
    expect(await db.prisma.risk.findUnique({ where: { id: brief.id } })).toBeNull();

    const purposes = await db.prisma.purpose.findMany({ where: { planId: plan.id }, orderBy: { position: "asc" } });
    expect((await fill(`${NEW}/purposes/${purposes[0]!.id}/delete`, {})).status).toBe(302);
    expect(
      (await db.prisma.purpose.findMany({ where: { planId: plan.id }, orderBy: { position: "asc" } })).map((p) => [
        p.id,
        p.position,
      ]),
    ).toEqual(purposes.slice(1).map((p, i) => [p.id, i]));
    const achievement = await db.prisma.achievement.findFirstOrThrow({ where: { planId: plan.id, title: "Second" } });
    expect((await fill(`${NEW}/achievements/${achievement.id}/delete`, {})).status).toBe(302);
    for (const action of ["risk.deleted", "purpose.deleted", "achievement.deleted"])
      expect((await lastAudit(action)).actorId).toBe(partners.coordinator.id);
  });
});

describe("quarters", () => {
  it("closes and reopens a quarter, audited", async () => {
    const plan = await newPlan();
    const key = { planId_quarter: { planId: plan.id, quarter: 2 } };
    // Updates are missing, so it asks first (tests/integration/plan-confirmations.test.ts).
    expect((await press(`${NEW}/quarters/2/close`)).status).toBe(303);
    expect((await submit(coordinator, `${NEW}/quarters/2/close`, { confirmed: "yes" })).status).toBe(302);
    expect((await db.prisma.planQuarter.findUniqueOrThrow({ where: key })).closedAt).toBeInstanceOf(Date);
    expect((await lastAudit("quarter.closed")).entityId).toBe(`${plan.id}/Q2`);
    const view = (await built.services.plans.planView(NEW_YEAR))!;
    expect(view.quarters.map((q) => q.closed)).toEqual([false, true, false, false]);
    const manage = await coordinator.get(`${NEW}/manage`);
    expect(manage.text).toContain("Reopen");
    await accessible(manage.text);

    expect((await press(`${NEW}/quarters/2/reopen`)).status).toBe(302);
    expect((await db.prisma.planQuarter.findUniqueOrThrow({ where: key })).closedAt).toBeNull();
    expect((await lastAudit("quarter.reopened")).entityId).toBe(`${plan.id}/Q2`);
  });

  it("defaults the deadline to 15 working days after the quarter ends, and changes it", async () => {
    const plan = await newPlan();
    const key = { planId_quarter: { planId: plan.id, quarter: 1 } };
    const page = await coordinator.get(`${NEW}/quarters/1`);
    expect(page.status).toBe(200);
    // Quarter 1 of 2030/31 ends on Sunday 30 June 2030; 15 working days later is Friday 19 July.
    expect(defaultDeadline(NEW_YEAR, 1).toISOString()).toBe("2030-07-19T23:59:59.000Z");
    expect(page.text).toContain("19 July 2030");
    expect(page.text).toMatch(/name="deadline-day" type="text" inputmode="numeric" value="19"/);
    await accessible(page.text);

    const saved = await fill(`${NEW}/quarters/1`, {
      "deadline-day": "1",
      "deadline-month": "8",
      "deadline-year": "2030",
    });
    expect(saved.status).toBe(302);
    expect((await db.prisma.planQuarter.findUniqueOrThrow({ where: key })).deadline!.toISOString()).toBe(
      "2030-08-01T23:59:59.000Z",
    );
    const event = await lastAudit("quarter.deadline-changed");
    expect(event.before).toEqual({ deadline: "2030-07-19T23:59:59.000Z" });
    expect(event.after).toEqual({ deadline: "2030-08-01T23:59:59.000Z" });
    expect((await coordinator.get(`${NEW}/manage`)).text).toContain("1 August 2030");
  });

  it.each([
    [{ "deadline-day": "", "deadline-month": "", "deadline-year": "" }, "Enter the deadline for updates"],
    [{ "deadline-day": "31", "deadline-month": "", "deadline-year": "2030" }, "The deadline must include a month"],
    [{ "deadline-day": "31", "deadline-month": "2", "deadline-year": "2030" }, "The deadline must be a real date"],
    [{ "deadline-day": "x", "deadline-month": "7", "deadline-year": "2030" }, "The deadline must be a real date"],
    [{ "deadline-day": "1", "deadline-month": "7", "deadline-year": "30" }, "The year must include 4 numbers"],
    [{ "deadline-day": "31", "deadline-month": "3", "deadline-year": "2030" }, "on or after 1 April 2030"],
    [{ "deadline-day": "1", "deadline-month": "7", "deadline-year": "2031" }, "on or before 30 June 2031"],
    [{ "deadline-day": "12345678901", "deadline-month": "7", "deadline-year": "2030" }, "Enter the day as a number"],
  ])("refuses the deadline %j with a message, storing nothing", async (fields, message) => {
    const before = await tables();
    const res = await fill(`${NEW}/quarters/1`, fields);
    expect(res.status).toBe(400);
    expect(res.text).toContain(message);
    expect(res.text).toContain('href="#deadline-day"');
    expect(res.text).toContain("govuk-input--error");
    await accessible(res.text);
    expect(await tables()).toEqual(before);
  });
});

describe("rolling over", () => {
  it("drafts next year's plan: copies, carries forward what is not Complete, drafts achievements", async () => {
    const source = await db.prisma.plan.findUniqueOrThrow({
      where: { startYear: 2023 },
      include: {
        purposes: true,
        risks: true,
        objectives: { orderBy: { number: "asc" }, include: { commitments: { orderBy: { position: "asc" } } } },
      },
    });
    const commitments = source.objectives.flatMap((o) => o.commitments);
    expect(commitments.length).toBeGreaterThanOrEqual(7);
    const [completeQ4, greenQ4, amberQ3, reopened, completeQ2, untouched, retired] = commitments;
    const reviews: [number, number, RagStatus, string][] = [
      [completeQ4!.id, 3, "GREEN", "Nearly there"],
      [completeQ4!.id, 4, "COMPLETE", "All sessions delivered"],
      [greenQ4!.id, 4, "GREEN", ""],
      [greenQ4!.id, 2, "AMBER", "Waiting for funding"],
      [amberQ3!.id, 3, "AMBER", "Delayed"],
      [reopened!.id, 1, "COMPLETE", "Done early"],
      [reopened!.id, 2, "RED", "Reopened after complaints"],
      [completeQ2!.id, 2, "COMPLETE", "Finished in the summer"],
    ];
    for (const [commitmentId, quarter, status, commentary] of reviews)
      await db.prisma.review.create({
        data: { commitmentId, quarter, agencyId: agency.NSC, status, commentary, version: 1 },
      });
    await db.prisma.review.create({
      data: { riskId: source.risks[0]!.id, quarter: 1, agencyId: agency.NSC, status: "RED", version: 1 },
    });
    expect((await press(`${SEEDED}/commitments/${retired!.id}/retire`, coordinator, `${SEEDED}/manage`)).status).toBe(
      302,
    );

    await db.prisma.commitment.update({
      where: { id: amberQ3!.id },
      data: { targetDate: new Date("2024-01-31"), contacts: { create: { agencyId: agency.NSC, name: "Sam Lead" } } },
    });

    const res = await press(`${SEEDED}/rollover`, coordinator, `${SEEDED}/manage`);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe("/partners/plans/2024-25/manage");

    const next = await db.prisma.plan.findUniqueOrThrow({
      where: { startYear: 2024 },
      include: {
        purposes: { orderBy: { position: "asc" } },
        achievements: { orderBy: { position: "asc" } },
        quarters: { orderBy: { quarter: "asc" } },
        risks: { orderBy: { position: "asc" }, include: { reviews: true } },
      },
    });
    expect(next).toMatchObject({
      title: "Hate Crime Plan 2024/25",
      status: "DRAFT",
      publishedAt: null,
      vision: source.vision,
      strapline: source.strapline,
      introduction: source.introduction,
    });
    expect(next.purposes.map((p) => p.text)).toEqual(
      [...source.purposes].sort((a, b) => a.position - b.position).map((p) => p.text),
    );
    expect(next.quarters.map((q) => [q.deadline, q.closedAt])).toEqual(
      ([1, 2, 3, 4] as const).map((q) => [defaultDeadline(2024, q), null]),
    );
    const sourceRisks = [...source.risks].sort((a, b) => a.position - b.position);
    expect(next.risks.map((r) => [r.position, r.description, r.mitigation, r.rating, r.ownerAgencyId])).toEqual(
      sourceRisks.map((r, i) => [i, r.description, r.mitigation, r.rating, r.ownerAgencyId]),
    );
    expect(next.risks.flatMap((r) => r.reviews)).toEqual([]);

    const objectives = await objectivesOf(2024);
    expect(objectives.map((o) => [o.number, o.title])).toEqual(source.objectives.map((o) => [o.number, o.title]));
    const copied = objectives.flatMap((o) => o.commitments);
    const carriedFrom = copied.map((c) => c.carriedFromId);
    // Complete at the latest review: dropped. Retired: left behind. Everything else: carried.
    const expected = commitments
      .filter((c) => ![completeQ4!.id, completeQ2!.id, retired!.id].includes(c.id))
      .map((c) => c.id);
    expect(carriedFrom).toEqual(expected);
    expect(carriedFrom).toContain(greenQ4!.id);
    expect(carriedFrom).toContain(reopened!.id);
    expect(carriedFrom).toContain(untouched!.id);
    expect(await db.prisma.review.count({ where: { commitment: { objective: { planId: next.id } } } })).toBe(0);
    // Positions restart without gaps under each objective, and the leads come along.
    for (const o of objectives) expect(o.commitments.map((c) => c.position)).toEqual(o.commitments.map((_, i) => i));
    const originalLeads = await db.prisma.commitmentLead.findMany({ where: { commitmentId: amberQ3!.id } });
    const copyOfAmber = copied.find((c) => c.carriedFromId === amberQ3!.id)!;
    expect(copyOfAmber.leads.map((l) => l.agencyId).sort()).toEqual(originalLeads.map((l) => l.agencyId).sort());
    expect(copyOfAmber.allAgencies).toBe(amberQ3!.allAgencies);
    const amberDetails = await db.prisma.commitment.findUniqueOrThrow({
      where: { id: copyOfAmber.id },
      include: { contacts: true },
    });
    expect([amberDetails.targetDate, amberDetails.contacts.map((x) => [x.agencyId, x.name])]).toEqual([
      null,
      [[agency.NSC, "Sam Lead"]],
    ]);

    // Achievements drafted from Complete or Green at Q4 (and the one completed in Q2, still Complete at Q4).
    expect(next.achievements.map((a) => [a.position, a.title, a.description])).toEqual([
      [0, completeQ4!.text.slice(0, 200), "All sessions delivered"],
      [1, greenQ4!.text.slice(0, 200), "Waiting for funding"],
      [2, completeQ2!.text.slice(0, 200), "Finished in the summer"],
    ]);

    const event = await lastAudit("plan.rolled-over");
    expect(event).toMatchObject({ actorId: partners.coordinator.id, entityId: String(next.id) });
    expect(event.after).toMatchObject({
      startYear: 2024,
      commitmentsCarried: expected,
      commitmentsDropped: [completeQ4!.id, completeQ2!.id],
      achievementsDrafted: 3,
    });

    const manage = await coordinator.get("/partners/plans/2024-25/manage");
    expect(manage.text).toContain("drafted from 2023/24");
    // The 2024/25 plan's achievements are the partnership's in 2023/24, as the plan document says.
    const print = (await coordinator.get("/partners/plans/2024-25/print")).text;
    expect(print).toMatch(/<h2[^>]*>Our achievements in 2023\/24<\/h2>/);
    expect(print).toContain("All sessions delivered");
    await accessible(manage.text);

    // Only once.
    const before = await tables();
    const again = await press(`${SEEDED}/rollover`, coordinator, `${SEEDED}/manage`);
    expect(again.status).toBe(409);
    expect(again.text).toContain("There is already a plan for 2024/25");
    expect(await tables()).toEqual(before);
  });
});

describe("bad input", () => {
  const long = (n: number) => "x".repeat(n);

  it("re-renders each form with the error summary, storing nothing", async () => {
    const plan = await newPlan();
    const [o1] = await objectivesOf(NEW_YEAR);
    const commitment = o1!.commitments[0]!;
    const risk = await db.prisma.risk.findFirstOrThrow({ where: { planId: plan.id } });
    const inactive = await db.prisma.agency.create({ data: { code: "OLD", name: "Old agency", active: false } });
    const cases: [string, Record<string, string | string[]>, string][] = [
      ["/partners/plans", { startYear: "" }, "Enter the year the plan starts"],
      ["/partners/plans", { startYear: "twenty" }, "Enter the year as 4 digits, like 2024"],
      ["/partners/plans", { startYear: "1999" }, "The year must be between 2000 and 2100"],
      ["/partners/plans", { startYear: "2101" }, "The year must be between 2000 and 2100"],
      ["/partners/plans", { startYear: "2023" }, "There is already a plan for 2023/24"],
      [`${NEW}/details`, { title: "", strapline: "", vision: "v", introduction: "" }, "Enter the plan&#39;s title"],
      [
        `${NEW}/details`,
        { title: long(201), strapline: "", vision: "v", introduction: "" },
        "Title must be 200 characters or fewer",
      ],
      [
        `${NEW}/details`,
        { title: "t", strapline: "", vision: long(2001), introduction: "" },
        "Vision must be 2,000 characters or fewer",
      ],
      [
        `${NEW}/details`,
        { title: "t", strapline: "", vision: "v", introduction: long(2001) },
        "Introduction must be 2,000 characters or fewer",
      ],
      [`${NEW}/purposes/new`, { text: "   " }, "Enter what the partnership does"],
      [`${NEW}/purposes/new`, { text: long(1001) }, "Purpose must be 1,000 characters or fewer"],
      [`${NEW}/achievements/new`, { title: long(201), description: "d" }, "Title must be 200 characters or fewer"],
      [`${NEW}/achievements/new`, { title: "t", description: "" }, "Enter a description of the achievement"],
      [`${NEW}/objectives/new`, { title: long(201) }, "Objective must be 200 characters or fewer"],
      [`${NEW}/objectives/${o1!.id}/commitments/new`, { text: "c" }, "Select the lead agencies, or All agencies"],
      [
        `${NEW}/objectives/${o1!.id}/commitments/new`,
        { text: "c", leads: ["ALL", String(agency.NSC)] },
        "Select either the lead agencies or All agencies, not both",
      ],
      [
        `${NEW}/objectives/${o1!.id}/commitments/new`,
        { text: "c", leads: ["999999"] },
        "Select lead agencies from the list",
      ],
      [
        `${NEW}/objectives/${o1!.id}/commitments/new`,
        { text: "c", leads: [String(inactive.id)] },
        "Select lead agencies from the list",
      ],
      [
        `${NEW}/objectives/${o1!.id}/commitments/new`,
        { text: "c", leads: ["NSC"] },
        "Select lead agencies from the list",
      ],
      [
        `${NEW}/commitments/${commitment.id}`,
        { text: long(1001), leads: ["ALL"] },
        "Commitment must be 1,000 characters or fewer",
      ],
      [
        `${NEW}/risks/new`,
        { description: "d", mitigation: "", rating: "AMBER", owner: "ALL" },
        "Enter how the partnership will tackle the risk",
      ],
      [
        `${NEW}/risks/new`,
        { description: "d", mitigation: "m", rating: "COMPLETE", owner: "ALL" },
        "Select the risk&#39;s rating",
      ],
      [`${NEW}/risks/new`, { description: "d", mitigation: "m", rating: "RED", owner: "" }, "Select who owns the risk"],
      [
        `${NEW}/risks/${risk.id}`,
        { description: "d", mitigation: "m", rating: "RED", owner: String(inactive.id) },
        "Select who owns the risk from the list",
      ],
    ];
    const checked = new Set<string>();
    for (const [path, fields, message] of cases) {
      const before = await tables();
      const res = await fill(path, fields, false);
      const where = `${path} ${JSON.stringify(fields).slice(0, 80)}`;
      expect(res.status, where).toBe(400);
      expect(res.text, where).toContain("There is a problem");
      expect(res.text, where).toContain(message);
      if (!checked.has(path)) await accessible(res.text); // each form's error page once
      checked.add(path);
      expect(await tables(), where).toEqual(before);
    }
  });

  it("refuses repeated and unknown fields, unknown ids, other plans' ids and unknown years, storing nothing", async () => {
    const seededCommitment = await db.prisma.commitment.findFirstOrThrow({
      where: { objective: { plan: { startYear: 2023 } } },
    });
    const seededRisk = await db.prisma.risk.findFirstOrThrow({ where: { plan: { startYear: 2023 } } });
    const seededObjective = await db.prisma.objective.findFirstOrThrow({ where: { plan: { startYear: 2023 } } });
    const seededPurpose = await db.prisma.purpose.findFirstOrThrow({ where: { plan: { startYear: 2023 } } });
    const token = csrfToken((await coordinator.get(`${NEW}/manage`)).text);
    const send = (path: string, body: string) =>
      coordinator
        .post(path)
        .type("form")
        .send(`_csrf=${encodeURIComponent(token)}${body}`);
    const cases: [string, string, number][] = [
      [`${NEW}/details`, "&title=a&title=b&strapline=&vision=v&introduction=", 400],
      [`${NEW}/details`, "&title=a&strapline=&vision=v&introduction=&status=PUBLISHED", 400],
      [`${NEW}/purposes/new`, "&text=a&text=b", 400],
      [`${NEW}/publish`, "&extra=1", 400],
      ["/partners/plans", "&startYear=2040&startYear=2041", 400],
      [`${NEW}/risks/new`, "&description=d&mitigation=m&rating=RED&rating=AMBER&owner=ALL", 400],
      [`${NEW}/commitments/999999`, "&text=t&leads=ALL", 404],
      [`${NEW}/commitments/abc/retire`, "", 404],
      [`${NEW}/commitments/${seededCommitment.id}`, "&text=t&leads=ALL", 404],
      [`${NEW}/commitments/${seededCommitment.id}/delete`, "", 404],
      [`${NEW}/commitments/${seededCommitment.id}/move-up`, "", 404],
      [`${NEW}/risks/${seededRisk.id}/retire`, "", 404],
      [`${NEW}/risks/${seededRisk.id}/delete`, "", 404],
      [`${NEW}/objectives/${seededObjective.id}/commitments/new`, "&text=t&leads=ALL", 404],
      [`${NEW}/objectives/${seededObjective.id}/delete`, "", 404],
      [`${NEW}/purposes/${seededPurpose.id}`, "&text=t", 404],
      [`${NEW}/quarters/5/close`, "", 404],
      [`${NEW}/quarters/0`, "&deadline-day=1&deadline-month=8&deadline-year=2030", 404],
      ["/partners/plans/2050-51/publish", "", 404],
      ["/partners/plans/2023-25/rollover", "", 404],
      ["/partners/plans/abc/purposes/new", "&text=t", 404],
    ];
    for (const [path, body, status] of cases) {
      const before = await tables();
      const res = await send(path, body);
      expect(res.status, `${path} ${body}`).toBe(status);
      expect(await tables(), `${path} ${body}`).toEqual(before);
    }
    for (const path of [
      "/partners/plans/2050-51/manage",
      "/partners/plans/2023-25/manage",
      `${NEW}/commitments/${seededCommitment.id}`,
      `${NEW}/risks/${seededRisk.id}/delete`,
      `${NEW}/quarters/9`,
    ])
      expect((await coordinator.get(path)).status, path).toBe(404);
  });
});

describe("who may run the plan", () => {
  it("refuses every plan administration post from an officer and a viewer with 403, storing nothing", async () => {
    const plan = await newPlan();
    const objective = await db.prisma.objective.findFirstOrThrow({ where: { planId: plan.id } });
    const commitment = await db.prisma.commitment.findFirstOrThrow({ where: { objectiveId: objective.id } });
    const ids: Record<string, number> = {
      purposeId: (await db.prisma.purpose.findFirstOrThrow({ where: { planId: plan.id } })).id,
      achievementId: (await db.prisma.achievement.findFirstOrThrow({ where: { planId: plan.id } })).id,
      objectiveId: objective.id,
      commitmentId: commitment.id,
      riskId: (await db.prisma.risk.findFirstOrThrow({ where: { planId: plan.id } })).id,
    };
    const concrete = (path: string) =>
      `/partners${path}`
        .replace(":year", "2030-31")
        .replace(":quarter", "1")
        .replace(/:(\w+Id)/, (_m, name: string) => String(ids[name]));
    const posts = planAdminRoutes(built.services).filter((r) => r.method === "post");
    expect(posts.length).toBeGreaterThanOrEqual(40);
    for (const who of [partners.officer, partners.viewer]) {
      const agent = await signIn(app, who.email);
      const token = csrfToken((await agent.get("/partners/sign-in")).text);
      for (const route of posts) {
        const before = await tables();
        const path = concrete(route.path);
        const res = await agent
          .post(path)
          .type("form")
          .send({ _csrf: token, text: "x", title: "x", startYear: "2040", leads: "ALL" });
        expect(res.status, `${who.email} POST ${path}`).toBe(403);
        expect(await tables(), path).toEqual(before);
      }
      // Nor are the coordinators' pages shown to them.
      expect((await agent.get(`${NEW}/manage`)).status).toBe(403);
      expect((await agent.get(`${NEW}/details`)).status).toBe(403);
    }
  });
});
