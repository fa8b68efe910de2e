// The measures of a commitment or a risk: a coordinator attaches them (worked out from the
// figures, or entered each quarter), with an optional target and which way is better, changes
// and removes them. The list of an item's measures is linked from the plan's management page.
import type { Request, Response } from "express";
import { z } from "zod";
import { COMPUTED_KEYS, COMPUTED_MEASURES, MANUAL } from "../../../../services/figures/measures.ts";
import {
  DIRECTIONS,
  MEASURE_NAME_MAX,
  type MeasureInput,
  type MeasureItemKind,
} from "../../../../services/plan/measures.ts";
import { yearSlug } from "../../../../services/plan/year.ts";
import { addError, parseForm, type FormErrors, type FormValues } from "../../../forms.ts";
import { get, post, type PartnerRoute } from "../../route-table.ts";
import { P, actionForm, idOf, manageHref, optional, pathOf, render, yearParam, type RouteHelpers } from "./shared.ts";

/** A number as people write it: "12", "2.5", "1,200", "-3". */
const NUMBER = /^-?\d{1,9}(\.\d{1,3})?$/;
export const readNumber = (value: string) => Number(value.replace(/,/g, ""));
export const isNumber = (value: string) => NUMBER.test(value.replace(/,/g, ""));

const measureForm = z.object({
  source: z.enum([...COMPUTED_KEYS, MANUAL], "Select how the measure is worked out"),
  name: optional(MEASURE_NAME_MAX, "The measure's name"),
  target: z
    .string()
    .trim()
    .max(20, "Enter the target as a number, like 10 or 2.5")
    .refine((v) => v === "" || isNumber(v), "Enter the target as a number, like 10 or 2.5"),
  direction: z.enum(["HIGHER", "LOWER"], "Select whether a higher or a lower value is better"),
});

type MeasureForm = z.infer<typeof measureForm>;

/** A computed measure is named for what it counts unless the coordinator names it. */
const measureInput = (data: MeasureForm): MeasureInput => ({
  source: data.source,
  name: data.name || (data.source === MANUAL ? "" : COMPUTED_MEASURES[data.source].name),
  target: data.target === "" ? null : readNumber(data.target),
  direction: data.direction,
});

const sourceItems = [
  ...COMPUTED_KEYS.map((key) => ({
    value: key,
    text: COMPUTED_MEASURES[key].name,
    hint: { text: COMPUTED_MEASURES[key].hint },
  })),
  { divider: "or" },
  {
    value: MANUAL,
    text: "Entered each quarter",
    hint: { text: "A coordinator or an officer of the lead agency enters its value on each quarter's review page." },
  },
];

const directionItems = Object.entries(DIRECTIONS).map(([value, text]) => ({ value, text }));

const KINDS: { kind: MeasureItemKind; segment: string; param: string }[] = [
  { kind: "commitment", segment: "commitments", param: "commitmentId" },
  { kind: "risk", segment: "risks", param: "riskId" },
];

export function measuresRoutes({ services, planPage, formRoutes, done }: RouteHelpers): PartnerRoute[] {
  const measures = services.planMeasures;

  return KINDS.flatMap(({ kind, segment, param }) => {
    const base = `${P}/${segment}/:${param}/measures`;
    const itemId = (req: Request) => idOf(req, param, kind);
    const measureId = (req: Request) => idOf(req, "measureId", "measure");
    const listHref = (req: Request) => `/partners/plans/${yearSlug(yearParam(req))}/${segment}/${itemId(req)}/measures`;

    async function page(req: Request, title: string) {
      const startYear = yearParam(req);
      const [around, item] = await Promise.all([planPage(startYear), measures.item(startYear, kind, itemId(req))]);
      return {
        ...around,
        title,
        item,
        backHref: listHref(req),
        backText: `Back to the measures of ${item.label.toLowerCase()}`,
        sourceItems,
        directionItems,
      };
    }

    /** A manual measure needs a name; a computed one is named for what it counts. */
    const check = (data: MeasureForm): FormErrors | undefined =>
      data.source === MANUAL && data.name === ""
        ? addError({ list: [], fields: {} }, "name", "Enter the measure's name")
        : undefined;

    const values = (m?: { source: string; name: string; target: number | null; direction: string }): FormValues => ({
      source: m?.source ?? "",
      name: m?.name ?? "",
      target: m?.target === null || m?.target === undefined ? "" : String(m.target),
      direction: m?.direction ?? "HIGHER",
    });

    const deletePage = async (req: Request, res: Response) => {
      const startYear = yearParam(req);
      const m = await measures.measure(startYear, kind, itemId(req), measureId(req));
      const item = await measures.item(startYear, kind, itemId(req));
      res.render("pages/partners/confirm", {
        area: "partners",
        user: res.locals.user,
        caption: `${item.label}: ${m.name}`,
        title: "Are you sure you want to remove this measure?",
        backHref: listHref(req),
        backText: `Back to the measures of ${item.label.toLowerCase()}`,
        cancelHref: listHref(req),
        paragraphs: [
          m.source === MANUAL
            ? "The measure and every value entered for it will be removed from the plan and its documents."
            : "The measure will be removed from the plan and its documents. The figures it is worked out from are kept.",
        ],
        action: pathOf(req),
        button: "Remove the measure",
      });
    };

    return [
      get(base, "coordinator", async (req, res) => {
        const model = await page(req, "Measures");
        render(res, "measures", {
          ...model,
          title: `Measures of ${model.item.label.toLowerCase()}`,
          backHref: `${manageHref(yearParam(req))}#${kind === "risk" ? "risks" : "objectives"}`,
          backText: "Back to managing the plan",
          base: listHref(req),
        });
      }),
      ...formRoutes({
        path: `${base}/new`,
        template: "measure",
        schema: measureForm,
        check,
        load: async (req) => ({ model: await page(req, "Add a measure"), values: values() }),
        save: async (req, data) => {
          await measures.add(req.user!, yearParam(req), kind, itemId(req), measureInput(data));
          return "Measure added";
        },
        doneHref: listHref,
      }),
      ...formRoutes({
        path: `${base}/:measureId`,
        template: "measure",
        schema: measureForm,
        check,
        load: async (req) => {
          const m = await measures.measure(yearParam(req), kind, itemId(req), measureId(req));
          return { model: await page(req, "Change a measure"), values: values(m) };
        },
        save: async (req, data) => {
          await measures.update(req.user!, yearParam(req), kind, itemId(req), measureId(req), measureInput(data));
          return "Measure saved";
        },
        doneHref: listHref,
      }),
      get(`${base}/:measureId/delete`, "coordinator", deletePage),
      post(`${base}/:measureId/delete`, "coordinator", async (req, res) => {
        parseForm(actionForm, req.body);
        const startYear = yearParam(req);
        await measures.remove(req.user!, startYear, kind, itemId(req), measureId(req));
        done(req, res, startYear, "Measure removed", listHref(req));
      }),
    ];
  });
}
