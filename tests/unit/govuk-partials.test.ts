// Each GOV.UK Frontend partial in views/partials/govuk/ must print the same HTML as the Nunjucks
// macro it copies, for the same options. The cases are the package's own fixtures
// (dist/govuk/components/<name>/fixtures.json), compared with whitespace and attribute order aside.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { JSDOM } from "jsdom";
import { describe, expect, it } from "vitest";
import { VIEWS_DIR } from "../../src/views.ts";
import { renderPartial } from "../helpers/render-partial.ts";

const COMPONENTS_DIR = fileURLToPath(
  new URL("../../node_modules/govuk-frontend/dist/govuk/components", import.meta.url),
);
const PARTIALS_DIR = path.join(VIEWS_DIR, "partials", "govuk");

const COMPONENTS = [
  "skip-link",
  "exit-this-page",
  "back-link",
  "button",
  "input",
  "textarea",
  "character-count",
  "select",
  "radios",
  "checkboxes",
  "fieldset",
  "label",
  "hint",
  "error-message",
  "error-summary",
  "summary-list",
  "table",
  "tag",
  "notification-banner",
  "pagination",
  "phase-banner",
  "task-list",
  "inset-text",
  "warning-text",
  "details",
  "panel",
  "service-navigation",
  "footer",
  "language-navigation",
] as const;
type Component = (typeof COMPONENTS)[number];

// Fixtures that cannot apply to the EJS partials, with the reason. Each component keeps at least
// MIN_COVERAGE of its fixtures (checked below), so this list cannot quietly grow.
const EXCLUDED: Partial<Record<Component, Record<string, string>>> = {};
const MIN_COVERAGE = 0.8;

// Deliberate differences from GOV.UK markup, applied to the fixture's expected HTML.
const ADJUST_EXPECTED: Partial<Record<Component, { reason: string; adjust: (fragment: DocumentFragment) => void }>> = {
  footer: {
    reason: "this site is not on GOV.UK, so the footer partial never prints the crown logo",
    adjust: (fragment) => fragment.querySelectorAll("svg.govuk-footer__crown").forEach((svg) => svg.remove()),
  },
};

interface Fixture {
  name: string;
  options: Record<string, unknown>;
  html: string;
}

function fixturesOf(component: Component): Fixture[] {
  const file = path.join(COMPONENTS_DIR, component, "fixtures.json");
  return (JSON.parse(readFileSync(file, "utf8")) as { fixtures: Fixture[] }).fixtures;
}

// A whitespace-insensitive, attribute-order-insensitive serialisation, one node a line so that a
// failing comparison shows a readable diff. Entities are decoded by the parser, so how they were
// written does not matter. Text keeps its whitespace inside <textarea> and <pre>, where it counts.
function normalise(html: string, adjust?: (fragment: DocumentFragment) => void): string {
  const fragment = JSDOM.fragment(html);
  adjust?.(fragment);
  const lines: string[] = [];
  const walk = (node: Node, depth: number, keepWhitespace: boolean): void => {
    const indent = "  ".repeat(depth);
    if (node.nodeType === 3) {
      const raw = node.textContent ?? "";
      const text = keepWhitespace ? raw : raw.replace(/\s+/g, " ").trim();
      if (text) lines.push(indent + JSON.stringify(text));
      return;
    }
    if (node.nodeType !== 1) return; // comments
    const element = node as Element;
    const attributes = Array.from(element.attributes)
      .map((attribute) => {
        const value =
          attribute.name === "class" ? attribute.value.split(/\s+/).filter(Boolean).join(" ") : attribute.value;
        return `${attribute.name}=${JSON.stringify(value)}`;
      })
      .sort();
    lines.push(`${indent}<${[element.localName, ...attributes].join(" ")}>`);
    const keep = keepWhitespace || element.localName === "textarea" || element.localName === "pre";
    const children = element.localName === "template" ? (element as HTMLTemplateElement).content : element;
    children.childNodes.forEach((child) => walk(child, depth + 1, keep));
    lines.push(`${indent}</${element.localName}>`);
  };
  fragment.childNodes.forEach((child) => walk(child, 0, false));
  return lines.join("\n");
}

function isExcluded(component: Component, fixture: Fixture): boolean {
  return Object.hasOwn(EXCLUDED[component] ?? {}, fixture.name);
}

const cases = COMPONENTS.flatMap((component) =>
  fixturesOf(component)
    .filter((fixture) => !isExcluded(component, fixture))
    .map((fixture) => ({ component, fixture })),
);

describe("GOV.UK partials print the GOV.UK Frontend fixtures' HTML", () => {
  it.each(cases.map((c) => [`${c.component}: ${c.fixture.name}`, c] as const))("%s", async (_name, c) => {
    const html = await renderPartial(`partials/govuk/${c.component}`, c.fixture.options);
    expect(normalise(html)).toBe(normalise(c.fixture.html, ADJUST_EXPECTED[c.component]?.adjust));
  });
});

describe("the fixture exclusions stay honest", () => {
  it.each(COMPONENTS)("%s: every exclusion names a fixture, and most fixtures are covered", (component) => {
    const names = fixturesOf(component).map((fixture) => fixture.name);
    const excluded = Object.keys(EXCLUDED[component] ?? {});
    for (const name of excluded) expect(names).toContain(name);
    expect((names.length - excluded.length) / names.length).toBeGreaterThanOrEqual(MIN_COVERAGE);
  });

  it("has a partial for every component, and tests every partial", () => {
    const partials = readdirSync(PARTIALS_DIR)
      .filter((file) => file.endsWith(".ejs") && !file.startsWith("_"))
      .map((file) => file.replace(/\.ejs$/, ""))
      .sort();
    expect(partials).toEqual([...COMPONENTS].sort());
  });
});

// Everything a caller passes as text (not `html`) must come out as text. Each case puts EVIL in
// every text param of a component and says how many times it must appear in the page's text.
const EVIL = '<script>&"';
const TEXT_PARAMS: Record<Component, { params: Record<string, unknown>; times: number }> = {
  "skip-link": { params: { text: EVIL }, times: 1 },
  "exit-this-page": { params: { text: EVIL }, times: 1 },
  "back-link": { params: { text: EVIL }, times: 1 },
  button: { params: { text: EVIL, value: EVIL, name: "n" }, times: 1 },
  input: {
    params: {
      name: "n",
      label: { text: EVIL },
      hint: { text: EVIL },
      errorMessage: { text: EVIL, visuallyHiddenText: EVIL },
      prefix: { text: EVIL },
      suffix: { text: EVIL },
      value: EVIL,
    },
    times: 6,
  },
  textarea: {
    params: { name: "n", label: { text: EVIL }, hint: { text: EVIL }, errorMessage: { text: EVIL }, value: EVIL },
    times: 4,
  },
  "character-count": {
    params: {
      name: "n",
      maxlength: 10,
      label: { text: EVIL },
      hint: { text: EVIL },
      errorMessage: { text: EVIL },
      value: EVIL,
      textareaDescriptionText: EVIL,
      formGroup: { afterInput: { text: EVIL } },
    },
    times: 6,
  },
  select: {
    params: {
      name: "n",
      label: { text: EVIL },
      hint: { text: EVIL },
      errorMessage: { text: EVIL },
      items: [{ text: EVIL, value: EVIL }],
      value: EVIL,
    },
    times: 4,
  },
  radios: {
    params: {
      name: "n",
      fieldset: { legend: { text: EVIL } },
      hint: { text: EVIL },
      errorMessage: { text: EVIL },
      items: [{ text: EVIL, value: EVIL, hint: { text: EVIL } }, { divider: EVIL }],
      value: EVIL,
    },
    times: 6,
  },
  checkboxes: {
    params: {
      name: "n",
      fieldset: { legend: { text: EVIL } },
      hint: { text: EVIL },
      errorMessage: { text: EVIL },
      items: [{ text: EVIL, value: EVIL, hint: { text: EVIL } }, { divider: EVIL }],
      values: [EVIL],
    },
    times: 6,
  },
  fieldset: { params: { legend: { text: EVIL, isPageHeading: true } }, times: 1 },
  label: { params: { text: EVIL, for: EVIL }, times: 1 },
  hint: { params: { text: EVIL }, times: 1 },
  "error-message": { params: { text: EVIL, visuallyHiddenText: EVIL }, times: 2 },
  "error-summary": {
    params: { titleText: EVIL, descriptionText: EVIL, errorList: [{ text: EVIL, href: "#n" }, { text: EVIL }] },
    times: 4,
  },
  "summary-list": {
    params: {
      card: { title: { text: EVIL } },
      rows: [
        {
          key: { text: EVIL },
          value: { text: EVIL },
          actions: { items: [{ href: "#", text: EVIL, visuallyHiddenText: EVIL }] },
        },
      ],
    },
    times: 6,
  },
  table: { params: { caption: EVIL, head: [{ text: EVIL }], rows: [[{ text: EVIL }, { text: EVIL }]] }, times: 4 },
  tag: { params: { text: EVIL }, times: 1 },
  "notification-banner": { params: { titleText: EVIL, text: EVIL }, times: 2 },
  pagination: {
    params: { previous: { href: "#", text: EVIL, labelText: EVIL }, next: { href: "#", text: EVIL, labelText: EVIL } },
    times: 4,
  },
  "phase-banner": { params: { tag: { text: EVIL }, text: EVIL }, times: 2 },
  "task-list": {
    params: {
      items: [
        { title: { text: EVIL }, hint: { text: EVIL }, status: { text: EVIL }, href: "#" },
        { title: { text: EVIL }, status: { tag: { text: EVIL } } },
      ],
    },
    times: 5,
  },
  "inset-text": { params: { text: EVIL }, times: 1 },
  "warning-text": { params: { text: EVIL, iconFallbackText: EVIL }, times: 2 },
  details: { params: { summaryText: EVIL, text: EVIL }, times: 2 },
  panel: {
    params: {
      titleText: EVIL,
      text: EVIL,
      classes: "govuk-panel--interruption",
      actions: { items: [{ text: EVIL, href: "#" }, { text: EVIL }] },
    },
    times: 4,
  },
  "service-navigation": {
    params: {
      serviceName: EVIL,
      menuButtonText: EVIL,
      navigation: [
        { href: "#", text: EVIL },
        { text: EVIL, current: true },
      ],
    },
    times: 4,
  },
  footer: {
    params: {
      navigation: [{ title: EVIL, items: [{ href: "#", text: EVIL }] }],
      meta: { visuallyHiddenTitle: EVIL, items: [{ href: "#", text: EVIL }], text: EVIL },
      contentLicence: { text: EVIL },
      copyright: { text: EVIL },
    },
    times: 7,
  },
  "language-navigation": {
    params: {
      items: [
        { text: EVIL, current: true, lang: "en" },
        { text: EVIL, href: "/?lang=pl", lang: "pl", languageDescriptionText: EVIL },
      ],
    },
    times: 3,
  },
};

describe("GOV.UK partials escape what they are given as text", () => {
  it.each(COMPONENTS)("%s prints text params as text", async (component) => {
    const { params, times } = TEXT_PARAMS[component];
    const html = await renderPartial(`partials/govuk/${component}`, params);
    expect(html).not.toContain("<script");
    const fragment = JSDOM.fragment(html);
    expect(fragment.querySelector("script")).toBeNull();
    expect((fragment.textContent ?? "").split(EVIL).length - 1).toBe(times);
  });

  it.each(COMPONENTS)("%s escapes attribute values (attributes, classes, id, href)", async (component) => {
    const sneaky = 'x" onclick="alert(1)';
    const params = {
      ...TEXT_PARAMS[component].params,
      attributes: { "data-sneaky": sneaky },
      classes: sneaky,
      id: sneaky,
      href: sneaky,
    };
    const html = await renderPartial(`partials/govuk/${component}`, params);
    const fragment = JSDOM.fragment(html);
    expect(fragment.querySelector("[onclick]")).toBeNull();
    expect(fragment.querySelector("[data-sneaky]")?.getAttribute("data-sneaky")).toBe(sneaky);
  });

  it("prints only the values of given attributes, and boolean attributes by name", async () => {
    const html = await renderPartial("partials/govuk/button", {
      text: "Save",
      attributes: {
        "data-a": 0,
        "data-b": false,
        "data-c": { value: true, optional: true },
        "data-d": { value: false, optional: true },
      },
    });
    const button = JSDOM.fragment(html).querySelector("button");
    expect(button?.getAttribute("data-a")).toBe("0");
    expect(button?.getAttribute("data-b")).toBe("false");
    expect(button?.getAttribute("data-c")).toBe("");
    expect(button?.hasAttribute("data-d")).toBe(false);
  });

  it("keeps heading levels to numbers", async () => {
    const html = await renderPartial("partials/govuk/notification-banner", {
      text: "Saved",
      titleHeadingLevel: '3 onclick="alert(1)"',
    });
    expect(JSDOM.fragment(html).querySelector("[onclick]")).toBeNull();
    expect(html).toContain("<h2 ");
  });

  it("use <%- only for includes and trusted `html` params", () => {
    const files = readdirSync(PARTIALS_DIR).filter((file) => file.endsWith(".ejs"));
    for (const file of files) {
      const source = readFileSync(path.join(PARTIALS_DIR, file), "utf8");
      for (const [, expression = ""] of source.matchAll(/<%-\s*([\s\S]*?)\s*[-_]?%>/g)) {
        expect(`${file}: ${expression}`).toMatch(/: (include\(|[\w.]*(html|Html)$)/);
      }
    }
  });
});
