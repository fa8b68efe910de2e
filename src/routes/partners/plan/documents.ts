// The annual plan as a document, for every signed-in partner (drafts included): the print view,
// PDF, Word, the latest reviews as CSV and every saved version of them as CSV. Each renders the
// one document model (services.planDocuments), filtered as the plan page was (plan-filter.ts),
// and each link between them keeps the filters. The public site serves a published plan's print
// view and PDF with the helpers exported here (src/routes/public.ts).
import type { Request, Response } from "express";
import { z } from "zod";
import { STATUS_TAGS } from "../../../content/status.ts";
import { ServiceError, notFound } from "../../../services/errors.ts";
import { CSV_CONTENT_TYPE, renderCsv, renderReviewHistoryCsv } from "../../../services/plan/exports/csv.ts";
import { DOCX_CONTENT_TYPE, renderDocx } from "../../../services/plan/exports/docx.ts";
import { PDF_CONTENT_TYPE, renderPdf } from "../../../services/plan/exports/pdf.ts";
import { printStylesheet } from "../../../services/plan/exports/print.ts";
import type { Services } from "../../../services/index.ts";
import { type PlanDocument, documentDate } from "../../../services/plan/document.ts";
import { parseYearSlug } from "../../../services/plan/year.ts";
import { planAddress, planFilterQuery } from "./filter.ts";
import { get, type PartnerRoute } from "../route-table.ts";

export const PRINT_VIEW = "pages/partners/plan/print";

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

/** Sends a document file for download as e.g. rhins-hate-crime-plan-2023-24.pdf (`name` after the plan's: -review-history). */
export function sendDocumentFile(
  res: Response,
  doc: PlanDocument,
  file: { body: Buffer | string; type: string; extension: string; name?: string },
): void {
  res.type(file.type);
  res.set("Content-Disposition", `attachment; filename="${doc.fileBase}${file.name ?? ""}.${file.extension}"`);
  res.send(file.body);
}

export async function sendPdf(res: Response, doc: PlanDocument): Promise<void> {
  sendDocumentFile(res, doc, { body: await renderPdf(doc), type: PDF_CONTENT_TYPE, extension: "pdf" });
}

export function sendPrintStylesheet(res: Response, doc: PlanDocument): void {
  res.type("text/css").send(printStylesheet(doc));
}

/** The plan page's and print view's links to the documents, keeping the filters. */
export function documentLinks(slug: string, filter: URLSearchParams | string) {
  const at = (file: string, commentary = false) => planAddress(slug, file, filter, commentary);
  return {
    plan: at(""),
    print: at("print"),
    printWithCommentary: at("print", true),
    pdf: at("plan.pdf"),
    pdfWithCommentary: at("plan.pdf", true),
    docx: at("plan.docx"),
    docxWithCommentary: at("plan.docx", true),
    printCss: at("print.css"),
    latestReviews: { href: at("reviews.csv"), text: "Download the latest reviews (CSV)" },
    everyReview: { href: at("review-history.csv"), text: "Download every review (CSV)" },
  };
}

export function planDocumentRoutes(services: Services): PartnerRoute[] {
  const { planDocuments, reviewHistory } = services;

  const yearOf = (req: Request) => {
    const year = planYearParam.safeParse(req.params.year);
    if (!year.success) throw notFound("plan");
    return year.data;
  };

  /** The document the address asks for; the CSVs and the footer words have no commentary to choose. */
  async function load(req: Request, { commentary = true } = {}): Promise<PlanDocument> {
    const year = yearOf(req);
    const options = documentQuery.safeParse(commentary ? req.query : {});
    if (!options.success)
      throw new ServiceError(400, "The address is not right: commentary can only be 1 (show it) or 0 (leave it out).");
    const doc = await planDocuments.document(year, {
      includeCommentary: options.data.commentary === "1",
      filter: planFilterQuery.parse(req.query),
      // Partners' documents show the measures; the public's figures are on /figures, after disclosure control.
      withMeasures: true,
    });
    if (!doc) throw notFound("plan");
    return doc;
  }

  return [
    get("/plans/:year/print", "signed-in", async (req, res) => {
      const doc = await load(req);
      const links = documentLinks(doc.slug, doc.filterQuery);
      res.render(
        PRINT_VIEW,
        printViewModel(doc, {
          back: { href: links.plan, text: "Back to the plan" },
          stylesheet: links.printCss,
          downloads: [
            { href: doc.includeCommentary ? links.pdfWithCommentary : links.pdf, text: "Download as PDF" },
            { href: doc.includeCommentary ? links.docxWithCommentary : links.docx, text: "Download as Word" },
            links.latestReviews,
            links.everyReview,
          ],
          commentary: doc.includeCommentary
            ? { href: links.print, text: "Leave out the commentary" }
            : { href: links.printWithCommentary, text: "Show the latest commentary" },
        }),
      );
    }),
    get("/plans/:year/print.css", "signed-in", async (req, res) => {
      sendPrintStylesheet(res, await load(req, { commentary: false }));
    }),
    get("/plans/:year/plan.pdf", "signed-in", async (req, res) => {
      await sendPdf(res, await load(req));
    }),
    get("/plans/:year/plan.docx", "signed-in", async (req, res) => {
      const doc = await load(req);
      sendDocumentFile(res, doc, { body: await renderDocx(doc), type: DOCX_CONTENT_TYPE, extension: "docx" });
    }),
    get("/plans/:year/reviews.csv", "signed-in", async (req, res) => {
      const doc = await load(req, { commentary: false });
      sendDocumentFile(res, doc, { body: renderCsv(doc), type: CSV_CONTENT_TYPE, extension: "csv" });
    }),
    get("/plans/:year/review-history.csv", "signed-in", async (req, res) => {
      const history = await reviewHistory.history(yearOf(req), { filter: planFilterQuery.parse(req.query) });
      if (!history) throw notFound("plan");
      sendDocumentFile(res, history.doc, {
        body: renderReviewHistoryCsv(history.doc, history.rows),
        type: CSV_CONTENT_TYPE,
        extension: "csv",
        name: "-review-history",
      });
    }),
  ];
}
