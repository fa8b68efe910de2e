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

/**
 * Whether the password is on the list, or is a password on the list with numbers or symbols
 * added before or after its letters: "!!abc123456789" is looked up as itself, "abc123456789",
 * "abc123", "abc", "!abc1" and the rest, so a common password is found even when it has numbers
 * or symbols of its own ("abc123", "1qaz2wsx"). A password with no letters is looked up as it
 * is, so a long random number is not refused for holding a common one (1990).
 */
function isCommon(lower: string): boolean {
  const first = lower.search(/[a-z]/u);
  if (first === -1) return COMMON.has(lower);
  const end = lower.length - /[^a-z]*$/u.exec(lower)![0].length;
  for (let start = 0; start <= first; start += 1) {
    for (let stop = end; stop <= lower.length; stop += 1) if (COMMON.has(lower.slice(start, stop))) return true;
  }
  return false;
}

/** Why a new password cannot be used, in words that say what to change; undefined when it is fine. */
export function passwordProblem(password: string, email: string): string | undefined {
  if (password.length < MIN_LENGTH) return `Password must be ${MIN_LENGTH} characters or more`;
  if (password.length > MAX_LENGTH) return `Password must be ${MAX_LENGTH} characters or fewer`;
  const lower = password.toLowerCase();
  // A common password with numbers or symbols added is still easy to guess.
  if (isCommon(lower)) {
    return "Password is too common. Choose a password that is harder to guess, for example three random words";
  }
  if (/^(.{1,4})\1+$/u.test(lower)) {
    return "Password must not be one short pattern repeated. Try three random words";
  }
  // split always gives at least one part: the whole address when it has no @.
  const name = email.toLowerCase().split("@")[0]!;
  if (name.length >= 3 && lower.includes(name)) {
    return "Password must not contain your email address name";
  }
  return undefined;
}
