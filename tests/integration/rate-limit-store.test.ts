// The rate-limit store in the database: every instance counts into the same window, so a limit
// holds however many instances serve the requests; the window resets with time; addresses are
// never stored.
import express from "express";
import { rateLimit } from "express-rate-limit";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { migrate } from "../../src/db/migrate.ts";
import { createLogger } from "../../src/logger.ts";
import { encryptionService } from "../../src/services/encryption.ts";
import { services } from "../../src/services/index.ts";
import { rateLimitService } from "../../src/services/rate-limits.ts";
import { testConfig } from "../helpers/app.ts";
import { reopenableDatabase, serverUrl, testDatabase } from "../helpers/database.ts";

const WINDOW_MS = 60_000;
let first: Database;
let second: Database;
let dispose = async () => {};

beforeAll(async () => {
  if (serverUrl) {
    // Two instances: two connection pools to one Postgres database.
    const store = await reopenableDatabase();
    first = await store.open();
    await migrate(first);
    second = await store.open();
    dispose = async () => {
      await Promise.all([first.close(), second.close()]);
      await store.dispose();
    };
  } else {
    // The embedded database has one connection: two instances' services on it.
    first = second = await testDatabase();
    dispose = () => first.close();
  }
});
afterAll(() => dispose());

/** A tiny app limited to 3 requests a window per address, as the report form's submit is. */
function limitedApp(store: ReturnType<ReturnType<typeof rateLimitService>["store"]>) {
  const app = express();
  app.use(rateLimit({ windowMs: WINDOW_MS, limit: 3, store, standardHeaders: "draft-8", legacyHeaders: false }));
  app.post("/report", (_req, res) => {
    res.send("received");
  });
  return app;
}

const instance = (db: Database) =>
  services(db, { config: testConfig(), logger: createLogger("silent") }).rateLimits.store("report-submit");

describe("a rate limit shared by every instance", () => {
  it("counts requests to either instance together, and stores no address", async () => {
    await first.prisma.rateLimitHit.deleteMany();
    const [a, b] = [limitedApp(instance(first)), limitedApp(instance(second))];
    expect((await request(a).post("/report")).status).toBe(200);
    expect((await request(b).post("/report")).status).toBe(200);
    expect((await request(a).post("/report")).status).toBe(200);
    expect((await request(b).post("/report")).status).toBe(429);
    expect((await request(a).post("/report")).status).toBe(429);

    const rows = await first.prisma.rateLimitHit.findMany();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.hits).toBe(5);
    expect(rows[0]!.key).toMatch(/^report-submit:[A-Za-z0-9_-]{43}$/);
    expect(rows[0]!.key).not.toContain("127.0.0.1");

    // Once an instance has seen the address over the limit, it refuses it from memory until the
    // window ends: a flood costs the database nothing more.
    for (let i = 0; i < 5; i++) expect((await request(a).post("/report")).status).toBe(429);
    expect((await first.prisma.rateLimitHit.findFirstOrThrow()).hits).toBe(5);
  });

  it("admits exactly the limit of many requests at once across both", async () => {
    await first.prisma.rateLimitHit.deleteMany();
    const [a, b] = [limitedApp(instance(first)), limitedApp(instance(second))];
    const statuses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => request(i % 2 ? a : b).post("/report")).map(async (r) => (await r).status),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(17);
  });

  it("starts a new window once the old one has ended", async () => {
    await first.prisma.rateLimitHit.deleteMany();
    let now = new Date("2026-12-03T10:00:00Z");
    const encryption = encryptionService(testConfig().encryption);
    const app = limitedApp(rateLimitService(first.prisma, encryption, { now: () => now }).store("report-submit"));
    for (let i = 0; i < 3; i++) expect((await request(app).post("/report")).status).toBe(200);
    expect((await request(app).post("/report")).status).toBe(429);

    now = new Date(now.getTime() + WINDOW_MS - 1);
    expect((await request(app).post("/report")).status).toBe(429);
    now = new Date(now.getTime() + 1);
    expect((await request(app).post("/report")).status).toBe(200);
    const [row] = await first.prisma.rateLimitHit.findMany();
    expect(row).toMatchObject({ hits: 1, resetAt: new Date(now.getTime() + WINDOW_MS) });
  });
});
