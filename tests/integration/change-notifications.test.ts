// Kept public pages go on every instance within a second of a change committed anywhere, even one
// typed by hand in SQL: triggers notify at commit, each instance listens (db.listen), and a
// listener that connects again drops everything, since what was sent meanwhile is lost.
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LISTENER_APPLICATION_NAME } from "../../src/db/change-listener.ts";
import { seed } from "../../src/db/seed.ts";
import { testApp } from "../helpers/app.ts";
import { type TestDatabase, cutChangeListeners, serverUrl, testDatabase } from "../helpers/database.ts";
import { waitFor } from "../helpers/server-process.ts";

/** A portal (its services and app, not its server) listening for changes on a fresh seeded database. */
async function listeningPortal(server?: string | null) {
  const db = await testDatabase({ server });
  await seed(db.prisma, { production: true });
  const built = testApp(db, { PUBLIC_PAGE_CACHE_SECONDS: "60" });
  const stopListening = await built.services.listenForChanges();
  /** SQL by hand, as from a database console: nothing of the portal's services is involved. */
  const byHand = (script: string) => db.withConnection((c) => c.exec(script));
  const page = async (path: string) => (await request(built.app).get(path).expect(200)).text;
  return {
    db,
    built,
    byHand,
    page,
    /** Polls the page until it contains `text`; how long that took. */
    shows: (path: string, text: string) =>
      waitFor(async () => (await page(path)).includes(text), 1_000, `${path} to show "${text}"`),
    supportService: () => db.prisma.supportService.findFirstOrThrow({ where: { active: true } }),
    close: async () => {
      await stopListening();
      await db.close();
    },
  };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let portal: Awaited<ReturnType<typeof listeningPortal>>;
let db: TestDatabase;
let built: ReturnType<typeof testApp>;
let byHand: (script: string) => Promise<void>;
let page: (path: string) => Promise<string>;
let shows: (path: string, text: string) => Promise<number>;
let supportService: () => ReturnType<TestDatabase["prisma"]["supportService"]["findFirstOrThrow"]>;

beforeAll(async () => {
  portal = await listeningPortal();
  ({ db, built, byHand, page, shows, supportService } = portal);
});
afterAll(() => portal.close());

describe("changes committed elsewhere", () => {
  it("show on the kept public pages within a second: the directory, the vision and the plan", async () => {
    const service = await supportService();
    expect(await page("/support")).toContain(service.name);
    await byHand(`UPDATE "SupportService" SET "name" = 'Renamed by hand' WHERE "id" = ${service.id}`);
    expect(await shows("/support", "Renamed by hand")).toBeLessThan(1_000);

    await page("/vision");
    await byHand(`UPDATE "Plan" SET "vision" = 'A vision typed in SQL' WHERE "startYear" = 2023`);
    expect(await shows("/vision", "A vision typed in SQL")).toBeLessThan(1_000);

    await page("/plan");
    const commitment = await db.prisma.commitment.findFirstOrThrow({ where: { retiredAt: null } });
    await byHand(`UPDATE "Commitment" SET "text" = 'A commitment reworded in SQL' WHERE "id" = ${commitment.id}`);
    expect(await shows("/plan", "A commitment reworded in SQL")).toBeLessThan(1_000);
  });

  it("send nothing when their transaction is rolled back, and one notice for a committed one", async () => {
    const service = await supportService();
    const before = await page("/support");
    const counted = built.services.audit.changes();
    await byHand(`BEGIN; UPDATE "SupportService" SET "name" = 'Never committed' WHERE "id" = ${service.id}; ROLLBACK;`);
    await sleep(300);
    expect(built.services.audit.changes()).toBe(counted);
    expect(await page("/support")).toBe(before);

    // Two statements on one table in one transaction: one notice, at commit.
    await byHand(
      `BEGIN; UPDATE "SupportService" SET "name" = 'Committed' WHERE "id" = ${service.id};` +
        ` UPDATE "SupportService" SET "phone" = '' WHERE "id" = ${service.id}; COMMIT;`,
    );
    await waitFor(() => built.services.audit.changes() > counted, 1_000, "the committed change's notice");
    await sleep(300);
    expect(built.services.audit.changes()).toBe(counted + 1);
    expect(await page("/support")).toContain("Committed");
  });
});

// Only a server connection can be cut, so on the PGlite run this uses the Postgres server CI names too.
const postgresUrl = serverUrl ?? process.env.TEST_POSTGRES_URL;

describe.skipIf(!postgresUrl)("changes committed on Postgres", () => {
  let server: Awaited<ReturnType<typeof listeningPortal>>;
  beforeAll(async () => {
    server = await listeningPortal(postgresUrl);
  });
  afterAll(() => server.close());

  it("are all assumed once the listening connection comes back: what was kept is dropped, and it hears again", async () => {
    const { db, byHand, page, shows, supportService } = server;
    const service = await supportService();
    await page("/support");
    // A change whose notice this instance never hears (as one sent while its connection is down):
    // triggers are off for this one transaction.
    await byHand(
      `BEGIN; SET LOCAL session_replication_role = replica;` +
        ` UPDATE "SupportService" SET "name" = 'Changed while not heard' WHERE "id" = ${service.id}; COMMIT;`,
    );
    await sleep(300);
    expect(await page("/support")).not.toContain("Changed while not heard");

    expect(await cutChangeListeners(db)).toBe(1);
    expect(await shows("/support", "Changed while not heard")).toBeLessThan(1_000);

    // The new connection listens as the old one did.
    await waitFor(
      async () =>
        (
          await db.withConnection((c) =>
            c.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`, [
              LISTENER_APPLICATION_NAME,
            ]),
          )
        ).length === 1,
      1_000,
      "the listener to connect again",
    );
    await byHand(`UPDATE "SupportService" SET "name" = 'Heard again' WHERE "id" = ${service.id}`);
    expect(await shows("/support", "Heard again")).toBeLessThan(1_000);
  });
});
