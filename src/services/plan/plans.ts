// Reading the partnership's plans.
import type { PlanStatus, PrismaClient, RagStatus } from "../../generated/prisma/client.ts";
import { STATUS_TAGS } from "../../content/status.ts";
import { QUARTERS, type Quarter, quarterDates, quarterOf, yearLabel, yearSlug } from "./year.ts";
import { quarterStarted, quarterStatus, type ShownStatus } from "./review-rules.ts";

/** Who leads a commitment or owns a risk, as the public sees it. */
export interface LeadAgency {
  id: number;
  code: string;
  name: string;
}

/** One lead agency's update of an item for a quarter. */
export interface AgencyUpdate {
  agency: LeadAgency;
  status: RagStatus;
  commentary: string;
  version: number;
  updatedAt: Date;
  updatedBy: string | null;
  updatedByAgency: string | null;
  /** Links to evidence: [{ title, url }]. */
  evidence: { title: string; url: string }[];
  /** A coordinator has asked for more, and nobody has answered yet. */
  moreNeeded: boolean;
  /** A coordinator has signed off this version. */
  signedOff: boolean;
}

/** A coordinator's summary status for an item led by several agencies. */
export interface QuarterSummary {
  status: RagStatus;
  reason: string;
  by: string | null;
  at: Date;
}

export interface QuarterStatus {
  quarter: Quarter;
  /** "April to June 2023" */
  months: string;
  /**
   * The item's status: the coordinator's summary, else the lowest of the agencies' updates;
   * with no update, NOT_YET_DUE before the quarter starts and NO_UPDATE after.
   */
  status: ShownStatus;
  /** Each agency's update, in the partnership's order of agencies. */
  updates: AgencyUpdate[];
  /** How many agencies lead the item (every active agency when all agencies lead it). */
  leadCount: number;
  /** How many of the lead agencies have updated. */
  leadsUpdated: number;
  summary: QuarterSummary | null;
  /** The most recent update's commentary, time and author; "" and null before any update. */
  commentary: string;
  updatedAt: Date | null;
  updatedBy: string | null;
  updatedByAgency: string | null;
}

export interface PublishedCommitment {
  id: number;
  /** "1.2": objective number, then the commitment's place under it. */
  number: string;
  text: string;
  allAgencies: boolean;
  leads: LeadAgency[];
  /** "All agencies", or the lead agencies' names joined: "Avon and Somerset Police and SARI". */
  leadLabel: string;
  /** When it should be done, if the plan sets a date. */
  targetDate: Date | null;
  /** The named person who answers for it in some of its lead agencies, in the agencies' order. */
  contacts: { agency: LeadAgency; name: string }[];
  retired: boolean;
  quarters: QuarterStatus[];
}

export interface PublishedObjective {
  id: number;
  number: number;
  title: string;
  retired: boolean;
  commitments: PublishedCommitment[];
}

export interface PublishedRisk {
  id: number;
  description: string;
  mitigation: string;
  /** The RAG rating given when the plan was written. */
  rating: RagStatus;
  /** null when the whole partnership owns it. */
  owner: LeadAgency | null;
  ownerLabel: string;
  retired: boolean;
  quarters: QuarterStatus[];
}

export type PlanView = NonNullable<Awaited<ReturnType<typeof buildPlanView>>>;
export type PublishedPlan = PlanView;

export interface PlanViewOptions {
  /** Only a published plan (the public site); partners see drafts too. */
  publishedOnly?: boolean;
  /** Include retired objectives, commitments and risks, marked `retired` (coordinators' pages). */
  includeRetired?: boolean;
}

export const ALL_AGENCIES_LABEL = "All agencies";
/** A commitment that is not for all agencies but has no lead agency yet. */
export const NO_LEAD_LABEL = "Not agreed yet";

/** Lead agencies in short form, as the plan document writes them: "Police / SARI", "All agencies". */
export function leadCodesLabel(allAgencies: boolean, codes: string[]): string {
  return allAgencies ? ALL_AGENCIES_LABEL : codes.join(" / ") || NO_LEAD_LABEL;
}

const MONTH = new Intl.DateTimeFormat("en-GB", { month: "long", timeZone: "UTC" });
const YEAR = new Intl.DateTimeFormat("en-GB", { year: "numeric", timeZone: "UTC" });

/** "April to June 2023", "January to March 2024". */
export function quarterMonths(startYear: number, quarter: Quarter): string {
  const { start, end } = quarterDates(startYear, quarter);
  return `${MONTH.format(start)} to ${MONTH.format(end)} ${YEAR.format(end)}`;
}

/** "April 2023 to March 2024": the financial year a plan covers. */
export function planPeriod(startYear: number): string {
  const { start } = quarterDates(startYear, 1);
  const { end } = quarterDates(startYear, 4);
  return `${MONTH.format(start)} ${YEAR.format(start)} to ${MONTH.format(end)} ${YEAR.format(end)}`;
}

/** "North Somerset Council", "Avon and Somerset Police and SARI", "A, B and C". */
export function joinNames(names: string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/** Whether an agency leads an item led by the agencies `codes` (none: all agencies lead it). */
export function ledBy(agencyCode: string | null, codes: readonly string[]): boolean {
  return codes.length === 0 || (agencyCode !== null && codes.includes(agencyCode));
}

export interface PlanFilter {
  /** Only what this agency leads, and what all agencies lead (an agency leading nothing here is ignored). */
  agencyCode?: string;
  /** Only what shows this status in any quarter. */
  status?: ShownStatus;
  /** Only this objective's commitments, and no risks (an objective the plan does not have is ignored). */
  objective?: number;
}

/** The commitments and risks of a plan that match a filter, and the filter as it was applied. */
export function filterPlan(plan: PlanView, filter: PlanFilter) {
  const agency = plan.leadAgencies.find((a) => a.code === filter.agencyCode);
  const status = filter.status;
  const objective = plan.objectives.find((o) => o.number === filter.objective);
  const matches = (codes: string[], quarters: readonly QuarterStatus[]) =>
    (!agency || ledBy(agency.code, codes)) && (!status || quarters.some((q) => q.status === status));
  return {
    agency,
    status,
    objective,
    filtered: Boolean(agency || status || objective),
    objectives: plan.objectives
      .filter((o) => !objective || o === objective)
      .map((o) => ({
        ...o,
        commitments: o.commitments.filter((c) => matches(c.allAgencies ? [] : c.leads.map((l) => l.code), c.quarters)),
      }))
      .filter((o) => o.commitments.length > 0),
    // Risks belong to no objective, so choosing one leaves them out.
    risks: objective ? [] : plan.risks.filter((r) => matches(r.owner ? [r.owner.code] : [], r.quarters)),
  };
}

export type ShownPlan = ReturnType<typeof filterPlan>;

/**
 * What a filtered plan shows, in words for the page and every document made from it, so a printed
 * copy is not taken for the whole plan: "Showing only: objective 2, lead agency NSC (and what all
 * agencies lead), status Red in any quarter". "" for the whole plan.
 */
export function describeFilter(shown: Pick<ShownPlan, "agency" | "status" | "objective">): string {
  const parts = [
    ...(shown.objective ? [`objective ${shown.objective.number}`] : []),
    ...(shown.agency ? [`lead agency ${shown.agency.code} (and what all agencies lead)`] : []),
    ...(shown.status ? [`status ${STATUS_TAGS[shown.status].text} in any quarter`] : []),
  ];
  return parts.length ? `Showing only: ${parts.join(", ")}.` : "";
}

/** The filter as an address's query, for links that keep it: "objective=2&agency=NSC&status=RED". */
export function filterQuery(shown: Pick<ShownPlan, "agency" | "status" | "objective">): URLSearchParams {
  return new URLSearchParams([
    ...(shown.objective ? [["objective", String(shown.objective.number)]] : []),
    ...(shown.agency ? [["agency", shown.agency.code]] : []),
    ...(shown.status ? [["status", shown.status]] : []),
  ]);
}

/** Read models kept at once (a few years, with and without retired items, and the plan years). */
const MAX_KEPT = 20;

export function planService(prisma: PrismaClient, now: () => Date = () => new Date()) {
  const kept = new Map<string, { version: bigint; value: Promise<unknown> }>();

  /**
   * The data version (migration 20261125190000_data_version): triggers move it with every
   * committed write to the tables behind these read models, by this instance or any other.
   */
  const dataVersion = async () => (await prisma.dataVersion.findUnique({ where: { id: 1 } }))?.value;

  /**
   * What `build` reads, frozen, kept and shared until the data version moves. It is built after
   * the version was read, so a change committed meanwhile makes the next call build it again.
   */
  function keep<T>(version: bigint | undefined, key: string, build: () => Promise<T>): Promise<T> {
    const entry = kept.get(key);
    if (entry && version !== undefined && entry.version === version) return entry.value as Promise<T>;
    const value = build().then(deepFreeze);
    if (version === undefined) return value;
    if (kept.size >= MAX_KEPT && !entry) kept.delete(kept.keys().next().value!);
    kept.set(key, { version, value });
    value.catch(() => kept.get(key)?.value === value && kept.delete(key));
    return value;
  }

  // A read model also depends on which quarters have started, so it is kept per quarter of the calendar too.
  const view = (version: bigint | undefined, startYear: number, options: PlanViewOptions) => {
    const at = now();
    const { startYear: y, quarter } = quarterOf(at);
    return keep(
      version,
      `view:${startYear}:${options.publishedOnly === true}:${options.includeRetired === true}:${y}q${quarter}`,
      () => buildPlanView(prisma, startYear, options, at),
    );
  };

  return {
    /**
     * The plan the public should see: the published plan for this financial year, or else the
     * most recent published one.
     */
    async currentPublished() {
      const { startYear } = quarterOf(now());
      const plans = await prisma.plan.findMany({
        where: { status: "PUBLISHED", startYear: { lte: startYear } },
        orderBy: { startYear: "desc" },
        take: 1,
        select: { startYear: true, title: true, strapline: true, vision: true },
      });
      const plan = plans[0];
      return plan && { ...plan, yearLabel: yearLabel(plan.startYear), slug: yearSlug(plan.startYear) };
    },

    /** Every published plan, newest first, for links between the years. */
    async publishedYears() {
      const plans = await prisma.plan.findMany({
        where: { status: "PUBLISHED" },
        orderBy: { startYear: "desc" },
        select: { startYear: true, title: true },
      });
      return plans.map((p) => ({ ...p, yearLabel: yearLabel(p.startYear), slug: yearSlug(p.startYear) }));
    },

    /** The partnership's member agencies, in the partnership's order. */
    async memberAgencies() {
      return prisma.agency.findMany({
        where: { active: true },
        orderBy: [{ position: "asc" }, { name: "asc" }],
        select: { code: true, name: true, description: true, website: true },
      });
    },

    /** The published plan of one year as the public sees it; undefined when not published. */
    publishedPlan(startYear: number) {
      return this.planView(startYear, { publishedOnly: true });
    },

    /**
     * One year's plan (buildPlanView), kept and shared until the data behind it changes: one
     * small query checks the data version, so a change committed by any instance is seen on the
     * next request. Read models are frozen: callers derive from them and never change them.
     */
    async planView(startYear: number, options: PlanViewOptions = {}): Promise<PlanView | undefined> {
      return view(await dataVersion(), startYear, options);
    },

    /**
     * Every plan's year and status, newest first, with the same one check of the data version
     * as planView: officers work on published plans; coordinators may look at any.
     */
    async planYears(version?: bigint): Promise<readonly { startYear: number; status: PlanStatus }[]> {
      return keep(version ?? (await dataVersion()), "years", () =>
        prisma.plan.findMany({ orderBy: { startYear: "desc" }, select: { startYear: true, status: true } }),
      );
    },

    /** The read models of every plan with one of these statuses, newest first, with one check of the data version. */
    async planViews(statuses: readonly PlanStatus[]): Promise<PlanView[]> {
      const version = await dataVersion();
      const years = (await this.planYears(version)).filter((p) => statuses.includes(p.status));
      const views = await Promise.all(years.map((p) => view(version, p.startYear, {})));
      return views.filter((v): v is PlanView => v !== undefined);
    },
  };
}

/**
 * One year's plan: vision, purposes, achievements, quarters, objectives with their
 * commitments, lead agencies and each quarter's review, and the risks with their owner,
 * mitigation and each quarter's review. Retired items are left out unless asked for.
 * Undefined when there is no such plan (or, with publishedOnly, it is not published).
 *
 * A fixed number of queries whatever the plan's size: the plan, then one query for each kind
 * of row, all reviews in one query, joined up here.
 */
async function buildPlanView(prisma: PrismaClient, startYear: number, options: PlanViewOptions, at: Date) {
  const plan = await prisma.plan.findFirst({
    where: { startYear, ...(options.publishedOnly && { status: "PUBLISHED" }) },
    select: {
      id: true,
      startYear: true,
      title: true,
      strapline: true,
      vision: true,
      introduction: true,
      status: true,
      publishedAt: true,
      updatedAt: true,
    },
  });
  if (!plan) return undefined;
  const planId = plan.id;
  const live = options.includeRetired ? {} : { retiredAt: null };
  const liveCommitment = { ...live, objective: { planId, ...live } };

  const [purposes, achievements, quarters, objectives, commitments, leads, risks, reviews, summaries, activeAgencies] =
    await Promise.all([
      prisma.purpose.findMany({
        where: { planId },
        orderBy: [{ position: "asc" }, { id: "asc" }],
        select: { id: true, text: true },
      }),
      prisma.achievement.findMany({
        where: { planId },
        orderBy: [{ position: "asc" }, { id: "asc" }],
        select: { id: true, title: true, description: true },
      }),
      prisma.planQuarter.findMany({ where: { planId }, orderBy: { quarter: "asc" } }),
      prisma.objective.findMany({
        where: { planId, ...live },
        orderBy: [{ number: "asc" }, { id: "asc" }],
        select: { id: true, number: true, title: true, retiredAt: true },
      }),
      prisma.commitment.findMany({
        where: liveCommitment,
        orderBy: [{ position: "asc" }, { id: "asc" }],
        select: {
          id: true,
          objectiveId: true,
          text: true,
          allAgencies: true,
          targetDate: true,
          retiredAt: true,
          contacts: {
            orderBy: [{ agency: { position: "asc" } }, { agency: { name: "asc" } }],
            select: { name: true, agency: { select: { id: true, code: true, name: true } } },
          },
        },
      }),
      prisma.commitmentLead.findMany({
        where: { commitment: liveCommitment },
        orderBy: [{ agency: { position: "asc" } }, { agency: { name: "asc" } }],
        select: { commitmentId: true, agency: { select: { id: true, code: true, name: true } } },
      }),
      prisma.risk.findMany({
        where: { planId, ...live },
        orderBy: [{ position: "asc" }, { id: "asc" }],
        select: {
          id: true,
          description: true,
          mitigation: true,
          rating: true,
          retiredAt: true,
          ownerAgency: { select: { id: true, code: true, name: true } },
        },
      }),
      prisma.review.findMany({
        where: { OR: [{ commitment: liveCommitment }, { risk: { planId, ...live } }] },
        select: {
          commitmentId: true,
          riskId: true,
          quarter: true,
          status: true,
          commentary: true,
          version: true,
          updatedAt: true,
          agency: { select: { id: true, code: true, name: true, position: true } },
          author: { select: { name: true } },
          authorAgency: { select: { code: true } },
          evidence: true,
          signedOffVersion: true,
          requests: { where: { answeredAt: null }, select: { id: true } },
        },
        orderBy: [{ agency: { position: "asc" } }, { agency: { name: "asc" } }],
      }),
      prisma.reviewSummary.findMany({
        where: { status: { not: null }, OR: [{ commitment: liveCommitment }, { risk: { planId, ...live } }] },
        select: {
          commitmentId: true,
          riskId: true,
          quarter: true,
          status: true,
          reason: true,
          updatedAt: true,
          author: { select: { name: true } },
        },
      }),
      prisma.agency.findMany({
        where: { active: true },
        orderBy: [{ position: "asc" }, { name: "asc" }],
        select: { id: true, code: true, name: true },
      }),
    ]);

  const updatesOf = new Map<string, AgencyUpdate[]>();
  for (const r of reviews) {
    const key = `${r.commitmentId !== null ? `c${r.commitmentId}` : `r${r.riskId}`}q${r.quarter}`;
    const list = updatesOf.get(key) ?? [];
    list.push({
      agency: { id: r.agency.id, code: r.agency.code, name: r.agency.name },
      status: r.status,
      commentary: r.commentary,
      version: r.version,
      updatedAt: r.updatedAt,
      updatedBy: r.author?.name ?? null,
      updatedByAgency: r.authorAgency?.code ?? null,
      evidence: r.evidence as AgencyUpdate["evidence"],
      moreNeeded: r.requests.length > 0,
      signedOff: r.signedOffVersion === r.version,
    });
    updatesOf.set(key, list);
  }
  const summaryOf = new Map<string, QuarterSummary>();
  for (const s of summaries) {
    const key = `${s.commitmentId !== null ? `c${s.commitmentId}` : `r${s.riskId}`}q${s.quarter}`;
    summaryOf.set(key, { status: s.status!, reason: s.reason, by: s.author?.name ?? null, at: s.updatedAt });
  }
  // When the plan or any of its reviews (an agency's update or a coordinator's summary) last
  // changed: the plan's "last updated" date.
  const lastUpdatedAt = [...reviews, ...summaries].reduce(
    (a, r) => (r.updatedAt > a ? r.updatedAt : a),
    plan.updatedAt,
  );
  const quarterMonthsLabels = QUARTERS.map((q) => quarterMonths(plan.startYear, q));
  const started = QUARTERS.map((q) => quarterStarted(plan.startYear, q, at));
  /** An item's four quarters; `leadIds` null when every active agency leads it. */
  const quartersOf = (key: string, leadIds: readonly number[] | null): QuarterStatus[] =>
    QUARTERS.map((quarter, i) => {
      const updates = updatesOf.get(`${key}q${quarter}`) ?? [];
      const summary = summaryOf.get(`${key}q${quarter}`) ?? null;
      const latest = updates.reduce<AgencyUpdate | undefined>(
        (a, u) => (!a || u.updatedAt > a.updatedAt ? u : a),
        undefined,
      );
      return {
        quarter,
        months: quarterMonthsLabels[i]!,
        status: quarterStatus(
          updates.map((u) => u.status),
          summary?.status ?? null,
          started[i]!,
        ),
        updates,
        leadCount: leadIds?.length ?? activeAgencies.length,
        leadsUpdated: leadIds ? updates.filter((u) => leadIds.includes(u.agency.id)).length : updates.length,
        summary,
        commentary: latest?.commentary ?? "",
        updatedAt: latest?.updatedAt ?? null,
        updatedBy: latest?.updatedBy ?? null,
        updatedByAgency: latest?.updatedByAgency ?? null,
      };
    });

  const leadsOf = new Map<number, LeadAgency[]>();
  for (const l of leads) {
    const list = leadsOf.get(l.commitmentId) ?? [];
    list.push(l.agency);
    leadsOf.set(l.commitmentId, list);
  }
  // Leads come in the partnership's order of agencies; owners of risks only come after them.
  const leadAgencies = new Map<number, LeadAgency>();
  for (const agency of [...leads.map((l) => l.agency), ...risks.flatMap((r) => r.ownerAgency ?? [])]) {
    if (!leadAgencies.has(agency.id)) leadAgencies.set(agency.id, agency);
  }
  const commitmentsOf = new Map<number, PublishedCommitment[]>();
  for (const c of commitments) {
    const list = commitmentsOf.get(c.objectiveId) ?? [];
    const agencies = c.allAgencies ? [] : (leadsOf.get(c.id) ?? []);
    list.push({
      id: c.id,
      number: "", // set below, once the objective's number is known
      text: c.text,
      allAgencies: c.allAgencies,
      leads: agencies,
      leadLabel: c.allAgencies
        ? ALL_AGENCIES_LABEL
        : agencies.length === 0
          ? NO_LEAD_LABEL
          : joinNames(agencies.map((a) => a.name)),
      targetDate: c.targetDate,
      contacts: c.contacts,
      retired: c.retiredAt !== null,
      quarters: quartersOf(`c${c.id}`, c.allAgencies ? null : agencies.map((a) => a.id)),
    });
    commitmentsOf.set(c.objectiveId, list);
  }

  return {
    ...plan,
    yearLabel: yearLabel(plan.startYear),
    slug: yearSlug(plan.startYear),
    period: planPeriod(plan.startYear),
    lastUpdatedAt,
    purposes: purposes.map((p) => p.text),
    purposeItems: purposes,
    achievements,
    /** The partnership's active agencies: those that lead what "all agencies" lead. */
    activeAgencies,
    /** Every agency that leads a commitment or owns a risk in this plan. */
    leadAgencies: [...leadAgencies.values()],
    quarters: QUARTERS.map((quarter, i) => {
      const q = quarters.find((row) => row.quarter === quarter);
      return {
        quarter,
        months: quarterMonthsLabels[i]!,
        deadline: q?.deadline ?? null,
        closed: q?.closedAt != null,
      };
    }),
    objectives: objectives.map((o): PublishedObjective => ({
      id: o.id,
      number: o.number,
      title: o.title,
      retired: o.retiredAt !== null,
      commitments: (commitmentsOf.get(o.id) ?? []).map((c, i) => ({ ...c, number: `${o.number}.${i + 1}` })),
    })),
    risks: risks.map((r): PublishedRisk => ({
      id: r.id,
      description: r.description,
      mitigation: r.mitigation,
      rating: r.rating,
      owner: r.ownerAgency,
      ownerLabel: r.ownerAgency?.name ?? ALL_AGENCIES_LABEL,
      retired: r.retiredAt !== null,
      quarters: quartersOf(`r${r.id}`, r.ownerAgency ? [r.ownerAgency.id] : null),
    })),
  };
}

/** Freezes a read model all the way down, so no caller can change it for the next. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
