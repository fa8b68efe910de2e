// A PDF's pages as a person sees them, measured: every word with its box (poppler's
// `pdftotext -bbox-layout`), grouped in lines and blocks, and each page rendered to pixels
// (`pdftoppm`) to measure how much of it is tinted. Used by the plan document tests (issue 13:
// documents that print well) for the server's PDF and for the print view printed by Chromium.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export interface PdfWord {
  text: string;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

export interface PdfLine {
  words: PdfWord[];
  text: string;
  yMin: number;
  yMax: number;
}

export interface PdfPage {
  /** From 1. */
  number: number;
  width: number;
  height: number;
  /** Lines in blocks, as pdftotext groups them (a table cell's lines make one block). */
  blocks: PdfLine[][];
  lines: PdfLine[];
  words: PdfWord[];
}

const unescape = (s: string) =>
  s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, "&");

const num = (attrs: string, name: string) => Number(new RegExp(`${name}="([\\d.]+)"`).exec(attrs)?.[1] ?? NaN);

/** The PDF's pages with their words' boxes (points, y from the top of the page). */
export function pdfLayout(pdf: Buffer): PdfPage[] {
  const xml = execFileSync("pdftotext", ["-bbox-layout", "-enc", "UTF-8", "-", "-"], {
    input: pdf,
    maxBuffer: 64 * 1024 * 1024,
  }).toString("utf8");
  const pages: PdfPage[] = [];
  for (const [, attrs, body] of xml.matchAll(/<page ([^>]*)>([\s\S]*?)<\/page>/g)) {
    const blocks: PdfLine[][] = [];
    for (const [, blockBody] of body!.matchAll(/<block [^>]*>([\s\S]*?)<\/block>/g)) {
      const lines: PdfLine[] = [];
      for (const [, lineBody] of blockBody!.matchAll(/<line [^>]*>([\s\S]*?)<\/line>/g)) {
        const words = [...lineBody!.matchAll(/<word ([^>]*)>([^<]*)<\/word>/g)].map(([, a, t]) => ({
          text: unescape(t!),
          xMin: num(a!, "xMin"),
          yMin: num(a!, "yMin"),
          xMax: num(a!, "xMax"),
          yMax: num(a!, "yMax"),
        }));
        if (!words.length) continue;
        lines.push({
          words,
          text: words.map((w) => w.text).join(" "),
          yMin: Math.min(...words.map((w) => w.yMin)),
          yMax: Math.max(...words.map((w) => w.yMax)),
        });
      }
      if (lines.length) blocks.push(lines);
    }
    pages.push({
      number: pages.length + 1,
      width: num(attrs!, "width"),
      height: num(attrs!, "height"),
      blocks,
      lines: blocks.flat(),
      words: blocks.flat().flatMap((l) => l.words),
    });
  }
  return pages;
}

const bare = (word: string) => word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");

/**
 * Words broken across two lines ("Somerse" then "t" for "Somerset"), as "Somerse|t": a word of
 * the PDF that is not one of `words` (every word the document's text holds) but begins one of
 * them, whose rest is a word of the PDF too. (pdftotext joins the lines of a table's cells side
 * by side, so the break is found from the words, not from the ends of lines.)
 */
export function brokenWords(pages: PdfPage[], words: string[]): string[] {
  const known = new Set(words.map(bare).filter(Boolean));
  const found = wholeWords(pages);
  const broken = new Set<string>();
  for (const piece of found) {
    if (known.has(piece) || piece.length === 0) continue;
    for (const word of known)
      if (word.length > piece.length && word.startsWith(piece) && found.has(word.slice(piece.length)))
        broken.add(`${piece}|${word.slice(piece.length)}`);
  }
  return [...broken];
}

/** Whole words of the PDF (punctuation at either end removed). */
export function wholeWords(pages: PdfPage[]): Set<string> {
  return new Set(pages.flatMap((p) => p.words.map((w) => bare(w.text))));
}

const squash = (s: string) => s.replace(/\s+/g, "");

/**
 * Where a text starts: the page and line where it begins, white space aside (the text may run
 * on over the page's following lines, as a heading or a table cell wraps).
 */
export function findText(pages: PdfPage[], text: string): { page: number; line: PdfLine } | undefined {
  const target = squash(text);
  for (const page of pages)
    for (let i = 0; i < page.lines.length; i += 1) {
      let joined = "";
      for (let j = i; j < page.lines.length && joined.length < target.length; j += 1)
        joined += squash(page.lines[j]!.text);
      if (joined.startsWith(target)) return { page: page.number, line: page.lines[i]! };
    }
  return undefined;
}

/** The height of a line's words: the font size times the font's ascent plus descent. */
export function lineHeight(line: PdfLine): number {
  const heights = line.words.map((w) => w.yMax - w.yMin).sort((a, b) => a - b);
  return heights[Math.floor(heights.length / 2)]!;
}

/**
 * The share (0 to 1) of a page's pixels that are tinted (any colour but white, even the pale
 * rgb(244, 248, 251) of the page's template background), rendered by pdftoppm at 30 dots an
 * inch; with `from` and `to` (points from the top), only that band.
 */
export function tintedShare(pdf: Buffer, page: number, band: { from?: number; to?: number } = {}): number {
  const dir = mkdtempSync(path.join(os.tmpdir(), "rhins-pdf-"));
  try {
    const file = path.join(dir, "doc.pdf");
    writeFileSync(file, pdf);
    const dpi = 30;
    execFileSync("pdftoppm", [
      "-r",
      String(dpi),
      "-f",
      String(page),
      "-l",
      String(page),
      "-singlefile",
      file,
      path.join(dir, "p"),
    ]);
    const ppm = readFileSync(path.join(dir, "p.ppm"));
    // P6 <width> <height> 255, then RGB bytes.
    const header = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(ppm.subarray(0, 40).toString("latin1"))!;
    const width = Number(header[1]);
    const height = Number(header[2]);
    const offset = header[0].length;
    const row = (points: number) => Math.max(0, Math.min(height, Math.round((points * dpi) / 72)));
    const fromRow = row(band.from ?? 0);
    const toRow = band.to === undefined ? height : row(band.to);
    let tinted = 0;
    for (let y = fromRow; y < toRow; y += 1)
      for (let x = 0; x < width; x += 1) {
        const i = offset + (y * width + x) * 3;
        if (Math.min(ppm[i]!, ppm[i + 1]!, ppm[i + 2]!) < 250) tinted += 1;
      }
    return tinted / Math.max(1, width * (toRow - fromRow));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
