// Probes for load balancers and orchestrators. Mounted before sessions, so probes create none.
import { Router } from "express";
import type { Services } from "../services/index.ts";

export function healthRoutes(services: Services): Router {
  const router = Router();
  router.get("/health/live", (_req, res) => {
    res.set("Cache-Control", "no-store").json({ status: "ok" });
  });
  router.get("/health/ready", async (_req, res) => {
    const { ready, reason } = await services.health.readiness();
    res
      .status(ready ? 200 : 503)
      .set("Cache-Control", "no-store")
      .json(ready ? { status: "ready" } : { status: "not ready", reason });
  });
  return router;
}
