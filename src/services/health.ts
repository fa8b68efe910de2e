// Readiness: the app can serve pages that need the database.
import type { Database } from "../db/database.ts";

export function healthService(db: Database, timeoutMs = 2_000) {
  let draining = false;
  let startingUp: string | undefined;
  return {
    /** Not ready, saying `what`, until `work` (start-up after listening: the jobs) is done. */
    notReadyUntil(work: Promise<unknown>, what: string) {
      startingUp = what;
      void work.then(() => (startingUp = undefined)).catch(() => {});
    },
    /** Called on shutdown so load balancers stop sending new requests. */
    startDraining() {
      draining = true;
    },
    async readiness(): Promise<{ ready: boolean; reason?: string }> {
      if (draining) return { ready: false, reason: "shutting down" };
      if (startingUp) return { ready: false, reason: startingUp };
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("database did not answer in time")), timeoutMs);
      });
      try {
        await Promise.race([db.ping(), timeout]);
        return { ready: true };
      } catch {
        return { ready: false, reason: "database unavailable" };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
