// Start-up faults, with the real portal and db commands as processes: one embedded database
// folder is one process's alone, and whatever stops a start (the folder taken or not writable,
// the port taken, no Postgres server) is one clear line and exit code 1 within seconds. Runs on
// the embedded database; the Postgres server is only needed for nothing (it names a port where
// none listens).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cleanUp, freePort, runToExit, startServer } from "../helpers/server-process.ts";

const scratch = mkdtempSync(path.join(tmpdir(), "rhins-start-up-"));
const pgliteDir = path.join(scratch, "data", "pglite");
const lockFile = `${pgliteDir}.lock`;
afterAll(async () => {
  await cleanUp();
  rmSync(scratch, { recursive: true, force: true });
});

/**
 * A refusal: exit code 1 at once, and exactly one line on stderr (no stack). "At once" is the
 * issue's 5 s, doubled for this shared 2-core machine (about 2 s when it is quiet); before, some
 * of these never ended.
 */
function expectRefusal(run: Awaited<ReturnType<typeof runToExit>>, line: string | RegExp) {
  expect(run.code, run.stderr).toBe(1);
  expect(run.ms).toBeLessThan(10_000);
  const lines = run.stderr.split("\n").filter(Boolean);
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(line);
  expect(run.stderr).not.toMatch(/\n\s+at |\[object Object\]/);
}

describe("the embedded database folder", () => {
  it("is taken over from a process that died holding it; a taken port (PORT or METRICS_PORT) is one line, and gives the folder up", async () => {
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    mkdirSync(path.dirname(lockFile), { recursive: true });
    writeFileSync(lockFile, `${dead.stdout}\n`); // as a crash leaves it
    const taken = net.createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => taken.listen(port, "127.0.0.1", resolve));
    try {
      // Migrates and seeds the new database first, so this one may take a while.
      const run = await runToExit("src/server.ts", [], { PGLITE_DIR: pgliteDir, PORT: String(port) }, 90_000);
      expect(run.code, run.stderr).toBe(1);
      expect(run.stderr).toBe(
        `The portal could not start: Port ${port} is already in use on 127.0.0.1: set PORT to another port or stop the other process\n`,
      );
      expect(run.stdout).toMatch(/migrations applied/);
      // The metrics port too, by its own setting.
      const metrics = await runToExit(
        "src/server.ts",
        [],
        { PGLITE_DIR: pgliteDir, PORT: String(await freePort()), METRICS_PORT: String(port) },
        30_000,
      );
      expectRefusal(
        metrics,
        `The portal could not start: Port ${port} is already in use on 127.0.0.1: set METRICS_PORT to another port or stop the other process`,
      );
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
    expect(existsSync(lockFile)).toBe(false);
  });

  it("is refused to a second portal and to npm run db:seed while the portal has it, naming the folder and the pid", async () => {
    const env = { PGLITE_DIR: pgliteDir, TRUST_PROXY: "0" };
    const portal = await startServer({ env });
    expect(readFileSync(lockFile, "utf8").trim()).toBe(String(portal.pid));
    const inUse = `The embedded database in ${pgliteDir} is in use by process ${portal.pid}: stop it first`;
    expectRefusal(await runToExit("src/server.ts", [], env, 30_000), `The portal could not start: ${inUse}`);
    expectRefusal(await runToExit("src/db/cli.ts", ["seed"], env, 30_000), new RegExp(`^${inUse}`));
    // Still serving, and in production with TRUST_PROXY 0 it said what to set.
    expect((await fetch(`${portal.url}/health/ready`)).status).toBe(200);
    expect(portal.logs().some((l) => l.level === 40 && /^TRUST_PROXY is 0/.test(String(l.msg)))).toBe(true);
    const stopped = await portal.stop();
    expect(stopped.code).toBe(0);
    expect(existsSync(lockFile)).toBe(false);
  });

  it.each([
    ["under a regular file", () => path.join(writeFileIn(scratch), "pglite"), "ENOTDIR"],
    // Before: the portal waited for ever, saying nothing.
    ["under /proc", () => `/proc/rhins-${process.pid}/pglite`, "ENOENT"],
  ])("that cannot be written (%s) is one line, at once", async (_where, folder, code) => {
    const dir = folder();
    const cannot = `The embedded database folder ${dir} cannot be written (${code}): set PGLITE_DIR to a folder this user may write`;
    expectRefusal(
      await runToExit("src/server.ts", [], { PGLITE_DIR: dir }, 10_000),
      `The portal could not start: ${cannot}`,
    );
    expectRefusal(await runToExit("src/db/cli.ts", ["migrate"], { PGLITE_DIR: dir }, 10_000), cannot);
  });
});

describe("a Postgres server that does not answer", () => {
  it("is one line naming its address and not the password", async () => {
    const port = await freePort();
    const env = { DATABASE_URL: `postgresql://rhins:not-this-password@127.0.0.1:${port}/rhins` };
    const unreachable = `Cannot reach the Postgres server at 127.0.0.1:${port} (ECONNREFUSED): check DATABASE_URL and that the server is running`;
    for (const [script, args, prefix] of [
      ["src/server.ts", [], "The portal could not start: "],
      ["src/db/cli.ts", ["migrate"], ""],
    ] as const) {
      const run = await runToExit(script, [...args], env, 10_000);
      expectRefusal(run, `${prefix}${unreachable}`);
      expect(run.stderr + run.stdout).not.toContain("not-this-password");
    }
  });
});

describe("a db command with a wrong setting", () => {
  it("names the setting, without a stack", async () => {
    const run = await runToExit("src/db/cli.ts", ["migrate"], { SESSION_SECRET: "" }, 10_000);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      "Invalid configuration:\n  SESSION_SECRET: is required in production\nSee .env.example for every setting.\n",
    );
  });
});

function writeFileIn(dir: string) {
  const file = path.join(dir, "a-file");
  writeFileSync(file, "");
  return file;
}
