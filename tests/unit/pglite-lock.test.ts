// The embedded database's folder lock (src/db/pglite-lock.ts), without starting PGlite: one
// holder at a time, a dead holder's lock taken over, a folder that cannot be written refused.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lockPgliteFolder, PgliteFolderError } from "../../src/db/pglite-lock.ts";

const scratch = mkdtempSync(path.join(tmpdir(), "rhins-lock-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let n = 0;
const folder = () => path.join(scratch, `data-${(n += 1)}`, "pglite");

describe("lockPgliteFolder", () => {
  it("makes the folder, writes this process's pid beside it, and removes it on release", () => {
    const dir = folder();
    const lock = lockPgliteFolder(dir);
    expect(lock.file).toBe(`${dir}.lock`);
    expect(existsSync(dir)).toBe(true);
    expect(readFileSync(lock.file, "utf8").trim()).toBe(String(process.pid));
    lock.release();
    expect(existsSync(lock.file)).toBe(false);
    lockPgliteFolder(dir).release(); // free again
  });

  it("refuses a second open in this process", () => {
    const dir = folder();
    const lock = lockPgliteFolder(dir);
    expect(() => lockPgliteFolder(dir)).toThrow(/already open in this process/);
    lock.release();
  });

  it("refuses while another running process holds it, naming the folder and the pid", async () => {
    const dir = folder();
    lockPgliteFolder(dir).release();
    const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)"]);
    try {
      writeFileSync(`${dir}.lock`, `${holder.pid}\n`);
      const refusal = (() => {
        try {
          lockPgliteFolder(dir);
        } catch (err) {
          return err;
        }
      })();
      expect(refusal).toBeInstanceOf(PgliteFolderError);
      expect((refusal as Error).message).toBe(
        `The embedded database in ${dir} is in use by process ${holder.pid}: stop it first (two processes writing one database folder would corrupt it)`,
      );
      expect(readFileSync(`${dir}.lock`, "utf8").trim()).toBe(String(holder.pid)); // left alone
    } finally {
      holder.kill("SIGKILL");
    }
  });

  it("takes over the lock of a process that has gone (a crash), and of an unreadable one", () => {
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
      encoding: "utf8",
    });
    for (const stale of [`${dead.stdout}\n`, "", "not a pid"]) {
      const dir = folder();
      lockPgliteFolder(dir).release();
      writeFileSync(`${dir}.lock`, stale);
      const lock = lockPgliteFolder(dir);
      expect(readFileSync(lock.file, "utf8").trim()).toBe(String(process.pid));
      lock.release();
    }
  });

  it.each([
    ["under a regular file", () => path.join(writeFileIn(scratch), "pglite"), "ENOTDIR"],
    // Node 20's recursive mkdir never returns here: the folder is made one level at a time.
    ["under /proc", () => `/proc/rhins-${process.pid}/pglite`, "ENOENT"],
  ])("refuses a folder that cannot be written (%s) with one line", (_where, dir, code) => {
    expect(() => lockPgliteFolder(dir())).toThrow(
      new PgliteFolderError(
        `The embedded database folder ${dir()} cannot be written (${code}): set PGLITE_DIR to a folder this user may write`,
      ),
    );
  });
});

function writeFileIn(dir: string) {
  const file = path.join(dir, "a-file");
  writeFileSync(file, "");
  return file;
}
