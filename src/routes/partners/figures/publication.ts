// Coordinators publish the public figures (/figures) for a quarter that has ended: the
// publications so far and a choice of quarter, a preview of exactly what the public will see,
// then publishing it (services/figures/publication.ts). Never live: the public page changes only
// when a quarter is published.
import type { Response } from "express";
import { z } from "zod";
import { FieldError } from "../../../services/errors.ts";
import { endedQuarters, figuresView, quarterLabel } from "../../../services/figures/publication.ts";
import type { Services } from "../../../services/index.ts";
import { fieldErrors, parseForm, type FormErrors, type FormValues } from "../../forms.ts";
import { get, post, type PartnerRoute } from "../route-table.ts";

const PUBLISH = "/figures/publish";
const CHOOSE = "Choose the quarter to publish";

/** A quarter as the form sends it: "2026-3" (the financial year's start year, then the quarter). */
const quarterField = z
  .string()
  .trim()
  .min(1, CHOOSE)
  .max(10, CHOOSE)
  .regex(/^\d{4}-[1-4]$/, CHOOSE)
  .transform((v) => ({ year: Number(v.slice(0, 4)), quarter: Number(v.slice(5)) }));
const quarterForm = z.object({ quarter: quarterField });

const DAY = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "Europe/London" }); // prettier-ignore

export function figuresPublicationRoutes(services: Services): PartnerRoute[] {
  const { figuresPublication } = services;

  async function choosePage(res: Response, values: FormValues = {}, errors?: FormErrors, status = 200) {
    const publications = await figuresPublication.list();
    res.status(status).render("pages/partners/figures/publish", {
      area: "partners",
      title: "Publish the public figures",
      user: res.locals.user,
      publications: publications.map((p) => ({
        label: p.label,
        publishedOn: { datetime: p.publishedAt.toISOString(), text: DAY.format(p.publishedAt) },
      })),
      quarters: endedQuarters(new Date()).map((q) => ({ value: `${q.year}-${q.quarter}`, text: q.label })),
      values,
      errors,
    });
  }

  /** The chosen quarter, or the choice page again with what to fix. */
  async function chosen(res: Response, body: unknown, load: (year: number, quarter: number) => Promise<void>) {
    const form = parseForm(quarterForm, body);
    if (!form.ok) return choosePage(res, form.values, form.errors, 400);
    try {
      await load(form.data.quarter.year, form.data.quarter.quarter);
    } catch (err) {
      if (err instanceof FieldError) return choosePage(res, form.values, fieldErrors(err), 400);
      throw err;
    }
  }

  return [
    get(PUBLISH, "coordinator", (_req, res) => choosePage(res)),

    // The preview: a GET form, so the page can be reloaded; publishing it is the POST below.
    get(`${PUBLISH}/preview`, "coordinator", async (req, res) => {
      // Anything but one quarter in the address is refused like a form that sent too much (400).
      await chosen(res, req.query, async (year, quarter) => {
        const tables = await figuresPublication.preview(year, quarter);
        const published = (await figuresPublication.list()).some((p) => p.year === year && p.quarter === quarter);
        res.render("pages/partners/figures/publish-preview", {
          area: "partners",
          title: "Preview the public figures",
          caption: quarterLabel(year, quarter),
          user: res.locals.user,
          figures: figuresView(tables),
          quarter: `${year}-${quarter}`,
          button: published ? "Publish these figures again" : "Publish these figures",
          republish: published,
        });
      });
    }),

    post(PUBLISH, "coordinator", async (req, res) => {
      await chosen(res, req.body, async (year, quarter) => {
        await figuresPublication.publish(req.user!, year, quarter);
        req.session.flash = {
          heading: `Figures for ${quarterLabel(year, quarter)} published: the public can see them`,
        };
        res.redirect(`/partners${PUBLISH}`);
      });
    }),
  ];
}
