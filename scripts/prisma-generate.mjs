// Runs `prisma generate` on machines that can download Prisma's engines and on ones that cannot.
// The CLI fetches a native schema engine before it starts, although `generate` never uses it;
// pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing file skips that download (GUIDE §2).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const enginesDir = path.dirname(require.resolve("@prisma/engines/package.json"));
const hasEngine = existsSync(enginesDir) && readdirSync(enginesDir).some((f) => f.startsWith("schema-engine"));

const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1" };
if (!hasEngine && !env.PRISMA_SCHEMA_ENGINE_BINARY) env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;

const cli = require.resolve("prisma/build/index.js");
const result = spawnSync(process.execPath, [cli, "generate"], { stdio: "inherit", env });
process.exit(result.status ?? 1);
