// Accessibility and HTML checks over a page's HTML, for any test that renders pages:
//   expect(await axeViolations(res.text)).toEqual([]);
//   expect(await htmlErrors(res.text)).toEqual([]);
// axe-core runs inside jsdom (no layout, so colour contrast is checked in the browser tests
// instead); html-validate uses the project's .htmlvalidate.json.
import path from "node:path";
import { fileURLToPath } from "node:url";
import axe from "axe-core";
import { FileSystemConfigLoader, HtmlValidate } from "html-validate";
import { JSDOM } from "jsdom";
import { expect } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** A short, readable description of one failure, so a failing test says what is wrong and where. */
export interface Violation {
  rule: string;
  impact: string | null;
  message: string;
  /** CSS selectors of the failing elements. */
  nodes: string[];
}

/** Rules that need a real browser's layout; the browser tests run them. */
const NEEDS_LAYOUT = ["color-contrast", "color-contrast-enhanced", "target-size"];

/**
 * Runs axe-core over a whole HTML page in jsdom with the WCAG 2.2 A and AA rules and axe's best
 * practices, and returns the violations (empty when there are none).
 */
export async function axeViolations(html: string, options: { disableRules?: string[] } = {}): Promise<Violation[]> {
  const dom = new JSDOM(html, { url: "http://localhost/", runScripts: "outside-only", pretendToBeVisual: true });
  try {
    dom.window.eval(axe.source);
    const windowAxe = (dom.window as unknown as { axe: typeof axe }).axe;
    const rules = Object.fromEntries(
      [...NEEDS_LAYOUT, ...(options.disableRules ?? [])].map((id) => [id, { enabled: false }]),
    );
    const results = await windowAxe.run(dom.window.document, {
      runOnly: {
        type: "tag",
        values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"],
      },
      rules,
      resultTypes: ["violations"],
    });
    return results.violations.map((v) => ({
      rule: v.id,
      impact: v.impact ?? null,
      message: v.help,
      nodes: v.nodes.map((n) => n.target.join(" ")),
    }));
  } finally {
    dom.window.close();
  }
}

const htmlValidate = new HtmlValidate(new FileSystemConfigLoader());

/** A short description of one html-validate error. */
export interface HtmlError {
  rule: string;
  message: string;
  line: number;
  column: number;
  /** The start of the offending line, to find it in the page. */
  context: string;
}

/** Validates a whole HTML page with html-validate (configured by .htmlvalidate.json) and returns its errors. */
export async function htmlErrors(html: string, name = "page.html"): Promise<HtmlError[]> {
  const report = await htmlValidate.validateString(html, path.join(ROOT, name));
  const lines = html.split("\n");
  return report.results.flatMap((result) =>
    result.messages
      .filter((m) => m.severity === 2)
      .map((m) => ({
        rule: m.ruleId,
        message: m.message,
        line: m.line,
        column: m.column,
        context: (lines[m.line - 1] ?? "").trim().slice(0, 160),
      })),
  );
}

/** A page passes axe (WCAG 2.2 AA) and html-validate. */
export async function expectAccessiblePage(html: string): Promise<void> {
  expect(await axeViolations(html)).toEqual([]);
  expect(await htmlErrors(html)).toEqual([]);
}
