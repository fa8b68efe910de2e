// Which font draws which text in the plan's PDF (src/services/plan/exports/fonts.ts): runs cut
// where the script changes, each with its language, right-to-left runs marked, and what no font
// has (emoji) left out of the drawing but kept as the run's actual text. Read against the real
// font files' coverage (fontkit), so a font package that loses glyphs fails here.
import { existsSync, statSync } from "node:fs";
import * as fontkit from "fontkit";
import { describe, expect, it } from "vitest";
import { type Coverage, type FontName, fontFile, hasHan, textRuns } from "../../src/services/plan/exports/fonts.ts";

const fonts = new Map<FontName, fontkit.Font>();
const covers: Coverage = (font, cp) => {
  if (!fonts.has(font)) fonts.set(font, fontkit.openSync(fontFile(font, "normal")) as fontkit.Font);
  return fonts.get(font)!.hasGlyphForCodePoint(cp);
};
const brief = (text: string) => textRuns(text, covers).map((r) => [r.font, r.text, r.lang ?? "", r.rtl, r.actual]);

describe("the PDF's fonts", () => {
  it("are full TTFs in every weight the PDF uses", () => {
    for (const font of ["latin", "arabic", "bengali", "han"] as const)
      for (const weight of ["normal", "bold", "italic"] as const) {
        const file = fontFile(font, weight);
        expect(existsSync(file), file).toBe(true);
        expect(file.endsWith(".ttf")).toBe(true);
      }
    expect(statSync(fontFile("han", "normal")).size).toBeGreaterThan(5_000_000); // why it is read only when needed
    expect(fontFile("latin", "italic")).toMatch(/Italic/);
    expect(fontFile("arabic", "italic")).toBe(fontFile("arabic", "normal")); // no italic Arabic: upright
  });

  it("draw Latin with Polish and Romanian letters, Greek and Cyrillic in Noto Sans, in the document's language", () => {
    expect(brief("Zażółć gęślą jaźń, Țară și ăâî; Ελληνικά Русский")).toEqual([
      ["latin", "Zażółć gęślą jaźń, Țară și ăâî; Ελληνικά Русский", "", false, undefined],
    ]);
  });

  it("cut a text into runs where the script changes, each with its language", () => {
    expect(brief("Met the imam: تم عقد اجتماع. Then 我们与社区举行了会议 and আমরা দেখা করেছি.")).toEqual([
      ["latin", "Met the imam: ", "", false, undefined],
      ["arabic", "تم عقد اجتماع. ", "ar", true, "تم عقد اجتماع. "],
      ["latin", "Then ", "", false, undefined],
      ["han", "我们与社区举行了会议 ", "zh-Hans", false, undefined],
      ["latin", "and ", "", false, undefined],
      ["bengali", "আমরা দেখা করেছি.", "bn", false, "আমরা দেখা করেছি."],
    ]);
  });

  it("tell Urdu from Arabic by the letters only Urdu uses", () => {
    const urdu = "یہ اردو میں ایک جملہ ہے";
    expect(brief(urdu)).toEqual([["arabic", urdu, "ur", true, urdu]]);
    expect(brief("مرحبا بكم")[0]?.[2]).toBe("ar");
  });

  it("never draw an emoji as an empty box: left out of the drawing, kept as actual text", () => {
    expect(brief("Great 🙂 progress, 👍🏽 and 👨‍👩‍👧 too")).toEqual([
      ["latin", "Great progress, and too", "", false, "Great 🙂 progress, 👍🏽 and 👨‍👩‍👧 too"],
    ]);
    expect(brief("🙂")).toEqual([["latin", "", "", false, "🙂"]]);
  });

  it("draw a letter no font has as a visible stand-in, keeping the text", () => {
    // Tamil, in none of the fonts: one stand-in for each letter as written (with its vowel signs).
    expect(brief("Name: தமிழ்")).toEqual([["latin", "Name: ???", "", false, "Name: தமிழ்"]]);
  });

  it("know when a document needs the Chinese font", () => {
    expect(hasHan("Hate Crime Plan 2023/24 Zażółć")).toBe(false);
    expect(hasHan("多言語")).toBe(true);
  });
});
