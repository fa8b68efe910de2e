// npm run bench: builds the large dataset on a database of its own, starts the portal in
// production mode as a council runs it (the compiled build, `node dist/server.js`, built first if
// src/ changed) as a child process, times its start and its memory idle, and measures with autocannon in one run: a bare Node http
// server sending the same bytes as the home page (the baseline), the public pages, the signed-in
// dashboard, the partner plan page and its print view; then the portal's memory (RSS) over a
// longer run on one page. Prints a Markdown table and writes results.json and results.md.
//
//   npm run bench                                   # PGlite, in a temporary folder
//   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npm run bench
//                                                   # a fresh database on that server, dropped after
//
// Settings: BENCH_SECONDS (per page, 10), BENCH_CONNECTIONS (10), BENCH_RSS_SECONDS (60),
// BENCH_RSS_PAGE (one page for the memory run instead of every page in turn), BENCH_OUT (folder for results.json and results.md, default bench),
// BENCH_CPU_PROF=1 (write a V8 CPU profile of the portal to bench/out, for finding a slow page),
// BENCH_PAGES (only the pages whose path starts with one of these comma-separated prefixes).
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { openDatabase } from "../src/db/database.ts";
import { yearSlug } from "../src/services/plan/year.ts";
import {
  OVER_HTTPS,
  adminQuery,
  cleanUp,
  freePort,
  startServer,
  waitFor,
  type ServerProcess,
} from "../tests/helpers/server-process.ts";
import { HttpClient } from "../tests/helpers/http-client.ts";
import {
  BENCH_ACCOUNT,
  BENCH_CASEWORKER,
  BENCH_COORDINATOR,
  benchReference,
  buildDataset,
  type DatasetSummary,
} from "./dataset.ts";
import { type ReportLoad, reportLoad } from "./reports.ts";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const number = (value: string | undefined, fallback: number) => {
  const n = Number(value);
  return value && Number.isFinite(n) && n > 0 ? n : fallback;
};
const SECONDS = number(process.env.BENCH_SECONDS, 10);
const CONNECTIONS = number(process.env.BENCH_CONNECTIONS, 10);
const RSS_SECONDS = number(process.env.BENCH_RSS_SECONDS, 60);
const RSS_PAGE = process.env.BENCH_RSS_PAGE || undefined;
const OUT = path.resolve(process.env.BENCH_OUT || HERE);
const SCRATCH = path.join(HERE, "out"); // logs and profiles (not committed)
const CPU_PROF = process.env.BENCH_CPU_PROF === "1";
const SERVER_URL = process.env.DATABASE_URL || undefined;
const ONLY = process.env.BENCH_PAGES?.split(",").filter(Boolean);

/** Public pages must reach this share of the bare server's throughput (GUIDE section 6). */
const PUBLIC_RATIO_TARGET = 0.5;
/** Partner pages' p99 latency at 10 connections, on Postgres (GUIDE section 6). */
const PARTNER_P99_TARGET_MS = 50;
/** Online reports: the rate they arrive at, and the submit step's p99 (GUIDE section 6). */
const REPORTS_PER_SECOND = 20;
const SUBMIT_P99_TARGET_MS = 200;
/** RSS may grow at most this much over the memory run. */
const RSS_GROWTH_TARGET = 0.1;
/** From the build (issue 17): the first page this soon after the process starts, and RSS idle and after the bench. */
const FIRST_PAGE_TARGET_MS = 2_000;
const IDLE_RSS_TARGET_MB = 150;
const END_RSS_TARGET_MB = 250;
/** How long the portal is left alone, once ready, before its idle RSS is read: its start-up jobs (case reminders,
 * report notifications over the whole dataset) finish in the first 20 s or so, and idle means after them. */
const IDLE_SECONDS = 30;

const say = (line = "") => process.stdout.write(`${line}\n`);

interface Page {
  name: string;
  path: string;
  kind: "baseline" | "public" | "partner";
  /** Who asks for it: the council's officer, or a coordinator (the pages only they have). */
  signedIn?: "officer" | "coordinator" | "caseworker";
}

interface Measurement {
  name: string;
  path: string;
  kind: Page["kind"];
  available: boolean;
  status?: number;
  requestsPerSecond?: number;
  latencyP50Ms?: number;
  latencyP99Ms?: number;
  errors?: number;
  non2xx?: number;
  /** The response's size in bytes, uncompressed. */
  bytes?: number;
  ratioToBaseline?: number;
  /** Public pages: the bare server sending this page's own bytes, and this page's share of it. */
  sameBytesRequestsPerSecond?: number;
  ratioToSameBytes?: number;
  target?: string;
  met?: boolean;
}

// ---------------------------------------------------------------------------------------------
// The database: a fresh one on the given server, or a PGlite folder; removed afterwards.

async function makeDatabase(): Promise<{ env: Record<string, string>; label: string; dispose: () => Promise<void> }> {
  if (SERVER_URL) {
    const name = `rhins_bench_${process.pid}_${randomBytes(3).toString("hex")}`;
    await adminQuery(SERVER_URL, `CREATE DATABASE ${name}`);
    const url = new URL(SERVER_URL);
    url.pathname = `/${name}`;
    return {
      env: { DATABASE_URL: url.toString() },
      label: `Postgres (${url.hostname}:${url.port || 5432})`,
      dispose: () => adminQuery(SERVER_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(() => {}),
    };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "rhins-bench-"));
  return {
    env: { PGLITE_DIR: dir },
    label: "PGlite (embedded)",
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function fillDatabase(env: Record<string, string>): Promise<DatasetSummary> {
  const db = await openDatabase(
    env.DATABASE_URL
      ? { kind: "postgres", url: env.DATABASE_URL, poolMax: 4, connectionTimeoutMs: 10_000, idleTimeoutMs: 10_000 }
      : { kind: "pglite", dir: env.PGLITE_DIR! },
  );
  try {
    return await buildDataset(db);
  } finally {
    await db.close();
  }
}

// ---------------------------------------------------------------------------------------------
// The baseline: a bare Node http server (its own process, like the portal) sending each public
// page's bytes with the same headers, as the portal sent them. Its home page is the baseline of
// the issue; each public page is also compared with the bare server sending that page's own bytes
// (GUIDE section 6: "a bare Node http server sending the same bytes").

const BARE_SERVER = `
const http = require("node:http");
const fs = require("node:fs");
const [pagesFile, port] = process.argv.slice(1);
const pages = new Map(
  JSON.parse(fs.readFileSync(pagesFile, "utf8")).map((p) => {
    const body = fs.readFileSync(p.bodyFile);
    return [p.path, { body, headers: { ...p.headers, "content-length": body.length } }];
  }),
);
http
  .createServer((req, res) => {
    const page = pages.get(req.url);
    if (!page) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, page.headers);
    res.end(page.body);
  })
  .listen(Number(port), "127.0.0.1", () => process.stdout.write("ready\\n"));
process.on("SIGTERM", () => process.exit(0));
`;

interface Baseline {
  url: string;
  child: ChildProcess;
  /** Each page's size in bytes, as the portal sends it uncompressed. */
  bytes: Map<string, number>;
}

async function startBaseline(appUrl: string, paths: string[]): Promise<Baseline> {
  const skip = new Set(["date", "connection", "keep-alive", "transfer-encoding", "content-length"]);
  const bytes = new Map<string, number>();
  const pages = await Promise.all(
    paths.map(async (pagePath, i) => {
      const res = await fetch(`${appUrl}${pagePath}`, { headers: { "accept-encoding": "identity" } });
      const body = Buffer.from(await res.arrayBuffer());
      const bodyFile = path.join(SCRATCH, `baseline-${i}.html`);
      writeFileSync(bodyFile, body);
      bytes.set(pagePath, body.length);
      return { path: pagePath, bodyFile, headers: Object.fromEntries([...res.headers].filter(([k]) => !skip.has(k))) };
    }),
  );
  const pagesFile = path.join(SCRATCH, "baseline-pages.json");
  writeFileSync(pagesFile, JSON.stringify(pages));
  const port = await freePort();
  const child = spawn(process.execPath, ["-e", BARE_SERVER, pagesFile, String(port)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once("data", () => resolve());
    child.once("exit", (code) => reject(new Error(`the baseline server exited (${code})`)));
  });
  return { url: `http://127.0.0.1:${port}`, child, bytes };
}

// ---------------------------------------------------------------------------------------------
// Measuring.

/** autocannon at the set connections; with `paths`, each connection asks for them in turn. */
async function cannon(url: string, seconds: number, cookie?: string, paths?: string[]) {
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    timeout: 30,
    headers: cookie ? { cookie, ...OVER_HTTPS } : {},
    ...(paths && { requests: paths.map((path) => ({ method: "GET" as const, path })) }),
  });
}

async function measure(page: Page, base: string, cookies: Record<string, string>): Promise<Measurement> {
  const cookie = page.signedIn ? cookies[page.signedIn]! : "";
  const url = `${base}${page.path}`;
  const headers: Record<string, string> = page.signedIn ? { cookie, ...OVER_HTTPS } : {};
  const probe = await fetch(url, { headers, redirect: "manual" });
  const bytes = (await probe.arrayBuffer()).byteLength;
  const result: Measurement = {
    name: page.name,
    path: page.path,
    kind: page.kind,
    available: probe.status !== 404,
    bytes,
  };
  if (!result.available) return { ...result, status: 404 };
  await cannon(url, 1, page.signedIn ? cookie : undefined); // warm up
  const r = await cannon(url, SECONDS, page.signedIn ? cookie : undefined);
  return {
    ...result,
    status: probe.status,
    requestsPerSecond: Math.round(r.requests.average),
    latencyP50Ms: r.latency.p50,
    latencyP99Ms: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
  };
}

/** dist/ rebuilt now if src/ changed, so the portal's start is timed without the build. */
async function buildPortal() {
  const build = spawn(process.execPath, ["scripts/build.mjs", "--if-stale"], {
    cwd: path.join(HERE, ".."),
    stdio: ["ignore", "inherit", "inherit"],
  });
  const [code] = (await once(build, "exit")) as [number | null];
  if (code !== 0) throw new Error(`the build failed (exit ${code})`);
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) * 1024;
}

/** RSS over a long run on the given pages, each connection asking for them in turn, signed in. */
async function memoryRun(server: ServerProcess, cookie: string, paths: string[]) {
  const samples: number[] = [];
  const timer = setInterval(() => samples.push(rssOf(server.pid)), 1_000);
  samples.push(rssOf(server.pid));
  const r = await cannon(server.url, RSS_SECONDS, cookie, paths);
  clearInterval(timer);
  samples.push(rssOf(server.pid));
  // Growth from the start of the run (after its first tenth, for warm-up) to its end, each the median of a few samples.
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const skip = Math.floor(samples.length / 10);
  const window = Math.max(1, Math.min(5, Math.floor(samples.length / 4)));
  const start = median(samples.slice(skip, skip + window));
  const end = median(samples.slice(-window));
  const growth = (end - start) / start;
  return {
    pages: paths,
    seconds: RSS_SECONDS,
    requests: r.requests.total,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    startMb: mb(start),
    endMb: mb(end),
    maxMb: mb(Math.max(...samples)),
    growthPercent: Math.round(growth * 1000) / 10,
    target: `growth <= ${RSS_GROWTH_TARGET * 100}%`,
    met: growth <= RSS_GROWTH_TARGET && r.errors + r.timeouts === 0 && r.non2xx === 0,
    samplesMb: samples.map(mb),
  };
}

// ---------------------------------------------------------------------------------------------
// Reporting.

const mb = (bytes: number) => Math.round((bytes / 1_048_576) * 10) / 10;

interface StartFigures {
  firstPageMs: number;
  idleRssMb: number;
  endRssMb: number;
}

/** The compiled portal's start and memory against the issue's targets. */
function startTable(f: StartFigures): string {
  const rows = [
    [
      "First page (`/`), from spawning the process",
      `${f.firstPageMs} ms`,
      `<= ${FIRST_PAGE_TARGET_MS} ms`,
      f.firstPageMs <= FIRST_PAGE_TARGET_MS,
    ],
    [
      `RSS idle, ${IDLE_SECONDS} s after ready`,
      `${f.idleRssMb} MB`,
      `<= ${IDLE_RSS_TARGET_MB} MB`,
      f.idleRssMb <= IDLE_RSS_TARGET_MB,
    ],
    ["RSS at the end of the bench", `${f.endRssMb} MB`, `<= ${END_RSS_TARGET_MB} MB`, f.endRssMb <= END_RSS_TARGET_MB],
  ] as const;
  const head = ["The compiled portal (`node dist/server.js`, production)", "Measured", "Target", "Met"];
  return [
    head,
    head.map(() => "---"),
    ...rows.map(([what, value, target, met]) => [what, value, target, met ? "yes" : "**no**"]),
  ]
    .map((r) => `| ${r.join(" | ")} |`)
    .join("\n");
}

function judge(
  m: Measurement,
  baseline: Measurement,
  sameBytes: Measurement | undefined,
  postgres: boolean,
): Measurement {
  if (!m.available || m.kind === "baseline") return m;
  const share = (of?: Measurement) => (of?.requestsPerSecond ? m.requestsPerSecond! / of.requestsPerSecond : undefined);
  const ratio = share(baseline);
  const clean = m.errors === 0 && m.non2xx === 0;
  if (m.kind === "public") {
    const ratioToSameBytes = share(sameBytes);
    return {
      ...m,
      ratioToBaseline: ratio,
      sameBytesRequestsPerSecond: sameBytes?.requestsPerSecond,
      ratioToSameBytes,
      target: `>= ${PUBLIC_RATIO_TARGET * 100}% of the bare server, same bytes`,
      met: clean && ratioToSameBytes !== undefined && ratioToSameBytes >= PUBLIC_RATIO_TARGET,
    };
  }
  // The partner pages' target is for the Postgres server; the embedded database is shown, not judged.
  return {
    ...m,
    ratioToBaseline: ratio,
    target: `p99 < ${PARTNER_P99_TARGET_MS} ms${postgres ? "" : " on Postgres (not judged here)"}`,
    met: postgres ? clean && m.latencyP99Ms! < PARTNER_P99_TARGET_MS : undefined,
  };
}

function table(measurements: Measurement[]): string {
  const percent = (ratio?: number) => (ratio === undefined ? "" : `${Math.round(ratio * 100)}%`);
  const rows = measurements.map((m) =>
    m.available
      ? [
          m.kind === "baseline" ? m.name : `\`${m.path}\``,
          String(m.bytes ?? ""),
          String(m.requestsPerSecond),
          String(m.latencyP50Ms),
          String(m.latencyP99Ms),
          String(m.errors),
          String(m.non2xx),
          m.kind === "baseline" ? "100%" : percent(m.ratioToBaseline),
          m.kind === "baseline" ? String(m.requestsPerSecond) : String(m.sameBytesRequestsPerSecond ?? ""),
          m.kind === "baseline" ? "100%" : percent(m.ratioToSameBytes),
          m.target ?? "",
          m.met === undefined ? "" : m.met ? "yes" : "**no**",
        ]
      : [`\`${m.path}\``, "", "not available (404)", "", "", "", "", "", "", "", "", ""],
  );
  const head = [
    "Page",
    "Bytes",
    "Requests/s",
    "p50 ms",
    "p99 ms",
    "Errors",
    "Non-2xx",
    "vs baseline",
    "Bare server, same bytes (req/s)",
    "vs same bytes",
    "Target",
    "Met",
  ];
  return [head, head.map(() => "---"), ...rows].map((r) => `| ${r.join(" | ")} |`).join("\n");
}

/** The online report runs: steady, then with one address flooding the submit step. */
function reportTable(runs: (ReportLoad & { target: string; met?: boolean })[], alone: Measurement | undefined): string {
  const head = [
    "Online reports",
    "Stored / started",
    "Submit p50 ms",
    "Submit p99 ms",
    "`/` requests/s (alone)",
    "`/` p99 ms",
    "Flood refused",
    "Portal CPU",
    "Target",
    "Met",
  ];
  const rows = runs.map((r) => [
    `${r.mode}, ${r.ratePerSecond}/s${r.floodRequests === undefined ? "" : " + a flood from one address"}`,
    `${r.submitted} / ${r.started}`,
    String(r.submitP50Ms),
    String(r.submitP99Ms),
    `${r.publicRequestsPerSecond} (${alone?.requestsPerSecond ?? "?"})`,
    String(r.publicP99Ms),
    r.floodRequests === undefined ? "" : `${r.floodRefused} of ${r.floodRequests}`,
    `${r.portalCpuPercent}%`,
    r.target,
    r.met === undefined ? "" : r.met ? "yes" : "**no**",
  ]);
  return [head, head.map(() => "---"), ...rows].map((r) => `| ${r.join(" | ")} |`).join("\n");
}

// ---------------------------------------------------------------------------------------------

async function main() {
  mkdirSync(SCRATCH, { recursive: true });
  mkdirSync(OUT, { recursive: true });
  const database = await makeDatabase();
  let baselineChild: ChildProcess | undefined;
  const stopAll = async () => {
    baselineChild?.kill("SIGTERM");
    await cleanUp().catch(() => {});
    await database.dispose().catch(() => {});
  };
  process.once("SIGINT", () => void stopAll().then(() => process.exit(130)));
  try {
    say(`Building the dataset on ${database.label}...`);
    const started = Date.now();
    const dataset = await fillDatabase(database.env);
    say(`  ${JSON.stringify(dataset)} in ${Math.round((Date.now() - started) / 1000)} s`);

    say("Building the portal if src/ changed...");
    await buildPortal();
    const logFile = path.join(SCRATCH, "server.log");
    rmSync(logFile, { force: true });
    const spawnedAt = Date.now();
    const server = await startServer({
      build: true,
      // One proxy trusted, so each simulated reporter has its own address (X-Forwarded-For).
      env: { ...database.env, LOG_LEVEL: "info", TRUST_PROXY: "1" },
      logFile,
      nodeArgs: CPU_PROF ? ["--cpu-prof", "--cpu-prof-dir", SCRATCH] : [],
      timeoutMs: 180_000,
      // The first page is served once the portal listens, before /health/ready (the jobs) says ready.
      waitReady: false,
    });
    const home = await fetch(`${server.url}/`);
    await home.arrayBuffer();
    if (home.status !== 200) throw new Error(`the home page answered ${home.status}`);
    const firstPageMs = Date.now() - spawnedAt;
    await waitFor(async () => (await fetch(`${server.url}/health/ready`)).status === 200, 60_000, "/health/ready");
    await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1_000));
    const idleRssMb = mb(rssOf(server.pid));
    say(`  first page ${firstPageMs} ms after the spawn; RSS idle ${idleRssMb} MB`);
    const partner = await new HttpClient(server.url).signIn(BENCH_ACCOUNT.email, BENCH_ACCOUNT.password);
    const coordinator = await new HttpClient(server.url).signIn(BENCH_COORDINATOR.email, BENCH_COORDINATOR.password);
    const caseworker = await new HttpClient(server.url).signIn(BENCH_CASEWORKER.email, BENCH_CASEWORKER.password);
    const cookies = { officer: partner.cookie, coordinator: coordinator.cookie, caseworker: caseworker.cookie };
    const year = yearSlug(dataset.currentYear);
    const allPages: Page[] = [
      { name: "/", path: "/", kind: "public" },
      { name: "/report", path: "/report", kind: "public" },
      { name: "/reporting-centres", path: "/reporting-centres?town=Clevedon", kind: "public" },
      { name: "/plan", path: "/plan", kind: "public" },
      { name: "dashboard", path: "/partners", kind: "partner", signedIn: "officer" },
      { name: "your updates", path: "/partners/updates", kind: "partner", signedIn: "officer" },
      { name: "plan page", path: `/partners/plans/${year}`, kind: "partner", signedIn: "officer" },
      { name: "print view", path: `/partners/plans/${year}/print`, kind: "partner", signedIn: "officer" },
      { name: "emails", path: "/partners/emails", kind: "partner", signedIn: "coordinator" },
      { name: "case list, every case", path: "/partners/cases", kind: "partner", signedIn: "coordinator" },
      { name: "triage queue", path: "/partners/cases?status=NEW", kind: "partner", signedIn: "coordinator" },
      { name: "case list, one agency's", path: "/partners/cases?status=OPEN", kind: "partner", signedIn: "caseworker" },
      { name: "a case", path: `/partners/cases/${benchReference(20)}`, kind: "partner", signedIn: "caseworker" },
      // The figures over 100,000 incidents: the default, and filtered with every case figure.
      { name: "figures", path: "/partners/figures", kind: "partner", signedIn: "officer" },
      {
        name: "figures, one strand and area, with case figures",
        path: "/partners/figures?period=last-24&strand=RACE&area=Clevedon",
        kind: "partner",
        signedIn: "coordinator",
      },
    ];
    const pages = allPages.filter((page) => !ONLY || ONLY.some((prefix) => page.path.startsWith(prefix)));
    const publicPaths = allPages.filter((p) => p.kind === "public").map((p) => p.path);
    const baseline = await startBaseline(server.url, publicPaths);
    baselineChild = baseline.child;

    say(`Measuring ${SECONDS} s per page at ${CONNECTIONS} connections...`);
    const bare = (pagePath: string, name: string) =>
      measure({ name, path: pagePath, kind: "baseline" }, baseline.url, {});
    const base = await bare("/", `baseline: bare Node http, the home page's ${baseline.bytes.get("/")} bytes`);
    say(`  baseline: ${base.requestsPerSecond} requests/s`);
    const measurements = [base];
    for (const page of pages) {
      const sameBytes =
        page.kind !== "public" ? undefined : page.path === "/" ? base : await bare(page.path, `bare: ${page.path}`);
      const m = judge(await measure(page, server.url, cookies), base, sameBytes, Boolean(SERVER_URL));
      measurements.push(m);
      say(
        `  ${page.path}: ${m.available ? `${m.requestsPerSecond} requests/s, p99 ${m.latencyP99Ms} ms` : "not available"}` +
          (sameBytes ? ` (bare server, same bytes: ${sameBytes.requestsPerSecond} requests/s)` : ""),
      );
    }
    baseline.child.kill("SIGTERM");

    say(
      `Online reports: ${REPORTS_PER_SECOND} per second for ${SECONDS} s, with / asked for throughout; then with a flood...`,
    );
    const reportRuns: (ReportLoad & { target: string; met?: boolean })[] = [];
    const runs = [
      { mode: "submissions", flood: false },
      { mode: "submissions", flood: true },
      { mode: "whole forms", flood: false },
    ] as const;
    for (const [i, { mode, flood }] of runs.entries()) {
      const run = await reportLoad(server.url, {
        mode,
        firstReporter: i * 100_000,
        pid: server.pid,
        ratePerSecond: REPORTS_PER_SECOND,
        seconds: SECONDS,
        publicPath: "/",
        connections: CONNECTIONS,
        flood,
      });
      // The public page must keep the share of the bare server it is judged on alone.
      const ratio = run.publicRequestsPerSecond / base.requestsPerSecond!;
      const judged = mode === "submissions";
      reportRuns.push({
        ...run,
        target: judged
          ? `submit p99 < ${SUBMIT_P99_TARGET_MS} ms, every report stored, / >= ${PUBLIC_RATIO_TARGET * 100}% of the bare server`
          : "shown, not judged: the budget is for submissions",
        met: judged
          ? run.failed === 0 && run.submitP99Ms < SUBMIT_P99_TARGET_MS && ratio >= PUBLIC_RATIO_TARGET
          : undefined,
      });
      say(
        `  ${mode}${flood ? " with a flood" : ""}: ${run.submitted}/${run.started} stored, submit p99 ${run.submitP99Ms} ms; ` +
          `/ at ${run.publicRequestsPerSecond} requests/s; portal CPU ${run.portalCpuPercent}%${flood ? `; flood: ${run.floodRefused} of ${run.floodRequests} refused` : ""}`,
      );
    }
    // The officer's pages and the public ones, with the officer's session (the coordinator's and
    // the caseworker's pages would answer it 403 or 404).
    const officerPages = pages.filter((p) => p.signedIn === undefined || p.signedIn === "officer").map((p) => p.path);
    // BENCH_PAGES may leave none of them (only case pages, say): then the home page, since an
    // empty list of requests makes autocannon crash.
    const memoryPages = RSS_PAGE ? [RSS_PAGE] : officerPages.length ? officerPages : ["/"];
    say(`Memory: ${RSS_SECONDS} s on ${memoryPages.join(", ")}...`);
    const memory = await memoryRun(server, partner.cookie, memoryPages);
    const start: StartFigures = { firstPageMs, idleRssMb, endRssMb: mb(rssOf(server.pid)) };
    const stopped = await server.stop("SIGTERM", 30_000);

    const results = {
      date: new Date().toISOString(),
      reduced: SECONDS < 10 || RSS_SECONDS < 60,
      machine: {
        node: process.version,
        cpus: os.cpus().length,
        cpu: os.cpus()[0]?.model ?? "",
        platform: process.platform,
      },
      database: database.label,
      dataset,
      secondsPerPage: SECONDS,
      connections: CONNECTIONS,
      pages: measurements,
      onlineReports: reportRuns,
      memory,
      start,
      portalExit: stopped,
      cpuProfile: CPU_PROF ? SCRATCH : undefined,
    };
    const markdown = [
      `Measured ${results.date.slice(0, 10)} on ${database.label}, Node ${process.version}, ${results.machine.cpus} CPUs; ` +
        `${SECONDS} s per page at ${CONNECTIONS} connections, after a 1 s warm-up. Dataset: ${dataset.plans} years of plans ` +
        `(${dataset.years}), ${dataset.commitments} commitments, ${dataset.reviews} reviews with ${dataset.reviewVersions} versions, ` +
        `${dataset.accounts} accounts, ${dataset.reportingCentres} reporting centres, ${dataset.reports} online reports ` +
        `and ${dataset.policeCrimes} police-recorded crimes over ten years (inserted with their cases in ${dataset.incidentsSeconds} s, ` +
        `the police figures ${dataset.policeSeconds} s of it). ` +
        "Each public page is compared with the bare server sending the home page (vs baseline) and sending that page's own bytes and headers (vs same bytes, the target).",
      "",
      startTable(start),
      "",
      table(measurements),
      "",
      reportTable(
        reportRuns,
        measurements.find((m) => m.kind === "public" && m.path === "/"),
      ),
      "",
      `Memory (RSS of the portal) over ${memory.seconds} s on ${memory.pages.length === 1 ? `\`${memory.pages[0]}\`` : "every page above in turn"} (${memory.requests} requests, ${memory.errors} errors): ` +
        `${memory.startMb} MB after warm-up, ${memory.endMb} MB at the end, ${memory.maxMb} MB at most: ` +
        `${memory.growthPercent >= 0 ? "+" : ""}${memory.growthPercent}% (target: ${memory.target}) ${memory.met ? "met" : "**not met**"}.`,
      results.reduced
        ? "\nA reduced run (shorter than the standard 10 s per page and 60 s for memory): figures are indicative only."
        : "",
    ].join("\n");
    writeFileSync(path.join(OUT, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(path.join(OUT, "results.md"), `${markdown}\n`);
    say();
    say(markdown);
    say();
    say(`Written: ${path.join(OUT, "results.json")} and results.md`);
  } finally {
    await stopAll();
  }
}

main().catch((err) => {
  process.stderr.write(`The benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
