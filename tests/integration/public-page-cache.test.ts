import request from "supertest";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { seed } from "../../src/db/seed.ts";
import { testApp } from "../helpers/app.ts";
import { testDatabase } from "../helpers/database.ts";
import { newReport } from "../helpers/reports.ts";

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

const setVision = (vision: string) => db.prisma.plan.update({ where: { startYear: 2023 }, data: { vision } });
/** Every header but those that belong to one response or to how its body is sent. */
const PER_RESPONSE = ["date", "x-request-id", "connection", "keep-alive", "content-length", "transfer-encoding"];
const lasting = (headers: Record<string, string>) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !PER_RESPONSE.includes(name)));

describe("the public page cache", () => {
  it("serves a rendered page again, headers and all, until the data changes", async () => {
    const first = await request(built.app).get("/vision").expect(200);
    await setVision("Changed without telling anyone");
    const second = await request(built.app).get("/vision").expect(200);
    // Served from the cache: the unaudited change is not shown yet...
    expect(second.text).not.toContain("Changed without telling anyone");
    expect(second.text).toBe(first.text);
    // ...with the same security and caching headers, the same validator, and its own request id.
    expect(lasting(second.headers)).toEqual({ ...lasting(first.headers), vary: "Accept-Encoding" });
    expect(second.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(second.headers["x-request-id"]).toBeTruthy();
    expect(second.headers["x-request-id"]).not.toBe(first.headers["x-request-id"]);
    expect(second.headers["set-cookie"]).toBeUndefined();
    const notModified = await request(built.app).get("/vision").set("If-None-Match", String(first.headers.etag));
    expect(notModified.status).toBe(304);
    expect(notModified.headers.etag).toBe(first.headers.etag);

    // Any audited change (every change a partner makes is audited) refreshes it at once.
    await built.services.audit.record({ action: "plan.updated", entityType: "Plan" });
    const third = await request(built.app).get("/vision").expect(200);
    expect(third.text).toContain("Changed without telling anyone");
  });

  it("keeps its pages while online reports arrive, are opened, and partners sign in: no public page shows them", async () => {
    const first = await request(built.app).get("/plan").expect(200);
    await db.prisma.plan.update({ where: { startYear: 2023 }, data: { title: "Renamed quietly" } });
    await built.services.reports.submit(newReport());
    const [coordinator] = await db.prisma.user.findMany({ take: 1 });
    await built.services.audit.record({ actor: coordinator, action: "sign-in.succeeded", entityType: "User" });
    const second = await request(built.app).get("/plan").expect(200);
    expect(second.text).toBe(first.text);
    await built.services.audit.record({ action: "plan.updated", entityType: "Plan" });
    expect((await request(built.app).get("/plan")).text).toContain("Renamed quietly");
  });

  it("sends the page gzipped to browsers that accept it, and answers HEAD without a body", async () => {
    const plain = await request(built.app).get("/report").set("Accept-Encoding", "identity").expect(200);
    const zipped = await request(built.app).get("/report").set("Accept-Encoding", "gzip, deflate, br").expect(200);
    expect(zipped.headers["content-encoding"]).toBe("gzip");
    expect(Number(zipped.headers["content-length"])).toBeLessThan(plain.text.length / 2);
    expect(zipped.text).toBe(plain.text); // unzipped by the client
    const head = await request(built.app).head("/report").expect(200);
    expect(head.text ?? "").toBe("");
    expect(head.headers["content-length"]).toBe(plain.headers["content-length"]);
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

  it("never keeps a page that was not a 200, nor a partner page", async () => {
    await request(built.app).get("/plan/2099-00").expect(404);
    await request(built.app).get("/plan/2099-00").expect(404);
    await request(built.app).get("/partners/sign-in").expect(200);
    const again = await request(built.app).get("/partners/sign-in").expect(200);
    expect(again.headers["cache-control"]).toBe("no-store");
    expect(again.headers["set-cookie"]).toBeDefined();
  });
});
