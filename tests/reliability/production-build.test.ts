// The production build (issue 17): `npm run build` compiles src/ to dist/; the compiled portal,
// started as a council would (NODE_ENV=production, its required settings), makes an empty
// Postgres database ready from dist/ and serves the public site, its assets and the partner
// area; pdfkit, docx and qrcode load on the first request that needs them, not at start (and
// PGlite never on Postgres); and npm start (scripts/start.mjs) rebuilds when src/ changed,
// passes signals and exit codes through, bounds the portal's memory in production, and runs src/
// through tsx outside production. The start script is checked on a one-file copy of the project
// in a temporary folder, so src/ is never touched.
import { spawn } from "node:child_process";
import { once } from "node:events";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD } from "../helpers/partners.ts";
import {
  ROOT,
  type ServerProcess,
  adminQuery,
  cleanUp,
  createAccounts,
  postgresServer,
  startServer,
} from "../helpers/server-process.ts";
import { HttpClient } from "../helpers/http-client.ts";

const OFFICER = "build.officer@partners.test";
const LAZY = ["pdfkit", "fontkit", "docx", "qrcode"];

/** Runs a command to its end; what it printed, and how it ended. */
async function run(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) {
  const child = spawn(process.execPath, args, { cwd: options.cwd, env: options.env ?? process.env });
  let output = "";
  for (const stream of [child.stdout, child.stderr])
    stream.setEncoding("utf8").on("data", (c: string) => (output += c));
  const [code, signal] = (await once(child, "close")) as [number | null, NodeJS.Signals | null];
  return { code, signal, output };
}

describe("the compiled portal", () => {
  let serverUrl: string;
  let dbName: string;
  let server: ServerProcess;
  let loadedLog: string;
  let scratch: string;

  beforeAll(async () => {
    const build = await run(["scripts/build.mjs"], { cwd: ROOT });
    expect(build.code, build.output).toBe(0);

    // An empty database: the compiled portal must find prisma/migrations from dist/ to make it ready.
    serverUrl = postgresServer();
    dbName = `rhins_build_${process.pid}_${Date.now().toString(36)}`;
    await adminQuery(serverUrl, `CREATE DATABASE ${dbName}`);
    const url = new URL(serverUrl);
    url.pathname = `/${dbName}`;

    // Every package the portal imports, written down as it is resolved (module hooks run on a thread of their own).
    scratch = mkdtempSync(path.join(os.tmpdir(), "rhins-build-"));
    loadedLog = path.join(scratch, "loaded.txt");
    const hooks = path.join(scratch, "hooks.mjs");
    writeFileSync(
      hooks,
      `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(${JSON.stringify(loadedLog)}, result.url + "\\n");
  return result;
}`,
    );
    const register = path.join(scratch, "register.mjs");
    writeFileSync(
      register,
      `import { register } from "node:module";\nregister(${JSON.stringify(`file://${hooks}`)});\n`,
    );
    server = await startServer({
      build: true,
      env: { DATABASE_URL: url.toString() },
      nodeArgs: ["--import", register],
    });
    const db = await import("../../src/db/database.ts").then(({ openDatabase }) =>
      openDatabase({
        kind: "postgres",
        url: url.toString(),
        poolMax: 2,
        connectionTimeoutMs: 5_000,
        idleTimeoutMs: 5_000,
      }),
    );
    try {
      await createAccounts(db, [OFFICER], "OFFICER", "NSC", PASSWORD);
    } finally {
      await db.close();
    }
  });

  afterAll(async () => {
    await cleanUp();
    if (dbName) await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  const packagesLoaded = () => [
    ...new Set(
      [...readFileSync(loadedLog, "utf8").matchAll(/\/node_modules\/((?:@[^/]+\/)?[^/]+)\//g)].map((m) => m[1]!),
    ),
  ];

  it("is built to dist/ with the files src/ reads at run time", () => {
    expect(existsSync(path.join(ROOT, "dist", "server.js"))).toBe(true);
    expect(readFileSync(path.join(ROOT, "dist", "services", "common-passwords.txt"), "utf8")).toBe(
      readFileSync(path.join(ROOT, "src", "services", "common-passwords.txt"), "utf8"),
    );
    expect(readFileSync(loadedLog, "utf8")).toContain(`file://${path.join(ROOT, "dist", "server.js")}`);
    expect(readFileSync(loadedLog, "utf8")).not.toContain(`${pathToFileURL(path.join(ROOT, "src"))}/`);
  });

  it("migrates an empty database and serves the public site, its assets and the partner sign-in", async () => {
    const client = new HttpClient(server.url);
    expect((await client.get("/health/ready")).status).toBe(200);
    const home = await client.get("/");
    expect(home.status).toBe(200);
    expect(home.text).toContain("RHINS");
    expect((await client.get("/assets/stylesheets/app.css")).status).toBe(200);
    expect((await client.get("/assets/govuk-frontend.min.js")).status).toBe(200);
    const signIn = await client.get("/partners/sign-in");
    expect(signIn.status).toBe(200);
    expect(signIn.text).toContain('name="_csrf"');
  });

  it("loads pdfkit, docx and qrcode on the first request that needs them, not at start", async () => {
    const client = new HttpClient(server.url);
    await client.get("/");
    await client.signIn(OFFICER, PASSWORD);
    expect((await client.get("/partners")).status).toBe(200);
    const atStart = packagesLoaded();
    expect(atStart).toContain("express");
    for (const name of LAZY) expect(atStart, name).not.toContain(name);
    // On a Postgres server the embedded database's code is never loaded.
    for (const name of ["@electric-sql/pglite", "pglite-prisma-adapter"]) expect(atStart, name).not.toContain(name);

    expect((await client.get("/partners/plans/2023-24/plan.pdf")).headers.get("content-type")).toBe("application/pdf");
    expect((await client.get("/partners/plans/2023-24/plan.docx")).status).toBe(200);
    expect((await client.get("/partners/account/two-factor")).text).toContain("data:image/png;base64,");
    const after = packagesLoaded();
    for (const name of LAZY) expect(after, name).toContain(name);
    // A second time uses the loaded library.
    expect((await client.get("/partners/plans/2023-24/plan.pdf")).status).toBe(200);
  });
});

describe("npm start (scripts/start.mjs)", () => {
  // A copy of the project with a one-file portal that says which build it is, takes SIGTERM, and
  // exits with the code it is given.
  let project: string;
  const portal = (version: string) => `import v8 from "node:v8";
const version: string = ${JSON.stringify(version)};
const heapMb = Math.round(v8.getHeapStatistics().heap_size_limit / 1048576);
// Listening before saying it started: the test sends SIGTERM as soon as it reads the first line.
process.on("SIGTERM", () => {
  console.log("portal got SIGTERM");
  process.exit(3);
});
console.log(\`portal \${version} from \${import.meta.url.includes("/dist/") ? "dist" : "src"}, heap limit \${heapMb} MB, malloc arenas \${process.env.MALLOC_ARENA_MAX ?? "default"}, mmap from \${process.env.MALLOC_MMAP_THRESHOLD_ ?? "default"}\`);
const code = Number(process.env.PORTAL_EXIT ?? "0");
if (process.env.PORTAL_EXIT) process.exit(code);
setInterval(() => {}, 1000);
`;
  const env = (extra: Record<string, string> = {}) => {
    const base: NodeJS.ProcessEnv = { ...process.env, ...extra };
    if (!("NODE_ENV" in extra)) delete base.NODE_ENV;
    return base;
  };

  beforeAll(() => {
    project = mkdtempSync(path.join(os.tmpdir(), "rhins-start-"));
    mkdirSync(path.join(project, "src"));
    mkdirSync(path.join(project, "scripts"));
    for (const file of [
      "tsconfig.json",
      "tsconfig.build.json",
      "scripts/build.mjs",
      "scripts/start.mjs",
      "scripts/portal-node.json",
    ])
      cpSync(path.join(ROOT, file), path.join(project, file));
    writeFileSync(path.join(project, "package.json"), `{ "type": "module" }\n`);
    symlinkSync(path.join(ROOT, "node_modules"), path.join(project, "node_modules"));
    writeFileSync(path.join(project, "src", "server.ts"), portal("one"));
  });

  afterAll(() => {
    if (project) rmSync(project, { recursive: true, force: true });
  });

  /**
   * Starts `node scripts/start.mjs`, waits for the portal's first line, sends SIGTERM to the start
   * script alone. It runs in a process group of its own, killed afterwards, so a portal the script
   * failed to stop does not outlive the test.
   */
  async function startAndStop(envFor: NodeJS.ProcessEnv) {
    const child = spawn(process.execPath, ["scripts/start.mjs"], { cwd: project, env: envFor, detached: true });
    let output = "";
    for (const stream of [child.stdout, child.stderr])
      stream.setEncoding("utf8").on("data", (c: string) => (output += c));
    const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
    try {
      const deadline = Date.now() + 60_000;
      while (!/portal \w+ from/.test(output) && child.exitCode === null && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const [code] = await exited;
      clearTimeout(timer);
      await new Promise((r) => setTimeout(r, 100)); // the portal's last lines
      return { code, output };
    } finally {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // the group has already gone
      }
    }
  }

  it("builds when dist/ is missing, runs dist/server.js, and passes SIGTERM and the exit code through", async () => {
    const { code, output } = await startAndStop(env({ NODE_ENV: "production" }));
    expect(output).toContain("building dist/");
    expect(output).toContain("portal one from dist");
    expect(output).toContain("portal got SIGTERM");
    expect(code).toBe(3);
  });

  /** The portal's heap limit in MB, its malloc arenas and mmap threshold, as it printed them. */
  const memoryOf = (output: string) => {
    const [, heapMb, arenas, mmapFrom] = /heap limit (\d+) MB, malloc arenas (\w+), mmap from (\w+)/.exec(output) ?? [];
    return { heapMb: Number(heapMb), arenas, mmapFrom };
  };

  it("runs the portal with its memory bounded in production, unless the environment says otherwise", async () => {
    const bounded = memoryOf((await startAndStop(env({ NODE_ENV: "production" }))).output);
    expect(bounded.heapMb).toBeGreaterThanOrEqual(256);
    expect(bounded.heapMb).toBeLessThan(290); // the old generation and the young one's 3 × 8 MB
    expect(bounded).toMatchObject({ arenas: "2", mmapFrom: "131072" });
    const chosen = memoryOf(
      (
        await startAndStop(
          env({
            NODE_ENV: "production",
            NODE_OPTIONS: "--max-old-space-size=512",
            MALLOC_ARENA_MAX: "4",
            MALLOC_MMAP_THRESHOLD_: "65536",
          }),
        )
      ).output,
    );
    expect(chosen.heapMb).toBeGreaterThanOrEqual(512);
    expect(chosen.heapMb).toBeLessThan(550);
    expect(chosen).toMatchObject({ arenas: "4", mmapFrom: "65536" });
  });

  it("does not build again while src/ is unchanged", async () => {
    const before = statSync(path.join(project, "dist", "server.js")).mtimeMs;
    const { output } = await startAndStop(env({ NODE_ENV: "production" }));
    expect(output).not.toContain("building");
    expect(output).toContain("portal one from dist");
    expect(statSync(path.join(project, "dist", "server.js")).mtimeMs).toBe(before);
  });

  it("rebuilds when a file in src/ changed, reading NODE_ENV from .env", async () => {
    writeFileSync(path.join(project, "src", "server.ts"), portal("two"));
    writeFileSync(path.join(project, ".env"), "NODE_ENV=production\n");
    try {
      const { output } = await startAndStop(env());
      expect(output).toContain("src/ changed since the last build: building dist/");
      expect(output).toContain("portal two from dist");
    } finally {
      rmSync(path.join(project, ".env"));
    }
  });

  it("ends with the portal's own exit code", async () => {
    const result = await run(["scripts/start.mjs"], {
      cwd: project,
      env: env({ NODE_ENV: "production", PORTAL_EXIT: "7" }),
    });
    expect(result.output).toContain("portal two from dist");
    expect(result.code).toBe(7);
  });

  it("runs src/ through tsx outside production", async () => {
    const { code, output } = await startAndStop(env({ NODE_ENV: "development" }));
    expect(output).toContain("portal two from src");
    expect(memoryOf(output)).toMatchObject({ arenas: "default", mmapFrom: "default" });
    expect(memoryOf(output).heapMb).toBeGreaterThan(1_000);
    expect(code).toBe(3);
  });
});
