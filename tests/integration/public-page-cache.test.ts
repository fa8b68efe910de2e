import request from "supertest";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { seed } from "../../src/db/seed.ts";
import { testApp } from "../helpers/app.ts";
import { testDatabase } from "../helpers/database.ts";

let db: Database;
let built: ReturnType<typeof testApp>;

beforeAll(async () => {
  db = await testDatabase();
  await seed(db.prisma, { production: true });
  built = testApp(db, { PUBLIC_PAGE_CACHE_SECONDS: "60" });
});
afterAll(async () => db.close());
afterEach(() => {
  vi.useRealTimers();
});

const nonceOf = (res: request.Response) => /'nonce-([^']+)'/.exec(String(res.headers["content-security-policy"]))![1]!;
const setVision = (vision: string) => db.prisma.plan.update({ where: { startYear: 2023 }, data: { vision } });

describe("the public page cache", () => {
  it("serves a rendered page again, with each response's own nonce, until the data changes", async () => {
    const first = await request(built.app).get("/vision").expect(200);
    await setVision("Changed without telling anyone");
    const second = await request(built.app).get("/vision").expect(200);
    // Served from the cache: the unaudited change is not shown yet...
    expect(second.text).not.toContain("Changed without telling anyone");
    // ...but with a fresh nonce that matches this response's CSP, and the same validator.
    expect(nonceOf(second)).not.toBe(nonceOf(first));
    expect(second.text).toContain(`nonce="${nonceOf(second)}"`);
    expect(second.text).not.toContain(nonceOf(first));
    expect(second.headers.etag).toBe(first.headers.etag);
    await request(built.app).get("/vision").set("If-None-Match", String(first.headers.etag)).expect(304);

    // Any audited change (every change a partner makes is audited) refreshes it at once.
    await built.services.audit.record({ action: "plan.updated", entityType: "Plan" });
    const third = await request(built.app).get("/vision").expect(200);
    expect(third.text).toContain("Changed without telling anyone");
  });

  it("keeps a page no longer than its time to live", async () => {
    await request(built.app).get("/about").expect(200);
    await setVision("Changed again");
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 61_000);
    expect((await request(built.app).get("/vision")).text).toContain("Changed again");
  });

  it("is off unless configured outside production", async () => {
    const uncached = testApp(db);
    await request(uncached.app).get("/vision").expect(200);
    await setVision("Seen at once");
    expect((await request(uncached.app).get("/vision")).text).toContain("Seen at once");
  });

  it("never keeps a page that was not a 200", async () => {
    await request(built.app).get("/plan/2099-00").expect(404);
    await request(built.app).get("/plan/2099-00").expect(404);
  });
});
