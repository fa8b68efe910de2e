// One seeded app for the tests of the plan's reviews: a fresh database with the 2023/24 plan, the
// partners of every role (tests/helpers/partners.ts), the real app, and the ids of the seeded
// commitments and risks by who leads them. Review pages and saves go through the real forms.
import type { RequestListener } from "node:http";
import { JSDOM } from "jsdom";
import type { Database } from "../../src/db/database.ts";
import { seed } from "../../src/db/seed.ts";
import { testApp } from "./app.ts";
import { testDatabase } from "./database.ts";
import { type Agent, createPartners, csrfToken, signIn } from "./partners.ts";

export type Partners = Awaited<ReturnType<typeof createPartners>>;
export type PartnerName = keyof Partners;

export interface SeededApp {
  db: Database;
  app: RequestListener;
  services: ReturnType<typeof testApp>["services"];
  config: ReturnType<typeof testApp>["config"];
  /** Starts the app's background jobs (email, reminders); close() stops them. */
  startJobs: ReturnType<typeof testApp>["startJobs"];
  partners: Partners;
  ids: Awaited<ReturnType<typeof seededIds>>;
  /** A signed-in browser of that partner. */
  as(who: PartnerName): Promise<Agent>;
  close(): Promise<void>;
}

export async function seededApp(env: Record<string, string> = {}): Promise<SeededApp> {
  const db = await testDatabase();
  await seed(db.prisma, { production: true });
  const partners = await createPartners(db);
  const { app, services, config, startJobs, stopJobs } = testApp(db, env);
  return {
    db,
    app,
    services,
    config,
    startJobs,
    partners,
    ids: await seededIds(db),
    as: (who) => signIn(app, partners[who].email),
    async close() {
      await stopJobs();
      await db.close();
    },
  };
}

/** The seeded 2023/24 plan's items by lead: "NSC", "Police/SARI" (sorted codes), "ALL". */
async function seededIds(db: Database) {
  const commitments = await db.prisma.commitment.findMany({
    include: { leads: { include: { agency: true } } },
    orderBy: { id: "asc" },
  });
  const led = (codes: string) =>
    commitments.find(
      (c) =>
        !c.allAgencies &&
        c.leads
          .map((l) => l.agency.code)
          .sort()
          .join("/") === codes,
    )!.id;
  const risks = await db.prisma.risk.findMany({ include: { ownerAgency: true }, orderBy: { id: "asc" } });
  const plan = await db.prisma.plan.findUniqueOrThrow({ where: { startYear: 2023 } });
  return {
    planId: plan.id,
    nscCommitment: led("NSC"),
    policeCommitment: led("Police"),
    policeSariCommitment: led("Police/SARI"),
    allCommitment: commitments.find((c) => c.allAgencies)!.id,
    nscRisk: risks.find((r) => r.ownerAgency?.code === "NSC")!.id,
    policeRisk: risks.find((r) => r.ownerAgency?.code === "Police")!.id,
    partnershipRisk: risks.find((r) => r.ownerAgencyId === null)!.id,
  };
}

/** The review pages of what an agency is asked to update in the seeded plan: what it leads or owns, and what all agencies do. */
export async function reviewPagesLedBy(seeded: SeededApp, code: string, quarter: number): Promise<string[]> {
  const planId = seeded.ids.planId;
  const commitments = await seeded.db.prisma.commitment.findMany({
    where: {
      retiredAt: null,
      objective: { planId, retiredAt: null },
      OR: [{ allAgencies: true }, { leads: { some: { agency: { code } } } }],
    },
    select: { id: true },
  });
  const risks = await seeded.db.prisma.risk.findMany({
    where: { planId, retiredAt: null, OR: [{ ownerAgencyId: null }, { ownerAgency: { code } }] },
    select: { id: true },
  });
  return [
    ...commitments.map((c) => reviewPage(c.id, quarter)),
    ...risks.map((r) => reviewPage(r.id, quarter, "risks")),
  ];
}

/** A review page's address. */
export const reviewPage = (id: number, quarter: number, kind: "commitments" | "risks" = "commitments") =>
  `/partners/${kind}/${id}/reviews/${quarter}`;

/** The hidden form fields a review page carries (agency and the version it started from). */
export function reviewFields(html: string): { agency: string; version: string; _csrf: string } {
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
  const agency = field("agency");
  const version = field("version");
  if (agency === undefined || version === undefined) throw new Error("no review form on the page");
  return { agency, version, _csrf: csrfToken(html) };
}

/** The coordinators' requests for more a review form shows, which its save answers. */
const reviewAnswers = (html: string) => [...html.matchAll(/name="answers" value="(\d+)"/g)].map((m) => m[1]!);

/** Posts a review form as the page `from` (already fetched, or fetched now) would, with `fields` over its own. */
export async function postReview(agent: Agent, path: string, fields: Record<string, string | string[]>, from?: string) {
  const html = from ?? (await agent.get(path)).text;
  return agent
    .post(path)
    .type("form")
    .send({ ...reviewFields(html), answers: reviewAnswers(html), replaces: "", ...fields });
}

/** Posts a joint item's summary form as the review page `from` (already fetched, or fetched now) would. */
export async function postSummary(agent: Agent, path: string, fields: Record<string, string>, from?: string) {
  const html = from ?? (await agent.get(path)).text;
  const summaryVersion = /name="summaryVersion" value="(\d+)"/.exec(html)?.[1];
  if (summaryVersion === undefined) throw new Error("no summary form on the page");
  return agent
    .post(`${path}/summary`)
    .type("form")
    .send({ summaryVersion, reason: "", _csrf: csrfToken(html), ...fields });
}

const text = (node: Element | null | undefined) => node?.textContent?.replace(/\s+/g, " ").trim() ?? "";

/** A review page's history table, newest first: who, what changed, and the commentary of each version. */
export function historyRows(html: string): string[][] {
  const tables = [...new JSDOM(html).window.document.querySelectorAll("table")];
  const history = tables.find((t) => text(t.querySelector("caption")).startsWith("Every saved version"));
  return [...(history?.querySelectorAll("tbody tr") ?? [])].map((row) =>
    [...row.querySelectorAll("td")].slice(1).map((td) => text(td)),
  );
}

/** The conflict page's "Saved version" (what was saved first): its heading, status and commentary. */
export function savedVersion(html: string): { heading: string; status: string; commentary: string } | undefined {
  const document = new JSDOM(html).window.document;
  const heading = [...document.querySelectorAll("h3")].find((h) => text(h).startsWith("Saved version"));
  if (!heading) return undefined;
  const values = [...(heading.parentElement?.querySelectorAll(".govuk-summary-list__value") ?? [])].map(text);
  return { heading: text(heading), status: values[0] ?? "", commentary: values[1] ?? "" };
}

/** A review page's "Each agency's update" list: each agency's name (as shown) and what it says of its update. */
export function agencyUpdates(html: string): [string, string][] {
  const document = new JSDOM(html).window.document;
  return [...document.querySelectorAll(".govuk-summary-list__row")]
    .filter((row) => row.closest("dl")?.previousElementSibling?.textContent === "Each agency's update")
    .map((row) => [text(row.querySelector("dt")), text(row.querySelector(".govuk-summary-list__value"))]);
}

/** Whose update a joint item's review form is for, from its heading ("Avon and Somerset Police's update"). */
export const formAgency = (html: string) =>
  /<h2 class="govuk-heading-m">(?!History of |Each agency)([^<]*)'s update<\/h2>/.exec(html)?.[1];
