// Structured JSON logs (pino). Secrets never reach a log line: cookies, authorisation headers,
// passwords, tokens and CSRF values are redacted wherever they appear.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { pino, type Logger } from "pino";

export const REDACT_PATHS = [
  "req.headers.cookie",
  "req.headers.authorization",
  'res.headers["set-cookie"]',
  "*.password",
  "*.newPassword",
  "*.currentPassword",
  "*.token",
  "*._csrf",
  "*.totp",
  "*.code",
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: "rhins-portal" },
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    },
    destination as pino.DestinationStream | undefined,
  );
}

const REQUEST_ID = /^[\w.-]{1,64}$/;

/**
 * The id of one request: the X-Request-Id a proxy gave, if it is plain, or a new one. Sent back
 * in the same header and shown on error pages as the reference.
 */
export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers["x-request-id"];
  const id = typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader("X-Request-Id", id);
  return id;
}
