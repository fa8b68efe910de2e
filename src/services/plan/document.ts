// The annual Hate Crime Plan as a document: one plain data structure, built from the plan read
// model (plans.planView), that every format renders and nothing else (the print view, PDF, Word
// and CSV in src/services/plan/exports), so the formats cannot disagree.
import { STATUS_TAGS } from "../../content/status.ts";
import type { PlanStatus, RagStatus } from "../../generated/prisma/client.ts";
import type { MeasureQuarterValue } from "./measures.ts";
import type { ShownStatus } from "./review-rules.ts";
import { QUARTERS, type Quarter, yearLabel } from "./year.ts";
import {
  type PlanFilter,
  type PlanView,
  type QuarterStatus,
  type ShownPlan,
  deepFreeze,
  describeFilter,
  filterPlan,
  filterQuery,
  type planService,
} from "./plans.ts";

export type DocumentStatus = "draft" | "published" | "archived";

/** One quarter's review of a commitment or risk, as the document shows it. */
export interface DocumentQuarter {
  quarter: Quarter;
  /** "Q1" */
  label: string;
  status: ShownStatus;
  /** The status in words: "Red", "Not started", "No update", "Not yet due"... */
  statusText: string;
  /** "2 of 3 lead agencies updated", "Summary set by Sam Jones: ..."; "" for an item with one lead. */
  note: string;
  /** Each agency's update, under its name. */
  updates: DocumentUpdate[];
  /** The latest update's commentary. */
  commentary: string;
  /** "Sam Jones (NSC)"; null before the first review. */
  updatedBy: string | null;
  updatedAt: Date | null;
}

/** One agency's update of an item for a quarter, as the document shows it. */
export interface DocumentUpdate {
  agencyCode: string;
  agencyName: string;
  status: RagStatus;
  statusText: string;
  commentary: string;
  evidence: EvidenceLink[];
  updatedBy: string | null;
  updatedAt: Date;
}

export interface EvidenceLink {
  title: string;
  url: string;
}

/** The most recent quarter's commentary, for the optional commentary column. */
export interface LatestCommentary {
  quarter: Quarter;
  label: string;
  /** Each agency's commentary, under the agency's name when several agencies lead the item. */
  entries: {
    agency: string | null;
    text: string;
    evidence: EvidenceLink[];
    updatedBy: string | null;
    updatedAt: Date;
  }[];
  /** The quarter's note ("2 of 3 lead agencies updated", a coordinator's summary); may be "". */
  note: string;
}

export interface DocumentCommitment {
  id: number;
  /** "1.2": objective number, then the commitment's place under it. */
  number: string;
  text: string;
  allAgencies: boolean;
  /** Lead agencies' short names as the plan writes them ("NSC", "Police"); empty when all agencies lead. */
  leadCodes: string[];
  /** "All agencies", or the lead agencies' names: "Avon and Somerset Police and SARI". */
  leadLabel: string;
  /** "31 March 2024", or "" when the plan sets no date. */
  targetDate: string;
  /** "Jo Bloggs (Avon and Somerset Police)", joined with commas; "" for none. */
  contacts: string;
  /** Shown under the commitment: "Target date: 31 March 2024", "Named contact: Jo Bloggs (Avon and Somerset Police)". */
  details: string[];
  quarters: DocumentQuarter[];
  latestCommentary: LatestCommentary | null;
}

export interface DocumentObjective {
  number: number;
  title: string;
  /** "Objective 1 - To ensure an effective response ...", as the plan writes it. */
  heading: string;
  commitments: DocumentCommitment[];
}

export interface DocumentRisk {
  id: number;
  /** Its place among the plan's risks, the same whatever the filter. */
  number: number;
  description: string;
  /** The RAG rating given when the plan was written. */
  rating: RagStatus;
  ratingText: string;
  /** How the partnership will tackle it. */
  mitigation: string;
  /** Short name of the owning agency; null when the whole partnership owns it. */
  ownerCode: string | null;
  ownerLabel: string;
  quarters: DocumentQuarter[];
  latestCommentary: LatestCommentary | null;
}

/** A measure of a commitment or risk with each quarter's value (partners' documents only). */
export interface DocumentMeasure {
  itemType: "Commitment" | "Risk";
  /** "1.2" or "3", as the document numbers the item. */
  itemNumber: string;
  /** The commitment's objective heading; "" for a risk. */
  objective: string;
  /** "Commitment 1.2", "Risk 3": the item it measures, numbered as the document numbers it. */
  itemLabel: string;
  itemText: string;
  name: string;
  /** "From the figures: reports to the partnership", "Entered each quarter". */
  sourceText: string;
  /** "At least 10", "At most 5", "No target". */
  targetText: string;
  quarters: Omit<MeasureQuarterValue, "year">[];
}

export interface PlanDocument {
  startYear: number;
  /** "2023-24" */
  slug: string;
  /** "2023/24" */
  yearLabel: string;
  /** "Hate Crime Plan 2023/24" */
  title: string;
  /** The title as the document shows it: "DRAFT – Hate Crime Plan 2023/24" for a draft. */
  heading: string;
  status: DocumentStatus;
  draft: boolean;
  /** "Draft", "Published" or "Archived". */
  statusText: string;
  /** "April 2023 to March 2024" */
  period: string;
  strapline: string;
  vision: string;
  /** "What we do" */
  introduction: string;
  purposes: string[];
  achievementsHeading: string;
  achievements: { title: string; description: string }[];
  risksHeading: string;
  risks: DocumentRisk[];
  commitmentsHeading: string;
  objectives: DocumentObjective[];
  /** The review quarters, for column headings: "Q1 review" and "April to June 2023". */
  quarters: { quarter: Quarter; label: string; heading: string; months: string }[];
  /** Whether the formats show each item's latest commentary. */
  includeCommentary: boolean;
  /** "Showing only: lead agency NSC (and what all agencies lead)." for a filtered plan; "" for the whole plan. */
  filterText: string;
  /** The same filter as an address's query ("agency=NSC&status=RED"), for links that keep it; "" for the whole plan. */
  filterQuery: string;
  /** What the formats say where no risk, or no commitment, is shown. */
  noRisksText: string;
  noCommitmentsText: string;
  generatedAt: Date;
  /** "25 November 2026" */
  generatedText: string;
  /** What each printed page's footer starts with: "DRAFT – Hate Crime Plan 2023/24". */
  footerText: string;
  /**
   * The shown items' measures, risks first then commitments, in the document's order: only in
   * partners' documents (the public's figures go through disclosure control, on /figures).
   */
  measures?: DocumentMeasure[];
  measuresHeading?: string;
  /**
   * File name without extension: "rhins-hate-crime-plan-2023-24", with "-draft" for a draft and
   * "-with-commentary" when it shows the commentary (so the two files never share a name).
   */
  fileBase: string;
}

export interface PlanDocumentOptions {
  /** Only a published plan (the public site); partners see drafts too. */
  publishedOnly?: boolean;
  /** Show each commitment's and risk's latest commentary. */
  includeCommentary?: boolean;
  /** Only the commitments and risks that match (filterPlan), said in the document. */
  filter?: PlanFilter;
  /** With each shown item's measures and their values (partners' documents). */
  withMeasures?: boolean;
}

/** What the documents read measures with (src/services/plan/measures.ts forDocument). */
export interface DocumentMeasures {
  forDocument(
    startYear: number,
    commitmentIds: number[],
    riskIds: number[],
  ): Promise<
    {
      commitmentId: number | null;
      riskId: number | null;
      name: string;
      sourceText: string;
      targetText: string;
      quarters: DocumentMeasure["quarters"];
    }[]
  >;
}

/**
 * The document's measures: read on every request (their values follow the figures, which change
 * with every report), in a fixed number of queries, and laid beside the kept document.
 */
async function documentMeasures(doc: PlanDocument, measures: DocumentMeasures): Promise<DocumentMeasure[]> {
  const commitments = doc.objectives.flatMap((o) => o.commitments.map((c) => ({ c, objective: o.heading })));
  const rows = await measures.forDocument(
    doc.startYear,
    commitments.map(({ c }) => c.id),
    doc.risks.map((r) => r.id),
  );
  const shown = (
    m: (typeof rows)[number],
    item: Pick<DocumentMeasure, "itemType" | "itemNumber" | "objective" | "itemText">,
  ): DocumentMeasure => ({
    ...item,
    itemLabel: `${item.itemType} ${item.itemNumber}`,
    name: m.name,
    sourceText: m.sourceText,
    targetText: m.targetText,
    quarters: m.quarters,
  });
  return [
    ...doc.risks.flatMap((r) =>
      rows
        .filter((m) => m.riskId === r.id)
        .map((m) =>
          shown(m, { itemType: "Risk", itemNumber: String(r.number), objective: "", itemText: r.description }),
        ),
    ),
    ...commitments.flatMap(({ c, objective }) =>
      rows
        .filter((m) => m.commitmentId === c.id)
        .map((m) => shown(m, { itemType: "Commitment", itemNumber: c.number, objective, itemText: c.text })),
    ),
  ];
}

export const DRAFT_MARK = "DRAFT";

const STATUS_TEXT: Record<PlanStatus, { status: DocumentStatus; text: string }> = {
  DRAFT: { status: "draft", text: "Draft" },
  PUBLISHED: { status: "published", text: "Published" },
  ARCHIVED: { status: "archived", text: "Archived" },
};

const DAY = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "long",
  year: "numeric",
  timeZone: "Europe/London",
});

/**
 * The heading of a plan's achievements: a plan lists what the partnership achieved the year
 * before ("Our achievements in 2022/23" in the 2023/24 plan). The public plan page uses it too.
 */
export function achievementsHeading(startYear: number): string {
  return `Our achievements in ${yearLabel(startYear - 1)}`;
}

/** "25 November 2026", in the partnership's time zone. */
export function documentDate(date: Date): string {
  return DAY.format(date);
}

/** "Sam Jones (NSC)": who saved, with their agency. */
export const byline = (name: string | null, agencyCode: string | null) =>
  name ? (agencyCode ? `${name} (${agencyCode})` : name) : null;

function documentQuarter(q: QuarterStatus): DocumentQuarter {
  const joint = q.leadCount > 1;
  return {
    quarter: q.quarter,
    label: `Q${q.quarter}`,
    status: q.status,
    statusText: STATUS_TAGS[q.status].text,
    note: q.summary
      ? `Summary set by ${q.summary.by ?? "a coordinator"}: ${q.summary.reason}`
      : joint && q.updates.length > 0
        ? `${q.leadsUpdated} of ${q.leadCount} lead agencies updated`
        : "",
    updates: q.updates.map((u) => ({
      agencyCode: u.agency.code,
      agencyName: u.agency.name,
      status: u.status,
      statusText: STATUS_TAGS[u.status].text,
      commentary: u.commentary,
      evidence: u.evidence,
      updatedBy: byline(u.updatedBy, u.updatedByAgency),
      updatedAt: u.updatedAt,
    })),
    commentary: q.commentary,
    updatedBy: byline(q.updatedBy, q.updatedByAgency),
    updatedAt: q.updatedAt,
  };
}

/** A commitment's target date and named contacts, as fields and as the lines shown under it. */
function commitmentDetails(c: PlanView["objectives"][number]["commitments"][number]) {
  const targetDate = c.targetDate ? documentDate(c.targetDate) : "";
  const contacts = c.contacts.map((x) => `${x.name} (${x.agency.name})`).join(", ");
  return {
    targetDate,
    contacts,
    details: [
      ...(targetDate ? [`Target date: ${targetDate}`] : []),
      ...(contacts ? [`Named ${c.contacts.length === 1 ? "contact" : "contacts"}: ${contacts}`] : []),
    ],
  };
}

function latestCommentary(quarters: DocumentQuarter[], joint: boolean): LatestCommentary | null {
  const said = (q: DocumentQuarter) => q.updates.filter((u) => u.commentary.trim() !== "" || u.evidence.length > 0);
  const latest = [...quarters].reverse().find((q) => said(q).length > 0 || q.note.startsWith("Summary"));
  return latest
    ? {
        quarter: latest.quarter,
        label: latest.label,
        entries: said(latest).map((u) => ({
          agency: joint ? u.agencyName : null,
          text: u.commentary,
          evidence: u.evidence,
          updatedBy: u.updatedBy,
          updatedAt: u.updatedAt,
        })),
        note: latest.note,
      }
    : null;
}

/** "-objective-2-police-red": a filter in a file name, so filtered files are not saved over the whole plan. */
function filterFileSuffix(shown: ShownPlan): string {
  const words = [...filterQuery(shown)].map(([key, value]) => (key === "objective" ? `objective-${value}` : value));
  return words.map((w) => `-${w.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`).join("");
}

/**
 * The document model of one plan: plain data, the same for every format. With `shown` (the plan
 * filtered), only what it shows, saying so; risks keep their numbers in the whole plan.
 */
export function planDocument(
  plan: PlanView,
  options: { includeCommentary?: boolean; generatedAt?: Date; shown?: ShownPlan } = {},
): PlanDocument {
  const shown = options.shown?.filtered ? options.shown : undefined;
  const filterText = shown ? describeFilter(shown) : "";
  const { status, text: statusText } = STATUS_TEXT[plan.status];
  const draft = status === "draft";
  const heading = draft ? `${DRAFT_MARK} – ${plan.title}` : plan.title;
  const generatedAt = options.generatedAt ?? new Date();
  const label = yearLabel(plan.startYear);
  return {
    startYear: plan.startYear,
    slug: plan.slug,
    yearLabel: label,
    title: plan.title,
    heading,
    status,
    draft,
    statusText,
    period: plan.period,
    strapline: plan.strapline,
    vision: plan.vision,
    introduction: plan.introduction,
    purposes: plan.purposes,
    achievementsHeading: achievementsHeading(plan.startYear),
    achievements: plan.achievements.map((a) => ({ title: a.title, description: a.description })),
    risksHeading: `Our challenges and risks for ${label}`,
    risks: (shown?.risks ?? plan.risks).map((r) => {
      const quarters = r.quarters.map(documentQuarter);
      const joint = (r.quarters[0]?.leadCount ?? 1) > 1;
      return {
        id: r.id,
        number: plan.risks.indexOf(r) + 1,
        description: r.description,
        rating: r.rating,
        ratingText: STATUS_TAGS[r.rating].text,
        mitigation: r.mitigation,
        ownerCode: r.owner?.code ?? null,
        ownerLabel: r.ownerLabel,
        quarters,
        latestCommentary: latestCommentary(quarters, joint),
      };
    }),
    commitmentsHeading: `Our commitments for ${label}`,
    objectives: (shown?.objectives ?? plan.objectives).map((o) => ({
      number: o.number,
      title: o.title,
      heading: `Objective ${o.number} - ${o.title}`,
      commitments: o.commitments.map((c) => {
        const quarters = c.quarters.map(documentQuarter);
        const joint = (c.quarters[0]?.leadCount ?? 1) > 1;
        return {
          id: c.id,
          number: c.number,
          text: c.text,
          allAgencies: c.allAgencies,
          leadCodes: c.leads.map((l) => l.code),
          leadLabel: c.leadLabel,
          ...commitmentDetails(c),
          quarters,
          latestCommentary: latestCommentary(quarters, joint),
        };
      }),
    })),
    quarters: QUARTERS.map((quarter, i) => ({
      quarter,
      label: `Q${quarter}`,
      heading: `Q${quarter} review`,
      months: plan.quarters[i]?.months ?? "",
    })),
    includeCommentary: options.includeCommentary ?? false,
    filterText,
    filterQuery: shown ? filterQuery(shown).toString() : "",
    noRisksText: shown ? "No risks match these filters." : "There are no risks in this plan.",
    noCommitmentsText: shown ? "No commitments match these filters." : "There are no commitments in this plan yet.",
    generatedAt,
    generatedText: documentDate(generatedAt),
    // A printed page of a filtered plan says so at its foot too.
    footerText: shown ? `${heading} (filtered)` : heading,
    fileBase: `rhins-hate-crime-plan-${plan.slug}${draft ? "-draft" : ""}${options.includeCommentary ? "-with-commentary" : ""}${shown ? filterFileSuffix(shown) : ""}`,
  };
}

export function planDocumentService(
  plans: Pick<ReturnType<typeof planService>, "planView">,
  { now = () => new Date(), measures }: { now?: () => Date; measures?: DocumentMeasures } = {},
) {
  // Each plan view's documents, built once per commentary and filter: the plan view is replaced
  // when its data changes. Filters are those the plan has (filterPlan), so they are few.
  const documents = new WeakMap<PlanView, Map<string, PlanDocument>>();
  return {
    /**
     * One year's plan as a document; undefined when there is no such plan (or it is not
     * published, if asked). Frozen, like the plan view it is built from.
     */
    async document(startYear: number, options: PlanDocumentOptions = {}): Promise<PlanDocument | undefined> {
      const plan = await plans.planView(startYear, { publishedOnly: options.publishedOnly });
      if (!plan) return undefined;
      const includeCommentary = options.includeCommentary ?? false;
      const shown = filterPlan(plan, options.filter ?? {});
      const key = `${includeCommentary}:${filterQuery(shown).toString()}`;
      let kept = documents.get(plan);
      if (!kept) documents.set(plan, (kept = new Map()));
      let doc = kept.get(key);
      if (!doc) kept.set(key, (doc = deepFreeze(planDocument(plan, { includeCommentary, shown }))));
      const generatedAt = now();
      const withMeasures =
        options.withMeasures && measures
          ? {
              measures: await documentMeasures(doc, measures),
              measuresHeading: `How we measure progress in ${doc.yearLabel}`,
            }
          : {};
      return { ...doc, generatedAt, generatedText: documentDate(generatedAt), ...withMeasures };
    },
  };
}
