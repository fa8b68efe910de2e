// Items several agencies lead: each lead agency records its own update for the quarter, the
// item's status is the lowest of them until a coordinator sets a summary with a reason, and every
// format shows the summary and each agency's commentary under its name.
import { parse } from "csv-parse/sync";
import { strFromU8, unzipSync } from "fflate";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, htmlErrors } from "../helpers/accessibility.ts";
import { download, pdfText } from "../helpers/download.ts";
import { type Agent, csrfToken } from "../helpers/partners.ts";
import {
  agencyUpdates,
  formAgency as formFor,
  postReview,
  postSummary,
  reviewPage as page,
  type SeededApp,
  seededApp,
} from "../helpers/seeded-app.ts";

let s: SeededApp;
let sari: Agent;
let police: Agent;
let coordinator: Agent;

beforeAll(async () => {
  s = await seededApp();
  [sari, police, coordinator] = [await s.as("sariOfficer"), await s.as("otherOfficer"), await s.as("coordinator")];
});
afterAll(async () => s.close());

describe("two agencies on one joint commitment", () => {
  it("both keep their own update, opened at the same time, and the quarter shows the lowest", async () => {
    const path = page(s.ids.allCommitment, 1);
    const [sariForm, policeForm] = [(await sari.get(path)).text, (await police.get(path)).text];
    expect(formFor(sariForm)).toBe("Stand Against Racism and Inequality");
    expect(formFor(policeForm)).toBe("Avon and Somerset Police");
    expect(
      (await postReview(sari, path, { status: "AMBER", commentary: "SARI: two schools visited" }, sariForm)).status,
    ).toBe(302);
    expect(
      (await postReview(police, path, { status: "RED", commentary: "Police: no officer free" }, policeForm)).status,
    ).toBe(302);

    const updates = await s.db.prisma.review.findMany({
      where: { commitmentId: s.ids.allCommitment, quarter: 1 },
      include: { agency: true },
      orderBy: { agencyId: "asc" },
    });
    expect(updates.map((u) => [u.agency.code, u.status, u.commentary])).toEqual([
      ["Police", "RED", "Police: no officer free"],
      ["SARI", "AMBER", "SARI: two schools visited"],
    ]);
    const viewer = await s.as("viewer");
    const view = (await viewer.get(path).expect(200)).text;
    expect(view).toMatch(/This quarter[\s\S]*?govuk-tag--red">\s*Red\s*<\/strong>\s*2 of 3 lead agencies have updated/);
    expect(view).toMatch(/North Somerset Council[\s\S]*Not updated yet/);
    expect(view).toContain("SARI: two schools visited");
    expect(view).toContain("Police: no officer free");
    expect(await axeViolations(view)).toEqual([]);
    expect(await htmlErrors(view)).toEqual([]);
  });

  it("a coordinator records for any lead agency and sets a summary status only with a reason", async () => {
    const path = page(s.ids.allCommitment, 2);
    await postReview(police, path, { status: "RED", commentary: "Police: still no officer" });
    const page1 = (await coordinator.get(path)).text;
    // The coordinator's own agency (NSC) has not updated, so the form is for NSC, with links for the others.
    expect(formFor(page1)).toBe("North Somerset Council");
    expect(page1).toContain(
      `href="${path}?agency=SARI">Update<span class="govuk-visually-hidden"> for Stand Against Racism and Inequality`,
    );
    expect(await axeViolations(page1)).toEqual([]);
    expect(await htmlErrors(page1)).toEqual([]);

    const stored = () =>
      s.db.prisma.reviewSummary.findMany({ where: { commitmentId: s.ids.allCommitment, quarter: 2 } });
    const noReason = await postSummary(coordinator, path, { summaryStatus: "AMBER", reason: " " }, page1);
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain('href="#reason"');
    expect(noReason.text).toContain("Enter the reason for setting the quarter&#39;s status");
    expect(await stored()).toEqual([]);

    const set = await postSummary(
      coordinator,
      path,
      { summaryStatus: "AMBER", reason: "Police cover agreed from next month" },
      page1,
    );
    expect(set.status).toBe(302);
    const view = (await coordinator.get(path)).text;
    expect(view).toMatch(/This quarter[\s\S]*?govuk-tag--yellow">\s*Amber\s*</);
    expect(view).toMatch(
      new RegExp(
        `Summary status set by ${s.partners.coordinator.name} on [^(]+\\(the lowest of the agencies' statuses is Red\\): Police cover agreed from next month`,
      ),
    );
    expect(view).toContain('name="summaryVersion" value="1"');

    // A stale summary form (version 0) is refused, not applied over the one just set, and shows it.
    const stale = await postSummary(coordinator, path, { summaryStatus: "GREEN", reason: "Old tab" }, page1);
    expect(stale.status).toBe(409);
    expect(stale.text).toContain(`${s.partners.coordinator.name} changed the summary`);
    expect(stale.text).toContain(
      "it is now Amber (Police cover agreed from next month). Yours has not been saved; check it and save again.",
    );
    expect(stale.text).toContain('name="summaryVersion" value="1"');
    expect(await stored()).toMatchObject([
      { status: "AMBER", reason: "Police cover agreed from next month", version: 1 },
    ]);
  });

  it("a summary cleared goes back to the lowest of the agencies' statuses, keeps no reason, and both are audited", async () => {
    const path = page(s.ids.policeSariCommitment, 3);
    await postReview(police, path, { status: "GREEN", commentary: "Police: referrals flowing" });
    await postReview(sari, path, { status: "AMBER", commentary: "SARI: waiting list" });
    expect(
      (await postSummary(coordinator, path, { summaryStatus: "GREEN", reason: "Waiting list cleared" })).status,
    ).toBe(302);
    // Clearing needs no reason, and keeps none even if one is typed.
    expect((await postSummary(coordinator, path, { summaryStatus: "", reason: "Typed by mistake" })).status).toBe(302);
    const summary = await s.db.prisma.reviewSummary.findUniqueOrThrow({
      where: { commitmentId_quarter: { commitmentId: s.ids.policeSariCommitment, quarter: 3 } },
    });
    expect(summary).toMatchObject({ status: null, reason: "", version: 2, authorId: s.partners.coordinator.id });
    const view = (await coordinator.get(path)).text;
    expect(view).toMatch(
      /This quarter[\s\S]*?govuk-tag--yellow">\s*Amber\s*<\/strong>\s*2 of 2 lead agencies have updated/,
    );
    expect(view).not.toContain("Summary status set by");
    expect(view).toContain("The quarter's status is the lowest of the lead agencies' statuses.");
    expect(view).toContain('name="summaryVersion" value="2"');

    const events = await s.db.prisma.auditEvent.findMany({
      where: { entityType: "CommitmentReview", entityId: `${s.ids.policeSariCommitment}/Q3` },
      orderBy: { id: "asc" },
    });
    expect(events.map((e) => [e.action, e.before, e.after])).toEqual([
      ["review.summary.saved", null, { status: "GREEN", reason: "Waiting list cleared", version: 1 }],
      [
        "review.summary.cleared",
        { status: "GREEN", reason: "Waiting list cleared", version: 1 },
        { status: null, reason: "", version: 2 },
      ],
    ]);
  });

  it("a summary of a risk is audited as the risk's, and a form ahead of the stored version is refused", async () => {
    const path = page(s.ids.partnershipRisk, 4, "risks");
    const ahead = await postSummary(coordinator, path, {
      summaryStatus: "RED",
      reason: "From nowhere",
      summaryVersion: "3",
    });
    expect(ahead.status).toBe(409);
    expect(ahead.text).toContain("Another coordinator changed the summary");
    expect(ahead.text).toContain("it is now No update. Yours has not been saved");
    expect(ahead.text).toContain('name="summaryVersion" value="0"');
    expect(await s.db.prisma.reviewSummary.count({ where: { riskId: s.ids.partnershipRisk } })).toBe(0);

    expect((await postSummary(coordinator, path, { summaryStatus: "RED", reason: "Funding withdrawn" })).status).toBe(
      302,
    );
    const event = await s.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "review.summary.saved", entityType: "RiskReview" },
    });
    expect(event.entityId).toBe(`${s.ids.partnershipRisk}/Q4`);
    // Clearing it needs no reason.
    expect((await postSummary(coordinator, path, { summaryStatus: "" })).status).toBe(302);
    expect(
      await s.db.prisma.reviewSummary.findFirstOrThrow({ where: { riskId: s.ids.partnershipRisk } }),
    ).toMatchObject({ status: null, version: 2 });
  });

  it("two summaries saved at once: one is kept, the other coordinator is shown it", async () => {
    const path = page(s.ids.allCommitment, 3);
    const other = await s.as("coordinator"); // the same coordinator in another browser
    for (const [first, second] of [
      [
        { summaryStatus: "GREEN", reason: "From the first window" },
        { summaryStatus: "RED", reason: "From the second" },
      ],
      [
        { summaryStatus: "AMBER", reason: "Changed in the first" },
        { summaryStatus: "COMPLETE", reason: "Changed in the second" },
      ],
    ]) {
      const [formA, formB] = [(await coordinator.get(path)).text, (await other.get(path)).text];
      const results = await Promise.all([
        postSummary(coordinator, path, first!, formA),
        postSummary(other, path, second!, formB),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([302, 409]);
      const kept = await s.db.prisma.reviewSummary.findUniqueOrThrow({
        where: { commitmentId_quarter: { commitmentId: s.ids.allCommitment, quarter: 3 } },
      });
      expect([first!.reason, second!.reason]).toContain(kept.reason);
      expect(results.find((r) => r.status === 409)!.text).toContain(`(${kept.reason}). Yours has not been saved`);
    }
  });

  it("a summary is only for an item several agencies lead", async () => {
    const path = page(s.ids.nscCommitment, 1);
    const view = (await coordinator.get(path)).text;
    expect(view).not.toContain('name="summaryStatus"');
    const res = await coordinator
      .post(`${path}/summary`)
      .type("form")
      .send({ summaryStatus: "GREEN", reason: "One agency", summaryVersion: "0", _csrf: csrfToken(view) });
    expect(res.status).toBe(403);
    expect(res.text).toContain("Only coordinators can set the summary of an item several agencies lead.");
    expect(await s.db.prisma.reviewSummary.count({ where: { commitmentId: s.ids.nscCommitment } })).toBe(0);
  });

  it("officers cannot set a summary", async () => {
    const path = page(s.ids.allCommitment, 1);
    const form = (await sari.get(path)).text;
    expect(form).not.toContain('name="summaryStatus"');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form)![1]!;
    const res = await sari
      .post(`${path}/summary`)
      .type("form")
      .send({ summaryStatus: "GREEN", reason: "We say so", summaryVersion: "1", _csrf: csrf });
    expect(res.status).toBe(403);
  });

  it("every format shows the summary and each agency's commentary under its name", async () => {
    const path = page(s.ids.allCommitment, 4);
    await postReview(police, path, { status: "RED", commentary: "Police: no officer free in March" });
    await postReview(sari, path, { status: "AMBER", commentary: "SARI: three schools visited" });
    await postSummary(coordinator, path, { summaryStatus: "AMBER", reason: "Police cover agreed for April" });

    const slug = "2023-24";
    const print = (await coordinator.get(`/partners/plans/${slug}/print?commentary=1`).expect(200)).text;
    expect(print).toMatch(/Q4: Summary set by [^<]*: Police cover agreed for April/);
    expect(print).toMatch(/<strong>Avon and Somerset Police:<\/strong> Police: no officer free in March/);
    expect(print).toMatch(/<strong>Stand Against Racism and Inequality:<\/strong> SARI: three schools visited/);

    const csv = await download(coordinator, `/partners/plans/${slug}/reviews.csv`);
    const rows: Record<string, string>[] = parse(csv.body as Buffer, { bom: true, columns: true });
    const joint = rows.filter(
      (r) => r.Quarter === "Q4" && r["Lead agencies"] === "All agencies" && r.Status !== "No update",
    );
    const mine = joint.filter((r) => ["All lead agencies", "Police", "SARI"].includes(r.Agency!));
    expect(mine.map((r) => [r.Agency, r.Status, r.Commentary])).toEqual(
      expect.arrayContaining([
        ["All lead agencies", "Amber", expect.stringContaining("Police cover agreed for April")],
        ["Police", "Red", "Police: no officer free in March"],
        ["SARI", "Amber", "SARI: three schools visited"],
      ]),
    );

    const pdf = pdfText((await download(coordinator, `/partners/plans/${slug}/plan.pdf?commentary=1`)).body as Buffer);
    expect(pdf).toContain("Police cover agreed for April");
    expect(pdf).toContain("Avon and Somerset Police:");
    expect(pdf).toContain("Stand Against Racism and Inequality:");

    const docx = (await download(coordinator, `/partners/plans/${slug}/plan.docx?commentary=1`)).body as Buffer;
    const xml = strFromU8(unzipSync(new Uint8Array(docx))["word/document.xml"]!);
    expect(xml).toContain("Avon and Somerset Police: </w:t>");
    expect(xml).toContain("Police: no officer free in March");
    expect(xml).toContain("SARI: three schools visited");

    // The public plan: the quarter's status, each agency's status under its name, and the summary.
    const publicPlan = (await request(s.app).get(`/plan/${slug}`).expect(200)).text;
    expect(publicPlan).toContain(
      "Police: Red; SARI: Amber. Summary set by the partnership: Police cover agreed for April",
    );
  });
});

describe("the lead agencies of an item", () => {
  it("give a coordinator the form for the agency asked for, else their own, else the first still to update", async () => {
    // The coordinator's agency (NSC) does not lead this one.
    const path = page(s.ids.policeSariCommitment, 1);
    expect(formFor((await coordinator.get(path)).text)).toBe("Avon and Somerset Police");
    const saved = await postReview(coordinator, path, { status: "GREEN", commentary: "Recorded for Police" });
    expect(saved.headers.location).toBe(`${path}?agency=Police`);
    expect(formFor((await coordinator.get(saved.headers.location!)).text)).toBe("Avon and Somerset Police");
    expect(formFor((await coordinator.get(path)).text)).toBe("Stand Against Racism and Inequality");
    expect(formFor((await coordinator.get(`${path}?agency=NSC`)).text)).toBe("Stand Against Racism and Inequality");
    await postReview(sari, path, { status: "AMBER", commentary: "SARI: one panel" });
    // Everyone has updated: the first lead agency.
    expect(formFor((await coordinator.get(path)).text)).toBe("Avon and Somerset Police");
    expect(formFor((await coordinator.get(`${path}?agency=SARI`)).text)).toBe("Stand Against Racism and Inequality");

    // On an item their agency leads, a coordinator's own agency comes first even once it has updated.
    const all = page(s.ids.allCommitment, 4);
    await postReview(coordinator, `${all}?agency=NSC`, { status: "GREEN", commentary: "NSC: on track" });
    expect(formFor((await coordinator.get(all)).text)).toBe("North Somerset Council");
  });

  it("are shown in the partnership's order, which coordinators set", async () => {
    const sariAgency = await s.db.prisma.agency.findUniqueOrThrow({ where: { code: "SARI" } });
    await s.services.agencies.move(s.partners.coordinator, sariAgency.id, "up"); // NSC, SARI, Police
    try {
      const joint = (await coordinator.get(page(s.ids.policeSariCommitment, 2))).text;
      expect(joint).toContain("Lead: SARI / Police");
      expect(agencyUpdates(joint).map(([name]) => name)).toEqual([
        "Stand Against Racism and Inequality",
        "Avon and Somerset Police",
      ]);
      expect(
        agencyUpdates((await coordinator.get(page(s.ids.partnershipRisk, 2, "risks"))).text).map(([n]) => n),
      ).toEqual(["North Somerset Council", "Stand Against Racism and Inequality", "Avon and Somerset Police"]);
    } finally {
      await s.services.agencies.move(s.partners.coordinator, sariAgency.id, "down");
    }
  });

  it("are the active agencies for an item all agencies lead: an update from one no longer active is shown apart and not counted", async () => {
    const path = page(s.ids.partnershipRisk, 1, "risks");
    await postReview(sari, path, { status: "AMBER", commentary: "SARI: before it stepped back" });
    await postReview(police, path, { status: "GREEN", commentary: "Police: on track" });
    const sariAgency = await s.db.prisma.agency.findUniqueOrThrow({ where: { code: "SARI" } });
    await s.services.agencies.setActive(s.partners.coordinator, sariAgency.id, false);
    try {
      const view = (await coordinator.get(path)).text;
      expect(view).toMatch(/This quarter[\s\S]*?<\/strong>\s*1 of 2 lead agencies have updated/);
      expect(agencyUpdates(view)).toEqual([
        ["North Somerset Council", "Not updated yet."],
        ["Avon and Somerset Police", expect.stringMatching(/^Green Police: on track /)],
        [
          "Stand Against Racism and Inequality (not a lead agency)",
          expect.stringMatching(/^Amber SARI: before it stepped back /),
        ],
      ]);
      // Its officers can read the item but no longer update it.
      const sariView = (await sari.get(path)).text;
      expect(sariView).not.toContain('name="status"');
      expect(sariView).toContain("Only the lead agency&#39;s officers and coordinators can update it.");
    } finally {
      await s.services.agencies.setActive(s.partners.coordinator, sariAgency.id, true);
    }
  });

  it("of a commitment are the agencies named as its leads: one no longer named keeps its update, shown apart", async () => {
    const path = page(s.ids.policeSariCommitment, 4);
    await postReview(sari, path, { status: "RED", commentary: "SARI: handed over" });
    const commitment = await s.db.prisma.commitment.findUniqueOrThrow({
      where: { id: s.ids.policeSariCommitment },
      include: { leads: { include: { agency: true } } },
    });
    const leads = (codes: string[]) => ({
      text: commitment.text,
      allAgencies: false,
      agencyIds: commitment.leads.filter((l) => codes.includes(l.agency.code)).map((l) => l.agencyId),
    });
    await s.services.planAdmin.updateCommitment(s.partners.coordinator, 2023, commitment.id, leads(["Police"]));
    try {
      const view = (await police.get(path)).text;
      expect(view).toContain("Lead: Police");
      expect(view).not.toContain("lead agencies have updated");
      expect(agencyUpdates(view)).toEqual([
        ["Avon and Somerset Police", "Not updated yet."],
        ["Stand Against Racism and Inequality (not a lead agency)", expect.stringMatching(/^Red SARI: handed over /)],
      ]);
    } finally {
      await s.services.planAdmin.updateCommitment(
        s.partners.coordinator,
        2023,
        commitment.id,
        leads(["Police", "SARI"]),
      );
    }
  });
});
