// The partnership's password rules, after NCSC guidance: long enough, not a common password,
// not built from the user's own email; no composition rules and no expiry.
import { readFileSync } from "node:fs";

export const MIN_LENGTH = 12;
export const MAX_LENGTH = 256;

const COMMON = new Set(
  readFileSync(new URL("./common-passwords.txt", import.meta.url), "utf8")
    .split("\n")
    .filter((line) => line && !line.startsWith("#")),
);

/** Why a new password cannot be used, in words that say what to change; undefined when it is fine. */
export function passwordProblem(password: string, email: string): string | undefined {
  if (password.length < MIN_LENGTH) return `Password must be ${MIN_LENGTH} characters or more`;
  if (password.length > MAX_LENGTH) return `Password must be ${MAX_LENGTH} characters or fewer`;
  const lower = password.toLowerCase();
  // A common password with numbers or symbols added is still easy to guess.
  const stem = lower.replace(/[^a-z]+$/u, "").replace(/^[^a-z]+/u, "");
  if (COMMON.has(lower) || (stem.length >= 4 && COMMON.has(stem))) {
    return "Password is too common. Choose a password that is harder to guess, for example three random words";
  }
  if (/^(.{1,4})\1+$/u.test(lower)) {
    return "Password must not be one short pattern repeated. Try three random words";
  }
  const name = email.toLowerCase().split("@")[0] ?? "";
  if (name.length >= 3 && lower.includes(name)) {
    return "Password must not contain your email address name";
  }
  return undefined;
}
