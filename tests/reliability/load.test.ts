// Load: the real portal (a child process, production mode, Postgres) under 200 concurrent
// connections on the public pages and, at the same time, 20 signed-in partners on the partner
// pages, for 30 seconds. Every response must be a complete 200: no errors, no timeouts, no 5xx,
// and the portal logs no error.
import autocannon from "autocannon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD } from "../helpers/partners.ts";
import {
  type ServerProcess,
  cleanUp,
  commitmentsLedBy,
  createAccounts,
  createServerDatabase,
  OVER_HTTPS,
  problemsIn,
  startServer,
} from "../helpers/server-process.ts";
import { HttpClient } from "../helpers/http-client.ts";

const SECONDS = 30;
const PUBLIC_CONNECTIONS = 200;
const SESSIONS = 20;
const PUBLIC_PAGES = ["/", "/report", "/reporting-centres?town=Clevedon", "/plan"];

let server: ServerProcess;
let partnerPages: string[];
const cookies: string[] = [];

beforeAll(async () => {
  const database = await createServerDatabase();
  const db = await database.open();
  try {
    const emails = Array.from({ length: SESSIONS }, (_, i) => `load.officer${i + 1}@partners.test`);
    await createAccounts(db, emails, "OFFICER", "NSC", PASSWORD);
    const [commitment] = await commitmentsLedBy(db, "NSC");
    partnerPages = ["/partners", "/partners/account", `/partners/commitments/${commitment!.id}/reviews/1`];
  } finally {
    await db.close();
  }
  server = await startServer({ env: { DATABASE_URL: database.url, LOG_LEVEL: "warn" } });
  // Sign every session in first, with real CSRF tokens, a few at a time.
  for (let i = 0; i < SESSIONS; i += 5) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(5, SESSIONS - i) }, (_, j) =>
        new HttpClient(server.url).signIn(`load.officer${i + j + 1}@partners.test`, PASSWORD),
      ),
    );
    cookies.push(...batch.map((c) => c.cookie));
  }
});

afterAll(cleanUp);

/** Counts each page's answers by status, from autocannon's per-request hook. */
function tally() {
  const counts = new Map<string, Map<number, number>>();
  return {
    counts,
    onResponse(path: string) {
      return (status: number) => {
        const byStatus = counts.get(path) ?? new Map<number, number>();
        byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
        counts.set(path, byStatus);
      };
    },
    statuses(path: string) {
      return Object.fromEntries(counts.get(path) ?? []);
    },
  };
}

describe("under load", () => {
  it(`serves ${PUBLIC_CONNECTIONS} connections on public pages and ${SESSIONS} signed-in partners for ${SECONDS} s with no errors`, async () => {
    expect(new Set(cookies).size).toBe(SESSIONS);
    const publicTally = tally();
    const partnerTally = tally();
    let next = 0;
    const common = { url: server.url, duration: SECONDS, timeout: 30 };
    const [publicResult, partnerResult] = await Promise.all([
      autocannon({
        ...common,
        connections: PUBLIC_CONNECTIONS,
        requests: PUBLIC_PAGES.map((path) => ({ method: "GET", path, onResponse: publicTally.onResponse(path) })),
      }),
      autocannon({
        ...common,
        connections: SESSIONS,
        requests: partnerPages.map((path) => ({
          method: "GET",
          path,
          // Each request goes out as one of the signed-in partners, in turn.
          setupRequest: (req) => ({
            ...req,
            headers: { ...req.headers, ...OVER_HTTPS, cookie: cookies[next++ % SESSIONS]! },
          }),
          onResponse: partnerTally.onResponse(path),
        })),
      }),
    ]);

    for (const [name, result, pages, counts] of [
      ["public", publicResult, PUBLIC_PAGES, publicTally],
      ["partner", partnerResult, partnerPages, partnerTally],
    ] as const) {
      const summary = {
        name,
        requests: result.requests.total,
        errors: result.errors,
        timeouts: result.timeouts,
        non2xx: result.non2xx,
        "5xx": result["5xx"],
        byPage: Object.fromEntries(pages.map((p) => [p, counts.statuses(p)])),
      };
      process.stdout.write(`load: ${JSON.stringify(summary)}\n`);
      expect(summary, JSON.stringify(summary)).toMatchObject({ errors: 0, timeouts: 0, non2xx: 0, "5xx": 0 });
      // Every page was asked for and answered 200 every time (a lost session would be a 302).
      for (const page of pages) expect(Object.keys(counts.statuses(page)), page).toEqual(["200"]);
    }

    // Still alive and ready, and it logged no error while under load.
    expect(server.child.exitCode).toBeNull();
    expect((await fetch(`${server.url}/health/ready`)).status).toBe(200);
    expect(problemsIn(server).map((line) => line.slice(0, 500))).toEqual([]);
  });
});
