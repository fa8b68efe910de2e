// The partner plan page's tables and the print view's tables are rendered once per plan view and
// filter and kept (src/views.ts cachedHtml): the same for every partner, never stale, and never
// carrying anything of one partner's into another's page.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RequestListener } from "node:http";
import type { Database } from "../../src/db/database.ts";
import { seed } from "../../src/db/seed.ts";
import { axeViolations, htmlErrors } from "../helpers/accessibility.ts";
import { testApp } from "../helpers/app.ts";
import { testDatabase } from "../helpers/database.ts";
import { type Agent, createPartners, signIn } from "../helpers/partners.ts";
import { postReview } from "../helpers/seeded-app.ts";

let db: Database;
let app: RequestListener;
let partners: Awaited<ReturnType<typeof createPartners>>;
let coordinator: Agent;
let officer: Agent;

beforeAll(async () => {
  db = await testDatabase();
  await seed(db.prisma, { production: true });
  partners = await createPartners(db);
  ({ app } = testApp(db));
  coordinator = await signIn(app, partners.coordinator.email);
  officer = await signIn(app, partners.otherOfficer.email);
});
afterAll(async () => db.close());

const PLAN = "/partners/plans/2023-24";
/** The tables: from the first heading after the filter to the end of the main content. */
const tables = (html: string) =>
  html.slice(html.indexOf('<h2 class="govuk-heading-l">Commitments'), html.indexOf("</main>"));
const firstCommitment = () =>
  db.prisma.commitment.findFirstOrThrow({
    where: { objective: { plan: { startYear: 2023 }, number: 1 } },
    orderBy: { position: "asc" },
  });

describe("the partner plan page's kept tables", () => {
  it("are the same for every partner, while each page keeps its own header and links", async () => {
    const forCoordinator = await coordinator
      .get(PLAN)
      .expect(200)
      .expect("Content-Type", /text\/html; charset=utf-8/);
    const forOfficer = await officer.get(PLAN).expect(200);
    expect(tables(forOfficer.text)).toBe(tables(forCoordinator.text));
    expect(tables(forCoordinator.text)).toContain("Develop use of Restorative Justice");
    expect(forCoordinator.text).toContain(`${PLAN}/manage`);
    expect(forOfficer.text).not.toContain(`${PLAN}/manage`);
    expect(forCoordinator.text).toContain('href="/partners/accounts"');
    expect(forOfficer.text).not.toContain('href="/partners/accounts"');
    // Each page's own form token (the sign-out form) is its own session's.
    const token = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    expect(token(forOfficer.text)).toBeDefined();
    expect(token(forOfficer.text)).not.toBe(token(forCoordinator.text));
    expect(forOfficer.text).not.toMatch(/rhins-part-/);
    expect(await htmlErrors(forOfficer.text)).toEqual([]);
    expect(await axeViolations(forOfficer.text)).toEqual([]);
  });

  it("show a saved review on the next request", async () => {
    const commitment = await firstCommitment();
    const path = `/partners/commitments/${commitment.id}/reviews/2`;
    const before = await coordinator.get(PLAN).expect(200);
    expect(before.text).not.toMatch(new RegExp(`${path}"><strong class="govuk-tag govuk-tag--red">`));
    const saved = await postReview(coordinator, path, { status: "RED", commentary: "Stalled" });
    expect(saved.status).toBe(302);
    const after = await officer.get(PLAN).expect(200);
    expect(after.text).toMatch(new RegExp(`${path}"><strong class="govuk-tag govuk-tag--red">`));
  });

  it("keep each filter apart", async () => {
    const all = await coordinator.get(PLAN).expect(200);
    const red = await coordinator.get(`${PLAN}?status=RED`).expect(200);
    const police = await coordinator.get(`${PLAN}?agency=Police`).expect(200);
    expect(tables(red.text)).not.toBe(tables(all.text));
    expect(tables(police.text)).not.toBe(tables(all.text));
    expect(tables(police.text)).not.toBe(tables(red.text));
    expect((red.text.match(/\/reviews\/2"/g) ?? []).length).toBe(1);
    // The filter offers the agencies that lead something in this plan.
    expect(all.text).toContain('<option value="Police">Avon and Somerset Police</option>');
    expect(police.text).toContain('<option value="Police" selected>Avon and Somerset Police</option>');
  });
});

describe("the print view's kept tables", () => {
  it("follow the plan's changes and the commentary switch", async () => {
    const commitment = await firstCommitment();
    const print = `${PLAN}/print`;
    const plain = await officer
      .get(print)
      .expect(200)
      .expect("Content-Type", /text\/html/);
    const withCommentary = await officer.get(`${print}?commentary=1`).expect(200);
    expect(withCommentary.text).toContain("Latest commentary");
    expect(plain.text).not.toContain("Latest commentary");
    await db.prisma.commitment.update({
      where: { id: commitment.id },
      data: { text: "A commitment renamed just now" },
    });
    expect((await officer.get(print).expect(200)).text).toContain("A commitment renamed just now");
    expect((await coordinator.get(`${print}?commentary=1`).expect(200)).text).toContain(
      "A commitment renamed just now",
    );
  });
});
