// EJS with a layout: a page renders first, then views/layouts/<layout>.ejs wraps it as `body`.
// Pages choose a layout with `layout` in their view model (default "main", false for none).
// Includes are absolute from views/, e.g. include("/partials/govuk/button", { params }): with a
// fixed root EJS finds them without touching the disk on every render (relative includes cost
// two existsSync calls each, the largest single cost in a profile of the plan page).
//
// Big parts of pages that are the same for everyone (a plan's tables) are rendered once and kept
// as bytes with the read model they show (cachedHtml); a page that uses one is sent as bytes with
// the kept parts spliced in (README, Performance).
import { randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ejs from "ejs";
import { viewDefaults } from "./middleware/i18n.ts";

export const VIEWS_DIR = fileURLToPath(new URL("../views", import.meta.url));

/** A rendered page: HTML as text, or as bytes when kept parts were spliced in. */
export type RenderedPage = string | Buffer;
type Callback = (err: Error | null, html?: RenderedPage) => void;

/** Parts kept per read model at most (the filters of one plan's tables, say). */
const MAX_PARTS_PER_MODEL = 50;
const keptParts = new WeakMap<object, Map<string, Buffer>>();

/**
 * Where a kept part goes in a page while it renders: a mark with a secret made at start-up, so
 * no text a user sends can pass for one.
 */
const MARK = `rhins-part-${randomBytes(16).toString("hex")}`;
const PART = new RegExp(`<${MARK}:(\\d+)>`);

/**
 * The view helper cachedHtml(model, key, () => include(...)): markup rendered from a read model,
 * kept for as long as that read model lives. Read models are frozen and replaced when their data
 * changes (services/plans.ts), so markup rendered from one stays right, and goes when it goes.
 * Only for markup that depends on nothing but the read model and `key`: never on the user, the
 * session or a CSRF token; and not inside another kept part (its mark would be kept as text).
 */
function partsFor(used: Buffer[]) {
  return function cachedHtml(model: object, key: string, render: () => string): string {
    let kept = keptParts.get(model);
    if (!kept) keptParts.set(model, (kept = new Map()));
    let bytes = kept.get(key);
    if (bytes === undefined) {
      bytes = Buffer.from(render());
      if (kept.size >= MAX_PARTS_PER_MODEL) kept.clear();
      kept.set(key, bytes);
    }
    used.push(bytes);
    return `<${MARK}:${used.length - 1}>`;
  };
}

/**
 * The page with its kept parts spliced in as bytes. Encoding a page of thousands of small strings
 * with a big one among them costs far more than encoding the small ones and copying the big one's
 * bytes (a third of the partner plan page's time, before).
 */
function splice(html: string, used: Buffer[]): RenderedPage {
  if (used.length === 0) return html;
  const pieces = html.split(PART);
  return Buffer.concat(pieces.map((piece, i) => (i % 2 === 1 ? used[Number(piece)]! : Buffer.from(piece))));
}

export function renderWithLayout(file: string, viewModel: object, callback: Callback): void {
  const used: Buffer[] = [];
  // English words and plain links unless the app or the request gave their own (middleware/i18n.ts).
  const model: Record<string, unknown> = { ...viewDefaults(), ...viewModel, cachedHtml: partsFor(used) };
  const options = {
    cache: Boolean((model.settings as Record<string, unknown> | undefined)?.["view cache"]),
    root: VIEWS_DIR,
  };
  const done = (err: Error | null, html?: string) => (err ? callback(err) : callback(null, splice(html!, used)));
  ejs.renderFile(file, model, options, (err, body) => {
    if (err) return callback(err);
    if (model.layout === false) return done(null, body);
    const layout = path.join(VIEWS_DIR, "layouts", `${String(model.layout ?? "main")}.ejs`);
    ejs.renderFile(layout, { ...model, body }, options, done);
  });
}

/** renderWithLayout for app.engine: Express sends what an engine gives it, bytes too (its types say text). */
export const viewEngine = renderWithLayout as (
  file: string,
  viewModel: object,
  callback: (err: Error | null, html?: string) => void,
) => void;
