// A small tagged-PDF writer over pdfkit, for the plan's PDF: headings, paragraphs, lists and
// tables drawn with their structure elements (PDF/UA), each run of text in the font that has its
// glyphs (fonts.ts), decoration marked as artifacts, and tables laid out here rather than by
// pdfkit's doc.table(): its cells take one string in one font and style, and the plan's cells
// hold several paragraphs, links, bylines in grey and text in several scripts. Rows are never
// split; a table that runs on to another page repeats its header row there, as an artifact (the
// header cells are in the structure tree once).
import type * as Fontkit from "fontkit";
import type PDFDocumentClass from "pdfkit";
import { type FontName, type FontWeight, type TextRun, fontFile, textRuns } from "./fonts.ts";

type Doc = PDFKit.PDFDocument;
export type Struct = PDFKit.PDFStructureElement;

/** pdfkit and fontkit, loaded by the first PDF rather than at start-up (few requests need them). */
let libraries: Promise<{ PDFDocument: typeof PDFDocumentClass; fontkit: typeof Fontkit }> | undefined;
export const pdfLibraries = () =>
  (libraries ??= Promise.all([import("pdfkit"), import("fontkit")]).then(([pdfkit, fontkit]) => ({
    PDFDocument: pdfkit.default,
    fontkit: (fontkit as unknown as { default?: typeof Fontkit }).default ?? fontkit,
  })));

/** Each font parsed once and shared by every document (the Chinese one only once asked for). */
const parsed = new Map<string, Fontkit.Font>();
function fontkitFont(fontkit: typeof Fontkit, font: FontName, weight: FontWeight): Fontkit.Font {
  const key = `${font}-${weight}`;
  let f = parsed.get(key);
  if (!f) parsed.set(key, (f = fontkit.openSync(fontFile(font, weight)) as Fontkit.Font));
  return f;
}

export interface Piece {
  text: string;
  weight?: FontWeight;
  color?: string;
  link?: string;
}

export interface Block {
  pieces: Piece[];
  size: number;
  color?: string;
  weight?: FontWeight;
  /** Space above, in points (not at the top of a page or cell). */
  gapBefore?: number;
  gapAfter?: number;
}

export const text = (t: string, extra: Omit<Block, "pieces"> & { link?: string }): Block => ({
  ...extra,
  pieces: [{ text: t, ...(extra.link ? { link: extra.link } : {}) }],
});

export interface Cell {
  blocks: Block[];
  fill?: string;
}

export interface TableSpec {
  widths: (number | "*")[];
  header: string[];
  rows: Cell[][];
  /** Start a new page before the last two rows when the last alone would be on the next. */
  keepLastTwo?: boolean;
  gapBefore?: number;
  gapAfter?: number;
}

/** A line of a block: runs drawn one after another, starting on a new line. */
type Segment = { run: TextRun; piece: Piece }[];

const PAD_X = 4;
const PAD_Y = 3;
const BORDER = "#B1B4B6";

export class TaggedPdf {
  readonly doc: Doc;
  readonly root: Struct;
  private readonly fontkit: typeof Fontkit;
  private readonly registered = new Set<string>();
  private layout: "portrait" | "landscape" = "portrait";

  constructor(
    libs: Awaited<ReturnType<typeof pdfLibraries>>,
    options: { title: string; lang: string; info: Record<string, string> },
  ) {
    this.fontkit = libs.fontkit;
    this.doc = new libs.PDFDocument({
      pdfVersion: "1.7",
      subset: "PDF/UA",
      tagged: true,
      lang: options.lang,
      displayTitle: true,
      bufferPages: true,
      size: "A4",
      margins: { top: 40, left: 40, right: 40, bottom: 48 },
      info: { Title: options.title, ...options.info },
    } as unknown as PDFKit.PDFDocumentOptions);
    this.root = this.doc.struct("Document", { lang: options.lang });
    this.doc.addStructure(this.root);
  }

  get left() {
    return this.doc.page.margins.left;
  }
  get width() {
    return this.doc.page.width - this.doc.page.margins.left - this.doc.page.margins.right;
  }
  get maxY() {
    return this.doc.page.height - this.doc.page.margins.bottom;
  }
  get atTop() {
    return this.doc.y <= this.doc.page.margins.top + 0.5;
  }

  newPage(layout: "portrait" | "landscape" = this.layout) {
    this.layout = layout;
    this.doc.addPage({ size: "A4", layout, margins: { top: 40, left: 40, right: 40, bottom: 48 } });
  }

  /** Moves to the next page unless `height` more points fit on this one. */
  ensure(height: number) {
    if (!this.atTop && this.doc.y + height > this.maxY) this.newPage();
  }

  useFont(font: FontName, weight: FontWeight, size: number) {
    const name = `${font}-${weight}`;
    if (!this.registered.has(name)) {
      this.doc.registerFont(name, fontkitFont(this.fontkit, font, weight) as never);
      this.registered.add(name);
    }
    this.doc.font(name).fontSize(size);
  }

  covers = (font: FontName, codePoint: number) =>
    fontkitFont(this.fontkit, font, "normal").hasGlyphForCodePoint(codePoint);

  /** A block's lines: a new one wherever the font changes, so right-to-left runs stand alone. */
  private segments(block: Block): Segment[] {
    const segments: Segment[] = [];
    let current: Segment = [];
    for (const piece of block.pieces) {
      const runs = textRuns(piece.text, this.covers);
      for (const whole of runs) {
        // Right-to-left runs stand on their own lines: the spaces around them are not drawn.
        const run = whole.rtl
          ? { ...whole, text: whole.text.trim(), ...(whole.actual ? { actual: whole.actual.trim() } : {}) }
          : whole;
        const last = current.at(-1);
        if (last && (last.run.font !== run.font || run.rtl || last.run.rtl)) {
          segments.push(current);
          current = [];
        }
        if (run.text === "" && current.length) {
          // Only what no font has (emoji): kept as the previous run's actual text.
          const prev = current.at(-1)!;
          prev.run = { ...prev.run, actual: (prev.run.actual ?? prev.run.text) + (run.actual ?? "") };
        } else current.push({ run, piece });
      }
    }
    if (current.length) segments.push(current);
    return segments.filter((s) => s.some((p) => p.run.text.trim() !== "" || p.run.actual));
  }

  private weightOf(block: Block, piece: Piece): FontWeight {
    return piece.weight ?? block.weight ?? "normal";
  }

  /** The height of a block in a width (lines of one segment measured in its first run's font). */
  blockHeight(block: Block, width: number): number {
    let height = 0;
    for (const segment of this.segments(block)) {
      const first = segment[0]!;
      this.useFont(first.run.font, this.weightOf(block, first.piece), block.size);
      height += this.doc.heightOfString(segment.map((s) => s.run.text).join("") || " ", { width });
    }
    return height;
  }

  /**
   * Draws a block at (x, doc.y) in `width`, as structure element `role` under `parent` (or, with
   * role null, its content straight under `parent`, as in a table's header cell).
   */
  block(parent: Struct | null, block: Block, role: string | null, x: number, width: number) {
    const doc = this.doc;
    const element = parent && role ? doc.struct(role) : parent;
    if (parent && element !== parent) parent.add(element!);
    for (const segment of this.segments(block)) {
      const rtl = segment[0]!.run.rtl;
      segment.forEach(({ run, piece }, i) => {
        const continued = i < segment.length - 1;
        if (!element) {
          // Inside an artifact (a header row drawn again): the text only, not in the tree.
          this.useFont(run.font, this.weightOf(block, piece), block.size);
          doc.fillColor(piece.color ?? block.color ?? "#0B0C0C");
          const options = { width, continued, align: rtl ? ("right" as const) : ("left" as const) };
          if (i === 0) doc.text(run.text, x, doc.y, options);
          else doc.text(run.text, options);
          return;
        }
        const span = run.lang || run.actual !== undefined;
        const child = piece.link ? doc.struct("Link") : span ? doc.struct("Span", spanOptions(run)) : element;
        if (child !== element) element.add(child);
        const tag = piece.link ? "Link" : span ? "Span" : (role ?? "P");
        const content = doc.markStructureContent(tag, span ? spanOptions(run) : {});
        const current = doc as unknown as { _currentStructureElement?: Struct };
        if (piece.link) current._currentStructureElement = child;
        this.useFont(run.font, this.weightOf(block, piece), block.size);
        doc.fillColor(piece.color ?? block.color ?? "#0B0C0C");
        const options: PDFKit.Mixins.TextOptions = {
          width,
          continued,
          align: rtl ? "right" : "left",
          ...(piece.link ? { link: piece.link, underline: true } : {}),
        };
        if (i === 0) doc.text(run.text, x, doc.y, options);
        else doc.text(run.text, options);
        if (piece.link) current._currentStructureElement = undefined;
        doc.endMarkedContent();
        child.add(content);
        if (child !== element) child.end();
      });
    }
    if (element && element !== parent) element.end();
  }

  /** A heading, with its bookmark under `outline`; kept on a page with `keep` points after it. */
  heading(
    role: "H1" | "H2" | "H3",
    title: string,
    size: number,
    color: string | undefined,
    outline: PDFKit.PDFOutline,
    { gapBefore = 0, gapAfter = 0, keep = 0 } = {},
  ): PDFKit.PDFOutline {
    const block: Block = { pieces: [{ text: title }], size, weight: "bold", ...(color ? { color } : {}) };
    const height = this.blockHeight(block, this.width);
    this.ensure(gapBefore + height + gapAfter + keep);
    if (!this.atTop) this.doc.y += gapBefore;
    const item = outline.addItem(title);
    this.block(this.root, block, role, this.left, this.width);
    this.doc.y += gapAfter;
    return item;
  }

  paragraph(block: Block, parent: Struct = this.root) {
    if (!this.atTop) this.doc.y += block.gapBefore ?? 0;
    this.block(parent, block, "P", this.left, this.width);
    this.doc.y += block.gapAfter ?? 0;
  }

  /** A bulleted list: L > LI > Lbl, LBody. */
  list(items: string[], size: number, gapAfter: number) {
    const doc = this.doc;
    const list = doc.struct("L");
    this.root.add(list);
    for (const item of items) {
      const li = doc.struct("LI");
      list.add(li);
      const y = doc.y;
      this.block(li, { pieces: [{ text: "•" }], size }, "Lbl", this.left + 4, 10);
      doc.y = y;
      this.block(li, { pieces: [{ text: item }], size }, "LBody", this.left + 16, this.width - 16);
      li.end();
    }
    list.end();
    doc.y += gapAfter;
  }

  /** Decoration (fills, borders, a banner's background): an artifact, not read out. */
  artifact(draw: () => void, type: "Layout" | "Pagination" = "Layout") {
    this.doc.markContent("Artifact", { type });
    this.doc.save();
    draw();
    this.doc.restore();
    this.doc.endMarkedContent();
  }

  private columnWidths(spec: TableSpec): number[] {
    const fixed = spec.widths.reduce<number>((sum, w) => sum + (w === "*" ? 0 : w), 0);
    const stars = spec.widths.filter((w) => w === "*").length;
    return spec.widths.map((w) => (w === "*" ? (this.width - fixed) / stars : w));
  }

  private rowHeight(cells: Cell[], widths: number[]): number {
    return (
      Math.max(
        ...cells.map((cell, i) =>
          cell.blocks.reduce(
            (h, b, j) => h + (j > 0 ? (b.gapBefore ?? 0) : 0) + this.blockHeight(b, widths[i]! - 2 * PAD_X),
            0,
          ),
        ),
      ) +
      2 * PAD_Y
    );
  }

  private headerCells(spec: TableSpec): Cell[] {
    return spec.header.map((h) => ({ blocks: [{ pieces: [{ text: h }], size: 9, weight: "bold" }], fill: "#F3F2F1" }));
  }

  /** Measures a table: what must fit below its heading (the header row and first row, or two). */
  tableStart(spec: TableSpec): number {
    const widths = this.columnWidths(spec);
    const first = spec.rows.slice(0, spec.keepLastTwo && spec.rows.length === 2 ? 2 : 1);
    return (
      (spec.gapBefore ?? 0) +
      this.rowHeight(this.headerCells(spec), widths) +
      first.reduce((h, r) => h + this.rowHeight(r, widths), 0)
    );
  }

  table(spec: TableSpec) {
    const doc = this.doc;
    const widths = this.columnWidths(spec);
    const header = this.headerCells(spec);
    const headerHeight = this.rowHeight(header, widths);
    const heights = spec.rows.map((r) => this.rowHeight(r, widths));
    const table = doc.struct("Table");
    this.root.add(table);
    if (!this.atTop) doc.y += spec.gapBefore ?? 0;
    this.ensure(headerHeight + (heights[0] ?? 0));
    const head = doc.struct("THead");
    table.add(head);
    this.row(head, header, widths, headerHeight, "TH");
    head.end();
    const body = doc.struct("TBody");
    table.add(body);
    spec.rows.forEach((cells, i) => {
      const last = spec.rows.length - 1;
      const need = heights[i]! + (spec.keepLastTwo && i === last - 1 ? heights[last]! : 0);
      if (doc.y + need > this.maxY) {
        this.newPage();
        // The header row again on the new page: drawn as an artifact, in the tree once.
        this.artifact(() => this.drawRow(header, widths, headerHeight, "repeat"), "Pagination");
        doc.y += headerHeight;
      }
      this.row(body, cells, widths, heights[i]!, "TD");
    });
    body.end();
    table.end();
    doc.x = this.left;
    doc.y += spec.gapAfter ?? 0;
  }

  private row(parent: Struct, cells: Cell[], widths: number[], height: number, type: "TH" | "TD") {
    const tr = this.doc.struct("TR");
    parent.add(tr);
    this.artifact(() => this.drawRow(cells, widths, height, "decoration"));
    this.drawRow(cells, widths, height, { tr, type });
    tr.end();
    this.doc.y += height;
  }

  /**
   * Draws a row's backgrounds and borders ("decoration"), its cells' text tagged, or both
   * untagged ("repeat", for a header row drawn again inside an artifact).
   */
  private drawRow(
    cells: Cell[],
    widths: number[],
    height: number,
    tagged: { tr: Struct; type: "TH" | "TD" } | "decoration" | "repeat",
  ) {
    const doc = this.doc;
    const top = doc.y;
    let x = this.left;
    cells.forEach((cell, i) => {
      const w = widths[i]!;
      if (typeof tagged === "string") {
        if (cell.fill) doc.rect(x, top, w, height).fill(cell.fill);
        doc.lineWidth(0.5).rect(x, top, w, height).stroke(BORDER);
        if (tagged === "repeat") {
          doc.y = top + PAD_Y;
          cell.blocks.forEach((b) => this.block(null, b, null, x + PAD_X, w - 2 * PAD_X));
        }
      } else {
        const element = tagged.type === "TH" ? doc.struct("TH", { scope: "Column" } as never) : doc.struct("TD");
        tagged.tr.add(element);
        doc.y = top + PAD_Y;
        const several = cell.blocks.length > 1 && tagged.type === "TD";
        cell.blocks.forEach((b, j) => {
          if (j > 0) doc.y += b.gapBefore ?? 0;
          this.block(element, b, several ? "P" : null, x + PAD_X, w - 2 * PAD_X);
        });
        element.end();
      }
      x += w;
    });
    doc.y = top;
  }

  /** Footers on every page (and a watermark), once the page count is known; then the file. */
  async finish(footer: (page: number, pages: number) => string, watermark?: string): Promise<Buffer> {
    const doc = this.doc;
    const { start, count } = doc.bufferedPageRange();
    for (let i = start; i < start + count; i += 1) {
      doc.switchToPage(i);
      const page = doc.page;
      const bottom = page.margins.bottom;
      page.margins.bottom = 0; // drawing in the margin must not start a new page
      this.artifact(() => {
        this.useFont("latin", "normal", 9);
        doc.fillColor("#505A5F").text(footer(i + 1, count), 40, page.height - bottom + 16, {
          width: page.width - 80,
          align: "center",
          lineBreak: false,
        });
      }, "Pagination");
      if (watermark)
        this.artifact(() => {
          this.useFont("latin", "bold", 120);
          doc
            .fillColor("#B1B4B6")
            .fillOpacity(0.25)
            .rotate(-45, { origin: [page.width / 2, page.height / 2] });
          const w = doc.widthOfString(watermark);
          doc.text(watermark, page.width / 2 - w / 2, page.height / 2 - 70, { lineBreak: false });
        });
      page.margins.bottom = bottom;
    }
    this.root.end();
    const chunks: Buffer[] = [];
    doc.on("data", (c: Buffer) => chunks.push(c));
    const done = new Promise<void>((resolve, reject) => {
      doc.on("end", () => resolve());
      doc.on("error", reject);
    });
    doc.end();
    await done;
    return Buffer.concat(chunks);
  }
}

function spanOptions(run: TextRun): { lang?: string; actual?: string } {
  return { ...(run.lang ? { lang: run.lang } : {}), ...(run.actual !== undefined ? { actual: run.actual } : {}) };
}
