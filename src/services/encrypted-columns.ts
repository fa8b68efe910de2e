// Every column the portal encrypts in the application (services/encryption.ts), with the binding
// each value is sealed to, and key rotation over all of them (npm run reports:rotate-key).
//
// New data is bound to [table, column, row id]. The older PendingForm and EmailMessage values keep
// the bindings they were made with (the browser's key and page; the template and recipient).
// A column encrypted anywhere must be listed here, or rotating keys would leave it behind and
// removing an old key would make it unreadable.
import type { IncidentReport, PrismaClient } from "../generated/prisma/client.ts";
import { type Binding, DecryptionError, type EncryptionService } from "./encryption.ts";

/** A row as the rotation reads it: its id, the token, and the columns its binding is made of. */
type Row = Record<string, string | number>;

export interface EncryptedColumn {
  table: string;
  idColumn: string;
  column: string;
  /** Columns besides the id that the binding is made of, read with each row. */
  bindingColumns: readonly string[];
  binding(row: Row): Binding;
}

/** The binding of new data: the table, the column and the row's id (as text). */
export const rowBinding = (table: string, column: string, rowId: string | number): Binding => [
  table,
  column,
  String(rowId),
];

const boundToRow = (table: string, column: string, idColumn = "id"): EncryptedColumn => ({
  table,
  idColumn,
  column,
  bindingColumns: [],
  binding: (row) => rowBinding(table, column, row[idColumn]!),
});

/** A report's personal data: encrypted, and cleared when its retention ends (reports/retention.ts). */
export const REPORT_PERSONAL_COLUMNS = [
  "relationship",
  "narrative",
  "incidentDate",
  "location",
  "offenders",
  "crimeReference",
  "contact",
] as const satisfies readonly (keyof IncidentReport)[];

/** A case's personal data, in the case's own tables: cleared with its report's (reports/retention.ts). */
export const CASE_PERSONAL_COLUMNS = {
  Case: ["riskAnswers", "riskReason", "closingSummary"],
  CaseEntry: ["body", "crimeReference"],
  CaseAction: ["description"],
  PanelCase: ["decision"],
} as const;

export const ENCRYPTED_COLUMNS: readonly EncryptedColumn[] = [
  ...REPORT_PERSONAL_COLUMNS.map((column) => boundToRow("IncidentReport", column)),
  boundToRow("ReportMessage", "body"),
  ...Object.entries(CASE_PERSONAL_COLUMNS).flatMap(([table, columns]) =>
    columns.map((column) => boundToRow(table, column)),
  ),
  boundToRow("ReportDraft", "answers", "key"),
  boundToRow("User", "totpSecret"),
  // services/pending-forms.ts: bound to the browser's key and the form's page.
  {
    table: "PendingForm",
    idColumn: "id",
    column: "payload",
    bindingColumns: ["browserKey", "path"],
    binding: (row) => ["PendingForm", "payload", row.browserKey!, row.path!],
  },
  // services/email/emails.ts: bound to the template and the recipient.
  {
    table: "EmailMessage",
    idColumn: "id",
    column: "params",
    bindingColumns: ["template", "to"],
    binding: (row) => ["EmailMessage.params", row.template!, row.to!],
  },
];

export interface RotationCount {
  table: string;
  column: string;
  /** Values now wrapped by the current key. */
  rewrapped: number;
  /** Values that did not decrypt under any listed key (changed, moved, or their key removed): left as they are. */
  failed: number;
}

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Wraps every encrypted value not yet under the current key again under it, a batch of rows at a
 * time (by id, so a large table is never read at once). Safe to re-run, and beside a running
 * portal: a value changed meanwhile is left to the next run, and one already current is skipped.
 */
export async function rotateEncryptedColumns(
  prisma: PrismaClient,
  encryption: EncryptionService,
  options: { batchSize?: number; onFailure?: (column: EncryptedColumn, rowId: string | number) => void } = {},
): Promise<RotationCount[]> {
  const batchSize = options.batchSize ?? 500;
  const counts: RotationCount[] = [];
  for (const entry of ENCRYPTED_COLUMNS) {
    const count = { table: entry.table, column: entry.column, rewrapped: 0, failed: 0 };
    const [table, id, column] = [quoted(entry.table), quoted(entry.idColumn), quoted(entry.column)];
    const select = [id, column, ...entry.bindingColumns.map(quoted)].join(", ");
    // The key id is the token's second part: only values under another key are read.
    const where = `${column} IS NOT NULL AND split_part(${column}, '.', 2) <> $1`;
    let after: string | number | undefined;
    for (;;) {
      const rows =
        after === undefined
          ? await prisma.$queryRawUnsafe<Row[]>(
              `SELECT ${select} FROM ${table} WHERE ${where} ORDER BY ${id} LIMIT $2`,
              encryption.currentKeyId,
              batchSize,
            )
          : await prisma.$queryRawUnsafe<Row[]>(
              `SELECT ${select} FROM ${table} WHERE ${where} AND ${id} > $2 ORDER BY ${id} LIMIT $3`,
              encryption.currentKeyId,
              after,
              batchSize,
            );
      for (const row of rows) {
        const rowId = row[entry.idColumn]!;
        const token = String(row[entry.column]);
        let rewrapped: string;
        try {
          rewrapped = encryption.rewrap(token, entry.binding(row));
        } catch (err) {
          if (!(err instanceof DecryptionError)) throw err;
          count.failed++;
          options.onFailure?.(entry, rowId);
          continue;
        }
        // Only if the value is still the one read, so a change made meanwhile is not undone.
        count.rewrapped += await prisma.$executeRawUnsafe(
          `UPDATE ${table} SET ${column} = $1 WHERE ${id} = $2 AND ${column} = $3`,
          rewrapped,
          rowId,
          token,
        );
      }
      if (rows.length < batchSize) break;
      after = rows[rows.length - 1]![entry.idColumn];
    }
    counts.push(count);
  }
  return counts;
}
