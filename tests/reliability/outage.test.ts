// Database outage (Postgres only): a TCP proxy between the portal and the shared Postgres server is
// cut or silenced, so the database goes away without touching the server itself. Pages that need
// the database answer 503 with the friendly page within 5 s, the process stays up, /health/ready
// says not ready, and once the database is back the portal recovers by itself. A review save
// interrupted by the outage is stored whole or not at all.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { PASSWORD } from "../helpers/partners.ts";
import { reviewFields } from "../helpers/seeded-app.ts";
import {
  type ServerDatabase,
  type ServerProcess,
  cleanUp,
  commitmentsLedBy,
  createAccounts,
  createServerDatabase,
  problemsIn,
  startServer,
  waitFor,
} from "../helpers/server-process.ts";
import { HttpClient } from "../helpers/http-client.ts";
import { TcpProxy } from "../helpers/tcp-proxy.ts";

const OFFICER = "outage.officer@partners.test";
const FRIENDLY = "Sorry, the service is unavailable";
const WITHIN_MS = 5_000;

let database: ServerDatabase;
let db: Database;
let proxy: TcpProxy;
let server: ServerProcess;
let officer: HttpClient;
let commitments: number[];

beforeAll(async () => {
  database = await createServerDatabase();
  db = await database.open();
  await createAccounts(db, [OFFICER], "OFFICER", "NSC", PASSWORD);
  commitments = (await commitmentsLedBy(db, "NSC")).map((c) => c.id);
  proxy = await TcpProxy.start(database.url);
  // Without the public page cache every page asks the database (with it, public pages rendered in
  // the last minute would still be served during an outage, which is what production does).
  server = await startServer({ env: { DATABASE_URL: database.urlVia(proxy.port), PUBLIC_PAGE_CACHE_SECONDS: "0" } });
  officer = await new HttpClient(server.url).signIn(OFFICER, PASSWORD);
});

afterAll(async () => {
  await db?.close();
  await cleanUp();
});

const reviewPath = (commitmentId: number, quarter = 1) => `/partners/commitments/${commitmentId}/reviews/${quarter}`;

/** Pages that read the database: public ones, and partner ones (the session itself is in the database). */
const databasePages = () => [
  "/",
  "/plan",
  "/reporting-centres?town=Clevedon",
  "/support",
  "/about",
  "/partners",
  "/partners/account",
  reviewPath(commitments[0]!),
];

async function expectUnavailable() {
  const pid = server.pid;
  const answers = await Promise.all(
    databasePages().map(async (page) => {
      const started = Date.now();
      const res = await officer.get(page);
      return { page, status: res.status, friendly: res.text.includes(FRIENDLY), ms: Date.now() - started };
    }),
  );
  for (const answer of answers) {
    expect(answer, JSON.stringify(answer)).toMatchObject({ status: 503, friendly: true });
    expect(answer.ms, answer.page).toBeLessThan(WITHIN_MS);
  }
  const ready = await fetch(`${server.url}/health/ready`);
  expect(ready.status).toBe(503);
  expect(await ready.json()).toMatchObject({ status: "not ready" });
  expect((await fetch(`${server.url}/health/live`)).status).toBe(200);
  // A page that needs no database is still served, and the process is the same one.
  expect((await fetch(`${server.url}/report`)).status).toBe(200);
  expect(server.child.exitCode).toBeNull();
  expect(server.pid).toBe(pid);
}

async function expectRecovered() {
  proxy.restore();
  await waitFor(async () => (await fetch(`${server.url}/health/ready`)).status === 200, 30_000, "readiness");
  for (const page of databasePages()) expect((await officer.get(page)).status, page).toBe(200);
  expect(server.child.exitCode).toBeNull();
}

/** Every stored review is whole: versions 1..n with nothing missing, the latest matching the review, an audit event for each. */
async function expectConsistentHistory() {
  const reviews = await db.prisma.review.findMany({
    include: { agency: true, versions: { orderBy: { version: "asc" } } },
  });
  const audits = await db.prisma.auditEvent.findMany({ where: { action: "review.saved" } });
  for (const review of reviews) {
    const versions = review.versions.map((v) => v.version);
    expect(versions).toEqual(Array.from({ length: review.version }, (_, i) => i + 1));
    const latest = review.versions.at(-1)!;
    expect({ status: latest.status, commentary: latest.commentary }).toEqual({
      status: review.status,
      commentary: review.commentary,
    });
    const audited = audits
      .filter((a) => a.entityId === `${review.commitmentId}/Q${review.quarter}/${review.agency.code}`)
      .map((a) => (a.after as { version: number }).version)
      .sort((a, b) => a - b);
    expect(audited).toEqual(versions);
  }
}

/** The review form's token and version, then a save with them. */
async function save(commitmentId: number, commentary: string) {
  const form = await officer.get(reviewPath(commitmentId));
  expect(form.status).toBe(200);
  const fields = reviewFields(form.text);
  const started = Date.now();
  const res = await officer.postRaw(
    reviewPath(commitmentId),
    new URLSearchParams({ ...fields, status: "AMBER", commentary, replaces: "" }),
  );
  return { ...res, ms: Date.now() - started, version: Number(fields.version) };
}

async function stored(commentary: string) {
  const [versions, audits] = await Promise.all([
    db.prisma.reviewVersion.count({ where: { commentary } }),
    db.prisma.auditEvent.findMany({ where: { action: "review.saved" } }),
  ]);
  return {
    versions,
    audits: audits.filter((a) => (a.after as { commentary?: string }).commentary === commentary).length,
  };
}

describe("when the database goes away", () => {
  it("answers 503 with the friendly page within 5 s when connections are cut, then recovers by itself", async () => {
    for (const page of databasePages()) expect((await officer.get(page)).status, page).toBe(200);
    proxy.cut();
    await expectUnavailable();
    await expectUnavailable(); // and again, once the pool has noticed
    await expectRecovered();
  });

  it("answers 503 within 5 s when the network goes silent (no reset, no answer), then recovers by itself", async () => {
    proxy.silence();
    await expectUnavailable();
    await expectRecovered();
  });

  it("stores nothing of a save cut off before its audit event reaches the database", async () => {
    const commitmentId = commitments[1]!;
    const before = await db.prisma.review.findFirst({ where: { commitmentId, quarter: 1 } });
    const cutting = proxy.cutOn("to-server", '"AuditEvent"');
    const res = await save(commitmentId, "Cut off before the audit event");
    await cutting;
    expect(res.status).toBe(503);
    expect(res.text).toContain(FRIENDLY);
    expect(res.ms).toBeLessThan(WITHIN_MS);
    expect(await db.prisma.review.findFirst({ where: { commitmentId, quarter: 1 } })).toEqual(before);
    expect(await stored("Cut off before the audit event")).toEqual({ versions: 0, audits: 0 });

    await expectRecovered();
    // Saving again, from the same version, works once.
    const again = await save(commitmentId, "Saved after the database came back");
    expect(again.status).toBe(302);
    expect(again.version).toBe(before?.version ?? 0);
    expect(await stored("Saved after the database came back")).toEqual({ versions: 1, audits: 1 });
    await expectConsistentHistory();
  });

  it("stores the whole save when the database committed it but its answer was lost", async () => {
    const commitmentId = commitments[2]!;
    const cutting = proxy.cutOn("to-client", "COMMIT\0");
    const res = await save(commitmentId, "Committed, answer lost");
    await cutting;
    expect(res.status).toBe(503);
    expect(res.text).toContain(FRIENDLY);
    expect(await stored("Committed, answer lost")).toEqual({ versions: 1, audits: 1 });
    const review = await db.prisma.review.findFirstOrThrow({
      where: { commitmentId, quarter: 1 },
    });
    expect(review).toMatchObject({ commentary: "Committed, answer lost", version: res.version + 1 });
    await expectRecovered();
    await expectConsistentHistory();
  });

  it("keeps every save whole or absent when the database goes away in the middle of many saves", async () => {
    const attempts: { commentary: string; status: number | "failed" }[] = [];
    let running = true;
    // Four at once, each on its own review (quarters 2 and 3 of two commitments).
    const reviews = [2, 3].flatMap((quarter) => commitments.slice(0, 2).map((id) => reviewPath(id, quarter)));
    const workers = reviews.map(async (path, w) => {
      for (let n = 0; running; n += 1) {
        const commentary = `worker ${w} save ${n}`;
        try {
          const form = await officer.get(path);
          if (form.status !== 200) {
            await new Promise((r) => setTimeout(r, 50));
            continue;
          }
          const res = await officer.postRaw(
            path,
            new URLSearchParams({ ...reviewFields(form.text), status: "GREEN", commentary, replaces: "" }),
          );
          attempts.push({ commentary, status: res.status });
        } catch {
          attempts.push({ commentary, status: "failed" });
        }
      }
    });
    await new Promise((r) => setTimeout(r, 1_500));
    proxy.cut();
    await new Promise((r) => setTimeout(r, 1_000));
    await expectRecovered();
    await new Promise((r) => setTimeout(r, 500));
    running = false;
    await Promise.all(workers);

    expect(attempts.filter((a) => a.status === 302).length).toBeGreaterThan(0);
    expect(attempts.filter((a) => a.status === 503).length).toBeGreaterThan(0);
    // Only "saved", "try again" (503) or a stale form (409): never a 500, never a broken response.
    expect(attempts.filter((a) => ![302, 409, 503].includes(a.status as number))).toEqual([]);
    for (const attempt of attempts) {
      const found = await stored(attempt.commentary);
      expect(found.versions, attempt.commentary).toBe(found.audits); // whole or absent
      if (attempt.status === 302) expect(found, attempt.commentary).toEqual({ versions: 1, audits: 1 });
    }
    await expectConsistentHistory();
    // Nothing but "database unavailable" went wrong: no crash, no stack trace, no other error.
    expect(problemsIn(server, ["database unavailable"])).toEqual([]);
  });
});
