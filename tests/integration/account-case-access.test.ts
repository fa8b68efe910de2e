// Case access is given and taken away by a coordinator on the account form: never to a viewer,
// never by a coordinator to themselves, audited, and taken away at once from a signed-in session.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectAccessiblePage } from "../helpers/accessibility.ts";
import { type Agent, submit } from "../helpers/partners.ts";
import { type SeededApp, seededApp } from "../helpers/seeded-app.ts";

let seeded: SeededApp;
let coordinator: Agent;

beforeAll(async () => {
  seeded = await seededApp();
  coordinator = await seeded.as("coordinator");
});
afterAll(async () => seeded?.close());

const accountPage = (id: number) => `/partners/accounts/${id}`;
const fieldsOf = (
  u: { name: string; email: string; role: string; agencyId: number | null },
  caseAccess: "" | "yes",
) => ({
  name: u.name,
  email: u.email,
  role: u.role,
  agencyId: String(u.agencyId ?? ""),
  caseAccess,
});

describe("case access on the account form", () => {
  it("is given and taken away by a coordinator, audited, and leaves a signed-in session at once", async () => {
    const officer = seeded.partners.sariOfficer;
    const form = await coordinator.get(accountPage(officer.id));
    expect(form.text).toContain('name="caseAccess"');
    await expectAccessiblePage(form.text);
    expect((await submit(coordinator, accountPage(officer.id), fieldsOf(officer, "yes"))).status).toBe(302);
    const caseworker = await seeded.as("sariOfficer");
    expect((await caseworker.get("/partners/cases")).status).toBe(200);
    const list = await coordinator.get("/partners/accounts");
    expect(list.text).toContain("Case access");
    await expectAccessiblePage(list.text);

    expect((await submit(coordinator, accountPage(officer.id), fieldsOf(officer, ""))).status).toBe(302);
    expect((await caseworker.get("/partners/cases")).status).toBe(404);
    const events = await seeded.db.prisma.auditEvent.findMany({
      where: { action: "account.updated", entityId: String(officer.id) },
      orderBy: { id: "asc" },
    });
    expect(
      events.map((e) => [
        (e.before as { caseAccess: boolean }).caseAccess,
        (e.after as { caseAccess: boolean }).caseAccess,
      ]),
    ).toEqual([
      [false, true],
      [true, false],
    ]);
    const trail = await (await seeded.as("caseCoordinator")).get("/partners/audit?entityType=User");
    expect(trail.text).toContain("case access yes → no");
  });

  it("is refused to a viewer, and to a coordinator changing their own, keeping what was typed", async () => {
    const viewer = seeded.partners.viewer;
    const res = await submit(coordinator, accountPage(viewer.id), { ...fieldsOf(viewer, "yes"), name: "Vic Viewer" });
    expect(res.status).toBe(400);
    expect(res.text).toContain("Viewers cannot have case access");
    expect(res.text).toContain('href="#caseAccess"');
    expect(res.text).toContain("Vic Viewer");
    await expectAccessiblePage(res.text);
    // Nor may a caseworker be made a viewer while keeping it.
    const worker = seeded.partners.policeCaseworker;
    expect(
      (await submit(coordinator, accountPage(worker.id), { ...fieldsOf(worker, "yes"), role: "VIEWER" })).status,
    ).toBe(400);
    const own = seeded.partners.coordinator;
    const mine = await submit(coordinator, accountPage(own.id), fieldsOf(own, "yes"));
    expect(mine.status).toBe(400);
    expect(mine.text).toContain("You cannot change your own case access");
    const after = await seeded.db.prisma.user.findMany({ where: { id: { in: [viewer.id, worker.id, own.id] } } });
    expect(after.map((u) => [u.role, u.caseAccess]).sort()).toEqual([
      ["COORDINATOR", false],
      ["OFFICER", true],
      ["VIEWER", false],
    ]);
  });
});
