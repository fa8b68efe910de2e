import { describe, expect, it } from "vitest";
import { passwordProblem } from "../../src/services/password-policy.ts";

describe("the password rules", () => {
  it.each([
    ["elevenchars", "must be 12 characters or more"],
    ["passwordpassword", "too common"],
    ["Password2024!!", "too common"],
    ["football123456", "too common"],
    ["abcabcabcabcabc", "one short pattern repeated"],
    ["jo.bloggs-secret-words", "must not contain your email address name"],
    ["x".repeat(257), "256 characters or fewer"],
  ])("refuses %s: %s", (password, message) => {
    expect(passwordProblem(password, "jo.bloggs@partners.test")).toContain(message);
  });

  it.each(["twelve chars", "correct horse battery staple", "Ünïcödé pässwörd ✓", "x".repeat(3) + "y".repeat(125)])(
    "accepts %s with no composition rules",
    (password) => {
      expect(passwordProblem(password, "jo.bloggs@partners.test")).toBeUndefined();
    },
  );
});
