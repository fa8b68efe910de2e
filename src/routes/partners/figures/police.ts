// Coordinators import the police's recorded hate crimes: the imports so far with the template and
// an upload form; an upload is checked row by row and previewed; "Import these figures" checks
// the same text again (the browser carries it, trusted for nothing) and imports it.
import type { Request, RequestHandler, Response } from "express";
import multer from "multer";
import { MAX_FILE_BYTES, TOO_LARGE, type CheckedFile } from "../../../services/figures/police.ts";
import { ServiceError } from "../../../services/errors.ts";
import type { Services } from "../../../services/index.ts";
import { storable, type FormErrors } from "../../forms.ts";
import { get, post, type PartnerRoute } from "../route-table.ts";

const PAGE = "/figures/police";
const IMPORT = "/figures/police/import";
const PAGE_URL = `/partners${PAGE}`;
const TITLE = "Police-recorded figures";
const DEFAULT_FILE_NAME = "police-figures.csv";

/** Requests whose file (or carried text) was over the limit: the page says so, after the CSRF check. */
const overLimit = new WeakSet<Request>();

const MALFORMED = "The form could not be read. Go back, reload the page and choose the file again.";

/**
 * Reads the two multipart forms (the upload, and the preview's carried text), for coordinators
 * only, before the partner area's CSRF check, which needs the token from the parsed body. In
 * memory, within limits: a file or text over them is noted (overLimit) rather than refused, so
 * the page can say what to do; anything else wrong with the form is a 400.
 */
export function policeFiguresUploads(): RequestHandler {
  const parse = multer({
    storage: multer.memoryStorage(),
    limits: {
      fileSize: MAX_FILE_BYTES,
      files: 1,
      fields: 4,
      // The carried text: a file of the largest size, with the browser's line endings.
      fieldSize: MAX_FILE_BYTES + 64 * 1024,
      fieldNameSize: 20,
      parts: 6,
    },
  }).single("file");
  return (req, res, next) => {
    if (req.method !== "POST" || (req.path !== PAGE && req.path !== IMPORT) || req.user?.role !== "COORDINATOR")
      return next();
    parse(req, res, (err?: unknown) => {
      if (!err) return next();
      if (err instanceof multer.MulterError && (err.code === "LIMIT_FILE_SIZE" || err.code === "LIMIT_FIELD_VALUE")) {
        overLimit.add(req);
        return next();
      }
      next(new ServiceError(400, MALFORMED));
    });
  };
}

const field = (req: Request, name: string) => {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === "string" ? value : "";
};

/** A file name fit to keep: what the browser said, without what cannot be stored, shortened. */
const fileNameOf = (name: string) => storable(name).trim().slice(0, 200) || DEFAULT_FILE_NAME;

function problemsAsErrors(checked: Extract<CheckedFile, { ok: false }>): FormErrors {
  const list = checked.problems.map((text) => ({ text, href: "#file" }));
  if (checked.unlisted > 0)
    list.push({
      text: `There ${checked.unlisted === 1 ? "is 1 more problem" : `are ${checked.unlisted.toLocaleString("en-GB")} more problems`} after these: fix these first and upload the file again`,
      href: "#file",
    });
  const text =
    checked.problems.length === 1 && checked.unlisted === 0
      ? checked.problems[0]!
      : "The file has problems, listed at the top of the page: fix them and upload the file again";
  return { list, fields: { file: { text } } };
}

const refusal = (problem: string): Extract<CheckedFile, { ok: false }> => ({
  ok: false,
  problems: [problem],
  unlisted: 0,
});

export function policeFigureRoutes(services: Services): PartnerRoute[] {
  const { policeFigures } = services;

  async function page(res: Response, errors?: FormErrors) {
    const [imports, codes] = await Promise.all([policeFigures.imports(), policeFigures.codes()]);
    res.status(errors ? 400 : 200).render("pages/partners/figures/police", {
      area: "partners",
      title: errors ? `Error: ${TITLE}` : TITLE,
      heading: TITLE,
      user: res.locals.user,
      imports,
      codes,
      errors,
      action: PAGE_URL,
      templateHref: `${PAGE_URL}/template.csv`,
    });
  }

  return [
    get(PAGE, "coordinator", async (_req, res) => page(res)),

    get(`${PAGE}/template.csv`, "coordinator", async (_req, res) => {
      res.type("text/csv; charset=utf-8");
      res.set("Content-Disposition", 'attachment; filename="police-figures-template.csv"');
      res.send(await policeFigures.template());
    }),

    // The upload: checked, then shown as it would be imported (nothing is stored yet).
    post(PAGE, "coordinator", async (req, res) => {
      if (overLimit.has(req)) return page(res, problemsAsErrors(refusal(TOO_LARGE)));
      const file = req.file;
      if (!file) return page(res, problemsAsErrors(refusal("Select a CSV file of police-recorded figures")));
      if (!/\.csv$/i.test(file.originalname))
        return page(res, problemsAsErrors(refusal("The selected file must be a CSV (a file ending .csv)")));
      const checked = await policeFigures.checkFile(file.buffer);
      if (!checked.ok) return page(res, problemsAsErrors(checked));
      const preview = await policeFigures.preview(checked.rows);
      res.render("pages/partners/figures/police-preview", {
        area: "partners",
        title: "Check the police figures before importing them",
        user: req.user,
        preview,
        fileName: fileNameOf(file.originalname),
        csv: checked.text,
        action: `/partners${IMPORT}`,
        cancelHref: PAGE_URL,
      });
    }),

    // "Import these figures": the carried text is checked again as if uploaded now.
    post(IMPORT, "coordinator", async (req, res) => {
      if (overLimit.has(req)) return page(res, problemsAsErrors(refusal(TOO_LARGE)));
      const csv = field(req, "csv");
      if (!csv) return page(res, problemsAsErrors(refusal("Select a CSV file of police-recorded figures")));
      const checked = await policeFigures.checkText(csv);
      if (!checked.ok) return page(res, problemsAsErrors(checked));
      const imported = await policeFigures.importRows(req.user!, fileNameOf(field(req, "fileName")), checked.rows);
      const replaced = imported.replaced
        ? `, replacing ${imported.replaced.toLocaleString("en-GB")} ${imported.replaced === 1 ? "row" : "rows"} imported before`
        : "";
      req.session.flash = {
        heading: `Police figures imported for ${imported.period}: ${imported.rows.toLocaleString("en-GB")} ${imported.rows === 1 ? "row" : "rows"}, ${imported.total.toLocaleString("en-GB")} crimes in all${replaced}`,
      };
      res.redirect(PAGE_URL);
    }),
  ];
}
