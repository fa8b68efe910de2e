// The audit trail's filtered events as CSV, safe to open in a spreadsheet the same way as the
// plan's reviews (services/plan/exports/csv.ts): UTF-8 with a byte order mark, every cell a
// spreadsheet would take for a formula (=, +, -, @, tab, carriage return) neutralised.
import type { AuditService } from "./audit.ts";
import { spreadsheetCsv } from "./plan/exports/csv.ts";

export const AUDIT_CSV_COLUMNS = [
  "When (UK time)",
  "Who",
  "What happened",
  "Action",
  "Record type",
  "Record",
  "Before",
  "After",
] as const;

const UK_TIME = new Intl.DateTimeFormat("sv-SE", {
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  timeZone: "Europe/London",
});

const json = (value: unknown) => (value === null || value === undefined ? "" : JSON.stringify(value));

export function renderAuditCsv(events: Awaited<ReturnType<AuditService["exportRows"]>>): Buffer {
  const rows = events.map((e) => [
    UK_TIME.format(e.createdAt),
    e.actorEmail || "Unknown",
    e.description,
    e.action,
    e.entityType,
    e.entityId,
    json(e.before),
    json(e.after),
  ]);
  return spreadsheetCsv(AUDIT_CSV_COLUMNS, rows);
}
