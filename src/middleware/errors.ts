// The last two handlers: 404 for anything unmatched, and one error handler that logs the stack
// with the request id and shows a page with a reference instead of the stack.
import type { ErrorRequestHandler, Request, RequestHandler, Response } from "express";
import type { TFunction } from "i18next";
import type { Logger } from "pino";
import { ServiceError } from "../services/errors.ts";
import { defaultEnglishT } from "./i18n.ts";

/** The page's language on the public site (middleware/i18n.ts), English anywhere else. */
const translate = (req: Request, res: Response): TFunction =>
  (res.locals.t ?? req.app.locals.t ?? defaultEnglishT()) as TFunction;

export const notFound: RequestHandler = (req, res) => {
  res.status(404).render("pages/errors/404", { title: translate(req, res)("common:errors.notFound.title") });
};

/** Prisma's codes for a database it cannot reach or use: not reachable, timed out, connection closed, pool timeout. */
const UNAVAILABLE_PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
/** The driver adapter's kinds of connection failure (meta.driverAdapterError.cause.kind). */
const UNAVAILABLE_ADAPTER_KINDS = new Set([
  "DatabaseNotReachable",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
  "DatabaseDoesNotExist",
  "DatabaseAccessDenied",
  "AuthenticationFailed",
  "TlsConnectionError",
]);
/** SQLSTATE: class 08 (connection exception), 57P01-57P03 (shut down, crashed, starting), 53300 (too many connections). */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53300)$/;
/** What the socket, pg, pg-pool and Prisma say when the server is gone, going or refusing connections. */
const UNAVAILABLE_MESSAGE =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH|Connection terminated|timeout exceeded when trying to connect|Query read timeout|not queryable|not currently accepting connections|the database system is (starting up|shutting down|in recovery mode)|too many clients|Can't reach database server|Server has closed the connection|Unable to start a transaction in the given time|57P0[123]|DatabaseNotReachable/i;

interface ErrorLike {
  code?: unknown;
  kind?: unknown;
  originalCode?: unknown;
  name?: unknown;
  message?: unknown;
  meta?: { driverAdapterError?: unknown };
  cause?: unknown;
}

/** The error, then Prisma's driver adapter error and each `cause` behind it. */
function errorChain(err: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  const visit = (e: unknown) => {
    if (e === null || typeof e !== "object" || chain.includes(e as ErrorLike) || chain.length > 10) return;
    chain.push(e as ErrorLike);
    visit((e as ErrorLike).meta?.driverAdapterError);
    visit((e as ErrorLike).cause);
  };
  visit(err);
  return chain;
}

/**
 * True for failures to reach the database, which deserve a 503 "try again" page, not a 500: the
 * error itself, Prisma's code, the driver adapter's error and its cause, and any `cause` chain.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  return errorChain(err).some((x) => {
    const code = typeof x.code === "string" ? x.code : "";
    return (
      UNAVAILABLE_PRISMA_CODES.has(code) ||
      UNAVAILABLE_SQLSTATE.test(code) ||
      (typeof x.originalCode === "string" && UNAVAILABLE_SQLSTATE.test(x.originalCode)) ||
      (typeof x.kind === "string" && UNAVAILABLE_ADAPTER_KINDS.has(x.kind)) ||
      UNAVAILABLE_MESSAGE.test(`${String(x.name ?? "")} ${String(x.message ?? "")} ${code}`)
    );
  });
}

/**
 * True when Postgres refused text the user sent because it cannot store it (a NUL character, in
 * text or JSON: SQLSTATE 22021, 22P05). A last line of defence: forms should refuse it first.
 */
export function isUnstorableText(err: unknown): boolean {
  return errorChain(err).some((x) => x.originalCode === "22021" || x.originalCode === "22P05");
}

export function errorHandler(logger: Logger, showStack: boolean): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const reference = String(req.id ?? "");
    if (res.headersSent) {
      // express-session saves the session as the page ends and reports a failed save here, after
      // the whole page has been handed over, and often after it has finished. When the database
      // has gone, let that page finish (the next request gets the 503 page) and keep the
      // connection; a response that does not finish soon is cut. Anything else is logged and
      // its response cut, as Express would, but never its connection once the response is done.
      const unavailable = isDatabaseUnavailable(err);
      if (unavailable) {
        logger.warn(
          { reqId: reference, err: { message: err.message } },
          "database unavailable after the response began",
        );
      } else {
        logger.error({ reqId: reference, err }, "error after the response began");
      }
      if (!res.writableFinished && !res.destroyed) {
        if (!unavailable) return void res.destroy();
        const cut = setTimeout(() => res.destroy(), 5_000);
        res.once("close", () => clearTimeout(cut));
      }
      return;
    }
    // Body-parser errors (too large, malformed) are the user's input, not our failure.
    const unstorable = isUnstorableText(err);
    const status: number =
      err instanceof ServiceError
        ? err.status
        : typeof err?.status === "number" && err.status < 500
          ? err.status
          : unstorable
            ? 400
            : 500;
    if (status < 500) {
      if (unstorable)
        logger.warn({ reqId: reference, err: { message: err.message } }, "input the database cannot store");
      const partnerArea = req.originalUrl === "/partners" || req.originalUrl.startsWith("/partners/");
      const t = translate(req, res);
      res.status(status).render("pages/errors/4xx", {
        title: t(status === 403 ? "common:errors.problem.forbidden" : "common:errors.problem.title"),
        status,
        // In the partner area the page offers the way back there, not the public home page.
        ...(partnerArea ? { area: "partners", signedIn: Boolean(req.user) } : {}),
        message:
          err instanceof ServiceError
            ? err.message
            : unstorable
              ? t("common:errors.problem.unstorable")
              : t("common:errors.problem.badRequest"),
      });
      return;
    }
    if (isDatabaseUnavailable(err)) {
      logger.error({ reqId: reference, err: { message: err.message } }, "database unavailable");
      // Leave the partner session as it is in the database: express-session would otherwise try to
      // save, touch or destroy it as this page ends, fail again, and cut the page off.
      delete (req as { sessionID?: string }).sessionID;
      res
        .status(503)
        .set("Retry-After", "30")
        .render("pages/errors/503", { title: translate(req, res)("common:errors.unavailable.title") });
      return;
    }
    logger.error({ reqId: reference, err }, "unhandled error");
    res.status(500).render("pages/errors/500", {
      title: translate(req, res)("common:errors.serverError.title"),
      reference,
      stack: showStack ? String(err?.stack ?? err) : undefined,
    });
  };
}
