// Public pages are the same for every visitor, but building one needs the database, a render and
// Express's middleware. This keeps each rendered public page whole (its headers, and its body
// plain and gzipped) for a short time, and only until the partnership's data next changes: the
// version counts every change audited here, and every change the database tells of, made by
// another instance or by hand (db.listen, within a second on every instance). Repeat requests are
// answered before Express runs, which is what lets the public site keep up with a rush of
// visitors (README, Performance). Browsers and a CDN cache the same pages for longer anyway
// (Cache-Control: public, max-age=300).
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { gzipSync } from "node:zlib";
import fresh from "fresh";
import Negotiator from "negotiator";
import type { Request, Response } from "express";
import type { Logger } from "pino";

type Encoding = "gzip" | "identity";

interface Entry {
  /** The headers the page was first sent with, less those that belong to one response. */
  headers: OutgoingHttpHeaders;
  etag: string;
  /** The page was chosen by Accept-Language too (its address named no language). */
  byLanguage: boolean;
  bodies: Record<Encoding, Buffer>;
  storedAt: number;
  version: number;
}

export interface PageCacheOptions {
  ttlMs: number;
  /** Changes whenever data shown on public pages may have changed. */
  version: () => number;
  logger: Logger;
  /** The request id for a response (the same one the app's request log uses). */
  requestId: (req: IncomingMessage, res: ServerResponse) => string;
  maxEntries?: number;
  /**
   * What else a page depends on besides its address: its language, which may come from
   * Accept-Language (middleware/i18n.ts). Pages are kept apart by it.
   */
  variant?: (req: IncomingMessage) => string;
}

const MAX_KEY_LENGTH = 300;
/** Headers that are set afresh for each response, or by Node itself. */
const PER_RESPONSE = new Set(["x-request-id", "content-length", "content-encoding", "date", "connection", "vary"]);
const ENCODINGS: Encoding[] = ["gzip", "identity"];

export function pageCache({ ttlMs, version, logger, requestId, maxEntries = 500, variant }: PageCacheOptions) {
  const entries = new Map<string, Entry>();
  const keyOf = (req: IncomingMessage, url: string | undefined) =>
    (req.method === "GET" || req.method === "HEAD") && url && url.length <= MAX_KEY_LENGTH
      ? `${variant?.(req) ?? ""} ${url}`
      : undefined;

  return {
    enabled: ttlMs > 0,

    /** Answers the request from the cache if it holds the page; false if the app must answer. */
    serve(req: IncomingMessage, res: ServerResponse): boolean {
      const key = keyOf(req, req.url);
      const entry = key === undefined ? undefined : entries.get(key);
      if (!entry || Date.now() - entry.storedAt > ttlMs || entry.version !== version()) return false;
      const started = performance.now();
      const id = requestId(req, res);
      const vary = entry.byLanguage ? "Accept-Language, Accept-Encoding" : "Accept-Encoding";
      const headers: OutgoingHttpHeaders = { ...entry.headers, vary };
      let status = 200;
      if (fresh(req.headers, { etag: entry.etag })) {
        status = 304; // only the validators and caching headers (RFC 9110 15.4.5)
        res.writeHead(status, { etag: entry.etag, "cache-control": headers["cache-control"], vary: headers.vary });
        res.end();
      } else {
        const encoding = (new Negotiator(req).encoding(ENCODINGS) ?? "identity") as Encoding;
        const body = entry.bodies[encoding];
        if (encoding !== "identity") headers["content-encoding"] = encoding;
        headers["content-length"] = body.length;
        res.writeHead(status, headers);
        res.end(req.method === "HEAD" ? undefined : body);
      }
      const responseTime = Math.round(performance.now() - started);
      logger.info({ req: { id, method: req.method, url: req.url }, res: { statusCode: status }, responseTime, pageCache: "hit" }, "request completed"); // prettier-ignore
      return true;
    },

    /** Keeps a public page just rendered with status 200, with the headers it is being sent with. */
    store(req: Request, res: Response, html: string | Buffer) {
      const key = keyOf(req, req.originalUrl);
      if (ttlMs <= 0 || key === undefined) return;
      const headers: OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(res.getHeaders())) {
        if (!PER_RESPONSE.has(name) && value !== undefined) headers[name] = value;
      }
      const identity = Buffer.isBuffer(html) ? html : Buffer.from(html);
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(key, {
        headers,
        etag: String(res.get("ETag")),
        byLanguage: /accept-language/i.test(String(res.get("Vary") ?? "")),
        bodies: { identity, gzip: gzipSync(identity) },
        storedAt: Date.now(),
        version: version(),
      });
    },
  };
}

export type PageCache = ReturnType<typeof pageCache>;
