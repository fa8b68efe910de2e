// Concurrent saves on a real server: 20 officers of three agencies open the same quarter's review
// of a commitment all agencies lead, and save at the same moment, round after round. Each agency
// records its own update, so no agency's update is lost to another's: within each agency exactly
// one save wins each version and every other meets the conflict page showing the winner's update;
// the history is complete (versions 1..n with no gaps, one audit event each, the latest matching).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { PASSWORD } from "../helpers/partners.ts";
import { reviewFields } from "../helpers/seeded-app.ts";
import {
  type ServerDatabase,
  type ServerProcess,
  cleanUp,
  createAccounts,
  createServerDatabase,
  problemsIn,
  startServer,
} from "../helpers/server-process.ts";
import { HttpClient } from "../helpers/http-client.ts";

const AGENCIES = { NSC: 7, Police: 7, SARI: 6 } as const;
const ROUNDS = 3;

type Officer = { email: string; name: string; agency: string; client: HttpClient };

let database: ServerDatabase;
let db: Database;
let server: ServerProcess;
let officers: Officer[];
let commitmentId: number;

beforeAll(async () => {
  database = await createServerDatabase();
  db = await database.open();
  const users: { email: string; name: string; agency: string }[] = [];
  for (const [agency, count] of Object.entries(AGENCIES)) {
    const emails = Array.from({ length: count }, (_, i) => `saver.${agency.toLowerCase()}${i + 1}@partners.test`);
    users.push(...(await createAccounts(db, emails, "OFFICER", agency, PASSWORD)).map((u) => ({ ...u, agency })));
  }
  commitmentId = (await db.prisma.commitment.findFirstOrThrow({ where: { allAgencies: true }, orderBy: { id: "asc" } }))
    .id;
  server = await startServer({ env: { DATABASE_URL: database.url } });
  officers = [];
  for (let i = 0; i < users.length; i += 5) {
    const batch = await Promise.all(
      users
        .slice(i, i + 5)
        .map(async (u) => ({ ...u, client: await new HttpClient(server.url).signIn(u.email, PASSWORD) })),
    );
    officers.push(...batch);
  }
});

afterAll(async () => {
  await db?.close();
  await cleanUp();
});

describe("20 officers of three agencies saving one joint review at once", () => {
  it("keeps every agency's update, lets one save win each version per agency, and shows every conflict", async () => {
    const path = `/partners/commitments/${commitmentId}/reviews/1`;
    const winners = new Map<string, { name: string; commentary: string; status: string }[]>();
    const statuses = ["AMBER", "GREEN", "RED"] as const;

    for (let round = 0; round < ROUNDS; round += 1) {
      // Everyone opens the form first: each agency's form carries that agency's version.
      const forms = await Promise.all(officers.map((o) => o.client.get(path)));
      const fields = forms.map((f) => reviewFields(f.text));
      officers.forEach((o, i) => expect(fields[i]).toMatchObject({ agency: o.agency, version: String(round) }));

      // Then everyone presses "Save update" at the same moment.
      const status = statuses[round % statuses.length]!;
      const results = await Promise.all(
        officers.map((o, i) =>
          o.client.postRaw(
            path,
            new URLSearchParams({
              ...fields[i]!,
              status,
              commentary: `Round ${round + 1}: ${o.agency} update from ${o.name}`,
              replaces: "",
            }),
          ),
        ),
      );
      for (const [agency, count] of Object.entries(AGENCIES)) {
        const mine = results.filter((_, i) => officers[i]!.agency === agency);
        const byStatus = mine.reduce<Record<number, number>>(
          (acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }),
          {},
        );
        expect(byStatus, `round ${round + 1}, ${agency}`).toEqual({ 302: 1, 409: count - 1 });
        const winner = officers[results.findIndex((r, i) => r.status === 302 && officers[i]!.agency === agency)]!;
        const commentary = `Round ${round + 1}: ${agency} update from ${winner.name}`;
        winners.set(agency, [...(winners.get(agency) ?? []), { name: winner.name, commentary, status }]);
        // Each refused officer sees the winner's update beside their own, and can replace it knowingly.
        for (const [i, res] of results.entries()) {
          if (res.status !== 409 || officers[i]!.agency !== agency) continue;
          expect(res.text).toContain(`${winner.name} saved this at`);
          expect(res.text).toContain(commentary);
          expect(res.text).toContain(`Round ${round + 1}: ${agency} update from ${officers[i]!.name}`);
          expect(res.text).toContain(`name="replaces" value="${round + 1}"`);
        }
      }
    }

    // Every agency's update and its history are complete and consistent.
    const updates = await db.prisma.review.findMany({
      where: { commitmentId, quarter: 1 },
      include: { agency: true, versions: { orderBy: { version: "asc" }, include: { author: true } } },
    });
    expect(updates.map((u) => u.agency.code).sort()).toEqual(Object.keys(AGENCIES).sort());
    for (const update of updates) {
      const won = winners.get(update.agency.code)!;
      expect(update.version).toBe(ROUNDS);
      expect(update.commentary).toBe(won.at(-1)!.commentary);
      expect(
        update.versions.map((v) => ({
          version: v.version,
          status: v.status,
          commentary: v.commentary,
          author: v.author?.name,
        })),
      ).toEqual(won.map((w, i) => ({ version: i + 1, status: w.status, commentary: w.commentary, author: w.name })));
      expect(update.versions.map((v) => v.previousStatus)).toEqual([null, ...won.slice(0, -1).map((w) => w.status)]);
      const audits = await db.prisma.auditEvent.findMany({
        where: { action: "review.saved", entityId: `${commitmentId}/Q1/${update.agency.code}` },
        orderBy: { id: "asc" },
      });
      expect(audits.map((a) => (a.after as { commentary: string }).commentary)).toEqual(won.map((w) => w.commentary));
    }
    expect(problemsIn(server)).toEqual([]);
  });
});
