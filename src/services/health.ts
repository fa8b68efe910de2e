// Readiness: the app can serve pages that need the database.
import type { Database } from "../db/database.ts";

export function healthService(db: Database, timeoutMs = 2_000) {
  let draining = false;
  return {
    /** Called on shutdown so load balancers stop sending new requests. */
    startDraining() {
      draining = true;
    },
    async readiness(): Promise<{ ready: boolean; reason?: string }> {
      if (draining) return { ready: false, reason: "shutting down" };
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
