// The session itself: "Stay signed in" from the timeout warning (public/js/session-timeout.mjs).
import { keepAlive } from "../../middleware/session.ts";
import { get, type PartnerRoute } from "./route-table.ts";

export function sessionRoutes(): PartnerRoute[] {
  // Anyone signed in with a password, second factor passed or not: it only restarts the idle clock.
  return [get("/keep-alive", "second-factor", keepAlive)];
}
