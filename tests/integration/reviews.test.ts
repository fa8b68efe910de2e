import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RequestListener } from "node:http";
import type { Database } from "../../src/db/database.ts";
import { seed } from "../../src/db/seed.ts";
import { commentaryRequired } from "../../src/services/reviews.ts";
import { axeViolations, htmlErrors } from "../helpers/accessibility.ts";
import { testApp } from "../helpers/app.ts";
import { testDatabase } from "../helpers/database.ts";
import { type Agent, createPartners, csrfToken, signIn } from "../helpers/partners.ts";

let db: Database;
let app: RequestListener;
let partners: Awaited<ReturnType<typeof createPartners>>;
let ids: {
  nscCommitment: number;
  policeSariCommitment: number;
  allCommitment: number;
  nscRisk: number;
  policeRisk: number;
};
let nscOfficer: Agent;

beforeAll(async () => {
  db = await testDatabase();
  await seed(db.prisma, { production: true });
  partners = await createPartners(db);
  ({ app } = testApp(db));
  const commitments = await db.prisma.commitment.findMany({
    include: { leads: { include: { agency: true } } },
    orderBy: { id: "asc" },
  });
  const led = (codes: string) =>
    commitments.find(
      (c) =>
        c.leads
          .map((l) => l.agency.code)
          .sort()
          .join("/") === codes,
    )!.id;
  const risks = await db.prisma.risk.findMany({ include: { ownerAgency: true }, orderBy: { id: "asc" } });
  ids = {
    nscCommitment: led("NSC"),
    policeSariCommitment: led("Police/SARI"),
    allCommitment: commitments.find((c) => c.allAgencies)!.id,
    nscRisk: risks.find((r) => r.ownerAgency?.code === "NSC")!.id,
    policeRisk: risks.find((r) => r.ownerAgency?.code === "Police")!.id,
  };
  nscOfficer = await signIn(app, partners.officer.email);
});
afterAll(async () => db.close());

const page = (id: number, quarter: number, kind = "commitments") => `/partners/${kind}/${id}/reviews/${quarter}`;
const versionOn = (html: string) => /name="version" value="(\d+)"/.exec(html)![1]!;

async function save(agent: Agent, path: string, fields: Record<string, string>) {
  const form = await agent.get(path);
  return agent
    .post(path)
    .type("form")
    .send({ version: versionOn(form.text), ...fields, _csrf: csrfToken(form.text) });
}

async function snapshot() {
  return {
    reviews: await db.prisma.review.findMany({ orderBy: { id: "asc" } }),
    versions: await db.prisma.reviewVersion.count(),
    audit: await db.prisma.auditEvent.count(),
  };
}

describe("the commentary rule", () => {
  it.each([
    ["RED", "GREEN", true],
    ["AMBER", "AMBER", true],
    ["GREEN", "AMBER", true],
    ["GREEN", "GREEN", false],
    ["COMPLETE", "COMPLETE", false],
    ["NOT_STARTED", "NOT_STARTED", false],
    ["GREEN", "NOT_STARTED", true],
  ] as const)("%s after %s: required is %s", (status, previous, required) => {
    expect(commentaryRequired(status, previous)).toBe(required);
  });
});

describe("an officer's quarterly update", () => {
  it("lists what their agency leads, and all-agency items, but not other agencies' work", async () => {
    const res = await nscOfficer.get("/partners/updates").expect(200);
    expect(res.text).toContain(`href="${page(ids.nscCommitment, 1)}"`);
    expect(res.text).toContain(`href="${page(ids.allCommitment, 1)}"`);
    expect(res.text).toContain(`href="${page(ids.nscRisk, 1, "risks")}"`);
    expect(res.text).not.toContain(`href="${page(ids.policeSariCommitment, 1)}"`);
    expect(res.text).not.toContain(`href="${page(ids.policeRisk, 1, "risks")}"`);
    expect(res.text).toContain("Overdue"); // the 2023/24 deadlines have passed
    expect(await axeViolations(res.text)).toEqual([]);
    expect(await htmlErrors(res.text)).toEqual([]);
  });

  it("shows the partnership's definitions, last quarter and the form", async () => {
    const res = await nscOfficer.get(page(ids.nscCommitment, 1)).expect(200);
    expect(res.text).toContain("Significant issues: off track, help needed.");
    expect(res.text).toContain("This is the first quarter of the plan.");
    expect(await axeViolations(res.text)).toEqual([]);
    expect(await htmlErrors(res.text)).toEqual([]);
  });

  it("requires commentary for Amber, then saves the review, its history and an audit event together", async () => {
    const before = await snapshot();
    const refused = await save(nscOfficer, page(ids.nscCommitment, 1), { status: "AMBER", commentary: "  " });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('href="#commentary"');
    expect(refused.text).toContain("Enter commentary: say what the issues are and what is being done");
    expect(await snapshot()).toEqual(before);

    const saved = await save(nscOfficer, page(ids.nscCommitment, 1), {
      status: "AMBER",
      commentary: "Panel terms agreed; chair still to appoint",
    });
    expect(saved.status).toBe(302);
    const review = await db.prisma.review.findUniqueOrThrow({
      where: { commitmentId_quarter: { commitmentId: ids.nscCommitment, quarter: 1 } },
      include: { versions: true },
    });
    expect(review).toMatchObject({ status: "AMBER", version: 1, authorId: partners.officer.id });
    expect(review.versions).toHaveLength(1);
    const audit = await db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "review.saved", entityId: `${ids.nscCommitment}/Q1` },
    });
    expect(audit.after).toMatchObject({ status: "AMBER", version: 1 });

    const after = await nscOfficer.get(page(ids.nscCommitment, 1)).expect(200);
    expect(after.text).toContain("Quarter 1 review saved");
    expect(after.text).toMatch(/Not started to Amber[\s\S]*Panel terms agreed/);
    const list = await nscOfficer.get("/partners/updates");
    expect(list.text).toMatch(new RegExp(`${page(ids.nscCommitment, 1)}[\\s\\S]*?Updated`));
  });

  it("needs commentary when the status changes from last quarter, not when it stays Green", async () => {
    const q1Green = await save(nscOfficer, page(ids.allCommitment, 1), {
      status: "GREEN",
      commentary: "Strategy drafted",
    });
    expect(q1Green.status).toBe(302);
    const changed = await save(nscOfficer, page(ids.allCommitment, 2), { status: "COMPLETE", commentary: "" });
    expect(changed.status).toBe(400);
    expect(changed.text).toContain("say why the status has changed since last quarter");
    const same = await save(nscOfficer, page(ids.allCommitment, 2), { status: "GREEN", commentary: "" });
    expect(same.status).toBe(302);
    const q2 = await nscOfficer.get(page(ids.allCommitment, 2));
    expect(q2.text).toContain("Strategy drafted"); // last quarter's commentary beside the form
  });

  it("refuses other agencies' officers and viewers (403, no form offered, nothing stored)", async () => {
    const police = await signIn(app, partners.otherOfficer.email);
    const view = await police.get(page(ids.nscCommitment, 1)).expect(200);
    expect(view.text).not.toContain('name="status"');
    expect(view.text).toContain("Only the lead agency&#39;s officers and coordinators can update this review.");
    const viewer = await signIn(app, partners.viewer.email);
    const before = await snapshot();
    const form = await police.get("/partners/account");
    const res = await police
      .post(page(ids.nscCommitment, 1))
      .type("form")
      .send({ status: "RED", commentary: "not ours", version: "1", _csrf: csrfToken(form.text) });
    expect(res.status).toBe(403);
    const viewerForm = await viewer.get("/partners/account");
    const res2 = await viewer
      .post(page(ids.nscCommitment, 1))
      .type("form")
      .send({ status: "RED", commentary: "no", version: "1", _csrf: csrfToken(viewerForm.text) });
    expect(res2.status).toBe(403);
    expect(await snapshot()).toEqual(before);
    // But Police may update what Police and SARI lead together.
    expect(
      (await save(police, page(ids.policeSariCommitment, 1), { status: "GREEN", commentary: "Two cases referred" }))
        .status,
    ).toBe(302);
  });
});

describe("no lost updates", () => {
  it("refuses a save made from a stale form with 409, shows both versions, and overwrites nothing", async () => {
    const coordinator = await signIn(app, partners.coordinator.email);
    const path = page(ids.nscRisk, 1, "risks");
    const mine = await nscOfficer.get(path);
    const theirs = await coordinator.get(path);
    expect(versionOn(mine.text)).toBe(versionOn(theirs.text));

    const first = await coordinator
      .post(path)
      .type("form")
      .send({
        status: "RED",
        commentary: "Coordinator: campaign paused",
        version: versionOn(theirs.text),
        _csrf: csrfToken(theirs.text),
      });
    expect(first.status).toBe(302);

    const before = await snapshot();
    const second = await nscOfficer
      .post(path)
      .type("form")
      .send({
        status: "GREEN",
        commentary: "Officer: campaign launched",
        version: versionOn(mine.text),
        _csrf: csrfToken(mine.text),
      });
    expect(second.status).toBe(409);
    expect(second.text).toContain("Someone else has updated this review");
    expect(second.text).toContain("Coordinator: campaign paused");
    expect(second.text).toContain("Officer: campaign launched");
    expect(await snapshot()).toEqual(before);

    // Saving again from the conflict page (now on the newer version) is a deliberate overwrite.
    const retry = await nscOfficer
      .post(path)
      .type("form")
      .send({
        status: "GREEN",
        commentary: "Officer: campaign launched",
        version: versionOn(second.text),
        _csrf: csrfToken(second.text),
      });
    expect(retry.status).toBe(302);
    const versions = await db.prisma.reviewVersion.findMany({
      where: { review: { riskId: ids.nscRisk, quarter: 1 } },
      orderBy: { version: "asc" },
    });
    expect(versions.map((v) => [v.version, v.status])).toEqual([
      [1, "RED"],
      [2, "GREEN"],
    ]);
  });
});

describe("closed quarters", () => {
  it("are read-only for officers but not for coordinators", async () => {
    const plan = await db.prisma.plan.findUniqueOrThrow({ where: { startYear: 2023 } });
    await db.prisma.planQuarter.update({
      where: { planId_quarter: { planId: plan.id, quarter: 3 } },
      data: { closedAt: new Date() },
    });
    const path = page(ids.nscCommitment, 3);
    const view = await nscOfficer.get(path).expect(200);
    expect(view.text).toContain("This quarter has been closed by a coordinator.");
    const form = await nscOfficer.get("/partners/account");
    const res = await nscOfficer
      .post(path)
      .type("form")
      .send({ status: "GREEN", commentary: "late", version: "0", _csrf: csrfToken(form.text) });
    expect(res.status).toBe(403);
    const coordinator = await signIn(app, partners.coordinator.email);
    expect((await save(coordinator, path, { status: "GREEN", commentary: "Recorded for NSC" })).status).toBe(302);
  });
});

describe("bad input", () => {
  it.each([
    ["/partners/commitments/999999/reviews/1", 404],
    ["/partners/commitments/abc/reviews/1", 404],
    ["/partners/commitments/1/reviews/0", 404],
    ["/partners/commitments/1/reviews/5", 404],
    ["/partners/commitments/1/reviews/one", 404],
    ["/partners/risks/999999/reviews/2", 404],
  ])("GET %s answers %i", async (path, status) => {
    expect((await nscOfficer.get(path)).status).toBe(status);
  });

  it.each([
    [{ status: "PURPLE", commentary: "x" }, 400, "Select a status"],
    [{ status: "RED", commentary: "x".repeat(2001) }, 400, "Commentary must be 2,000 characters or fewer"],
    [{ status: "RED", commentary: "x", version: "-1" }, 400, "The form was not sent correctly"],
    [{ status: "RED", commentary: "x", version: "99" }, 409, "Someone else has updated this review"],
    [{ status: "RED", commentary: "x", colour: "blue" }, 400, "The form sent something it should not"],
  ])("POST %o answers %i and stores nothing", async (fields, status, message) => {
    const before = await snapshot();
    const res = await save(nscOfficer, page(ids.nscCommitment, 2), fields as Record<string, string>);
    expect(res.status).toBe(status);
    expect(res.text).toContain(message);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a repeated field", async () => {
    const before = await snapshot();
    const form = await nscOfficer.get(page(ids.nscCommitment, 2));
    const res = await nscOfficer
      .post(page(ids.nscCommitment, 2))
      .type("form")
      .send(`status=RED&status=GREEN&commentary=x&version=0&_csrf=${encodeURIComponent(csrfToken(form.text))}`);
    expect(res.status).toBe(400);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses an update to a retired commitment", async () => {
    await db.prisma.commitment.update({ where: { id: ids.policeSariCommitment }, data: { retiredAt: new Date() } });
    const police = await signIn(app, partners.otherOfficer.email);
    const form = await police.get("/partners/account");
    const res = await police
      .post(page(ids.policeSariCommitment, 2))
      .type("form")
      .send({ status: "RED", commentary: "x", version: "0", _csrf: csrfToken(form.text) });
    expect(res.status).toBe(403);
    await db.prisma.commitment.update({ where: { id: ids.policeSariCommitment }, data: { retiredAt: null } });
  });

  it("never answers 500 to an anonymous visitor", async () => {
    expect((await request(app).get(page(ids.nscCommitment, 1))).status).toBe(302);
  });
});
