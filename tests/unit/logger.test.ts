// Logs: readable lines on a developer's terminal, JSON lines everywhere else and always in
// production, with secrets redacted either way.
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/logger.ts";

/** A destination that keeps what is written; `isTTY` as a terminal has it. */
function destination(isTTY: boolean) {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { stream: Object.assign(stream, { isTTY }), lines };
}

const request = {
  req: { method: "GET", url: "/partners", headers: { cookie: "rhins.sid=secret-session" } },
  res: { statusCode: 200 },
  responseTime: 12,
};

describe("createLogger", () => {
  it("writes readable lines to a terminal outside production, each at once", () => {
    const out = destination(true);
    const logger = createLogger("info", out.stream);
    logger.info(request, "request completed");
    logger.warn({ body: { password: "hunter2-hunter2" } }, "something to see");
    // Written before the call returns: nothing is lost when the process exits next.
    expect(out.lines).toHaveLength(2);
    const text = out.lines.join("");
    expect(() => JSON.parse(out.lines[0]!)).toThrow();
    expect(text).toContain("GET /partners 200 12 ms: request completed");
    expect(text).toMatch(/WARN/);
    expect(text).not.toContain("secret-session");
    expect(text).not.toContain("hunter2");
    expect(text).toContain("[redacted]");
  });

  it("writes JSON lines when the output is not a terminal", () => {
    const out = destination(false);
    createLogger("info", out.stream).info(request, "request completed");
    const entry = JSON.parse(out.lines[0]!) as Record<string, unknown>;
    expect(entry).toMatchObject({ level: 30, msg: "request completed", service: "rhins-portal", responseTime: 12 });
    expect(out.lines[0]).not.toContain("secret-session");
  });

  it("writes JSON lines in production, even to a terminal", () => {
    const out = destination(true);
    createLogger("info", out.stream, { production: true }).info("started");
    expect(JSON.parse(out.lines[0]!)).toMatchObject({ level: 30, msg: "started" });
  });
});
