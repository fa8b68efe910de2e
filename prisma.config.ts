// Prisma CLI configuration (Prisma 7 keeps the connection out of the schema).
// Only `prisma generate` runs here; migrations are applied by src/db/migrate.ts.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
