// Prometheus metrics for whoever runs the portal: requests by route pattern, the database pool, the
// job queue, emails, and Node's own process metrics. Each portal has its own registry (never
// prom-client's global one), so tests can build several. Labels come from fixed sets (route
// patterns, queue names), never from a URL or anything a person typed: no personal data, and a
// bounded number of series. Served on /metrics only to Prometheus (middleware/metrics.ts).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { PoolStats } from "../db/database.ts";
import type { EmailCounts } from "./email/emails.ts";

export interface MetricsSources {
  /** The database pool now (a Postgres server only). */
  poolStats?: () => PoolStats;
  /** Jobs waiting in each queue. */
  queueDepths: () => Promise<Record<string, number>>;
}

export interface MetricsOptions {
  /** Node's process metrics (CPU, memory, event loop, GC): only when something will read them. */
  processMetrics: boolean;
}

/** A scrape never waits longer than this on the database: the queue depths are left out instead. */
export const COLLECT_TIMEOUT_MS = 1_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timed out")), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function metricsService(sources: MetricsSources, options: MetricsOptions) {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const labelNames = ["method", "route", "status"] as const;
  const requests = new Counter({
    name: "rhins_http_requests_total",
    help: "HTTP requests answered, by method, route pattern and status",
    labelNames,
    registers,
  });
  const durations = new Histogram({
    name: "rhins_http_request_duration_seconds",
    help: "Time to answer an HTTP request, by method, route pattern and status",
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });

  const { poolStats } = sources;
  if (poolStats) {
    new Gauge({
      name: "rhins_db_pool_connections",
      help: "Connections in the database pool, in use by a query or idle",
      labelNames: ["state"],
      registers,
      collect() {
        const stats = poolStats();
        this.set({ state: "in_use" }, stats.total - stats.idle);
        this.set({ state: "idle" }, stats.idle);
      },
    });
    new Gauge({
      name: "rhins_db_pool_waiting",
      help: "Queries waiting for a database connection",
      registers,
      collect() {
        this.set(poolStats().waiting);
      },
    });
  }

  new Gauge({
    name: "rhins_job_queue_depth",
    help: "Jobs waiting in each queue (queued, or waiting to be retried)",
    labelNames: ["queue"],
    registers,
    async collect() {
      // Reset first: a queue not heard from this time shows no number rather than an old one.
      this.reset();
      try {
        const depths = await withTimeout(sources.queueDepths(), COLLECT_TIMEOUT_MS);
        for (const [queue, depth] of Object.entries(depths)) this.set({ queue }, depth);
      } catch {
        // The database is slow or away: the other metrics still answer.
      }
    },
  });
  const jobsFailed = new Counter({
    name: "rhins_jobs_failed_total",
    help: "Jobs that failed in this process (each may be retried), by queue",
    labelNames: ["queue"],
    registers,
  });

  const emailsSent = new Counter({
    name: "rhins_emails_sent_total",
    help: "Emails the mail server accepted",
    registers,
  });
  const emailsFailed = new Counter({
    name: "rhins_emails_failed_total",
    help: 'Emails the mail server did not accept: final="true" given up (Failed on the Emails page), "false" to be retried',
    labelNames: ["final"],
    registers,
  });
  const emails: EmailCounts = {
    sent: () => emailsSent.inc(),
    failed: (final) => emailsFailed.inc({ final: String(final) }),
  };

  return {
    registry,
    emails,
    jobFailed: (queue: string) => jobsFailed.inc({ queue }),
    /** One answered request; `route` is a pattern such as /plan/:year or a fixed word, never a URL. */
    request(method: string, route: string, status: number, seconds: number) {
      const labels = { method, route, status: String(status) };
      requests.inc(labels);
      durations.observe(labels, seconds);
    },
  };
}

export type MetricsService = ReturnType<typeof metricsService>;
