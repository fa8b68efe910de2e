// What an officer typed survives the end of their session: the form that arrives after it ended is
// kept encrypted for 30 minutes, tied to that browser and that partner, and after signing in again
// the same form comes back filled in, not saved. Real database, CSRF on, the clock moved on.
import { Writable } from "node:stream";
import type { RequestListener } from "node:http";
import { JSDOM } from "jsdom";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app.ts";
import type { Database } from "../../src/db/database.ts";
import { seed } from "../../src/db/seed.ts";
import { createLogger } from "../../src/logger.ts";
import { services as buildServices } from "../../src/services/index.ts";
import { axeViolations, htmlErrors } from "../helpers/accessibility.ts";
import { testConfig } from "../helpers/app.ts";
import { testDatabase } from "../helpers/database.ts";
import { type Agent, PASSWORD, createPartners, csrfToken, signIn, submit } from "../helpers/partners.ts";

let db: Database;
let app: RequestListener;
let built: ReturnType<typeof buildServices>;
let partners: Awaited<ReturnType<typeof createPartners>>;
/** Commitments the NSC officer updates: two to save, and one never saved, for every other test. */
let ids: { saved: number[]; scratch: number };
/** Every log line the app wrote. */
const logs: string[] = [];

beforeAll(async () => {
  db = await testDatabase();
  await seed(db.prisma, { production: true });
  partners = await createPartners(db);
  const config = testConfig();
  const logger = createLogger(
    "info",
    new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk));
        done();
      },
    }),
  );
  built = buildServices(db, { config, logger });
  app = createApp({ services: built, config, logger });
  const led = await db.prisma.commitment.findMany({
    where: { allAgencies: false, leads: { every: { agency: { code: "NSC" } }, some: {} } },
    orderBy: { id: "asc" },
    select: { id: true },
  });
  expect(led.length).toBeGreaterThanOrEqual(3);
  ids = { saved: [led[0]!.id, led[1]!.id], scratch: led[2]!.id };
});
afterAll(async () => db.close());
beforeEach(async () => {
  await db.prisma.pendingForm.deleteMany();
});
afterEach(() => {
  vi.useRealTimers();
});

const HOST = "portal.test";
const ORIGIN = `http://${HOST}`;
const reviewPage = (id: number) => `/partners/commitments/${id}/reviews/1`;
const toSave = () => ids.saved.shift()!;

/** A long commentary with a word found nowhere else, to look for it in the database and the logs. */
const commentary = (marker: string) =>
  `${marker}: the community tension monitoring process has been drafted with the police and SARI. ${"Further detail follows. ".repeat(70)}`.slice(
    0,
    1_900,
  );

/** The named fields of the page's form posting to `action`, as the browser would send them. */
function formFields(html: string, action: string): Record<string, string> {
  const form = new JSDOM(html).window.document.querySelector(`form[action="${action}"]`);
  if (!form) throw new Error(`no form posting to ${action}`);
  const fields: Record<string, string> = {};
  for (const input of form.querySelectorAll<HTMLInputElement>("input[name]")) {
    if ((input.type === "radio" || input.type === "checkbox") && !input.checked) continue;
    fields[input.name] = input.value;
  }
  for (const area of form.querySelectorAll<HTMLTextAreaElement>("textarea[name]")) fields[area.name] = area.value;
  for (const select of form.querySelectorAll<HTMLSelectElement>("select[name]")) fields[select.name] = select.value;
  return fields;
}

/** A form post as a browser sends it from a page of this site: Origin and Referer set. */
function browserPost(agent: Agent, action: string, fields: Record<string, string | string[]>, from = action) {
  // Repeated fields (ticked boxes) as a browser sends them: the name again for each value.
  const body = new URLSearchParams(
    Object.entries(fields).flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((v) => [name, v])),
  );
  return agent
    .post(action)
    .set("Host", HOST)
    .set("Origin", ORIGIN)
    .set("Referer", `${ORIGIN}${from}`)
    .type("form")
    .send(body.toString());
}

/** The value of a cookie a response set. */
const cookieSet = (res: { headers: Record<string, unknown> }, name: string) =>
  ((res.headers["set-cookie"] as string[] | undefined) ?? [])
    .find((c) => c.startsWith(`${name}=`))
    ?.split(";")[0]!
    .slice(name.length + 1);

const get = (agent: Agent, path: string) => agent.get(path).set("Host", HOST);

async function signInAgain(agent: Agent, email: string) {
  const res = await submit(agent, "/partners/sign-in", { email, password: PASSWORD });
  expect(res.status).toBe(302);
  return res.headers.location as string;
}

const escaped = (text: string) => text.replaceAll("'", "&#39;").replaceAll('"', "&#34;");
/** A form's fields but its CSRF token, which is the new session's. */
const typed = ({ _csrf, ...fields }: Record<string, string>) => (void _csrf, fields);
const idle = () => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(Date.now() + 31 * 60_000);
};

/** Opens the review form, lets the session idle out, then sends it: what an officer at lunch does. */
async function typedAfterTimeout(agent: Agent, id: number, marker: string) {
  const form = await get(agent, reviewPage(id)).expect(200);
  const fields: Record<string, string> = {
    ...formFields(form.text, reviewPage(id)),
    status: "AMBER",
    commentary: commentary(marker),
  };
  idle();
  const res = await browserPost(agent, reviewPage(id), fields);
  // The first signed-in page gave the browser its mark.
  return { res, fields, keepCookie: cookieSet(form, "rhins.keep") };
}

describe("a review form sent after the session ended", () => {
  it("is kept, the officer signs in, and the same form comes back filled in, not saved", async () => {
    const id = toSave();
    const agent = await signIn(app, partners.officer.email);
    const { res, fields, keepCookie } = await typedAfterTimeout(agent, id, "Aardvark");

    expect(res.status).toBe(303);
    expect(res.headers.location).toBe("/partners/sign-in");
    expect(await db.prisma.review.count({ where: { commitmentId: id } })).toBe(0);

    // Kept encrypted: the row holds no plaintext, and no trace of the browser's id either.
    const [kept, ...more] = await db.prisma.pendingForm.findMany();
    expect(more).toEqual([]);
    expect(kept!.path).toBe(reviewPage(id));
    expect(kept!.payload.startsWith("e1.")).toBe(true);
    expect(JSON.stringify(kept)).not.toMatch(/Aardvark|community tension/);
    expect(kept!.payload).not.toContain(Buffer.from("Aardvark").toString("base64"));
    expect(keepCookie).toMatch(/^[\w-]{43}\.[\w-]{43}\.[\w-]{43}$/);
    expect(JSON.stringify(kept)).not.toContain(keepCookie!.split(".")[0]);
    expect(kept!.expiresAt.getTime() - Date.now()).toBe(30 * 60_000);

    const signInPage = await get(agent, "/partners/sign-in").expect(200);
    expect(signInPage.text).toContain(
      "Your session ended, so you were signed out. Sign in again to carry on: what you typed has been kept, but not saved.",
    );
    expect(await axeViolations(signInPage.text)).toEqual([]);
    expect(await htmlErrors(signInPage.text)).toEqual([]);

    expect(await signInAgain(agent, partners.officer.email)).toBe(reviewPage(id));
    const back = await get(agent, reviewPage(id)).expect(200);
    expect(back.text).toContain("What you typed has been put back, but it has not been saved yet");
    expect(back.text).toContain(escaped(fields.commentary!));
    const restored = formFields(back.text, reviewPage(id));
    expect(typed(restored)).toEqual(typed(fields));
    expect(await axeViolations(back.text)).toEqual([]);
    expect(await htmlErrors(back.text)).toEqual([]);
    expect(await db.prisma.pendingForm.count()).toBe(0);
    expect(await db.prisma.review.count({ where: { commitmentId: id } })).toBe(0);

    // Used once: the next visit shows what is saved (nothing yet).
    const again = await get(agent, reviewPage(id)).expect(200);
    expect(again.text).not.toContain("Aardvark");
    expect(again.text).not.toContain("has been put back");

    // What came back saves as any form does.
    const saved = await agent
      .post(reviewPage(id))
      .type("form")
      .send({ ...restored, _csrf: csrfToken(again.text) });
    expect(saved.status).toBe(302);
    const review = await db.prisma.review.findFirstOrThrow({ where: { commitmentId: id } });
    expect(review.status).toBe("AMBER");
    expect(review.commentary).toContain("Aardvark: the community tension monitoring process");

    // Nothing typed reached a log line or an address.
    expect(logs.join("")).not.toMatch(/Aardvark|community tension/);
  });

  it("keeps the version the officer started from, so a save over a newer one meets the conflict page", async () => {
    const id = toSave();
    const officer = await signIn(app, partners.officer.email);
    const { res, fields } = await typedAfterTimeout(officer, id, "Badger");
    expect(res.status).toBe(303);

    // Meanwhile a coordinator saves the same review.
    vi.useRealTimers();
    const coordinator = await signIn(app, partners.coordinator.email);
    const theirs = await get(coordinator, reviewPage(id));
    const saved = await coordinator
      .post(reviewPage(id))
      .type("form")
      .send({ ...formFields(theirs.text, reviewPage(id)), status: "GREEN", commentary: "Done by the coordinator" });
    expect(saved.status).toBe(302);

    await signInAgain(officer, partners.officer.email);
    const back = await get(officer, reviewPage(id)).expect(200);
    const restored = formFields(back.text, reviewPage(id));
    expect(restored.version).toBe(fields.version);
    expect(restored.commentary).toBe(fields.commentary);
    const stale = await officer
      .post(reviewPage(id))
      .type("form")
      .send({ ...restored, _csrf: csrfToken(back.text) });
    expect(stale.status).toBe(409);
    expect(await db.prisma.review.findFirstOrThrow({ where: { commitmentId: id } })).toMatchObject({
      commentary: "Done by the coordinator",
    });
  });

  it("is given to nobody else: not another browser, not a made-up cookie, not another partner here", async () => {
    const id = ids.scratch;
    const agent = await signIn(app, partners.officer.email);
    const { res, keepCookie } = await typedAfterTimeout(agent, id, "Chinchilla");
    expect(res.status).toBe(303);
    vi.useRealTimers();

    // The same officer in another browser.
    const other = await signIn(app, partners.officer.email);
    expect((await get(other, reviewPage(id))).text).not.toContain("Chinchilla");

    // A cookie with its id, owner or seal changed is not this portal's: it finds nothing.
    const forms = built.pendingForms;
    const [browserId, owner, seal] = keepCookie!.split(".") as [string, string, string];
    const flip = (text: string) => `${text.slice(0, -2)}${text.endsWith("AA") ? "BB" : "AA"}`;
    expect(forms.readMark(keepCookie)).toBeDefined();
    for (const forged of [
      `${flip(browserId)}.${owner}.${seal}`,
      `${browserId}.${flip(owner)}.${seal}`,
      `${browserId}.${owner}.${flip(seal)}`,
      `${browserId}.${owner}`,
      "",
    ]) {
      expect(forms.readMark(forged), forged).toBeUndefined();
    }
    expect(await db.prisma.pendingForm.count()).toBe(1);

    // Another partner signing in at this browser (a shared computer) gets nothing either.
    await signInAgain(agent, partners.coordinator.email);
    const theirs = await get(agent, reviewPage(id)).expect(200);
    expect(theirs.text).not.toContain("Chinchilla");
    expect(theirs.text).not.toContain("has been put back");
    expect(await db.prisma.pendingForm.count()).toBe(0);
  });

  it("expires after 30 minutes, and is deleted when it is next looked for", async () => {
    const agent = await signIn(app, partners.officer.email);
    const { res } = await typedAfterTimeout(agent, ids.scratch, "Dormouse");
    expect(res.status).toBe(303);
    vi.setSystemTime(Date.now() + 29 * 60_000);
    await signInAgain(agent, partners.officer.email);
    vi.setSystemTime(Date.now() + 2 * 60_000); // 31 minutes after it was kept
    const back = await get(agent, reviewPage(ids.scratch)).expect(200);
    expect(back.text).not.toContain("Dormouse");
    expect(back.text).not.toContain("has been put back");
    expect(await db.prisma.pendingForm.count()).toBe(0);
  });

  it("is swept once expired, whoever it was for, when the next form is kept", async () => {
    const first = await signIn(app, partners.officer.email);
    expect((await typedAfterTimeout(first, ids.scratch, "Elk")).res.status).toBe(303);
    const [expired] = await db.prisma.pendingForm.findMany();
    vi.setSystemTime(Date.now() + 31 * 60_000);
    const second = await signIn(app, partners.officer.email);
    expect((await typedAfterTimeout(second, ids.scratch, "Emu")).res.status).toBe(303);
    const left = await db.prisma.pendingForm.findMany();
    expect(left).toHaveLength(1);
    expect(left[0]!.browserKey).not.toBe(expired!.browserKey);
  });
});

describe("a form from a page older than the session (signed in again in another tab)", () => {
  it("is shown again with what was typed, saying it was not saved", async () => {
    const id = ids.scratch;
    const agent = await signIn(app, partners.officer.email);
    const form = await get(agent, reviewPage(id)).expect(200);
    const fields = { ...formFields(form.text, reviewPage(id)), status: "AMBER", commentary: commentary("Ferret") };
    idle();
    await signInAgain(agent, partners.officer.email); // the other tab
    const res = await browserPost(agent, reviewPage(id), fields);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(reviewPage(id));
    const back = await get(agent, reviewPage(id)).expect(200);
    expect(back.text).toContain("Your form was out of date, so it has not been saved");
    expect(typed(formFields(back.text, reviewPage(id)))).toEqual(typed(fields));
    expect(await db.prisma.review.count({ where: { commitmentId: id } })).toBe(0);
  });
});

describe("other partner forms", () => {
  it("an account form comes back with each field as it was typed", async () => {
    const agent = await signIn(app, partners.coordinator.email);
    const form = await get(agent, "/partners/accounts/new").expect(200);
    const police = await db.prisma.agency.findUniqueOrThrow({ where: { code: "Police" } });
    const fields = {
      ...formFields(form.text, "/partners/accounts/new"),
      name: "Gwen O'Hara-Nightingale",
      email: "gwen@police.test",
      role: "VIEWER",
      agencyId: String(police.id),
    };
    idle();
    const res = await browserPost(agent, "/partners/accounts/new", fields);
    expect(res.status).toBe(303);
    expect(await signInAgain(agent, partners.coordinator.email)).toBe("/partners/accounts/new");
    const back = await get(agent, "/partners/accounts/new").expect(200);
    expect(back.text).toContain("What you typed has been put back, but it has not been saved yet");
    expect(typed(formFields(back.text, "/partners/accounts/new"))).toEqual(typed(fields));
    expect(await db.prisma.user.count({ where: { email: "gwen@police.test" } })).toBe(0);
    expect(await axeViolations(back.text)).toEqual([]);
    expect(await htmlErrors(back.text)).toEqual([]);
  });

  it("a plan commitment form keeps its ticked boxes, and the boxes that were unticked", async () => {
    const agent = await signIn(app, partners.coordinator.email);
    const commitment = await db.prisma.commitment.findFirstOrThrow({
      where: { objective: { plan: { startYear: 2023 } }, allAgencies: false, leads: { some: {} } },
      include: { leads: true },
    });
    const path = `/partners/plans/2023-24/commitments/${commitment.id}`;
    const form = await get(agent, path).expect(200);
    const before = formFields(form.text, path);
    const sari = await db.prisma.agency.findUniqueOrThrow({ where: { code: "SARI" } });
    idle();
    // Every lead unticked but SARI, and new words.
    const res = await browserPost(agent, path, {
      ...before,
      text: "Hold four hate crime awareness sessions",
      leads: [String(sari.id)],
    });
    expect(res.status).toBe(303);
    await signInAgain(agent, partners.coordinator.email);
    const back = await get(agent, path).expect(200);
    const doc = new JSDOM(back.text).window.document;
    const ticked = [...doc.querySelectorAll<HTMLInputElement>('input[name="leads"]:checked')].map((i) => i.value);
    expect(ticked).toEqual([String(sari.id)]);
    expect(formFields(back.text, path).text).toBe("Hold four hate crime awareness sessions");
    expect(back.text).toContain("What you typed has been put back, but it has not been saved yet");
  });
});

describe("what is not kept", () => {
  it("a password is never kept, even encrypted: the page says so and how to keep the words by hand", async () => {
    const agent = await signIn(app, partners.viewer.email);
    const form = await get(agent, "/partners/account").expect(200);
    idle();
    const res = await browserPost(
      agent,
      "/partners/account/password",
      {
        currentPassword: PASSWORD,
        newPassword: "a brand new passphrase",
        confirmPassword: "a brand new passphrase",
        _csrf: csrfToken(form.text),
      },
      "/partners/account",
    );
    expect(res.status).toBe(403);
    expect(res.text).toContain("Your session has ended");
    expect(res.text).toContain("use your browser's back button");
    expect(res.text).toContain('href="/partners/sign-in"');
    expect(await db.prisma.pendingForm.count()).toBe(0);
    expect(await axeViolations(res.text)).toEqual([]);
    expect(await htmlErrors(res.text)).toEqual([]);
  });

  it("a button with nothing typed: sign in, then back to the page it was on", async () => {
    const agent = await signIn(app, partners.coordinator.email);
    const list = await get(agent, "/partners/accounts").expect(200);
    idle();
    const res = await browserPost(
      agent,
      `/partners/accounts/${partners.spare.id}/unlock`,
      { _csrf: csrfToken(list.text) },
      "/partners/accounts",
    );
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe("/partners/sign-in");
    expect((await get(agent, "/partners/sign-in")).text).toContain("Sign in again, then try again.");
    expect(await signInAgain(agent, partners.coordinator.email)).toBe("/partners/accounts");
    expect(await db.prisma.pendingForm.count()).toBe(0);
  });

  it("a form that does not show it came from this site (no Origin or Referer) is refused as before", async () => {
    const id = ids.scratch;
    const agent = await signIn(app, partners.officer.email);
    const form = await get(agent, reviewPage(id));
    idle();
    const res = await agent
      .post(reviewPage(id))
      .type("form")
      .send({ ...formFields(form.text, reviewPage(id)), commentary: "Gnu" });
    expect(res.status).toBe(403);
    expect(res.text).toContain("Your form could not be sent");
    // The way on is the partner area, not the public home page.
    expect(res.text).toContain('href="/partners/sign-in"');
    expect(res.text).not.toContain("Go to the RHINS home page");
    expect(await db.prisma.pendingForm.count()).toBe(0);
  });

  it("a body over the size limit is refused before anything is kept", async () => {
    const id = ids.scratch;
    const agent = await signIn(app, partners.officer.email);
    const form = await get(agent, reviewPage(id));
    idle();
    const res = await browserPost(agent, reviewPage(id), {
      ...formFields(form.text, reviewPage(id)),
      commentary: "Hippo ".repeat(8_000),
    });
    expect(res.status).toBe(413);
    expect(await db.prisma.pendingForm.count()).toBe(0);
  });

  it("signing out forgets what this browser kept", async () => {
    const id = ids.scratch;
    const agent = await signIn(app, partners.officer.email);
    expect((await typedAfterTimeout(agent, id, "Ibis")).res.status).toBe(303);
    vi.useRealTimers();
    await signInAgain(agent, partners.officer.email);
    const home = await get(agent, "/partners");
    const out = await agent
      .post("/partners/sign-out")
      .type("form")
      .send({ _csrf: csrfToken(home.text) });
    expect(out.status).toBe(302);
    expect(String(out.headers["set-cookie"])).toMatch(/rhins\.keep=;/);
    expect(await db.prisma.pendingForm.count()).toBe(0);
  });
});
