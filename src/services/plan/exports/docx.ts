// The plan document as a Word file (the `docx` package) that the partnership can edit: real
// Heading 1-3 styles, tables whose header row repeats on each page and whose rows are not split,
// statuses as words on their tag colour (cell shading), the vision and purposes as in the plan,
// and a footer "Hate Crime Plan 2023/24 — page N of M". The tables are in a landscape section.
// A draft says DRAFT in its title, a banner, each page's footer and a watermark. The document's
// language is en-GB, and text in other scripts carries its own language (runs below).
import type { Document, IRunOptions, ISectionOptions, Paragraph, Table, TableCell, TableRow, TextRun } from "docx";
import type { ShownStatus } from "../review-rules.ts";
import {
  DRAFT_MARK,
  type DocumentQuarter,
  type LatestCommentary,
  type PlanDocument,
  documentDate,
} from "../document.ts";
import { textRuns } from "./fonts.ts";
import { STATUS_COLOURS } from "./status-colours.ts";

export const DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/**
 * The docx library and its watermarks: loaded by the first Word file, not at start-up (few
 * requests need it, and it is one of the largest libraries), and kept after. Everything below
 * runs only once renderDocx has set it.
 */
let docx: typeof import("docx") & typeof import("docx/watermarks");

/** A4 in twentieths of a point. */
const A4 = { width: 11906, height: 16838 };
const MARGIN = 1000;
const BRAND = "1D4F6E";
const GREY_TEXT = "505A5F";
const HEADER_FILL = "F3F2F1";

/** Word picks fonts itself (each run's script decides which of its fonts it uses): every script is drawn. */
const anyFont = () => true;

/**
 * A text as Word runs: one per script, each in other scripts than Latin with its language, so
 * Word's spelling and a screen reader's voice follow it (w:lang w:bidi for Arabic, Urdu and
 * Bengali, which Word lays out as complex script, with right-to-left for Arabic and Urdu;
 * w:lang w:eastAsia for Chinese). Latin text keeps the document's language, en-GB.
 */
function runs(text: string, options: Omit<IRunOptions, "text"> = {}): TextRun[] {
  const pieces = textRuns(text, anyFont);
  if (pieces.length <= 1 && !pieces[0]?.lang) return [new docx.TextRun({ text, ...options })];
  return pieces.map((r) => {
    const written = r.actual ?? r.text;
    if (r.font === "han") return new docx.TextRun({ text: written, ...options, language: { eastAsia: r.lang } });
    if (r.font === "arabic" || r.font === "bengali")
      return new docx.TextRun({
        text: written,
        ...options,
        ...(r.rtl ? { rightToLeft: true } : {}),
        language: { bidirectional: r.lang },
      });
    return new docx.TextRun({ text: written, ...options });
  });
}

const para = (text: string) => new docx.Paragraph({ children: [...runs(text)] });

function cell(children: Paragraph[], options: { fill?: string; width?: number } = {}): TableCell {
  return new docx.TableCell({
    children,
    margins: { top: 60, bottom: 60, left: 80, right: 80 },
    ...(options.fill && { shading: { type: docx.ShadingType.CLEAR, color: "auto", fill: options.fill } }),
    ...(options.width && { width: { size: options.width, type: docx.WidthType.PERCENTAGE } }),
  });
}

function textCell(text: string, width?: number): TableCell {
  return cell([para(text)], { width });
}

function statusCell(status: ShownStatus, text: string, width?: number): TableCell {
  const colour = STATUS_COLOURS[status];
  return cell([new docx.Paragraph({ children: [new docx.TextRun({ text, bold: true, color: colour.text })] })], {
    fill: colour.fill,
    width,
  });
}

function commentaryCell(latest: LatestCommentary | null, width: number): TableCell {
  if (!latest)
    return cell([new docx.Paragraph({ children: [...runs("None yet", { color: GREY_TEXT })] })], {
      width,
    });
  const small = (text: string) => new docx.Paragraph({ children: [...runs(text, { size: 16, color: GREY_TEXT })] });
  return cell(
    [
      ...(latest.note ? [small(`${latest.label}: ${latest.note}`)] : []),
      ...latest.entries.flatMap((e) => [
        ...(e.text === ""
          ? []
          : e.text.split(/\r?\n/).map((line, i) =>
              i === 0 && e.agency
                ? new docx.Paragraph({
                    children: [...runs(`${e.agency}: `, { bold: true }), ...runs(line)],
                  })
                : para(line),
            )),
        ...(e.evidence.length > 0
          ? [
              new docx.Paragraph({
                children: [
                  ...runs(e.agency && !e.text ? `${e.agency}: evidence: ` : "Evidence: "),
                  ...e.evidence.flatMap((link, i) => [
                    ...(i > 0 ? [...runs("; ")] : []),
                    new docx.ExternalHyperlink({
                      link: link.url,
                      children: [...runs(link.title, { style: "Hyperlink" })],
                    }),
                  ]),
                ],
              }),
            ]
          : []),
        small(`${latest.label} – ${[e.updatedBy, documentDate(e.updatedAt)].filter(Boolean).join(", ")}`),
      ]),
    ],
    { width },
  );
}

/** A header row: repeated at the top of each page the table runs onto. */
function headerRow(headings: { text: string; width: number }[]): TableRow {
  return new docx.TableRow({
    tableHeader: true,
    cantSplit: true,
    children: headings.map((h) =>
      cell([new docx.Paragraph({ children: [...runs(h.text, { bold: true })] })], {
        fill: HEADER_FILL,
        width: h.width,
      }),
    ),
  });
}

function table(headings: { text: string; width: number }[], rows: TableCell[][]): Table {
  return new docx.Table({
    width: { size: 100, type: docx.WidthType.PERCENTAGE },
    rows: [headerRow(headings), ...rows.map((children) => new docx.TableRow({ cantSplit: true, children }))],
  });
}

const quarterCells = (quarters: DocumentQuarter[], width: number) =>
  quarters.map((q) => statusCell(q.status, q.statusText, width));

function risksTable(doc: PlanDocument): Table {
  const c = doc.includeCommentary;
  const q = c ? 8 : 9;
  const headings = [
    { text: "Challenge or risk", width: c ? 18 : 24 },
    { text: "RAG", width: 7 },
    { text: "How we will tackle it", width: c ? 18 : 24 },
    { text: "Who leads it", width: c ? 10 : 9 },
    ...doc.quarters.map((quarter) => ({ text: quarter.heading, width: q })),
    ...(c ? [{ text: "Latest commentary", width: 15 }] : []),
  ];
  return table(
    headings,
    doc.risks.map((r) => [
      textCell(r.description),
      statusCell(r.rating, r.ratingText),
      textCell(r.mitigation),
      textCell(r.ownerLabel),
      ...quarterCells(r.quarters, q),
      ...(c ? [commentaryCell(r.latestCommentary, 15)] : []),
    ]),
  );
}

function commitmentsTable(doc: PlanDocument, objective: PlanDocument["objectives"][number]): Table {
  const c = doc.includeCommentary;
  const q = c ? 9 : 10;
  const headings = [
    { text: "Commitment", width: c ? 32 : 44 },
    { text: "Lead agency", width: c ? 14 : 16 },
    ...doc.quarters.map((quarter) => ({ text: quarter.heading, width: q })),
    ...(c ? [{ text: "Latest commentary", width: 18 }] : []),
  ];
  return table(
    headings,
    objective.commitments.map((commitment) => [
      cell([
        para(commitment.text),
        ...commitment.details.map(
          (d) => new docx.Paragraph({ children: [...runs(d, { size: 16, color: GREY_TEXT })] }),
        ),
      ]),
      textCell(commitment.leadLabel),
      ...quarterCells(commitment.quarters, q),
      ...(c ? [commentaryCell(commitment.latestCommentary, 18)] : []),
    ]),
  );
}

/** Partners' documents: each shown item's measures, with each quarter's value and the target. */
function measuresTable(doc: PlanDocument): Table {
  const headings = [
    { text: "Measure", width: 26 },
    { text: "Of", width: 26 },
    { text: "Target", width: 12 },
    ...doc.quarters.map((quarter) => ({ text: quarter.label, width: 9 })),
  ];
  return table(
    headings,
    (doc.measures ?? []).map((m) => [
      cell([para(m.name), new docx.Paragraph({ children: [...runs(m.sourceText, { size: 16, color: GREY_TEXT })] })]),
      textCell(`${m.itemLabel}: ${m.itemText}`),
      textCell(m.targetText),
      ...m.quarters.map((q) => textCell(q.metText ? `${q.valueText} (${q.metText.toLowerCase()})` : q.valueText, 9)),
    ]),
  );
}

function docxDocument(doc: PlanDocument): Document {
  const footer = new docx.Footer({
    children: [
      new docx.Paragraph({
        alignment: docx.AlignmentType.CENTER,
        children: [
          ...runs(`${doc.footerText} — page `, { color: GREY_TEXT, size: 18 }),
          new docx.TextRun({ children: [docx.PageNumber.CURRENT], color: GREY_TEXT, size: 18 }),
          ...runs(" of ", { color: GREY_TEXT, size: 18 }),
          new docx.TextRun({ children: [docx.PageNumber.TOTAL_PAGES], color: GREY_TEXT, size: 18 }),
        ],
      }),
    ],
  });
  const headers = doc.draft
    ? {
        default: new docx.Header({
          children: [
            new docx.Paragraph({
              children: [new docx.TextWatermark({ text: DRAFT_MARK, color: "B1B4B6", opacity: 0.3 })],
            }),
          ],
        }),
      }
    : undefined;
  const section = (orientation: "portrait" | "landscape", children: ISectionOptions["children"]): ISectionOptions => ({
    properties: {
      page: {
        size: {
          ...A4,
          orientation: orientation === "landscape" ? docx.PageOrientation.LANDSCAPE : docx.PageOrientation.PORTRAIT,
        },
        margin: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
      },
    },
    ...(headers && { headers }),
    footers: { default: footer },
    children,
  });

  const about = [
    new docx.Paragraph({ heading: docx.HeadingLevel.HEADING_1, children: [...runs(doc.heading)] }),
    ...(doc.strapline ? [new docx.Paragraph({ children: [...runs(doc.strapline, { size: 28, color: BRAND })] })] : []),
    ...(doc.draft
      ? [
          new docx.Paragraph({
            shading: { type: docx.ShadingType.CLEAR, color: "auto", fill: "651B1B" },
            children: [
              new docx.TextRun({
                text: `${DRAFT_MARK}: this plan has not been published and may change.`,
                bold: true,
                color: "FFFFFF",
              }),
            ],
          }),
        ]
      : []),
    new docx.Paragraph({
      children: [
        new docx.TextRun({
          text: `Status: ${doc.statusText}. Generated on ${doc.generatedText}. This plan covers ${doc.period}.`,
          color: GREY_TEXT,
          size: 18,
        }),
      ],
    }),
    ...(doc.filterText ? [new docx.Paragraph({ children: [...runs(doc.filterText, { bold: true })] })] : []),
    new docx.Paragraph({ heading: docx.HeadingLevel.HEADING_2, children: [...runs("About us")] }),
    new docx.Paragraph({ heading: docx.HeadingLevel.HEADING_3, children: [...runs("Our vision")] }),
    new docx.Paragraph({ children: [...runs(doc.vision, { italics: true })] }),
    new docx.Paragraph({ heading: docx.HeadingLevel.HEADING_3, children: [...runs("What we do")] }),
    ...(doc.introduction ? [para(doc.introduction)] : []),
    ...(doc.purposes.length
      ? [
          para("The purpose of RHINS is to:"),
          ...doc.purposes.map((p) => new docx.Paragraph({ bullet: { level: 0 }, children: [...runs(p)] })),
        ]
      : []),
    new docx.Paragraph({ heading: docx.HeadingLevel.HEADING_2, children: [...runs(doc.achievementsHeading)] }),
    ...(doc.achievements.length
      ? doc.achievements.map(
          (a) =>
            new docx.Paragraph({
              children: [...runs(`${a.title} – `, { bold: true }), ...runs(a.description)],
            }),
        )
      : [para("None recorded.")]),
  ];

  const tables = [
    new docx.Paragraph({ heading: docx.HeadingLevel.HEADING_2, children: [...runs(doc.risksHeading)] }),
    doc.risks.length ? risksTable(doc) : para(doc.noRisksText),
    new docx.Paragraph({ heading: docx.HeadingLevel.HEADING_2, children: [...runs(doc.commitmentsHeading)] }),
    ...(doc.objectives.length
      ? doc.objectives.flatMap((o) => [
          new docx.Paragraph({
            heading: docx.HeadingLevel.HEADING_3,
            keepNext: true,
            children: [...runs(o.heading)],
          }),
          commitmentsTable(doc, o),
        ])
      : [para(doc.noCommitmentsText)]),
    ...(doc.measures?.length
      ? [
          new docx.Paragraph({
            heading: docx.HeadingLevel.HEADING_2,
            keepNext: true,
            children: [...runs(doc.measuresHeading ?? "Measures")],
          }),
          measuresTable(doc),
        ]
      : []),
  ];

  return new docx.Document({
    title: doc.heading,
    subject: `The RHINS partnership's ${doc.title}${doc.draft ? ` (${DRAFT_MARK})` : ""}`,
    creator: "RHINS portal",
    description: `${doc.heading}. Status: ${doc.statusText}. Generated on ${doc.generatedText}.`,
    keywords: "hate crime, North Somerset, RHINS, plan",
    styles: {
      default: {
        // The document's language: Word's spelling and screen readers read it as British English.
        document: { run: { font: "Arial", size: 20, language: { value: "en-GB" } } },
        heading1: { run: { font: "Arial", size: 40, bold: true, color: BRAND } },
        heading2: { run: { font: "Arial", size: 32, bold: true, color: BRAND } },
        heading3: { run: { font: "Arial", size: 24, bold: true } },
      },
    },
    sections: [section("portrait", about), section("landscape", tables)],
  });
}

/** The Word file's bytes. */
export async function renderDocx(doc: PlanDocument): Promise<Buffer> {
  docx ??= await Promise.all([import("docx"), import("docx/watermarks")]).then(([main, watermarks]) => ({
    ...main,
    ...watermarks,
  }));
  return docx.Packer.toBuffer(docxDocument(doc));
}
