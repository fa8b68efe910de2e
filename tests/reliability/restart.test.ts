// Restart under load: SIGTERM while requests are in flight and traffic keeps coming. The requests
// in flight finish (a review save and a sign-in, held open until after the portal has stopped
// accepting connections), /health/ready answers 503 while draining, the process exits 0 within
// 10 s, and a portal started again on the same database still knows every signed-in session.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { PASSWORD } from "../helpers/partners.ts";
import { reviewFields } from "../helpers/seeded-app.ts";
import {
  type ServerDatabase,
  cleanUp,
  commitmentsLedBy,
  createAccounts,
  createServerDatabase,
  OVER_HTTPS,
  problemsIn,
  requestInFlight,
  startServer,
} from "../helpers/server-process.ts";
import { HttpClient, csrfTokenIn } from "../helpers/http-client.ts";

const OFFICER = "restart.officer@partners.test";
const LATECOMER = "restart.latecomer@partners.test";
const COMMENTARY = "Saved while the portal was stopping";

let database: ServerDatabase;
let db: Database;
let commitmentId: number;

beforeAll(async () => {
  database = await createServerDatabase();
  db = await database.open();
  await createAccounts(db, [OFFICER, LATECOMER], "OFFICER", "NSC", PASSWORD);
  commitmentId = (await commitmentsLedBy(db, "NSC"))[0]!.id;
});

afterAll(async () => {
  await db?.close();
  await cleanUp();
});

/**
 * Keeps asking for pages until a connection fails (the portal has stopped accepting them). A page
 * whose answer began but was cut off is recorded as truncated: that would be a request dropped
 * while in flight.
 */
function backgroundTraffic(url: string, cookie: string, workers = 6) {
  const statuses: number[] = [];
  const truncated: string[] = [];
  let stopped = false;
  const pages = ["/", "/plan", "/reporting-centres?town=Clevedon", "/partners"];
  const done = Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let i = w; !stopped; i += 1) {
        const page = pages[i % pages.length]!;
        let res: Response;
        try {
          res = await fetch(`${url}${page}`, {
            headers: page.startsWith("/partners") ? { cookie, ...OVER_HTTPS } : {},
          });
        } catch {
          return; // no connection (refused, or reset before any answer): the portal has stopped listening
        }
        try {
          await res.text();
          statuses.push(res.status);
        } catch (err) {
          truncated.push(`${page}: ${String(err)}`);
        }
      }
    }),
  );
  return {
    statuses,
    truncated,
    async stop() {
      stopped = true;
      await done;
    },
  };
}

describe("a restart under load", () => {
  it("finishes requests in flight, says not ready while draining, exits 0 within 10 s, and keeps sessions", async () => {
    const server = await startServer({ env: { DATABASE_URL: database.url } });
    const officer = await new HttpClient(server.url).signIn(OFFICER, PASSWORD);
    const reviewPath = `/partners/commitments/${commitmentId}/reviews/1`;
    const reviewForm = await officer.get(reviewPath);
    expect(reviewForm.status).toBe(200);
    const latecomer = new HttpClient(server.url);
    const signInForm = await latecomer.get("/partners/sign-in");

    const traffic = backgroundTraffic(server.url, officer.cookie);
    const formHeaders = (cookie: string) => ({
      Cookie: cookie,
      ...OVER_HTTPS,
      Origin: server.url.replace(/^http:/, "https:"),
      "Content-Type": "application/x-www-form-urlencoded",
    });
    const save = requestInFlight(
      server.url,
      "POST",
      reviewPath,
      formHeaders(officer.cookie),
      new URLSearchParams({
        ...reviewFields(reviewForm.text),
        status: "GREEN",
        commentary: COMMENTARY,
        replaces: "",
      }).toString(),
    );
    const signIn = requestInFlight(
      server.url,
      "POST",
      "/partners/sign-in",
      formHeaders(latecomer.cookie),
      new URLSearchParams({ email: LATECOMER, password: PASSWORD, _csrf: csrfTokenIn(signInForm.text) }).toString(),
    );
    await Promise.all([save.received, signIn.received]);
    await new Promise((r) => setTimeout(r, 500)); // traffic flowing

    const stoppedAt = Date.now();
    server.child.kill("SIGTERM");

    // While draining, readiness says 503 on every new connection until the portal stops listening.
    const readiness: { status: number; body: string }[] = [];
    for (;;) {
      try {
        const res = await fetch(`${server.url}/health/ready`);
        readiness.push({ status: res.status, body: await res.text() });
      } catch {
        break; // connection refused: no longer accepting connections
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const firstNotReady = readiness.findIndex((r) => r.status === 503);
    expect(firstNotReady, JSON.stringify(readiness)).toBeGreaterThanOrEqual(0);
    expect(JSON.parse(readiness[firstNotReady]!.body)).toEqual({ status: "not ready", reason: "shutting down" });
    expect(readiness.slice(firstNotReady).every((r) => r.status === 503)).toBe(true);
    expect(server.child.exitCode).toBeNull(); // still finishing the requests in flight

    // Only now do the requests in flight send their bodies: both complete.
    save.finish();
    signIn.finish();
    const [saved, signedIn] = await Promise.all([save.response, signIn.response]);
    expect(saved.status, saved.body).toBe(302);
    expect(saved.headers).toMatch(new RegExp(`^Location: ${reviewPath}$`, "m"));
    expect(signedIn.status, signedIn.body).toBe(302);
    expect(signedIn.headers).toMatch(/^Location: \/partners$/m);
    const latecomerCookie = /^Set-Cookie: (rhins\.sid=[^;]+)/m.exec(signedIn.headers)?.[1];
    expect(latecomerCookie).toBeDefined();

    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);

    // The traffic got complete answers, none 5xx, until connections were refused.
    await traffic.stop();
    expect(traffic.statuses.length).toBeGreaterThan(0);
    expect(traffic.statuses.filter((s) => s >= 500)).toEqual([]);
    expect(traffic.truncated).toEqual([]);
    // The portal finished every request it started: nothing aborted, no errors.
    expect(problemsIn(server)).toEqual([]);

    // The save is stored whole.
    const review = await db.prisma.review.findFirstOrThrow({
      where: { commitmentId, quarter: 1 },
      include: { versions: true },
    });
    expect(review).toMatchObject({ version: 1, status: "GREEN", commentary: COMMENTARY });
    expect(review.versions.map((v) => v.version)).toEqual([1]);

    // Started again on the same database: both sessions still work, without signing in again.
    const again = await startServer({ env: { DATABASE_URL: database.url } });
    for (const [cookie, email] of [
      [officer.cookie, OFFICER],
      [latecomerCookie!, LATECOMER],
    ] as const) {
      const client = new HttpClient(again.url);
      client.cookie = cookie;
      const home = await client.get("/partners");
      expect(home.status, email).toBe(200);
      expect(home.text).toContain(email.split("@")[0]);
    }
    const page = new HttpClient(again.url);
    page.cookie = officer.cookie;
    expect((await page.get(reviewPath)).text).toContain(COMMENTARY);
    const stopped = await again.stop("SIGTERM");
    expect(stopped).toMatchObject({ code: 0, signal: null });
  });
});
