// EJS with a layout: a page renders first, then views/layouts/<layout>.ejs wraps it as `body`.
// Pages choose a layout with `layout` in their view model (default "main", false for none).
// Includes are absolute from views/, e.g. include("/partials/govuk/button", { params }): with a
// fixed root EJS finds them without touching the disk on every render (relative includes cost
// two existsSync calls each, the largest single cost in a profile of the plan page).
import path from "node:path";
import { fileURLToPath } from "node:url";
import ejs from "ejs";

export const VIEWS_DIR = fileURLToPath(new URL("../views", import.meta.url));

type Callback = (err: Error | null, html?: string) => void;

export function renderWithLayout(file: string, viewModel: object, callback: Callback): void {
  const model = viewModel as Record<string, unknown>;
  const options = {
    cache: Boolean((model.settings as Record<string, unknown> | undefined)?.["view cache"]),
    root: VIEWS_DIR,
  };
  ejs.renderFile(file, model, options, (err, body) => {
    if (err) return callback(err);
    if (model.layout === false) return callback(null, body);
    const layout = path.join(VIEWS_DIR, "layouts", `${String(model.layout ?? "main")}.ejs`);
    ejs.renderFile(layout, { ...model, body }, options, callback);
  });
}
