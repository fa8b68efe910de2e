// The one place services are built; routes receive these and never see Prisma.
import type { Database } from "../db/database.ts";
import { healthService } from "./health.ts";
import { planService } from "./plans.ts";

export function services(db: Database) {
  return {
    health: healthService(db),
    plans: planService(db.prisma),
  };
}

export type Services = ReturnType<typeof services>;
