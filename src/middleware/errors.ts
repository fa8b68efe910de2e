// The last two handlers: 404 for anything unmatched, and one error handler that logs the stack
// with the request id and shows a page with a reference instead of the stack.
import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "pino";
import { ServiceError } from "../services/errors.ts";

export const notFound: RequestHandler = (_req, res) => {
  res.status(404).render("pages/errors/404", { title: "Page not found" });
};

/** True for failures to reach the database, which deserve a 503 "try again" page, not a 500. */
export function isDatabaseUnavailable(err: unknown): boolean {
  const text =
    err instanceof Error ? `${err.name} ${err.message} ${String((err as { code?: unknown }).code ?? "")}` : "";
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|57P01|57P03|08006|08001|08003|timeout exceeded when trying to connect|Connection terminated|DatabaseNotReachable|P1001|P1017|P2024/i.test(
    text,
  );
}

export function errorHandler(logger: Logger, showStack: boolean): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const reference = String(req.id ?? "");
    // Body-parser errors (too large, malformed) are the user's input, not our failure.
    const status: number =
      err instanceof ServiceError ? err.status : typeof err?.status === "number" && err.status < 500 ? err.status : 500;
    if (status < 500) {
      res.status(status).render("pages/errors/4xx", {
        title: status === 403 ? "You cannot do that" : "There is a problem",
        status,
        message:
          err instanceof ServiceError ? err.message : "The request could not be understood. Go back and try again.",
      });
      return;
    }
    if (isDatabaseUnavailable(err)) {
      logger.error({ reqId: reference, err: { message: err.message } }, "database unavailable");
      res
        .status(503)
        .set("Retry-After", "30")
        .render("pages/errors/503", { title: "Sorry, the service is unavailable" });
      return;
    }
    logger.error({ reqId: reference, err }, "unhandled error");
    res.status(500).render("pages/errors/500", {
      title: "Sorry, there is a problem with the service",
      reference,
      stack: showStack ? String(err?.stack ?? err) : undefined,
    });
  };
}
