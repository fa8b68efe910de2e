// Page weight budget (GUIDE §6): each public page's compressed HTML + CSS + JS is at most 60 KB,
// all from the site's own origin. The page and everything it loads (stylesheets, scripts, and
// the modules those scripts import) are requested through the app with Accept-Encoding: gzip,
// and the bytes on the wire are added up. The sizes are written to test-results/page-weight.json.
import { mkdir, writeFile } from "node:fs/promises";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { seed } from "../../src/db/seed.ts";
import { testApp } from "../helpers/app.ts";
import { testDatabase } from "../helpers/database.ts";
import { PUBLIC_PAGES } from "../helpers/public-pages.ts";

const BUDGET_BYTES = 60 * 1024;

let db: Database;
let server: Server;
let base: string;
const weights: Record<string, { total: number; files: Record<string, number> }> = {};

beforeAll(async () => {
  db = await testDatabase();
  await seed(db.prisma, { production: false, demoPassword: "correct horse battery staple" });
  server = createServer(testApp(db).app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await mkdir("test-results", { recursive: true });
  await writeFile(path.join("test-results", "page-weight.json"), `${JSON.stringify(weights, null, 2)}\n`);
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await db.close();
});

interface Fetched {
  status: number;
  encoding: string | undefined;
  /** Bytes as sent, before decompressing. */
  wireBytes: number;
  body: string;
}

/** GETs a path the way a browser would, counting the compressed bytes actually sent. */
async function fetchRaw(pathname: string): Promise<Fetched> {
  const { gunzipSync } = await import("node:zlib");
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${pathname}`, { headers: { "Accept-Encoding": "gzip" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const raw = Buffer.concat(chunks);
        const encoding = res.headers["content-encoding"];
        resolve({
          status: res.statusCode ?? 0,
          encoding,
          wireBytes: raw.length,
          body: (encoding === "gzip" ? gunzipSync(raw) : raw).toString("utf8"),
        });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/** Stylesheets and scripts a page loads. */
function assetsOf(html: string): string[] {
  const links = [...html.matchAll(/<link\b[^>]*\brel="stylesheet"[^>]*\bhref="([^"]+)"/g)].map((m) => m[1]!);
  const scripts = [...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1]!);
  return [...links, ...scripts];
}

/** Modules a JavaScript module imports statically. */
function importsOf(js: string): string[] {
  return [...js.matchAll(/\bimport\s*(?:[^"'()]*?\bfrom\s*)?["']([^"']+)["']/g)].map((m) => m[1]!);
}

describe.each(PUBLIC_PAGES)("the page weight of $path", ({ path: pagePath }) => {
  it("is at most 60 KB compressed, HTML, CSS and JavaScript together, all from this site", async () => {
    const page = await fetchRaw(pagePath);
    expect(page.status).toBe(200);
    expect(page.encoding).toBe("gzip");
    const files: Record<string, number> = { [pagePath]: page.wireBytes };

    const queue = assetsOf(page.body);
    while (queue.length) {
      const url = queue.shift()!;
      if (url in files) continue;
      expect(url, "assets come from this site").toMatch(/^\/(?!\/)/);
      const asset = await fetchRaw(url);
      expect(asset.status, url).toBe(200);
      files[url] = asset.wireBytes;
      if (/\.m?js$/.test(url)) queue.push(...importsOf(asset.body).map((i) => new URL(i, `${base}${url}`).pathname));
    }

    expect(Object.keys(files)).toEqual(
      expect.arrayContaining(["/assets/stylesheets/app.css", "/assets/js/init.mjs", "/assets/govuk-frontend.min.js"]),
    );
    const total = Object.values(files).reduce((a, b) => a + b, 0);
    weights[pagePath] = { total, files };
    expect(total).toBeLessThanOrEqual(BUDGET_BYTES);
  });
});
