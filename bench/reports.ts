// The online report under load (GUIDE §6: "report submission p99 < 200 ms while public pages keep
// their throughput, at 20 reports/s"). Reporters fill in the form as a browser does (start, every
// step, Check your answers), each from its own address (X-Forwarded-For, the portal trusting one
// proxy). Two ways: "submissions", where the forms are filled in first and 20 a second are then
// sent (the budget's case: reports arriving at 20 a second, filled in over the minutes before);
// and "whole forms", where 20 a second go through every page during the run, 14 requests each.
// Meanwhile autocannon asks for a public page, and in the flood runs one address posts the submit
// step as fast as it is answered: the shared rate limit refuses it, and genuine reports still
// get through.
import { readFileSync } from "node:fs";
import autocannon from "autocannon";
import { ONLINE_ANSWERS } from "../tests/helpers/reports.ts";

const ONLINE = "/report/online";
const STEPS = Object.keys(ONLINE_ANSWERS.anonymous);

type Fields = Record<string, string | string[]>;

function form(fields: Fields): string {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields))
    for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
  return body.toString();
}

interface Journey {
  ok: boolean;
  /** The submit step's own time (the report stored, the emails recorded, the confirmation rendered). */
  submitMs: number;
  status: number;
}

/** One reporter, from `address`, through every page of the form; `send` then submits it. */
async function fillIn(base: string, address: string, answers: Record<string, Fields>) {
  const headers = { "x-forwarded-for": address, origin: base };
  const start = await fetch(`${base}${ONLINE}/start`, { method: "POST", headers, redirect: "manual" });
  const cookie = (start.headers.get("set-cookie") ?? "").split(";")[0]!;
  const first = await fetch(`${base}${start.headers.get("location")}`, { headers: { ...headers, cookie } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await first.text())?.[1] ?? "";
  const post = (path: string, fields: Fields) =>
    fetch(`${base}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: { ...headers, cookie, "content-type": "application/x-www-form-urlencoded" },
      body: form({ _csrf: csrf, ...fields }),
    });
  let failed: number | undefined;
  for (const slug of STEPS) {
    const res = await post(`${ONLINE}/${slug}`, answers[slug]!);
    await res.arrayBuffer();
    if (res.status !== 303) failed = res.status;
  }
  return async (): Promise<Journey> => {
    if (failed !== undefined) return { ok: false, submitMs: 0, status: failed };
    const started = performance.now();
    const res = await post(`${ONLINE}/check-answers`, { declaration: "CONFIRMED", website: "" });
    const page = await res.text();
    const submitMs = performance.now() - started;
    return { ok: res.status === 200 && page.includes("RH-"), submitMs, status: res.status };
  };
}

/** Two in three anonymous, as on peers' forms; a distinct address each (10.x.y.z). */
const reporter = (n: number) => ({
  answers: n % 3 === 0 ? ONLINE_ANSWERS.named : ONLINE_ANSWERS.anonymous,
  address: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
});

export interface ReportLoad {
  /** "submissions" (filled in before, sent during the run) or "whole forms" (every page during it). */
  mode: "submissions" | "whole forms";
  /** Reports started per second, and how many reached their confirmation. */
  ratePerSecond: number;
  started: number;
  submitted: number;
  failed: number;
  submitP50Ms: number;
  submitP99Ms: number;
  /** Autocannon on the public page at the same time. */
  publicPath: string;
  publicRequestsPerSecond: number;
  publicP99Ms: number;
  /** The portal's CPU time over the run (all its threads), as a share of one core. */
  portalCpuPercent: number;
  /** Flood phase only: the one address's refused submits. */
  floodRequests?: number;
  floodRefused?: number;
}

/** A process's CPU time so far in seconds (user + system, every thread), from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100 a second)
}

const percentile = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 10) / 10;
};

/**
 * Reports at `ratePerSecond` for `seconds`, with autocannon on `publicPath` throughout, and with
 * `flood` one more address posting the submit step at 10 connections as fast as it is answered.
 */
export async function reportLoad(
  base: string,
  options: {
    mode: ReportLoad["mode"];
    /** The first reporter's number: each run's addresses are its own, so no run meets another's limit. */
    firstReporter: number;
    pid: number;
    ratePerSecond: number;
    seconds: number;
    publicPath: string;
    connections: number;
    flood?: boolean;
  },
): Promise<ReportLoad> {
  const { ratePerSecond, seconds, publicPath, connections } = options;
  const total = ratePerSecond * seconds;
  // Submissions: every form filled in first, ten at a time, outside the measured time.
  const ready: (() => Promise<Journey>)[] = [];
  if (options.mode === "submissions") {
    for (let i = 0; i < total; i += 10) {
      const batch = Array.from({ length: Math.min(10, total - i) }, (_, k) => reporter(options.firstReporter + i + k));
      ready.push(...(await Promise.all(batch.map((r) => fillIn(base, r.address, r.answers)))));
    }
  }
  const cpuAtStart = cpuSeconds(options.pid);
  const startedAt = performance.now();
  const journeys: Promise<Journey>[] = [];
  let n = 0;
  const timer = setInterval(() => {
    if (n >= total) return;
    const send = ready[n];
    const r = reporter(options.firstReporter + n);
    n += 1;
    journeys.push(send ? send() : fillIn(base, r.address, r.answers).then((submit) => submit()));
  }, 1000 / ratePerSecond);
  const flood = options.flood
    ? autocannon({
        url: `${base}${ONLINE}/check-answers`,
        method: "POST",
        connections,
        duration: seconds,
        headers: { "x-forwarded-for": "192.0.2.66", origin: base, "content-type": "application/x-www-form-urlencoded" },
        body: "declaration=CONFIRMED&website=",
      })
    : undefined;
  const publicRun = await autocannon({ url: `${base}${publicPath}`, connections, duration: seconds });
  clearInterval(timer);
  const results = await Promise.all(journeys);
  const floodRun = await flood;
  const portalCpuPercent = Math.round(
    ((cpuSeconds(options.pid) - cpuAtStart) / ((performance.now() - startedAt) / 1000)) * 100,
  );
  const submitted = results.filter((r) => r.ok);
  return {
    mode: options.mode,
    ratePerSecond,
    started: results.length,
    submitted: submitted.length,
    failed: results.length - submitted.length,
    submitP50Ms: percentile(
      submitted.map((r) => r.submitMs),
      50,
    ),
    submitP99Ms: percentile(
      submitted.map((r) => r.submitMs),
      99,
    ),
    publicPath,
    publicRequestsPerSecond: Math.round(publicRun.requests.average),
    publicP99Ms: publicRun.latency.p99,
    portalCpuPercent,
    ...(floodRun && { floodRequests: floodRun.requests.total, floodRefused: floodRun.non2xx }),
  };
}
