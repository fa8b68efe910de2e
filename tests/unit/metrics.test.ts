// A scrape of /metrics never waits on a database that does not answer: the queue depths are left
// out after COLLECT_TIMEOUT_MS, and everything else is still there. And the settings that open
// /metrics are checked at start-up.
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { COLLECT_TIMEOUT_MS, metricsService } from "../../src/services/metrics.ts";

describe("metrics", () => {
  it("answer without the queue depths when the database does not answer in time", async () => {
    const metrics = metricsService(
      { queueDepths: () => new Promise(() => {}), poolStats: () => ({ total: 3, idle: 1, waiting: 4 }) },
      { processMetrics: false },
    );
    metrics.request("GET", "/plan/:year", 200, 0.02);
    const started = Date.now();
    const text = await metrics.registry.metrics();
    expect(Date.now() - started).toBeLessThan(COLLECT_TIMEOUT_MS + 500);
    expect(text).not.toMatch(/^rhins_job_queue_depth\{/m);
    expect(text).toContain('rhins_http_requests_total{method="GET",route="/plan/:year",status="200"} 1');
    expect(text).toContain('rhins_db_pool_connections{state="in_use"} 2');
    expect(text).toContain("rhins_db_pool_waiting 4");
  });

  it("show the depths the queue gave, and none of a queue no longer heard from", async () => {
    let depths: Record<string, number> = { email: 2, reminders: 0 };
    const metrics = metricsService({ queueDepths: async () => depths }, { processMetrics: false });
    expect(await metrics.registry.metrics()).toMatch(/^rhins_job_queue_depth\{queue="email"\} 2$/m);
    depths = { reminders: 1 };
    const text = await metrics.registry.metrics();
    expect(text).not.toContain('queue="email"');
    expect(text).toMatch(/^rhins_job_queue_depth\{queue="reminders"\} 1$/m);
  });
});

describe("the metrics settings", () => {
  const config = (env: Record<string, string>) => () => loadConfig({ NODE_ENV: "test", ...env });

  it("need a token of at least 32 characters, and a port other than the portal's", () => {
    expect(config({ METRICS_TOKEN: "x".repeat(31) })).toThrow(/METRICS_TOKEN: must be at least 32 characters/);
    expect(config({ PORT: "3000", METRICS_PORT: "3000" })).toThrow(/METRICS_PORT: must differ from PORT/);
    expect(config({ METRICS_TOKEN: "x".repeat(32), METRICS_PORT: "9464" })().metrics).toEqual({
      token: "x".repeat(32),
      port: 9464,
    });
    expect(config({})().metrics).toEqual({ token: undefined, port: undefined });
  });
});
