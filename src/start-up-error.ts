// Why the portal or an npm run db:* command could not start, as one line for whoever runs it: never
// a stack, never "[object Object]", never a password from DATABASE_URL.
import { inspect } from "node:util";
import type { DatabaseConfig } from "./config.ts";

/** What the socket and pg say when no Postgres server answers at the address. */
const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH"]); // prettier-ignore
const UNREACHABLE_MESSAGE = /timeout expired|Connection terminated|timeout exceeded when trying to connect/i;

export function startUpFailure(err: unknown, database?: DatabaseConfig): string {
  if (database?.kind === "postgres") {
    const code = unreachableCode(err);
    if (code) {
      const url = new URL(database.url);
      return `Cannot reach the Postgres server at ${url.hostname}:${url.port || 5432} (${code}): check DATABASE_URL and that the server is running`;
    }
  }
  const message = err instanceof Error ? err.message || err.name : typeof err === "string" ? err : inspect(err);
  return oneLine(message);
}

/** The error's code when it says the server cannot be reached (an AggregateError: one per address tried). */
function unreachableCode(err: unknown): string | undefined {
  const errors = err instanceof AggregateError ? [err, ...err.errors] : [err];
  for (const e of errors) {
    const { code, message } = (e ?? {}) as { code?: unknown; message?: unknown };
    if (typeof code === "string" && UNREACHABLE_CODES.has(code)) return code;
    if (typeof message === "string" && UNREACHABLE_MESSAGE.test(message)) return "timed out";
  }
  return undefined;
}

/** Lines joined, and any user:password@ in a connection string hidden. */
function oneLine(message: string): string {
  return message
    .replace(/\/\/[^/\s@]+@/g, "//***@")
    .replace(/\s*\n\s*/g, " ")
    .trim();
}
