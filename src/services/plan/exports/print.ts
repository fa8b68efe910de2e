// The print view's one per-plan style: the text at the foot of each printed page ("DRAFT –
// Hate Crime Plan 2023/24", then " — page N of M" from app.css). It is a stylesheet of its own
// because the Content Security Policy allows styles only from this site's files (no inline
// styles), and the @page footer can only take its words from CSS. The print view itself is the
// EJS view views/pages/partners/plan/print.ejs.
import type { PlanDocument } from "../document.ts";

/**
 * A CSS string literal: every character but plain letters, digits and spaces escaped as six hex
 * digits and a space (CSS reads a space after an escape as its end, not as text).
 */
export function cssString(text: string): string {
  let out = "";
  for (const char of text) {
    out += /[A-Za-z0-9 ]/.test(char) ? char : `\\${char.codePointAt(0)!.toString(16).padStart(6, "0")} `;
  }
  return `"${out}"`;
}

export function printStylesheet(doc: PlanDocument): string {
  return `/* ${doc.slug}: the footer of each printed page */\n:root { --rhins-document-footer: ${cssString(doc.footerText)}; }\n`;
}
