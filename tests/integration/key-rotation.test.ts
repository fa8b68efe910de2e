// npm run reports:rotate-key: every encrypted column (services/encrypted-columns.ts) is wrapped
// again under the current key, in batches, safely again and again, so the old key can go.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { createLogger } from "../../src/logger.ts";
import { ENCRYPTED_COLUMNS, rotateEncryptedColumns, rowBinding } from "../../src/services/encrypted-columns.ts";
import {
  DecryptionError,
  type EncryptionKeys,
  type EncryptionService,
  encryptionService,
} from "../../src/services/encryption.ts";
import { services } from "../../src/services/index.ts";
import { encryptPlaintextTotpSecrets } from "../../src/services/two-factor.ts";
import { testConfig } from "../helpers/app.ts";
import { testDatabase } from "../helpers/database.ts";

const hmacKey = randomBytes(32);
const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
const OLD: EncryptionKeys = { keys: { old: oldKey }, currentKeyId: "old", hmacKey };
const BOTH: EncryptionKeys = { keys: { new: newKey, old: oldKey }, currentKeyId: "new", hmacKey };
const NEW_ONLY: EncryptionKeys = { keys: { new: newKey }, currentKeyId: "new", hmacKey };
const REPORTS = 5;
const NARRATIVE = "Someone shouted at me on the 354 bus in Nailsea";

let db: Database;
let userId: number;
let mark: { browserId: string; owner: string };

/** The real services, with these keys. */
const servicesWith = (keys: EncryptionKeys) =>
  services(db, { config: { ...testConfig(), encryption: keys }, logger: createLogger("silent") });

type Row = Record<string, string | number>;

/** Every encrypted value in the database, decrypted by the registry's binding ("table.column#id" → text). */
async function everyValue(encryption: EncryptionService) {
  const values: Record<string, string> = {};
  for (const entry of ENCRYPTED_COLUMNS) {
    const columns = [entry.idColumn, entry.column, ...entry.bindingColumns].map((c) => `"${c}"`).join(", ");
    const rows = await db.prisma.$queryRawUnsafe<Row[]>(
      `SELECT ${columns} FROM "${entry.table}" WHERE "${entry.column}" IS NOT NULL`,
    );
    for (const row of rows) {
      const token = String(row[entry.column]);
      values[`${entry.table}.${entry.column}#${row[entry.idColumn]}`] = encryption.decrypt(token, entry.binding(row));
    }
  }
  return values;
}

/** How many stored tokens each key wraps. */
async function tokensByKey() {
  const byKey: Record<string, number> = {};
  for (const entry of ENCRYPTED_COLUMNS) {
    const rows = await db.prisma.$queryRawUnsafe<{ key: string; n: number }[]>(
      `SELECT split_part("${entry.column}", '.', 2) AS key, count(*)::int AS n FROM "${entry.table}"
       WHERE "${entry.column}" IS NOT NULL GROUP BY 1`,
    );
    for (const { key, n } of rows) byKey[key] = (byKey[key] ?? 0) + n;
  }
  return byKey;
}

beforeAll(async () => {
  db = await testDatabase();
  const old = encryptionService(OLD);
  // Reports, a message and a draft, bound to [table, column, row id].
  for (let i = 1; i <= REPORTS; i++) {
    const id = `report-${i}`;
    await db.prisma.incidentReport.create({
      data: {
        id,
        reference: `RH-TEST-0${i}`,
        receiptHash: "$argon2id$not-a-real-hash",
        reporterRole: "VICTIM",
        anonymous: false,
        narrative: old.encrypt(`${NARRATIVE} (${i})`, rowBinding("IncidentReport", "narrative", id)),
        location: old.encrypt("High Street", rowBinding("IncidentReport", "location", id)),
        contact: old.encrypt('{"name":"Sam"}', rowBinding("IncidentReport", "contact", id)),
      },
    });
  }
  await db.prisma.reportMessage.create({
    data: {
      id: "message-1",
      reportId: "report-1",
      fromReporter: true,
      body: old.encrypt("Thank you", rowBinding("ReportMessage", "body", "message-1")),
    },
  });
  await db.prisma.reportDraft.create({
    data: {
      key: "draft-key",
      csrfToken: "t",
      answers: old.encrypt('{"who":"VICTIM"}', rowBinding("ReportDraft", "answers", "draft-key")),
      expiresAt: new Date(Date.now() + 3_600_000),
    },
  });
  // A second-factor secret, a kept form and an email's values, encrypted by the services themselves.
  const user = await db.prisma.user.create({
    data: { email: "rotation@partners.test", name: "R", role: "VIEWER", totpSecret: "JBSWY3DPEHPK3PXP" },
  });
  userId = user.id;
  expect(await encryptPlaintextTotpSecrets(db.prisma, old)).toBe(1);
  const withOld = servicesWith(OLD);
  mark = withOld.pendingForms.readMark(withOld.pendingForms.markFor(userId))!;
  await withOld.pendingForms.keep(mark, "/partners/account", { name: "Sam" }, "signed-out");
  await withOld.emails.record({
    to: "rotation@partners.test",
    template: "set-password",
    params: { why: "new account", link: "https://rhins.example/set-password/abc" },
  });
});
afterAll(async () => db.close());

describe("key rotation", () => {
  it("re-wraps every encrypted column under the new key, in batches, and is safe to run again", async () => {
    const before = await everyValue(encryptionService(OLD));
    expect(Object.keys(before)).toHaveLength(REPORTS * 3 + 5);
    expect(await tokensByKey()).toEqual({ old: REPORTS * 3 + 5 });

    const both = encryptionService(BOTH);
    // One row a batch, so every table (text and number ids) is read in several.
    const counts = await rotateEncryptedColumns(db.prisma, both, { batchSize: 1 });
    const of = (table: string, column: string) => counts.find((c) => c.table === table && c.column === column);
    expect(of("IncidentReport", "narrative")).toEqual({
      table: "IncidentReport",
      column: "narrative",
      rewrapped: REPORTS,
      failed: 0,
    });
    expect(of("IncidentReport", "crimeReference")?.rewrapped).toBe(0);
    for (const [table, column] of [
      ["ReportMessage", "body"],
      ["ReportDraft", "answers"],
      ["User", "totpSecret"],
      ["PendingForm", "payload"],
      ["EmailMessage", "params"],
    ] as const) {
      expect(of(table, column), `${table}.${column}`).toMatchObject({ rewrapped: 1, failed: 0 });
    }
    expect(await tokensByKey()).toEqual({ new: REPORTS * 3 + 5 });

    // Again: nothing left to do.
    const again = await rotateEncryptedColumns(db.prisma, both, { batchSize: 2 });
    expect(again.every((c) => c.rewrapped === 0 && c.failed === 0)).toBe(true);

    // The old key can go: everything still decrypts, to what it was.
    const newOnly = encryptionService(NEW_ONLY);
    expect(await everyValue(newOnly)).toEqual(before);
    // And the services still read their own values.
    const kept = await servicesWith(NEW_ONLY).pendingForms.take(mark, userId, "/partners/account");
    expect(kept?.fields).toEqual({ name: "Sam" });
  });

  it("refuses a value changed by one character or moved to another row, and the rotation leaves it and says so", async () => {
    const newOnly = encryptionService(NEW_ONLY);
    const binding = (id: string) => rowBinding("IncidentReport", "narrative", id);
    const { narrative } = await db.prisma.incidentReport.findUniqueOrThrow({ where: { id: "report-1" } });
    expect(newOnly.decrypt(narrative!, binding("report-1"))).toBe(`${NARRATIVE} (1)`);

    const at = narrative!.length - 5;
    const changed = narrative!.slice(0, at) + (narrative![at] === "A" ? "B" : "A") + narrative!.slice(at + 1);
    expect(() => newOnly.decrypt(changed, binding("report-1"))).toThrow(DecryptionError);
    expect(() => newOnly.decrypt(narrative!, binding("report-2"))).toThrow(DecryptionError);

    // Stored: the rotation to a newer key counts both as failed and leaves them for a person to look at.
    await db.prisma.incidentReport.update({ where: { id: "report-1" }, data: { narrative: changed } });
    await db.prisma.incidentReport.update({ where: { id: "report-2" }, data: { narrative } });
    const newer = encryptionService({ keys: { newer: randomBytes(32), new: newKey }, currentKeyId: "newer", hmacKey });
    const failures: (string | number)[] = [];
    const counts = await rotateEncryptedColumns(db.prisma, newer, {
      batchSize: 2,
      onFailure: (_column, rowId) => failures.push(rowId),
    });
    expect(counts.find((c) => c.column === "narrative")).toMatchObject({ rewrapped: REPORTS - 2, failed: 2 });
    expect(failures.sort()).toEqual(["report-1", "report-2"]);
    const stored = await db.prisma.incidentReport.findUniqueOrThrow({ where: { id: "report-1" } });
    expect(stored.narrative).toBe(changed);
  });
});
