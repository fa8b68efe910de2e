// npm run build: compiles src/ to dist/ with tsc (tsconfig.build.json: `.ts` imports become `.js`,
// and paths from import.meta.url stay right because dist/ mirrors src/; GUIDE §10), and copies
// the files src/ reads at run time that tsc does not emit (the common-password list). dist/ is
// replaced whole, at the end, so a portal never starts from half a build and files deleted from
// src/ do not linger. dist/.fingerprint records what was built, for `--if-stale` and npm start.
//
//   node scripts/build.mjs             # always builds
//   node scripts/build.mjs --if-stale  # builds only when src/ (or the build settings) changed
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const DIST = path.join(ROOT, "dist");
const SRC = path.join(ROOT, "src");
const FINGERPRINT = path.join(DIST, ".fingerprint");
/** Besides src/, what decides the output: the compiler settings and this script. */
const SETTINGS = ["tsconfig.json", "tsconfig.build.json", "scripts/build.mjs"];

/** Files under `dir`, relative to ROOT, in a stable order. */
function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)))
    .sort();
}

/** What src/ is now: a hash of every file's path and content (mtimes miss restores and deletions). */
export function sourceFingerprint() {
  const hash = createHash("sha256");
  for (const file of [...filesUnder(SRC), ...SETTINGS]) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(path.join(ROOT, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

/** True when dist/ is missing or was built from other sources than src/ holds now. */
export function buildIsStale() {
  return !existsSync(FINGERPRINT) || readFileSync(FINGERPRINT, "utf8") !== sourceFingerprint();
}

/** Files tsc does not emit that src/ reads at run time; the Sass is compiled to public/ by build:css. */
const isRuntimeAsset = (file) => !file.endsWith(".ts") && !file.endsWith(".scss");

/** Whether TypeScript is installed (it is a development dependency: `npm ci --omit=dev` leaves it out). */
export function canBuild() {
  try {
    createRequire(import.meta.url).resolve("typescript/bin/tsc");
    return true;
  } catch {
    return false;
  }
}

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`tsc failed (exit ${code})`))));
  });
}

/** Compiles src/ into a folder of its own, then puts it in dist/'s place. */
export async function build() {
  const fingerprint = sourceFingerprint();
  const staging = path.join(ROOT, `.dist-build-${process.pid}`);
  const old = path.join(ROOT, `.dist-old-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  try {
    const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
    await run(process.execPath, [tsc, "-p", path.join(ROOT, "tsconfig.build.json"), "--outDir", staging]);
    for (const file of filesUnder(SRC).filter(isRuntimeAsset)) {
      cpSync(path.join(ROOT, file), path.join(staging, path.relative("src", file)));
    }
    writeFileSync(path.join(staging, ".fingerprint"), fingerprint);
    if (existsSync(DIST)) renameSync(DIST, old);
    renameSync(staging, DIST);
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(old, { recursive: true, force: true });
  }
}

/** Builds when dist/ is stale; true if it built. */
export async function buildIfStale() {
  if (!buildIsStale()) return false;
  await build();
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const ifStale = process.argv.includes("--if-stale");
  const started = Date.now();
  const built = ifStale ? await buildIfStale() : (await build(), true);
  console.log(built ? `dist/: built in ${((Date.now() - started) / 1000).toFixed(1)} s` : "dist/: up to date");
}
