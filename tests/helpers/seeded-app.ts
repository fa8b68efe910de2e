// One seeded app for the tests of the plan's reviews: a fresh database with the 2023/24 plan, the
// partners of every role (tests/helpers/partners.ts), the real app, and the ids of the seeded
// commitments and risks by who leads them. Review pages and saves go through the real forms.
import type { RequestListener } from "node:http";
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
  const { app, services } = testApp(db, env);
  return {
    db,
    app,
    services,
    partners,
    ids: await seededIds(db),
    as: (who) => signIn(app, partners[who].email),
    close: () => db.close(),
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

/** Posts a review form as the page `from` (already fetched, or fetched now) would, with `fields` over its own. */
export async function postReview(agent: Agent, path: string, fields: Record<string, string>, from?: string) {
  const html = from ?? (await agent.get(path)).text;
  return agent
    .post(path)
    .type("form")
    .send({ ...reviewFields(html), replaces: "", ...fields });
}
