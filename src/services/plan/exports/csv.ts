// The plan's quarterly reviews as CSV: one row per commitment or risk per quarter and agency (an
// item several agencies lead has a row for the quarter's status, then one per agency's update), UTF-8 with a
// byte order mark (so Excel reads the accents right), every cell that a spreadsheet would take
// for a formula (=, +, -, @, tab, carriage return) neutralised with a leading single quote.
import { stringify } from "csv-stringify/sync";
import {
  DRAFT_MARK,
  type DocumentQuarter,
  type DocumentUpdate,
  type EvidenceLink,
  type PlanDocument,
} from "../document.ts";
import type { ReviewHistoryRow } from "../review-history.ts";

export const CSV_CONTENT_TYPE = "text/csv; charset=utf-8";

export const CSV_COLUMNS = [
  "Plan",
  "Plan status",
  // Which filters chose the rows ("Showing only: lead agency NSC ..."); "" for the whole plan.
  "Shown",
  "Type",
  "Objective",
  "Number",
  "Text",
  "How we will tackle it",
  "Lead agencies",
  "Target date",
  "Named contacts",
  "Quarter",
  "Agency",
  "Status",
  "Commentary",
  "Evidence links",
  "Updated by",
  "Updated at (UK time)",
  // A measure's rows (Type "Commitment measure" or "Risk measure"): one per quarter.
  "Measure",
  "Measure value",
  "Measure target",
  "Against the target",
] as const;

const UK_TIME = new Intl.DateTimeFormat("sv-SE", {
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  timeZone: "Europe/London",
});

/** "2023-10-03 10:15": a form spreadsheets read as a date and time. */
function ukTime(date: Date | null): string {
  return date ? UK_TIME.format(date) : "";
}

export function renderCsv(doc: PlanDocument): Buffer {
  const planStatus = doc.draft ? DRAFT_MARK : doc.statusText;
  const rows: string[][] = [];
  const quarterRows = (
    type: string,
    objective: string,
    number: string,
    text: string,
    mitigation: string,
    leads: string,
    quarters: DocumentQuarter[],
    details: { targetDate: string; contacts: string } = { targetDate: "", contacts: "" },
  ) => {
    const row = (
      q: DocumentQuarter,
      agency: string,
      status: string,
      commentary: string,
      by: string,
      at: Date | null,
      evidence: DocumentUpdate["evidence"] = [],
    ) =>
      rows.push([
        doc.title,
        planStatus,
        doc.filterText,
        type,
        objective,
        number,
        text,
        mitigation,
        leads,
        details.targetDate,
        details.contacts,
        q.label,
        agency,
        status,
        commentary,
        evidenceText(evidence),
        by,
        ukTime(at),
        "",
        "",
        "",
        "",
      ]);
    for (const q of quarters) {
      const joint = q.note !== "" || q.updates.length > 1;
      if (q.updates.length === 0 || joint) row(q, joint ? "All lead agencies" : "", q.statusText, q.note, "", null);
      for (const u of q.updates)
        row(q, u.agencyCode, u.statusText, u.commentary, u.updatedBy ?? "", u.updatedAt, u.evidence);
    }
  };
  for (const objective of doc.objectives) {
    for (const c of objective.commitments) {
      quarterRows("Commitment", objective.heading, c.number, c.text, "", c.leadLabel, c.quarters, c);
    }
  }
  for (const r of doc.risks) {
    quarterRows("Risk", "", String(r.number), r.description, r.mitigation, r.ownerLabel, r.quarters);
  }
  // Partners' documents: each measure's value for each quarter, after the reviews.
  for (const m of doc.measures ?? []) {
    for (const q of m.quarters) {
      rows.push([
        doc.title,
        planStatus,
        doc.filterText,
        `${m.itemType} measure`,
        m.objective,
        m.itemNumber,
        m.itemText,
        "",
        "",
        "",
        "",
        `Q${q.quarter}`,
        "",
        "",
        m.sourceText,
        "",
        "",
        "",
        m.name,
        q.valueText,
        m.targetText,
        q.metText,
      ]);
    }
  }
  return spreadsheetCsv(CSV_COLUMNS, rows);
}

/** "Minutes <https://example.org/m>; Photos <https://example.org/p>" */
const evidenceText = (links: readonly EvidenceLink[]) => links.map((link) => `${link.title} <${link.url}>`).join("; ");

export const HISTORY_CSV_COLUMNS = [
  "Plan",
  "Plan status",
  "Shown",
  "Type",
  "Objective",
  "Number",
  "Text",
  "Quarter",
  "Agency",
  "Version",
  "Status before",
  "Status after",
  "Commentary",
  "Evidence links",
  "Replaced version",
  "Saved by",
  "Saved at (UK time)",
] as const;

/**
 * Every saved version of the plan's updates (review-history.ts), a row each, oldest first under
 * each item, quarter and agency; "Shown" says which filters chose the items ("" for the whole plan).
 */
export function renderReviewHistoryCsv(doc: PlanDocument, history: readonly ReviewHistoryRow[]): Buffer {
  const planStatus = doc.draft ? DRAFT_MARK : doc.statusText;
  return spreadsheetCsv(
    HISTORY_CSV_COLUMNS,
    history.map((h) => [
      doc.title,
      planStatus,
      doc.filterText,
      h.type,
      h.objective,
      h.number,
      h.text,
      h.quarter,
      h.agencyCode,
      String(h.version),
      h.statusBefore,
      h.statusAfter,
      h.commentary,
      evidenceText(h.evidence),
      h.replacedVersion === null ? "" : String(h.replacedVersion),
      h.savedBy ?? "",
      ukTime(h.savedAt),
    ]),
  );
}

/** Rows under a header, as a spreadsheet opens them safely: BOM, CRLF, quoted, formulas neutralised. */
export function spreadsheetCsv(columns: readonly string[], rows: string[][]): Buffer {
  const csv = stringify(rows, {
    bom: true,
    header: true,
    columns: [...columns],
    escape_formulas: true,
    record_delimiter: "windows",
    quoted_string: true,
  });
  return Buffer.from(csv, "utf8");
}
