// Every partner route is declared with the access it needs; the router is built from this table,
// so a route cannot exist without an access rule (the role x route test reads the same table).
import { Router, type RequestHandler } from "express";
import { requireAccess, type Access } from "../../middleware/authentication.ts";
import { keepsForms, restoreKeptForm } from "../../middleware/pending-forms.ts";
import type { Services } from "../../services/index.ts";

export interface PartnerRoute {
  method: "get" | "post";
  /** Path below /partners, e.g. "/accounts/:id". */
  path: string;
  access: Access;
  handlers: RequestHandler[];
}

export const get = (path: string, access: Access, ...handlers: RequestHandler[]): PartnerRoute => ({
  method: "get",
  path,
  access,
  handlers,
});

export const post = (path: string, access: Access, ...handlers: RequestHandler[]): PartnerRoute => ({
  method: "post",
  path,
  access,
  handlers,
});

export function routerFromTable(table: PartnerRoute[], services: Services): Router {
  const router = Router();
  // A form page may be shown with what was typed into it before the session ended.
  const restore = restoreKeptForm(services);
  for (const route of table) {
    const before = route.method === "get" && keepsForms(route.access) ? [restore] : [];
    router[route.method](route.path, requireAccess(route.access, services), ...before, ...route.handlers);
  }
  return router;
}
