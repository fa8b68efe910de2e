// The portal started with METRICS_PORT (a real process, src/server.ts): /metrics is served on
// that port, with the requests the main port answered, and the main port has no /metrics even
// for the token; on SIGTERM the metrics server closes with the rest and the process exits 0.
import { afterAll, describe, expect, it } from "vitest";
import { cleanUp, createServerDatabase, freePort, problemsIn, startServer } from "../helpers/server-process.ts";

const TOKEN = "metrics-token-for-the-tests-0123456789abcdef";

afterAll(cleanUp);

describe("METRICS_PORT", () => {
  it("serves /metrics on that port only, and closes it on shutdown", async () => {
    const database = await createServerDatabase();
    const metricsPort = await freePort();
    const server = await startServer({
      env: { DATABASE_URL: database.url, METRICS_PORT: String(metricsPort), METRICS_TOKEN: TOKEN },
    });
    const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    const authorised = { Authorization: `Bearer ${TOKEN}` };

    expect((await fetch(`${server.url}/plan/2023-24`)).status).toBe(200);
    expect((await fetch(`${server.url}/metrics`, { headers: authorised })).status).toBe(404);
    expect((await fetch(metricsUrl)).status).toBe(404); // the token is asked for there too
    const res = await fetch(metricsUrl, { headers: authorised });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('rhins_http_requests_total{method="GET",route="/plan/:year",status="200"} 1');
    expect(text).toContain('rhins_http_requests_total{method="GET",route="/health/ready",status="200"}');
    expect(text).toMatch(/^rhins_db_pool_connections\{state="idle"\} \d+$/m);
    expect(text).toMatch(/^rhins_job_queue_depth\{queue="email"\} \d+$/m);
    expect(text).toMatch(/^process_cpu_user_seconds_total \S+$/m);
    expect(server.logs().some((l) => l.metricsPort === metricsPort)).toBe(true);

    const stopped = await server.stop("SIGTERM");
    expect(stopped.code).toBe(0);
    await expect(fetch(metricsUrl)).rejects.toThrow();
    expect(problemsIn(server)).toEqual([]);
  });
});
