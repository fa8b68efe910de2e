// /report/follow-up: a reporter, anonymous or not, reads the caseworker's messages and replies
// with the reference and receipt code from the end of the online form. The public site keeps no
// session and sets no cookie, so the reference and code travel in the form's fields (never the
// address) and every POST checks them again. No page of it is stored by the browser.
import { type RequestHandler, type Response, Router } from "express";
import { rateLimit } from "express-rate-limit";
import { z } from "zod";
import { contacts } from "../../content/contacts.ts";
import { publicNavigation } from "../../content/navigation.ts";
import { sameOrigin } from "../../middleware/same-origin.ts";
import type { Services } from "../../services/index.ts";
import {
  type FollowUp,
  MAX_MESSAGE,
  RECEIPT_CODE_LENGTH,
  normaliseReceiptCode,
  normaliseReference,
} from "../../services/reports/follow-up.ts";
import { type FormErrors, type FormValues, addError, parseForm } from "../forms.ts";
import { translatedErrors, translator } from "./form-pages.ts";

const VIEWS = "pages/public/report-follow-up";

/** Said for a reference that does not exist, a wrong code and a locked reference alike (a catalogue key). */
export const REFUSED = "report:followUp.errors.refused";

const credentials = {
  reference: z
    .string()
    .trim()
    .min(1, "report:followUp.errors.referenceMissing")
    .max(30, "report:followUp.errors.reference")
    .refine((v) => normaliseReference(v) !== undefined, "report:followUp.errors.reference"),
  receiptCode: z
    .string()
    .trim()
    .min(1, "report:followUp.errors.receiptCodeMissing")
    .max(40, `report:followUp.errors.receiptCode|${RECEIPT_CODE_LENGTH}`)
    .refine(
      (v) => normaliseReceiptCode(v).length === RECEIPT_CODE_LENGTH,
      `report:followUp.errors.receiptCode|${RECEIPT_CODE_LENGTH}`,
    ),
};
const openForm = z.object(credentials);
const replyForm = z.object({
  ...credentials,
  body: z
    .string()
    .trim()
    .min(1, "report:followUp.errors.bodyMissing")
    .max(MAX_MESSAGE, `report:followUp.errors.bodyTooLong|${MAX_MESSAGE}`),
});

export interface FollowUpOptions {
  /** Follow-up POSTs allowed from one address in 15 minutes (shared by every instance). */
  perAddress?: number;
}

export function followUpRoutes(services: Services, options: FollowUpOptions = {}): Router {
  const router = Router();

  // The public layout's needs (Exit this page, navigation), and nothing kept by the browser.
  const publicPage: RequestHandler = (req, res, next) => {
    res.set("Cache-Control", "no-store");
    res.locals.contacts = contacts;
    res.locals.navigation = publicNavigation;
    res.locals.currentPath = req.originalUrl.split("?")[0];
    // Messages are shown only in answer to a form with the receipt code (never in an address), so
    // another language starts again at that form.
    const links = (res.locals.languageLinks ?? []) as { href: string }[];
    res.locals.languageLinks = links.map((l) => ({ ...l, href: l.href.replace(/^[^?]*/, "/report/follow-up") }));
    next();
  };

  /** The form asking for the reference and code: the code is never written back into the page. */
  const askForCode = (res: Response, status: number, values: FormValues = {}, errors?: FormErrors) =>
    res.status(status).render(`${VIEWS}/index`, {
      title: translator(res)("report:followUp.title"),
      currentNav: "report",
      values: { reference: values.reference ?? "" },
      errors: errors && translatedErrors(translator(res), errors),
    });

  const refused = (res: Response, values: FormValues) =>
    askForCode(res, 400, values, addError({ list: [], fields: {} }, "reference", REFUSED));

  /** The thread, with the reply form carrying the reference and code to check them again. */
  const showThread = (
    res: Response,
    thread: Extract<FollowUp, { ok: true }>,
    receiptCode: string,
    model: { status?: number; sent?: boolean; reply?: string; errors?: FormErrors } = {},
  ) =>
    res.status(model.status ?? 200).render(`${VIEWS}/messages`, {
      title: translator(res)("report:followUp.messagesTitle"),
      currentNav: "report",
      reference: thread.reference,
      receiptCode: normaliseReceiptCode(receiptCode),
      messages: thread.messages,
      personalDataDeleted: thread.personalDataDeleted,
      sent: model.sent ?? false,
      values: { body: model.reply ?? "" },
      errors: model.errors,
    });

  const perAddress = rateLimit({
    windowMs: 15 * 60_000,
    limit: options.perAddress ?? 30,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    store: services.rateLimits.store("report-follow-up"),
    handler: (_req, res) =>
      askForCode(res, 429, {}, addError({ list: [], fields: {} }, "reference", "report:followUp.errors.tooMany")),
  });

  router.use("/follow-up", publicPage);

  router.get("/follow-up", (_req, res) => askForCode(res, 200));

  router.post("/follow-up", sameOrigin, perAddress, async (req, res) => {
    const form = parseForm(openForm, req.body);
    if (!form.ok) return askForCode(res, 400, form.values, form.errors);
    const thread = await services.reports.followUp(form.data.reference, form.data.receiptCode);
    if (!thread.ok) return refused(res, form.values);
    showThread(res, thread, form.data.receiptCode);
  });

  router.post("/follow-up/reply", sameOrigin, perAddress, async (req, res) => {
    const form = parseForm(replyForm, req.body);
    const values = form.values as Record<string, string>;
    if (!form.ok) {
      // The reference and code are hidden fields: if they are wrong, start again from the form.
      if (form.errors.fields.reference || form.errors.fields.receiptCode) return refused(res, form.values);
      const thread = await services.reports.followUp(values.reference!, values.receiptCode!);
      if (!thread.ok) return refused(res, form.values);
      return showThread(res, thread, values.receiptCode!, {
        status: 400,
        reply: values.body,
        errors: translatedErrors(translator(res), form.errors),
      });
    }
    const { reference, receiptCode, body } = form.data;
    const thread = await services.reports.reply(reference, receiptCode, body);
    if (!thread.ok) return refused(res, form.values);
    showThread(res, thread, receiptCode, { sent: true });
  });

  return router;
}
