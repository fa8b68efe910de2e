// Coordinators import the police's recorded hate crimes at /partners/figures/police: a CSV is
// uploaded through the real multipart form (CSRF on), checked row by row, previewed, and imported
// in one transaction that replaces the file's months; the figures' aggregate follows by trigger.
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";
import { parse } from "csv-parse/sync";
import request from "supertest";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { addMonths, countBy, currentMonth } from "../../src/services/figures/counts.ts";
import { MAX_ROWS, TOO_LARGE, TOO_MANY_ROWS } from "../../src/services/figures/police.ts";
import { axeViolations, htmlErrors } from "../helpers/accessibility.ts";
import { download } from "../helpers/download.ts";
import { type Agent, csrfToken } from "../helpers/partners.ts";
import { type SeededApp, seededApp } from "../helpers/seeded-app.ts";

const PAGE = "/partners/figures/police";
const fixture = (name: string) => readFileSync(new URL(`../fixtures/police/${name}`, import.meta.url));

let seeded: SeededApp;
let coordinator: Agent;

beforeAll(async () => {
  seeded = await seededApp();
  coordinator = await seeded.as("coordinator");
});
afterAll(async () => seeded?.close());

const prisma = () => seeded.db.prisma;

/** Every table an import writes: a refused upload must leave all of them as they were. */
const stored = async () => ({
  figures: await prisma().policeFigure.findMany({ orderBy: [{ month: "asc" }, { strand: "asc" }, { area: "asc" }] }),
  imports: await prisma().policeImport.count(),
  counts: await prisma().figureCount.count({ where: { source: "POLICE" } }),
  audit: await prisma().auditEvent.count(),
});

async function clear() {
  await prisma().policeFigure.deleteMany();
  await prisma().policeImport.deleteMany();
}

const text = (el: Element | null | undefined) => (el?.textContent ?? "").replace(/\s+/g, " ").trim();
const documentOf = (html: string) => new JSDOM(html).window.document;
const errorList = (html: string) =>
  [...documentOf(html).querySelectorAll(".govuk-error-summary__list li")].map((li) => text(li));

async function expectAccessible(html: string) {
  expect(await axeViolations(html)).toEqual([]);
  expect(await htmlErrors(html)).toEqual([]);
}

/** Uploads a file through the page's form, as a browser would (the token first, then the file). */
async function upload(agent: Agent, body: Buffer | string, fileName = "police.csv") {
  const page = await agent.get(PAGE);
  return agent
    .post(PAGE)
    .field("_csrf", csrfToken(page.text))
    .attach("file", Buffer.from(body), { filename: fileName, contentType: "text/csv" });
}

/** The preview's form, as the browser would send it back. */
function previewForm(html: string) {
  const form = documentOf(html).querySelector<HTMLFormElement>(`form[action="${PAGE}/import"]`);
  if (!form) throw new Error("no import form on the page");
  const value = (name: string) => form.querySelector<HTMLInputElement>(`input[name="${name}"]`)!.value;
  return { _csrf: value("_csrf"), fileName: value("fileName"), csv: value("csv") };
}

/** Presses "Import these figures" on a preview page, with `change` made to what it carries. */
function confirm(agent: Agent, previewHtml: string, change: Partial<ReturnType<typeof previewForm>> = {}) {
  const fields = { ...previewForm(previewHtml), ...change };
  return agent
    .post(`${PAGE}/import`)
    .field("_csrf", fields._csrf)
    .field("fileName", fields.fileName)
    .field("csv", fields.csv);
}

async function importFile(body: Buffer | string, fileName = "police.csv") {
  const preview = await upload(coordinator, body, fileName);
  expect(preview.status, errorList(preview.text).join("\n")).toBe(200);
  const done = await confirm(coordinator, preview.text);
  expect(done.status).toBe(302);
  expect(done.headers.location).toBe(PAGE);
  return { preview, done };
}

/** A summary list's rows on a page, as "key: value". */
const summaryRows = (html: string) =>
  [...documentOf(html).querySelectorAll(".govuk-summary-list__row")].map(
    (row) => `${text(row.querySelector("dt"))}: ${text(row.querySelector("dd"))}`,
  );

/** A table's body rows by its caption, each row's cells as text. */
function tableRows(html: string, caption: string): string[][] {
  const table = [...documentOf(html).querySelectorAll("table")].find(
    (t) => text(t.querySelector("caption")) === caption,
  );
  if (!table) throw new Error(`no table "${caption}"`);
  return [...table.querySelectorAll("tbody tr")].map((tr) => [...tr.querySelectorAll("th, td")].map((c) => text(c)));
}

const policeBy = (by: "month" | "strand" | "area", from = "2025-01", to = "2025-12") =>
  countBy(prisma(), { from, to, sources: ["POLICE"] }, by).then((m) => Object.fromEntries([...m].sort()));

describe("the imports page", () => {
  beforeEach(clear);

  it("explains the columns, lists the strand codes and areas, links the template, and is accessible", async () => {
    const res = await coordinator.get(PAGE).expect(200);
    const doc = documentOf(res.text);
    expect(text(doc.querySelector("h1"))).toBe("Police-recorded figures");
    expect(text(doc.querySelector("main"))).toContain("No police figures have been imported yet.");
    expect(doc.querySelector(`a[href="${PAGE}/template.csv"]`)).not.toBeNull();
    const form = doc.querySelector(`form[action="${PAGE}"]`)!;
    expect(form.getAttribute("enctype")).toBe("multipart/form-data");
    expect(form.querySelector('input[type="file"][name="file"]')?.getAttribute("accept")).toBe(".csv,text/csv");
    expect(summaryRows(res.text).map((r) => r.split(":")[0])).toEqual(["month", "strand", "area", "count"]);
    expect(tableRows(res.text, "Strands")).toContainEqual(["RACE", "Race, ethnicity or nationality"]);
    expect(tableRows(res.text, "Strands")).toHaveLength(10);
    const areas = tableRows(res.text, "Areas");
    expect(areas).toContainEqual(["Weston-super-Mare", "Weston-super-Mare"]);
    expect(areas).toContainEqual(["ELSEWHERE", "Somewhere else in North Somerset"]);
    expect(areas).toContainEqual(["ONLINE", "Online"]);
    await expectAccessible(res.text);
  });

  it("is for coordinators only: officers and viewers are refused, and their uploads store nothing", async () => {
    const anonymous = request.agent(seeded.app);
    for (const path of [PAGE, `${PAGE}/template.csv`])
      expect((await anonymous.get(path).expect(302)).headers.location).toBe("/partners/sign-in");
    await anonymous.post(PAGE).attach("file", fixture("good.csv"), "police.csv").expect(403);
    for (const who of ["officer", "viewer"] as const) {
      const agent = await seeded.as(who);
      await agent.get(PAGE).expect(403);
      await agent.get(`${PAGE}/template.csv`).expect(403);
      const token = csrfToken((await agent.get("/partners/sign-in")).text);
      const before = await stored();
      await agent.post(PAGE).field("_csrf", token).attach("file", fixture("good.csv"), "police.csv").expect(403);
      await agent
        .post(`${PAGE}/import`)
        .field("_csrf", token)
        .field("fileName", "police.csv")
        .field("csv", fixture("good.csv").toString("utf8"))
        .expect(403);
      expect(await stored()).toEqual(before);
    }
  });
});

describe("importing a good file", () => {
  beforeAll(clear);

  it("previews what it will import, storing nothing, then imports it when confirmed", async () => {
    const before = await stored();
    const preview = await upload(coordinator, fixture("good.csv"), "april-to-june.csv");
    expect(preview.status).toBe(200);
    expect(await stored()).toEqual(before);
    expect(summaryRows(preview.text)).toEqual([
      "File: april-to-june.csv",
      "Months: April 2025 to June 2025",
      "Rows: 8",
      "Crimes in all: 31",
      "Figures replaced: None: no police figures are held for these months",
    ]);
    expect(tableRows(preview.text, "By month")).toEqual([
      ["April 2025", "3", "17"],
      ["May 2025", "3", "5"],
      ["June 2025", "2", "9"],
    ]);
    expect(tableRows(preview.text, "By strand")).toEqual([
      ["Race, ethnicity or nationality", "25"],
      ["Religion or belief", "3"],
      ["Sexual orientation", "1"],
      ["Disability", "0"],
      ["Transgender identity", "2"],
    ]);
    const doc = documentOf(preview.text);
    expect(text(doc.querySelector(`form[action="${PAGE}/import"] button`))).toBe("Import these figures");
    expect(doc.querySelector(`a[href="${PAGE}"]`)?.textContent).toBe("Cancel");
    await expectAccessible(preview.text);

    const done = await confirm(coordinator, preview.text);
    expect(done.status).toBe(302);
    expect(done.headers.location).toBe(PAGE);

    // Stored as the partnership's codes, whatever case or label the file used.
    const figures = await prisma().policeFigure.findMany({
      orderBy: [{ month: "asc" }, { strand: "asc" }, { area: "asc" }],
    });
    expect(figures.map((f) => `${f.month} ${f.strand} ${f.area} ${f.count}`)).toEqual([
      "2025-04 RACE Clevedon 2",
      "2025-04 RACE Weston-super-Mare 12",
      "2025-04 RELIGION Weston-super-Mare 3",
      "2025-05 DISABILITY ELSEWHERE 0",
      "2025-05 RACE Clevedon 4",
      "2025-05 SEXUAL_ORIENTATION ONLINE 1",
      "2025-06 RACE Weston-super-Mare 7",
      "2025-06 TRANSGENDER Portishead 2",
    ]);
    const record = await prisma().policeImport.findFirstOrThrow();
    expect(record).toMatchObject({
      importedById: seeded.partners.coordinator.id,
      fileName: "april-to-june.csv",
      fromMonth: "2025-04",
      toMonth: "2025-06",
      rowCount: 8,
      total: 31,
    });
    expect(new Set(figures.map((f) => f.importId))).toEqual(new Set([record.id]));

    // The aggregate follows by trigger: each crime once in all, and once under its strand.
    expect(await policeBy("month")).toEqual({ "2025-04": 17, "2025-05": 5, "2025-06": 9 });
    expect(await policeBy("strand")).toEqual({ RACE: 25, RELIGION: 3, SEXUAL_ORIENTATION: 1, TRANSGENDER: 2 });
    expect(await policeBy("area")).toEqual({ Clevedon: 6, ONLINE: 1, Portishead: 2, "Weston-super-Mare": 22 });

    const event = await prisma().auditEvent.findFirstOrThrow({ where: { action: "police-figures.imported" } });
    expect(event).toMatchObject({
      actorId: seeded.partners.coordinator.id,
      entityType: "PoliceImport",
      entityId: String(record.id),
      after: {
        fileName: "april-to-june.csv",
        from: "2025-04",
        to: "2025-06",
        months: ["2025-04", "2025-05", "2025-06"],
        rows: 8,
        total: 31,
        replaced: 0,
      },
    });
    // The imports page says so once, and lists the import.
    const page = await coordinator.get(PAGE).expect(200);
    expect(text(documentOf(page.text).querySelector(".govuk-notification-banner"))).toContain(
      "Police figures imported for April 2025 to June 2025: 8 rows, 31 crimes in all",
    );
    const listed = tableRows(page.text, "Imports of police-recorded figures, newest first");
    expect(listed.map((cells) => cells.slice(0, 5))).toEqual([
      ["April 2025 to June 2025", "april-to-june.csv", "8", "31", seeded.partners.coordinator.name],
    ]);
    const trail = await coordinator.get("/partners/audit?action=police-figures").expect(200);
    expect(text(documentOf(trail.text).querySelector("main"))).toContain(
      "Imported police-recorded figures for April 2025 to June 2025 from april-to-june.csv: 8 rows, 31 crimes in all",
    );
    await expectAccessible(page.text);
  });

  it("imports again over the same months: those months are replaced, not added to, and other months stay", async () => {
    const preview = await upload(coordinator, fixture("replace-june.csv"));
    expect(summaryRows(preview.text)).toContain("Figures replaced: 2 rows already imported for these months");
    expect(summaryRows(preview.text)).toContain("Months: June 2025 to July 2025");
    await expectAccessible(preview.text);
    const done = await confirm(coordinator, preview.text);
    expect(done.status).toBe(302);

    expect(await policeBy("month")).toEqual({ "2025-04": 17, "2025-05": 5, "2025-06": 5, "2025-07": 6 });
    expect(await prisma().policeFigure.count({ where: { month: "2025-06" } })).toBe(1);
    expect(await prisma().policeFigure.count({ where: { month: { in: ["2025-04", "2025-05"] } } })).toBe(6);
    const event = await prisma().auditEvent.findFirstOrThrow({
      where: { action: "police-figures.imported" },
      orderBy: { id: "desc" },
    });
    expect(event.after).toMatchObject({ from: "2025-06", to: "2025-07", rows: 2, total: 11, replaced: 2 });

    // The very same file twice changes nothing but the record of it.
    await importFile(fixture("replace-june.csv"));
    expect(await policeBy("month")).toEqual({ "2025-04": 17, "2025-05": 5, "2025-06": 5, "2025-07": 6 });
    expect(await policeBy("strand")).toEqual({ RACE: 23, RELIGION: 9, SEXUAL_ORIENTATION: 1 });
    const page = await coordinator.get(PAGE);
    expect(tableRows(page.text, "Imports of police-recorded figures, newest first")[0]![0]).toBe(
      "June 2025 to July 2025",
    );
  });

  it("imports thousands of rows in one go, and this month's figures", async () => {
    await clear();
    const towns = await seeded.services.directory.centreTowns();
    const areas = [...towns, "ELSEWHERE", "OUTSIDE", "ONLINE"];
    const strands = ["RACE", "RELIGION", "SEXUAL_ORIENTATION", "DISABILITY", "TRANSGENDER", "OTHER"];
    const now = currentMonth(new Date());
    const lines = ["month,strand,area,count"];
    for (let i = 0; i < 60; i++)
      for (const strand of strands) for (const area of areas) lines.push(`${addMonths(now, -i)},${strand},${area},1`);
    expect(lines.length - 1).toBeGreaterThan(2_000);
    await importFile(lines.join("\n"));
    expect(await prisma().policeFigure.count()).toBe(lines.length - 1);
    const byMonth = await policeBy("month", addMonths(now, -59), now);
    expect(Object.keys(byMonth)).toHaveLength(60);
    expect(byMonth[now]).toBe(strands.length * areas.length);
  });
});

describe("a file with problems", () => {
  beforeAll(async () => {
    await clear();
    await importFile(fixture("good.csv"));
  });

  /** Uploads it, expects the page with the error summary and nothing stored; gives the messages. */
  async function refused(body: Buffer | string, fileName = "police.csv") {
    const before = await stored();
    const res = await upload(coordinator, body, fileName);
    expect(res.status).toBe(400);
    expect(await stored()).toEqual(before);
    expect(documentOf(res.text).title).toMatch(/^Error: /);
    return { res, problems: errorList(res.text) };
  }

  it("names every bad row with its number and what to fix, on an accessible page", async () => {
    const { res, problems } = await refused(fixture("bad-rows.csv"));
    const latest = currentMonth(new Date());
    const notWhole = "count must be a whole number, 0 or more, with no commas or spaces, like 12";
    const area = "is not one of the areas: use a town or area from the list on this page, like Clevedon";
    expect(problems).toEqual([
      "Row 3: month must be written year-month, like 2026-11",
      "Row 4: month must be a real month, like 2026-11",
      `Row 5: month “2999-01” is in the future: the latest month you can import is ${latest}`,
      "Row 6: strand “RACIST” is not one of the strands: use a code from the list on this page, like RACE",
      `Row 7: area “Bristol” ${area}`,
      `Row 8: ${notWhole}`,
      `Row 9: ${notWhole}`,
      "Row 10: count is empty: enter the number of crimes, like 12 (0 when there were none)",
      "Row 11 has the same month, strand and area as row 2 (2025-04, RACE, Weston-super-Mare): give each once, with its total",
      "Row 12 has 3 values: it needs 4 (month, strand, area and count), separated by commas",
      "Row 13 has 5 values: it needs 4 (month, strand, area and count), separated by commas",
      "Row 14: month must be 2000-01 or later",
      "Row 15: count must be 100,000 or less",
      "Row 16: month is empty: enter the month, like 2026-11",
      "Row 16: strand is empty: enter a strand code, like RACE",
      `Row 16: area “Nowhere” ${area}`,
      `Row 16: ${notWhole}`,
    ]);
    // Each links to the file input, which says to fix them.
    const doc = documentOf(res.text);
    expect(
      [...doc.querySelectorAll(".govuk-error-summary__list a")].every((a) => a.getAttribute("href") === "#file"),
    ).toBe(true);
    expect(text(doc.querySelector("#file-error"))).toContain("The file has problems");
    expect(doc.querySelector("#file")?.getAttribute("aria-describedby")).toBe("file-hint file-error");
    await expectAccessible(res.text);
  });

  it("says what is wrong with the header", async () => {
    const { problems } = await refused(fixture("wrong-header.csv"));
    expect(problems).toEqual([
      "Row 1 must name the columns month,strand,area,count: area is missing",
      "Row 1, column 3 is “Town”, which is not one of month,strand,area,count: remove or rename it",
      "Row 1, column 5 is “Notes”, which is not one of month,strand,area,count: remove or rename it",
    ]);
    expect((await refused("month,strand,area,count,month\n2025-04,RACE,Clevedon,1,2025-04\n")).problems).toEqual([
      "Row 1 names the column month twice: keep one of them",
    ]);
    expect((await refused("month;strand;area;count\n2025-04;RACE;Clevedon;1\n")).problems[0]).toBe(
      "Row 1 must name the columns month,strand,area,count: month, strand, area, count are missing",
    );
  });

  it("refuses an empty file, a header alone, blank rows, a file that is not CSV text, and a broken quote", async () => {
    expect((await refused("")).problems).toEqual(["The selected file is empty"]);
    expect((await refused(fixture("blank.csv"))).problems).toEqual([
      "The file is empty: it needs the header month,strand,area,count and a row for each figure",
    ]);
    expect((await refused(fixture("header-only.csv"))).problems).toEqual([
      "The file has no figures: add a row under the header for each figure",
    ]);
    expect((await refused(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0xff, 0xfe, 0x00]))).problems).toEqual([
      "The selected file must be a CSV file saved as text (UTF-8): in Excel choose Save as, then CSV UTF-8 (comma delimited)",
    ]);
    expect((await refused(fixture("unclosed-quote.csv"))).problems).toEqual([
      'Row 3 could not be read: check its quote marks (") come in pairs around a value',
    ]);
    expect((await refused(fixture("good.csv"), "police.xlsx")).problems).toEqual([
      "The selected file must be a CSV (a file ending .csv)",
    ]);
  });

  it("asks for a file when none was chosen", async () => {
    const page = await coordinator.get(PAGE);
    const before = await stored();
    const res = await coordinator.post(PAGE).field("_csrf", csrfToken(page.text));
    expect(res.status).toBe(400);
    expect(errorList(res.text)).toEqual(["Select a CSV file of police-recorded figures"]);
    expect(await stored()).toEqual(before);
  });

  it("refuses a file over 1 MB or over 20,000 rows with the error summary, not an error page", async () => {
    const row = "2025-04,RACE,Clevedon,1\n";
    const big = `month,strand,area,count\n${row.repeat(Math.ceil((1024 * 1024) / row.length) + 1)}`;
    const tooBig = await refused(big);
    expect(tooBig.problems).toEqual([TOO_LARGE]);
    await expectAccessible(tooBig.res.text);

    const many = ["month,strand,area,count"];
    for (let i = 0; i <= MAX_ROWS; i++) many.push(`2025-04,RACE,Clevedon,${i}`);
    expect((await refused(many.join("\n"))).problems).toEqual([TOO_MANY_ROWS]);
  });

  it("lists at most 100 problems, and says how many more there are", async () => {
    const lines = ["month,strand,area,count"];
    for (let i = 0; i < 150; i++) lines.push("2025-04,RACE,Clevedon,x");
    const { problems } = await refused(lines.join("\n"));
    expect(problems).toHaveLength(101);
    expect(problems[100]).toBe("There are 50 more problems after these: fix these first and upload the file again");
  });

  it("checks the text again on import: what the browser sends back is not trusted", async () => {
    const preview = await upload(coordinator, fixture("replace-june.csv"));
    expect(preview.status).toBe(200);
    const before = await stored();
    const res = await confirm(coordinator, preview.text, { csv: "month,strand,area,count\n2025-06,RACE,Atlantis,5\n" });
    expect(res.status).toBe(400);
    expect(errorList(res.text)[0]).toMatch(/^Row 2: area “Atlantis” is not one of the areas/);
    expect(await stored()).toEqual(before);

    const empty = await confirm(coordinator, preview.text, { csv: "" });
    expect(empty.status).toBe(400);
    const huge = await confirm(coordinator, preview.text, { csv: "x".repeat(1024 * 1024 + 70 * 1024) });
    expect(huge.status).toBe(400);
    expect(errorList(huge.text)).toEqual([TOO_LARGE]);
    expect(await stored()).toEqual(before);
  });
});

describe("the template", () => {
  beforeAll(clear);

  it("downloads as CSV with the header and example rows, which import as they are", async () => {
    const res = await download(coordinator, `${PAGE}/template.csv`).expect(200);
    expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(res.headers["content-disposition"]).toBe('attachment; filename="police-figures-template.csv"');
    const body = res.body as Buffer;
    const rows = parse(body, { bom: true }) as string[][];
    expect(rows[0]).toEqual(["month", "strand", "area", "count"]);
    expect(rows.length).toBeGreaterThan(2);
    const lastMonth = addMonths(currentMonth(new Date()), -1);
    expect(rows.slice(1).every((r) => r[0] === lastMonth)).toBe(true);

    await importFile(body, "police-figures-template.csv");
    expect(await prisma().policeFigure.count()).toBe(rows.length - 1);
    const total = rows.slice(1).reduce((sum, r) => sum + Number(r[3]), 0);
    expect(await policeBy("month", lastMonth, lastMonth)).toEqual({ [lastMonth]: total });
  });
});

describe("CSRF", () => {
  it("refuses an upload or an import without the page's token, storing nothing", async () => {
    // Another partner's token is no good either.
    const other = await seeded.as("caseCoordinator");
    const othersToken = csrfToken((await other.get(PAGE)).text);
    const before = await stored();
    await coordinator.post(PAGE).attach("file", fixture("good.csv"), "police.csv").expect(403);
    await coordinator
      .post(PAGE)
      .field("_csrf", "not-the-token")
      .attach("file", fixture("good.csv"), "police.csv")
      .expect(403);
    await coordinator
      .post(`${PAGE}/import`)
      .field("fileName", "police.csv")
      .field("csv", fixture("good.csv").toString("utf8"))
      .expect(403);
    await coordinator
      .post(PAGE)
      .field("_csrf", othersToken)
      .attach("file", fixture("good.csv"), "police.csv")
      .expect(403);
    expect(await stored()).toEqual(before);
  });
});
