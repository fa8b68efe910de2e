import request from "supertest";
import { describe, expect, it } from "vitest";
import { testApp } from "../helpers/app.ts";
import { testDatabase } from "../helpers/database.ts";

describe("readiness", () => {
  it("says not ready (503) once the database is gone, while liveness stays up", async () => {
    const db = await testDatabase();
    const { app } = testApp(db);
    await request(app).get("/health/ready").expect(200);
    await db.close();
    const res = await request(app).get("/health/ready").expect(503);
    expect(res.body.status).toBe("not ready");
    await request(app).get("/health/live").expect(200);
  });

  it("says not ready while draining for shutdown", async () => {
    const db = await testDatabase();
    try {
      const { app, services } = testApp(db);
      services.health.startDraining();
      const res = await request(app).get("/health/ready").expect(503);
      expect(res.body.reason).toBe("shutting down");
    } finally {
      await db.close();
    }
  });

  it("says not ready until the start-up work after listening (the jobs) is done", async () => {
    const db = await testDatabase();
    try {
      const { app, services } = testApp(db);
      let finish!: () => void;
      services.health.notReadyUntil(new Promise<void>((resolve) => (finish = resolve)), "starting background jobs");
      const res = await request(app).get("/health/ready").expect(503);
      expect(res.body.reason).toBe("starting background jobs");
      finish();
      await new Promise((r) => setImmediate(r));
      await request(app).get("/health/ready").expect(200);
    } finally {
      await db.close();
    }
  });
});
