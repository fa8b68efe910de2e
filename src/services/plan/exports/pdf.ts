// The plan document as a PDF, made on the server by pdfmake (no browser): A4, the tables on
// landscape pages with their header rows repeated and rows never split, each heading kept with
// the first row of its table, never one row alone on the last page, commentary in the tables'
// type size, statuses in words on their tag colour, a footer "Hate Crime Plan 2023/24 — page N
// of M", the title in the file's metadata (shown as the window title), bookmarks for the
// headings, and selectable text in Roboto, the font pdfmake ships. A draft says DRAFT in its
// title, a banner, each page's footer and a watermark.
//
// Roboto covers Latin, Greek and Cyrillic; text in other scripts (Arabic, Chinese...) has no
// glyphs in it and is not drawn: the Word and CSV files and the print view keep it.
import { createRequire } from "node:module";
import path from "node:path";
import type PdfMake from "pdfmake";
import type { Content, TableCell, TDocumentDefinitions } from "pdfmake/interfaces.js";
import type { ShownStatus } from "../review-rules.ts";
import {
  DRAFT_MARK,
  type DocumentQuarter,
  type LatestCommentary,
  type PlanDocument,
  documentDate,
} from "../document.ts";
import { STATUS_COLOURS } from "./status-colours.ts";

export const PDF_CONTENT_TYPE = "application/pdf";

const FONT_DIR = path.join(
  path.dirname(createRequire(import.meta.url).resolve("pdfmake/package.json")),
  "fonts",
  "Roboto",
);

/**
 * pdfmake is one shared instance, loaded by the first PDF rather than at start-up (few requests
 * need it, and it is one of the largest libraries) and kept after. The fonts and access policies
 * are set once, here: it may read only its own font files, and fetch nothing from the network.
 */
let printer: Promise<typeof PdfMake> | undefined;
const pdfPrinter = () =>
  // CommonJS exporting one instance: import() gives it as `default`, which its types do not say.
  (printer ??= (import("pdfmake") as unknown as Promise<{ default: typeof PdfMake }>).then(({ default: pdfmake }) => {
    pdfmake.setFonts({
      Roboto: {
        normal: path.join(FONT_DIR, "Roboto-Regular.ttf"),
        bold: path.join(FONT_DIR, "Roboto-Medium.ttf"),
        italics: path.join(FONT_DIR, "Roboto-Italic.ttf"),
        bolditalics: path.join(FONT_DIR, "Roboto-MediumItalic.ttf"),
      },
    });
    pdfmake.setUrlAccessPolicy(() => false);
    pdfmake.setLocalAccessPolicy((file) => path.resolve(file).startsWith(FONT_DIR + path.sep));
    return pdfmake;
  }));

const BRAND = "#1D4F6E";
const BORDER = "#B1B4B6";
const SECONDARY = "#505A5F";
const LINK = "#1D70B8";

function statusCell(status: ShownStatus, text: string): TableCell {
  const colour = STATUS_COLOURS[status];
  return { text, bold: true, color: `#${colour.text}`, fillColor: `#${colour.fill}` };
}

function quarterCells(quarters: DocumentQuarter[]): TableCell[] {
  return quarters.map((q) => statusCell(q.status, q.statusText));
}

/** Commentary in the table's own type size; who wrote it and the quarter's note in grey. */
function commentaryCell(latest: LatestCommentary | null): TableCell {
  if (!latest) return { text: "None yet", color: SECONDARY };
  const gap = { margin: [0, 2, 0, 0] as [number, number, number, number] };
  const by = { color: SECONDARY, ...gap };
  return {
    stack: [
      ...(latest.note ? [{ text: `${latest.label}: ${latest.note}`, ...by }] : []),
      ...latest.entries.flatMap((e) => [
        ...(e.text ? [{ text: e.agency ? [{ text: `${e.agency}: `, bold: true }, e.text] : e.text, ...gap }] : []),
        ...(e.evidence.length > 0
          ? [
              {
                text: [
                  e.agency && !e.text ? `${e.agency}: evidence: ` : "Evidence: ",
                  ...e.evidence.flatMap((link, i) => [
                    ...(i > 0 ? ["; "] : []),
                    { text: link.title, link: link.url, color: LINK, decoration: "underline" as const },
                  ]),
                ],
                ...gap,
              },
            ]
          : []),
        { text: `${latest.label} – ${[e.updatedBy, documentDate(e.updatedAt)].filter(Boolean).join(", ")}`, ...by },
      ]),
    ],
  };
}

function headerRow(cells: string[]): TableCell[] {
  return cells.map((text) => ({ text, style: "tableHeader" }));
}

const tableLayout = {
  hLineColor: () => BORDER,
  vLineColor: () => BORDER,
  hLineWidth: () => 0.5,
  vLineWidth: () => 0.5,
  paddingLeft: () => 4,
  paddingRight: () => 4,
  paddingTop: () => 3,
  paddingBottom: () => 3,
};

// Keeping a heading with what it heads: a heading's id names the first thing that must be on
// its page ("keep>row:objective-1>h3" keeps it with the first row of objective 1's table), and
// pageBreakBefore moves the heading to the next page when that is not on its page.
function heading(text: string, level: 1 | 2 | 3, extra: Partial<Content & object> = {}, keepWith?: string): Content {
  return {
    text,
    style: `h${level}`,
    headlineLevel: level,
    outline: true,
    ...(keepWith ? { id: `keep>${keepWith}>h${level}` } : {}),
    ...extra,
  } as Content;
}

/** The id of a commitment row's first cell: "row:objective-1" for the first row, then ":1", ":2"... */
const rowId = (objective: number, index = 0) => `row:objective-${objective}${index ? `:${index}` : ""}`;

/** How the PDF is laid out beyond the document itself. */
export interface PdfLayoutOptions {
  /** Start a new page two rows before the end of the last table, so no row is alone on the last page. */
  keepLastRowsTogether?: boolean;
  /** Filled in while pdfmake lays the PDF out: the page each commitment row starts on, by rowId. */
  rowPages?: Map<string, number>;
}

export function pdfDefinition(doc: PlanDocument, layout: PdfLayoutOptions = {}): TDocumentDefinitions {
  const commentary = doc.includeCommentary;
  const quarterHeadings = doc.quarters.map((q) => q.heading);

  const risksTable: Content = {
    table: {
      headerRows: 1,
      dontBreakRows: true,
      widths: commentary ? ["*", 44, "*", 70, 48, 48, 48, 48, "*"] : ["*", 44, "*", 80, 52, 52, 52, 52],
      body: [
        headerRow([
          "Challenge or risk",
          "RAG",
          "How we will tackle it",
          "Who leads it",
          ...quarterHeadings,
          ...(commentary ? ["Latest commentary"] : []),
        ]),
        ...doc.risks.map((r): TableCell[] => [
          { text: r.description },
          statusCell(r.rating, r.ratingText),
          { text: r.mitigation },
          { text: r.ownerLabel },
          ...quarterCells(r.quarters),
          ...(commentary ? [commentaryCell(r.latestCommentary)] : []),
        ]),
      ],
    },
    layout: tableLayout,
    margin: [0, 4, 0, 12],
  };

  // A new header row for each table: pdfmake writes its layout into the cells it lays out.
  const commitmentsHeader = () =>
    headerRow(["Commitment", "Lead agency", ...quarterHeadings, ...(commentary ? ["Latest commentary"] : [])]);
  const commitmentsTable = (rows: TableCell[][], extra: Partial<Content & object> = {}): Content =>
    ({
      table: {
        headerRows: 1,
        keepWithHeaderRows: 1,
        dontBreakRows: true,
        widths: commentary ? ["*", 90, 52, 52, 52, 52, "*"] : ["*", 110, 60, 60, 60, 60],
        body: [commitmentsHeader(), ...rows],
      },
      layout: tableLayout,
      margin: [0, 4, 0, 12],
      ...extra,
    }) as Content;
  const lastObjective = doc.objectives.at(-1);
  const keepLastRows = Boolean(layout.keepLastRowsTogether);
  const objectives: Content[] = doc.objectives.flatMap((o): Content[] => {
    const rows = o.commitments.map((c, i): TableCell[] => [
      c.details.length > 0
        ? {
            stack: [
              { text: c.text, id: rowId(o.number, i) },
              ...c.details.map((d) => ({
                text: d,
                color: SECONDARY,
                margin: [0, 2, 0, 0] as [number, number, number, number],
              })),
            ],
          }
        : { text: c.text, id: rowId(o.number, i) },
      { text: c.leadLabel },
      ...quarterCells(c.quarters),
      ...(commentary ? [commentaryCell(c.latestCommentary)] : []),
    ]);
    // The last table's last two rows start a page together: the table is split before them and
    // its header row repeated, as on any page the table runs on to.
    const splitAt = o === lastObjective && keepLastRows ? rows.length - 2 : -1;
    return [
      heading(o.heading, 3, splitAt === 0 ? { pageBreak: "before" } : {}, rows.length ? rowId(o.number) : undefined),
      ...(!rows.length
        ? [{ text: "There are no commitments under this objective yet.", style: "body" } as Content]
        : splitAt > 0
          ? [
              commitmentsTable(rows.slice(0, splitAt), { margin: [0, 4, 0, 0] }),
              commitmentsTable(rows.slice(splitAt), { pageBreak: "before" }),
            ]
          : [commitmentsTable(rows)]),
    ];
  });

  const content: Content[] = [
    heading(doc.heading, 1),
    ...(doc.strapline ? [{ text: doc.strapline, style: "strapline" } as Content] : []),
    ...(doc.draft
      ? [
          {
            table: {
              widths: ["*"],
              body: [
                [
                  {
                    text: `${DRAFT_MARK}: this plan has not been published and may change.`,
                    bold: true,
                    color: "#FFFFFF",
                    fillColor: "#651B1B",
                    margin: [6, 4, 6, 4],
                  },
                ],
              ],
            },
            layout: "noBorders",
            margin: [0, 0, 0, 8],
          } as Content,
        ]
      : []),
    {
      text: `Status: ${doc.statusText}. Generated on ${doc.generatedText}. This plan covers ${doc.period}.`,
      style: "meta",
    },
    ...(doc.filterText ? [{ text: doc.filterText, style: "body", bold: true } as Content] : []),
    heading("About us", 2),
    heading("Our vision", 3),
    { text: doc.vision, style: "vision" },
    heading("What we do", 3),
    ...(doc.introduction ? [{ text: doc.introduction, style: "body" } as Content] : []),
    ...(doc.purposes.length
      ? [
          { text: "The purpose of RHINS is to:", style: "body" } as Content,
          { ul: [...doc.purposes], style: "body" } as Content,
        ]
      : []),
    heading(doc.achievementsHeading, 2),
    ...(doc.achievements.length
      ? doc.achievements.map((a): Content => ({
          text: [{ text: `${a.title} – `, bold: true }, a.description],
          style: "body",
        }))
      : [{ text: "None recorded.", style: "body" } as Content]),
    heading(doc.risksHeading, 2, { pageBreak: "before", pageOrientation: "landscape" }),
    doc.risks.length ? risksTable : { text: doc.noRisksText, style: "body" },
    heading(
      doc.commitmentsHeading,
      2,
      {},
      doc.objectives[0]?.commitments.length ? rowId(doc.objectives[0].number) : undefined,
    ),
    ...(objectives.length ? objectives : [{ text: doc.noCommitmentsText, style: "body" }]),
  ];

  return {
    info: {
      title: doc.heading,
      author: "RHINS (Responding to Hate Incidents in North Somerset)",
      subject: `The RHINS partnership's ${doc.title}${doc.draft ? ` (${DRAFT_MARK})` : ""}`,
      keywords: "hate crime, North Somerset, RHINS, plan",
      creator: "RHINS portal",
    },
    version: "1.7",
    // Not marked as a tagged PDF: pdfmake lays out text but writes no structure tree, and a PDF
    // that says it is tagged with an empty tree reads as empty in some screen readers, which
    // otherwise read the text in order. The title and language are set for them.
    tagged: false,
    displayTitle: true,
    language: "en-GB",
    pageSize: "A4",
    pageOrientation: "portrait",
    pageMargins: [40, 40, 40, 48],
    watermark: doc.draft ? { text: DRAFT_MARK, color: "#B1B4B6", opacity: 0.25, bold: true } : undefined,
    footer: (currentPage: number, pageCount: number) => ({
      text: `${doc.footerText} — page ${currentPage} of ${pageCount}`,
      alignment: "center",
      fontSize: 9,
      color: "#505A5F",
      margin: [40, 16, 40, 0],
    }),
    // A heading is never left alone at the bottom of a page, never split over two, and is kept
    // with the first row of the table it heads. (Also noted: where the last table's rows fall,
    // for renderPdf's second pass.)
    pageBreakBefore: (node, following) => {
      if (node.id?.startsWith("row:")) layout.rowPages?.set(node.id, node.startPosition.pageNumber);
      if (!node.headlineLevel || node.pageBreak === "before") return false;
      if (node.pageNumbers.length > 1) return true;
      const onPage = following.getFollowingNodesOnPage();
      if (!onPage.length) return true;
      const keepWith = node.id?.startsWith("keep>") ? node.id.split(">")[1] : undefined;
      return keepWith !== undefined && !onPage.some((n) => n.id === keepWith);
    },
    content,
    defaultStyle: { font: "Roboto", fontSize: 9, lineHeight: 1.2 },
    styles: {
      h1: { fontSize: 22, bold: true, color: BRAND, margin: [0, 0, 0, 6] },
      h2: { fontSize: 16, bold: true, color: BRAND, margin: [0, 14, 0, 6] },
      h3: { fontSize: 12, bold: true, margin: [0, 10, 0, 4] },
      strapline: { fontSize: 14, margin: [0, 0, 0, 10] },
      meta: { fontSize: 9, color: "#505A5F", margin: [0, 0, 0, 6] },
      body: { fontSize: 10, margin: [0, 0, 0, 6] },
      vision: { fontSize: 11, italics: true, margin: [0, 0, 0, 6] },
      tableHeader: { bold: true, fillColor: "#F3F2F1" },
    },
  };
}

/**
 * The PDF file's bytes. When the last table's last row would be alone on the last page, the PDF
 * is laid out again with the last two rows starting that page together.
 */
export async function renderPdf(doc: PlanDocument): Promise<Buffer> {
  const pdfmake = await pdfPrinter();
  const rowPages = new Map<string, number>();
  const first = await pdfmake.createPdf(pdfDefinition(doc, { rowPages })).getBuffer();
  const last = doc.objectives.at(-1);
  const rows = last?.commitments.length ?? 0;
  if (!last || rows < 2) return first;
  const lastPage = rowPages.get(rowId(last.number, rows - 1));
  const lastButOnePage = rowPages.get(rowId(last.number, rows - 2));
  if (lastPage === undefined || lastPage === lastButOnePage) return first;
  return pdfmake.createPdf(pdfDefinition(doc, { keepLastRowsTogether: true })).getBuffer();
}
