// Views print data only with <%= %>, which escapes it. <%- %> (unescaped) is allowed for four
// things only: including another view (directly or kept with cachedHtml), the layout's page body,
// markup our own views build (GOV.UK `html` parameters and view helpers named `…Html(…)`), the
// message catalogues' own markup (keys ending in `_html`, from locales/, with values the view
// builds or escapes), and
// the one inline script (a constant in
// src/middleware/security.ts, which would break if escaped). Anything else, such as request data,
// fails this test.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { VIEWS_DIR } from "../../src/views.ts";

function views(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? views(path.join(dir, e.name)) : e.name.endsWith(".ejs") ? [path.join(dir, e.name)] : [],
  );
}

const ALLOWED =
  /^<%-\s*(include\(|cachedHtml\([\w.]+, [\w.]+, \(\) => include\(|(body|jsEnabledScript)\s*-?%>|[\w.$[\]'"]*(html|Html)\s*-?%>|\w+Html\([\w.]*\)\s*-?%>|\w+\('[\w:.]+_html'[,)])/;

describe("views", () => {
  const files = views(VIEWS_DIR);

  it("exist", () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it.each(files.map((f) => [path.relative(VIEWS_DIR, f), f]))(
    "%s prints nothing unescaped but includes, the body and html parameters",
    (_name, file) => {
      const source = readFileSync(file, "utf8");
      const unescaped = [...source.matchAll(/<%-[^%]*/g)]
        .map((m) => m[0])
        .filter((tag) => !ALLOWED.test(`${tag}%>`) && !ALLOWED.test(tag));
      expect(unescaped).toEqual([]);
    },
  );

  it("would catch request data printed unescaped", () => {
    expect(ALLOWED.test("<%- query.name %>")).toBe(false);
    expect(ALLOWED.test("<%- user.name %>")).toBe(false);
    expect(ALLOWED.test("<%- userName(query.name) %>")).toBe(false);
    expect(ALLOWED.test("<%- tagHtml(q.status) %>")).toBe(true);
    expect(ALLOWED.test("<%- cachedHtml(plan, key, () => query.name) %>")).toBe(false);
    expect(ALLOWED.test("<%- cachedHtml(plan, key, () => include('/pages/partners/plan/_tables', { plan })) %>")).toBe(
      true,
    );
    expect(ALLOWED.test("<%- include('partials/govuk/tag', { params }) %>")).toBe(true);
    expect(ALLOWED.test("<%- t('pages:home.danger_html', { tel }) %>")).toBe(true);
    expect(ALLOWED.test("<%- t('pages:home.intro') %>")).toBe(false);
    expect(ALLOWED.test("<%- t(query.key + '_html') %>")).toBe(false);
  });
});
