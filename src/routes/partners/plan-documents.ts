// The annual plan as a document, for every signed-in partner (drafts included): the print view,
// PDF, Word and the reviews as CSV. Each renders the one document model
// (services.planDocuments). The public site serves a published plan's print view and PDF with
// the helpers exported here (src/routes/public.ts).
import type { Response } from "express";
import { z } from "zod";
import { STATUS_TAGS } from "../../content/status.ts";
import { ServiceError, notFound } from "../../services/errors.ts";
import { CSV_CONTENT_TYPE, renderCsv } from "../../services/exports/csv.ts";
import { DOCX_CONTENT_TYPE, renderDocx } from "../../services/exports/docx.ts";
import { PDF_CONTENT_TYPE, renderPdf } from "../../services/exports/pdf.ts";
import { printStylesheet } from "../../services/exports/print.ts";
import type { Services } from "../../services/index.ts";
import { type PlanDocument, documentDate } from "../../services/plan-document.ts";
import { parseYearSlug } from "../../services/plan-year.ts";
import { get, type PartnerRoute } from "./route-table.ts";

export const PRINT_VIEW = "pages/partners/plan-print";

/** "2023-24" in an address: the plan's start year, or undefined. */
export const planYearParam = z
  .string()
  .max(7)
  .transform((slug) => parseYearSlug(slug))
  .pipe(z.number().int());

/** ?commentary=1 includes each item's latest commentary; absent or 0 leaves it out. */
const documentQuery = z.object({ commentary: z.enum(["0", "1"]).optional() });

interface Link {
  href: string;
  text: string;
}

export interface PrintLinks {
  /** Where "Back" goes: the plan's page. */
  back: Link;
  /** This plan's footer stylesheet (its name and "DRAFT" on each printed page). */
  stylesheet: string;
  downloads: Link[];
  /** Switches the commentary on or off (partners only). */
  commentary?: Link;
  /** The public site's "Exit this page" (public print view only). */
  exitPage?: { url: string; name: string };
}

/**
 * The print view's model: its own layout, no navigation, the document and its links. Its tables
 * are kept with the document's objectives, which are rebuilt only when the plan changes
 * (views.ts cachedHtml).
 */
export function printViewModel(doc: PlanDocument, links: PrintLinks) {
  const tablesKey = `tables:${doc.includeCommentary}`;
  return {
    layout: false,
    title: doc.heading,
    doc,
    statusTags: STATUS_TAGS,
    dateText: documentDate,
    tablesKey,
    ...links,
  };
}

/** Sends a document file for download as e.g. rhins-hate-crime-plan-2023-24.pdf. */
export function sendDocumentFile(
  res: Response,
  doc: PlanDocument,
  file: { body: Buffer | string; type: string; extension: string },
): void {
  res.type(file.type);
  res.set("Content-Disposition", `attachment; filename="${doc.fileBase}.${file.extension}"`);
  res.send(file.body);
}

export async function sendPdf(res: Response, doc: PlanDocument): Promise<void> {
  sendDocumentFile(res, doc, { body: await renderPdf(doc), type: PDF_CONTENT_TYPE, extension: "pdf" });
}

export function sendPrintStylesheet(res: Response, doc: PlanDocument): void {
  res.type("text/css").send(printStylesheet(doc));
}

export function planDocumentRoutes(services: Services): PartnerRoute[] {
  const { planDocuments } = services;

  async function load(params: Record<string, string | string[]>, query: unknown): Promise<PlanDocument> {
    const year = planYearParam.safeParse(params.year);
    if (!year.success) throw notFound("plan");
    const options = documentQuery.safeParse(query);
    if (!options.success)
      throw new ServiceError(400, "The address is not right: commentary can only be 1 (show it) or 0 (leave it out).");
    const doc = await planDocuments.document(year.data, { includeCommentary: options.data.commentary === "1" });
    if (!doc) throw notFound("plan");
    return doc;
  }

  const base = (doc: PlanDocument) => `/partners/plans/${doc.slug}`;
  const withCommentary = (doc: PlanDocument) => (doc.includeCommentary ? "?commentary=1" : "");

  return [
    get("/plans/:year/print", "signed-in", async (req, res) => {
      const doc = await load(req.params, req.query);
      res.render(
        PRINT_VIEW,
        printViewModel(doc, {
          back: { href: base(doc), text: "Back to the plan" },
          stylesheet: `${base(doc)}/print.css`,
          downloads: [
            { href: `${base(doc)}/plan.pdf${withCommentary(doc)}`, text: "Download as PDF" },
            { href: `${base(doc)}/plan.docx${withCommentary(doc)}`, text: "Download as Word" },
            { href: `${base(doc)}/reviews.csv`, text: "Download the quarterly reviews as CSV (spreadsheet)" },
          ],
          commentary: doc.includeCommentary
            ? { href: `${base(doc)}/print`, text: "Leave out the commentary" }
            : { href: `${base(doc)}/print?commentary=1`, text: "Show the latest commentary" },
        }),
      );
    }),
    get("/plans/:year/print.css", "signed-in", async (req, res) => {
      sendPrintStylesheet(res, await load(req.params, {}));
    }),
    get("/plans/:year/plan.pdf", "signed-in", async (req, res) => {
      await sendPdf(res, await load(req.params, req.query));
    }),
    get("/plans/:year/plan.docx", "signed-in", async (req, res) => {
      const doc = await load(req.params, req.query);
      sendDocumentFile(res, doc, { body: await renderDocx(doc), type: DOCX_CONTENT_TYPE, extension: "docx" });
    }),
    get("/plans/:year/reviews.csv", "signed-in", async (req, res) => {
      const doc = await load(req.params, {});
      sendDocumentFile(res, doc, { body: renderCsv(doc), type: CSV_CONTENT_TYPE, extension: "csv" });
    }),
  ];
}
