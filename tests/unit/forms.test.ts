// Reading a form: characters the database cannot store are removed before the rules see the
// text, so the rules, the database and the page shown again all see the same, storable, text.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseForm, storable, storableString, text } from "../../src/routes/forms.ts";

describe("storable text", () => {
  it.each([
    ["a NUL", "on\u0000 track", "on track"],
    ["only NULs", "\u0000\u0000", ""],
    ["a lone high surrogate", "a\ud800b", "ab"],
    ["a lone high surrogate at the end", "ab\udbff", "ab"],
    ["a lone low surrogate", "a\udc00b", "ab"],
    ["a lone low surrogate at the start", "\udfffab", "ab"],
    ["two high surrogates then a low one", "\ud800\ud83d\ude42", "🙂"],
    ["a low surrogate then a pair", "\ude42\ud83d\ude42", "🙂"],
  ])("removes %s", (_what, typed, stored) => {
    expect(storable(typed)).toBe(stored);
  });

  it.each([
    ["tabs and line breaks", "one\ttwo\r\nthree\n"],
    ["other control characters", "bell\u0007 escape\u001b delete\u007f"],
    ["emoji and other surrogate pairs", "🏳️‍🌈 🙂 𝔘𝔫𝔦𝔠𝔬𝔡𝔢"],
    ["the replacement character", "\ufffd"],
    ["right-to-left marks and full-width letters", "\u202eevil Ｆｕｌｌ"],
    ["a percent sign and an escaped NUL as typed", "%00 \\0 \\u0000"],
  ])("keeps %s", (_what, typed) => {
    expect(storable(typed)).toBe(typed);
  });
});

describe("parseForm", () => {
  const schema = z.object({
    name: text(5, "Enter a name", "Name must be 5 characters or fewer"),
    notes: z.string(),
    ticks: z.array(z.string()),
  });

  it("removes them from every field, ticked boxes too, and says nothing when the rest is valid", () => {
    const form = parseForm(schema, { name: "Jo\u0000", notes: "a\u0000\tb\ud800", ticks: ["x\u0000", "\udc00y"] }, [
      "ticks",
    ]);
    expect(form).toEqual({
      ok: true,
      data: { name: "Jo", notes: "a\tb", ticks: ["x", "y"] },
      values: { name: "Jo", notes: "a\tb", ticks: ["x", "y"] },
    });
  });

  it("applies the rules to what is left, and gives that back to show again", () => {
    const form = parseForm(schema, { name: "\u0000".repeat(9), notes: "kept\u0000", ticks: "one\u0000" }, ["ticks"]);
    expect(form.ok).toBe(false);
    expect(form.values).toEqual({ name: "", notes: "kept", ticks: ["one"] });
    if (!form.ok) expect(form.errors.list).toEqual([{ text: "Enter a name", href: "#name" }]);
    // Five letters and a NUL are five characters.
    expect(parseForm(schema, { name: "abc\u0000de", notes: "", ticks: [] }, ["ticks"]).ok).toBe(true);
  });

  it("still refuses fields no form of ours sends, whatever is in them", () => {
    expect(() => parseForm(schema, { name: "Jo", notes: "", other: "\u0000" })).toThrow(/should not/);
    expect(() => parseForm(schema, { name: ["Jo\u0000", "Al"], notes: "" })).toThrow(/should not/);
  });
});

describe("storableString, for query parameters", () => {
  const filter = z.object({ actor: storableString(z.string().trim().max(5)).catch("") });

  it("removes them before the rule, so what is left is used", () => {
    expect(filter.parse({ actor: " \u0000coord\u0000 " })).toEqual({ actor: "coord" });
    expect(filter.parse({ actor: "\ud800" })).toEqual({ actor: "" });
  });

  it("leaves anything that is not text to the rule", () => {
    expect(filter.parse({ actor: ["a", "b"] })).toEqual({ actor: "" });
    expect(filter.parse({})).toEqual({ actor: "" });
  });
});
