// cachedHtml keeps a part of a page with the read model it was rendered from, and the page is
// sent as bytes with the kept part spliced in (src/views.ts).
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { renderWithLayout, type RenderedPage } from "../../src/views.ts";

const dir = mkdtempSync(path.join(os.tmpdir(), "rhins-views-"));
const page = path.join(dir, "page.ejs");
// The part counts its renders in the model; the rest of the page shows the user's own text.
writeFileSync(
  page,
  `<p><%= greeting %></p><%- locals.raw ?? '' %><%- cachedHtml(plan, key, () => { plan.renders.push(key); return include('/partials/govuk/tag', { params: { text: plan.title } }); }) %><p><%= after %></p>`,
);

function render(model: Record<string, unknown>): Promise<RenderedPage> {
  return new Promise((resolve, reject) =>
    renderWithLayout(page, { layout: false, ...model }, (err, html) => (err ? reject(err) : resolve(html!))),
  );
}

const text = (page: RenderedPage) => (Buffer.isBuffer(page) ? page.toString("utf8") : page);

describe("kept parts of pages", () => {
  it("render once per read model and key, and are spliced into each page as bytes", async () => {
    const plan = { title: "Hate Crime Plan 2023/24 – Draft", renders: [] as string[] };
    const first = await render({ plan, key: "a", greeting: "Hello Ann", after: "Café ✓" });
    const second = await render({ plan, key: "a", greeting: "Hello Bo", after: "Bye" });
    expect(Buffer.isBuffer(first)).toBe(true);
    expect(plan.renders).toEqual(["a"]);
    expect(text(first)).toMatch(
      /^<p>Hello Ann<\/p><strong class="govuk-tag">\s*Hate Crime Plan 2023\/24 – Draft\s*<\/strong>\s*<p>Café ✓<\/p>$/,
    );
    expect(text(second)).toContain("<p>Hello Bo</p>");
    expect(text(second)).toContain("Hate Crime Plan 2023/24 – Draft");
    expect(text(second)).not.toContain("rhins-part");

    await render({ plan, key: "b", greeting: "", after: "" });
    expect(plan.renders).toEqual(["a", "b"]);
    // A new read model (the data changed) renders afresh.
    const changed = { title: "Hate Crime Plan 2023/24", renders: [] as string[] };
    expect(text(await render({ plan: changed, key: "a", greeting: "", after: "" }))).not.toContain("Draft");
    expect(changed.renders).toEqual(["a"]);
  });

  it("splice only marks made with this process's secret, even in markup printed unescaped", async () => {
    const plan = { title: "Kept", renders: [] as string[] };
    const guess = `<rhins-part-${"0".repeat(32)}:0>`;
    const html = text(await render({ plan, key: "a", greeting: "<rhins-part-0:0>", raw: guess, after: "x" }));
    expect(html).toContain("<p>&lt;rhins-part-0:0&gt;</p>");
    expect(html).toContain(guess);
    expect(html.match(/Kept/g)).toHaveLength(1);
  });

  it("leave pages without kept parts as text", async () => {
    const plain = path.join(dir, "plain.ejs");
    writeFileSync(plain, "<p><%= greeting %></p>");
    const html = await new Promise<RenderedPage>((resolve, reject) =>
      renderWithLayout(plain, { layout: false, greeting: "Hi" }, (err, out) => (err ? reject(err) : resolve(out!))),
    );
    expect(html).toBe("<p>Hi</p>");
  });
});
