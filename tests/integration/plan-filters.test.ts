// The partner plan page's filters (objective, lead agency, status) apply to its grid and to every
// document made from it: each link carries them, and the print view, PDF, Word and both CSVs
// show only what they choose, saying so ("Showing only: ..."), under a file name of their own. A
// filter value that is not one of the choices is ignored. Beside the CSV of the latest reviews is
// one of every saved version (ReviewVersion), for signed-in partners only.
import { JSDOM } from "jsdom";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HISTORY_CSV_COLUMNS } from "../../src/services/plan/exports/csv.ts";
import { expectAccessiblePage } from "../helpers/accessibility.ts";
import { download, parseCsv, pdfText, unzip, wordParagraphs } from "../helpers/download.ts";
import type { Agent } from "../helpers/partners.ts";
import { postReview, reviewPage, type SeededApp, seededApp } from "../helpers/seeded-app.ts";

let s: SeededApp;
let coordinator: Agent;
let viewer: Agent;

const PLAN = "/partners/plans/2023-24";
// The seeded plan's commitments (tests/integration/plan-documents.test.ts lists them all).
const PANEL = "To set-up and establish a Hate Crime Review Panel process"; // 1.1, NSC
const RESTORATIVE = "Develop use of Restorative Justice for dealing with Hate Crimes"; // 1.2, Police / SARI
const LESSONS = "Develop lessons plans and resources that schools can use"; // 3.1, Police
const COMMS = "Develop a communications strategy on raising awareness"; // 2.1, all agencies
const UPTAKE_RISK = "Lack of uptake of support services";

const POLICE_RED = "agency=Police&status=RED";
const POLICE_RED_TEXT = "Showing only: lead agency Police (and what all agencies lead), status Red in any quarter.";

async function review(path: string, status: string, commentary: string) {
  const res = await postReview(coordinator, path, { status, commentary });
  expect(res.status, path).toBe(302);
}

beforeAll(async () => {
  s = await seededApp();
  coordinator = await s.as("coordinator");
  viewer = await s.as("viewer");
  await review(reviewPage(s.ids.policeCommitment, 1), "RED", "Schools input paused");
  await review(reviewPage(s.ids.nscCommitment, 1), "AMBER", "Waiting for the panel's terms");
  await review(reviewPage(s.ids.nscCommitment, 1), "RED", '=HYPERLINK("http://evil.example","Panel")');
  await review(reviewPage(s.ids.policeSariCommitment, 1), "GREEN", "Going well");
});
afterAll(async () => s.close());

const text = (node: Element | null | undefined) => node?.textContent?.replace(/\s+/g, " ").trim() ?? "";
const dom = (html: string) => new JSDOM(html).window.document;
const hrefs = (html: string) => [...dom(html).querySelectorAll("a")].map((a) => a.getAttribute("href") ?? "");
/** The partner plan page's tables: everything after the filter form. */
const grid = (html: string) => html.slice(html.indexOf("</form>"));

describe("the partner plan page's filters", () => {
  it("filter the grid by objective, lead agency and status, and say what they show", async () => {
    const page = await coordinator.get(`${PLAN}?objective=1`).expect(200);
    await expectAccessiblePage(page.text);
    const tables = grid(page.text);
    expect(tables).toContain(PANEL);
    expect(tables).toContain(RESTORATIVE);
    expect(tables).not.toContain(LESSONS);
    expect(tables).not.toContain(COMMS);
    expect(tables).not.toContain(UPTAKE_RISK); // risks belong to no objective
    expect(text(dom(page.text).querySelector("#objective option[selected]"))).toMatch(/^Objective 1: To ensure/);
    expect(page.text).toContain("Showing only: objective 1.");

    const policeRed = await coordinator.get(`${PLAN}?${POLICE_RED}`).expect(200);
    await expectAccessiblePage(policeRed.text);
    expect(grid(policeRed.text)).toContain(LESSONS);
    for (const absent of [PANEL, RESTORATIVE, COMMS, UPTAKE_RISK]) expect(grid(policeRed.text)).not.toContain(absent);
    expect(policeRed.text).toContain(POLICE_RED_TEXT);

    // The whole plan says nothing of filters.
    expect((await coordinator.get(PLAN)).text).not.toContain("Showing only");
  });

  it("carry the filters in every document link, and the every-review CSV sits beside the latest reviews", async () => {
    const links = hrefs((await coordinator.get(`${PLAN}?status=RED&agency=Police&objective=3`).expect(200)).text);
    const filter = "objective=3&agency=Police&status=RED";
    for (const file of ["print", "plan.pdf", "plan.docx"]) {
      expect(links).toContain(`${PLAN}/${file}?${filter}`);
      expect(links).toContain(`${PLAN}/${file}?commentary=1&${filter}`);
    }
    expect(links).toContain(`${PLAN}/reviews.csv?${filter}`);
    expect(links).toContain(`${PLAN}/review-history.csv?${filter}`);

    const whole = (await coordinator.get(PLAN)).text;
    const list = [...dom(whole).querySelectorAll("li")].map(text);
    const latest = list.indexOf("Download the latest reviews (CSV)");
    expect(latest).toBeGreaterThanOrEqual(0);
    expect(list[latest + 1]).toBe("Download every review (CSV)");
    expect(hrefs(whole)).toContain(`${PLAN}/review-history.csv`);
  });
});

describe("the documents of a filtered plan", () => {
  it("print only what the filters show, say so, and keep the filters in the print view's links", async () => {
    const print = (await coordinator.get(`${PLAN}/print?${POLICE_RED}`).expect(200)).text;
    await expectAccessiblePage(print);
    const main = text(dom(print).querySelector("main"));
    expect(main).toContain(POLICE_RED_TEXT);
    expect(main).toContain(LESSONS);
    for (const absent of [PANEL, RESTORATIVE, COMMS, UPTAKE_RISK]) expect(main).not.toContain(absent);
    expect(main).toContain("No risks match these filters.");
    const links = hrefs(print);
    for (const link of [
      `${PLAN}?${POLICE_RED}`,
      `${PLAN}/plan.pdf?${POLICE_RED}`,
      `${PLAN}/plan.docx?${POLICE_RED}`,
      `${PLAN}/reviews.csv?${POLICE_RED}`,
      `${PLAN}/review-history.csv?${POLICE_RED}`,
      `${PLAN}/print?commentary=1&${POLICE_RED}`,
    ])
      expect(links).toContain(link);
    // Each printed page's footer says it is part of the plan.
    expect(print).toContain(`href="${PLAN}/print.css?${POLICE_RED.replace("&", "&amp;")}"`);
    const css = (await coordinator.get(`${PLAN}/print.css?${POLICE_RED}`).expect(200)).text;
    expect(css).toMatch(/--rhins-document-footer: "Hate Crime Plan 2023.*filtered/);
    expect((await coordinator.get(`${PLAN}/print.css`).expect(200)).text).not.toContain("filtered");

    const withCommentary = (await coordinator.get(`${PLAN}/print?commentary=1&${POLICE_RED}`).expect(200)).text;
    expect(text(dom(withCommentary).querySelector("main"))).toContain("Schools input paused");
    expect(hrefs(withCommentary)).toContain(`${PLAN}/plan.pdf?commentary=1&${POLICE_RED}`);
    expect(hrefs(withCommentary)).toContain(`${PLAN}/print?${POLICE_RED}`);
  });

  it("make a PDF and a Word file of only what the filters show, saying so, named apart", async () => {
    const pdf = await download(coordinator, `${PLAN}/plan.pdf?${POLICE_RED}`).expect(200);
    expect(pdf.headers["content-disposition"]).toBe(
      'attachment; filename="rhins-hate-crime-plan-2023-24-police-red.pdf"',
    );
    const pdfWords = pdfText(pdf.body as Buffer);
    expect(pdfWords).toContain(POLICE_RED_TEXT);
    expect(pdfWords).toContain(LESSONS);
    for (const absent of [PANEL, RESTORATIVE, UPTAKE_RISK]) expect(pdfWords).not.toContain(absent);
    expect(pdfWords).toContain("Hate Crime Plan 2023/24 (filtered) — page 1 of");

    const word = await download(coordinator, `${PLAN}/plan.docx?objective=1`).expect(200);
    expect(word.headers["content-disposition"]).toBe(
      'attachment; filename="rhins-hate-crime-plan-2023-24-objective-1.docx"',
    );
    const paragraphs = wordParagraphs(unzip(word.body as Buffer)("word/document.xml")).map((p) => p.text);
    expect(paragraphs).toContain("Showing only: objective 1.");
    expect(paragraphs.some((p) => p.startsWith(PANEL))).toBe(true);
    expect(paragraphs.some((p) => p.startsWith(LESSONS))).toBe(false);
    expect(paragraphs).toContain("No risks match these filters.");

    // The whole plan's files are as before.
    const whole = await download(coordinator, `${PLAN}/plan.pdf`).expect(200);
    expect(whole.headers["content-disposition"]).toBe('attachment; filename="rhins-hate-crime-plan-2023-24.pdf"');
    expect(pdfText(whole.body as Buffer)).not.toContain("Showing only");
  });

  it("make a CSV of the latest reviews of only what the filters show, each row saying which", async () => {
    const res = await download(viewer, `${PLAN}/reviews.csv?${POLICE_RED}`).expect(200);
    expect(res.headers["content-disposition"]).toBe(
      'attachment; filename="rhins-hate-crime-plan-2023-24-police-red.csv"',
    );
    const rows = parseCsv(res.body as Buffer);
    expect(new Set(rows.map((r) => r.Text))).toEqual(new Set([expect.stringContaining(LESSONS)]));
    expect(rows.map((r) => r.Quarter)).toEqual(["Q1", "Q2", "Q3", "Q4"]);
    expect(rows.every((r) => r.Shown === POLICE_RED_TEXT)).toBe(true);

    const whole = parseCsv((await download(viewer, `${PLAN}/reviews.csv`).expect(200)).body as Buffer);
    expect(whole.every((r) => r.Shown === "")).toBe(true);
    expect(whole.length).toBeGreaterThan(rows.length);
  });

  it("ignore filter values that are not choices, repeated ones and unknown agencies or objectives", async () => {
    const junk = `agency=${"x".repeat(3000)}&status=PURPLE&status=RED&objective=99&objective=1`;
    const odd = ["agency=Nobody&objective=abc&status=", "objective=99", "agency=&status=red"];
    for (const query of [junk, ...odd]) {
      const page = await coordinator.get(`${PLAN}?${query}`).expect(200);
      expect(page.text).not.toContain("Showing only");
      const print = await coordinator.get(`${PLAN}/print?${query}`).expect(200);
      expect(print.text).not.toContain("Showing only");
      for (const file of ["plan.pdf", "plan.docx", "reviews.csv", "review-history.csv", "print.css"]) {
        const res = await download(coordinator, `${PLAN}/${file}?${query}`);
        expect(res.status, `${file}?${query.slice(0, 40)}`).toBe(200);
        expect(res.headers["content-disposition"] ?? "").not.toMatch(/-(x+|nobody|99|purple)\./);
      }
    }
    // The commentary switch is still checked as before.
    expect((await coordinator.get(`${PLAN}/print?commentary=2&agency=Police`)).status).toBe(400);
  });
});

describe("the CSV of every review", () => {
  it("lists every saved version, oldest first, with the status before and after, who and when, spreadsheet-safe", async () => {
    const res = await download(viewer, `${PLAN}/review-history.csv`).expect(200);
    expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(res.headers["content-disposition"]).toBe(
      'attachment; filename="rhins-hate-crime-plan-2023-24-review-history.csv"',
    );
    const body = res.body as Buffer;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(body);
    expect(Object.keys(rows[0]!)).toEqual([...HISTORY_CSV_COLUMNS]);
    const saved = await s.db.prisma.reviewVersion.count();
    expect(rows).toHaveLength(saved);
    const coordinatorName = `${s.partners.coordinator.name} (NSC)`;
    const row = (r: Record<string, string>) => [
      r.Type,
      r.Number,
      r.Quarter,
      r.Agency,
      r.Version,
      r["Status before"],
      r["Status after"],
      r.Commentary,
      r["Saved by"],
    ];
    // In the plan's order: 1.1 (two versions), 1.2, then 3.1.
    expect(rows.map(row)).toEqual([
      ["Commitment", "1.1", "Q1", "NSC", "1", "", "Amber", "Waiting for the panel's terms", coordinatorName],
      // A formula is kept as text, not run.
      [
        "Commitment",
        "1.1",
        "Q1",
        "NSC",
        "2",
        "Amber",
        "Red",
        `'=HYPERLINK("http://evil.example","Panel")`,
        coordinatorName,
      ],
      ["Commitment", "1.2", "Q1", "Police", "1", "", "Green", "Going well", coordinatorName],
      ["Commitment", "3.1", "Q1", "Police", "1", "", "Red", "Schools input paused", coordinatorName],
    ]);
    expect(rows[0]).toMatchObject({ Plan: "Hate Crime Plan 2023/24", "Plan status": "Published", Shown: "" });
    expect(rows[0]!.Text).toContain(PANEL);
    expect(rows[0]!["Saved at (UK time)"]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);

    // The latest reviews' CSV has only the version that stands.
    const latest = parseCsv((await download(viewer, `${PLAN}/reviews.csv`).expect(200)).body as Buffer);
    expect(latest.filter((r) => r.Number === "1.1" && r.Quarter === "Q1").map((r) => r.Status)).toEqual(["Red"]);
  });

  it("follows the filters, and is for signed-in partners only", async () => {
    const res = await download(coordinator, `${PLAN}/review-history.csv?${POLICE_RED}`).expect(200);
    expect(res.headers["content-disposition"]).toBe(
      'attachment; filename="rhins-hate-crime-plan-2023-24-police-red-review-history.csv"',
    );
    const rows = parseCsv(res.body as Buffer);
    expect(rows.map((r) => [r.Number, r["Status after"], r.Shown])).toEqual([["3.1", "Red", POLICE_RED_TEXT]]);

    const signedOut = await request(s.app).get(`${PLAN}/review-history.csv`);
    expect(signedOut.status).toBe(302);
    expect(signedOut.headers.location).toMatch(/^\/partners\/sign-in/);
    expect((await request(s.app).get("/plan/2023-24/review-history.csv")).status).toBe(404);
    expect((await coordinator.get("/partners/plans/2099-00/review-history.csv")).status).toBe(404);
  });
});
