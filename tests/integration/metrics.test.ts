// Prometheus metrics on /metrics: not found without METRICS_TOKEN as a bearer token, and with it
// the Prometheus text format holding requests by route pattern (never a URL), the database pool
// (on a Postgres server), the job queue, emails sent and failed over a real SMTP server, and
// Node's process metrics. With METRICS_PORT they are served by a server of their own, and the
// main port has no /metrics at all.
import type { AddressInfo } from "node:net";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metricsServer } from "../../src/middleware/metrics.ts";
import { testApp } from "../helpers/app.ts";
import { serverUrl } from "../helpers/database.ts";
import { type SeededApp, seededApp } from "../helpers/seeded-app.ts";
import { type TestSmtp, testSmtp } from "../helpers/smtp.ts";

const TOKEN = "metrics-token-for-the-tests-0123456789abcdef";
const authorised = { Authorization: `Bearer ${TOKEN}` };

let smtp: TestSmtp;
let seeded: SeededApp;

beforeAll(async () => {
  smtp = await testSmtp();
  seeded = await seededApp({
    METRICS_TOKEN: TOKEN,
    SMTP_URL: smtp.url,
    PUBLIC_BASE_URL: "https://rhins.example.org",
    PUBLIC_PAGE_CACHE_SECONDS: "60",
  });
  await seeded.startJobs();
});
afterAll(async () => {
  await seeded.close();
  await smtp.close();
});

async function scrape(): Promise<string> {
  const res = await request(seeded.app).get("/metrics").set(authorised).expect(200);
  return res.text;
}

/** The value of one series in Prometheus text, e.g. value(text, 'rhins_emails_sent_total'); 0 if absent. */
function value(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("not within the time allowed");
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("/metrics on the main port", () => {
  it("is not found without the token, with another token, or with the token in another form", async () => {
    const notFound = (await request(seeded.app).get("/no-such-page").expect(404)).text;
    for (const headers of [
      {},
      { Authorization: "Bearer wrong-token-wrong-token-wrong-token-0000" },
      { Authorization: `Bearer ${TOKEN}x` },
      { Authorization: TOKEN },
      { Authorization: `Basic ${Buffer.from(`prometheus:${TOKEN}`).toString("base64")}` },
    ]) {
      const res = await request(seeded.app).get("/metrics").set(headers).expect(404);
      expect(res.text).toBe(notFound.replace(/\/no-such-page/g, "/metrics"));
      expect(res.text).not.toContain("rhins_");
    }
    await request(seeded.app).get(`/metrics?token=${TOKEN}`).expect(404);
  });

  it("answers the token in Prometheus text, counting requests by route pattern, never by URL", async () => {
    await request(seeded.app).get("/plan/2023-24").expect(200);
    await request(seeded.app).get("/plan/2023-24").expect(200); // from the page cache
    await request(seeded.app).get("/no-such-page-4711").expect(404);
    await request(seeded.app).get("/assets/stylesheets/app.css").expect(200);
    const coordinator = await seeded.as("coordinator");
    // Not found by the route's own handler, after the route matched: still its pattern.
    await coordinator.get("/partners/accounts/987654").expect(404);

    const res = await request(seeded.app).get("/metrics").set(authorised).expect(200);
    expect(res.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(res.headers["cache-control"]).toBe("no-store");
    const text = res.text;
    expect(text).toContain("# TYPE rhins_http_requests_total counter");
    expect(value(text, 'rhins_http_requests_total{method="GET",route="/plan/:year",status="200"}')).toBe(1);
    expect(value(text, 'rhins_http_requests_total{method="GET",route="cached public page",status="200"}')).toBe(1);
    expect(value(text, 'rhins_http_requests_total{method="GET",route="unmatched",status="404"}')).toBeGreaterThan(0);
    expect(value(text, 'rhins_http_requests_total{method="GET",route="/partners/accounts/:id",status="404"}')).toBe(1);
    expect(value(text, 'rhins_http_requests_total{method="GET",route="/assets/*",status="200"}')).toBe(1);
    expect(value(text, 'rhins_http_request_duration_seconds_count{method="GET",route="/plan/:year",status="200"}')).toBe(1); // prettier-ignore
    for (const raw of ["2023-24", "4711", "987654", "app.css"]) expect(text).not.toContain(raw);
  });

  it("holds Node's process metrics and the job queue's depth", async () => {
    const text = await scrape();
    expect(value(text, "process_cpu_user_seconds_total")).toBeGreaterThan(0);
    expect(value(text, "process_resident_memory_bytes")).toBeGreaterThan(0);
    expect(text).toContain("# TYPE nodejs_eventloop_lag_seconds gauge");
    expect(text).toMatch(/^rhins_job_queue_depth\{queue="email"\} \d+$/m);
  });

  it(`shows the database pool ${serverUrl ? "(a Postgres server)" : "only on a Postgres server (not PGlite's one connection)"}`, async () => {
    const text = await scrape();
    if (serverUrl) {
      expect(value(text, 'rhins_db_pool_connections{state="idle"}')).toBeGreaterThan(0);
      expect(text).toMatch(/^rhins_db_pool_connections\{state="in_use"\} \d+$/m);
      expect(text).toMatch(/^rhins_db_pool_waiting \d+$/m);
    } else {
      expect(text).not.toContain("rhins_db_pool");
    }
  });

  it("counts emails sent, emails refused for good, and the failed job of one to be retried", async () => {
    const sendTo = (to: string) =>
      seeded.services.emails.send({
        to,
        template: "set-password",
        params: { why: "An account was made for you.", link: "https://rhins.example.org/partners/set-password/x" },
      });
    const status = (id: number) =>
      seeded.db.prisma.emailMessage.findUniqueOrThrow({ where: { id } }).then((m) => [m.status, m.attempts]);
    const before = await scrape();

    const sent = await sendTo("metrics.sent@partners.test");
    await eventually(async () => (await status(sent))[0] === "SENT");
    smtp.refused.add("metrics.refused@partners.test");
    const refused = await sendTo("metrics.refused@partners.test");
    await eventually(async () => (await status(refused))[0] === "FAILED");
    await smtp.down();
    let retried: number;
    try {
      retried = await sendTo("metrics.retried@partners.test");
      await eventually(async () => Number((await status(retried))[1]) >= 1 && (await status(retried))[0] === "QUEUED");
    } finally {
      await smtp.up();
    }
    await eventually(async () => (await status(retried))[0] === "SENT");

    const after = await scrape();
    const change = (series: string) => value(after, series) - value(before, series);
    expect(change("rhins_emails_sent_total")).toBe(2);
    expect(change('rhins_emails_failed_total{final="true"}')).toBe(1);
    expect(change('rhins_emails_failed_total{final="false"}')).toBeGreaterThanOrEqual(1);
    expect(change('rhins_jobs_failed_total{queue="email"}')).toBe(change('rhins_emails_failed_total{final="false"}'));
    for (const address of ["metrics.sent", "metrics.refused", "partners.test"]) expect(after).not.toContain(address);
  });
});

describe("with METRICS_PORT", () => {
  it("serves /metrics on its own server only, and the main port has none", async () => {
    const built = testApp(seeded.db, { METRICS_TOKEN: TOKEN, METRICS_PORT: "0" });
    await request(built.app).get("/metrics").set(authorised).expect(404);
    await request(built.app).get("/plan/2023-24").expect(200);

    const server = metricsServer(built.services.metrics, undefined);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const res = await fetch(`${base}/metrics`);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(value(text, 'rhins_http_requests_total{method="GET",route="/plan/:year",status="200"}')).toBe(1);
      expect(value(text, 'rhins_http_requests_total{method="GET",route="/metrics",status="404"}')).toBe(0);
      expect(value(text, "process_cpu_user_seconds_total")).toBeGreaterThan(0);
      for (const path of ["/", "/plan/2023-24", "/metrics/x", "/health/live"]) {
        expect((await fetch(`${base}${path}`)).status).toBe(404);
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("asks for the token there too when one is set", async () => {
    const built = testApp(seeded.db, { METRICS_TOKEN: TOKEN, METRICS_PORT: "0" });
    const server = metricsServer(built.services.metrics, TOKEN);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
      expect((await fetch(url)).status).toBe(404);
      expect((await fetch(url, { headers: authorised })).status).toBe(200);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("leaves no metrics endpoint when neither is set", async () => {
    const built = testApp(seeded.db);
    await request(built.app).get("/metrics").set(authorised).expect(404);
  });
});
