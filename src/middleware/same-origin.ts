// The public forms that change something (the online report, its follow-up) have no session, so
// their first line of defence against another site posting them is the browser's word on where
// the request came from: a POST whose Origin (or Referer) is another site, or whose
// Sec-Fetch-Site says "cross-site", is refused with 403 before anything is read or stored.
import type { RequestHandler } from "express";
import { CSRF_REFUSED, requestSource } from "./csrf.ts";

export const sameOrigin: RequestHandler = (req, _res, next) => {
  if (req.method === "GET" || req.method === "HEAD") return next();
  if (requestSource(req) === "another site" || req.get("sec-fetch-site") === "cross-site") return next(CSRF_REFUSED);
  next();
};
