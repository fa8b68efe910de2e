// Case access and the reporting-centre link are given and taken away by a coordinator on the
// account form: case access never to a viewer, never by a coordinator to themselves; a centre only
// an active one. Both are audited before and after, and case access taken away leaves a signed-in
// session at once (each request reloads the partner from the database).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectAccessiblePage } from "../helpers/accessibility.ts";
import { type Agent, submit } from "../helpers/partners.ts";
import { type SeededApp, seededApp } from "../helpers/seeded-app.ts";

let seeded: SeededApp;
let coordinator: Agent;
let open: { id: number; name: string };
let hidden: { id: number; name: string };

beforeAll(async () => {
  seeded = await seededApp();
  coordinator = await seeded.as("coordinator");
  const centre = (name: string, active: boolean) =>
    seeded.db.prisma.reportingCentre.create({
      data: {
        name,
        address: "1 High Street",
        town: "Weston-super-Mare",
        postcode: "BS23 1UJ",
        openingTimes: "Mon",
        active,
      },
    });
  open = await centre("Open Door Centre", true);
  hidden = await centre("Closed Door Centre", false);
});
afterAll(async () => seeded?.close());

const accountPage = (id: number) => `/partners/accounts/${id}`;
const fieldsOf = (
  u: { name: string; email: string; role: string; agencyId: number | null },
  caseAccess: "" | "yes",
  reportingCentreId = "",
) => ({
  name: u.name,
  email: u.email,
  role: u.role,
  agencyId: String(u.agencyId ?? ""),
  caseAccess,
  reportingCentreId,
});
const stored = (id: number) => seeded.db.prisma.user.findUniqueOrThrow({ where: { id } });
const updates = (id: number) =>
  seeded.db.prisma.auditEvent.findMany({
    where: { action: "account.updated", entityId: String(id) },
    orderBy: { id: "asc" },
  });
const field = (e: { before: unknown; after: unknown }, name: string) => [
  (e.before as Record<string, unknown>)[name],
  (e.after as Record<string, unknown>)[name],
];

describe("case access on the account form", () => {
  it("offers the checkbox with its hint and the reporting centre select of active centres, accessibly", async () => {
    const form = await coordinator.get(accountPage(seeded.partners.officer.id)).expect(200);
    expect(form.text).toContain('name="caseAccess"');
    expect(form.text).toContain(
      "Can see and work on the hate incident reports and cases of their agency (coordinators: all cases). Needs the second factor when it is required.",
    );
    expect(form.text).toContain('name="reportingCentreId"');
    expect(form.text).toMatch(/<option value=""[^>]*>Not linked to a reporting centre<\/option>/);
    expect(form.text).not.toMatch(/<select[^>]*name="reportingCentreId"[\s\S]*?selected[\s\S]*?<\/select>/);
    expect(form.text).toContain(`value="${open.id}"`);
    expect(form.text).not.toContain(`value="${hidden.id}"`);
    await expectAccessiblePage(form.text);
    await expectAccessiblePage((await coordinator.get("/partners/accounts/new").expect(200)).text);
  });

  it("is given and taken away by a coordinator, audited, and leaves a signed-in session at once", async () => {
    const officer = seeded.partners.sariOfficer;
    expect((await submit(coordinator, accountPage(officer.id), fieldsOf(officer, "yes"))).status).toBe(302);
    const caseworker = await seeded.as("sariOfficer");
    expect((await caseworker.get("/partners/cases")).status).toBe(200);
    const list = await coordinator.get("/partners/accounts");
    expect(list.text).toContain("Case access");
    await expectAccessiblePage(list.text);

    expect((await submit(coordinator, accountPage(officer.id), fieldsOf(officer, ""))).status).toBe(302);
    // The same signed-in browser, straight after: no cases.
    expect((await caseworker.get("/partners/cases")).status).toBe(404);
    expect((await updates(officer.id)).map((e) => field(e, "caseAccess"))).toEqual([
      [false, true],
      [true, false],
    ]);
    const trail = await (await seeded.as("caseCoordinator")).get("/partners/audit?entityType=User");
    expect(trail.text).toContain(`Changed ${officer.name} (${officer.email})&#39;s account: case access given`);
    expect(trail.text).toContain(`Changed ${officer.name} (${officer.email})&#39;s account: case access removed`);
  });

  it("taken from a caseworker already signed in ends their case pages on their next request", async () => {
    const worker = seeded.partners.policeCaseworker;
    const signedIn = await seeded.as("policeCaseworker");
    expect((await signedIn.get("/partners/cases")).status).toBe(200);
    expect(await seeded.services.accounts.findSessionUser(worker.id)).toMatchObject({ caseAccess: true });
    expect((await submit(coordinator, accountPage(worker.id), fieldsOf(worker, ""))).status).toBe(302);
    // Every request loads the partner afresh (findSessionUser), so nothing cached in the session keeps it.
    expect(await seeded.services.accounts.findSessionUser(worker.id)).toMatchObject({ caseAccess: false });
    expect((await signedIn.get("/partners/cases")).status).toBe(404);
    const page = await coordinator.get(accountPage(worker.id)).expect(200);
    expect(page.text).toMatch(/name="caseAccess" type="checkbox" value="yes"(?! checked)/);
    expect(page.text).not.toMatch(/name="caseAccess" type="checkbox" value="yes" checked/);
    // Given back, it works again without signing in afresh.
    expect((await submit(coordinator, accountPage(worker.id), fieldsOf(worker, "yes"))).status).toBe(302);
    expect((await signedIn.get("/partners/cases")).status).toBe(200);
  });

  it("the account list says who has case access and who is linked to a centre", async () => {
    const list = await coordinator.get("/partners/accounts").expect(200);
    const row = (name: string) => new RegExp(`>${name}</a>[\\s\\S]*?</tr>`).exec(list.text)?.[0] ?? "";
    expect(row(seeded.partners.caseCoordinator.name)).toContain("Case access");
    expect(row(seeded.partners.viewer.name)).not.toContain("Case access");
    expect(list.text).toMatch(/<th scope="col" class="govuk-table__header">Case access<\/th>/);
  });

  it("is refused to a viewer, and to a coordinator changing their own, keeping what was typed", async () => {
    const viewer = seeded.partners.viewer;
    const res = await submit(coordinator, accountPage(viewer.id), {
      ...fieldsOf(viewer, "yes", String(open.id)),
      name: "Vic Viewer",
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain("Viewers cannot have case access. Make them an officer first");
    expect(res.text).toContain('href="#caseAccess"');
    expect(res.text).toContain('value="Vic Viewer"');
    expect(res.text).toMatch(/name="caseAccess" type="checkbox" value="yes" checked/);
    expect(res.text).toContain(`value="${open.id}" selected`);
    await expectAccessiblePage(res.text);
    // Nor may a new account be a viewer with case access.
    const before = await seeded.db.prisma.user.count();
    const created = await submit(coordinator, "/partners/accounts/new", {
      ...fieldsOf({ name: "New Viewer", email: "new.viewer@partners.test", role: "VIEWER", agencyId: null }, "yes"),
    });
    expect(created.status).toBe(400);
    expect(created.text).toContain('href="#caseAccess"');
    expect(await seeded.db.prisma.user.count()).toBe(before);

    const own = seeded.partners.coordinator;
    const mine = await submit(coordinator, accountPage(own.id), fieldsOf(own, "yes"));
    expect(mine.status).toBe(400);
    expect(mine.text).toContain("You cannot change your own case access");
    expect((await stored(viewer.id)).caseAccess).toBe(false);
    expect((await stored(viewer.id)).reportingCentreId).toBeNull();
    expect((await stored(own.id)).caseAccess).toBe(false);
  });

  it("refuses making an account with case access a viewer, on the role field", async () => {
    const worker = seeded.partners.sariCaseworker;
    const res = await submit(coordinator, accountPage(worker.id), { ...fieldsOf(worker, "yes"), role: "VIEWER" });
    expect(res.status).toBe(400);
    expect(res.text).toContain('href="#role"');
    expect(res.text).toContain("This account has case access, so it cannot be made a viewer");
    expect(res.text).toMatch(/name="role" type="radio" value="VIEWER" checked/);
    await expectAccessiblePage(res.text);
    expect(await stored(worker.id)).toMatchObject({ role: "OFFICER", caseAccess: true });
  });
});

describe("the reporting centre link", () => {
  it("links and unlinks an account to an active centre, audited before and after, and listed", async () => {
    const officer = seeded.partners.officer;
    expect((await submit(coordinator, accountPage(officer.id), fieldsOf(officer, "", String(open.id)))).status).toBe(
      302,
    );
    expect((await stored(officer.id)).reportingCentreId).toBe(open.id);
    const form = await coordinator.get(accountPage(officer.id));
    expect(form.text).toContain(`value="${open.id}" selected`);
    const list = await coordinator.get("/partners/accounts");
    expect(list.text).toContain("Open Door Centre");

    expect((await submit(coordinator, accountPage(officer.id), fieldsOf(officer, ""))).status).toBe(302);
    expect((await stored(officer.id)).reportingCentreId).toBeNull();
    expect((await updates(officer.id)).map((e) => field(e, "reportingCentreId"))).toEqual([
      [null, open.id],
      [open.id, null],
    ]);
    const trail = await coordinator.get("/partners/audit?entityType=User");
    expect(trail.text).toContain("account: linked to reporting centre Open Door Centre, Weston-super-Mare");
    expect(trail.text).toContain("account: no longer linked to Open Door Centre, Weston-super-Mare");
  });

  it("can be set when adding an account, with case access, and both are audited", async () => {
    const police = await seeded.db.prisma.agency.findUniqueOrThrow({ where: { code: "Police" } });
    const res = await submit(coordinator, "/partners/accounts/new", {
      ...fieldsOf(
        { name: "Centre Worker", email: "centre.worker@partners.test", role: "OFFICER", agencyId: police.id },
        "yes",
        String(open.id),
      ),
    });
    expect(res.status).toBe(200);
    const user = await seeded.db.prisma.user.findUniqueOrThrow({ where: { email: "centre.worker@partners.test" } });
    expect(user).toMatchObject({ caseAccess: true, reportingCentreId: open.id });
    const event = await seeded.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "account.created", entityId: String(user.id) },
    });
    expect(event.after).toMatchObject({ caseAccess: true, reportingCentreId: open.id });
    const trail = await coordinator.get("/partners/audit?action=account.created");
    expect(trail.text).toContain(
      "Added an account for Centre Worker (centre.worker@partners.test): Officer, Avon and Somerset Police, case access given, linked to reporting centre Open Door Centre, Weston-super-Mare",
    );
  });

  it.each([
    ["a hidden centre", () => String(hidden.id)],
    ["a centre that does not exist", () => "999999"],
    ["something that is not a centre", () => "abc"],
  ])("refuses %s on the field, keeping what was typed", async (_what, centre) => {
    const officer = seeded.partners.otherOfficer;
    const res = await submit(coordinator, accountPage(officer.id), {
      ...fieldsOf(officer, ""),
      name: "Typed Name",
      reportingCentreId: centre(),
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('href="#reportingCentreId"');
    expect(res.text).toContain("Select a reporting centre from the list");
    expect(res.text).toContain('value="Typed Name"');
    await expectAccessiblePage(res.text);
    expect(await stored(officer.id)).toMatchObject({ name: officer.name, reportingCentreId: null });
  });

  it("keeps an account's own centre when that centre is hidden later", async () => {
    const spare = seeded.partners.spare;
    await seeded.db.prisma.user.update({ where: { id: spare.id }, data: { reportingCentreId: hidden.id } });
    const form = await coordinator.get(accountPage(spare.id));
    expect(form.text).toContain(`value="${hidden.id}" selected`);
    expect(form.text).toContain("Closed Door Centre, Weston-super-Mare (hidden from the public site)");
    const saved = await submit(coordinator, accountPage(spare.id), {
      ...fieldsOf(spare, "", String(hidden.id)),
      name: "Spare Renamed",
    });
    expect(saved.status).toBe(302);
    expect(await stored(spare.id)).toMatchObject({ name: "Spare Renamed", reportingCentreId: hidden.id });
  });
});
