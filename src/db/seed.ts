// Loads the 2023/24 plan document, the partnership's agencies, an example public directory and,
// outside production, demo accounts. Seeding twice changes nothing: each part is added only
// when it is missing.
import { randomBytes } from "node:crypto";
import type { PrismaClient } from "../generated/prisma/client.ts";
import { hashPassword } from "../services/passwords.ts";
import { QUARTERS, defaultDeadline } from "../services/plan/year.ts";
import * as data from "./seed-data.ts";

export interface SeedOptions {
  production: boolean;
  /** Password for the demo accounts; a random one is made when not given. */
  demoPassword?: string;
}

export interface SeedResult {
  agencies: number;
  plan: boolean;
  reportingCentres: number;
  supportServices: number;
  /** Demo accounts created by this run, with the password to print once. */
  demo: { emails: string[]; password: string } | null;
}

export async function seed(prisma: PrismaClient, options: SeedOptions): Promise<SeedResult> {
  const agencies = await prisma.agency.createMany({
    data: data.agencies.map((a, i) => ({ ...a, position: i })),
    skipDuplicates: true,
  });
  const agencyIds = new Map((await prisma.agency.findMany()).map((a) => [a.code, a.id]));
  const agencyId = (code: string) => {
    const id = agencyIds.get(code);
    if (id === undefined) throw new Error(`Seed names an unknown agency: ${code}`);
    return id;
  };

  let plan = false;
  if (!(await prisma.plan.findUnique({ where: { startYear: data.plan2023.startYear } }))) {
    await seedPlan(prisma, agencyId);
    plan = true;
  }

  let reportingCentres = 0;
  if ((await prisma.reportingCentre.count()) === 0) {
    ({ count: reportingCentres } = await prisma.reportingCentre.createMany({
      data: data.reportingCentres.map((c) => ({ ...c, isExample: true })),
    }));
  }
  let supportServices = 0;
  if ((await prisma.supportService.count()) === 0) {
    ({ count: supportServices } = await prisma.supportService.createMany({
      data: data.supportServices.map((s) => ({ ...s, isExample: true })),
    }));
  }

  const demo = options.production ? null : await seedDemoAccounts(prisma, agencyId, options.demoPassword);
  return { agencies: agencies.count, plan, reportingCentres, supportServices, demo };
}

async function seedPlan(prisma: PrismaClient, agencyId: (code: string) => number) {
  const p = data.plan2023;
  await prisma.$transaction(async (tx) => {
    const plan = await tx.plan.create({
      data: {
        startYear: p.startYear,
        title: p.title,
        strapline: p.strapline,
        vision: p.vision,
        introduction: p.introduction,
        status: "PUBLISHED",
        publishedAt: new Date(),
        purposes: { create: p.purposes.map((text, position) => ({ text, position })) },
        achievements: { create: p.achievements.map((a, position) => ({ ...a, position })) },
        quarters: { create: QUARTERS.map((quarter) => ({ quarter, deadline: defaultDeadline(p.startYear, quarter) })) },
        risks: {
          create: p.risks.map((r, position) => ({
            position,
            description: r.description,
            mitigation: r.mitigation,
            rating: r.rating,
            ownerAgencyId: r.owner === data.ALL_AGENCIES ? null : agencyId(r.owner),
          })),
        },
      },
    });
    for (const [i, objective] of p.objectives.entries()) {
      await tx.objective.create({
        data: {
          planId: plan.id,
          number: i + 1,
          title: objective.title,
          commitments: {
            create: objective.commitments.map((c, position) => {
              const all = c.leads.includes(data.ALL_AGENCIES);
              return {
                position,
                text: c.text,
                allAgencies: all,
                leads: all ? undefined : { create: c.leads.map((code) => ({ agencyId: agencyId(code) })) },
              };
            }),
          },
        },
      });
    }
  });
}

async function seedDemoAccounts(
  prisma: PrismaClient,
  agencyId: (code: string) => number,
  givenPassword: string | undefined,
): Promise<SeedResult["demo"]> {
  const existing = new Set(
    (await prisma.user.findMany({ where: { email: { in: data.demoAccounts.map((a) => a.email) } } })).map(
      (u) => u.email,
    ),
  );
  const missing = data.demoAccounts.filter((a) => !existing.has(a.email));
  if (missing.length === 0) return null;
  const password = givenPassword ?? randomBytes(12).toString("base64url");
  const passwordHash = await hashPassword(password);
  await prisma.user.createMany({
    data: missing.map((a) => ({
      email: a.email,
      name: a.name,
      role: a.role,
      agencyId: a.agency ? agencyId(a.agency) : null,
      passwordHash,
      passwordChangedAt: new Date(),
      isDemo: true,
    })),
    skipDuplicates: true,
  });
  return { emails: missing.map((a) => a.email), password };
}
