// The role x route matrix, built from the partner area's own route table: a route added to the
// table is checked here automatically, and a route added any other way fails the first test.
import type { RequestListener } from "node:http";
import type { Router } from "express";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Access } from "../../src/middleware/authentication.ts";
import { createPassport } from "../../src/middleware/authentication.ts";
import { seed } from "../../src/db/seed.ts";
import type { Database } from "../../src/db/database.ts";
import { partnerArea, partnerRouteTable } from "../../src/routes/partners/index.ts";
import { testApp } from "../helpers/app.ts";
import { testDatabase } from "../helpers/database.ts";
import { type Agent, createPartners, csrfToken, signIn } from "../helpers/partners.ts";
import { newReport } from "../helpers/reports.ts";

let db: Database;
let app: RequestListener;
let built: ReturnType<typeof testApp>;
let partners: Awaited<ReturnType<typeof createPartners>>;

beforeAll(async () => {
  db = await testDatabase();
  await seed(db.prisma, { production: true });
  partners = await createPartners(db);
  built = testApp(db, { SIGN_IN_LIMIT_PER_IP: "10000" }); // this test signs in many times
  app = built.app;
});
afterAll(async () => db.close());

/** Ids of the first purpose, achievement, objective, commitment and risk of the seeded 2023/24 plan. */
const seededPlan: Record<string, string> = {};
beforeAll(async () => {
  const where = { plan: { startYear: 2023 } };
  const first = { orderBy: { id: "asc" as const }, select: { id: true } };
  const ids = await Promise.all([
    db.prisma.purpose.findFirstOrThrow({ where, ...first }),
    db.prisma.achievement.findFirstOrThrow({ where, ...first }),
    db.prisma.objective.findFirstOrThrow({ where, ...first }),
    db.prisma.commitment.findFirstOrThrow({ where: { objective: where }, ...first }),
    db.prisma.risk.findFirstOrThrow({ where, ...first }),
  ]);
  ["purposeId", "achievementId", "objectiveId", "commitmentId", "riskId"].forEach((name, i) => {
    seededPlan[name] = String(ids[i]!.id);
  });
  const measure = await db.prisma.measure.create({
    data: { riskId: ids[4]!.id, name: "Reports to the partnership", source: "REPORTS", direction: "HIGHER" },
  });
  seededPlan.measureId = String(measure.id);
});

/** A real report, so its pages answer as they would (a made-up reference is only a 404). */
let reportReference = "";
beforeAll(async () => {
  reportReference = (await built.services.reports.submit(newReport())).reference;
});

const options = () => ({ sessionSecret: built.config.sessionSecret, signInLimit: built.config.signInLimit });
const table = () => partnerRouteTable(built.services, createPassport(built.services), options());

type Who = "anonymous" | "viewer" | "officer" | "otherOfficer" | "coordinator" | "sariCaseworker" | "caseCoordinator";
const PEOPLE: Who[] = [
  "anonymous",
  "viewer",
  "officer",
  "otherOfficer",
  "coordinator",
  "sariCaseworker",
  "caseCoordinator",
];
const COORDINATORS: Who[] = ["coordinator", "caseCoordinator"];

/** Whether `who` may use a route with this access rule (record-level rules are tested with each feature). */
function allowed(access: Access, who: Who): boolean {
  switch (access) {
    case "anyone":
      return true;
    case "second-factor":
    case "signed-in":
      return who !== "anonymous";
    case "editor":
      return who !== "anonymous" && who !== "viewer";
    case "coordinator":
      return COORDINATORS.includes(who);
    case "cases":
      return who === "sariCaseworker" || who === "caseCoordinator";
    case "panel":
      return who === "caseCoordinator";
    case "reporting-centre":
      return false; // nobody here is linked to a reporting centre (tests/integration/centre-reports.test.ts)
  }
}

/** A signed-in partner refused a route: cases are not even said to exist without case access. */
const refusal = (access: Access) => (["cases", "panel", "reporting-centre"].includes(access) ? 404 : 403);

function concretePath(path: string) {
  return `/partners${path}`
    .replace(/\/$/, "")
    .replace(":id", String(partners.spare.id))
    .replace(":agencyId", String(partners.coordinator.agencyId)) // NSC: has accounts, so it cannot be deleted
    .replace(":centreId", "1") // the first seeded reporting centre
    .replace(":serviceId", "1") // the first seeded support service
    .replace(":year", "2023-24") // the seeded plan; its items below (plan administration)
    .replace(/:(purposeId|achievementId|objectiveId|commitmentId|riskId)/g, (_m, name: string) => seededPlan[name]!)
    .replace(":measureId", seededPlan.measureId!) // a measure of the seeded plan's first risk
    .replace(":quarter", "1")
    .replace(":kind", "contact")
    .replace(":slug", "who") // the first step of a report entered at a reporting centre
    .replace(":reference", reportReference)
    .replace(":token", "no-such-token");
}

function routesIn(router: Router): string[] {
  const found: string[] = [];
  for (const layer of (
    router as unknown as { stack: { route?: { path: string; methods: Record<string, boolean> }; handle: unknown }[] }
  ).stack) {
    if (layer.route) {
      for (const method of Object.keys(layer.route.methods)) found.push(`${method} ${layer.route.path}`);
    } else if ((layer.handle as { stack?: unknown }).stack) {
      found.push(...routesIn(layer.handle as Router));
    }
  }
  return found;
}

async function agentFor(who: Who): Promise<Agent> {
  if (who === "anonymous") return request.agent(app);
  return signIn(app, partners[who].email);
}

describe("the partner route table", () => {
  it("is the only way routes reach the partner area", () => {
    const declared = table()
      .map((r) => `${r.method} ${r.path}`)
      .sort();
    expect(routesIn(partnerArea(built.services, options())).sort()).toEqual(declared);
    expect(declared.length).toBeGreaterThan(10);
  });
});

describe.each(PEOPLE)("as %s", (who) => {
  it("every page answers as the route's access rule says", async () => {
    const agent = await agentFor(who);
    for (const route of table().filter((r) => r.method === "get")) {
      const path = concretePath(route.path);
      expect(path, "every parameter is given a real value").not.toContain(":");
      const res = await agent.get(path);
      const where = `${who} GET ${path} -> ${res.status} ${res.headers.location ?? ""}`;
      expect(res.status, where).toBeLessThan(500);
      if (allowed(route.access, who)) {
        expect(res.status, where).not.toBe(403);
        expect(res.headers.location ?? "", where).not.toBe("/partners/sign-in");
      } else if (who === "anonymous") {
        expect(res.status, where).toBe(302);
        expect(res.headers.location, where).toBe("/partners/sign-in");
      } else {
        expect(res.status, where).toBe(refusal(route.access));
      }
    }
  });

  it("every form post is refused, and writes nothing, unless the access rule allows it", async () => {
    let agent: Agent | undefined;
    for (const route of table().filter((r) => r.method === "post")) {
      // Signed in again only after a post that was let through: it may have changed the session
      // (signing out, a new password); a refused one is checked to change nothing.
      agent ??= await agentFor(who);
      // A real token for this session, from a page every visitor can open.
      const token = csrfToken((await agent.get("/partners/sign-in")).text);
      const path = concretePath(route.path);
      const before = {
        audit: await db.prisma.auditEvent.count(),
        users: await db.prisma.user.findMany({ orderBy: { id: "asc" } }),
      };
      const res = await agent.post(path).type("form").send({ _csrf: token });
      const where = `${who} POST ${path} -> ${res.status}`;
      expect(res.status, where).toBeLessThan(500);
      if (allowed(route.access, who)) {
        expect(res.status, where).not.toBe(403);
        agent = undefined;
      } else {
        expect(res.status, where).toBe(who === "anonymous" ? 403 : refusal(route.access));
        expect(await db.prisma.auditEvent.count(), where).toBe(before.audit);
        expect(await db.prisma.user.findMany({ orderBy: { id: "asc" } }), where).toEqual(before.users);
      }
    }
  });
});
