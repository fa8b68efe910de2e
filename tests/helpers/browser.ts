// Browser tests: the real app on an ephemeral port, on a fresh in-memory PGlite database loaded
// with the seed, and Debian's Chromium driven by playwright-core (GUIDE §7). Nothing leaves the
// machine: the browser resolves no host but 127.0.0.1.
import { mkdtemp, readFile, rm } from "node:fs/promises";
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

/** Starts the app on 127.0.0.1 on a free port, on a seeded in-memory database (with `env` over the test config). */
export async function startApp(env: Record<string, string> = {}): Promise<RunningApp> {
  const db = await openDatabase({ kind: "pglite-memory" });
  await migrate(db);
  await seed(db.prisma, { production: false, demoPassword: "correct horse battery staple" });
  const { app, services } = testApp(db, env);
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
export async function startBrowser(
  baseUrl: string,
  options: { javaScript?: boolean; viewport?: { width: number; height: number } } = {},
): Promise<RunningBrowser> {
  const profile = await mkdtemp(path.join(os.tmpdir(), "rhins-chromium-"));
  // launchPersistentContext passes the profile as --user-data-dir (launch() refuses that flag).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    javaScriptEnabled: options.javaScript ?? true,
    args: [...CHROMIUM_ARGS, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"],
    viewport: options.viewport ?? { width: 1280, height: 800 },
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

let axeSource: string | undefined;

/**
 * axe-core's violations in the page, colour contrast included (the page must run JavaScript).
 * GOV.UK Frontend's script puts aria-expanded on a radio or checkbox that reveals a question (on
 * purpose: alphagov/govuk-frontend issue 979); axe does not allow it on those roles, so that one
 * finding, on those inputs only, is left out.
 */
export async function axeViolations(page: Page): Promise<{ id: string; nodes: string[] }[]> {
  axeSource ??= await readFile(new URL("../../node_modules/axe-core/axe.min.js", import.meta.url), "utf8");
  // Evaluated through the DevTools protocol, so the page's CSP (rightly) does not block it.
  await page.evaluate(axeSource);
  const violations = await page.evaluate<{ id: string; nodes: string[] }[]>(`
    axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"] },
      resultTypes: ["violations"],
    }).then((r) => r.violations.map((v) => ({
      id: v.id,
      nodes: v.nodes
        .filter((n) => !(v.id === "aria-allowed-attr" && document.querySelector(n.target[0]).matches("[aria-controls][aria-expanded]")))
        .map((n) => n.target.join(" ")),
    })))
  `);
  return violations.filter((v) => v.nodes.length > 0);
}
