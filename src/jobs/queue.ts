// The job queue: pg-boss 10 on the portal's own database, reached the way src/db says (its own
// small pool on a Postgres server, or the same PGlite instance Prisma uses). Nothing else knows
// which database is underneath. Jobs are at-least-once: a job whose worker stops is retried, so
// every handler is safe to run twice (GUIDE 8).
import PgBoss from "pg-boss";
import type { Logger } from "pino";
import type { Database } from "../db/database.ts";

export interface QueueDefinition {
  /** Retries after a failure, each later than the last (exponential back-off from retryDelaySeconds). */
  retryLimit?: number;
  retryDelaySeconds?: number;
  /** "stately": at most one job waiting and one running, so checks do not pile up. */
  policy?: "standard" | "stately";
  /** How long a job may run before it counts as failed (and is retried). */
  expireInSeconds?: number;
  /** Jobs of this queue this instance runs at once (one slow job does not hold up the rest). */
  concurrency?: number;
}

export interface JobContext {
  /** How many times this job has been tried before (0 the first time). */
  retryCount: number;
  retryLimit: number;
}

export type JobHandler<T> = (data: T, context: JobContext) => Promise<void>;

export interface JobQueue {
  start(): Promise<void>;
  /** Finishes the jobs in flight (or leaves them to be retried after `timeoutMs`), then stops. */
  stop(timeoutMs: number): Promise<void>;
  readonly started: boolean;
  define<T extends object>(name: string, definition: QueueDefinition, handler: JobHandler<T>): Promise<void>;
  /** Queues a job. The same singletonKey is not queued twice on a stately queue. */
  send(name: string, data: object, options?: { singletonKey?: string }): Promise<void>;
  /**
   * Queues a job at most once per `seconds`, across every instance: the first ask in a time slot
   * runs now, later ones in that slot make one job at the start of the next, so nothing asked for
   * is dropped (pg-boss's sendDebounced).
   */
  sendDebounced(name: string, seconds: number): Promise<void>;
  /** Runs a job on `cron` (every instance may ask; pg-boss makes one job per slot). */
  schedule(name: string, cron: string): Promise<void>;
  /** Jobs of one queue waiting (queued or waiting to retry) and running. */
  state(name: string): Promise<{ waiting: number; running: number }>;
  /** Jobs waiting in each queue this instance works on (the metrics); none before start. */
  depths(): Promise<Record<string, number>>;
}

export interface QueueOptions {
  /** How often an idle worker looks for work. A job sent here wakes this instance's worker at once. */
  pollingIntervalSeconds?: number;
  /** Told of each job that fails, by queue (the metrics). */
  onJobFailed?: (name: string) => void;
}

export function jobQueue(db: Database, logger: Logger, options: QueueOptions = {}): JobQueue {
  const boss = new PgBoss({
    ...db.jobConnection,
    application_name: "rhins-jobs",
    // Finished jobs are kept a week for looking into problems, then removed.
    deleteAfterDays: 7,
  });
  // pg-boss reports its own database errors here; unhandled, they would end the process.
  boss.on("error", (err) => logger.warn({ err: err.message }, "job queue error"));
  const workers = new Map<string, string[]>();
  let started = false;

  return {
    get started() {
      return started;
    },

    async start() {
      await boss.start();
      started = true;
    },

    async stop(timeoutMs) {
      if (!started) return;
      started = false;
      // close: false, because the database (PGlite's especially) is closed by its owner afterwards.
      await boss.stop({ graceful: true, wait: true, timeout: timeoutMs, close: false });
    },

    async define(name, definition, handler) {
      const queue = {
        name,
        policy: definition.policy ?? "standard",
        retryLimit: definition.retryLimit ?? 0,
        retryDelay: definition.retryDelaySeconds ?? 0,
        retryBackoff: (definition.retryDelaySeconds ?? 0) > 0,
        expireInSeconds: definition.expireInSeconds ?? 15 * 60,
      };
      if (await boss.getQueue(name)) await boss.updateQueue(name, queue);
      else await boss.createQueue(name, queue);
      const ids: string[] = [];
      for (let i = 0; i < (definition.concurrency ?? 1); i += 1) {
        ids.push(
          await boss.work<Parameters<typeof handler>[0]>(
            name,
            { includeMetadata: true, batchSize: 1, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 },
            async ([job]) => {
              if (!job) return;
              try {
                await handler(job.data, { retryCount: job.retryCount, retryLimit: job.retryLimit });
              } catch (err) {
                options.onJobFailed?.(name);
                throw err;
              }
            },
          ),
        );
      }
      workers.set(name, ids);
    },

    async send(name, data, sendOptions = {}) {
      if (!started) return; // not running (some tests): what was to be sent stays recorded for later
      await boss.send(name, data, sendOptions);
      for (const worker of workers.get(name) ?? []) boss.notifyWorker(worker);
    },

    async sendDebounced(name, seconds) {
      if (!started) return; // as send: a sweep or the next start picks up what is waiting
      const id = await boss.sendDebounced(name, {}, {}, seconds, name);
      if (id) for (const worker of workers.get(name) ?? []) boss.notifyWorker(worker);
    },

    async schedule(name, cron) {
      await boss.schedule(name, cron, {}, { tz: "Europe/London" });
    },

    async state(name) {
      // States run created, retry, active, completed, ...: "before" counts those ahead of one.
      const waiting = await boss.getQueueSize(name, { before: "active" });
      const running = (await boss.getQueueSize(name, { before: "completed" })) - waiting;
      return { waiting, running };
    },

    async depths() {
      if (!started) return {};
      const names = [...workers.keys()];
      const sizes = await Promise.all(names.map((name) => boss.getQueueSize(name, { before: "active" })));
      return Object.fromEntries(names.map((name, i) => [name, sizes[i]!]));
    },
  };
}
