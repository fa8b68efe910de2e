// Hears that data public pages show has changed, whoever changed it: triggers on those tables
// notify a channel when a change commits (migration 20261205120000_change_notifications), and
// each instance keeps one connection listening to it (GUIDE §10). A notification sent while the
// connection is down is lost, so every (re)connect also counts as a change: whatever the instance
// kept may be stale.
import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import type { Logger } from "pino";

export const DATA_CHANGED_CHANNEL = "rhins_data_changed";
/** How the listening connection is named on the server (pg_stat_activity), to find or end it. */
export const LISTENER_APPLICATION_NAME = "rhins-change-listener";

/** Stops listening and closes the connection. */
export type StopListening = () => Promise<void>;

/** The first wait before connecting again, doubled after each failure up to the most. */
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 5_000;
/**
 * A quiet connection may have lost its server without hearing so (a network black hole): a small
 * query this often, which must answer within ANSWER_TIMEOUT_MS, tells.
 */
const HEARTBEAT_MS = 10_000;
const ANSWER_TIMEOUT_MS = 4_000;
/** Stopping waits this long at most for the server to see the connection closed (it may be gone). */
const STOP_WAIT_MS = 1_000;

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Listens on a connection of its own, outside the pool (a pooled connection goes back to the
 * pool and stops listening), connecting again with back-off whenever it drops. Resolves once the
 * first attempt has connected or failed (then it keeps trying in the background).
 */
export async function listenOnPostgres(
  connectionString: string,
  onChange: () => void,
  logger?: Logger,
): Promise<StopListening> {
  let client: pg.Client | undefined;
  let retryMs = RETRY_FIRST_MS;
  let retry: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let stopped = false;
  let everConnected = false;

  // Whatever ends a connection (an error, the server ending it, a heartbeat without an answer)
  // ends up here once per connection.
  const lost = (lostClient: pg.Client, err?: unknown) => {
    if (client !== lostClient) return;
    client = undefined;
    clearInterval(heartbeat);
    lostClient.end().catch(() => {});
    if (stopped) return;
    logger?.warn(
      { err: err === undefined ? "connection ended" : message(err), retryInMs: retryMs },
      "database change listener disconnected; connecting again",
    );
    retry = setTimeout(() => void connect(), retryMs);
    retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
  };

  async function connect(): Promise<void> {
    const next = new pg.Client({
      connectionString,
      application_name: LISTENER_APPLICATION_NAME,
      keepAlive: true,
      connectionTimeoutMillis: ANSWER_TIMEOUT_MS,
      query_timeout: ANSWER_TIMEOUT_MS,
    });
    client = next;
    next.on("error", (err) => lost(next, err));
    next.on("end", () => lost(next));
    next.on("notification", (n) => {
      if (n.channel === DATA_CHANGED_CHANNEL) onChange();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${DATA_CHANGED_CHANNEL}`);
    } catch (err) {
      lost(next, err);
      return;
    }
    if (client !== next) return; // lost or stopped meanwhile
    retryMs = RETRY_FIRST_MS;
    heartbeat = setInterval(() => next.query("SELECT 1").catch((err: unknown) => lost(next, err)), HEARTBEAT_MS);
    heartbeat.unref();
    if (everConnected) logger?.warn("database change listener connected again; cached pages dropped");
    everConnected = true;
    onChange();
  }

  await connect();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    clearInterval(heartbeat);
    const last = client;
    client = undefined;
    if (!last) return;
    let waited: NodeJS.Timeout | undefined;
    await Promise.race([
      last.end().catch(() => {}),
      new Promise((resolve) => (waited = setTimeout(resolve, STOP_WAIT_MS))),
    ]);
    clearTimeout(waited);
  };
}

/** The embedded database runs in this process: its notifications arrive here as it commits. */
export async function listenOnPglite(pglite: PGlite, onChange: () => void): Promise<StopListening> {
  const unlisten = await pglite.listen(DATA_CHANGED_CHANNEL, () => onChange());
  onChange();
  return () => unlisten();
}
