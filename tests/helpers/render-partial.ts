// Renders an EJS partial to a string the way the app does: includes resolve from views/.
// The name is the one a view passes to include(), e.g. renderPartial("partials/govuk/button", { text: "Save" }).
import path from "node:path";
import ejs from "ejs";
import { VIEWS_DIR } from "../../src/views.ts";

export function renderPartial(name: string, params: unknown): Promise<string> {
  return ejs.renderFile(path.join(VIEWS_DIR, `${name}.ejs`), { params }, { root: VIEWS_DIR });
}
