// The partnership's member agencies.
import type { PrismaClient } from "../generated/prisma/client.ts";

export function agencyService(prisma: PrismaClient) {
  return {
    list: () => prisma.agency.findMany({ orderBy: [{ position: "asc" }, { name: "asc" }] }),
  };
}
