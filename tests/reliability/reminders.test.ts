// Reminders are sent exactly once, across instances and restarts, through a real SMTP server.
// With this financial year's plan published, a coordinator sets the deadline of the quarter that
// ended last to three working days from today; at the next reminder check (a portal's start-up at
// the latest) each officer whose agency owes updates receives one email listing them. Then two
// portal processes on the same Postgres database, restarted again and again, send nothing more.
// And an email being sent when SIGTERM arrives is finished before the portal exits.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { type Quarter, quarterOf, yearSlug } from "../../src/services/plan/year.ts";
import { londonDay, workingDaysAfter } from "../../src/services/reminders/working-days.ts";
import { testApp } from "../helpers/app.ts";
import { PASSWORD } from "../helpers/partners.ts";
import {
  type ServerDatabase,
  type ServerProcess,
  cleanUp,
  createAccounts,
  createServerDatabase,
  startServer,
} from "../helpers/server-process.ts";
import { HttpClient } from "../helpers/http-client.ts";
import { type TestSmtp, testSmtp } from "../helpers/smtp.ts";

const COORDINATOR = "reminders.coordinator@partners.test";
/** Officers of every agency that leads something: each owes updates, as nothing is reviewed yet. */
const OFFICERS = [
  "reminders.nsc1@partners.test",
  "reminders.nsc2@partners.test",
  "reminders.police@partners.test",
  "reminders.sari@partners.test",
];

let smtp: TestSmtp;
let database: ServerDatabase;
let db: Database;
let env: Record<string, string>;
/** The quarter that ended last, and this financial year. */
const today = londonDay(new Date());
const current = quarterOf(new Date(`${today}T12:00:00Z`));
const last: { startYear: number; quarter: Quarter } =
  current.quarter === 1
    ? { startYear: current.startYear - 1, quarter: 4 }
    : { startYear: current.startYear, quarter: (current.quarter - 1) as Quarter };
const deadline = workingDaysAfter(today, 3);

/** Waits until no reminder check is waiting or running and at least `after` have completed. */
async function checksDone(after: number): Promise<number> {
  const until = Date.now() + 60_000;
  for (;;) {
    const [row] = await db.withConnection((c) =>
      c.query<{ pending: string; done: string }>(
        `SELECT count(*) FILTER (WHERE state IN ('created', 'retry', 'active')) AS pending,
                count(*) FILTER (WHERE state = 'completed') AS done
           FROM pgboss.job WHERE name = 'reminders'`,
      ),
    );
    const done = Number(row!.done);
    if (Number(row!.pending) === 0 && done > after) return done;
    if (Date.now() > until) throw new Error(`reminder checks: ${row!.pending} pending, ${done} done`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Every queued email has been sent (or failed). */
async function emailsSettled() {
  const until = Date.now() + 30_000;
  while ((await db.prisma.emailMessage.count({ where: { status: { in: ["QUEUED", "SENDING"] } } })) > 0) {
    if (Date.now() > until) throw new Error("emails still waiting");
    await new Promise((r) => setTimeout(r, 200));
  }
}

const reminders = () => smtp.messages.filter((m) => m.subject?.startsWith("Reminder:"));
const recipient = (m: (typeof smtp.messages)[number]) => (m.to && !Array.isArray(m.to) ? m.to.text : "");

beforeAll(async () => {
  smtp = await testSmtp();
  database = await createServerDatabase();
  db = await database.open();
  const [coordinator] = await createAccounts(db, [COORDINATOR], "COORDINATOR", "NSC", PASSWORD);
  await createAccounts(db, OFFICERS.slice(0, 2), "OFFICER", "NSC", PASSWORD);
  await createAccounts(db, [OFFICERS[2]!], "OFFICER", "Police", PASSWORD);
  await createAccounts(db, [OFFICERS[3]!], "OFFICER", "SARI", PASSWORD);
  const [inactive] = await createAccounts(db, ["reminders.gone@partners.test"], "OFFICER", "Police", PASSWORD);
  await db.prisma.user.update({ where: { id: inactive!.id }, data: { active: false } });
  await createAccounts(db, ["reminders.viewer@partners.test"], "VIEWER", null, PASSWORD);
  // The seeded 2023/24 plan rolled forward, year by year, to this year's, every one published.
  const { services } = testApp(db);
  for (let year = 2023; year < current.startYear; year += 1) {
    await services.planAdmin.rollover(coordinator!, year);
    await services.planAdmin.setStatus(coordinator!, year + 1, "PUBLISHED");
  }
  env = { SMTP_URL: smtp.url, PUBLIC_BASE_URL: "https://rhins.example.org", DATABASE_URL: database.url };
});

afterAll(async () => {
  await db?.close();
  await cleanUp();
  await smtp?.close();
});

describe("background jobs", () => {
  it("send each quarterly reminder once: to each officer who owes updates, after a coordinator sets a deadline three working days away", async () => {
    const first = await startServer({ env });
    let done = await checksDone(0); // its start-up check: the old quarters are long gone
    await emailsSettled();
    expect(reminders()).toEqual([]);

    const coordinator = await new HttpClient(first.url).signIn(COORDINATOR, PASSWORD);
    const [y, m, d] = deadline.split("-");
    const page = `/partners/plans/${yearSlug(last.startYear)}/quarters/${last.quarter}`;
    const res = await coordinator.submit(page, {
      "deadline-day": String(Number(d)),
      "deadline-month": String(Number(m)),
      "deadline-year": y!,
    });
    expect(res.status).toBe(302);

    // The next check: a second instance's start-up.
    const second = await startServer({ env });
    done = await checksDone(done);
    await emailsSettled();
    const sent = reminders();
    expect(sent.map(recipient).sort()).toEqual([...OFFICERS].sort());
    for (const mail of sent) {
      expect(mail.subject).toMatch(/^Reminder: \d+ updates due by .+ \(3 working days left\)$/);
      expect(mail.text).toContain(`https://rhins.example.org/partners/commitments/`);
    }
    const total = smtp.messages.length;

    // Both restarted, three times, together: nothing more is sent.
    let running: ServerProcess[] = [first, second];
    for (let round = 0; round < 3; round += 1) {
      await Promise.all(running.map((p) => p.stop("SIGTERM")));
      running = await Promise.all([startServer({ env }), startServer({ env })]);
      done = await checksDone(done);
      await emailsSettled();
    }
    expect(smtp.messages.length).toBe(total);
    // One row decided each reminder, and each was sent once.
    const rows = await db.prisma.reminderSent.findMany({ where: { kind: "BEFORE_DEADLINE" } });
    expect(rows).toHaveLength(OFFICERS.length);
    const keys = smtp.messages.map((m) => `${recipient(m)} ${m.subject}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("finish an email that is being sent when SIGTERM arrives, before the portal exits", async () => {
    const server = await startServer({ env });
    const coordinator = await new HttpClient(server.url).signIn(COORDINATOR, PASSWORD);
    smtp.delayMs = 3_000; // the mail server takes its time to accept the message
    try {
      const res = await coordinator.submit("/partners/accounts/new", {
        name: "Slow Mail",
        email: "reminders.slow@partners.test",
        role: "VIEWER",
        agencyId: "",
      });
      expect(res.status).toBe(200);
      const until = Date.now() + 30_000;
      while (
        (await db.prisma.emailMessage.findFirst({ where: { to: "reminders.slow@partners.test" } }))?.status !==
        "SENDING"
      ) {
        if (Date.now() > until) throw new Error("the email was never being sent");
        await new Promise((r) => setTimeout(r, 50));
      }
      const stopped = await server.stop("SIGTERM", 20_000);
      expect(stopped.code).toBe(0);
    } finally {
      smtp.delayMs = 0;
    }
    const row = await db.prisma.emailMessage.findFirstOrThrow({ where: { to: "reminders.slow@partners.test" } });
    expect(row.status).toBe("SENT");
    expect(smtp.messages.filter((m) => recipient(m) === "reminders.slow@partners.test")).toHaveLength(1);
  });
});
