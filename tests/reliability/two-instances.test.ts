// Two portal processes on one Postgres database behave as one portal. Public pages are kept for
// 60 s (PUBLIC_PAGE_CACHE_SECONDS), yet a change made on one instance, or by hand in SQL, shows on
// both within a second, also after their listening connections were cut; the per-address limits
// on signing in and on sending reports count the attempts to both together; and a scheduled job
// (the reminder check, every minute here) runs once for both: each officer gets one reminder.
// The instances are behind a pretend TLS proxy (TRUST_PROXY=1), so each test comes from an
// address of its own (X-Forwarded-For), over "HTTPS" (X-Forwarded-Proto) as the partner area needs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { type Quarter, quarterOf, yearSlug } from "../../src/services/plan/year.ts";
import { londonDay, workingDaysAfter } from "../../src/services/reminders/working-days.ts";
import { testApp } from "../helpers/app.ts";
import { cutChangeListeners } from "../helpers/database.ts";
import { PASSWORD } from "../helpers/partners.ts";
import {
  type ServerDatabase,
  type ServerProcess,
  cleanUp,
  createAccounts,
  createServerDatabase,
  startServer,
  waitFor,
} from "../helpers/server-process.ts";
import { HttpClient } from "../helpers/http-client.ts";
import { type TestSmtp, testSmtp } from "../helpers/smtp.ts";

const SIGN_IN_LIMIT = 4;
const COORDINATOR = "two.coordinator@partners.test";
/** An officer of each agency that leads something: each owes updates, as nothing is reviewed yet. */
const OFFICERS = ["two.nsc@partners.test", "two.police@partners.test", "two.sari@partners.test"];

let smtp: TestSmtp;
let database: ServerDatabase;
let db: Database;
let a: ServerProcess;
let b: ServerProcess;
/** When the deadline that makes reminders due was set: the next scheduled check sends them. */
let deadlineSetAt: Date;
/** The coordinator, signed in on instance A. */
let coordinator: HttpClient;

const today = londonDay(new Date());
const current = quarterOf(new Date(`${today}T12:00:00Z`));
const last: { startYear: number; quarter: Quarter } =
  current.quarter === 1
    ? { startYear: current.startYear - 1, quarter: 4 }
    : { startYear: current.startYear, quarter: (current.quarter - 1) as Quarter };

/** A visitor or partner at `address`, talking to one instance. */
const from = (server: ServerProcess, address: string) =>
  new HttpClient(server.url, { "x-forwarded-for": address, "x-forwarded-proto": "https" });
const byHand = (sql: string) => db.withConnection((c) => c.exec(sql));
const publicPage = async (server: ServerProcess, path: string) => {
  const res = await fetch(`${server.url}${path}`);
  expect(res.status).toBe(200);
  return res.text();
};
/** How long until `path` on `server` shows (or no longer shows) `text`, at most a second. */
const within1s = (server: ServerProcess, path: string, text: string, shown = true) =>
  waitFor(async () => (await publicPage(server, path)).includes(text) === shown, 1_000, `${path} on ${server.port}`);

const reminderJobs = (where: string) =>
  db.withConnection((c) =>
    c.query<{ minute: Date; jobs: string; done: string }>(
      `SELECT date_trunc('minute', created_on) AS minute, count(*) AS jobs,
              count(*) FILTER (WHERE state = 'completed') AS done
         FROM pgboss.job WHERE name = 'reminders' AND ${where} GROUP BY 1 ORDER BY 1`,
    ),
  );
const emailsSettled = () =>
  waitFor(
    async () => (await db.prisma.emailMessage.count({ where: { status: { in: ["QUEUED", "SENDING"] } } })) === 0,
    30_000,
    "every email sent",
  );

beforeAll(async () => {
  smtp = await testSmtp();
  database = await createServerDatabase();
  db = await database.open();
  const [account] = await createAccounts(db, [COORDINATOR], "COORDINATOR", "NSC", PASSWORD);
  await createAccounts(db, [OFFICERS[0]!], "OFFICER", "NSC", PASSWORD);
  await createAccounts(db, [OFFICERS[1]!], "OFFICER", "Police", PASSWORD);
  await createAccounts(db, [OFFICERS[2]!], "OFFICER", "SARI", PASSWORD);
  // The seeded 2023/24 plan rolled forward to this year's, every one published.
  const { services } = testApp(db);
  for (let year = 2023; year < current.startYear; year += 1) {
    await services.planAdmin.rollover(account!, year);
    await services.planAdmin.setStatus(account!, year + 1, "PUBLISHED");
  }
  const env = {
    DATABASE_URL: database.url,
    PUBLIC_PAGE_CACHE_SECONDS: "60",
    SIGN_IN_LIMIT_PER_IP: String(SIGN_IN_LIMIT),
    TRUST_PROXY: "1",
    REMINDER_CHECK_MINUTES: "1",
    SMTP_URL: smtp.url,
    PUBLIC_BASE_URL: "https://rhins.example.org",
  };
  [a, b] = await Promise.all([startServer({ env }), startServer({ env })]);
  // Their start-up checks find nothing due; only then is a deadline set that makes reminders due.
  await waitFor(
    async () => {
      const checks = await reminderJobs("true");
      return checks.length > 0 && checks.every((c) => c.done === c.jobs);
    },
    30_000,
    "the start-up reminder checks",
  );
  await emailsSettled();
  coordinator = await from(a, "10.20.0.1").signIn(COORDINATOR, PASSWORD);
  const [y, m, d] = workingDaysAfter(today, 3).split("-");
  deadlineSetAt = new Date();
  const set = await coordinator.submit(`/partners/plans/${yearSlug(last.startYear)}/quarters/${last.quarter}`, {
    "deadline-day": String(Number(d)),
    "deadline-month": String(Number(m)),
    "deadline-year": y!,
  });
  expect(set.status).toBe(302);
});

afterAll(async () => {
  await db?.close();
  await cleanUp();
  await smtp?.close();
});

describe("two instances on one database", () => {
  it("show a change made on either, or by hand in SQL, on both instances' kept public pages within a second", async () => {
    const service = await db.prisma.supportService.findFirstOrThrow({ where: { active: true } });
    for (const server of [a, b]) expect(await publicPage(server, "/support")).toContain(service.name);
    const hidden = await coordinator.submit(
      `/partners/directory/support/${service.id}`,
      {},
      `/partners/directory/support/${service.id}/hide`,
    );
    expect(hidden.status).toBe(302);
    expect(await within1s(b, "/support", service.name, false)).toBeLessThan(1_000);
    expect(await within1s(a, "/support", service.name, false)).toBeLessThan(1_000);

    for (const server of [a, b]) await publicPage(server, "/vision");
    await byHand(`UPDATE "Plan" SET "vision" = 'A vision typed in SQL' WHERE "startYear" = ${current.startYear}`);
    for (const server of [a, b]) expect(await within1s(server, "/vision", "A vision typed in SQL")).toBeLessThan(1_000);

    // Both listening connections cut: each connects again, drops what it kept, and hears again.
    expect(await cutChangeListeners(db)).toBe(2);
    for (const server of [a, b]) {
      await waitFor(
        () => server.logs().some((l) => l.level === 40 && /change listener connected again/.test(String(l.msg))),
        2_000,
        `instance ${server.port} listening again`,
      );
    }
    await byHand(`UPDATE "Plan" SET "vision" = 'Heard after the cut' WHERE "startYear" = ${current.startYear}`);
    for (const server of [a, b]) expect(await within1s(server, "/vision", "Heard after the cut")).toBeLessThan(1_000);
  });

  it("count sign-in attempts from one address on both instances together", async () => {
    const address = "10.20.0.2";
    const attempt = async (server: ServerProcess, password = "not the password at all") =>
      (await from(server, address).submit("/partners/sign-in", { email: COORDINATOR, password })).status;
    const statuses = [];
    for (let i = 0; i < SIGN_IN_LIMIT; i += 1) statuses.push(await attempt(i % 2 ? b : a));
    expect(statuses).toEqual(Array(SIGN_IN_LIMIT).fill(401));
    expect(await attempt(a)).toBe(429);
    expect(await attempt(b, PASSWORD)).toBe(429);
    // Another address is counted on its own.
    await from(b, "10.20.0.3").signIn(COORDINATOR, PASSWORD);
  });

  it("count reports sent from one address on both instances together: the 11th in an hour is refused", async () => {
    const send = async (server: ServerProcess) =>
      (await from(server, "10.20.0.4").postRaw("/report/online/check-answers", "")).status;
    const statuses = [];
    for (let i = 0; i < 10; i += 1) statuses.push(await send(i % 2 ? b : a));
    expect(statuses).not.toContain(429);
    expect(await send(a)).toBe(429);
    expect(await send(b)).toBe(429);
  });

  it("run a scheduled job once for both: the next reminder check emails each officer one reminder", async () => {
    const after = `singleton_key IS NULL AND created_on > '${deadlineSetAt.toISOString()}'`;
    await waitFor(
      async () => (await reminderJobs(after)).some((c) => Number(c.done) > 0),
      100_000,
      "a scheduled check",
    );
    await emailsSettled();
    const reminders = smtp.messages.filter((m) => /working days left/.test(m.subject ?? ""));
    const to = reminders.map((m) => (m.to && !Array.isArray(m.to) ? m.to.text : ""));
    expect(to.sort()).toEqual([...OFFICERS].sort());
    // One job for each minute the schedule fired, whichever instance made and ran it.
    const scheduled = await reminderJobs("singleton_key IS NULL");
    expect(scheduled.length).toBeGreaterThan(0);
    for (const minute of scheduled) expect(Number(minute.jobs)).toBe(1);
  }, 150_000);

  it("stop on SIGTERM, listening connections and all, with exit code 0", async () => {
    const stopped = await Promise.all([a.stop("SIGTERM"), b.stop("SIGTERM")]);
    for (const { code, ms } of stopped) {
      expect(code).toBe(0);
      expect(ms).toBeLessThan(10_000);
    }
  });
});
