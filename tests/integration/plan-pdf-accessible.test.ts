// Accessible plan documents (issue 18): the plan's PDF is a tagged PDF (PDF/UA), read back here
// as a screen reader gets it: its structure tree by pdf.js (getStructTree, the legacy build for
// Node 20), with the print view's headings, the tables' header cells (TH, column scope, once in
// the tree and drawn again on each page a table runs on to), the document's language and title,
// and bookmarks; `pdfinfo` (poppler) calls it tagged. Commentary written in Polish, Arabic,
// Bengali and Chinese comes through, each in its own language, and an emoji hides no word. The
// Word file has heading styles, repeating header rows and its languages. The accessibility
// statement says the PDF is tagged: the same test reads the PDF, so the claim stays true.
import { execFileSync } from "node:child_process";
import { JSDOM } from "jsdom";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderPdf } from "../../src/services/plan/exports/pdf.ts";
import { axeViolations, htmlErrors } from "../helpers/accessibility.ts";
import { download, unzip, wordParagraphs } from "../helpers/download.ts";
import { createLargePlan } from "../helpers/large-plan.ts";
import type { Agent } from "../helpers/partners.ts";
import { type SeededApp, seededApp } from "../helpers/seeded-app.ts";

const POLISH = "Zażółć gęślą jaźń: spotkanie z radą parafialną w Weston.";
const ARABIC = "تم عقد اجتماع مع المجتمع المحلي في المسجد";
const URDU = "یہ اردو میں ایک جملہ ہے";
const BENGALI = "আমরা সম্প্রদায়ের সাথে দেখা করেছি";
const CHINESE = "我们与社区举行了会议";
const EMOJI = "Thanks to everyone 🙂 volunteers ran the stall";

interface Node {
  role?: string;
  lang?: string;
  alt?: string;
  type?: string;
  id?: string;
  children?: Node[];
}

interface Bookmark {
  title: string;
  items: Bookmark[];
}

/** Every page's structure tree and the text of each marked content, as pdf.js reads them. */
async function readPdf(pdf: Buffer) {
  const file = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false }).promise;
  const trees: Node[] = [];
  const content = new Map<string, string>();
  for (let n = 1; n <= file.numPages; n += 1) {
    const page = await file.getPage(n);
    trees.push((await page.getStructTree()) as Node);
    const text = await page.getTextContent({ includeMarkedContent: true });
    let current: string | undefined;
    for (const item of text.items as { type?: string; id?: string; str?: string; hasEOL?: boolean }[]) {
      if (item.type === "beginMarkedContentProps") current = item.id;
      else if (item.type === "endMarkedContent") current = undefined;
      else if (current && item.str !== undefined)
        content.set(current, (content.get(current) ?? "") + item.str + (item.hasEOL ? " " : ""));
    }
  }
  const outline = (await file.getOutline()) as Bookmark[];
  await file.destroy();
  return { trees, content, outline };
}

/** The nodes with a role, depth first, across pages (a page's tree holds what is on it). */
function nodes(trees: Node[]): Node[] {
  const all: Node[] = [];
  const walk = (n: Node) => {
    if (n.role) all.push(n);
    n.children?.forEach(walk);
  };
  trees.forEach(walk);
  return all;
}

/** A node's text: its ActualText, or the text of the content under it. */
function textOf(node: Node, content: Map<string, string>): string {
  if (node.alt) return node.alt;
  if (node.type === "content") return content.get(node.id!) ?? "";
  return (node.children ?? []).map((c) => textOf(c, content)).join("");
}

const squash = (s: string) => s.replace(/\s+/g, " ").trim();
const pdftotext = (pdf: Buffer, ...args: string[]) =>
  execFileSync("pdftotext", [...args, "-enc", "UTF-8", "-", "-"], { input: pdf }).toString("utf8");
const pdfinfo = (pdf: Buffer, ...args: string[]) =>
  execFileSync("pdfinfo", [...args, "-"], { input: pdf }).toString("utf8");

let seeded: SeededApp;
let coordinator: Agent;

beforeAll(async () => {
  seeded = await seededApp();
  const p = seeded.db.prisma;
  const { ids } = seeded;
  const agency = async (code: string) => (await p.agency.findFirstOrThrow({ where: { code } })).id;
  const [nsc, police] = [await agency("NSC"), await agency("Police")];
  const at = new Date("2023-10-03T09:15:00Z");
  await p.review.createMany({
    data: [
      {
        commitmentId: ids.nscCommitment,
        quarter: 2,
        agencyId: nsc,
        status: "GREEN",
        commentary: POLISH,
        version: 1,
        updatedAt: at,
      },
      {
        commitmentId: ids.policeCommitment,
        quarter: 2,
        agencyId: police,
        status: "AMBER",
        commentary: ARABIC,
        version: 1,
        updatedAt: at,
      },
      {
        commitmentId: ids.policeSariCommitment,
        quarter: 2,
        agencyId: police,
        status: "GREEN",
        commentary: URDU,
        version: 1,
        updatedAt: at,
      },
      {
        commitmentId: ids.allCommitment,
        quarter: 2,
        agencyId: nsc,
        status: "GREEN",
        commentary: `Met the mosque and the temple: ${BENGALI}`,
        version: 1,
        updatedAt: at,
      },
      {
        riskId: ids.nscRisk,
        quarter: 2,
        agencyId: nsc,
        status: "AMBER",
        commentary: CHINESE,
        version: 1,
        updatedAt: at,
      },
      {
        riskId: ids.policeRisk,
        quarter: 2,
        agencyId: police,
        status: "GREEN",
        commentary: EMOJI,
        version: 1,
        updatedAt: at,
      },
    ],
  });
  // A draft plan, for a draft's PDF.
  await p.plan.create({
    data: { startYear: 2024, title: "Hate Crime Plan 2024/25", vision: "A draft vision", status: "DRAFT" },
  });
  coordinator = await seeded.as("coordinator");
}, 120_000);

afterAll(() => seeded.close());

describe("the plan's PDF, as a screen reader reads it", () => {
  it("is tagged, in British English, with its title, headings, lists, tables and bookmarks", async () => {
    const pdf = (await download(request(seeded.app), "/plan/2023-24/plan.pdf").expect(200)).body as Buffer;
    const info = pdfinfo(pdf);
    expect(info).toMatch(/^Tagged:\s+yes$/m);
    expect(info).toMatch(/^Title:\s+Hate Crime Plan 2023\/24$/m);
    expect(pdf.toString("latin1")).toContain("/DisplayDocTitle true");
    expect(pdf.toString("latin1")).toContain("<pdfuaid:part>1</pdfuaid:part>");
    expect(pdf.toString("latin1")).toMatch(/\/Lang \(en-GB\)/);

    const { trees, content, outline } = await readPdf(pdf);
    const all = nodes(trees);
    const document = all.find((n) => n.role === "Document")!;
    expect(document.lang).toBe("en-GB");
    const doc = (await seeded.services.planDocuments.document(2023, { publishedOnly: true }))!;
    // The print view's headings, in order.
    const headings = all.filter((n) => /^H\d$/.test(n.role!)).map((n) => [n.role, squash(textOf(n, content))]);
    expect(headings).toEqual([
      ["H1", "Hate Crime Plan 2023/24"],
      ["H2", "About us"],
      ["H3", "Our vision"],
      ["H3", "What we do"],
      ["H2", "Our achievements in 2022/23"],
      ["H2", "Our challenges and risks for 2023/24"],
      ["H2", "Our commitments for 2023/24"],
      ...doc.objectives.map((o) => ["H3", o.heading]),
    ]);
    // The purposes as a list; each table with its header cells once, before its rows.
    expect(all.filter((n) => n.role === "LI")).toHaveLength(doc.purposes.length);
    const tables = all.filter((n) => n.role === "Table");
    expect(tables).toHaveLength(1 + doc.objectives.length);
    const headerCells = (table: Node) =>
      nodes([table])
        .filter((n) => n.role === "TH")
        .map((n) => squash(textOf(n, content)));
    expect(headerCells(tables[0]!)).toEqual([
      "Challenge or risk",
      "RAG",
      "How we will tackle it",
      "Who leads it",
      "Q1 review",
      "Q2 review",
      "Q3 review",
      "Q4 review",
    ]);
    expect(headerCells(tables[1]!)).toEqual([
      "Commitment",
      "Lead agency",
      "Q1 review",
      "Q2 review",
      "Q3 review",
      "Q4 review",
    ]);
    const rows = nodes([tables[1]!]).filter((n) => n.role === "TR");
    expect(rows).toHaveLength(1 + doc.objectives[0]!.commitments.length);
    // Statuses are words in their cells.
    expect(
      nodes([tables[0]!])
        .filter((n) => n.role === "TD")
        .map((n) => squash(textOf(n, content))),
    ).toContain("Amber");
    // Header cells say what they head (poppler shows the attributes).
    const struct = pdfinfo(pdf, "-struct");
    const th = struct.match(/TH:\s+\/Scope \/Column/g) ?? [];
    expect(th.length).toBe(all.filter((n) => n.role === "TH").length);
    // Bookmarks: the plan, then its parts, then the objectives under the commitments.
    expect(outline.map((o) => o.title)).toEqual(["Hate Crime Plan 2023/24"]);
    const parts = outline[0]!.items;
    expect(parts.map((o) => o.title)).toEqual([
      "About us",
      "Our achievements in 2022/23",
      "Our challenges and risks for 2023/24",
      "Our commitments for 2023/24",
    ]);
    expect(parts[3]!.items.map((o) => o.title)).toEqual(doc.objectives.map((o) => o.heading));
  });

  it("marks a draft in its title and first heading, tagged too", async () => {
    const pdf = (await download(coordinator, "/partners/plans/2024-25/plan.pdf").expect(200)).body as Buffer;
    expect(pdfinfo(pdf)).toMatch(/^Tagged:\s+yes$/m);
    expect(pdfinfo(pdf)).toMatch(/^Title:\s+DRAFT – Hate Crime Plan 2024\/25$/m);
    const { trees, content } = await readPdf(pdf);
    const h1 = nodes(trees).find((n) => n.role === "H1")!;
    expect(textOf(h1, content)).toBe("DRAFT – Hate Crime Plan 2024/25");
  });

  it("keeps commentary in Polish, Arabic, Urdu, Bengali and Chinese, each in its language", async () => {
    const pdf = (await download(coordinator, "/partners/plans/2023-24/plan.pdf?commentary=1").expect(200))
      .body as Buffer;
    const text = squash(pdftotext(pdf));
    expect(text).toContain(POLISH);
    expect(text).toContain(BENGALI);
    expect(text).toContain(CHINESE);
    // The Arabic and Urdu text is given as each span's ActualText, in reading order; poppler lays
    // that text over the drawn glyphs left to right and then reorders right-to-left letters, so
    // pdftotext writes it reversed (between bidi marks). What a screen reader gets is the
    // structure tree's text, checked below in reading order.
    const reversed = (s: string) => [...s].reverse().join("");
    const plain = text.replace(/[\u202a-\u202e\u2066-\u2069]/g, "");
    expect(plain).toContain(reversed(ARABIC));
    expect(plain).toContain(reversed(URDU));

    const { trees, content } = await readPdf(pdf);
    const spans = nodes(trees)
      .filter((n) => n.lang && n.role === "Span")
      .map((n) => [n.lang, squash(textOf(n, content))]);
    expect(spans).toContainEqual(["ar", ARABIC]);
    expect(spans).toContainEqual(["ur", URDU]);
    expect(spans).toContainEqual(["bn", BENGALI]);
    expect(spans).toContainEqual(["zh-Hans", CHINESE]);
    // The Chinese font (some 10 MB) is embedded only in a document with Han characters.
    expect(execFileSync("pdffonts", ["-"], { input: pdf }).toString()).toContain("NotoSansSC");
    const plainPdf = (await download(coordinator, "/partners/plans/2023-24/plan.pdf").expect(200)).body as Buffer;
    const fonts = execFileSync("pdffonts", ["-"], { input: plainPdf }).toString();
    expect(fonts).toContain("NotoSans-Regular");
    expect(fonts).not.toContain("NotoSansSC");
  });

  it("draws no emoji as an empty box over the next word, and keeps it for a screen reader", async () => {
    const pdf = (await download(coordinator, "/partners/plans/2023-24/plan.pdf?commentary=1").expect(200))
      .body as Buffer;
    // What is drawn (pdf.js reads the glyphs): every word, and nothing in the emoji's place.
    const file = await getDocument({ data: new Uint8Array(pdf) }).promise;
    let drawn = "";
    for (let n = 1; n <= file.numPages; n += 1)
      drawn += ((await (await file.getPage(n)).getTextContent()).items as { str?: string }[])
        .map((i) => i.str ?? "")
        .join(" ");
    await file.destroy();
    expect(squash(drawn)).toContain("Thanks to everyone volunteers ran the stall");
    expect(drawn).not.toContain("\ufffd"); // no replacement character where a glyph was missing
    // What is read out and copied: the text as written.
    expect(squash(pdftotext(pdf))).toContain(EMOJI);
  });

  it("repeats a table's header row on each page it runs on to, and makes a large plan in well under 2 s", async () => {
    await createLargePlan(seeded.db, 2040);
    const doc = (await seeded.services.planDocuments.document(2040, { includeCommentary: true }))!;
    await renderPdf(doc); // the fonts parsed once
    let fastest = Infinity;
    let pdf: Buffer = Buffer.alloc(0);
    for (let i = 0; i < 3; i += 1) {
      const started = performance.now();
      pdf = await renderPdf(doc);
      fastest = Math.min(fastest, performance.now() - started);
    }
    expect(fastest, `${Math.round(fastest)} ms`).toBeLessThan(2000);
    // The risks' table (20 rows with commentary) runs over pages: its header on each of them.
    const pages = pdftotext(pdf, "-layout").split("\f");
    const riskPages = pages.filter((p) => /Risk \d+\b/.test(p) && p.includes("Mitigation"));
    expect(riskPages.length).toBeGreaterThan(1);
    for (const page of riskPages) expect(page).toContain("Challenge or risk");
    // In the structure tree, once.
    const { trees, content } = await readPdf(pdf);
    const th = nodes(trees)
      .filter((n) => n.role === "TH")
      .map((n) => squash(textOf(n, content)));
    expect(th.filter((t) => t === "Challenge or risk")).toHaveLength(1);
  });
});

describe("the Word file", () => {
  it("has heading styles, header rows that repeat, its language and the languages of other scripts", async () => {
    const res = await download(coordinator, "/partners/plans/2023-24/plan.docx?commentary=1").expect(200);
    const file = unzip(res.body as Buffer);
    const xml = file("word/document.xml");
    const styles = wordParagraphs(xml).map((p) => p.style);
    for (const style of ["Heading1", "Heading2", "Heading3"]) expect(styles).toContain(style);
    expect(file("word/styles.xml")).toMatch(/<w:style [^>]*w:styleId="Heading1"/);
    expect(xml.match(/<w:tblHeader\/>/g)?.length).toBe(xml.match(/<w:tbl>/g)?.length);
    // The document's language, on the default run properties.
    expect(file("word/styles.xml")).toMatch(/<w:rPrDefault>[\s\S]*?<w:lang w:val="en-GB"\/>[\s\S]*?<\/w:rPrDefault>/);
    // Other scripts with their language, Arabic and Urdu right to left.
    const run = (text: string) =>
      new RegExp(`<w:r>((?:(?!</w:r>)[\\s\\S])*)<w:t xml:space="preserve">${text}</w:t>`).exec(xml)?.[1];
    expect(run(ARABIC)).toMatch(/<w:rtl\/>[\s\S]*<w:lang w:bidi="ar"\/>/);
    expect(run(URDU)).toMatch(/<w:lang w:bidi="ur"\/>/);
    expect(run(BENGALI)).toMatch(/<w:lang w:bidi="bn"\/>/);
    expect(run(CHINESE)).toMatch(/<w:lang w:eastAsia="zh-Hans"\/>/);
    expect(xml).toContain(POLISH);
    // A run per script, one paragraph still.
    expect(wordParagraphs(xml).some((p) => p.text.endsWith(`Met the mosque and the temple: ${BENGALI}`))).toBe(true);
  });
});

describe("the accessibility statement", () => {
  it("says plainly what is not accessible yet, and that the plan's PDF is tagged, which it is", async () => {
    const html = (await request(seeded.app).get("/accessibility").expect(200)).text;
    const text = squash(new JSDOM(html).window.document.querySelector("main")!.textContent!);
    expect(text).not.toContain("fully compliant");
    expect(text).toContain("partially compliant");
    expect(text).toContain("What is not accessible yet");
    expect(text).toContain("The PDF is a tagged PDF");
    expect(text).toContain("once a fluent speaker has checked each translation");
    expect(await axeViolations(html)).toEqual([]);
    expect(await htmlErrors(html)).toEqual([]);
    // The claim, checked on the PDF the public downloads.
    const pdf = (await download(request(seeded.app), "/plan/2023-24/plan.pdf").expect(200)).body as Buffer;
    expect(pdfinfo(pdf)).toMatch(/^Tagged:\s+yes$/m);
    const roles = new Set(nodes((await readPdf(pdf)).trees).map((n) => n.role));
    for (const role of ["Document", "H1", "H2", "H3", "P", "L", "LI", "Table", "TH", "TD"])
      expect(roles).toContain(role);
  });
});
