// Items several agencies lead: each lead agency records its own update for the quarter, the
// item's status is the lowest of them until a coordinator sets a summary with a reason, and every
// format shows the summary and each agency's commentary under its name.
import { parse } from "csv-parse/sync";
import { strFromU8, unzipSync } from "fflate";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, htmlErrors } from "../helpers/accessibility.ts";
import { download, pdfText } from "../helpers/download.ts";
import type { Agent } from "../helpers/partners.ts";
import { postReview, reviewPage as page, type SeededApp, seededApp } from "../helpers/seeded-app.ts";

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
    expect(sariForm).toContain("Stand Against Racism and Inequality&#39;s update");
    expect(policeForm).toContain("Avon and Somerset Police&#39;s update");
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
    const path = page(s.ids.allCommitment, 1);
    const page1 = (await coordinator.get(path)).text;
    // The coordinator's own agency (NSC) has not updated, so the form is for NSC, with links for the others.
    expect(page1).toContain("North Somerset Council&#39;s update");
    expect(page1).toContain(
      `href="${path}?agency=SARI">Update<span class="govuk-visually-hidden"> for Stand Against Racism and Inequality`,
    );
    expect(await axeViolations(page1)).toEqual([]);
    expect(await htmlErrors(page1)).toEqual([]);

    const summaryVersion = /name="summaryVersion" value="(\d+)"/.exec(page1)![1]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page1)![1]!;
    const noReason = await coordinator
      .post(`${path}/summary`)
      .type("form")
      .send({ summaryStatus: "AMBER", reason: " ", summaryVersion, _csrf: csrf });
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain('href="#reason"');
    expect(await s.db.prisma.reviewSummary.count()).toBe(0);

    const set = await coordinator
      .post(`${path}/summary`)
      .type("form")
      .send({ summaryStatus: "AMBER", reason: "Police cover agreed from next month", summaryVersion, _csrf: csrf });
    expect(set.status).toBe(302);
    const view = (await coordinator.get(path)).text;
    expect(view).toMatch(/This quarter[\s\S]*?govuk-tag--yellow">\s*Amber\s*</);
    expect(view).toContain("Police cover agreed from next month");
    expect(view).toContain("the lowest of the agencies' statuses is Red");

    // A stale summary form (version 0) is refused, not applied over the one just set.
    const stale = await coordinator
      .post(`${path}/summary`)
      .type("form")
      .send({ summaryStatus: "GREEN", reason: "Old tab", summaryVersion, _csrf: csrf });
    expect(stale.status).toBe(409);
    expect((await s.db.prisma.reviewSummary.findFirstOrThrow()).status).toBe("AMBER");
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
    const slug = "2023-24";
    const print = (await coordinator.get(`/partners/plans/${slug}/print?commentary=1`).expect(200)).text;
    expect(print).toMatch(/Q1: Summary set by [^<]*: Police cover agreed from next month/);
    expect(print).toMatch(/<strong>Avon and Somerset Police:<\/strong> Police: no officer free/);
    expect(print).toMatch(/<strong>Stand Against Racism and Inequality:<\/strong> SARI: two schools visited/);

    const csv = await download(coordinator, `/partners/plans/${slug}/reviews.csv`);
    const rows: Record<string, string>[] = parse(csv.body as Buffer, { bom: true, columns: true });
    const joint = rows.filter(
      (r) => r.Quarter === "Q1" && r["Lead agencies"] === "All agencies" && r.Status !== "No update",
    );
    const mine = joint.filter((r) => ["All lead agencies", "Police", "SARI"].includes(r.Agency!));
    expect(mine.map((r) => [r.Agency, r.Status, r.Commentary])).toEqual(
      expect.arrayContaining([
        ["All lead agencies", "Amber", expect.stringContaining("Police cover agreed")],
        ["Police", "Red", "Police: no officer free"],
        ["SARI", "Amber", "SARI: two schools visited"],
      ]),
    );

    const pdf = pdfText((await download(coordinator, `/partners/plans/${slug}/plan.pdf?commentary=1`)).body as Buffer);
    expect(pdf).toContain("Police cover agreed from next month");
    expect(pdf).toContain("Avon and Somerset Police:");
    expect(pdf).toContain("Stand Against Racism and Inequality:");

    const docx = (await download(coordinator, `/partners/plans/${slug}/plan.docx?commentary=1`)).body as Buffer;
    const xml = strFromU8(unzipSync(new Uint8Array(docx))["word/document.xml"]!);
    expect(xml).toContain("Avon and Somerset Police: </w:t>");
    expect(xml).toContain("Police: no officer free");
    expect(xml).toContain("SARI: two schools visited");

    // The public plan: the quarter's status, each agency's status under its name, and the summary.
    const publicPlan = (await request(s.app).get(`/plan/${slug}`).expect(200)).text;
    expect(publicPlan).toContain("Police: Red; SARI: Amber. Summary set by the partnership: Police cover agreed");
  });
});
