// db.oneAtATime: two instances on one Postgres database doing the same start-up work (setting up
// the job queues, which deadlocks in pg-boss when two do it at once) take turns. Only a server has
// two connections, so on the PGlite run this uses the Postgres server CI names too.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../../src/db/database.ts";
import { type TestDatabase, serverUrl, testDatabase } from "../helpers/database.ts";

const postgresUrl = serverUrl ?? process.env.TEST_POSTGRES_URL;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!postgresUrl)("work done one instance at a time", () => {
  let first: TestDatabase;
  let second: Database;
  beforeAll(async () => {
    first = await testDatabase({ server: postgresUrl, migrated: false });
    second = await openDatabase({
      kind: "postgres",
      url: first.url!,
      poolMax: 2,
      connectionTimeoutMs: 3_000,
      idleTimeoutMs: 10_000,
    });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  /** Work that notes when it starts and ends. */
  const timeline: string[] = [];
  const work =
    (who: string, fail = false) =>
    async () => {
      timeline.push(`${who} starts`);
      await sleep(300);
      timeline.push(`${who} ends`);
      if (fail) throw new Error(`${who} failed`);
      return who;
    };

  it("runs the same work from two instances one after the other, never both at once", async () => {
    timeline.length = 0;
    const results = await Promise.all([
      first.oneAtATime("job set-up", work("A")),
      second.oneAtATime("job set-up", work("B")),
    ]);
    expect(results).toEqual(["A", "B"]);
    expect([
      ["A starts", "A ends", "B starts", "B ends"],
      ["B starts", "B ends", "A starts", "A ends"],
    ]).toContainEqual(timeline);
  });

  it("lets work of another name run meanwhile", async () => {
    timeline.length = 0;
    await Promise.all([first.oneAtATime("job set-up", work("A")), second.oneAtATime("something else", work("B"))]);
    expect(timeline.slice(0, 2).sort()).toEqual(["A starts", "B starts"]);
  });

  it("lets the other instance go on when the work fails", async () => {
    timeline.length = 0;
    const [failed, done] = await Promise.allSettled([
      first.oneAtATime("job set-up", work("A", true)),
      (async () => {
        await sleep(50);
        return second.oneAtATime("job set-up", work("B"));
      })(),
    ]);
    expect(failed).toMatchObject({ status: "rejected", reason: { message: "A failed" } });
    expect(done).toEqual({ status: "fulfilled", value: "B" });
    expect(timeline).toEqual(["A starts", "A ends", "B starts", "B ends"]);
  });
});
