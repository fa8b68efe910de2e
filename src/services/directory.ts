// The public directory: third-party reporting centres and support services, with the filters the
// public site offers (centres by town and by what they offer; services by who they help).
// The choices come from the data itself, so a new town or group appears without a code change.
import type { PrismaClient } from "../generated/prisma/client.ts";

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

export function directoryService(prisma: PrismaClient) {
  return {
    /** The towns that have an active reporting centre, in alphabetical order. */
    async centreTowns() {
      const rows = await prisma.reportingCentre.findMany({
        where: { active: true },
        distinct: ["town"],
        select: { town: true },
      });
      return distinct(rows.map((r) => r.town));
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
  };
}

export type DirectoryService = ReturnType<typeof directoryService>;
