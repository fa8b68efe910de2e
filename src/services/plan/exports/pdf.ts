// The plan document as a tagged PDF (PDF/UA), made on the server by pdfkit (no browser): a
// structure tree with the print view's headings (H1 the plan, H2 its parts, H3 "Our vision",
// "What we do" and each objective), paragraphs, the purposes as a list, and tables whose header
// cells are TH with column scope; statuses in words on their tag colour; fills and borders as
// artifacts; the document's language (en-GB) and title (shown as the window title); bookmarks for
// the headings. A4, the tables on landscape pages with their header rows repeated and rows never
// split, each heading kept with what follows it (an objective's heading with its table's first
// row), never one row alone on the last page, commentary in the tables' type size, and a footer
// "Hate Crime Plan 2023/24 — page N of M". A draft says DRAFT in its title, a banner, each page's
// footer and a watermark. Text in Arabic, Urdu, Bengali and Chinese is drawn in Noto fonts that
// have it, each run tagged with its language (fonts.ts).
import type { ShownStatus } from "../review-rules.ts";
import {
  DRAFT_MARK,
  type DocumentQuarter,
  type LatestCommentary,
  type PlanDocument,
  documentDate,
} from "../document.ts";
import { type Block, type Cell, type Piece, type TableSpec, TaggedPdf, pdfLibraries, text } from "./pdf-writer.ts";
import { STATUS_COLOURS } from "./status-colours.ts";

export const PDF_CONTENT_TYPE = "application/pdf";

const BRAND = "#1D4F6E";
const SECONDARY = "#505A5F";
const LINK = "#1D70B8";
const SIZE = 9;

const cellText = (t: string, extra: Partial<Block> = {}): Block => ({ ...text(t, { size: SIZE }), ...extra });
const plain = (t: string): Cell => ({ blocks: [cellText(t)] });

function statusCell(status: ShownStatus, statusText: string): Cell {
  const colour = STATUS_COLOURS[status];
  return { blocks: [cellText(statusText, { weight: "bold", color: `#${colour.text}` })], fill: `#${colour.fill}` };
}

const quarterCells = (quarters: DocumentQuarter[]) => quarters.map((q) => statusCell(q.status, q.statusText));

/** Commentary in the table's own type size; the agency's name in bold, who wrote it and the quarter's note in grey. */
function commentaryCell(latest: LatestCommentary | null): Cell {
  if (!latest) return { blocks: [cellText("None yet", { color: SECONDARY })] };
  const gap = { gapBefore: 2 };
  const blocks: Block[] = [];
  if (latest.note) blocks.push(cellText(`${latest.label}: ${latest.note}`, { color: SECONDARY, ...gap }));
  for (const e of latest.entries) {
    if (e.agency) blocks.push(cellText(`${e.agency}:`, { weight: "bold", ...gap }));
    if (e.text) blocks.push(cellText(e.text, gap));
    if (e.evidence.length > 0)
      blocks.push({
        size: SIZE,
        ...gap,
        pieces: [
          { text: "Evidence: " },
          ...e.evidence.flatMap((link, i): Piece[] => [
            ...(i > 0 ? [{ text: "; " }] : []),
            { text: link.title, link: link.url, color: LINK },
          ]),
        ],
      });
    blocks.push(
      cellText(`${latest.label} – ${[e.updatedBy, documentDate(e.updatedAt)].filter(Boolean).join(", ")}`, {
        color: SECONDARY,
        ...gap,
      }),
    );
  }
  return { blocks };
}

const TABLE_GAPS = { gapBefore: 4, gapAfter: 12 };
const body = (t: string, extra: Partial<Block> = {}): Block => ({ ...text(t, { size: 10, gapAfter: 6 }), ...extra });

/** The plan's PDF file. */
export async function renderPdf(doc: PlanDocument): Promise<Buffer> {
  const libs = await pdfLibraries();
  const pdf = new TaggedPdf(libs, {
    title: doc.heading,
    lang: "en-GB",
    info: {
      Author: "RHINS (Responding to Hate Incidents in North Somerset)",
      Subject: `The RHINS partnership's ${doc.title}${doc.draft ? ` (${DRAFT_MARK})` : ""}`,
      Keywords: "hate crime, North Somerset, RHINS, plan",
      Creator: "RHINS portal",
    },
  });
  const commentary = doc.includeCommentary;
  const quarterHeadings = doc.quarters.map((q) => q.heading);
  const root = pdf.doc.outline;

  const h1 = pdf.heading("H1", doc.heading, 22, BRAND, root, { gapAfter: 6 });
  if (doc.strapline) pdf.paragraph(text(doc.strapline, { size: 14, gapAfter: 10 }));
  if (doc.draft) {
    const banner = text(`${DRAFT_MARK}: this plan has not been published and may change.`, {
      size: SIZE,
      weight: "bold",
      color: "#FFFFFF",
    });
    const height = pdf.blockHeight(banner, pdf.width - 12) + 8;
    const y = pdf.doc.y;
    pdf.artifact(() => pdf.doc.rect(pdf.left, y, pdf.width, height).fill("#651B1B"));
    pdf.doc.y = y + 4;
    pdf.block(pdf.root, banner, "P", pdf.left + 6, pdf.width - 12);
    pdf.doc.y = y + height + 8;
  }
  pdf.paragraph(
    text(`Status: ${doc.statusText}. Generated on ${doc.generatedText}. This plan covers ${doc.period}.`, {
      size: SIZE,
      color: SECONDARY,
      gapAfter: 6,
    }),
  );
  if (doc.filterText) pdf.paragraph(body(doc.filterText, { weight: "bold" }));

  const h2 = (title: string, keep = 30) =>
    pdf.heading("H2", title, 16, BRAND, h1, { gapBefore: 14, gapAfter: 6, keep });
  const h3 = (parent: PDFKit.PDFOutline, title: string, keep = 20) =>
    pdf.heading("H3", title, 12, undefined, parent, { gapBefore: 10, gapAfter: 4, keep });

  const about = h2("About us");
  h3(about, "Our vision");
  pdf.paragraph(text(doc.vision, { size: 11, weight: "italic", gapAfter: 6 }));
  h3(about, "What we do");
  if (doc.introduction) pdf.paragraph(body(doc.introduction));
  if (doc.purposes.length) {
    pdf.paragraph(body("The purpose of RHINS is to:"));
    pdf.list([...doc.purposes], 10, 6);
  }

  h2(doc.achievementsHeading);
  if (doc.achievements.length)
    for (const a of doc.achievements)
      pdf.paragraph({
        size: 10,
        gapAfter: 6,
        pieces: [{ text: `${a.title} – `, weight: "bold" }, { text: a.description }],
      });
  else pdf.paragraph(body("None recorded."));

  // The tables, on landscape pages.
  pdf.newPage("landscape");
  const risks: TableSpec = {
    widths: commentary ? ["*", 44, "*", 70, 48, 48, 48, 48, "*"] : ["*", 44, "*", 80, 52, 52, 52, 52],
    header: [
      "Challenge or risk",
      "RAG",
      "How we will tackle it",
      "Who leads it",
      ...quarterHeadings,
      ...(commentary ? ["Latest commentary"] : []),
    ],
    rows: doc.risks.map((r): Cell[] => [
      plain(r.description),
      statusCell(r.rating, r.ratingText),
      plain(r.mitigation),
      plain(r.ownerLabel),
      ...quarterCells(r.quarters),
      ...(commentary ? [commentaryCell(r.latestCommentary)] : []),
    ]),
    ...TABLE_GAPS,
  };
  h2(doc.risksHeading, doc.risks.length ? pdf.tableStart(risks) : 30);
  if (doc.risks.length) pdf.table(risks);
  else pdf.paragraph(body(doc.noRisksText));

  const lastObjective = doc.objectives.at(-1);
  const objectiveTables = doc.objectives.map((o): TableSpec => ({
    widths: commentary ? ["*", 90, 52, 52, 52, 52, "*"] : ["*", 110, 60, 60, 60, 60],
    header: ["Commitment", "Lead agency", ...quarterHeadings, ...(commentary ? ["Latest commentary"] : [])],
    rows: o.commitments.map((c): Cell[] => [
      { blocks: [cellText(c.text), ...c.details.map((d) => cellText(d, { color: SECONDARY, gapBefore: 2 }))] },
      plain(c.leadLabel),
      ...quarterCells(c.quarters),
      ...(commentary ? [commentaryCell(c.latestCommentary)] : []),
    ]),
    // With the measures after it, the last table's last row is not the end of the document.
    keepLastTwo: o === lastObjective && !doc.measures?.length,
    ...TABLE_GAPS,
  }));
  // An objective's heading is kept with its table's first row; the commitments' heading with both.
  const objectiveKeep = (i: number) => {
    const t = objectiveTables[i];
    return t?.rows.length ? pdf.tableStart(t) : 30;
  };
  const commitments = h2(doc.commitmentsHeading, doc.objectives.length ? 40 + objectiveKeep(0) : 30);
  doc.objectives.forEach((o, i) => {
    h3(commitments, o.heading, objectiveKeep(i));
    if (o.commitments.length) pdf.table(objectiveTables[i]!);
    else pdf.paragraph(body("There are no commitments under this objective yet."));
  });
  if (!doc.objectives.length) pdf.paragraph(body(doc.noCommitmentsText));

  if (doc.measures?.length) {
    const measures: TableSpec = {
      widths: ["*", "*", 70, 56, 56, 56, 56],
      header: ["Measure", "Of", "Target", ...doc.quarters.map((q) => q.label)],
      rows: doc.measures.map((m): Cell[] => [
        { blocks: [cellText(m.name), cellText(m.sourceText, { color: SECONDARY, gapBefore: 2 })] },
        plain(`${m.itemLabel}: ${m.itemText}`),
        plain(m.targetText),
        ...m.quarters.map((q): Cell => ({
          blocks: [
            cellText(q.metText ? `${q.valueText} (${q.metText.toLowerCase()})` : q.valueText, {
              ...(q.met === null ? {} : { weight: "bold" as const }),
            }),
          ],
        })),
      ]),
      ...TABLE_GAPS,
    };
    h2(doc.measuresHeading ?? "Measures", pdf.tableStart(measures));
    pdf.table(measures);
  }

  return pdf.finish((n, pages) => `${doc.footerText} — page ${n} of ${pages}`, doc.draft ? DRAFT_MARK : undefined);
}
