// npm run db:migrate | db:seed | reports:rotate-key | db:backup | db:restore FILE
import { ConfigError, loadConfig } from "../config.ts";
import { createLogger } from "../logger.ts";
import { auditService } from "../services/audit.ts";
import { rotateEncryptedColumns } from "../services/encrypted-columns.ts";
import { encryptionService } from "../services/encryption.ts";
import { encryptPlaintextTotpSecrets } from "../services/two-factor.ts";
import { startUpFailure } from "../start-up-error.ts";
import { BackupError, backup, restore } from "./backup.ts";
import { type Database, openDatabase } from "./database.ts";
import { encryptionKeysAtStart } from "./key-file.ts";
import { migrate } from "./migrate.ts";
import { seed } from "./seed.ts";
import { printDemoSignIns } from "./start.ts";

const command = process.argv[2];
const config = configOrExit();
const logger = createLogger(config.logLevel, undefined, { production: config.production });
try {
  // A backup leaves the database as it is, and a restore needs it empty: neither migrates first.
  if (command === "backup" || command === "restore") await backupOrRestore(command, process.argv[3]);
  else await migrateAndRun();
} catch (err) {
  // One line, as for the portal (e.g. the embedded database is in use by the running portal).
  process.stderr.write(`${startUpFailure(err, config.database)}\n`);
  process.exit(1);
}

function configOrExit() {
  try {
    return loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\nSee .env.example for every setting.\n`);
    process.exit(1);
  }
}

async function migrateAndRun() {
  const db = await openDatabase(config.database, logger);
  try {
    const migrated = await migrate(db);
    logger.info({ database: db.description, applied: migrated.applied }, "migrations up to date");
    if (command === "seed") {
      const result = await seed(db.prisma, { production: config.production, demoPassword: config.seedDemoPassword });
      logger.info({ ...result, demo: undefined }, "seed complete");
      printDemoSignIns(result.demo);
    } else if (command === "rotate-key") {
      await rotateKey(db);
    } else if (command !== "migrate") {
      throw new Error(`Unknown command ${command}; use migrate, seed, rotate-key, backup or restore FILE`);
    }
  } finally {
    await db.close();
  }
}

/** Says on one line which file was written or restored (a refusal is a BackupError, one line too). */
async function backupOrRestore(which: "backup" | "restore", file: string | undefined) {
  if (which === "backup") {
    process.stdout.write(`Backup written to ${await backup(config.database, config.backupDir)}\n`);
  } else {
    if (!file) throw new BackupError("Name the backup file to restore: npm run db:restore FILE");
    await restore(config.database, file);
    process.stdout.write(`Restored ${file}\n`);
  }
}

/**
 * Wraps everything encrypted again under the current key (REPORT_ENCRYPTION_KEY_ID), so the old
 * keys can then be removed from REPORT_ENCRYPTION_KEYS. Safe to run again, and beside a running
 * portal; run it once more after every instance has restarted with the new key.
 */
async function rotateKey(db: Database) {
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
