// The public directory: third-party reporting centres and support services, with the filters the
// public site offers (centres by town and by what they offer; services by who they help).
// The choices come from the data itself, so a new town or group appears without a code change.
// Coordinators manage both lists in the partner area: add, change, hide, show and delete, each
// change audited in the same transaction.
import type { PrismaClient } from "../generated/prisma/client.ts";
import { auditService, type Actor, type AuditService } from "./audit.ts";
import { notFound } from "./errors.ts";

/** Support services for everyone are shown whichever group someone chooses. */
export const EVERYONE = "Everyone";

export interface CentreFilter {
  /** Towns to show (any of them); empty for every town. */
  towns?: string[];
  /** What a centre must offer (all of them); empty for any centre. */
  offers?: string[];
}

export interface ServiceFilter {
  /** Groups of people (any of them); empty for every service. */
  helps?: string[];
}

/**
 * Matches what someone asked for against the choices there are, ignoring case and extra spaces,
 * so a printed link like ?town=weston-super-mare still works. Anything else is returned as unknown.
 */
export function matchChoices(asked: string[] = [], choices: string[]): { matched: string[]; unknown: string[] } {
  const normal = (s: string) => s.trim().replace(/\s+/g, " ").toLowerCase();
  const byNormal = new Map(choices.map((c) => [normal(c), c]));
  const matched = new Set<string>();
  const unknown: string[] = [];
  for (const value of asked) {
    const choice = byNormal.get(normal(value));
    if (choice !== undefined) matched.add(choice);
    else if (!unknown.includes(value)) unknown.push(value);
  }
  return { matched: choices.filter((c) => matched.has(c)), unknown };
}

const byName = (a: string, b: string) => a.localeCompare(b, "en-GB", { sensitivity: "base" });
const distinct = (values: string[]) => [...new Set(values)].sort(byName);

/** What a coordinator enters for a reporting centre (already validated). */
export interface CentreInput {
  name: string;
  address: string;
  town: string;
  postcode: string;
  phone: string;
  email: string;
  website: string;
  openingTimes: string;
  accessibilityNotes: string;
  /** What the centre offers, e.g. "Private room". */
  services: string[];
}

/** What a coordinator enters for a support service (already validated). */
export interface SupportServiceInput {
  name: string;
  /** Who it helps, e.g. "Everyone", "Young people". */
  helps: string[];
  phone: string;
  website: string;
  email: string;
  description: string;
}

/** A full UK postcode (any case, any spacing), e.g. "bs231uj" or "BS23 1UJ". */
const POSTCODE = /^(GIR0AA|[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][ABD-HJLNP-UW-Z]{2})$/;

/** "bs23  1uj" -> "BS23 1UJ"; undefined when it is not a UK postcode. */
export function normalisePostcode(value: string): string | undefined {
  const compact = value.replace(/\s+/g, "").toUpperCase();
  return POSTCODE.test(compact) ? `${compact.slice(0, -3)} ${compact.slice(-3)}` : undefined;
}

/** One value per line of a textarea, trimmed, blank lines dropped. */
export function splitLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

const tidy = (value: string) => value.trim().replace(/\s+/g, " ");

/**
 * A value as the directory already spells it ("clevedon" -> "Clevedon"), so one place or service
 * never appears twice in the public filters; otherwise the value with its spacing tidied.
 */
export function knownSpelling(value: string, known: readonly string[]): string {
  const normal = tidy(value).toLowerCase();
  return known.find((k) => tidy(k).toLowerCase() === normal) ?? tidy(value);
}

/** A list with each value spelt as the directory already spells it, repeats (any case) dropped. */
export function tidyList(values: readonly string[], known: readonly string[]): string[] {
  const out: string[] = [];
  for (const value of values) {
    if (!tidy(value)) continue;
    const spelt = knownSpelling(value, known);
    if (!out.some((v) => v.toLowerCase() === spelt.toLowerCase())) out.push(spelt);
  }
  return out;
}

/** The record as the audit trail keeps it, before and after a change. */
const centreSummary = (c: CentreInput & { isExample: boolean; active: boolean }) => ({
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
  isExample: c.isExample,
  active: c.active,
});

const serviceSummary = (s: SupportServiceInput & { isExample: boolean; active: boolean }) => ({
  name: s.name,
  helps: s.helps,
  phone: s.phone,
  website: s.website,
  email: s.email,
  description: s.description,
  isExample: s.isExample,
  active: s.active,
});

/** Prisma's "record to update or delete not found", e.g. when another coordinator deleted it first. */
const isMissing = (err: unknown) => (err as { code?: unknown } | null)?.code === "P2025";

/**
 * How long the list of towns is reused at most: every page of the online report checks answers
 * against it. Any change to the data (here, on another instance or by hand: audit.changes) ends
 * it at once; this bounds it while the instance is not hearing of changes (db.listen).
 */
const TOWNS_REUSED_MS = 60_000;

export function directoryService(prisma: PrismaClient, audit: AuditService = auditService(prisma)) {
  let towns: { at: number; version: number; list: string[] } | undefined;
  async function findCentre(id: number) {
    const centre = await prisma.reportingCentre.findUnique({ where: { id } });
    if (!centre) throw notFound("reporting centre");
    return centre;
  }

  async function findService(id: number) {
    const service = await prisma.supportService.findUnique({ where: { id } });
    if (!service) throw notFound("support service");
    return service;
  }

  /** Runs a change, turning "it has just been deleted" into the 404 page rather than a 500. */
  async function existing<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (isMissing(err)) throw notFound(what);
      throw err;
    }
  }

  /** Towns and services every centre (shown or hidden) uses: the form suggests them. */
  async function centreChoices() {
    const rows = await prisma.reportingCentre.findMany({ select: { town: true, services: true } });
    return { towns: distinct(rows.map((r) => r.town)), services: distinct(rows.flatMap((r) => r.services)) };
  }

  /** Who the support services help, "Everyone" first. */
  async function serviceGroups() {
    const rows = await prisma.supportService.findMany({ select: { helps: true } });
    const groups = distinct(rows.flatMap((r) => r.helps)).filter((g) => g !== EVERYONE);
    return [EVERYONE, ...groups];
  }

  async function tidyCentre(input: CentreInput): Promise<CentreInput> {
    const known = await centreChoices();
    return {
      ...input,
      town: knownSpelling(input.town, known.towns),
      postcode: normalisePostcode(input.postcode) ?? input.postcode.trim().toUpperCase(),
      services: tidyList(input.services, known.services),
    };
  }

  async function tidyService(input: SupportServiceInput): Promise<SupportServiceInput> {
    return { ...input, helps: tidyList(input.helps, await serviceGroups()) };
  }

  return {
    /** The towns that have an active reporting centre, in alphabetical order. */
    async centreTowns(): Promise<string[]> {
      const version = audit.changes();
      if (towns && towns.version === version && Date.now() - towns.at < TOWNS_REUSED_MS) return towns.list;
      const rows = await prisma.reportingCentre.findMany({
        where: { active: true },
        distinct: ["town"],
        select: { town: true },
      });
      towns = { at: Date.now(), version, list: distinct(rows.map((r) => r.town)) };
      return towns.list;
    },

    /** One reporting centre's name and town (for its staff's pages), or null if it was deleted. */
    async centre(id: number): Promise<{ id: number; name: string; town: string } | null> {
      return prisma.reportingCentre.findUnique({ where: { id }, select: { id: true, name: true, town: true } });
    },

    /**
     * Active reporting centres matching the filter, ordered by town then name, with the towns and
     * offers to choose from and what in the filter matched nothing we know.
     */
    async reportingCentres(filter: CentreFilter = {}) {
      const choices = await prisma.reportingCentre.findMany({
        where: { active: true },
        select: { town: true, services: true },
      });
      const towns = distinct(choices.map((c) => c.town));
      const offers = distinct(choices.flatMap((c) => c.services));
      const town = matchChoices(filter.towns, towns);
      const offer = matchChoices(filter.offers, offers);
      // Values we do not know are reported back and otherwise ignored, so the page still helps.
      const centres = await prisma.reportingCentre.findMany({
        where: {
          active: true,
          ...(town.matched.length ? { town: { in: town.matched } } : {}),
          ...(offer.matched.length ? { services: { hasEvery: offer.matched } } : {}),
        },
        orderBy: [{ town: "asc" }, { name: "asc" }, { id: "asc" }],
        select: {
          id: true,
          name: true,
          address: true,
          town: true,
          postcode: true,
          phone: true,
          email: true,
          website: true,
          openingTimes: true,
          accessibilityNotes: true,
          services: true,
          isExample: true,
        },
      });
      return {
        centres,
        total: choices.length,
        towns,
        offers,
        selected: { towns: town.matched, offers: offer.matched },
        unknown: { towns: town.unknown, offers: offer.unknown },
      };
    },

    /**
     * Active support services for the chosen groups of people, and always those for everyone,
     * with the groups to choose from (every group named in the data, except "Everyone").
     */
    async supportServices(filter: ServiceFilter = {}) {
      const all = await prisma.supportService.findMany({
        where: { active: true },
        orderBy: { id: "asc" },
        select: {
          id: true,
          name: true,
          helps: true,
          phone: true,
          website: true,
          email: true,
          description: true,
          isExample: true,
        },
      });
      const groups = distinct(all.flatMap((s) => s.helps).filter((g) => g !== EVERYONE));
      const helps = matchChoices(filter.helps, groups);
      const filtering = helps.matched.length > 0;
      const forGroups = all.filter((s) => s.helps.some((g) => helps.matched.includes(g)));
      return {
        /** Without a filter: every service. With one: the services that name a chosen group. */
        services: filtering ? forGroups : all,
        /** With a filter: the other services for everyone, shown after them. */
        everyone: filtering ? all.filter((s) => s.helps.includes(EVERYONE) && !forGroups.includes(s)) : [],
        total: all.length,
        groups,
        selected: { helps: helps.matched },
        unknown: { helps: helps.unknown },
      };
    },

    // Coordinators' management of the directory.

    /** Every reporting centre, shown or hidden, by town then name. */
    allCentres: () => prisma.reportingCentre.findMany({ orderBy: [{ town: "asc" }, { name: "asc" }, { id: "asc" }] }),

    /**
     * The reporting centres an account may be linked to, by town then name: the active ones, and
     * the one `keep` (an account's current centre) even when it is hidden.
     */
    centresOffered: (keep: number | null = null) =>
      prisma.reportingCentre.findMany({
        where: keep === null ? { active: true } : { OR: [{ active: true }, { id: keep }] },
        orderBy: [{ town: "asc" }, { name: "asc" }, { id: "asc" }],
        select: { id: true, name: true, town: true, active: true },
      }),

    /** Every support service, shown or hidden, by name. */
    allSupportServices: () => prisma.supportService.findMany({ orderBy: [{ name: "asc" }, { id: "asc" }] }),

    centreChoices,
    serviceGroups,
    getCentre: findCentre,
    getSupportService: findService,

    async createCentre(actor: Actor, input: CentreInput) {
      const data = await tidyCentre(input);
      return prisma.$transaction(async (tx) => {
        const centre = await tx.reportingCentre.create({ data });
        await audit.record(
          {
            actor,
            action: "reporting-centre.created",
            entityType: "ReportingCentre",
            entityId: centre.id,
            after: centreSummary(centre),
          },
          tx,
        );
        return centre;
      });
    },

    /** Saving a centre's details makes it real data: it is no longer an example entry. */
    async updateCentre(actor: Actor, id: number, input: CentreInput) {
      const before = await findCentre(id);
      const data = await tidyCentre(input);
      return existing("reporting centre", () =>
        prisma.$transaction(async (tx) => {
          const after = await tx.reportingCentre.update({ where: { id }, data: { ...data, isExample: false } });
          await audit.record(
            {
              actor,
              action: "reporting-centre.updated",
              entityType: "ReportingCentre",
              entityId: id,
              before: centreSummary(before),
              after: centreSummary(after),
            },
            tx,
          );
          return after;
        }),
      );
    },

    /** Hides a centre from the public site (active = false), or shows it again. */
    async setCentreActive(actor: Actor, id: number, active: boolean) {
      const before = await findCentre(id);
      return existing("reporting centre", () =>
        prisma.$transaction(async (tx) => {
          const after = await tx.reportingCentre.update({ where: { id }, data: { active } });
          await audit.record(
            {
              actor,
              action: active ? "reporting-centre.shown" : "reporting-centre.hidden",
              entityType: "ReportingCentre",
              entityId: id,
              before: { active: before.active },
              after: { active },
            },
            tx,
          );
          return after;
        }),
      );
    },

    async deleteCentre(actor: Actor, id: number) {
      const before = await findCentre(id);
      return existing("reporting centre", () =>
        prisma.$transaction(async (tx) => {
          await tx.reportingCentre.delete({ where: { id } });
          await audit.record(
            {
              actor,
              action: "reporting-centre.deleted",
              entityType: "ReportingCentre",
              entityId: id,
              before: centreSummary(before),
            },
            tx,
          );
          return before;
        }),
      );
    },

    async createSupportService(actor: Actor, input: SupportServiceInput) {
      const data = await tidyService(input);
      return prisma.$transaction(async (tx) => {
        const service = await tx.supportService.create({ data });
        await audit.record(
          {
            actor,
            action: "support-service.created",
            entityType: "SupportService",
            entityId: service.id,
            after: serviceSummary(service),
          },
          tx,
        );
        return service;
      });
    },

    /** Saving a service's details makes it real data: it is no longer an example entry. */
    async updateSupportService(actor: Actor, id: number, input: SupportServiceInput) {
      const before = await findService(id);
      const data = await tidyService(input);
      return existing("support service", () =>
        prisma.$transaction(async (tx) => {
          const after = await tx.supportService.update({ where: { id }, data: { ...data, isExample: false } });
          await audit.record(
            {
              actor,
              action: "support-service.updated",
              entityType: "SupportService",
              entityId: id,
              before: serviceSummary(before),
              after: serviceSummary(after),
            },
            tx,
          );
          return after;
        }),
      );
    },

    async setSupportServiceActive(actor: Actor, id: number, active: boolean) {
      const before = await findService(id);
      return existing("support service", () =>
        prisma.$transaction(async (tx) => {
          const after = await tx.supportService.update({ where: { id }, data: { active } });
          await audit.record(
            {
              actor,
              action: active ? "support-service.shown" : "support-service.hidden",
              entityType: "SupportService",
              entityId: id,
              before: { active: before.active },
              after: { active },
            },
            tx,
          );
          return after;
        }),
      );
    },

    async deleteSupportService(actor: Actor, id: number) {
      const before = await findService(id);
      return existing("support service", () =>
        prisma.$transaction(async (tx) => {
          await tx.supportService.delete({ where: { id } });
          await audit.record(
            {
              actor,
              action: "support-service.deleted",
              entityType: "SupportService",
              entityId: id,
              before: serviceSummary(before),
            },
            tx,
          );
          return before;
        }),
      );
    },
  };
}

export type DirectoryService = ReturnType<typeof directoryService>;
