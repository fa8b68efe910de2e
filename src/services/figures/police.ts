// Police-recorded hate crimes, which the police lead sends as a CSV of counts by month, strand and
// area: read and checked row by row (every problem named with its row and what to fix), shown
// before anything is stored, then imported in one transaction that replaces the file's months.
// FigureCount follows by trigger (migration 20261207230000_figures).
import { CsvError, parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { z } from "zod";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import type { Actor, AuditService } from "../audit.ts";
import { OTHER_AREAS, STRANDS } from "../reports/questions.ts";
import { addMonths, currentMonth } from "./counts.ts";

export const POLICE_COLUMNS = ["month", "strand", "area", "count"] as const;
type Column = (typeof POLICE_COLUMNS)[number];
export type Strand = keyof typeof STRANDS;

export const MAX_FILE_BYTES = 1024 * 1024;
export const MAX_ROWS = 20_000;
/** More than any area's month could hold, and small enough that a file's total fits the column. */
export const MAX_COUNT = 100_000;
const FIRST_MONTH = "2000-01";
/** Problems listed at most: past these the file is far from the template, and a longer list helps nobody. */
export const MAX_PROBLEMS_LISTED = 100;

export interface PoliceRow {
  month: string;
  strand: Strand;
  /** A town as the directory spells it, or a key of OTHER_AREAS. */
  area: string;
  count: number;
}

export type CheckedFile =
  { ok: true; rows: PoliceRow[]; text: string } | { ok: false; problems: string[]; unlisted: number };

export const TOO_LARGE = "The selected file must be smaller than 1 MB: split it by quarter and import each part";
export const TOO_MANY_ROWS = `The file must have at most ${MAX_ROWS.toLocaleString("en-GB")} rows of figures: split it by quarter and import each part`;

const MONTH_NAME = new Intl.DateTimeFormat("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });

/** "2026-04" as people say it: "April 2026". */
export function monthName(month: string): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return MONTH_NAME.format(new Date(Date.UTC(y, m - 1, 1)));
}

/** "April 2026 to June 2026", or "April 2026" for one month. */
export const periodText = (from: string, to: string) =>
  from === to ? monthName(from) : `${monthName(from)} to ${monthName(to)}`;

/** What was typed, short enough to quote in a message. */
const quoted = (value: string) => `“${value.length > 40 ? `${value.slice(0, 40)}…` : value}”`;

/** Lower case, with spaces and hyphens as underscores: "Sexual orientation" finds SEXUAL_ORIENTATION. */
const looseKey = (value: string) =>
  value
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");

/** Names people may write for each code (its code or its label, in any case), to the code. */
function lookup(entries: [code: string, ...names: string[]][]): Map<string, string> {
  const map = new Map<string, string>();
  for (const [code, ...names] of entries) {
    for (const name of [code, ...names]) {
      map.set(name.trim().toLowerCase(), code);
      map.set(looseKey(name), code);
    }
  }
  return map;
}

const STRAND_CODES = lookup(Object.entries(STRANDS).map(([code, label]) => [code, label]));
const EXAMPLE_STRAND = "RACE";

export interface CheckContext {
  /** The directory's towns (directory.centreTowns). */
  towns: readonly string[];
  now: Date;
}

/** The rules for one row, as zod sees it: each column's message says what to write instead. */
function rowRules({ towns, now }: CheckContext) {
  const latest = currentMonth(now);
  const areas = lookup([...towns.map((t): [string] => [t]), ...Object.entries(OTHER_AREAS)]);
  const given = (column: Column, example: string) => z.string().min(1, `${column} is empty: enter ${example}`);
  return z.object({
    month: given("month", "the month, like 2026-11")
      .regex(/^\d{4}-\d{2}$/, "month must be written year-month, like 2026-11")
      .refine((m) => Number(m.slice(5)) >= 1 && Number(m.slice(5)) <= 12, "month must be a real month, like 2026-11")
      .refine((m) => m >= FIRST_MONTH, `month must be ${FIRST_MONTH} or later`)
      .refine((m) => m <= latest, {
        error: (issue) =>
          `month ${quoted(String(issue.input))} is in the future: the latest month you can import is ${latest}`,
      }),
    strand: given("strand", `a strand code, like ${EXAMPLE_STRAND}`).transform((value, ctx) => {
      const code = STRAND_CODES.get(value.toLowerCase()) ?? STRAND_CODES.get(looseKey(value));
      if (code) return code as Strand;
      ctx.addIssue({
        code: "custom",
        message: `strand ${quoted(value)} is not one of the strands: use a code from the list on this page, like ${EXAMPLE_STRAND}`,
      });
      return z.NEVER;
    }),
    area: given("area", "a town or area from the list on this page").transform((value, ctx) => {
      const code = areas.get(value.toLowerCase()) ?? areas.get(looseKey(value));
      if (code) return code;
      ctx.addIssue({
        code: "custom",
        message: `area ${quoted(value)} is not one of the areas: use a town or area from the list on this page, like ${towns[0] ?? "ELSEWHERE"}`,
      });
      return z.NEVER;
    }),
    count: given("count", "the number of crimes, like 12 (0 when there were none)")
      .regex(/^\d+$/, "count must be a whole number, 0 or more, with no commas or spaces, like 12")
      .transform(Number)
      .refine((n) => n <= MAX_COUNT, `count must be ${MAX_COUNT.toLocaleString("en-GB")} or less`),
  });
}

/** The header's problems: every column named once, nothing else. */
function headerProblems(header: string[]): string[] {
  const names = header.map((h) => h.trim().toLowerCase());
  const expected = POLICE_COLUMNS.join(",");
  const problems: string[] = [];
  const missing = POLICE_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length > 0)
    problems.push(
      `Row 1 must name the columns ${expected}: ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} missing`,
    );
  names.forEach((name, i) => {
    if (!(POLICE_COLUMNS as readonly string[]).includes(name))
      problems.push(
        name === ""
          ? `Row 1, column ${i + 1} has no name: remove that column, so the columns are ${expected}`
          : `Row 1, column ${i + 1} is ${quoted(header[i]!)}, which is not one of ${expected}: remove or rename it`,
      );
    else if (names.indexOf(name) !== i) problems.push(`Row 1 names the column ${name} twice: keep one of them`);
  });
  return problems;
}

/** Where csv-parse gave up, in words. */
function unreadable(err: CsvError): string {
  const row = (err as CsvError & { lines?: number }).lines;
  const where = row ? `Row ${row}` : "The file";
  if (err.code === "CSV_MAX_RECORD_SIZE") return `${where} is too long: check it is a CSV of the figures`;
  return `${where} could not be read: check its quote marks (") come in pairs around a value`;
}

/**
 * Reads the CSV text and checks every row: the rows to import, or every problem found (the
 * first MAX_PROBLEMS_LISTED of them, and how many more).
 */
export function checkPoliceCsv(text: string, context: CheckContext): CheckedFile {
  const refuse = (problems: string[]): CheckedFile => ({
    ok: false,
    problems: problems.slice(0, MAX_PROBLEMS_LISTED),
    unlisted: Math.max(0, problems.length - MAX_PROBLEMS_LISTED),
  });
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
      max_record_size: 10_000,
      // One past the header and the most rows allowed is enough to know there are too many.
      to: MAX_ROWS + 2,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    if (err instanceof CsvError) return refuse([unreadable(err)]);
    throw err;
  }
  // A spreadsheet's blank rows come out as commas only.
  records = records.filter((r) => r.record.some((v) => v !== ""));
  if (records.length === 0)
    return refuse([`The file is empty: it needs the header ${POLICE_COLUMNS.join(",")} and a row for each figure`]);
  if (records.length > MAX_ROWS + 1) return refuse([TOO_MANY_ROWS]);
  const header = records[0]!.record;
  const problems = headerProblems(header);
  if (problems.length > 0) return refuse(problems);
  if (records.length === 1) return refuse(["The file has no figures: add a row under the header for each figure"]);

  const position = Object.fromEntries(header.map((h, i) => [h.trim().toLowerCase(), i])) as Record<Column, number>;
  const rules = rowRules(context);
  const rows: PoliceRow[] = [];
  const seen = new Map<string, number>();
  for (const { record, info } of records.slice(1)) {
    const row = info.lines;
    if (record.length !== POLICE_COLUMNS.length) {
      problems.push(
        `Row ${row} has ${record.length} ${record.length === 1 ? "value" : "values"}: it needs ${POLICE_COLUMNS.length} (month, strand, area and count), separated by commas`,
      );
      continue;
    }
    const parsed = rules.safeParse(Object.fromEntries(POLICE_COLUMNS.map((c) => [c, record[position[c]]])));
    if (!parsed.success) {
      // In the columns' order, one message each.
      for (const column of POLICE_COLUMNS) {
        const issue = parsed.error.issues.find((i) => i.path[0] === column);
        if (issue) problems.push(`Row ${row}: ${issue.message}`);
      }
      continue;
    }
    const figure = parsed.data;
    const key = `${figure.month}|${figure.strand}|${figure.area}`;
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push(
        `Row ${row} has the same month, strand and area as row ${first} (${figure.month}, ${figure.strand}, ${figure.area}): give each once, with its total`,
      );
      continue;
    }
    seen.set(key, row);
    rows.push(figure);
  }
  return problems.length > 0 ? refuse(problems) : { ok: true, rows, text };
}

/** The file's bytes as text: UTF-8 (as Excel's "CSV UTF-8" saves it) and within the size allowed. */
export function decodePoliceFile(bytes: Buffer): { text: string } | { problem: string } {
  if (bytes.length > MAX_FILE_BYTES) return { problem: TOO_LARGE };
  if (bytes.length === 0) return { problem: "The selected file is empty" };
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    return {
      problem:
        "The selected file must be a CSV file saved as text (UTF-8): in Excel choose Save as, then CSV UTF-8 (comma delimited)",
    };
  }
}

/** What an import holds: its months, rows and totals, by month and by strand. */
export function summarise(rows: readonly PoliceRow[]) {
  const byMonth = new Map<string, { rows: number; total: number }>();
  const byStrand = new Map<Strand, number>();
  let total = 0;
  for (const r of rows) {
    const month = byMonth.get(r.month) ?? { rows: 0, total: 0 };
    month.rows += 1;
    month.total += r.count;
    byMonth.set(r.month, month);
    byStrand.set(r.strand, (byStrand.get(r.strand) ?? 0) + r.count);
    total += r.count;
  }
  const months = [...byMonth.keys()].sort();
  const from = months[0] ?? "";
  const to = months.at(-1) ?? "";
  return {
    from,
    to,
    period: from ? periodText(from, to) : "",
    months,
    rows: rows.length,
    total,
    byMonth: months.map((m) => ({ month: m, text: monthName(m), ...byMonth.get(m)! })),
    // In the order the strands are listed everywhere else.
    byStrand: (Object.keys(STRANDS) as Strand[])
      .filter((s) => byStrand.has(s))
      .map((s) => ({ strand: s, text: STRANDS[s], total: byStrand.get(s)! })),
  };
}

/** Rows written at once: well under Postgres's 65,535 parameters a statement. */
const INSERT_BATCH = 2_000;

export function policeFigureService(
  prisma: PrismaClient,
  { audit, towns }: { audit: AuditService; towns: () => Promise<string[]> },
) {
  const context = async (): Promise<CheckContext> => ({ towns: await towns(), now: new Date() });

  return {
    /** The strands and areas a file may name, for the page that explains the columns. */
    async codes() {
      return {
        strands: Object.entries(STRANDS).map(([code, text]) => ({ code, text })),
        towns: await towns(),
        otherAreas: Object.entries(OTHER_AREAS).map(([code, text]) => ({ code, text })),
      };
    },

    /** An uploaded file, read and checked. */
    async checkFile(bytes: Buffer): Promise<CheckedFile> {
      const decoded = decodePoliceFile(bytes);
      if ("problem" in decoded) return { ok: false, problems: [decoded.problem], unlisted: 0 };
      return checkPoliceCsv(decoded.text, await context());
    },

    /** The text of a file checked before (carried by the preview page), checked again. */
    async checkText(text: string): Promise<CheckedFile> {
      if (Buffer.byteLength(text.replace(/\r\n/g, "\n")) > MAX_FILE_BYTES)
        return { ok: false, problems: [TOO_LARGE], unlisted: 0 };
      return checkPoliceCsv(text, await context());
    },

    /** What importing the rows would do: the summary, and how many rows already held for those months go. */
    async preview(rows: readonly PoliceRow[]) {
      const summary = summarise(rows);
      const replaces = await prisma.policeFigure.count({ where: { month: { in: summary.months } } });
      return { ...summary, replaces };
    },

    /**
     * Imports checked rows: in one transaction, every figure held for the file's months goes, the
     * rows come in, and the import and its audit event are recorded. Imports are taken one at a
     * time (the table lock), so two at once cannot both insert a month.
     */
    async importRows(actor: Actor, fileName: string, rows: readonly PoliceRow[]) {
      const summary = summarise(rows);
      return prisma.$transaction(
        async (tx) => {
          await tx.$executeRaw`LOCK TABLE "PoliceFigure" IN SHARE ROW EXCLUSIVE MODE`;
          const { count: replaced } = await tx.policeFigure.deleteMany({ where: { month: { in: summary.months } } });
          const record = await tx.policeImport.create({
            data: {
              importedById: actor.id,
              fileName,
              fromMonth: summary.from,
              toMonth: summary.to,
              rowCount: summary.rows,
              total: summary.total,
            },
          });
          for (let i = 0; i < rows.length; i += INSERT_BATCH)
            await tx.policeFigure.createMany({
              data: rows.slice(i, i + INSERT_BATCH).map((r) => ({ ...r, importId: record.id })),
            });
          await audit.record(
            {
              actor,
              action: "police-figures.imported",
              entityType: "PoliceImport",
              entityId: record.id,
              after: {
                fileName,
                from: summary.from,
                to: summary.to,
                months: summary.months,
                rows: summary.rows,
                total: summary.total,
                replaced,
              },
            },
            tx,
          );
          return { ...summary, id: record.id, replaced };
        },
        // Thousands of rows, each moving the aggregate by trigger.
        { timeout: 120_000 },
      );
    },

    /** The imports so far, newest first, with who made each. */
    async imports() {
      const imports = await prisma.policeImport.findMany({ orderBy: { id: "desc" }, take: 500 });
      const ids = [...new Set(imports.map((i) => i.importedById).filter((id): id is number => id !== null))];
      const users = ids.length
        ? await prisma.user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })
        : [];
      const names = new Map(users.map((u) => [u.id, u.name]));
      return imports.map((i) => ({
        id: i.id,
        period: periodText(i.fromMonth, i.toMonth),
        fileName: i.fileName,
        rows: i.rowCount,
        total: i.total,
        by: (i.importedById !== null && names.get(i.importedById)) || "Unknown",
        at: i.importedAt,
      }));
    },

    /** The template: the header, and example rows for last month that import as they are. */
    async template(): Promise<Buffer> {
      const month = addMonths(currentMonth(new Date()), -1);
      const town = (await towns())[0] ?? "ELSEWHERE";
      const rows = [
        [month, "RACE", town, 4],
        [month, "RELIGION", town, 1],
        [month, "DISABILITY", "ELSEWHERE", 2],
        [month, "SEXUAL_ORIENTATION", "ONLINE", 0],
      ];
      return Buffer.from(stringify(rows, { header: true, columns: [...POLICE_COLUMNS], bom: true }));
    },
  };
}

export type PoliceFigureService = ReturnType<typeof policeFigureService>;
