// One process at a time for the embedded database: two PGlite instances writing one folder corrupt
// it, and PGlite itself neither notices nor complains. The lock is a file beside the folder
// (./data/pglite.lock for ./data/pglite), so the folder holds only PGlite's own files (a backup
// copies it whole, a restore wants it empty). It names the holder's pid and counts as stale once
// that process is gone, so a crash never leaves the database locked.
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Why the embedded database cannot be opened; the message is one line saying what to do. */
export class PgliteFolderError extends Error {}

export interface PgliteLock {
  file: string;
  /** Gives the folder up (only if the lock is still this process's own). */
  release(): void;
}

/** Lock files this process holds, removed however it exits (a crash leaves them stale). */
const held = new Set<string>();
process.on("exit", () => {
  for (const file of held) removeIfOurs(file);
});

/**
 * Makes the folder if needed, checks that it can be written, and locks it for this process.
 * Throws PgliteFolderError when it cannot be written or another process has it.
 */
export function lockPgliteFolder(dir: string): PgliteLock {
  const folder = path.resolve(dir);
  const file = `${folder}.lock`;
  if (held.has(file)) throw new PgliteFolderError(`The embedded database in ${folder} is already open in this process`);
  try {
    makeFolder(folder);
    // PGlite waits for ever on a folder it cannot write, so find out first.
    const probe = path.join(folder, `.write-check-${process.pid}`);
    writeFileSync(probe, "");
    unlinkSync(probe);
    take(file, folder);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (err instanceof PgliteFolderError || !code) throw err;
    throw new PgliteFolderError(
      `The embedded database folder ${folder} cannot be written (${code}): set PGLITE_DIR to a folder this user may write`,
    );
  }
  held.add(file);
  return {
    file,
    release() {
      if (held.delete(file)) removeIfOurs(file);
    },
  };
}

/** mkdir -p one level at a time: Node 20's recursive mkdirSync never returns under /proc. */
function makeFolder(folder: string) {
  const missing: string[] = [];
  for (let dir = folder; !existsSync(dir) && path.dirname(dir) !== dir; dir = path.dirname(dir)) missing.unshift(dir);
  for (const dir of missing) {
    try {
      mkdirSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
}

/**
 * The lock is written under a name of this process's own and then linked into place, which
 * fails if the lock exists: another process never sees it half written.
 */
function take(file: string, folder: string) {
  const mine = `${file}.${process.pid}`;
  writeFileSync(mine, `${process.pid}\n`);
  try {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        linkSync(mine, file);
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
      const holder = holderOf(file);
      if (holder !== undefined && isRunning(holder)) {
        throw new PgliteFolderError(
          `The embedded database in ${folder} is in use by process ${holder}: stop it first (two processes writing one database folder would corrupt it)`,
        );
      }
      removeStale(file, holder);
    }
    throw new PgliteFolderError(
      `The embedded database in ${folder} could not be locked: another process keeps taking ${file}`,
    );
  } finally {
    unlinkSync(mine);
  }
}

function holderOf(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, "utf8").trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  // Our own pid in a lock we do not hold is left from an earlier life of this container, whose
  // processes start with the same pids each time.
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM"; // alive, another user's
  }
}

/**
 * Moves a stale lock aside before deleting it, so that of two processes finding the same stale
 * lock only one removes it; a fresh lock moved aside by mistake is put back.
 */
function removeStale(file: string, holder: number | undefined) {
  const aside = `${file}.stale.${process.pid}`;
  try {
    renameSync(file, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return; // someone else removed it
    throw err;
  }
  if (holderOf(aside) !== holder) {
    try {
      linkSync(aside, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
  unlinkSync(aside);
}

function removeIfOurs(file: string) {
  try {
    if (holderOf(file) === process.pid) unlinkSync(file);
  } catch {
    // Already gone: nothing to release.
  }
}
