// Less typing for officers and a coordinator's follow-up, through the real forms: the form starts
// from last quarter's status, "No change since last quarter", evidence links, "Save and go to the
// next update"; a coordinator asks for more (emailed to the agency's officers, answered by their
// next save) and signs updates off, and closing a quarter lists what is not signed off.
import { JSDOM } from "jsdom";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectAccessiblePage } from "../helpers/accessibility.ts";
import { type Agent, csrfToken } from "../helpers/partners.ts";
import { postReview, reviewPage as page, type SeededApp, seededApp } from "../helpers/seeded-app.ts";

let s: SeededApp;
let officer: Agent;
let coordinator: Agent;

beforeAll(async () => {
  s = await seededApp();
  officer = await s.as("officer");
  coordinator = await s.as("coordinator");
});
afterAll(async () => s.close());

const document = (html: string) => new JSDOM(html).window.document;
const checked = (html: string) =>
  document(html).querySelector<HTMLInputElement>('input[name="status"]:checked')?.value ?? null;

async function nscUpdate(commitmentId: number, quarter: number) {
  const nsc = await s.db.prisma.agency.findUniqueOrThrow({ where: { code: "NSC" } });
  return s.db.prisma.review.findUnique({
    where: { commitmentId_quarter_agencyId: { commitmentId, quarter, agencyId: nsc.id } },
    include: { versions: { orderBy: { version: "asc" } }, requests: true },
  });
}

/** Everything a refused form must not have stored. */
const stored = async () => ({
  reviews: await s.db.prisma.review.findMany({ orderBy: { id: "asc" } }),
  versions: await s.db.prisma.reviewVersion.count(),
  requests: await s.db.prisma.reviewRequest.findMany({ orderBy: { id: "asc" } }),
  emails: await s.db.prisma.emailMessage.count(),
  audit: await s.db.prisma.auditEvent.count(),
});

describe("the next quarter's form", () => {
  it("starts from last quarter's status, chosen but not saved, and offers no change when the rule allows", async () => {
    const id = s.ids.nscCommitment;
    expect((await postReview(officer, page(id, 1), { status: "GREEN", commentary: "On track" })).status).toBe(302);
    const html = (await officer.get(page(id, 2)).expect(200)).text;
    expect(checked(html)).toBe("GREEN");
    expect(html).toContain("Last quarter&#39;s status (Green) is chosen to start with");
    expect(html).toContain("No change since last quarter (Green)");
    expect(await nscUpdate(id, 2)).toBeNull();
    await expectAccessiblePage(html);

    const saved = await postReview(officer, page(id, 2), { status: "UNCHANGED", commentary: "" });
    expect(saved.status).toBe(302);
    expect(await nscUpdate(id, 2)).toMatchObject({ status: "GREEN", commentary: "", version: 1 });
    // Once saved, the form shows what was saved, not last quarter's.
    expect(checked((await officer.get(page(id, 2))).text)).toBe("GREEN");
  });

  it("does not offer no change after Red or Amber, and refuses it when sent anyway", async () => {
    const id = s.ids.nscCommitment;
    expect((await postReview(officer, page(id, 3), { status: "AMBER", commentary: "Slipping" })).status).toBe(302);
    const html = (await officer.get(page(id, 4)).expect(200)).text;
    expect(checked(html)).toBe("AMBER");
    expect(html).not.toContain("No change since last quarter");
    const before = await stored();
    const refused = await postReview(officer, page(id, 4), { status: "UNCHANGED", commentary: "" }, html);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('href="#status"');
    expect(refused.text).toContain("last quarter&#39;s was Red or Amber");
    expect(await stored()).toEqual(before);
  });

  it("counts the commentary's characters (GOV.UK character count) and keeps what was typed past the limit", async () => {
    const id = s.ids.nscRisk;
    const html = (await officer.get(page(id, 1, "risks"))).text;
    const group = document(html).querySelector('[data-module="govuk-character-count"]');
    expect(group?.getAttribute("data-maxlength")).toBe("2000");
    expect(group?.querySelector("#commentary-info")?.textContent?.trim()).toBe("You can enter up to 2000 characters");
    const long = "x".repeat(2_001);
    const before = await stored();
    const refused = await postReview(officer, page(id, 1, "risks"), { status: "RED", commentary: long }, html);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain("Commentary must be 2,000 characters or fewer");
    expect(document(refused.text).querySelector("textarea#commentary")?.textContent).toBe(long);
    expect(await stored()).toEqual(before);
  });
});

describe("evidence links", () => {
  it("are saved with the update and its version, and shown as links", async () => {
    const id = s.ids.policeCommitment;
    const police = await s.as("otherOfficer");
    const saved = await postReview(police, page(id, 1), {
      status: "GREEN",
      commentary: "Training delivered",
      evidenceTitle1: "Training report <2023>",
      evidenceUrl1: "https://police.example.org/report?a=1&b=2",
      evidenceTitle2: "",
      evidenceUrl2: "",
      evidenceTitle3: "Attendance sheet",
      evidenceUrl3: "http://intranet.example.org/sheet",
    });
    expect(saved.status).toBe(302);
    const links = [
      { title: "Training report <2023>", url: "https://police.example.org/report?a=1&b=2" },
      { title: "Attendance sheet", url: "http://intranet.example.org/sheet" },
    ];
    const agency = await s.db.prisma.agency.findUniqueOrThrow({ where: { code: "Police" } });
    const review = await s.db.prisma.review.findUniqueOrThrow({
      where: { commitmentId_quarter_agencyId: { commitmentId: id, quarter: 1, agencyId: agency.id } },
      include: { versions: true },
    });
    expect(review.evidence).toEqual(links);
    expect(review.versions[0]!.evidence).toEqual(links);

    const html = (await police.get(page(id, 1))).text;
    const shown = [...document(html).querySelectorAll<HTMLAnchorElement>("ul a.govuk-link")]
      .filter((a) => a.href.includes("example.org"))
      .map((a) => [a.textContent, a.getAttribute("href")]);
    expect(shown).toEqual(links.map((l) => [l.title, l.url]));
    // The form keeps them to edit, with blank rows to add more.
    expect(document(html).querySelector<HTMLInputElement>("#evidenceTitle2")?.value).toBe("Attendance sheet");
    expect(document(html).querySelector<HTMLInputElement>("#evidenceUrl4")?.value).toBe("");
    await expectAccessiblePage(html);
  });

  it("refuse half-filled rows and addresses that are not web addresses, keeping what was typed", async () => {
    const id = s.ids.policeCommitment;
    const police = await s.as("otherOfficer");
    const before = await stored();
    const refused = await postReview(police, page(id, 2), {
      status: "GREEN",
      commentary: "",
      evidenceTitle1: "No address",
      evidenceUrl1: "",
      evidenceTitle2: "",
      evidenceUrl2: "https://example.org/untitled",
      evidenceTitle3: "Script",
      evidenceUrl3: "javascript:alert(1)",
    });
    expect(refused.status).toBe(400);
    const summary = [...document(refused.text).querySelectorAll(".govuk-error-summary__list a")].map((a) => [
      a.getAttribute("href"),
      a.textContent,
    ]);
    expect(summary).toEqual([
      ["#evidenceUrl3", "Enter link 3's web address in the correct format, like https://www.example.org/report"],
      ["#evidenceUrl1", "Enter the web address of link 1, or remove its title"],
      ["#evidenceTitle2", "Enter a title for link 2, saying what it shows"],
    ]);
    expect(document(refused.text).querySelector<HTMLInputElement>("#evidenceUrl3")?.value).toBe("javascript:alert(1)");
    expect(document(refused.text).querySelector<HTMLInputElement>("#evidenceTitle1")?.value).toBe("No address");
    expect(await stored()).toEqual(before);
  });
});

describe("Save and go to the next update", () => {
  it("saves, then opens the next update still to do in Your updates", async () => {
    const sari = await s.as("sariOfficer");
    const hrefs = (html: string) =>
      [...document(html).querySelectorAll<HTMLAnchorElement>("#quarter-2023-1 ~ * a.govuk-task-list__link")].map((a) =>
        a.getAttribute("href")!,
      );
    const list = hrefs((await sari.get("/partners/updates")).text);
    expect(list.length).toBeGreaterThan(2);
    const res = await postReview(sari, list[0]!, { status: "GREEN", commentary: "Started", next: "yes" });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(list[1]);
    // From the middle of the list, the next one after it.
    const again = await postReview(sari, list[2]!, { status: "GREEN", commentary: "Started", next: "yes" });
    expect(again.headers.location).toBe(list[3] ?? list[1]);
  });
});

describe("a coordinator's request for more", () => {
  it("shows as More needed, is emailed to the agency's officers, and the officer's next save answers it", async () => {
    const id = s.ids.nscCommitment;
    const before = await nscUpdate(id, 1);
    const form = (await coordinator.get(`${page(id, 1)}?agency=NSC`)).text;
    await expectAccessiblePage(form);
    const asked = await coordinator
      .post(`${page(id, 1)}/request`)
      .type("form")
      .send({ _csrf: csrfToken(form), agency: "NSC", request: "Please add the number of schools visited" });
    expect(asked.status).toBe(302);
    const after = await nscUpdate(id, 1);
    expect(after!.requests).toMatchObject([
      { text: "Please add the number of schools visited", requestedById: s.partners.coordinator.id, answeredAt: null },
    ]);
    expect(after!.version).toBe(before!.version); // asking is not a new version of the update
    const emails = await s.db.prisma.emailMessage.findMany({ where: { template: "more-needed" } });
    expect(emails.map((e) => e.to)).toEqual([s.partners.officer.email]);
    expect(emails[0]!.subject).toBe(
      "More needed on North Somerset Council's update for quarter 1 (April to June 2023)",
    );
    expect(
      await s.db.prisma.auditEvent.count({ where: { action: "review.more-requested", entityId: `${id}/Q1/NSC` } }),
    ).toBe(1);

    const updates = (await officer.get("/partners/updates")).text;
    const task = [...document(updates).querySelectorAll(".govuk-task-list__item")].find((li) =>
      li.querySelector(`a[href="${page(id, 1)}"]`),
    );
    expect(task?.querySelector(".govuk-task-list__status")?.textContent?.trim()).toBe("More needed");

    const html = (await officer.get(page(id, 1))).text;
    expect(document(html).querySelector("#more-needed")?.textContent).toContain(
      "Please add the number of schools visited",
    );
    await expectAccessiblePage(html);
    // A request made after the officer opened the form is not answered by that save.
    const later = await coordinator
      .post(`${page(id, 1)}/request`)
      .type("form")
      .send({ _csrf: csrfToken(form), agency: "NSC", request: "And the number of pupils" });
    expect(later.status).toBe(302);
    const saved = await postReview(officer, page(id, 1), { status: "GREEN", commentary: "12 schools visited" }, html);
    expect(saved.status).toBe(302);
    const answered = await nscUpdate(id, 1);
    expect(answered!.requests.map((r) => [r.text, r.answeredVersion])).toEqual([
      ["Please add the number of schools visited", answered!.version],
      ["And the number of pupils", null],
    ]);
  });

  it("is refused when empty (keeping the page), for officers and viewers, and before the agency has updated", async () => {
    const id = s.ids.nscCommitment;
    const form = (await coordinator.get(`${page(id, 1)}?agency=NSC`)).text;
    const viewer = await s.as("viewer");
    const before = await stored();
    const empty = await coordinator
      .post(`${page(id, 1)}/request`)
      .type("form")
      .send({ _csrf: csrfToken(form), agency: "NSC", request: "   " });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('href="#request"');
    expect(empty.text).toContain("Enter what you need to know");
    for (const who of [officer, viewer]) {
      const own = (await who.get(page(id, 1))).text;
      const res = await who
        .post(`${page(id, 1)}/request`)
        .type("form")
        .send({ _csrf: csrfToken(own), agency: "NSC", request: "More" });
      expect(res.status).toBe(403);
    }
    const none = await coordinator
      .post(`${page(s.ids.nscRisk, 4, "risks")}/request`)
      .type("form")
      .send({ _csrf: csrfToken(form), agency: "NSC", request: "More" });
    expect(none.status).toBe(403);
    expect(await stored()).toEqual(before);
  });
});

describe("signing off", () => {
  it("holds for the version read: a later save needs signing off again, and closing the quarter lists it", async () => {
    const id = s.ids.nscCommitment;
    // Q1 still has a request open (above): signing off waits for the answer.
    const waiting = (await coordinator.get(`${page(id, 1)}?agency=NSC`)).text;
    const refused = await signOff(waiting, id, 1);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain("You asked North Somerset Council for more");

    const html = (await coordinator.get(`${page(id, 2)}?agency=NSC`)).text;
    const version = (await nscUpdate(id, 2))!.version;
    expect((await signOff(html, id, 2)).status).toBe(302);
    expect(await nscUpdate(id, 2)).toMatchObject({
      signedOffVersion: version,
      signedOffById: s.partners.coordinator.id,
    });
    const shown = (await coordinator.get(`${page(id, 2)}?agency=NSC`)).text;
    expect(document(shown).querySelector("#sign-off")?.textContent).toContain("Signed off by coord");
    await expectAccessiblePage(shown);

    const close = async () => (await coordinator.get("/partners/plans/2023-24/quarters/2/close")).text;
    const items = (html: string) =>
      [...document(html).querySelectorAll("h2")].find((h) => h.textContent === "Not signed off yet")?.nextElementSibling
        ?.textContent ?? "";
    const commitment = await s.db.prisma.commitment.findUniqueOrThrow({ where: { id } });
    expect(items(await close())).not.toContain(`North Somerset Council's update of: ${commitment.text}`);

    // The officer saves again: the sign-off no longer holds, and a stale sign-off is refused.
    expect((await postReview(officer, page(id, 2), { status: "GREEN", commentary: "Still on track" })).status).toBe(
      302,
    );
    expect(items(await close())).toContain(`North Somerset Council's update of: ${commitment.text}`);
    const stale = await signOff(shown, id, 2, version);
    expect(stale.status).toBe(409);
    expect(stale.text).toContain("was saved again after you opened this page");
    expect((await nscUpdate(id, 2))!.signedOffVersion).toBe(version);
  });
});

async function signOff(html: string, id: number, quarter: number, version?: number) {
  const v = version ?? /name="version" value="(\d+)"/.exec(html)![1]!;
  return coordinator
    .post(`${page(id, quarter)}/sign-off`)
    .type("form")
    .send({ _csrf: csrfToken(html), agency: "NSC", version: String(v) });
}
