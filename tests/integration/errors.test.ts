import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { errorHandler } from "../../src/middleware/errors.ts";
import { createLogger } from "../../src/logger.ts";
import { JS_ENABLED_SCRIPT } from "../../src/middleware/security.ts";
import { VIEWS_DIR, viewEngine } from "../../src/views.ts";

// The real error handler and views behind routes that fail on purpose.
function failingApp(showStack: boolean, error: Error) {
  const lines: string[] = [];
  const logger = createLogger("info", {
    write: (line: string) => void lines.push(line),
  } as unknown as NodeJS.WritableStream);
  const app = express();
  app.set("views", VIEWS_DIR);
  app.engine("ejs", viewEngine);
  app.set("view engine", "ejs");
  app.locals.jsEnabledScript = JS_ENABLED_SCRIPT;
  app.use((req, res, next) => {
    (req as { id?: string }).id = "ref-123";
    next();
  });
  app.get("/boom", async () => {
    throw error;
  });
  // Fails after the page has gone out, as express-session does when it cannot save the session.
  app.get("/late", (_req, res, next) => {
    res.send("<p>Page</p>");
    res.once("finish", () => setImmediate(() => next(error)));
  });
  app.use(errorHandler(logger, showStack));
  return { app, lines };
}

describe("the error handler", () => {
  it("shows a reference and no stack in production, and logs the stack with the request id", async () => {
    const { app, lines } = failingApp(false, new Error("secret internals"));
    const res = await request(app).get("/boom").expect(500);
    expect(res.text).toContain("ref-123");
    expect(res.text).not.toContain("secret internals");
    expect(res.text).not.toContain("at ");
    const logged = lines.map((l) => JSON.parse(l));
    expect(logged.some((l) => l.reqId === "ref-123" && String(l.err?.stack).includes("secret internals"))).toBe(true);
  });

  it("shows the stack outside production", async () => {
    const { app } = failingApp(true, new Error("visible internals"));
    const res = await request(app).get("/boom").expect(500);
    expect(res.text).toContain("visible internals");
  });

  it("answers 503 with a friendly page when the database cannot be reached", async () => {
    const err = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    const { app } = failingApp(false, err);
    const res = await request(app).get("/boom").expect(503);
    expect(res.text).toContain("Sorry, the service is unavailable");
    expect(res.headers["retry-after"]).toBe("30");
  });

  it.each([
    ["the database went away", Object.assign(new Error("Server has closed the connection."), { code: "P1017" }), 40],
    ["anything else", new Error("late bug"), 50],
  ])(
    "logs a failure after a finished page (%s) and keeps the connection for the next request",
    async (_, err, level) => {
      const { app, lines } = failingApp(false, err);
      const server = http.createServer(app);
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const get = () =>
        new Promise<{ status: number; body: string; reused: boolean }>((resolve, reject) => {
          const req = http.get(
            { host: "127.0.0.1", port: (server.address() as AddressInfo).port, path: "/late", agent },
            (res) => {
              let body = "";
              res.on("data", (chunk) => (body += chunk));
              res.on("end", () => resolve({ status: res.statusCode!, body, reused: req.reusedSocket }));
            },
          );
          req.on("error", reject);
        });
      try {
        expect(await get()).toMatchObject({ status: 200, body: "<p>Page</p>", reused: false });
        await new Promise((r) => setTimeout(r, 50));
        expect(await get()).toMatchObject({ status: 200, body: "<p>Page</p>", reused: true });
        const logged = lines.map((l) => JSON.parse(l));
        expect(logged.filter((l) => /after the response began/.test(l.msg)).map((l) => l.level)).toEqual([
          level,
          level,
        ]);
      } finally {
        agent.destroy();
        await new Promise((r) => server.close(r));
      }
    },
  );
});
