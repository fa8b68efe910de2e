// Browser tests: the real app on an ephemeral port, on a fresh in-memory PGlite database loaded
// with the seed, and Debian's Chromium driven by playwright-core (GUIDE §7). Nothing leaves the
// machine: the browser resolves no host but 127.0.0.1.
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { migrate } from "../../src/db/migrate.ts";
import { seed } from "../../src/db/seed.ts";
import { testApp } from "./app.ts";

export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Where screenshots and other artefacts go (gitignored). */
export const RESULTS_DIR = path.resolve("test-results");

/** A request the app answered, as the server saw it. */
export interface ServedRequest {
  method: string;
  url: string;
  status: number;
  ifNoneMatch?: string;
}

export interface RunningApp {
  baseUrl: string;
  db: Database;
  /** The app's real services, for what a test does as a partner without the browser. */
  services: ReturnType<typeof testApp>["services"];
  /** Every request the app has answered, oldest first. */
  served: ServedRequest[];
  close(): Promise<void>;
}

/** Starts the app on 127.0.0.1 on a free port, on a seeded in-memory database. */
export async function startApp(): Promise<RunningApp> {
  const db = await openDatabase({ kind: "pglite-memory" });
  await migrate(db);
  await seed(db.prisma, { production: false, demoPassword: "correct horse battery staple" });
  const { app, services } = testApp(db);
  const served: ServedRequest[] = [];
  const server: Server = createServer((req, res) => {
    res.on("finish", () =>
      served.push({
        method: req.method ?? "",
        url: req.url ?? "",
        status: res.statusCode,
        ifNoneMatch: req.headers["if-none-match"],
      }),
    );
    app(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    db,
    services,
    served,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
      await db.close();
    },
  };
}

export interface RunningBrowser {
  context: BrowserContext;
  /** Addresses on other origins the pages asked for (the browser cannot reach any of them). */
  foreignRequests: string[];
  /** A new tab, optionally sized. */
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Launches Debian's Chromium with a fresh profile. No request can leave the machine: every host
 * but 127.0.0.1 resolves to nothing, and each request to another origin is recorded in
 * foreignRequests. (Requests are watched, not intercepted, because interception turns off the
 * HTTP cache; a test that needs the exit site answers it with page.route itself.)
 */
export async function startBrowser(baseUrl: string): Promise<RunningBrowser> {
  const profile = await mkdtemp(path.join(os.tmpdir(), "rhins-chromium-"));
  // launchPersistentContext passes the profile as --user-data-dir (launch() refuses that flag).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"],
    viewport: { width: 1280, height: 800 },
  });
  const origin = new URL(baseUrl).origin;
  const foreignRequests: string[] = [];
  context.on("request", (request) => {
    const url = new URL(request.url());
    if (url.origin !== origin && url.protocol !== "data:") foreignRequests.push(request.url());
  });
  return {
    context,
    foreignRequests,
    async newPage(viewport) {
      const page = await context.newPage();
      if (viewport) await page.setViewportSize(viewport);
      return page;
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
