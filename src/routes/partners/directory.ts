// Coordinators keep the public directory up to date: reporting centres and support services,
// each added, changed, hidden from the public site, shown again or deleted. The public pages
// (/reporting-centres, /support) read the same records.
import type { Request, Response } from "express";
import { z } from "zod";
import type { Actor } from "../../services/audit.ts";
import {
  EVERYONE,
  normalisePostcode,
  splitLines,
  type CentreInput,
  type SupportServiceInput,
} from "../../services/directory.ts";
import { notFound } from "../../services/errors.ts";
import type { Services } from "../../services/index.ts";
import { addError, idParam, parseForm, text, type FormErrors, type FormResult, type FormValues } from "../forms.ts";
import { get, post, type PartnerRoute } from "./route-table.ts";

export const EXAMPLE_TAG = "Example entry — replace with real details";

const EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.org";
const WEBSITE_FORMAT = "Enter a web address starting with https:// or http://, like https://www.example.org";
const PHONE_FORMAT = "Enter a phone number using only numbers, spaces and brackets, like 01934 426 010";

/** An http(s) address of a real host, with nothing in it that could break out of a link. */
export function isWebAddress(value: string): boolean {
  if (!/^https?:\/\/[^\s"'<>\\]+$/i.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === "https:" || url.protocol === "http:") && /^[^.]+(\.[^.]+)+$/.test(url.hostname);
  } catch {
    return false;
  }
}

const isEmail = (value: string) => z.email().safeParse(value).success;

/** A phone number as people write it: digits, spaces, brackets, hyphens and a leading +. */
const isPhone = (value: string) => {
  const digits = value.replace(/\D/g, "").length;
  return /^\+?[\d\s()-]+$/.test(value) && digits >= 3 && digits <= 15;
};

/** An optional web address: "" or http(s). */
export const optionalWebsite = z
  .string()
  .trim()
  .max(500, "Website must be 500 characters or fewer")
  .refine((v) => v === "" || isWebAddress(v), WEBSITE_FORMAT);

/** An optional email address: "" or a valid one. */
export const optionalEmail = z
  .string()
  .trim()
  .max(254, "Email address must be 254 characters or fewer")
  .refine((v) => v === "" || isEmail(v), EMAIL_FORMAT);

const optionalPhone = z
  .string()
  .trim()
  .max(30, "Phone number must be 30 characters or fewer")
  .refine((v) => v === "" || isPhone(v), PHONE_FORMAT);

/** Ticked choices (checkboxes): each short, not too many. */
const choices = (what: string) =>
  z
    .array(z.string().trim().max(100, `Each ${what} must be 100 characters or fewer`))
    .max(40, `Choose 40 ${what}s or fewer`);

/** A textarea of extra choices, one per line. */
const otherLines = (label: string, what: string) =>
  z
    .string()
    .max(2000, `${label} must be 2,000 characters or fewer`)
    .refine((v) => splitLines(v).every((line) => line.length <= 100), `Each ${what} must be 100 characters or fewer`);

const centreForm = z.object({
  name: text(120, "Enter the name of the reporting centre", "Name must be 120 characters or fewer"),
  address: text(200, "Enter the address", "Address must be 200 characters or fewer"),
  town: text(60, "Enter the town or area", "Town or area must be 60 characters or fewer"),
  postcode: z
    .string()
    .trim()
    .min(1, "Enter the postcode")
    .max(10, "Enter a full UK postcode, like BS23 1UJ")
    .refine((v) => normalisePostcode(v) !== undefined, "Enter a full UK postcode, like BS23 1UJ")
    .transform((v) => normalisePostcode(v)!),
  phone: z
    .string()
    .trim()
    .min(1, "Enter the centre's phone number")
    .max(30, "Phone number must be 30 characters or fewer")
    .refine(isPhone, PHONE_FORMAT),
  email: optionalEmail,
  website: optionalWebsite,
  openingTimes: text(300, "Enter the opening times", "Opening times must be 300 characters or fewer"),
  accessibilityNotes: z.string().trim().max(1000, "Accessibility notes must be 1,000 characters or fewer"),
  services: choices("service"),
  otherServices: otherLines("Other services", "service"),
});

const serviceForm = z.object({
  name: text(120, "Enter the name of the support service", "Name must be 120 characters or fewer"),
  helps: choices("group"),
  otherHelps: otherLines("Other groups", "group"),
  phone: optionalPhone,
  website: optionalWebsite,
  email: optionalEmail,
  description: text(1000, "Enter what the service does", "Description must be 1,000 characters or fewer"),
});

/** Puts errors back in the order the fields appear on the page. */
function ordered(errors: FormErrors, fields: readonly string[]): FormErrors {
  const rank = (href: string) => fields.indexOf(href.slice(1));
  errors.list.sort((a, b) => rank(a.href) - rank(b.href));
  return errors;
}

function parseCentre(body: unknown): FormResult<CentreInput> {
  const form = parseForm(centreForm, body, ["services"]);
  if (!form.ok) return form;
  const { otherServices, ...data } = form.data;
  return {
    ok: true,
    values: form.values,
    data: { ...data, services: [...data.services, ...splitLines(otherServices)] },
  };
}

function parseSupportService(body: unknown): FormResult<SupportServiceInput> {
  const form = parseForm(serviceForm, body, ["helps"]);
  const fields = Object.keys(serviceForm.shape);
  let errors = form.ok ? undefined : form.errors;
  const raw = form.values;
  const listed = [...(raw.helps as string[]), ...splitLines(String(raw.otherHelps))].filter((v) => v.trim());
  // Rules across fields, checked with the others so every problem is shown at once.
  if (listed.length === 0 && !errors?.fields.helps)
    errors = addError(
      errors ?? { list: [], fields: {} },
      "helps",
      "Select who the service helps, or enter another group",
    );
  if (![raw.phone, raw.website, raw.email].some((v) => String(v).trim()) && !errors?.fields.phone)
    errors = addError(
      errors ?? { list: [], fields: {} },
      "phone",
      "Enter a phone number, website or email address, so people can contact the service",
    );
  if (errors || !form.ok)
    return { ok: false, errors: ordered(errors ?? { list: [], fields: {} }, fields), values: raw };
  const { otherHelps, ...data } = form.data;
  return { ok: true, values: raw, data: { ...data, helps: [...data.helps, ...splitLines(otherHelps)] } };
}

interface DirectoryRecord {
  id: number;
  name: string;
  isExample: boolean;
}

/** One kind of directory entry: the routes below are the same for both. */
interface Kind<Input, Entry extends DirectoryRecord> {
  /** Below /partners, e.g. "/directory/centres". */
  base: string;
  /** The id's path parameter, e.g. "centreId". */
  param: string;
  /** "reporting centre" */
  what: string;
  /** "Reporting centre" */
  What: string;
  view: string;
  /** The values of the empty form. */
  blank: FormValues;
  parse(body: unknown): FormResult<Input>;
  values(entry: Entry): FormValues;
  /** What the form needs besides the values (suggested towns, known services...). */
  choices(values: FormValues): Promise<Record<string, unknown>>;
  get(id: number): Promise<Entry>;
  create(actor: Actor, input: Input): Promise<Entry>;
  update(actor: Actor, id: number, input: Input): Promise<Entry>;
  setActive(actor: Actor, id: number, active: boolean): Promise<Entry>;
  remove(actor: Actor, id: number): Promise<Entry>;
}

/** Ticked values first in the list's order, then any ticked value the list does not have. */
const withTicked = (known: string[], ticked: string[]) => [
  ...known,
  ...ticked.filter((t) => t.trim() && !known.includes(t)),
];

export function directoryRoutes(services: Services): PartnerRoute[] {
  const { directory } = services;

  const centres: Kind<CentreInput, Awaited<ReturnType<typeof directory.getCentre>>> = {
    base: "/directory/centres",
    param: "centreId",
    what: "reporting centre",
    What: "Reporting centre",
    view: "pages/partners/directory/centre-form",
    blank: { services: [] },
    parse: parseCentre,
    values: (c) => ({
      name: c.name,
      address: c.address,
      town: c.town,
      postcode: c.postcode,
      phone: c.phone,
      email: c.email,
      website: c.website,
      openingTimes: c.openingTimes,
      accessibilityNotes: c.accessibilityNotes,
      services: c.services,
      otherServices: "",
    }),
    async choices(values) {
      const known = await directory.centreChoices();
      return { towns: known.towns, knownServices: withTicked(known.services, (values.services as string[]) ?? []) };
    },
    get: directory.getCentre,
    create: directory.createCentre,
    update: directory.updateCentre,
    setActive: directory.setCentreActive,
    remove: directory.deleteCentre,
  };

  const supportServices: Kind<SupportServiceInput, Awaited<ReturnType<typeof directory.getSupportService>>> = {
    base: "/directory/support",
    param: "serviceId",
    what: "support service",
    What: "Support service",
    view: "pages/partners/directory/service-form",
    blank: { helps: [] },
    parse: parseSupportService,
    values: (s) => ({
      name: s.name,
      helps: s.helps,
      otherHelps: "",
      phone: s.phone,
      website: s.website,
      email: s.email,
      description: s.description,
    }),
    async choices(values) {
      return {
        groups: withTicked(await directory.serviceGroups(), (values.helps as string[]) ?? []),
        everyone: EVERYONE,
      };
    },
    get: directory.getSupportService,
    create: directory.createSupportService,
    update: directory.updateSupportService,
    setActive: directory.setSupportServiceActive,
    remove: directory.deleteSupportService,
  };

  const back = (req: Request, res: Response, heading: string) => {
    req.session.flash = { heading };
    res.redirect("/partners/directory");
  };

  function routesFor<Input, Entry extends DirectoryRecord>(kind: Kind<Input, Entry>): PartnerRoute[] {
    const path = `${kind.base}/:${kind.param}`;
    const idOf = (req: Request) => {
      const id = idParam(req.params[kind.param]);
      if (id === undefined) throw notFound(kind.what);
      return id;
    };

    async function renderForm(
      res: Response,
      model: { title: string; action: string; values: FormValues; entry?: Entry; errors?: FormErrors; status?: number },
    ) {
      res.status(model.status ?? 200).render(kind.view, {
        area: "partners",
        user: res.locals.user,
        exampleTag: EXAMPLE_TAG,
        ...(await kind.choices(model.values)),
        ...model,
      });
    }

    const renderDelete = (res: Response, entry: Entry) =>
      res.render("pages/partners/directory/delete", {
        area: "partners",
        title: `Delete ${entry.name}`,
        user: res.locals.user,
        what: kind.what,
        entry,
        action: `/partners${kind.base}/${entry.id}/delete`,
      });

    return [
      get(`${kind.base}/new`, "coordinator", (_req, res) =>
        renderForm(res, {
          title: `Add a ${kind.what}`,
          action: `/partners${kind.base}/new`,
          values: kind.blank,
        }),
      ),

      post(`${kind.base}/new`, "coordinator", async (req, res) => {
        const model = { title: `Add a ${kind.what}`, action: `/partners${kind.base}/new` };
        const form = kind.parse(req.body);
        if (!form.ok) return renderForm(res, { ...model, values: form.values, errors: form.errors, status: 400 });
        const entry = await kind.create(req.user!, form.data);
        back(req, res, `${kind.What} added: ${entry.name}`);
      }),

      get(path, "coordinator", async (req, res) => {
        const entry = await kind.get(idOf(req));
        await renderForm(res, {
          title: `Change ${entry.name}`,
          action: `/partners${kind.base}/${entry.id}`,
          values: kind.values(entry),
          entry,
        });
      }),

      post(path, "coordinator", async (req, res) => {
        const entry = await kind.get(idOf(req));
        const model = { title: `Change ${entry.name}`, action: `/partners${kind.base}/${entry.id}`, entry };
        const form = kind.parse(req.body);
        if (!form.ok) return renderForm(res, { ...model, values: form.values, errors: form.errors, status: 400 });
        const saved = await kind.update(req.user!, entry.id, form.data);
        back(req, res, `${kind.What} changed: ${saved.name}`);
      }),

      post(`${path}/hide`, "coordinator", async (req, res) => {
        const entry = await kind.setActive(req.user!, idOf(req), false);
        back(req, res, `${kind.What} hidden from the public site: ${entry.name}`);
      }),

      post(`${path}/show`, "coordinator", async (req, res) => {
        const entry = await kind.setActive(req.user!, idOf(req), true);
        back(req, res, `${kind.What} shown on the public site: ${entry.name}`);
      }),

      get(`${path}/delete`, "coordinator", async (req, res) => renderDelete(res, await kind.get(idOf(req)))),

      post(`${path}/delete`, "coordinator", async (req, res) => {
        const entry = await kind.remove(req.user!, idOf(req));
        back(req, res, `${kind.What} deleted: ${entry.name}`);
      }),
    ];
  }

  return [
    get("/directory", "coordinator", async (req, res) => {
      const [centreList, serviceList] = await Promise.all([directory.allCentres(), directory.allSupportServices()]);
      res.render("pages/partners/directory/index", {
        area: "partners",
        title: "Public directory",
        user: req.user,
        centres: centreList,
        supportServices: serviceList,
        exampleTag: EXAMPLE_TAG,
      });
    }),
    ...routesFor(centres),
    ...routesFor(supportServices),
  ];
}
