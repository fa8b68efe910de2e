// The public figures (/figures): nothing until a coordinator publishes a quarter that has ended;
// then exactly the published numbers, with no count from 1 to 4 and a second cell withheld where
// the total would give one away; never live (later reports wait for the next publication); only
// coordinators publish; cached like every public page, and dropped when a publication changes,
// however it changed.
import { gzipSync } from "node:zlib";
import { JSDOM } from "jsdom";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { currentMonth, financialYearOf } from "../../src/services/figures/counts.ts";
import { expectAccessiblePage } from "../helpers/accessibility.ts";
import { testApp } from "../helpers/app.ts";
import { type Agent, csrfToken, submit } from "../helpers/partners.ts";
import { newReport } from "../helpers/reports.ts";
import { type SeededApp, seededApp } from "../helpers/seeded-app.ts";

let seeded: SeededApp;
let coordinator: Agent;
/** The same database through an instance that keeps no public page: what is stored, as it is now. */
let uncached: ReturnType<typeof testApp>;
let stopListening: () => Promise<void>;

/** Stores `n` reports made in `month` ("2023-05", mid-month in England), about `strands`, in `area` (null: not given). */
async function reports(n: number, month: string, area: string | null, strands: string[] = ["RACE"]) {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const { reference } = await seeded.services.reports.submit(newReport({ anonymous: true }));
    const report = await seeded.db.prisma.incidentReport.update({
      where: { reference },
      data: { receivedAt: new Date(`${month}-15T12:00:00Z`), area, strands },
    });
    ids.push(report.id);
  }
  return ids;
}

beforeAll(async () => {
  seeded = await seededApp({ PUBLIC_PAGE_CACHE_SECONDS: "60" });
  stopListening = await seeded.services.listenForChanges();
  uncached = testApp(seeded.db);
  coordinator = await seeded.as("coordinator");

  // 2023/24: 6 reports about race in Clevedon and 2 about religion in Nailsea, and one assessed
  // as not hate-related (not counted).
  await reports(6, "2023-05", "Clevedon", ["RACE"]);
  await reports(2, "2023-06", "Nailsea", ["RELIGION"]);
  const [notHate] = await reports(1, "2023-07", "Portishead", ["RACE"]);
  await seeded.db.prisma.case.update({ where: { reportId: notHate }, data: { assessment: "NOT_HATE_RELATED" } });
  // 2024/25 to the end of quarter 2 (September): 7 in Clevedon and 9 in Portishead, about race and
  // religion both; and one in October, after the quarter.
  await reports(7, "2024-04", "Clevedon", ["RACE", "RELIGION"]);
  await reports(9, "2024-08", "Portishead", ["RACE", "RELIGION"]);
  await reports(1, "2024-10", "Clevedon", ["RACE"]);

  const police = await seeded.db.prisma.policeImport.create({
    data: { fileName: "police.csv", fromMonth: "2023-04", toMonth: "2024-09", rowCount: 5, total: 41 },
  });
  await seeded.db.prisma.policeFigure.createMany({
    data: [
      { month: "2023-04", strand: "RACE", area: "Clevedon", count: 12, importId: police.id },
      { month: "2023-07", strand: "RELIGION", area: "Nailsea", count: 3, importId: police.id },
      { month: "2024-05", strand: "RACE", area: "Weston-super-Mare", count: 20, importId: police.id },
      { month: "2024-06", strand: "DISABILITY", area: "Weston-super-Mare", count: 5, importId: police.id },
      { month: "2024-09", strand: "SEXUAL_ORIENTATION", area: "Portishead", count: 1, importId: police.id },
    ],
  });
});
afterAll(async () => {
  await stopListening();
  await seeded.close();
});

const text = (node: Element) => node.textContent!.replace(/\s+/g, " ").trim();

/** A table's rows (its header row first), each as the text of its cells. */
function table(html: string, id: string): string[][] {
  const element = new JSDOM(html).window.document.getElementById(id);
  if (!element) throw new Error(`no table #${id}`);
  return [...element.querySelectorAll("tr")].map((row) => [...row.querySelectorAll("th, td")].map(text));
}

const caption = (html: string, id: string) => text(new JSDOM(html).window.document.querySelector(`#${id} caption`)!);

/** Every count cell of the figures' tables. */
const countCells = (html: string) => [...new JSDOM(html).window.document.querySelectorAll("table td")].map(text);

const publicPage = async (app = seeded.app) => (await request(app).get("/figures").expect(200)).text;

const AREAS = [
  "Clevedon",
  "Nailsea",
  "Portishead",
  "Rural areas",
  "Weston-super-Mare",
  "Somewhere else in North Somerset",
  "Outside North Somerset",
  "Online",
  "Not given",
];
const areaRows = (counts: Record<string, [string, string]>, total: [string, string]) => [
  ["Area", "2023/24", "2024/25 (April to September)"],
  ...AREAS.map((a) => [a, ...(counts[a] ?? ["0", "0"])]),
  ["Total", ...total],
];

describe("before anything is published", () => {
  it("/figures says so, is cached like every public page and is accessible", async () => {
    const res = await request(seeded.app).get("/figures").expect(200);
    expect(res.headers["cache-control"]).toBe("public, max-age=300");
    expect(res.headers["set-cookie"]).toBeUndefined();
    expect(res.text).toContain("No figures have been published yet");
    expect(res.text).not.toContain("<table");
    await expectAccessiblePage(res.text);
  });

  it("the home page and /plan link to it", async () => {
    for (const path of ["/", "/plan"]) expect((await request(seeded.app).get(path)).text).toContain('href="/figures"');
  });

  it("the coordinators' page lists nothing published and offers only quarters that have ended", async () => {
    const res = await coordinator.get("/partners/figures/publish").expect(200);
    expect(res.text).toContain("Nothing has been published yet");
    const now = currentMonth(new Date());
    const offered = [...res.text.matchAll(/name="quarter" type="radio" value="(\d{4})-([1-4])"/g)].map((m) => ({
      year: Number(m[1]),
      quarter: Number(m[2]),
    }));
    expect(offered.length).toBe(8);
    for (const q of offered) {
      const lastMonth = `${q.quarter === 4 ? q.year + 1 : q.year}-${String(((q.quarter * 3 + 2) % 12) + 1).padStart(2, "0")}`;
      expect(lastMonth < now, `${q.year} quarter ${q.quarter}`).toBe(true);
    }
    await expectAccessiblePage(res.text);
  });
});

describe("publishing a quarter", () => {
  it("refuses a quarter that has not ended, or no quarter, saying what to fix, and stores nothing", async () => {
    const month = currentMonth(new Date());
    const year = financialYearOf(month);
    const quarter = Math.floor(((Number(month.slice(5)) + 8) % 12) / 3) + 1;
    for (const value of [`${year}-${quarter}`, `${year + 1}-1`, "", "2024-5", "last quarter"]) {
      const res = await submit(coordinator, "/partners/figures/publish", { quarter: value });
      expect(res.status, value).toBe(400);
      expect(res.text).toContain("There is a problem");
      expect(res.text).toContain('href="#quarter"');
      await expectAccessiblePage(res.text);
    }
    const preview = await coordinator.get(`/partners/figures/publish/preview?quarter=${year}-${quarter}`);
    expect(preview.status).toBe(400);
    expect(preview.text).toContain("Choose a quarter that has ended");
    expect(await seeded.db.prisma.figuresPublication.count()).toBe(0);
  });

  it("is refused to officers and viewers, and without the form's token", async () => {
    for (const who of ["officer", "viewer"] as const) {
      const agent = await seeded.as(who);
      expect((await agent.get("/partners/figures/publish")).status).toBe(403);
      expect((await agent.get("/partners/figures/publish/preview?quarter=2024-2")).status).toBe(403);
      const page = await agent.get("/partners/account");
      const res = await agent.post("/partners/figures/publish").type("form").send({ quarter: "2024-2", _csrf: csrfToken(page.text) }); // prettier-ignore
      expect(res.status).toBe(403);
    }
    expect((await coordinator.post("/partners/figures/publish").type("form").send({ quarter: "2024-2" })).status).toBe(403); // prettier-ignore
    expect(await seeded.db.prisma.figuresPublication.count()).toBe(0);
  });

  it("previews exactly what the public will see, then publishes it", async () => {
    const preview = await coordinator.get("/partners/figures/publish/preview?quarter=2024-2").expect(200);
    expect(preview.text).toContain("Publish these figures");
    await expectAccessiblePage(preview.text);
    // Still nothing public.
    expect(await publicPage()).toContain("No figures have been published yet");

    const res = await coordinator
      .post("/partners/figures/publish")
      .type("form")
      .send({ quarter: "2024-2", _csrf: csrfToken(preview.text) });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe("/partners/figures/publish");
    const listed = await coordinator.get("/partners/figures/publish").expect(200);
    expect(listed.text).toContain("Figures for 2024/25 quarter 2 (April 2024 to September 2024) published");
    await expectAccessiblePage(listed.text);

    // The kept "nothing yet" page went at once.
    const html = await publicPage();
    for (const id of ["reports-by-area", "reports-by-strand", "police-by-area", "police-by-strand"])
      expect(table(html, id)).toEqual(table(preview.text, id));
    expect(html).toContain("Figures to the end of 2024/25 quarter 2");

    const event = await seeded.db.prisma.auditEvent.findFirstOrThrow({ where: { action: "figures.published" } });
    expect(event).toMatchObject({ entityType: "FiguresPublication", entityId: "2024/Q2", actorEmail: "coord@partners.test" }); // prettier-ignore
  });

  it("shows the hand-counted figures, with small counts as fewer than 5 and a second cell withheld", async () => {
    const html = await publicPage();
    expect(caption(html, "reports-by-area")).toBe("Reports to the partnership by area, from April 2023 to September 2024"); // prettier-ignore
    // 2023/24: 6 and 2 with the total 8 would give the 2 away, so the 6 is withheld too. The
    // report assessed as not hate-related, and the one after September, are not counted.
    expect(table(html, "reports-by-area")).toEqual(
      areaRows({ Clevedon: ["withheld", "7"], Nailsea: ["fewer than 5", "0"], Portishead: ["0", "9"] }, ["8", "16"]),
    );
    expect(table(html, "reports-by-strand")).toEqual([
      ["Strand", "2023/24", "2024/25 (April to September)"],
      ["Race, ethnicity or nationality", "withheld", "16"],
      ["Religion or belief", "fewer than 5", "16"],
      ["Sexual orientation", "0", "0"],
      ["Disability", "0", "0"],
      ["Transgender identity", "0", "0"],
      ["Sex or gender", "0", "0"],
      ["Age", "0", "0"],
      ["Alternative subculture, such as goth, emo or punk", "0", "0"],
      ["Something else", "0", "0"],
      ["Not sure", "0", "0"],
    ]);
    // Police 2024/25: 25 and 1 by area; 20, 5 and 1 by strand, where withholding the 5 alone
    // would leave 5 + 1 = 6 (so 1), and the 20 is withheld too.
    expect(table(html, "police-by-area")).toEqual(
      areaRows(
        { Clevedon: ["withheld", "0"], Nailsea: ["fewer than 5", "0"], Portishead: ["0", "fewer than 5"], "Weston-super-Mare": ["0", "withheld"] }, // prettier-ignore
        ["15", "26"],
      ),
    );
    expect(table(html, "police-by-strand").slice(0, 5)).toEqual([
      ["Strand", "2023/24", "2024/25 (April to September)"],
      ["Race, ethnicity or nationality", "withheld", "withheld"],
      ["Religion or belief", "fewer than 5", "0"],
      ["Sexual orientation", "0", "fewer than 5"],
      ["Disability", "0", "withheld"],
    ]);
    expect(html).toContain("A report can be about more than one strand");
    expect(countCells(html).filter((c) => /^[1-4]$/.test(c))).toEqual([]);
    await expectAccessiblePage(html);
  });

  it("is never live: later reports and police figures wait for the next publication", async () => {
    const before = await publicPage(uncached.app);
    await reports(3, "2024-05", "Nailsea", ["AGE"]);
    const police = await seeded.db.prisma.policeImport.findFirstOrThrow();
    await seeded.db.prisma.policeFigure.create({
      data: { month: "2024-07", strand: "RACE", area: "Clevedon", count: 8, importId: police.id },
    });
    expect(await publicPage(uncached.app)).toBe(before);

    // Published again: the new figures, and the coordinators are warned it replaces the last.
    const preview = await coordinator.get("/partners/figures/publish/preview?quarter=2024-2").expect(200);
    expect(preview.text).toContain("publishing it again replaces those figures");
    await coordinator.post("/partners/figures/publish").type("form").send({ quarter: "2024-2", _csrf: csrfToken(preview.text) }).expect(302); // prettier-ignore
    const html = await publicPage();
    // 7, 3 and 9: the 3 alone would be 19 less the rest, so the 7 is withheld.
    expect(table(html, "reports-by-area").slice(1, 4)).toEqual([
      ["Clevedon", "withheld", "withheld"],
      ["Nailsea", "fewer than 5", "fewer than 5"],
      ["Portishead", "0", "9"],
    ]);
    expect(table(html, "reports-by-area").at(-1)).toEqual(["Total", "8", "19"]);
    expect(await seeded.db.prisma.figuresPublication.count()).toBe(1);
    const trail = await seeded.services.audit.list({ action: "figures.published", page: 1 });
    expect(trail.events.map((e) => e.description)).toEqual([
      "Published again the public figures for 2024/25 quarter 2, to the end of September 2024",
      "Published the public figures for 2024/25 quarter 2, to the end of September 2024",
    ]);
  });

  it("shows the latest quarter published, by year then quarter", async () => {
    const page = await coordinator.get("/partners/figures/publish/preview?quarter=2024-1").expect(200);
    await coordinator.post("/partners/figures/publish").type("form").send({ quarter: "2024-1", _csrf: csrfToken(page.text) }).expect(302); // prettier-ignore
    expect(await publicPage()).toContain("Figures to the end of 2024/25 quarter 2");
    const listed = await coordinator.get("/partners/figures/publish").expect(200);
    const published = table(listed.text.replace("<table", '<table id="published"'), "published").slice(1);
    expect(published.map((row) => row[0])).toEqual([
      "2024/25 quarter 2 (April 2024 to September 2024)",
      "2024/25 quarter 1 (April 2024 to June 2024)",
    ]);
  });

  it("stays within the public page weight budget with eleven years of figures", async () => {
    const police = await seeded.db.prisma.policeImport.findFirstOrThrow();
    await seeded.db.prisma.policeFigure.create({
      data: { month: "2014-06", strand: "RACE", area: "Nailsea", count: 2, importId: police.id },
    });
    const page = await coordinator.get("/partners/figures/publish/preview?quarter=2024-2").expect(200);
    await coordinator.post("/partners/figures/publish").type("form").send({ quarter: "2024-2", _csrf: csrfToken(page.text) }).expect(302); // prettier-ignore
    const html = await publicPage();
    expect(table(html, "police-by-area")[0]).toHaveLength(1 + 11);
    // The page's own bytes, gzipped as sent; its stylesheet and scripts are about 29 KB of the 60
    // (tests/integration/public-page-weight.test.ts weighs them, with /figures before publishing).
    // (The page cache sends it gzipped just so.)
    expect(gzipSync(html).length).toBeLessThan(20 * 1024);
    await expectAccessiblePage(html);
  });

  it("is dropped from every instance's kept pages when a publication changes by hand", async () => {
    expect(await publicPage()).toContain("<table");
    await seeded.db.withConnection((c) => c.exec(`DELETE FROM "FiguresPublication"`));
    const started = Date.now();
    while (!(await publicPage()).includes("No figures have been published yet")) {
      if (Date.now() - started > 2_000) throw new Error("/figures still shows the deleted figures");
      await new Promise((r) => setTimeout(r, 50));
    }
  });
});
