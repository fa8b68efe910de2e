// The partnership's password rules (NCSC): 12 to 256 characters, not a common password (nor one
// with numbers or symbols added), not one short pattern repeated, not the email address's name.
// No composition rules: any characters, any mix.
import { describe, expect, it } from "vitest";
import { MAX_LENGTH, MIN_LENGTH, passwordProblem } from "../../src/services/password-policy.ts";

const EMAIL = "jo.bloggs@partners.test";
const problem = (password: string, email = EMAIL) => passwordProblem(password, email);

const TOO_SHORT = "must be 12 characters or more";
const TOO_LONG = "must be 256 characters or fewer";
const COMMON = "too common";
const NAME = "must not contain your email address name";

/** A phrase of exactly `n` characters that breaks no other rule. */
const phrase = (n: number) => "correct horse battery staple, ".repeat(10).slice(0, n);

describe("the length of a password", () => {
  it("is between 12 and 256 characters", () => {
    expect([MIN_LENGTH, MAX_LENGTH]).toEqual([12, 256]);
  });

  it.each([
    [11, TOO_SHORT],
    [12, undefined],
    [13, undefined],
    [255, undefined],
    [256, undefined],
    [257, TOO_LONG],
  ])("of %i characters: %s", (length, message) => {
    const password = phrase(length);
    expect(password).toHaveLength(length);
    if (message) expect(problem(password)).toContain(message);
    else expect(problem(password)).toBeUndefined();
  });

  it.each([
    ["elevenchars", TOO_SHORT],
    ["", TOO_SHORT],
    ["x".repeat(257), TOO_LONG],
  ])("is checked first: %j is told %s", (password, message) => {
    expect(problem(password)).toContain(message);
  });

  it("is checked before anything else: a short common password is told to be longer", () => {
    expect(problem("password")).toContain(TOO_SHORT);
    expect(problem("jo.bloggs")).toContain(TOO_SHORT);
  });

  it("counts spaces and every other character", () => {
    expect(problem("twelve chars")).toBeUndefined();
    expect(problem("  eleven   ")).toContain(TOO_SHORT);
  });

  it("says what to do in full", () => {
    expect(problem("elevenchars")).toBe("Password must be 12 characters or more");
    expect(problem(phrase(257))).toBe("Password must be 256 characters or fewer");
  });
});

describe("a common password", () => {
  it("is refused, in any case, with a message that suggests three random words", () => {
    for (const password of ["passwordpassword", "PasswordPassword", "NorthSomerset", "westonsupermare"])
      expect(problem(password), password).toBe(
        "Password is too common. Choose a password that is harder to guess, for example three random words",
      );
  });

  it("is refused when it is only numbers and is on the list", () => {
    expect(problem("123456789012")).toContain(COMMON);
  });

  it.each([
    ["numbers at the end", "football123456"],
    ["numbers and symbols at the end", "Password2024!!"],
    ["numbers at the start", "123456football"],
    ["symbols at the start", "!!!!!!football"],
    ["both ends", "2024-dragon-2024"],
    ["a space and numbers", "monkey 1234567"],
    ["a four-letter word with numbers", "love12345678"],
  ])("is refused with %s added: %s", (_how, password) => {
    expect(problem(password)).toContain(COMMON);
  });

  it.each([
    ["abc123 with more numbers", "abc123456789"],
    ["1qaz2wsx with symbols at both ends", "!!1qaz2wsx!!"],
    ["trustno1 with symbols at the start and end", "!!!trustno1!!!"],
    ["123abc with numbers at the start", "987654123abc"],
    ["a123456 with symbols", "a123456!!!!!"],
    ["passw0rd with a year", "Passw0rd2024!"],
    ["pa55word with symbols at the start", "!?!?pa55word"],
  ])("is refused when it has numbers or symbols of its own and more are added: %s", (_how, password) => {
    expect(problem(password)).toContain(COMMON);
  });

  it.each([
    ["inside a longer phrase", "dragon fly over the hills"],
    ["with letters added", "footballers united"],
    ["split by other letters", "foot and ball 2024"],
    ["with its own numbers moved", "1abc23456789"],
  ])("is not refused %s: %s", (_how, password) => {
    expect(problem(password)).toBeUndefined();
  });

  it("is not found in a long random number that holds one (1990)", () => {
    expect(problem("834519907261")).toBeUndefined();
    expect(problem("7349618205837")).toBeUndefined();
  });

  it("is checked before patterns and names", () => {
    expect(problem("passwordpassword", "password@partners.test")).toContain(COMMON);
  });
});

describe("a short pattern repeated", () => {
  it.each([
    ["one character", "aaaaaaaaaaaa"],
    ["two", "abababababab"],
    ["three", "abcabcabcabcabc"],
    ["four", "abcdabcdabcd"],
    ["four, in any case", "AbCdabcdABCD"],
    ["numbers", "121212121212"],
    ["symbols", "!?!?!?!?!?!?"],
  ])("is refused: %s (%s)", (_what, password) => {
    expect(problem(password)).toBe("Password must not be one short pattern repeated. Try three random words");
  });

  it.each([
    ["five characters repeated", "abcdeabcdeabcde"],
    ["a pattern with something before it", "xabcabcabcabc"],
    ["a pattern with something after it", "abcabcabcabcx"],
    ["a pattern not repeated whole", "abcabcabcabcab"],
  ])("is not: %s (%s)", (_what, password) => {
    expect(problem(password)).toBeUndefined();
  });
});

describe("the email address's name", () => {
  it("is refused inside the password, in any case", () => {
    expect(problem("jo.bloggs-secret-words")).toBe("Password must not contain your email address name");
    expect(problem("my name is JO.BLOGGS ok", "Jo.Bloggs@Partners.Test")).toContain(NAME);
  });

  it("counts from three characters", () => {
    expect(problem("annual leave days", "ann@partners.test")).toContain(NAME);
    expect(problem("enjoy the long walk", "jo@partners.test")).toBeUndefined();
  });

  it("is only the part before the @", () => {
    expect(problem("partners in crime 42")).toBeUndefined();
    expect(problem("jo.bloggs@partners", "jo.bloggs@partners.test")).toContain(NAME);
  });

  it("is the whole address when it has no @", () => {
    expect(problem("my name is jo.bloggs", "jo.bloggs")).toContain(NAME);
  });
});

describe("what is not a rule", () => {
  it.each([
    "twelve chars",
    "correct horse battery staple",
    "Ünïcödé pässwörd ✓",
    "all lower case letters",
    "ALL UPPER CASE LETTERS",
    "123456789013579",
    "🙂🙂🙂 emoji and words",
    "x".repeat(3) + "y".repeat(125),
  ])("no composition rules: %s is accepted", (password) => {
    expect(problem(password)).toBeUndefined();
  });
});
