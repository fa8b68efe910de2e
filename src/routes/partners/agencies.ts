// Coordinators manage the partnership's member agencies: list, add, change, deactivate and
// reactivate, reorder, and delete one nothing refers to (otherwise: deactivate it instead).
import type { Request, Response } from "express";
import { z } from "zod";
import { describeUses } from "../../services/agencies.ts";
import { FieldError, ServiceError, notFound } from "../../services/errors.ts";
import type { Services } from "../../services/index.ts";
import { fieldErrors, idParam, parseForm, text, type FormErrors, type FormValues } from "../forms.ts";
import { optionalWebsite } from "./directory.ts";
import { get, post, type PartnerRoute } from "./route-table.ts";

const agencyForm = z.object({
  code: z
    .string()
    .trim()
    .min(1, "Enter the agency's code, like NSC")
    .min(2, "Code must be 2 characters or more")
    .max(20, "Code must be 20 characters or fewer")
    .regex(/^[A-Za-z0-9]+$/, "Code must only include letters and numbers, with no spaces"),
  name: text(100, "Enter the agency's name", "Name must be 100 characters or fewer"),
  description: z.string().trim().max(1000, "Description must be 1,000 characters or fewer"),
  website: optionalWebsite.transform((v) => v || null),
});

export function agenciesRoutes(services: Services): PartnerRoute[] {
  const { agencies } = services;

  const agencyId = (req: Request) => {
    const id = idParam(req.params.agencyId);
    if (id === undefined) throw notFound("agency");
    return id;
  };

  const renderForm = (
    res: Response,
    model: { title: string; action: string; values: FormValues; errors?: FormErrors; status?: number },
  ) =>
    res.status(model.status ?? 200).render("pages/partners/agencies/form", {
      area: "partners",
      user: res.locals.user,
      ...model,
    });

  async function renderDelete(res: Response, id: number, status = 200) {
    const [agency, uses] = await Promise.all([agencies.get(id), agencies.uses(id)]);
    const blocked = agencies.inUse(uses);
    res.status(status).render("pages/partners/agencies/delete", {
      area: "partners",
      title: blocked ? `${agency.name} cannot be deleted` : `Delete ${agency.name}`,
      user: res.locals.user,
      agency,
      blocked,
      uses: blocked ? describeUses(uses) : "",
    });
  }

  const back = (req: Request, res: Response, heading: string) => {
    req.session.flash = { heading };
    res.redirect("/partners/agencies");
  };

  return [
    get("/agencies", "coordinator", async (req, res) => {
      res.render("pages/partners/agencies/index", {
        area: "partners",
        title: "Agencies",
        user: req.user,
        agencies: await agencies.overview(),
      });
    }),

    get("/agencies/new", "coordinator", (_req, res) =>
      renderForm(res, { title: "Add an agency", action: "/partners/agencies/new", values: {} }),
    ),

    post("/agencies/new", "coordinator", async (req, res) => {
      const model = { title: "Add an agency", action: "/partners/agencies/new" };
      const form = parseForm(agencyForm, req.body);
      if (!form.ok) return renderForm(res, { ...model, values: form.values, errors: form.errors, status: 400 });
      try {
        const agency = await agencies.create(req.user!, form.data);
        back(req, res, `Agency added: ${agency.name}`);
      } catch (err) {
        if (err instanceof FieldError)
          return renderForm(res, { ...model, values: form.values, errors: fieldErrors(err), status: 400 });
        throw err;
      }
    }),

    get("/agencies/:agencyId", "coordinator", async (req, res) => {
      const agency = await agencies.get(agencyId(req));
      renderForm(res, {
        title: `Change ${agency.name}`,
        action: `/partners/agencies/${agency.id}`,
        values: {
          code: agency.code,
          name: agency.name,
          description: agency.description,
          website: agency.website ?? "",
        },
      });
    }),

    post("/agencies/:agencyId", "coordinator", async (req, res) => {
      const agency = await agencies.get(agencyId(req));
      const model = { title: `Change ${agency.name}`, action: `/partners/agencies/${agency.id}` };
      const form = parseForm(agencyForm, req.body);
      if (!form.ok) return renderForm(res, { ...model, values: form.values, errors: form.errors, status: 400 });
      try {
        const saved = await agencies.update(req.user!, agency.id, form.data);
        back(req, res, `Agency changed: ${saved.name}`);
      } catch (err) {
        if (err instanceof FieldError)
          return renderForm(res, { ...model, values: form.values, errors: fieldErrors(err), status: 400 });
        throw err;
      }
    }),

    post("/agencies/:agencyId/deactivate", "coordinator", async (req, res) => {
      const agency = await agencies.setActive(req.user!, agencyId(req), false);
      back(req, res, `${agency.name} deactivated: it is no longer offered for new accounts or lead roles`);
    }),

    post("/agencies/:agencyId/reactivate", "coordinator", async (req, res) => {
      const agency = await agencies.setActive(req.user!, agencyId(req), true);
      back(req, res, `${agency.name} reactivated`);
    }),

    post("/agencies/:agencyId/move-up", "coordinator", async (req, res) => {
      const id = agencyId(req);
      await agencies.move(req.user!, id, "up");
      back(req, res, `${(await agencies.get(id)).name} moved up`);
    }),

    post("/agencies/:agencyId/move-down", "coordinator", async (req, res) => {
      const id = agencyId(req);
      await agencies.move(req.user!, id, "down");
      back(req, res, `${(await agencies.get(id)).name} moved down`);
    }),

    get("/agencies/:agencyId/delete", "coordinator", (req, res) => renderDelete(res, agencyId(req))),

    post("/agencies/:agencyId/delete", "coordinator", async (req, res) => {
      const id = agencyId(req);
      try {
        const agency = await agencies.remove(req.user!, id);
        back(req, res, `Agency deleted: ${agency.name}`);
      } catch (err) {
        // Something refers to it: say what, and offer to deactivate it instead.
        if (err instanceof ServiceError && err.status === 409) return renderDelete(res, id, 409);
        throw err;
      }
    }),
  ];
}
