// Rate limits shared by every instance of the portal: an express-rate-limit Store over the
// RateLimitHit table, so a limit counts requests to any instance (GUIDE §10). A fixed window per
// key: its first hit sets when it resets, and a hit after that starts a new window. Each hit is one
// atomic statement, so parallel requests to several instances never both get the last place.
// Addresses are never stored: a key is the limit's name and a keyed hash of the address.
import type { ClientRateLimitInfo, Options, Store } from "express-rate-limit";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { EncryptionService } from "./encryption.ts";

export interface RateLimitOptions {
  now?: () => Date;
}

interface HitRow {
  hits: number;
  resetAt: Date;
}

export function rateLimitService(prisma: PrismaClient, encryption: EncryptionService, options: RateLimitOptions = {}) {
  const now = options.now ?? (() => new Date());

  return {
    /** A store for one limit (a new one for each rateLimit(), as express-rate-limit requires). */
    store(name: string): Store {
      let windowMs = 60_000;
      let limit: number | undefined;
      // Addresses this instance has seen over the limit, until their window ends: their further
      // requests are refused from memory, so a flood costs no database work (the count in the
      // database is already past the limit, so every other instance refuses them too).
      const over = new Map<string, Date>();
      const keyOf = (client: string) => `${name}:${encryption.lookupHash("RateLimitHit", client)}`;
      return {
        localKeys: false,
        prefix: `${name}:`,

        init(limitOptions: Options) {
          windowMs = limitOptions.windowMs;
          if (typeof limitOptions.limit === "number") limit = limitOptions.limit;
        },

        async get(client: string): Promise<ClientRateLimitInfo | undefined> {
          const at = now();
          const row = await prisma.rateLimitHit.findFirst({ where: { key: keyOf(client), resetAt: { gt: at } } });
          return row ? { totalHits: row.hits, resetTime: row.resetAt } : undefined;
        },

        async increment(client: string): Promise<ClientRateLimitInfo> {
          const at = now();
          const blockedUntil = over.get(client);
          if (blockedUntil && limit !== undefined) {
            if (blockedUntil > at) return { totalHits: limit + 1, resetTime: blockedUntil };
            over.delete(client);
          }
          const resetAt = new Date(at.getTime() + windowMs);
          // A new window when the old one has ended; in SET, "RateLimitHit" is the row before this hit.
          // ::timestamp(3): the column is UTC without a time zone, as Prisma writes it.
          const [row] = await prisma.$queryRaw<HitRow[]>`
            INSERT INTO "RateLimitHit" ("key", "resetAt", "hits")
            VALUES (${keyOf(client)}, ${resetAt.toISOString()}::timestamp(3), 1)
            ON CONFLICT ("key") DO UPDATE SET
              "hits" = CASE WHEN "RateLimitHit"."resetAt" <= ${at.toISOString()}::timestamp(3)
                THEN 1 ELSE "RateLimitHit"."hits" + 1 END,
              "resetAt" = CASE WHEN "RateLimitHit"."resetAt" <= ${at.toISOString()}::timestamp(3)
                THEN EXCLUDED."resetAt" ELSE "RateLimitHit"."resetAt" END
            RETURNING "hits", "resetAt"`;
          if (limit !== undefined && row!.hits > limit) {
            // Keep the map small: forget windows that have ended before remembering another.
            for (const [key, until] of over) if (until <= at) over.delete(key);
            over.set(client, row!.resetAt);
          }
          return { totalHits: row!.hits, resetTime: row!.resetAt };
        },

        // A request the limit chose not to count (e.g. skipSuccessfulRequests), in its window.
        async decrement(client: string): Promise<void> {
          await prisma.rateLimitHit.updateMany({
            where: { key: keyOf(client), resetAt: { gt: now() }, hits: { gt: 0 } },
            data: { hits: { decrement: 1 } },
          });
        },

        async resetKey(client: string): Promise<void> {
          over.delete(client);
          await prisma.rateLimitHit.deleteMany({ where: { key: keyOf(client) } });
        },
      };
    },
  };
}

export type RateLimitService = ReturnType<typeof rateLimitService>;
