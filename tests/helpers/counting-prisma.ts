// A Prisma client that counts the database operations made through it, to show a page's work
// does not grow with the plan's size (no N+1).
import type { PrismaClient } from "../../src/generated/prisma/client.ts";

export function countingPrisma(prisma: PrismaClient) {
  let operations = 0;
  const client = prisma.$extends({
    query: {
      async $allOperations({ args, query }) {
        operations += 1;
        return query(args);
      },
    },
  }) as unknown as PrismaClient;
  return {
    client,
    /** Runs `work` and says how many operations it made. */
    async count<T>(work: () => Promise<T>) {
      operations = 0;
      const result = await work();
      return { result, operations };
    },
  };
}
