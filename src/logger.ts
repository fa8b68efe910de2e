// Structured JSON logs (pino); in development on a terminal, the same lines made readable
// (pino-pretty). Secrets never reach a log line: cookies, authorisation headers, passwords,
// tokens and CSRF values are redacted wherever they appear.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { pino, type Logger } from "pino";
import type { prettyFactory as PrettyFactory } from "pino-pretty";

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

/**
 * Logs to `destination` (standard output by default): JSON lines in production and whenever the
 * output is not a terminal (a file, a pipe, a log collector), readable lines on a terminal.
 */
export function createLogger(
  level: string,
  destination?: NodeJS.WritableStream,
  { production = false }: { production?: boolean } = {},
): Logger {
  const options = {
    level,
    base: { service: "rhins-portal" },
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
  };
  const out = destination ?? process.stdout;
  if (production || !(out as { isTTY?: boolean }).isTTY) {
    return pino(options, destination as pino.DestinationStream | undefined);
  }
  // Made readable here, in this thread, as each line is written: pino-pretty's transport runs in
  // a worker thread and its stream form a tick later, so lines just before an exit were lost.
  // Loaded only for a person at a terminal, never in production.
  const { prettyFactory } = createRequire(import.meta.url)("pino-pretty") as { prettyFactory: typeof PrettyFactory };
  const pretty = prettyFactory({
    colorize: true,
    translateTime: "SYS:HH:MM:ss.l",
    ignore: "pid,hostname,service,req,res,responseTime",
    messageFormat: requestLine,
  });
  return pino(options, { write: (line: string) => void out.write(pretty(line)) });
}

/** A request log line as "GET /partners 200 12 ms" instead of its request and response objects. */
function requestLine(log: Record<string, unknown>, messageKey: string): string {
  const message = String(log[messageKey] ?? "");
  const req = log.req as { method?: string; url?: string } | undefined;
  const res = log.res as { statusCode?: number } | undefined;
  if (!req?.method || !res) return message;
  return `${req.method} ${req.url} ${res.statusCode} ${String(log.responseTime)} ms: ${message}`;
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
