// Public pages are the same for every visitor, but building one needs the database and a
// render. This keeps each rendered public page for a short time, and only until the
// partnership's data next changes (every change is audited, so the audit count is the version),
// then serves it again with the current response's own CSP nonce. Browsers and a CDN cache the
// same pages for longer anyway (Cache-Control: public, max-age=300).
import type { Request, RequestHandler, Response } from "express";

interface Entry {
  /** The page split at its CSP nonce, so a new nonce can be put back in. */
  parts: string[];
  etag: string;
  cacheControl: string;
  storedAt: number;
  version: number;
}

export interface PageCacheOptions {
  ttlMs: number;
  /** Changes whenever data shown on public pages may have changed. */
  version: () => number;
  maxEntries?: number;
}

const MAX_KEY_LENGTH = 300;

export function pageCache({ ttlMs, version, maxEntries = 500 }: PageCacheOptions) {
  const entries = new Map<string, Entry>();
  const keyOf = (req: Request) =>
    req.method === "GET" && req.originalUrl.length <= MAX_KEY_LENGTH ? req.originalUrl : undefined;

  const serve: RequestHandler = (req, res, next) => {
    const key = keyOf(req);
    const entry = key === undefined ? undefined : entries.get(key);
    if (!entry || Date.now() - entry.storedAt > ttlMs || entry.version !== version()) return next();
    res.status(200).type("html").set({ "Cache-Control": entry.cacheControl, ETag: entry.etag });
    if (req.fresh) {
      res.removeHeader("Content-Security-Policy"); // as on a rendered 304: the cached page keeps its own
      res.status(304).end();
      return;
    }
    res.send(entry.parts.join(res.locals.cspNonce));
  };

  return {
    enabled: ttlMs > 0,
    serve,
    /** Keeps a page just sent with status 200 (html as sent, with this response's nonce). */
    store(req: Request, res: Response, html: string) {
      const key = keyOf(req);
      if (ttlMs <= 0 || key === undefined) return;
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(key, {
        parts: html.split(res.locals.cspNonce),
        etag: String(res.get("ETag")),
        cacheControl: String(res.get("Cache-Control")),
        storedAt: Date.now(),
        version: version(),
      });
    },
  };
}

export type PageCache = ReturnType<typeof pageCache>;
