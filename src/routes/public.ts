// The public website.
import { Router } from "express";
import type { Services } from "../services/index.ts";

export function publicRoutes(services: Services): Router {
  const router = Router();
  router.get("/", async (_req, res) => {
    const plan = await services.plans.currentPublished();
    res.render("pages/public/home", { title: "Responding to Hate Incidents in North Somerset", plan });
  });
  return router;
}
