// Recording quarterly reviews through the real forms: who may, the commentary rule, what is kept,
// what each person is told they can do, and input that must not lose anything or store anything.
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, htmlErrors } from "../helpers/accessibility.ts";
import { formatDate } from "../../src/content/dates.ts";
import type { Quarter } from "../../src/services/plan/year.ts";
import { type Agent, csrfToken } from "../helpers/partners.ts";
import {
  agencyUpdates,
  formAgency,
  historyRows,
  postReview,
  reviewPage as page,
  type SeededApp,
  seededApp,
} from "../helpers/seeded-app.ts";

let s: SeededApp;
let nscOfficer: Agent;

beforeAll(async () => {
  s = await seededApp();
  nscOfficer = await s.as("officer");
});
afterAll(async () => s.close());

async function snapshot() {
  return {
    reviews: await s.db.prisma.review.findMany({ orderBy: { id: "asc" } }),
    versions: await s.db.prisma.reviewVersion.count(),
    summaries: await s.db.prisma.reviewSummary.count(),
    audit: await s.db.prisma.auditEvent.count(),
  };
}

/** Posts to a review page with a CSRF token from another page, as a person without the form would. */
async function postWithoutForm(agent: Agent, path: string, fields: Record<string, string>) {
  const form = await agent.get("/partners/account");
  return agent
    .post(path)
    .type("form")
    .send({ replaces: "", ...fields, _csrf: csrfToken(form.text) });
}

describe("an officer's quarterly update", () => {
  it("shows the partnership's definitions, last quarter and the form", async () => {
    const res = await nscOfficer.get(page(s.ids.nscCommitment, 1)).expect(200);
    expect(res.text).toContain("Significant issues: off track, help needed.");
    expect(res.text).toContain("This is the first quarter of the plan.");
    expect(res.text).toContain('<h1 class="govuk-heading-l">Update a commitment</h1>');
    expect(res.text).toContain('href="/partners/updates" class="govuk-back-link">Back to your updates');
    expect(await axeViolations(res.text)).toEqual([]);
    expect(await htmlErrors(res.text)).toEqual([]);
  });

  it("requires commentary for Amber, then saves the update, its history and an audit event together", async () => {
    const before = await snapshot();
    const refused = await postReview(nscOfficer, page(s.ids.nscCommitment, 1), { status: "AMBER", commentary: "  " });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('href="#commentary"');
    expect(refused.text).toContain("Enter commentary: say what the issues are and what is being done");
    expect(await snapshot()).toEqual(before);

    const saved = await postReview(nscOfficer, page(s.ids.nscCommitment, 1), {
      status: "AMBER",
      commentary: "Panel terms agreed; chair still to appoint",
    });
    expect(saved.status).toBe(302);
    const nsc = await s.db.prisma.agency.findUniqueOrThrow({ where: { code: "NSC" } });
    const review = await s.db.prisma.review.findUniqueOrThrow({
      where: { commitmentId_quarter_agencyId: { commitmentId: s.ids.nscCommitment, quarter: 1, agencyId: nsc.id } },
      include: { versions: true },
    });
    expect(review).toMatchObject({ status: "AMBER", version: 1, authorId: s.partners.officer.id });
    expect(review.versions).toHaveLength(1);
    const audit = await s.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "review.saved", entityId: `${s.ids.nscCommitment}/Q1/NSC` },
    });
    expect(audit).toMatchObject({ entityType: "CommitmentReview", actorId: s.partners.officer.id });
    expect(audit.after).toMatchObject({ status: "AMBER", version: 1 });

    const after = await nscOfficer.get(page(s.ids.nscCommitment, 1)).expect(200);
    expect(after.text).toContain("Quarter 1 update saved for NSC");
    expect(after.text).toMatch(/Version 1: No update to Amber[\s\S]*Panel terms agreed/);
  });

  it("needs commentary when the status changes from the agency's last quarter, not when it stays Green", async () => {
    expect(
      (await postReview(nscOfficer, page(s.ids.allCommitment, 1), { status: "GREEN", commentary: "Strategy drafted" }))
        .status,
    ).toBe(302);
    const changed = await postReview(nscOfficer, page(s.ids.allCommitment, 2), { status: "COMPLETE", commentary: "" });
    expect(changed.status).toBe(400);
    expect(changed.text).toContain("say why the status has changed since last quarter");
    // Red after Red still needs commentary: the rule is about Red and Amber, not only change.
    const police = await s.as("otherOfficer");
    const red = { status: "RED", commentary: "Two referrals stalled" };
    expect((await postReview(police, page(s.ids.policeRisk, 1, "risks"), red)).status).toBe(302);
    const redAgain = await postReview(police, page(s.ids.policeRisk, 2, "risks"), { status: "RED", commentary: "" });
    expect(redAgain.status).toBe(400);
    expect(redAgain.text).toContain("say what the issues are");

    const same = await postReview(nscOfficer, page(s.ids.allCommitment, 2), { status: "GREEN", commentary: "" });
    expect(same.status).toBe(302);
    const q2 = await nscOfficer.get(page(s.ids.allCommitment, 2));
    expect(q2.text).toContain("Strategy drafted"); // last quarter's commentary beside the form
    // Another agency's last quarter is not this agency's: SARI's first Green needs a reason.
    const sari = await s.as("sariOfficer");
    const sariFirst = await postReview(sari, page(s.ids.allCommitment, 2), { status: "GREEN", commentary: "" });
    expect(sariFirst.status).toBe(400);
  });

  it("refuses other agencies' officers and viewers (403, no form offered, nothing stored)", async () => {
    const police = await s.as("otherOfficer");
    const view = await police.get(page(s.ids.nscCommitment, 1)).expect(200);
    expect(view.text).not.toContain('name="status"');
    expect(view.text).toContain("Only the lead agency&#39;s officers and coordinators can update it.");
    const viewer = await s.as("viewer");
    const before = await snapshot();
    for (const [agent, agency] of [
      [police, "NSC"],
      [police, "Police"], // naming its own agency does not make it a lead of an NSC item
      [viewer, "NSC"],
    ] as const) {
      const res = await postWithoutForm(agent, page(s.ids.nscCommitment, 1), {
        agency,
        status: "RED",
        commentary: "not ours",
        version: "1",
      });
      expect(res.status).toBe(403);
    }
    // Risks: only the owning agency's officers, whichever agency the form names.
    expect((await police.get(page(s.ids.nscRisk, 1, "risks")).expect(200)).text).not.toContain('name="status"');
    for (const agency of ["Police", "NSC"]) {
      const risk = await postWithoutForm(police, page(s.ids.nscRisk, 1, "risks"), {
        agency,
        status: "RED",
        commentary: "not ours",
        version: "0",
      });
      expect(risk.status).toBe(403);
      expect(risk.text).toContain("Only the lead agency&#39;s officers and coordinators can update this review.");
    }
    expect(await snapshot()).toEqual(before);
  });

  it("shows the history of this agency's update of this item and quarter only, newest first, with who saved each", async () => {
    // A joint item, so another agency's update of the same quarter is on the page too.
    const path = page(s.ids.allCommitment, 3);
    const police = await s.as("otherOfficer");
    await postReview(nscOfficer, path, { status: "AMBER", commentary: "NSC first: venue booked" });
    await postReview(nscOfficer, path, { status: "GREEN", commentary: "NSC second: event held" });
    await postReview(police, path, { status: "RED", commentary: "Police: nobody free" });
    await postReview(police, page(s.ids.policeCommitment, 3), { status: "AMBER", commentary: "Police-only remark" });
    await postReview(nscOfficer, page(s.ids.allCommitment, 4), { status: "GREEN", commentary: "NSC next quarter" });

    const html = (await nscOfficer.get(path).expect(200)).text;
    expect(html).toContain("History of North Somerset Council&#39;s update");
    expect(historyRows(html)).toEqual([
      ["officer.nsc (NSC)", "Version 2: Amber to Green", "NSC second: event held"],
      ["officer.nsc (NSC)", "Version 1: No update to Amber", "NSC first: venue booked"],
    ]);
    expect(html).not.toContain("Police-only remark");
  });

  it("saves a second version over the first: the history and the audit trail say what changed, and nothing is marked replaced", async () => {
    const path = page(s.ids.nscRisk, 4, "risks");
    await postReview(nscOfficer, path, { status: "AMBER", commentary: "Campaign planned" });
    expect((await postReview(nscOfficer, path, { status: "GREEN", commentary: "Campaign launched" })).status).toBe(302);

    const nsc = await s.db.prisma.agency.findUniqueOrThrow({ where: { code: "NSC" } });
    const review = await s.db.prisma.review.findUniqueOrThrow({
      where: { riskId_quarter_agencyId: { riskId: s.ids.nscRisk, quarter: 4, agencyId: nsc.id } },
      include: { versions: { orderBy: { version: "asc" } } },
    });
    expect(review).toMatchObject({
      status: "GREEN",
      commentary: "Campaign launched",
      version: 2,
      authorAgencyId: nsc.id,
    });
    expect(review.versions.map((v) => [v.version, v.previousStatus, v.status, v.replacedVersion, v.authorId])).toEqual([
      [1, null, "AMBER", null, s.partners.officer.id],
      [2, "AMBER", "GREEN", null, s.partners.officer.id],
    ]);
    const events = await s.db.prisma.auditEvent.findMany({
      where: { action: "review.saved", entityType: "RiskReview", entityId: `${s.ids.nscRisk}/Q4/NSC` },
      orderBy: { id: "asc" },
    });
    expect(events.map((e) => [e.before, e.after])).toEqual([
      [null, { status: "AMBER", commentary: "Campaign planned", evidence: [], version: 1, replacedVersion: null }],
      [
        { status: "AMBER", commentary: "Campaign planned", evidence: [], version: 1 },
        { status: "GREEN", commentary: "Campaign launched", evidence: [], version: 2, replacedVersion: null },
      ],
    ]);
  });

  it("needs no commentary for Not started in the first quarter, but does for any other first status", async () => {
    const police = await s.as("otherOfficer");
    const none = { status: "NOT_STARTED", commentary: "" };
    expect((await postReview(police, page(s.ids.policeCommitment, 1), none)).status).toBe(302);
    expect((await postReview(police, page(s.ids.policeCommitment, 2), none)).status).toBe(302);
    const green = await postReview(police, page(s.ids.partnershipRisk, 1, "risks"), {
      status: "GREEN",
      commentary: "",
    });
    expect(green.status).toBe(400);
    expect(green.text).toContain("say why the status has changed since last quarter");
  });

  it("says what is being reviewed, who leads it and when the update is due", async () => {
    const commitment = await s.db.prisma.commitment.findUniqueOrThrow({
      where: { id: s.ids.nscCommitment },
      include: { objective: true },
    });
    const q2 = await s.db.prisma.planQuarter.findUniqueOrThrow({
      where: { planId_quarter: { planId: s.ids.planId, quarter: 2 } },
    });
    const single = (await nscOfficer.get(page(s.ids.nscCommitment, 2)).expect(200)).text;
    expect(single).toContain(`Objective ${commitment.objective.number}: ${commitment.objective.title}`);
    expect(single).toContain("Lead: NSC");
    expect(single).toContain(`Update by ${formatDate(q2.deadline!)}.`);
    // One lead agency: no count of agencies, no list of each agency's update.
    expect(single).not.toContain("lead agencies have updated");
    expect(single).not.toContain("Each agency's update");

    const risk = await s.db.prisma.risk.findUniqueOrThrow({ where: { id: s.ids.nscRisk } });
    const riskPage = (await nscOfficer.get(page(s.ids.nscRisk, 2, "risks")).expect(200)).text;
    expect(riskPage).toContain(`How we will tackle it: ${risk.mitigation}`);
    expect(riskPage).toContain("Lead: NSC");
    expect((await nscOfficer.get(page(s.ids.policeSariCommitment, 2)).expect(200)).text).toContain(
      "Lead: Police / SARI",
    );
  });

  it("lets every agency's officers record their own update of a risk no agency owns", async () => {
    const path = page(s.ids.partnershipRisk, 2, "risks");
    const sari = await s.as("sariOfficer");
    const view = (await sari.get(path).expect(200)).text;
    expect(view).toContain("Lead: All agencies");
    expect(formAgency(view)).toBe("Stand Against Racism and Inequality");
    expect((await postReview(sari, path, { status: "AMBER", commentary: "SARI: volunteers trained" })).status).toBe(
      302,
    );
    expect(agencyUpdates((await nscOfficer.get(path)).text)).toEqual([
      ["North Somerset Council", "Not updated yet."],
      ["Avon and Somerset Police", "Not updated yet."],
      ["Stand Against Racism and Inequality", expect.stringMatching(/^Amber SARI: volunteers trained officer\.sari, /)],
    ]);
  });

  it("knows only four quarters, whoever asks", async () => {
    const coordinator = { ...s.partners.coordinator, agencyCode: "NSC", twoFactorEnabled: false };
    await expect(
      s.services.reviews.save(coordinator, "commitment", s.ids.nscCommitment, 5 as Quarter, {
        agencyCode: "NSC",
        status: "GREEN",
        commentary: "A fifth quarter",
        version: 0,
      }),
    ).rejects.toMatchObject({ status: 404, message: "The quarter could not be found." });
    expect(await s.db.prisma.review.count({ where: { quarter: { notIn: [1, 2, 3, 4] } } })).toBe(0);
  });

  it("loads a risk, not the commitment with the same id, on a risk's page", async () => {
    const commitment = await s.db.prisma.commitment.findUniqueOrThrow({ where: { id: s.ids.nscRisk } });
    const res = await nscOfficer.get(page(s.ids.nscRisk, 1, "risks")).expect(200);
    expect(res.text).toContain('<h1 class="govuk-heading-l">Update a risk</h1>');
    expect(res.text).not.toContain(commitment.text);
  });
});

describe("pages that can only be read", () => {
  it("say so to a viewer, with a way back to the plan rather than to a task list they cannot open", async () => {
    await postReview(nscOfficer, page(s.ids.nscCommitment, 4), { status: "GREEN", commentary: "Panel terms agreed" });
    const viewer = await s.as("viewer");
    const res = await viewer.get(page(s.ids.nscCommitment, 4)).expect(200);
    expect(res.text).toContain('<h1 class="govuk-heading-l">Review of a commitment</h1>');
    expect(res.text).toContain("<title>Review of a commitment, quarter 4");
    expect(res.text).not.toContain('name="status"');
    expect(res.text).not.toContain("Update a commitment");
    expect(res.text).not.toContain("Back to your updates");
    expect(res.text).toContain('href="/partners/plans/2023-24" class="govuk-back-link">Back to the 2023/24 plan');
    expect(res.text).toContain("You can read this review.");
    expect(res.text).toContain("Panel terms agreed"); // what NSC recorded is shown
    expect(await axeViolations(res.text)).toEqual([]);
    expect(await htmlErrors(res.text)).toEqual([]);
  });

  it("say so to an officer looking at another agency's item", async () => {
    const police = await s.as("otherOfficer");
    const res = await police.get(page(s.ids.nscRisk, 1, "risks")).expect(200);
    expect(res.text).toContain("Review of a risk");
    expect(res.text).toContain('href="/partners/plans/2023-24" class="govuk-back-link">Back to the 2023/24 plan');
  });
});

describe("closed quarters and retired items", () => {
  it("closed quarters are read-only for officers but not for coordinators", async () => {
    await s.db.prisma.planQuarter.update({
      where: { planId_quarter: { planId: s.ids.planId, quarter: 3 } },
      data: { closedAt: new Date() },
    });
    const path = page(s.ids.nscCommitment, 3);
    const view = await nscOfficer.get(path).expect(200);
    expect(view.text).toContain("This quarter has been closed by a coordinator.");
    // A viewer could not update it open or closed, and is told that.
    const viewer = (await (await s.as("viewer")).get(path).expect(200)).text;
    expect(viewer).toContain(
      "You can read this review. Only the lead agency&#39;s officers and coordinators can update it.",
    );
    expect(viewer).not.toContain("closed by a coordinator");
    const res = await postWithoutForm(nscOfficer, path, {
      agency: "NSC",
      status: "GREEN",
      commentary: "late",
      version: "0",
    });
    expect(res.status).toBe(403);
    const coordinator = await s.as("coordinator");
    expect((await postReview(coordinator, path, { status: "GREEN", commentary: "Recorded for NSC" })).status).toBe(302);
    await s.db.prisma.planQuarter.update({
      where: { planId_quarter: { planId: s.ids.planId, quarter: 3 } },
      data: { closedAt: null },
    });
  });

  it.each([
    ["a retired commitment", "commitment"],
    ["a commitment whose objective is retired", "objective"],
    ["a retired risk", "risk"],
  ])("refuses an update to %s, even from a coordinator", async (_what, retire) => {
    const commitment = await s.db.prisma.commitment.findUniqueOrThrow({ where: { id: s.ids.nscCommitment } });
    const retiredAt = new Date();
    if (retire === "commitment")
      await s.db.prisma.commitment.update({ where: { id: commitment.id }, data: { retiredAt } });
    if (retire === "objective")
      await s.db.prisma.objective.update({ where: { id: commitment.objectiveId }, data: { retiredAt } });
    if (retire === "risk") await s.db.prisma.risk.update({ where: { id: s.ids.nscRisk }, data: { retiredAt } });
    const path = retire === "risk" ? page(s.ids.nscRisk, 2, "risks") : page(s.ids.nscCommitment, 2);
    try {
      const coordinator = await s.as("coordinator");
      const view = await coordinator.get(path).expect(200);
      expect(view.text).toContain("This has been retired, so its reviews can no longer change.");
      expect(view.text).not.toContain('name="status"');
      const before = await snapshot();
      const res = await postWithoutForm(coordinator, path, {
        agency: "NSC",
        status: "RED",
        commentary: "x",
        version: "0",
      });
      expect(res.status).toBe(403);
      expect(await snapshot()).toEqual(before);
    } finally {
      await s.db.prisma.commitment.update({ where: { id: commitment.id }, data: { retiredAt: null } });
      await s.db.prisma.objective.update({ where: { id: commitment.objectiveId }, data: { retiredAt: null } });
      await s.db.prisma.risk.update({ where: { id: s.ids.nscRisk }, data: { retiredAt: null } });
    }
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
    [{ status: "RED", commentary: "x", agency: "" }, 400, "The form was not sent correctly"],
    [{ status: "RED", commentary: "x", version: "99" }, 409, "Someone else saved this first"],
    [{ status: "PURPLE", commentary: "x", agency: "Nobody" }, 400, "Select a status"],
    [{ status: "RED", commentary: "x", colour: "blue" }, 400, "The form sent something it should not"],
  ])("POST %o answers %i and stores nothing", async (fields, status, message) => {
    const before = await snapshot();
    const res = await postReview(nscOfficer, page(s.ids.nscCommitment, 2), fields as Record<string, string>);
    expect(res.status).toBe(status);
    expect(res.text).toContain(message);
    expect(await snapshot()).toEqual(before);
  });

  it("keeps what was typed when the form is refused", async () => {
    const res = await postReview(nscOfficer, page(s.ids.nscCommitment, 2), {
      status: "AMBER",
      commentary: "x".repeat(2001),
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain("x".repeat(2001));
    expect(res.text).toMatch(/value="AMBER" checked/);
  });

  it("refuses a repeated field", async () => {
    const before = await snapshot();
    const form = await nscOfficer.get(page(s.ids.nscCommitment, 2));
    const res = await nscOfficer
      .post(page(s.ids.nscCommitment, 2))
      .type("form")
      .send(
        `agency=NSC&status=RED&status=GREEN&commentary=x&version=0&replaces=&_csrf=${encodeURIComponent(csrfToken(form.text))}`,
      );
    expect(res.status).toBe(400);
    expect(await snapshot()).toEqual(before);
  });

  it("never answers 500 to an anonymous visitor", async () => {
    expect((await request(s.app).get(page(s.ids.nscCommitment, 1))).status).toBe(302);
  });
});
