// No lost updates: a save from an older version than the one stored always meets the conflict
// page, however the form was re-displayed on the way, and the conflict page lets the person keep
// the saved version or knowingly replace it (which the history records).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, htmlErrors } from "../helpers/accessibility.ts";
import type { Agent } from "../helpers/partners.ts";
import {
  postReview,
  reviewFields,
  reviewPage as page,
  savedVersion,
  type SeededApp,
  seededApp,
} from "../helpers/seeded-app.ts";

let s: SeededApp;
beforeAll(async () => {
  s = await seededApp();
});
afterAll(async () => s.close());

async function stored(commitmentId: number, quarter: number, code: string) {
  const agency = await s.db.prisma.agency.findUniqueOrThrow({ where: { code } });
  return s.db.prisma.review.findUnique({
    where: { commitmentId_quarter_agencyId: { commitmentId, quarter, agencyId: agency.id } },
    include: { versions: { orderBy: { version: "asc" } } },
  });
}

/** Opens a review page, as a person opening the form in a browser tab. */
const open = async (agent: Agent, path: string) => (await agent.get(path).expect(200)).text;

describe("a stale save", () => {
  it("meets the conflict page even when it was also invalid, and then after the form is fixed", async () => {
    const path = page(s.ids.nscCommitment, 1);
    const coordinator = await s.as("coordinator");
    const officer = await s.as("officer");
    const officerForm = await open(officer, path); // version 0
    const coordinatorForm = await open(coordinator, path); // version 0
    expect(
      (await postReview(coordinator, path, { status: "AMBER", commentary: "Chair appointed" }, coordinatorForm)).status,
    ).toBe(302);

    // Invalid (Red with no commentary) and stale: the conflict comes first.
    const invalid = await postReview(officer, path, { status: "RED", commentary: "" }, officerForm);
    expect(invalid.status).toBe(409);
    expect(savedVersion(invalid.text)).toEqual({
      heading: `Saved version (${s.partners.coordinator.name})`,
      status: "Amber",
      commentary: "Chair appointed",
    });
    expect((await stored(s.ids.nscCommitment, 1, "NSC"))!.status).toBe("AMBER");
  });

  it("keeps the version it started from through a validation error, so the fixed form still meets the conflict", async () => {
    const path = page(s.ids.nscCommitment, 2);
    const officer = await s.as("officer");
    const coordinator = await s.as("coordinator");
    const officerForm = await open(officer, path); // version 0
    const invalid = await postReview(officer, path, { status: "RED", commentary: "" }, officerForm);
    expect(invalid.status).toBe(400);
    expect(reviewFields(invalid.text).version).toBe("0");

    expect((await postReview(coordinator, path, { status: "AMBER", commentary: "From the coordinator" })).status).toBe(
      302,
    );

    // The officer fixes the commentary on the re-displayed form and saves: nobody is overwritten.
    const fixed = await postReview(officer, path, { status: "RED", commentary: "Officer: stalled" }, invalid.text);
    expect(fixed.status).toBe(409);
    const review = (await stored(s.ids.nscCommitment, 2, "NSC"))!;
    expect(review).toMatchObject({ status: "AMBER", commentary: "From the coordinator", version: 1 });
  });

  it("from a version ahead of the stored one is a conflict too, and replacing from it replaces nothing", async () => {
    const officer = await s.as("officer");
    const path = page(s.ids.nscCommitment, 3);
    const res = await postReview(officer, path, { status: "GREEN", commentary: "From nowhere", version: "5" });
    expect(res.status).toBe(409);
    expect(await stored(s.ids.nscCommitment, 3, "NSC")).toBeNull();
    // Nothing is saved: the saved side says so, and the replace form starts from no version.
    expect(savedVersion(res.text)).toMatchObject({ status: "No update", commentary: "None" });
    expect(reviewFields(res.text).version).toBe("0");
    expect(res.text).toContain('name="replaces" value="0"');

    const replace = await postReview(
      officer,
      path,
      { status: "GREEN", commentary: "From nowhere", replaces: "0" },
      res.text,
    );
    expect(replace.status).toBe(302);
    const review = (await stored(s.ids.nscCommitment, 3, "NSC"))!;
    expect(review).toMatchObject({ status: "GREEN", commentary: "From nowhere", version: 1 });
    expect(review.versions.map((v) => [v.version, v.replacedVersion])).toEqual([[1, null]]);

    // Ahead of a stored version too.
    const ahead = await postReview(officer, path, { status: "RED", commentary: "Ahead", version: "2" });
    expect(ahead.status).toBe(409);
    expect(savedVersion(ahead.text)).toMatchObject({ status: "Green", commentary: "From nowhere" });
    expect((await stored(s.ids.nscCommitment, 3, "NSC"))!.version).toBe(1);
  });

  it("two first saves at once: one is saved, the other meets the conflict page", async () => {
    const path = page(s.ids.nscCommitment, 4);
    const a = await s.as("officer");
    const b = await s.as("coordinator");
    const [formA, formB] = [await open(a, path), await open(b, path)];
    const results = await Promise.all([
      postReview(a, path, { status: "GREEN", commentary: "A" }, formA),
      postReview(b, path, { status: "AMBER", commentary: "B" }, formB),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([302, 409]);
    const review = (await stored(s.ids.nscCommitment, 4, "NSC"))!;
    expect(review.version).toBe(1);
    expect(review.versions).toHaveLength(1);
    // The one refused is shown the one saved.
    const refused = results.find((r) => r.status === 409)!;
    expect(savedVersion(refused.text)).toMatchObject({
      status: review.status === "GREEN" ? "Green" : "Amber",
      commentary: review.commentary,
    });
  });

  it("two saves of the same version at once: one is saved, the other meets the conflict page", async () => {
    const path = page(s.ids.nscRisk, 3, "risks");
    const a = await s.as("officer");
    const b = await s.as("coordinator");
    expect((await postReview(a, path, { status: "AMBER", commentary: "First" })).status).toBe(302);
    const [formA, formB] = [await open(a, path), await open(b, path)]; // both from version 1
    const results = await Promise.all([
      postReview(a, path, { status: "GREEN", commentary: "A again" }, formA),
      postReview(b, path, { status: "RED", commentary: "B again" }, formB),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([302, 409]);
    const review = await s.db.prisma.review.findFirstOrThrow({
      where: { riskId: s.ids.nscRisk, quarter: 3 },
      include: { versions: true },
    });
    expect(review.version).toBe(2);
    expect(review.versions).toHaveLength(2);
    const refused = results.find((r) => r.status === 409)!;
    expect(savedVersion(refused.text)?.commentary).toBe(review.commentary);
  });
});

describe("the conflict page", () => {
  it("tells an officer it was them in another window, shows both versions, and keeps theirs on request", async () => {
    const path = page(s.ids.nscRisk, 1, "risks");
    const officer = await s.as("officer");
    const windowA = await open(officer, path);
    const windowB = await open(officer, path);
    expect(
      (await postReview(officer, path, { status: "AMBER", commentary: "Window A: campaign paused" }, windowA)).status,
    ).toBe(302);
    const conflict = await postReview(
      officer,
      path,
      { status: "GREEN", commentary: "Window B: campaign launched" },
      windowB,
    );
    expect(conflict.status).toBe(409);
    expect(conflict.text).toContain("You saved this in another window at");
    expect(conflict.text).not.toContain("Someone else");
    // Both versions side by side: the saved one (with its commentary) and the unsaved one.
    expect(conflict.text).toMatch(
      /Saved version[\s\S]*Amber[\s\S]*Window A: campaign paused[\s\S]*Your version \(not saved\)[\s\S]*Green[\s\S]*Window B: campaign launched/,
    );
    expect(conflict.text).toContain("Replace it with mine");
    expect(conflict.text).toContain(`href="${path}?agency=NSC">Keep the saved version`);
    expect(await axeViolations(conflict.text)).toEqual([]);
    expect(await htmlErrors(conflict.text)).toEqual([]);

    // "Replace it with mine" saves the unsaved version and records what it replaced.
    const replace = await postReview(
      officer,
      path,
      { status: "GREEN", commentary: "Window B: campaign launched", version: "1", replaces: "1" },
      conflict.text,
    );
    expect(replace.status).toBe(302);
    const versions = await s.db.prisma.reviewVersion.findMany({
      where: { review: { riskId: s.ids.nscRisk, quarter: 1 } },
      orderBy: { version: "asc" },
    });
    expect(versions.map((v) => [v.version, v.status, v.replacedVersion])).toEqual([
      [1, "AMBER", null],
      [2, "GREEN", 1],
    ]);
    const history = await open(officer, path);
    expect(history).toContain("replaced version 1, saved meanwhile");
  });

  it("says who else saved first, with their commentary, and a replace from it that is stale again is refused", async () => {
    const path = page(s.ids.nscRisk, 2, "risks");
    const officer = await s.as("officer");
    const coordinator = await s.as("coordinator");
    const mine = await open(officer, path);
    await postReview(coordinator, path, { status: "RED", commentary: "Coordinator: venue lost" });
    const conflict = await postReview(officer, path, { status: "GREEN", commentary: "Officer: on track" }, mine);
    expect(conflict.status).toBe(409);
    expect(conflict.text).toContain(`${s.partners.coordinator.name} saved this at`);
    expect(savedVersion(conflict.text)).toEqual({
      heading: `Saved version (${s.partners.coordinator.name})`,
      status: "Red",
      commentary: "Coordinator: venue lost",
    });
    // The replace form carries the saved version and the typed text in hidden fields.
    const fields = reviewFields(conflict.text);
    expect(fields.version).toBe("1");
    expect(conflict.text).toContain('name="commentary" value="Officer: on track"');

    // The coordinator saves again before the officer decides: replacing is refused, nothing lost.
    await postReview(coordinator, path, { status: "RED", commentary: "Coordinator: second thoughts" });
    const late = await postReview(
      officer,
      path,
      { status: "GREEN", commentary: "Officer: on track", replaces: "1" },
      conflict.text,
    );
    expect(late.status).toBe(409);
    expect(savedVersion(late.text)).toMatchObject({ status: "Red", commentary: "Coordinator: second thoughts" });
    const review = await s.db.prisma.review.findFirstOrThrow({ where: { riskId: s.ids.nscRisk, quarter: 2 } });
    expect(review).toMatchObject({ version: 2, commentary: "Coordinator: second thoughts" });
  });

  it("meets a stale form with a status that is not on the scale with the conflict page, not an error", async () => {
    const path = page(s.ids.policeCommitment, 3);
    const officer = await s.as("otherOfficer");
    const form = await open(officer, path);
    await postReview(await s.as("coordinator"), `${path}?agency=Police`, {
      agency: "Police",
      status: "AMBER",
      commentary: "Delayed",
    });
    const res = await postReview(officer, path, { status: " ", commentary: "Mine" }, form);
    expect(res.status).toBe(409);
    expect(res.text).toMatch(/Your version \(not saved\)[\s\S]*None chosen[\s\S]*Mine/);
  });
});
