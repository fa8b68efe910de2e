// Rolling a plan over through its "Are you sure?" page carries the vision, introduction and
// purposes, and drafts the new year's achievements from what was completed (or Green at quarter
// 4) the year before. A plan's achievements are the year before's, so the 2024/25 plan prints
// them, drafted or added, under "Our achievements in 2023/24": its print view, PDF and Word file,
// the public plan and About pages once it is published, and its management page says so.
import { JSDOM } from "jsdom";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectAccessiblePage } from "../helpers/accessibility.ts";
import { download, pdfText, unzip, wordParagraphs } from "../helpers/download.ts";
import { type Agent, csrfToken, submit } from "../helpers/partners.ts";
import { postReview, reviewPage, type SeededApp, seededApp } from "../helpers/seeded-app.ts";

let s: SeededApp;
let coordinator: Agent;

const SEEDED = "/partners/plans/2023-24";
const NEXT = "/partners/plans/2024-25";
const HEADING = "Our achievements in 2023/24";
const ADDED = "Hate Crime Awareness Week 2023";

beforeAll(async () => {
  s = await seededApp();
  coordinator = await s.as("coordinator");
});
afterAll(async () => s.close());

const text = (node: Element | null | undefined) => node?.textContent?.replace(/\s+/g, " ").trim() ?? "";

/** The achievements under their heading: the h2, then each h3 (and its text) until the next h2. */
function achievementsOf(html: string) {
  const document = new JSDOM(html).window.document;
  const heading = [...document.querySelectorAll("h2")].find((h) => text(h).startsWith("Our achievements"));
  const items: string[] = [];
  for (let node = heading?.nextElementSibling; node && node.tagName !== "H2"; node = node.nextElementSibling)
    if (node.tagName === "H3") items.push(text(node));
  return { heading: text(heading), items };
}

describe("rolling the 2023/24 plan over to 2024/25", () => {
  let commitments: { panel: string; lessons: string };

  it("runs from the confirmation page: carries the vision, introduction and purposes, and drafts the achievements", async () => {
    const c = (id: number) => s.db.prisma.commitment.findUniqueOrThrow({ where: { id } });
    commitments = { panel: (await c(s.ids.nscCommitment)).text, lessons: (await c(s.ids.policeCommitment)).text };
    for (const [id, status, commentary] of [
      [s.ids.nscCommitment, "GREEN", "The panel meets every month"],
      [s.ids.policeCommitment, "COMPLETE", "Lesson plans used in every secondary school"],
    ] as const) {
      const res = await postReview(coordinator, reviewPage(id, 4), { status, commentary });
      expect(res.status).toBe(302);
    }

    const page = await coordinator.get(`${SEEDED}/rollover`).expect(200);
    const rolled = await coordinator
      .post(`${SEEDED}/rollover`)
      .type("form")
      .send({ _csrf: csrfToken(page.text) });
    expect(rolled.status).toBe(302);
    expect(rolled.headers.location).toBe(`${NEXT}/manage`);

    const plan = (startYear: number) =>
      s.db.prisma.plan.findUniqueOrThrow({
        where: { startYear },
        include: { purposes: { orderBy: { position: "asc" } }, achievements: { orderBy: { position: "asc" } } },
      });
    const [source, next] = [await plan(2023), await plan(2024)];
    expect(source.vision).not.toBe("");
    expect(source.purposes.length).toBeGreaterThan(0);
    expect({ vision: next.vision, introduction: next.introduction, strapline: next.strapline }).toEqual({
      vision: source.vision,
      introduction: source.introduction,
      strapline: source.strapline,
    });
    expect(next.purposes.map((p) => p.text)).toEqual(source.purposes.map((p) => p.text));
    // In the plan's order: 1.1 (Green at quarter 4), then 3.1 (Complete).
    expect(next.achievements.map((a) => [a.title, a.description])).toEqual([
      [commitments.panel, "The panel meets every month"],
      [commitments.lessons, "Lesson plans used in every secondary school"],
    ]);
  });

  it("prints the drafted and added achievements under the year before in the print view, PDF and Word", async () => {
    const add = await submit(coordinator, `${NEXT}/achievements/new`, {
      title: ADDED,
      description: "A week of events across North Somerset.",
    });
    expect(add.status).toBe(302);

    const manage = (await coordinator.get(`${NEXT}/manage`).expect(200)).text;
    await expectAccessiblePage(manage);
    expect(manage).toContain(`the plan prints them under “${HEADING}”`);

    const print = (await coordinator.get(`${NEXT}/print`).expect(200)).text;
    expect(achievementsOf(print)).toEqual({ heading: HEADING, items: [commitments.panel, commitments.lessons, ADDED] });
    const source = await s.db.prisma.plan.findUniqueOrThrow({ where: { startYear: 2023 } });
    expect(print).toContain(source.introduction);

    const pdf = pdfText((await download(coordinator, `${NEXT}/plan.pdf`).expect(200)).body as Buffer);
    const at = pdf.indexOf(HEADING);
    expect(at).toBeGreaterThan(0);
    expect(pdf.indexOf(`${ADDED} –`)).toBeGreaterThan(at);
    expect(pdf).not.toContain("Our achievements in 2022/23");

    const word = wordParagraphs(
      unzip((await download(coordinator, `${NEXT}/plan.docx`).expect(200)).body as Buffer)("word/document.xml"),
    );
    expect(word.filter((p) => p.style === "Heading2").map((p) => p.text)).toContain(HEADING);
    const after = word.slice(word.findIndex((p) => p.text === HEADING) + 1);
    expect(after.some((p) => p.text.startsWith(ADDED))).toBe(true);
  });

  it("shows them under the same heading on the public plan and About pages once published", async () => {
    expect((await submit(coordinator, `${NEXT}/manage`, {}, `${NEXT}/publish`)).status).toBe(302);
    const visitor = request(s.app);

    const plan = (await visitor.get("/plan/2024-25").expect(200)).text;
    await expectAccessiblePage(plan);
    const document = new JSDOM(plan).window.document;
    expect(text(document.querySelector("h2#achievements"))).toBe(HEADING);
    expect(plan).toContain(ADDED);

    const publicPrint = (await visitor.get("/plan/2024-25/print").expect(200)).text;
    expect(achievementsOf(publicPrint).heading).toBe(HEADING);

    // The About page shows the current plan's achievements, under the year they were achieved.
    const about = (await visitor.get("/about").expect(200)).text;
    await expectAccessiblePage(about);
    expect(achievementsOf(about)).toEqual({ heading: HEADING, items: [commitments.panel, commitments.lessons, ADDED] });
  });
});
