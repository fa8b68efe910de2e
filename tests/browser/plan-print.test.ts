// The plan as a document in the browser and on paper (issue 6): Chromium prints the print view to
// PDF, and poppler (pdftotext, pdfinfo, pdftoppm) reads it back: every commitment, A4 with the
// tables on landscape pages, header rows on each page, rows whole, the footer with "page N of M",
// no navigation or Exit this page. The PDF and the server's own PDF (pdfkit) are read back the
// same way: content and order, title, DRAFT, hostile and non-Latin text. The print view printed
// well (issue 13) is measured from the words' boxes and the rendered pages (no word broken,
// commentary in the table's size, headings with their first rows, no lone last row, a white
// last page). Page 1 of each is kept as a PNG in test-results/plan-print.
import { execFile } from "node:child_process";
import { mkdir, readFile, readdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { QUARTERS } from "../../src/services/plan/year.ts";
import { RESULTS_DIR, startApp, startBrowser, type RunningApp, type RunningBrowser } from "../helpers/browser.ts";
import { type PdfPage, brokenWords, findText, lineHeight, pdfLayout, tintedShare } from "../helpers/pdf-layout.ts";

const run = promisify(execFile);
const OUT = path.join(RESULTS_DIR, "plan-print");
const PASSWORD = "correct horse battery staple"; // startApp's demo password

const COMMITMENTS = [
  "To set-up and establish a Hate Crime Review Panel process to ensure hate crimes are investigated and support has been offered",
  "Develop use of Restorative Justice for dealing with Hate Crimes",
  "Implement a new dedicated Community Tension monitoring process",
  "Develop a communications strategy on raising awareness of hate crime and how to access support",
  "Explore making use of community spaces to provide more reporting centres across North Somerset",
  "Develop lessons plans and resources that schools can use or PCSOs/ SLOs trained to provide inputs to schools",
  "Explore opportunities we have to raise awareness of inclusion in our schools, and in other areas such as libraries, children's centres, community learning opportunities etc",
  "Develop a communications campaign to celebrate North Somerset's diversity",
];
const RISKS = [
  "Lack of awareness of how to report hate crime and what happens after someone has reported a hate crime",
  "Lack of uptake of support services",
  "Under reporting in areas outside of Weston-super-Mare, especially in rural communities",
  "Increases to cost of living is likely to cause increases in crime types and community tensions",
  "Tightening of public and voluntary sector services budgets post COVID to place significant pressure on maintaining service provision",
];
const HOSTILE_DRAWABLE = `Ünïcödé Ελληνικά Русский <script>alert("x")</script> & "quotes"`;
const HOSTILE = `${HOSTILE_DRAWABLE} 多言語 العربية`;
/** One objective with enough commitments to run its table over several pages. */
const LONG_OBJECTIVE = 40;
/** Every item's commentary in the 2032/33 plan (a copy of the seeded plan). */
const COMMENTARY =
  "Met the schools forum in Weston-super-Mare and agreed the next steps with North Somerset Council's community safety team; the panel meets again in January.";

let app: RunningApp;
let browser: RunningBrowser;
const pages: Page[] = [];

beforeAll(async () => {
  app = await startApp();
  browser = await startBrowser(app.baseUrl);
  await mkdir(OUT, { recursive: true });
  await addTestPlans();
  await addCommentaryPlan();
  await signIn();
});
afterEach(async () => {
  await Promise.all(pages.splice(0).map((p) => p.close()));
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** Some reviews on the seeded plan, a draft with hostile text, and a plan with a long table. */
async function addTestPlans() {
  const p = app.db.prisma;
  const restorative = await p.commitment.findFirstOrThrow({ where: { text: COMMITMENTS[1] } });
  const police = await p.agency.findUniqueOrThrow({ where: { code: "Police" } });
  await p.review.createMany({
    data: (["COMPLETE", "GREEN", "AMBER", "RED"] as const).map((status, i) => ({
      commitmentId: restorative.id,
      agencyId: police.id,
      quarter: i + 1,
      status,
      version: 1,
    })),
  });
  const draft = await p.plan.create({
    data: { startYear: 2024, title: "Hate Crime Plan 2024/25", vision: "A draft vision", status: "DRAFT" },
  });
  await p.objective.create({
    data: {
      planId: draft.id,
      number: 1,
      title: "Respond to hate crime",
      commitments: { create: [{ position: 0, text: HOSTILE, leads: { create: [{ agencyId: police.id }] } }] },
    },
  });
  const long = await p.plan.create({
    data: { startYear: 2030, title: "Hate Crime Plan 2030/31", vision: "A long plan", status: "PUBLISHED" },
  });
  const objective = await p.objective.create({ data: { planId: long.id, number: 1, title: "A long objective" } });
  for (let i = 0; i < LONG_OBJECTIVE; i += 1) {
    const c = await p.commitment.create({
      data: {
        objectiveId: objective.id,
        position: i,
        allAgencies: true,
        text: `Long commitment ${i + 1}: work with schools, libraries, community groups and the police across every town and village in North Somerset`,
      },
    });
    await p.review.createMany({
      data: QUARTERS.map((quarter) => ({
        commitmentId: c.id,
        agencyId: police.id,
        quarter,
        status: (["RED", "AMBER", "GREEN", "COMPLETE"] as const)[(i + quarter) % 4],
        version: 1,
      })),
    });
  }
}

/** A copy of the seeded 2023/24 plan as 2032/33, with commentary from every lead agency on every item. */
async function addCommentaryPlan() {
  const p = app.db.prisma;
  const source = await p.plan.findUniqueOrThrow({
    where: { startYear: 2023 },
    include: {
      risks: { orderBy: { position: "asc" } },
      objectives: { orderBy: { number: "asc" }, include: { commitments: { include: { leads: true } } } },
    },
  });
  const agencies = await p.agency.findMany({ where: { code: { in: ["NSC", "Police"] } } });
  const plan = await p.plan.create({
    data: { startYear: 2032, title: "Hate Crime Plan 2032/33", vision: source.vision, status: "PUBLISHED" },
  });
  const review = { quarter: 1, status: "AMBER" as const, commentary: COMMENTARY, version: 1 };
  for (const r of source.risks) {
    const risk = await p.risk.create({
      data: {
        planId: plan.id,
        position: r.position,
        description: r.description,
        mitigation: r.mitigation,
        rating: r.rating,
        ownerAgencyId: r.ownerAgencyId,
      },
    });
    await p.review.create({ data: { ...review, riskId: risk.id, agencyId: r.ownerAgencyId ?? agencies[0]!.id } });
  }
  for (const o of source.objectives) {
    const objective = await p.objective.create({ data: { planId: plan.id, number: o.number, title: o.title } });
    for (const c of o.commitments.sort((a, b) => a.position - b.position)) {
      const commitment = await p.commitment.create({
        data: {
          objectiveId: objective.id,
          position: c.position,
          text: c.text,
          allAgencies: c.allAgencies,
          leads: { create: c.leads.map((l) => ({ agencyId: l.agencyId })) },
        },
      });
      const leads = c.allAgencies ? agencies.map((a) => a.id) : c.leads.map((l) => l.agencyId);
      await p.review.createMany({
        data: leads.map((agencyId) => ({ ...review, commitmentId: commitment.id, agencyId })),
      });
    }
  }
}

async function signIn() {
  const page = await browser.newPage();
  await page.goto(`${app.baseUrl}/partners/sign-in`);
  await page.getByLabel("Email address").fill("viewer@rhins.example");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/partners/sign-in"));
  await page.close();
}

async function open(url: string): Promise<Page> {
  const page = await browser.newPage({ width: 1280, height: 900 });
  pages.push(page);
  const res = await page.goto(`${app.baseUrl}${url}`);
  expect(res?.status(), url).toBe(200);
  return page;
}

/** Prints a page as the browser's print dialog would (the page's own @page sizes and footer). */
async function printToPdf(url: string, name: string): Promise<string> {
  const page = await open(url);
  const file = path.join(OUT, `${name}.pdf`);
  await page.pdf({ path: file, preferCSSPageSize: true, printBackground: true });
  return file;
}

/** Downloads a file with the signed-in browser's cookies. */
async function fetchFile(url: string, name: string): Promise<string> {
  const res = await browser.context.request.get(`${app.baseUrl}${url}`);
  expect(res.status(), url).toBe(200);
  const file = path.join(OUT, name);
  await writeFile(file, await res.body());
  return file;
}

/** The PDF's text in the order it is drawn (-raw): row by row, cell by cell. */
async function pdfText(file: string, options: string[] = []): Promise<string> {
  return (await run("pdftotext", ["-raw", ...options, "-enc", "UTF-8", file, "-"])).stdout;
}

async function pdfInfo(file: string) {
  const { stdout } = await run("pdfinfo", ["-f", "1", "-l", "999", file]);
  const field = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, "m").exec(stdout)?.[1]?.trim();
  const sizes = [...stdout.matchAll(/^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts/gm)].map((m) => [
    Math.round(Number(m[1])),
    Math.round(Number(m[2])),
  ]);
  return { title: field("Title"), pages: Number(field("Pages")), sizes };
}

/** Renders every page to PNG (at low resolution) and keeps page 1 as `<name>-page-1.png`. */
async function renderPages(file: string, name: string): Promise<number> {
  const prefix = path.join(OUT, `${name}-page`);
  await run("pdftoppm", ["-png", "-r", "50", file, prefix]);
  const rendered = (await readdir(OUT)).filter((f) => f.startsWith(`${name}-page-`) && f.endsWith(".png"));
  for (const png of rendered) expect((await stat(path.join(OUT, png))).size, png).toBeGreaterThan(2_000);
  const first = rendered.find((f) => /-page-0*1\.png$/.test(f));
  expect(first, "page 1 rendered").toBeDefined();
  if (first !== `${name}-page-1.png`)
    await writeFile(path.join(OUT, `${name}-page-1.png`), await readFile(path.join(OUT, first!)));
  return rendered.length;
}

/** Text without any white space, so words wrapped across lines (or at a hyphen) still match. */
const squash = (s: string) => s.replace(/\s+/g, "");

/** Whether the text holds these words, however they are wrapped. */
function expectContains(text: string, words: string) {
  expect(squash(text), words).toContain(squash(words));
}

/** Each string's place in the text, in order; fails if one is missing or out of order. */
function expectInOrder(text: string, items: string[]) {
  const haystack = squash(text);
  let at = -1;
  for (const item of items) {
    const found = haystack.indexOf(squash(item), at + 1);
    expect(found, `"${item}" after position ${at}`).toBeGreaterThan(at);
    at = found;
  }
}

const A4_PORTRAIT = [595, 842];
const A4_LANDSCAPE = [842, 595];

describe("the print view printed by Chromium", () => {
  it("prints every commitment and risk in order, on A4, tables landscape, with the footer and no navigation", async () => {
    const file = await printToPdf("/partners/plans/2023-24/print", "print-view-2023-24");
    const text = await pdfText(file);
    expectInOrder(text, ["Hate Crime Plan 2023/24", "About us", "Our vision", ...RISKS, ...COMMITMENTS]);
    for (const words of ["Complete", "Green", "Amber", "Red", "No update"]) expectContains(text, words);
    for (const absent of [
      "Back to the plan",
      "Download as PDF",
      "Exit this page",
      "Accessibility statement",
      "Sign out",
    ])
      expect(text).not.toContain(absent);
    const info = await pdfInfo(file);
    expect(info.pages).toBeGreaterThanOrEqual(2);
    // The words on portrait pages, then the tables on landscape ones.
    const firstWide = info.sizes.findIndex((s) => s[0] === A4_LANDSCAPE[0]);
    expect(firstWide).toBeGreaterThan(0);
    expect(info.sizes.slice(0, firstWide).every((s) => s[0] === A4_PORTRAIT[0] && s[1] === A4_PORTRAIT[1])).toBe(true);
    expect(info.sizes.slice(firstWide).every((s) => s[0] === A4_LANDSCAPE[0] && s[1] === A4_LANDSCAPE[1])).toBe(true);
    for (let n = 1; n <= info.pages; n += 1) {
      expect(text).toContain(`Hate Crime Plan 2023/24 — page ${n} of ${info.pages}`);
    }
    expect(await renderPages(file, "print-view-2023-24")).toBe(info.pages);
  });

  it("repeats the table's header row on each page and never splits a row", async () => {
    const file = await printToPdf("/partners/plans/2030-31/print", "print-view-long-table");
    const info = await pdfInfo(file);
    const commitmentPages: string[] = [];
    for (let n = 1; n <= info.pages; n += 1) {
      const text = await pdfText(file, ["-f", String(n), "-l", String(n)]);
      if (/Long commitment \d+/.test(text)) commitmentPages.push(text);
    }
    expect(commitmentPages.length).toBeGreaterThan(1);
    for (const text of commitmentPages) {
      expectContains(text, "Lead agency");
      expectContains(text, "Q4 review");
    }
    // Each commitment's whole text is on one page.
    for (let i = 1; i <= LONG_OBJECTIVE; i += 1) {
      const whole = squash(
        `Long commitment ${i}: work with schools, libraries, community groups and the police across every town and village in North Somerset`,
      );
      expect(
        commitmentPages.filter((t) => squash(t).includes(whole)),
        `commitment ${i}`,
      ).toHaveLength(1);
    }
    await renderPages(file, "print-view-long-table");
  });

  it("marks a draft on every page and keeps hostile and non-Latin text", async () => {
    const file = await printToPdf("/partners/plans/2024-25/print", "print-view-draft");
    const text = await pdfText(file);
    const info = await pdfInfo(file);
    expect(info.title).toBe("DRAFT – Hate Crime Plan 2024/25 – RHINS");
    expectContains(text, "DRAFT – Hate Crime Plan 2024/25");
    expectContains(text, "DRAFT: this plan has not been published");
    for (let n = 1; n <= info.pages; n += 1) {
      expect(text).toContain(`DRAFT – Hate Crime Plan 2024/25 — page ${n} of ${info.pages}`);
    }
    expectContains(text, HOSTILE_DRAWABLE);
    await renderPages(file, "print-view-draft");
  });

  it("prints the public print view without Exit this page, and it is accessible on screen", async () => {
    const file = await printToPdf("/plan/2023-24/print", "public-print-view");
    const text = await pdfText(file);
    expectInOrder(text, [...RISKS, ...COMMITMENTS]);
    expect(text).not.toContain("Exit this page");
    expect(text).not.toContain("Leave this site");

    const axeSource = await readFile(new URL("../../node_modules/axe-core/axe.min.js", import.meta.url), "utf8");
    for (const url of ["/plan/2023-24/print", "/partners/plans/2024-25/print?commentary=1"]) {
      const page = await open(url);
      await page.evaluate(axeSource);
      const violations = await page.evaluate<{ id: string; nodes: string[] }[]>(`
        axe.run(document, {
          runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"] },
          resultTypes: ["violations"],
        }).then((r) => r.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(" ")) })))
      `);
      expect(violations, url).toEqual([]);
    }
    expect(browser.foreignRequests).toEqual([]);
  });
});

describe("the server's PDF (pdfkit)", () => {
  it("has the document's content in order, its title and A4 pages", async () => {
    const file = await fetchFile("/partners/plans/2023-24/plan.pdf", "plan-2023-24.pdf");
    const info = await pdfInfo(file);
    expect(info.title).toBe("Hate Crime Plan 2023/24");
    expect(info.sizes[0]).toEqual(A4_PORTRAIT);
    expect(info.sizes.slice(1)).toContainEqual(A4_LANDSCAPE);
    // -raw: the order the text is drawn in, row by row.
    const text = await pdfText(file);
    expectInOrder(text, [
      "Hate Crime Plan 2023/24",
      "Challenge it, report it, stop it",
      "About us",
      "Our vision",
      "A North Somerset that embraces difference",
      "What we do",
      "Our achievements in 2022/23",
      "Hate Crime Awareness Week 2021",
      "Our challenges and risks for 2023/24",
      ...RISKS,
      "Our commitments for 2023/24",
      "Objective 1 - To ensure an effective response",
      COMMITMENTS[0]!,
      "North Somerset Council",
      COMMITMENTS[1]!,
      "Avon and Somerset Police and Stand Against Racism and Inequality",
      "Complete",
      "Green",
      "Amber",
      "Red",
      ...COMMITMENTS.slice(2),
    ]);
    for (let n = 1; n <= info.pages; n += 1) {
      expect(text).toContain(`Hate Crime Plan 2023/24 — page ${n} of ${info.pages}`);
    }
    expect(text).not.toContain("DRAFT");
    expect(await renderPages(file, "plan-2023-24-pdfkit")).toBe(info.pages);
  });

  it("marks a draft and keeps hostile text, accents, Greek and Cyrillic", async () => {
    const file = await fetchFile("/partners/plans/2024-25/plan.pdf", "plan-2024-25-draft.pdf");
    const info = await pdfInfo(file);
    expect(info.title).toBe("DRAFT – Hate Crime Plan 2024/25");
    const text = await pdfText(file);
    expect(text).toContain("DRAFT – Hate Crime Plan 2024/25");
    expect(text).toContain("DRAFT: this plan has not been published and may change.");
    expect(text).toContain(`DRAFT – Hate Crime Plan 2024/25 — page 1 of ${info.pages}`);
    // Every script drawn in a Noto font that has it (the Chinese and Arabic too: Arabic stands on
    // its own line, and tests/integration/plan-pdf-accessible.test.ts reads it back).
    expect(squash(text)).toContain(squash(`${HOSTILE_DRAWABLE} 多言語`));
    await renderPages(file, "plan-2024-25-draft-pdfkit");
  });

  it("is public for a published plan", async () => {
    const res = await fetch(`${app.baseUrl}/plan/2023-24/plan.pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get("set-cookie")).toBeNull();
    const file = path.join(OUT, "public-plan-2023-24.pdf");
    await writeFile(file, Buffer.from(await res.arrayBuffer()));
    expectInOrder(await pdfText(file), [...RISKS, ...COMMITMENTS]);
    expect((await fetch(`${app.baseUrl}/plan/2024-25/plan.pdf`)).status).toBe(404);
  });
});

// Documents that print well (issue 13): the print view printed by Chromium, measured as a person
// reads it (the words' boxes from pdftotext -bbox-layout, the pages rendered by pdftoppm). The
// 2032/33 plan has commentary on every item; its last objective's table is grown or shrunk in the
// page before printing, so headings and rows fall at every place on a page.
describe("the print view, printed well", () => {
  const URL_2032 = "/partners/plans/2032-33/print?commentary=1";

  /** Prints the 2032/33 print view with `rows` rows in its last table, each row's text numbered "Row N.". */
  async function printRows(rows: number | undefined, name: string) {
    const page = await open(URL_2032);
    const headings = await page.evaluate((count) => {
      const tables = [...document.querySelectorAll<HTMLTableElement>("h3.rhins-document__objective + table")];
      const all = tables.flatMap((t) => [...t.tBodies[0]!.rows]);
      if (count !== undefined) {
        const clones = Array.from({ length: count }, (_, i) => all[i % all.length]!.cloneNode(true));
        tables.at(-1)!.tBodies[0]!.replaceChildren(...clones);
      }
      let n = 0;
      return tables.map((t) => {
        const first = n + 1;
        for (const row of t.tBodies[0]!.rows) {
          n += 1;
          row.cells[0]!.textContent = `Row ${n}. ${row.cells[0]!.textContent!.trim()}`;
        }
        return { heading: t.previousElementSibling!.textContent!.trim(), first };
      });
    }, rows);
    const words = (await page.evaluate(() => document.querySelector("main")!.innerText)).split(/[\s"]+/);
    const file = path.join(OUT, `${name}.pdf`);
    await page.pdf({ path: file, preferCSSPageSize: true, printBackground: true });
    const pdf = await readFile(file);
    return { pdf, pages: pdfLayout(pdf), headings, words: words.flatMap((w) => w.split(/[-–/]/)) };
  }

  const rowsOn = (page: PdfPage) => page.lines.filter((l) => /^Row \d+\./.test(l.text)).length;
  const isFooter = (text: string) => /— page \d+ of \d+/.test(text);

  it("breaks no word of a lead agency's name, and prints commentary in the table's type size", async () => {
    const { pages, words } = await printRows(undefined, "print-view-commentary");
    await renderPages(path.join(OUT, "print-view-commentary.pdf"), "print-view-commentary");
    const names = ["North Somerset Council", "Avon and Somerset Police", "Stand Against Racism and Inequality"];
    expect(brokenWords(pages, [...words, ...names.flatMap((n) => n.split(" "))])).toEqual([]);

    const row = findText(pages, "Row 2. Develop use of Restorative Justice")!;
    const sizes = {
      commitment: lineHeight(row.line),
      lead: lineHeight(findText(pages, "Avon and Somerset")!.line),
      commentary: lineHeight(findText(pages, "Met the schools forum")!.line),
      by: lineHeight(findText(pages, "Q1, 3")?.line ?? findText(pages, "Q1,")!.line),
    };
    for (const [what, size] of Object.entries(sizes)) expect(size, what).toBeCloseTo(sizes.commitment, 0);
  });

  it("keeps each objective's heading with its table's first row, never leaves one row on the last page, and leaves the rest of the last page white", async () => {
    for (const rows of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) {
      const { pdf, pages, headings } = await printRows(rows, `print-view-rows-${rows}`);
      for (const { heading, first } of headings) {
        const at = findText(pages, heading);
        expect(at, `${rows} rows: "${heading}" whole on one page`).toBeDefined();
        expect(findText(pages, `Row ${first}.`)?.page, `${rows} rows: the first row under "${heading}"`).toBe(at?.page);
      }
      const last = pages.at(-1)!;
      if (rows > 1) expect(rowsOn(last), `${rows} rows: rows on the last page`).toBeGreaterThan(1);
      const bottom = Math.max(...last.lines.filter((l) => !isFooter(l.text)).map((l) => l.yMax));
      const footer = Math.min(...last.lines.filter((l) => isFooter(l.text)).map((l) => l.yMin));
      if (footer - bottom > 60)
        expect(
          tintedShare(pdf, last.number, { from: bottom + 24, to: footer - 4 }),
          `${rows} rows: tinted below the last row`,
        ).toBeLessThan(0.02);
    }
  });
});
