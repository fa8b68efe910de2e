// npm start: the portal. In production (NODE_ENV=production in the environment or in ./.env, read
// as src/config.ts reads it) it runs the compiled build, `node dist/server.js`, building it first
// when dist/ is missing or src/ has changed since; otherwise `src/server.ts` through tsx, as in
// development. The portal is a child process that gets SIGTERM, SIGINT and SIGHUP as they come
// here, and its exit code (or signal) becomes this process's.
//
// In production the portal's memory is bounded (scripts/portal-node.json, measured by npm run
// bench): V8's young generation at most 8 MB per half and its old generation 256 MB, so the heap
// is collected before it grows far past what is live; glibc keeps two malloc arenas instead of
// sixteen on two cores, and gives blocks of 128 KB or more back to the system when freed. Any of
// these set in the environment wins (NODE_OPTIONS: its options come last).
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseEnv } from "node:util";
import { DIST, ROOT, buildIsStale, build, canBuild } from "./build.mjs";

/** The environment's value wins over the .env file's, as with process.loadEnvFile. */
function nodeEnv() {
  if (process.env.NODE_ENV !== undefined) return process.env.NODE_ENV;
  return existsSync(".env") ? parseEnv(readFileSync(".env", "utf8")).NODE_ENV : undefined;
}

async function portalCommand() {
  const fromSource = ["--import", "tsx", path.join(ROOT, "src", "server.ts")];
  if (nodeEnv() !== "production") return fromSource;
  if (buildIsStale()) {
    if (!canBuild()) {
      console.error(
        "dist/ is missing or older than src/, and TypeScript is not installed to build it (npm ci without --omit=dev, " +
          "then npm run build): running src/ through tsx, which starts slower and uses more memory.",
      );
      return fromSource;
    }
    console.error(existsSync(DIST) ? "src/ changed since the last build: building dist/..." : "building dist/...");
    await build();
  }
  return [path.join(DIST, "server.js")];
}

/** The environment for the portal: in production, the memory settings, after which the environment's own win. */
function portalEnv() {
  if (nodeEnv() !== "production") return process.env;
  const settings = JSON.parse(readFileSync(path.join(ROOT, "scripts", "portal-node.json"), "utf8"));
  return {
    ...settings,
    ...process.env,
    NODE_OPTIONS: [settings.NODE_OPTIONS, process.env.NODE_OPTIONS].filter(Boolean).join(" "),
  };
}

const child = spawn(process.execPath, await portalCommand(), { stdio: "inherit", env: portalEnv() });
const signals = ["SIGTERM", "SIGINT", "SIGHUP"];
const forward = (signal) => child.kill(signal);
for (const signal of signals) process.on(signal, forward);
child.once("exit", (code, signal) => {
  for (const s of signals) process.off(s, forward);
  // Killed by a signal: end the same way, so whoever started npm start sees it.
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
