// The real portal as a child process (`node --import tsx src/server.ts`) on an ephemeral loopback
// port, its own database on the Postgres server named by TEST_DATABASE_URL, and clean-up that runs
// even when a test fails (also for the TCP proxy of tcp-proxy.ts). Signing in over the wire:
// http-client.ts. Used by tests/reliability and bench/run.ts.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { closeSync, openSync, readFileSync } from "node:fs";
import net from "node:net";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { migrate } from "../../src/db/migrate.ts";
import { seed } from "../../src/db/seed.ts";
import { hashPassword } from "../../src/services/passwords.ts";
import PORTAL_NODE from "../../scripts/portal-node.json" with { type: "json" };

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Every setting src/config.ts reads: none is inherited from the test's own environment. */
const CONFIG_KEYS = [
  "NODE_ENV",
  "HOST",
  "PORT",
  "LOG_LEVEL",
  "DATABASE_URL",
  "PGLITE_DIR",
  "DB_POOL_MAX",
  "DB_CONNECTION_TIMEOUT_MS",
  "DB_IDLE_TIMEOUT_MS",
  "SESSION_SECRET",
  "TRUST_PROXY",
  "MFA_REQUIRED",
  "SEED_DEMO_PASSWORD",
  "PUBLIC_BASE_URL",
  "SMTP_URL",
  "MAIL_FROM",
  "REMINDER_DAYS_BEFORE",
  "REMINDER_CHECK_MINUTES",
  "SHUTDOWN_TIMEOUT_MS",
  "SIGN_IN_LIMIT_PER_IP",
  "PUBLIC_PAGE_CACHE_SECONDS",
  "REPORT_ENCRYPTION_KEYS",
  "REPORT_ENCRYPTION_KEY_ID",
  "REPORT_HMAC_KEY",
  "BACKUP_DIR",
  "METRICS_TOKEN",
  "METRICS_PORT",
];

/** The Postgres server the reliability tests use (each test makes and drops its own database on it). */
export function postgresServer(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    throw new Error(
      "The reliability tests need a Postgres server: run them with " +
        "TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test npm run test:reliability",
    );
  }
  return url;
}

// ---------------------------------------------------------------------------------------------
// Clean-up: every process and database made here is undone by cleanUp(), and child processes
// are killed if the test runner itself exits first.

const cleanups = new Set<() => Promise<void>>();
const children = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

export function onCleanUp(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  const once = () => {
    cleanups.delete(once);
    done ??= fn();
    return done;
  };
  cleanups.add(once);
  return once;
}

/** Stops every server, proxy and database this file started (newest first); for afterAll/afterEach. */
export async function cleanUp(): Promise<void> {
  const errors: unknown[] = [];
  for (const fn of [...cleanups].reverse()) {
    try {
      await fn();
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length) throw new AggregateError(errors, "clean-up failed");
}

// ---------------------------------------------------------------------------------------------
// Databases on the Postgres server.

export async function adminQuery<T extends pg.QueryResultRow = pg.QueryResultRow>(
  serverUrl: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

export interface ServerDatabase {
  name: string;
  url: string;
  /** The same database through another host and port (e.g. a proxy). */
  urlVia(port: number): string;
  /** A Prisma connection of the test's own, to arrange data and check what was stored. */
  open(): Promise<Database>;
  drop(): Promise<void>;
}

/** A brand-new database on the server, migrated and seeded as in production; dropped by cleanUp(). */
export async function createServerDatabase(
  serverUrl = postgresServer(),
  prefix = "rhins_rel",
): Promise<ServerDatabase> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString("hex")}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const urlVia = (port: number) => {
    const via = new URL(url);
    via.hostname = "127.0.0.1";
    via.port = String(port);
    return via.toString();
  };
  const open = () =>
    openDatabase({
      kind: "postgres",
      url: url.toString(),
      poolMax: 5,
      connectionTimeoutMs: 5_000,
      idleTimeoutMs: 10_000,
    });
  const drop = onCleanUp(() => adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(() => {}));
  try {
    const db = await open();
    try {
      await migrate(db);
      await seed(db.prisma, { production: true });
    } finally {
      await db.close();
    }
  } catch (err) {
    await drop();
    throw err;
  }
  return { name, url: url.toString(), urlVia, open, drop };
}

// ---------------------------------------------------------------------------------------------
// The portal as a child process.

export interface LogLine {
  level?: number;
  msg?: string;
  [key: string]: unknown;
}

export interface ServerProcess {
  url: string;
  port: number;
  pid: number;
  child: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Recent output lines (all warnings and errors are kept; other lines only the last 1,000; with a log file, its last 1,000). */
  output(): string[];
  /** Parsed JSON log lines from the kept output. */
  logs(): LogLine[];
  /** Sends a signal and waits for the exit, killing the process if it takes longer than `withinMs`. */
  stop(
    signal?: NodeJS.Signals,
    withinMs?: number,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

export interface StartOptions {
  /** Settings for src/config.ts; added to safe defaults (production, loopback, a free port). */
  env?: Record<string, string>;
  /** How long start-up (migrations, seed, listen, ready) may take. */
  timeoutMs?: number;
  /** Wait for /health/ready to answer 200 (default true). */
  waitReady?: boolean;
  /** Extra options for node, before the script (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /** Write the output to this file instead of reading it (for long runs: no work in this process). */
  logFile?: string;
  /** Run the compiled build, `node dist/server.js`, as npm start does in production (built first if src/ changed). */
  build?: boolean;
}

export const SESSION_SECRET = "reliability-tests-session-secret-0123456789abcdef";
/** Production needs real keys for data encrypted in the application: fixed ones for the tests. */
export const DATA_KEYS = {
  REPORT_ENCRYPTION_KEYS: `test:${Buffer.alloc(32, 7).toString("base64")}`,
  REPORT_HMAC_KEY: Buffer.alloc(32, 8).toString("base64"),
};

/**
 * The settings a test server gets unless told otherwise: production, as behind the TLS proxy
 * production runs behind (one proxy trusted; requests say X-Forwarded-Proto: https, OVER_HTTPS).
 */
export const DEFAULT_ENV: Record<string, string> = {
  NODE_ENV: "production",
  TRUST_PROXY: "1",
  SESSION_SECRET,
  ...DATA_KEYS,
  MFA_REQUIRED: "false",
  HOST: "127.0.0.1",
  LOG_LEVEL: "info",
  SIGN_IN_LIMIT_PER_IP: "100000",
};

/** What the TLS proxy adds to every request it passes on: the partner area answers only over HTTPS in production. */
export const OVER_HTTPS = { "x-forwarded-proto": "https" };

const KEEP_LINES = 1_000;

/**
 * Runs the portal or a db command (`script`, e.g. "src/db/cli.ts") that is expected to stop on its
 * own, with the settings of startServer; kills it after `timeoutMs`. Everything it printed, by stream.
 */
export async function runToExit(
  script: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const key of CONFIG_KEYS) delete childEnv[key];
  Object.assign(childEnv, DEFAULT_ENV, env);
  const started = Date.now();
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], { cwd: ROOT, env: childEnv });
  children.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const [code, signal] = (await once(child, "close")) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  children.delete(child);
  return { code, signal, stdout, stderr, ms: Date.now() - started };
}

/** `npm run build` when src/ changed since dist/ was built (scripts/build.mjs --if-stale). */
async function buildIfStale(): Promise<void> {
  const build = spawn(process.execPath, ["scripts/build.mjs", "--if-stale"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  for (const stream of [build.stdout, build.stderr])
    stream.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const [code] = (await once(build, "exit")) as [number | null];
  if (code !== 0) throw new Error(`the build failed (${code}):\n${output}`);
}

/**
 * Starts the portal (`node --import tsx src/server.ts`, or with `build` the compiled `node
 * dist/server.js`) on a free loopback port and waits until it is ready.
 */
export async function startServer(options: StartOptions = {}): Promise<ServerProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of CONFIG_KEYS) delete env[key];
  const port = Number(options.env?.PORT ?? (await freePort()));
  Object.assign(env, DEFAULT_ENV, { PORT: String(port) }, options.env);
  if (options.build) {
    await buildIfStale();
    // As npm start runs it in production (scripts/start.mjs): with the memory settings.
    const nodeOptions = [PORTAL_NODE.NODE_OPTIONS, env.NODE_OPTIONS].filter(Boolean).join(" ");
    Object.assign(env, { ...PORTAL_NODE, ...env, NODE_OPTIONS: nodeOptions });
  }
  const script = options.build ? ["dist/server.js"] : ["--import", "tsx", "src/server.ts"];
  const logFd = options.logFile ? openSync(options.logFile, "a") : undefined;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...script], {
    cwd: ROOT,
    env,
    stdio: ["ignore", logFd ?? "pipe", logFd ?? "pipe"],
  });
  if (logFd !== undefined) closeSync(logFd);
  children.add(child);
  // A portal that stops by itself once started has crashed: say why, as the test only sees refused connections.
  let running = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      children.delete(child);
      if (running) {
        // eslint-disable-next-line no-console -- a crash is reported where the test run shows it
        console.error(`The portal on port ${port} stopped by itself (${code ?? signal}):\n${output().join("\n")}`);
      }
      resolve({ code, signal });
    });
  });

  const recent: string[] = [];
  const important: string[] = [];
  const take = (stream: NodeJS.ReadableStream | null) => {
    let partial = "";
    stream?.setEncoding("utf8");
    stream?.on("data", (chunk: string) => {
      const lines = (partial + chunk).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        if (!line) continue;
        // Warnings, errors and anything that is not a log line (a stack trace) are all kept.
        const level = /^\{"level":(\d+)/.exec(line)?.[1];
        if ((level === undefined || Number(level) >= 40) && important.length < 10 * KEEP_LINES) important.push(line);
        recent.push(line);
        if (recent.length > KEEP_LINES) recent.shift();
      }
    });
  };
  take(child.stdout);
  take(child.stderr);
  const output = () =>
    options.logFile
      ? readFileSync(options.logFile, "utf8").split("\n").filter(Boolean).slice(-KEEP_LINES)
      : [...new Set([...important, ...recent])];

  const stop = onCleanUp(async () => {
    running = false;
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
  });

  const timeoutMs = options.timeoutMs ?? 90_000;
  const url = `http://127.0.0.1:${port}`;
  try {
    // Listening (whatever the log level), then ready: the database answers.
    const probe = options.waitReady === false ? "/health/live" : "/health/ready";
    const started = Date.now();
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`the portal exited during start-up (${child.exitCode ?? child.signalCode})`);
      if (Date.now() - started > timeoutMs) throw new Error(`the portal was not ready within ${timeoutMs} ms`);
      const status = await fetch(`${url}${probe}`).then(
        (res) => res.status,
        () => 0,
      );
      if (status === 200) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    running = true;
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}:\n${output().join("\n")}`, { cause: err });
  }

  return {
    url,
    port,
    pid: child.pid!,
    child,
    exited,
    output,
    logs: () =>
      output().flatMap((line) => {
        try {
          return [JSON.parse(line) as LogLine];
        } catch {
          return [];
        }
      }),
    async stop(signal = "SIGTERM", withinMs = 15_000) {
      const started = Date.now();
      running = false;
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), withinMs);
      const result = await exited;
      clearTimeout(timer);
      await stop();
      return { ...result, ms: Date.now() - started };
    },
  };
}

/**
 * What the portal printed that signals a problem: any line that is not a JSON log line (a stack
 * trace printed by Express's last-resort handler, a crash) and any logged error, except errors
 * whose message is in `expected`.
 */
export function problemsIn(server: ServerProcess, expected: string[] = []): string[] {
  return server.output().filter((line) => {
    let entry: LogLine;
    try {
      entry = JSON.parse(line) as LogLine;
    } catch {
      return true;
    }
    return ((entry.level ?? 0) >= 50 || /abort/i.test(String(entry.msg))) && !expected.includes(String(entry.msg));
  });
}

/** A loopback port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Polls `check` until it returns true; throws after `timeoutMs`. */
export async function waitFor(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  what: string,
): Promise<number> {
  const started = Date.now();
  let last: unknown;
  while (Date.now() - started < timeoutMs) {
    try {
      if (await check()) return Date.now() - started;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

// ---------------------------------------------------------------------------------------------
// Accounts and records the tests need, made directly in the database before the portal starts.

/** Makes accounts that all share `password`; returns them in the order of `emails`. */
export async function createAccounts(
  db: Database,
  emails: string[],
  role: "COORDINATOR" | "OFFICER" | "VIEWER",
  agencyCode: string | null,
  password: string,
) {
  const agency = agencyCode ? await db.prisma.agency.findUniqueOrThrow({ where: { code: agencyCode } }) : null;
  const passwordHash = await hashPassword(password);
  await db.prisma.user.createMany({
    data: emails.map((email) => ({
      email,
      name: email.split("@")[0]!,
      role,
      agencyId: agency?.id ?? null,
      passwordHash,
    })),
  });
  return db.prisma.user.findMany({ where: { email: { in: emails } }, orderBy: { id: "asc" } });
}

/** Commitments of the seeded plan that `agencyCode` leads (not "all agencies"). */
export async function commitmentsLedBy(db: Database, agencyCode: string) {
  return db.prisma.commitment.findMany({
    where: { allAgencies: false, retiredAt: null, leads: { some: { agency: { code: agencyCode } } } },
    orderBy: { id: "asc" },
  });
}

/**
 * A request held in flight: its headers are sent with `Expect: 100-continue`, so `received`
 * resolves once the portal has the request (it answers "100 Continue"), and the body is only sent
 * when `finish()` is called. `response` resolves with the final answer when the connection closes.
 */
export function requestInFlight(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string,
) {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  let text = "";
  socket.setEncoding("utf8");
  let onData = () => {};
  socket.on("data", (chunk: string) => {
    text += chunk;
    onData();
  });
  const received = new Promise<void>((resolve, reject) => {
    onData = () => {
      if (/^HTTP\/1\.1 100 Continue\r\n\r\n/.test(text)) resolve();
    };
    socket.once("error", reject);
  });
  const response = new Promise<{ status: number; headers: string; body: string }>((resolve, reject) => {
    socket.once("error", reject);
    socket.once("close", () => {
      const final = text.replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, "");
      const match = /^HTTP\/1\.1 (\d{3})[^\r]*\r\n([\s\S]*?)\r\n\r\n([\s\S]*)$/.exec(final);
      if (!match) return reject(new Error(`no complete response: ${JSON.stringify(text.slice(0, 300))}`));
      resolve({ status: Number(match[1]), headers: match[2]!, body: match[3]! });
    });
  });
  response.catch(() => {});
  const head = Object.entries({
    Host: `${hostname}:${port}`,
    Connection: "close",
    "Content-Length": String(Buffer.byteLength(body)),
    Expect: "100-continue",
    ...headers,
  })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join("");
  socket.write(`${method} ${path} HTTP/1.1\r\n${head}\r\n`);
  return {
    received,
    response,
    finish() {
      socket.write(body);
    },
  };
}
