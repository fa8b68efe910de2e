// The plan document as a Word file (the `docx` package) that the partnership can edit: real
// Heading 1-3 styles, tables whose header row repeats on each page and whose rows are not split,
// statuses as words on their tag colour (cell shading), the vision and purposes as in the plan,
// and a footer "Hate Crime Plan 2023/24 — page N of M". The tables are in a landscape section.
// A draft says DRAFT in its title, a banner, each page's footer and a watermark.
import {
  AlignmentType,
  Document,
  ExternalHyperlink,
  Footer,
  Header,
  HeadingLevel,
  Packer,
  PageNumber,
  PageOrientation,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type ISectionOptions,
} from "docx";
import { TextWatermark } from "docx/watermarks";
import type { ShownStatus } from "../review-rules.ts";
import {
  DRAFT_MARK,
  type DocumentQuarter,
  type LatestCommentary,
  type PlanDocument,
  documentDate,
} from "../document.ts";
import { STATUS_COLOURS } from "./status-colours.ts";

export const DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/** A4 in twentieths of a point. */
const A4 = { width: 11906, height: 16838 };
const MARGIN = 1000;
const BRAND = "1D4F6E";
const GREY_TEXT = "505A5F";
const HEADER_FILL = "F3F2F1";

const para = (text: string) => new Paragraph({ children: [new TextRun(text)] });

function cell(children: Paragraph[], options: { fill?: string; width?: number } = {}): TableCell {
  return new TableCell({
    children,
    margins: { top: 60, bottom: 60, left: 80, right: 80 },
    ...(options.fill && { shading: { type: ShadingType.CLEAR, color: "auto", fill: options.fill } }),
    ...(options.width && { width: { size: options.width, type: WidthType.PERCENTAGE } }),
  });
}

function textCell(text: string, width?: number): TableCell {
  return cell([para(text)], { width });
}

function statusCell(status: ShownStatus, text: string, width?: number): TableCell {
  const colour = STATUS_COLOURS[status];
  return cell([new Paragraph({ children: [new TextRun({ text, bold: true, color: colour.text })] })], {
    fill: colour.fill,
    width,
  });
}

function commentaryCell(latest: LatestCommentary | null, width: number): TableCell {
  if (!latest)
    return cell([new Paragraph({ children: [new TextRun({ text: "None yet", color: GREY_TEXT })] })], { width });
  const small = (text: string) => new Paragraph({ children: [new TextRun({ text, size: 16, color: GREY_TEXT })] });
  return cell(
    [
      ...(latest.note ? [small(`${latest.label}: ${latest.note}`)] : []),
      ...latest.entries.flatMap((e) => [
        ...(e.text === ""
          ? []
          : e.text
              .split(/\r?\n/)
              .map((line, i) =>
                i === 0 && e.agency
                  ? new Paragraph({ children: [new TextRun({ text: `${e.agency}: `, bold: true }), new TextRun(line)] })
                  : para(line),
              )),
        ...(e.evidence.length > 0
          ? [
              new Paragraph({
                children: [
                  new TextRun(e.agency && !e.text ? `${e.agency}: evidence: ` : "Evidence: "),
                  ...e.evidence.flatMap((link, i) => [
                    ...(i > 0 ? [new TextRun("; ")] : []),
                    new ExternalHyperlink({
                      link: link.url,
                      children: [new TextRun({ text: link.title, style: "Hyperlink" })],
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
  return new TableRow({
    tableHeader: true,
    cantSplit: true,
    children: headings.map((h) =>
      cell([new Paragraph({ children: [new TextRun({ text: h.text, bold: true })] })], {
        fill: HEADER_FILL,
        width: h.width,
      }),
    ),
  });
}

function table(headings: { text: string; width: number }[], rows: TableCell[][]): Table {
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [headerRow(headings), ...rows.map((children) => new TableRow({ cantSplit: true, children }))],
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
          (d) => new Paragraph({ children: [new TextRun({ text: d, size: 16, color: GREY_TEXT })] }),
        ),
      ]),
      textCell(commitment.leadLabel),
      ...quarterCells(commitment.quarters, q),
      ...(c ? [commentaryCell(commitment.latestCommentary, 18)] : []),
    ]),
  );
}

export function docxDocument(doc: PlanDocument): Document {
  const footer = new Footer({
    children: [
      new Paragraph({
        alignment: AlignmentType.CENTER,
        children: [
          new TextRun({ text: `${doc.footerText} — page `, color: GREY_TEXT, size: 18 }),
          new TextRun({ children: [PageNumber.CURRENT], color: GREY_TEXT, size: 18 }),
          new TextRun({ text: " of ", color: GREY_TEXT, size: 18 }),
          new TextRun({ children: [PageNumber.TOTAL_PAGES], color: GREY_TEXT, size: 18 }),
        ],
      }),
    ],
  });
  const headers = doc.draft
    ? {
        default: new Header({
          children: [
            new Paragraph({ children: [new TextWatermark({ text: DRAFT_MARK, color: "B1B4B6", opacity: 0.3 })] }),
          ],
        }),
      }
    : undefined;
  const section = (orientation: "portrait" | "landscape", children: ISectionOptions["children"]): ISectionOptions => ({
    properties: {
      page: {
        size: {
          ...A4,
          orientation: orientation === "landscape" ? PageOrientation.LANDSCAPE : PageOrientation.PORTRAIT,
        },
        margin: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
      },
    },
    ...(headers && { headers }),
    footers: { default: footer },
    children,
  });

  const about = [
    new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun(doc.heading)] }),
    ...(doc.strapline
      ? [new Paragraph({ children: [new TextRun({ text: doc.strapline, size: 28, color: BRAND })] })]
      : []),
    ...(doc.draft
      ? [
          new Paragraph({
            shading: { type: ShadingType.CLEAR, color: "auto", fill: "651B1B" },
            children: [
              new TextRun({
                text: `${DRAFT_MARK}: this plan has not been published and may change.`,
                bold: true,
                color: "FFFFFF",
              }),
            ],
          }),
        ]
      : []),
    new Paragraph({
      children: [
        new TextRun({
          text: `Status: ${doc.statusText}. Generated on ${doc.generatedText}. This plan covers ${doc.period}.`,
          color: GREY_TEXT,
          size: 18,
        }),
      ],
    }),
    ...(doc.filterText ? [new Paragraph({ children: [new TextRun({ text: doc.filterText, bold: true })] })] : []),
    new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun("About us")] }),
    new Paragraph({ heading: HeadingLevel.HEADING_3, children: [new TextRun("Our vision")] }),
    new Paragraph({ children: [new TextRun({ text: doc.vision, italics: true })] }),
    new Paragraph({ heading: HeadingLevel.HEADING_3, children: [new TextRun("What we do")] }),
    ...(doc.introduction ? [para(doc.introduction)] : []),
    ...(doc.purposes.length
      ? [
          para("The purpose of RHINS is to:"),
          ...doc.purposes.map((p) => new Paragraph({ bullet: { level: 0 }, children: [new TextRun(p)] })),
        ]
      : []),
    new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun(doc.achievementsHeading)] }),
    ...(doc.achievements.length
      ? doc.achievements.map(
          (a) =>
            new Paragraph({
              children: [new TextRun({ text: `${a.title} – `, bold: true }), new TextRun(a.description)],
            }),
        )
      : [para("None recorded.")]),
  ];

  const tables = [
    new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun(doc.risksHeading)] }),
    doc.risks.length ? risksTable(doc) : para(doc.noRisksText),
    new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun(doc.commitmentsHeading)] }),
    ...(doc.objectives.length
      ? doc.objectives.flatMap((o) => [
          new Paragraph({ heading: HeadingLevel.HEADING_3, keepNext: true, children: [new TextRun(o.heading)] }),
          commitmentsTable(doc, o),
        ])
      : [para(doc.noCommitmentsText)]),
  ];

  return new Document({
    title: doc.heading,
    subject: `The RHINS partnership's ${doc.title}${doc.draft ? ` (${DRAFT_MARK})` : ""}`,
    creator: "RHINS portal",
    description: `${doc.heading}. Status: ${doc.statusText}. Generated on ${doc.generatedText}.`,
    keywords: "hate crime, North Somerset, RHINS, plan",
    styles: {
      default: {
        document: { run: { font: "Arial", size: 20 } },
        heading1: { run: { font: "Arial", size: 40, bold: true, color: BRAND } },
        heading2: { run: { font: "Arial", size: 32, bold: true, color: BRAND } },
        heading3: { run: { font: "Arial", size: 24, bold: true } },
      },
    },
    sections: [section("portrait", about), section("landscape", tables)],
  });
}

/** The Word file's bytes. */
export function renderDocx(doc: PlanDocument): Promise<Buffer> {
  return Packer.toBuffer(docxDocument(doc));
}
