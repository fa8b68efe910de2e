// Which font draws which text in the plan's PDF. The portal stores names and commentary in any
// script; one font has glyphs for only some, so text is cut into runs, each in the font that has
// its glyphs, with the language its structure element says (a screen reader picks its voice by
// it) and, for scripts whose glyph order pdfkit leaves unreadable when text is copied or read
// (Arabic, Urdu, Bengali), the text itself as the element's `actual` text. Characters no font has
// (emoji among them) are not drawn, since a font without a glyph draws an empty box over the
// next word: a "?" stands in for a letter, emoji are left out, and `actual` keeps the text.
import { createRequire } from "node:module";
import path from "node:path";

export type FontName = "latin" | "arabic" | "bengali" | "han";
export type FontWeight = "normal" | "bold" | "italic";

/**
 * The npm packages with the full TTFs (Noto, SIL Open Font License). Noto Sans covers Latin
 * (Polish and Romanian too), Greek and Cyrillic; Noto Naskh Arabic covers Arabic and Urdu (Noto
 * Nastaliq Urdu crashes fontkit); Noto Sans SC is about 10 MB a weight, read only for a document
 * with Han characters. Arabic, Bengali and Chinese have no italic: their upright face is used.
 */
const PACKAGES: Record<FontName, { pkg: string; family: string; italic: boolean }> = {
  latin: { pkg: "@expo-google-fonts/noto-sans", family: "NotoSans", italic: true },
  arabic: { pkg: "@expo-google-fonts/noto-naskh-arabic", family: "NotoNaskhArabic", italic: false },
  bengali: { pkg: "@expo-google-fonts/noto-sans-bengali", family: "NotoSansBengali", italic: false },
  han: { pkg: "@expo-google-fonts/noto-sans-sc", family: "NotoSansSC", italic: false },
};

const require = createRequire(import.meta.url);

/** The TTF file of a font in a weight. */
export function fontFile(font: FontName, weight: FontWeight): string {
  const { pkg, family, italic } = PACKAGES[font];
  const face = weight === "bold" ? "700Bold" : weight === "italic" && italic ? "400Regular_Italic" : "400Regular";
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), face, `${family}_${face}.ttf`);
}

/** A piece of text drawn in one font. */
export interface TextRun {
  /** What is drawn: the text less what no font has. */
  text: string;
  font: FontName;
  /** BCP 47 language of the run, for its structure element; undefined for the document's own. */
  lang?: string;
  /** Right to left: drawn on its own lines (pdfkit has no bidirectional layout). */
  rtl: boolean;
  /** The text as written, when what is drawn would not read back as it (glyph order, dropped characters). */
  actual?: string;
}

/** Whether a font has a glyph for a code point (fontkit's hasGlyphForCodePoint, given by the renderer). */
export type Coverage = (font: FontName, codePoint: number) => boolean;

const ARABIC = /\p{Script=Arabic}/u;
const BENGALI = /\p{Script=Bengali}/u;
const HAN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f\uff00-\uffef]/u;
// Spaces, punctuation and digits go with the text around them.
const NEUTRAL = /^[\p{Script=Common}\p{Script=Inherited}]+$/u;
const EMOJI = /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\u200d|\ufe0f|\u20e3|\p{Regional_Indicator}/u;
// Letters only Urdu uses among the Arabic script's languages.
const URDU = /[\u0679\u0688\u0691\u06ba\u06be\u06c1\u06d2\u06d3]/u;

/** Whether a text has Han characters, so the Chinese font must be read. */
export function hasHan(text: string): boolean {
  return /\p{Script=Han}/u.test(text);
}

function scriptFont(grapheme: string): FontName | undefined {
  if (ARABIC.test(grapheme)) return "arabic";
  if (BENGALI.test(grapheme)) return "bengali";
  if (HAN.test(grapheme) && !NEUTRAL.test(grapheme)) return "han";
  if (NEUTRAL.test(grapheme)) return undefined;
  return "latin";
}

function language(font: FontName, text: string): string | undefined {
  if (font === "arabic") return URDU.test(text) ? "ur" : "ar";
  if (font === "bengali") return "bn";
  if (font === "han") return "zh-Hans";
  return undefined;
}

const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });

/**
 * The runs of a text, in order: a new run wherever the font changes. What no font has is left
 * out (emoji) or drawn as "?" (a letter), and the run's `actual` text keeps it.
 */
export function textRuns(text: string, covers: Coverage): TextRun[] {
  const pieces: { font: FontName | undefined; segment: string }[] = [];
  for (const { segment } of graphemes.segment(text)) pieces.push({ font: scriptFont(segment), segment });
  // Neutral characters join the run before them (or, at the start, the first run after them).
  const firstFont = pieces.find((p) => p.font !== undefined)?.font ?? "latin";
  const runs: { font: FontName; drawn: string; written: string }[] = [];
  for (const piece of pieces) {
    const last = runs.at(-1);
    let font = piece.font ?? last?.font ?? firstFont;
    const codePoints = [...piece.segment].map((c) => c.codePointAt(0)!).filter((cp) => cp !== 0x200d && cp !== 0xfe0f);
    let drawn = piece.segment;
    if (!codePoints.every((cp) => covers(font, cp))) {
      // An emoji is left out, with one of the spaces around it.
      if (EMOJI.test(piece.segment)) drawn = "";
      else if (font !== "latin" && codePoints.every((cp) => covers("latin", cp))) font = "latin";
      else {
        drawn = "?";
        font = piece.font === undefined ? font : "latin";
      }
    }
    if (last && last.font === font) {
      last.drawn +=
        drawn === "" || (drawn === " " && last.drawn.endsWith(" ") && last.written.at(-1) !== " ") ? "" : drawn;
      last.written += piece.segment;
    } else runs.push({ font, drawn, written: piece.segment });
  }
  return runs
    .map((r): TextRun => {
      const rtl = r.font === "arabic";
      const lang = language(r.font, r.written);
      const actual = rtl || r.font === "bengali" || r.drawn !== r.written ? r.written : undefined;
      return {
        text: r.drawn,
        font: r.font,
        rtl,
        ...(lang ? { lang } : {}),
        ...(actual !== undefined ? { actual } : {}),
      };
    })
    .filter((r) => r.text !== "" || (r.actual ?? "") !== "");
}
