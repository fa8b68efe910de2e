// Structured JSON logs (pino). Secrets never reach a log line: cookies, authorisation headers,
// passwords, tokens and CSRF values are redacted wherever they appear.
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
