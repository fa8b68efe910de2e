// The plan's quarterly reviews as CSV: one row per commitment or risk per quarter and agency (an
// item several agencies lead has a row for the quarter's status, then one per agency's update), UTF-8 with a
// byte order mark (so Excel reads the accents right), every cell that a spreadsheet would take
// for a formula (=, +, -, @, tab, carriage return) neutralised with a leading single quote.
import { stringify } from "csv-stringify/sync";
import { DRAFT_MARK, type DocumentQuarter, type DocumentUpdate, type PlanDocument } from "../plan-document.ts";

export const CSV_CONTENT_TYPE = "text/csv; charset=utf-8";

export const CSV_COLUMNS = [
  "Plan",
  "Plan status",
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
        evidence.map((link) => `${link.title} <${link.url}>`).join("; "),
        by,
        ukTime(at),
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
  return spreadsheetCsv(CSV_COLUMNS, rows);
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
