// Concurrent saves: 20 officers of the lead agency open the same quarter's review and save it at
// the same moment from the same version. Exactly one save wins each version, every other gets 409
// with the winner's review shown, and the history is complete: versions 1..n with no gaps, one
// audit event each, the latest matching the review.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { PASSWORD } from "../helpers/partners.ts";
import {
  HttpClient,
  type ServerDatabase,
  type ServerProcess,
  cleanUp,
  commitmentsLedBy,
  createAccounts,
  createServerDatabase,
  csrfTokenIn,
  problemsIn,
  startServer,
} from "../helpers/server-process.ts";

const OFFICERS = 20;
const ROUNDS = 3;

let database: ServerDatabase;
let db: Database;
let server: ServerProcess;
let officers: { email: string; name: string; client: HttpClient }[];
let commitmentId: number;

beforeAll(async () => {
  database = await createServerDatabase();
  db = await database.open();
  const emails = Array.from({ length: OFFICERS }, (_, i) => `saver${i + 1}@partners.test`);
  const users = await createAccounts(db, emails, "OFFICER", "NSC", PASSWORD);
  commitmentId = (await commitmentsLedBy(db, "NSC"))[0]!.id;
  server = await startServer({ env: { DATABASE_URL: database.url } });
  officers = [];
  for (let i = 0; i < OFFICERS; i += 5) {
    const batch = await Promise.all(
      users.slice(i, i + 5).map(async (u) => ({
        email: u.email,
        name: u.name,
        client: await new HttpClient(server.url).signIn(u.email, PASSWORD),
      })),
    );
    officers.push(...batch);
  }
});

afterAll(async () => {
  await db?.close();
  await cleanUp();
});

describe(`${OFFICERS} officers saving the same review at once`, () => {
  it("lets exactly one save win each version, refuses the rest with 409, and keeps a complete history", async () => {
    const path = `/partners/commitments/${commitmentId}/reviews/1`;
    const winners: { name: string; commentary: string; status: string }[] = [];
    const statuses = ["AMBER", "GREEN", "RED"] as const;

    for (let round = 0; round < ROUNDS; round += 1) {
      // Everyone opens the form first: the same version for all.
      const forms = await Promise.all(officers.map((o) => o.client.get(path)));
      const versions = forms.map((f) => /name="version" value="(\d+)"/.exec(f.text)?.[1]);
      expect(new Set(versions)).toEqual(new Set([String(round)]));

      // Then everyone presses "Save" at the same moment.
      const status = statuses[round % statuses.length]!;
      const results = await Promise.all(
        officers.map((o, i) =>
          o.client.postRaw(
            path,
            new URLSearchParams({
              status,
              commentary: `Round ${round + 1}: update from ${o.name}`,
              version: String(round),
              _csrf: csrfTokenIn(forms[i]!.text),
            }),
          ),
        ),
      );
      const byStatus = results.reduce<Record<number, number>>(
        (acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }),
        {},
      );
      expect(byStatus, `round ${round + 1}`).toEqual({ 302: 1, 409: OFFICERS - 1 });

      const winner = officers[results.findIndex((r) => r.status === 302)]!;
      winners.push({ name: winner.name, commentary: `Round ${round + 1}: update from ${winner.name}`, status });
      // Each refused officer is shown the winner's review, and keeps what they typed.
      for (const [i, res] of results.entries()) {
        if (res.status !== 409) continue;
        expect(res.text).toContain("Someone else has updated this review");
        expect(res.text).toContain(`Round ${round + 1}: update from ${winner.name}`);
        expect(res.text).toContain(`Round ${round + 1}: update from ${officers[i]!.name}`);
        expect(res.text).toContain(`name="version" value="${round + 1}"`);
      }
    }

    // The stored history is complete and consistent.
    const review = await db.prisma.review.findUniqueOrThrow({
      where: { commitmentId_quarter: { commitmentId, quarter: 1 } },
      include: { versions: { orderBy: { version: "asc" }, include: { author: true } } },
    });
    expect(review.version).toBe(ROUNDS);
    expect(review.commentary).toBe(winners.at(-1)!.commentary);
    expect(
      review.versions.map((v) => ({
        version: v.version,
        status: v.status,
        commentary: v.commentary,
        author: v.author?.name,
      })),
    ).toEqual(winners.map((w, i) => ({ version: i + 1, status: w.status, commentary: w.commentary, author: w.name })));
    expect(review.versions.map((v) => v.previousStatus)).toEqual([null, ...winners.slice(0, -1).map((w) => w.status)]);
    const audits = await db.prisma.auditEvent.findMany({
      where: { action: "review.saved", entityId: `${commitmentId}/Q1` },
      orderBy: { id: "asc" },
    });
    expect(audits.map((a) => (a.after as { version: number; commentary: string }).commentary)).toEqual(
      winners.map((w) => w.commentary),
    );
    expect(problemsIn(server)).toEqual([]);
  });
});
