// Reports taken at a reporting centre (/partners/report): staff of an account linked to a
// reporting centre enter a report for someone who came in, with the same questions as the public
// form (routes/report/form-pages.ts), recorded as "via <centre>". The draft is the staff
// member's own (a shared computer shows it to nobody else) and survives their session ending.
// Sending it gives the reference and receipt code to hand to the person; after that the report is
// a case like any other, seen only by those with case access.
import type { Request, Response } from "express";
import { z } from "zod";
import { notFound } from "../../services/errors.ts";
import type { Services } from "../../services/index.ts";
import { reportFromAnswers } from "../../services/reports/questions.ts";
import { parseForm } from "../forms.ts";
import { reportFormPages } from "../report/form-pages.ts";
import { get, post, type PartnerRoute } from "./route-table.ts";

export const CENTRE_REPORT_PATH = "/partners/report";
const COOKIE = "rhins_centre_report";
const VIEWS = "pages/partners/centre-report";

export function centreReportRoutes(services: Services): PartnerRoute[] {
  const form = reportFormPages(services, {
    path: CENTRE_REPORT_PATH,
    cookie: COOKIE,
    owner: (req) => req.user!.id,
    token: "partner-area",
    checkAnswersTitle: "Check the answers before sending the report",
    declaration: {
      text: "I confirm that these are the answers the person gave me",
      error: "Confirm that these are the answers the person gave you",
    },
    honeypot: false,
    locals: { area: "partners" },
  });

  /** The signed-in partner's reporting centre (the access rule has checked they have one). */
  const centreOf = async (req: Request) => {
    const centre = await services.directory.centre(req.user!.reportingCentreId!);
    if (!centre) throw notFound("page");
    return centre;
  };

  /** Where the person reads and answers messages, to tell them (this site's address as they will type it). */
  const followUpUrl = (req: Request) => `${req.protocol}://${req.get("host")}/report/follow-up`;

  const startPage = async (req: Request, res: Response) => {
    res.render(`${VIEWS}/start`, {
      ...form.locals,
      title: "Enter a report for someone",
      centre: await centreOf(req),
      followUpUrl: followUpUrl(req),
    });
  };

  const send = async (req: Request, res: Response) => {
    const draft = await form.liveDraft(req, res);
    if (!draft) return;
    const declared = form.readDeclaration(req.body);
    const { all } = await form.currentSteps();
    if (!declared.ok) return form.renderCheckAnswers(res, all, draft, declared, 400);
    const report = reportFromAnswers(all, draft.answers);
    if (!report) return res.redirect(303, form.firstUnansweredPath(all, draft)!);
    const centre = await centreOf(req);
    const sent = await services.reports.submit(report, { centreId: centre.id, actor: req.user! });
    await form.forget(req, res);
    // Shown this once, as the answer to sending: the receipt code is kept only as its hash.
    res.render(`${VIEWS}/confirmation`, {
      ...form.locals,
      title: "Report sent",
      ...sent,
      centre,
      anonymous: draft.answers.contact?.contactChoice !== "NAMED",
      followUpUrl: followUpUrl(req),
    });
  };

  const starting = async (req: Request, res: Response) => {
    parseForm(z.object({}), req.body);
    await form.start(req, res);
  };

  return [
    get("/report", "reporting-centre", startPage),
    post("/report/start", "reporting-centre", starting),
    get("/report/check-answers", "reporting-centre", form.showCheckAnswers),
    post("/report/check-answers", "reporting-centre", send),
    get("/report/:slug", "reporting-centre", form.showStep),
    post("/report/:slug", "reporting-centre", form.saveStep),
  ];
}
