// npm run db:migrate | db:seed | reports:rotate-key
import { loadConfig } from "../config.ts";
import { createLogger } from "../logger.ts";
import { auditService } from "../services/audit.ts";
import { rotateEncryptedColumns } from "../services/encrypted-columns.ts";
import { encryptionService } from "../services/encryption.ts";
import { encryptPlaintextTotpSecrets } from "../services/two-factor.ts";
import { openDatabase } from "./database.ts";
import { encryptionKeysAtStart } from "./key-file.ts";
import { migrate } from "./migrate.ts";
import { seed } from "./seed.ts";
import { printDemoSignIns } from "./start.ts";

const command = process.argv[2];
const config = loadConfig();
const logger = createLogger(config.logLevel);
const db = await openDatabase(config.database, logger);
try {
  const migrated = await migrate(db);
  logger.info({ database: db.description, applied: migrated.applied }, "migrations up to date");
  if (command === "seed") {
    const result = await seed(db.prisma, { production: config.production, demoPassword: config.seedDemoPassword });
    logger.info({ ...result, demo: undefined }, "seed complete");
    printDemoSignIns(result.demo);
  } else if (command === "rotate-key") {
    await rotateKey();
  } else if (command !== "migrate") {
    throw new Error(`Unknown command ${command}; use migrate, seed or rotate-key`);
  }
} finally {
  await db.close();
}

/**
 * Wraps everything encrypted again under the current key (REPORT_ENCRYPTION_KEY_ID), so the old
 * keys can then be removed from REPORT_ENCRYPTION_KEYS. Safe to run again, and beside a running
 * portal; run it once more after every instance has restarted with the new key.
 */
async function rotateKey() {
  const encryption = encryptionService(await encryptionKeysAtStart(config.encryption, logger));
  const secrets = await encryptPlaintextTotpSecrets(db.prisma, encryption);
  const counts = await rotateEncryptedColumns(db.prisma, encryption, {
    onFailure: (column, rowId) =>
      logger.error({ table: column.table, column: column.column, rowId }, "a value did not decrypt under any key"),
  });
  for (const count of counts) logger.info(count, `${count.table}.${count.column}: ${count.rewrapped} re-wrapped`);
  const rewrapped = counts.reduce((sum, c) => sum + c.rewrapped, 0);
  const failed = counts.reduce((sum, c) => sum + c.failed, 0);
  await auditService(db.prisma).record({
    action: "encryption.key-rotated",
    entityType: "EncryptionKey",
    entityId: encryption.currentKeyId,
    after: { rewrapped, failed, plaintextSecretsEncrypted: secrets },
  });
  logger.info(
    { currentKeyId: encryption.currentKeyId, rewrapped, failed, plaintextSecretsEncrypted: secrets },
    `every encrypted value is now under key "${encryption.currentKeyId}"${failed ? `, except ${failed} that did not decrypt` : ""}`,
  );
  // The old keys must stay while any value needs them.
  if (failed) process.exitCode = 1;
}
