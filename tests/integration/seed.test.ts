import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { seed } from "../../src/db/seed.ts";
import { testDatabase } from "../helpers/database.ts";

// The plan document the portal replaces: the seed must carry its content, word for word.
const documentText = await readFile(
  new URL("../../../shared/seed/hate-crime-plan-2023-24-draft.txt", import.meta.url),
  "utf8",
).catch(() => undefined);

let db: Database;
beforeAll(async () => {
  db = await testDatabase();
});
afterAll(async () => db.close());

async function snapshot(database: Database) {
  const p = database.prisma;
  return {
    agencies: await p.agency.findMany({ orderBy: { id: "asc" } }),
    plans: await p.plan.findMany({ include: { purposes: true, achievements: true, quarters: true, risks: true } }),
    objectives: await p.objective.findMany({ include: { commitments: { include: { leads: true } } } }),
    centres: await p.reportingCentre.findMany({ orderBy: { id: "asc" } }),
    services: await p.supportService.findMany({ orderBy: { id: "asc" } }),
    users: await p.user.findMany({ orderBy: { id: "asc" } }),
  };
}

describe("the seed", () => {
  it("loads the 2023/24 plan document as a real plan", async () => {
    const first = await seed(db.prisma, { production: false, demoPassword: "correct horse battery staple" });
    expect(first.plan).toBe(true);

    const plan = await db.prisma.plan.findUniqueOrThrow({
      where: { startYear: 2023 },
      include: {
        purposes: { orderBy: { position: "asc" } },
        achievements: { orderBy: { position: "asc" } },
        risks: { orderBy: { position: "asc" }, include: { ownerAgency: true } },
        quarters: true,
        objectives: {
          orderBy: { number: "asc" },
          include: {
            commitments: { orderBy: { position: "asc" }, include: { leads: { include: { agency: true } } } },
          },
        },
      },
    });
    expect(plan.title).toBe("Hate Crime Plan 2023/24");
    expect(plan.vision).toMatch(/^A North Somerset that embraces difference/);
    expect(plan.purposes).toHaveLength(5);
    expect(plan.achievements.map((a) => a.title)).toEqual([
      "Hate Crime Awareness Week 2021",
      "Expansion of RHINS Partnership",
      "SARI has been recommissioned",
      "Upskilling Police in responding to hate",
    ]);
    expect(plan.risks).toHaveLength(5);
    expect(plan.risks.every((r) => r.rating === "AMBER")).toBe(true);
    expect(plan.quarters).toHaveLength(4);
    expect(plan.objectives).toHaveLength(3);

    const commitments = plan.objectives.flatMap((o) =>
      o.commitments.map((c) => ({
        objective: o.number,
        leads: c.allAgencies
          ? "ALL"
          : c.leads
              .map((l) => l.agency.code)
              .sort()
              .join(" / "),
        text: c.text,
      })),
    );
    expect(commitments.map((c) => [c.objective, c.leads])).toEqual([
      [1, "NSC"],
      [1, "Police / SARI"],
      [1, "NSC"],
      [2, "ALL"],
      [2, "ALL"],
      [3, "Police"],
      [3, "NSC"],
      [3, "ALL"],
    ]);
    if (documentText) {
      for (const c of commitments) expect(documentText).toContain(c.text);
      for (const r of plan.risks) expect(documentText).toContain(r.description);
      for (const p of plan.purposes) expect(documentText).toContain(p.text);
      expect(documentText).toContain(plan.vision);
    }
  });

  it("adds an example directory and demo accounts with argon2id hashes", async () => {
    const centres = await db.prisma.reportingCentre.findMany();
    expect(centres.length).toBeGreaterThan(3);
    expect(centres.every((c) => c.isExample)).toBe(true);
    expect(new Set(centres.map((c) => c.town))).toEqual(
      new Set(["Weston-super-Mare", "Clevedon", "Portishead", "Nailsea", "Rural areas"]),
    );
    expect((await db.prisma.supportService.findMany()).every((s) => s.isExample)).toBe(true);

    const users = await db.prisma.user.findMany({ include: { agency: true } });
    expect(users.map((u) => [u.role, u.agency?.code ?? null]).sort()).toEqual(
      [
        ["COORDINATOR", "NSC"],
        ["OFFICER", "NSC"],
        ["OFFICER", "Police"],
        ["OFFICER", "SARI"],
        ["VIEWER", null],
      ].sort(),
    );
    expect(users.every((u) => u.passwordHash?.startsWith("$argon2id$"))).toBe(true);
  });

  it("changes nothing when run twice", async () => {
    const before = await snapshot(db);
    const second = await seed(db.prisma, { production: false, demoPassword: "another password entirely" });
    expect(second).toEqual({ agencies: 0, plan: false, reportingCentres: 0, supportServices: 0, demo: null });
    expect(await snapshot(db)).toEqual(before);
  });
});

describe("the seed in production", () => {
  it("never creates a demo account", async () => {
    const prod = await testDatabase();
    try {
      const result = await seed(prod.prisma, { production: true });
      expect(result.demo).toBeNull();
      expect(result.plan).toBe(true);
      expect(await prod.prisma.user.count()).toBe(0);
    } finally {
      await prod.close();
    }
  });
});
