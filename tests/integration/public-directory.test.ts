// The reporting-centre finder and the support services page on the real seeded directory: the
// filters work, choices come from the data, and no input, however odd, gives a 500.
import type { RequestListener } from "node:http";
import { JSDOM } from "jsdom";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { seed } from "../../src/db/seed.ts";
import { matchChoices } from "../../src/services/directory.ts";
import { axeViolations, htmlErrors } from "../helpers/accessibility.ts";
import { testApp } from "../helpers/app.ts";
import { testDatabase } from "../helpers/database.ts";

let db: Database;
let app: RequestListener;
beforeAll(async () => {
  db = await testDatabase();
  await seed(db.prisma, { production: false, demoPassword: "correct horse battery staple" });
  ({ app } = testApp(db));
});
afterAll(async () => db.close());

const text = (el: Element | null | undefined) => (el?.textContent ?? "").replace(/\s+/g, " ").trim();

async function page(url: string, status = 200) {
  const res = await request(app).get(url);
  expect(res.status, url).toBe(status);
  const doc = new JSDOM(res.text).window.document;
  return {
    res,
    doc,
    /** The names on the result cards, in order. */
    cards: [...doc.querySelectorAll(".govuk-summary-card__title")].map(text),
    heading: text(doc.querySelector("#results")),
    checked: (name: string) =>
      [...doc.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`)].map((i) => i.value),
    main: text(doc.querySelector("main")),
  };
}

const ALL_CENTRES = [
  "Clevedon Library",
  "Nailsea Library",
  "Portishead Library",
  "Winscombe Community Centre",
  "Weston-super-Mare Library",
  "Weston-super-Mare Town Council Community Hub",
];

describe("the reporting-centre finder", () => {
  it("lists every centre with its address, phone, opening times, access and what it offers", async () => {
    const { cards, doc, heading, checked } = await page("/reporting-centres");
    expect(cards).toEqual(ALL_CENTRES);
    expect(heading).toBe("6 reporting centres");
    expect(checked("town")).toEqual([""]);
    const clevedon = doc.querySelector(".govuk-summary-card");
    const card = text(clevedon);
    expect(clevedon?.innerHTML).toContain("37 Old Church Road<br>Clevedon<br>BS21 6NN");
    expect(card).toContain("Monday, Wednesday and Friday 9:30am to 5pm");
    expect(card).toContain("Step-free access, large print leaflets");
    expect(card).toContain("Private room");
    expect(clevedon?.querySelector('a[href="tel:01275873498"]')).not.toBeNull();
  });

  it("links each centre to a map of its address, saying where the link goes", async () => {
    const { doc } = await page("/reporting-centres");
    const cards = [...doc.querySelectorAll(".govuk-summary-card")];
    expect(cards).toHaveLength(ALL_CENTRES.length);
    for (const card of cards) {
      const name = text(card.querySelector(".govuk-summary-card__title"));
      const maps = [...card.querySelectorAll("a")].filter((a) => text(a).startsWith("Map of"));
      expect(maps.map(text), name).toEqual([`Map of ${name} on OpenStreetMap`]);
      const map = maps[0]!;
      // An ordinary link: same tab, no script.
      expect(map.getAttribute("target")).toBeNull();
      const url = new URL(map.getAttribute("href") ?? "");
      expect(url.origin + url.pathname).toBe("https://www.openstreetmap.org/search");
      // The search is the centre's own address, as the card shows it.
      const address = card.querySelector(".govuk-summary-list__value")!;
      const shown = address.innerHTML.split("<br>").slice(0, -1).join(", ");
      expect(url.searchParams.get("query")).toBe(new JSDOM(shown).window.document.body.textContent);
    }
    const clevedon = cards[0]!.querySelector('a[href^="https://www.openstreetmap.org/"]');
    expect(new URL(clevedon!.getAttribute("href")!).searchParams.get("query")).toBe(
      "37 Old Church Road, Clevedon, BS21 6NN",
    );
  });

  it("offers the towns and the services found in the data, in alphabetical order", async () => {
    const { doc } = await page("/reporting-centres");
    const towns = [...doc.querySelectorAll<HTMLInputElement>('input[name="town"]')].map((i) => i.value);
    expect(towns).toEqual(["", "Clevedon", "Nailsea", "Portishead", "Rural areas", "Weston-super-Mare"]);
    const offers = [...doc.querySelectorAll<HTMLInputElement>('input[name="offer"]')].map((i) => i.value);
    expect(offers).toEqual([
      "Help to fill in a report",
      "Information leaflets",
      "Interpreter on request",
      "Private room",
    ]);
    const form = doc.querySelector("form");
    expect(form?.getAttribute("method")).toBe("get");
    expect(form?.getAttribute("action")).toBe("/reporting-centres");
  });

  it("filters by town, and keeps the choice", async () => {
    const { cards, heading, checked } = await page("/reporting-centres?town=Clevedon");
    expect(cards).toEqual(["Clevedon Library"]);
    expect(heading).toBe("1 reporting centre in Clevedon");
    expect(checked("town")).toEqual(["Clevedon"]);
  });

  it("matches a town whatever its case or spacing, as a printed link might write it", async () => {
    const { cards } = await page("/reporting-centres?town=%20weston-SUPER-mare%20");
    expect(cards).toEqual(["Weston-super-Mare Library", "Weston-super-Mare Town Council Community Hub"]);
  });

  it("filters by what a centre offers: every chosen thing", async () => {
    const one = await page("/reporting-centres?offer=Private+room");
    expect(one.cards).toEqual(["Clevedon Library", "Nailsea Library", "Weston-super-Mare Library"]);
    expect(one.checked("offer")).toEqual(["Private room"]);
    const two = await page("/reporting-centres?offer=Private+room&offer=Interpreter+on+request");
    expect(two.cards).toEqual(["Weston-super-Mare Library"]);
    expect(two.checked("offer")).toEqual(["Interpreter on request", "Private room"]);
  });

  it("filters by town and offer together, and says when nothing matches", async () => {
    const match = await page("/reporting-centres?town=Weston-super-Mare&offer=Private+room");
    expect(match.cards).toEqual(["Weston-super-Mare Library"]);
    const none = await page("/reporting-centres?town=Portishead&offer=Private+room");
    expect(none.cards).toEqual([]);
    expect(none.heading).toBe("0 reporting centres in Portishead that offer private room");
    expect(none.main).toContain("No reporting centres match what you chose.");
    expect(none.doc.querySelector('main a[href="/reporting-centres"]')).not.toBeNull();
  });

  it("takes a repeated town as either town", async () => {
    const { cards, heading } = await page("/reporting-centres?town=Clevedon&town=Nailsea");
    expect(cards).toEqual(["Clevedon Library", "Nailsea Library"]);
    expect(heading).toBe("2 reporting centres in Clevedon or Nailsea");
  });

  it("explains an unknown town and shows every centre instead", async () => {
    const { cards, main, checked } = await page("/reporting-centres?town=Bristol");
    expect(main).toContain("We do not have a reporting centre in “Bristol”.");
    expect(cards).toEqual(ALL_CENTRES);
    expect(checked("town")).toEqual([""]);
  });

  it("shows an unknown value as text, never as markup", async () => {
    const { res } = await page("/reporting-centres?town=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
    expect(res.text).not.toContain("<script>alert(1)</script>");
    expect(res.text).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("answers a 5,000-character filter with a helpful 400 page listing every centre", async () => {
    const { res, doc, cards } = await page(`/reporting-centres?town=${"x".repeat(5_000)}`, 400);
    expect(text(doc.querySelector(".govuk-error-summary"))).toContain("Choose a town from the list");
    expect(doc.querySelector('.govuk-error-summary a[href="#town"]')).not.toBeNull();
    expect(doc.querySelector("#town-error")).not.toBeNull();
    expect(cards).toEqual(ALL_CENTRES);
    expect(res.headers["cache-control"]).toBe("no-cache");
    expect(await axeViolations(res.text)).toEqual([]);
    expect(await htmlErrors(res.text)).toEqual([]);
  });

  it("answers a bad offer filter with an error beside the offers", async () => {
    const { doc } = await page(`/reporting-centres?offer=${"y".repeat(200)}`, 400);
    expect(doc.querySelector('.govuk-error-summary a[href="#offer"]')).not.toBeNull();
    expect(doc.querySelector("#offer-error")).not.toBeNull();
  });

  it("ignores unknown and oversized parameters it does not use", async () => {
    const { cards } = await page(`/reporting-centres?q=${"z".repeat(5_000)}&page=2`);
    expect(cards).toEqual(ALL_CENTRES);
  });

  it.each([
    ["a bracketed name", "/reporting-centres?town[]=Clevedon"],
    ["a nested name", "/reporting-centres?town[a]=Clevedon"],
    ["broken percent-encoding", "/reporting-centres?town=%E0%A4%A"],
    ["a lone percent sign", "/reporting-centres?town=%"],
    ["nameless parameters", "/reporting-centres?%=%&&&="],
    ["an empty town", "/reporting-centres?town="],
    ["50 repeated towns", `/reporting-centres?${Array.from({ length: 50 }, (_, i) => `town=t${i}`).join("&")}`],
    ["2,000 parameters", `/reporting-centres?${Array.from({ length: 2_000 }, (_, i) => `p${i}=1`).join("&")}`],
    ["a NUL character", "/reporting-centres?town=Clevedon%00"],
    ["an emoji", "/reporting-centres?offer=%F0%9F%92%A9"],
  ])("never fails on %s", async (_label, url) => {
    const res = await request(app).get(url);
    expect([200, 400]).toContain(res.status);
    expect(res.text).toContain("Find a hate crime reporting centre");
  });

  it("leaves out closed centres, and offers a new town as soon as it has a centre", async () => {
    await db.prisma.reportingCentre.updateMany({ where: { name: "Nailsea Library" }, data: { active: false } });
    const yatton = await db.prisma.reportingCentre.create({
      data: {
        name: "Yatton Village Hall",
        address: "High Street",
        town: "Yatton",
        postcode: "BS49 4HJ",
        openingTimes: "Thursday 10am to 12 noon",
        services: ["Help to fill in a report", "Hearing loop"],
      },
    });
    try {
      const { doc, cards } = await page("/reporting-centres");
      expect(cards).not.toContain("Nailsea Library");
      expect(cards).toContain("Yatton Village Hall");
      const towns = [...doc.querySelectorAll<HTMLInputElement>('input[name="town"]')].map((i) => i.value);
      expect(towns).toContain("Yatton");
      expect(towns).not.toContain("Nailsea");
      expect((await page("/reporting-centres?offer=Hearing+loop")).cards).toEqual(["Yatton Village Hall"]);
      const home = new JSDOM((await request(app).get("/").expect(200)).text).window.document;
      expect(home.querySelector('a[href="/reporting-centres?town=Yatton"]')).not.toBeNull();
    } finally {
      await db.prisma.reportingCentre.delete({ where: { id: yatton.id } });
      await db.prisma.reportingCentre.updateMany({ where: { name: "Nailsea Library" }, data: { active: true } });
    }
  });

  it("links a centre's website only when it is a web address", async () => {
    await db.prisma.reportingCentre.updateMany({
      where: { name: "Clevedon Library" },
      data: { website: "javascript:alert(1)" },
    });
    await db.prisma.reportingCentre.updateMany({
      where: { name: "Portishead Library" },
      data: { website: "https://example.org/portishead" },
    });
    try {
      const { res } = await page("/reporting-centres");
      expect(res.text).not.toContain("javascript:alert(1)");
      expect(res.text).toContain('href="https://example.org/portishead"');
    } finally {
      await db.prisma.reportingCentre.updateMany({ where: {}, data: { website: "" } });
    }
  });
});

describe("the support services page", () => {
  it("lists every service, with the groups from the data to filter by", async () => {
    const { cards, doc, checked } = await page("/support");
    expect(cards).toEqual([
      "SARI (Stand Against Racism and Inequality)",
      "Victim Support",
      "Stop Hate UK",
      "Galop",
      "Tell MAMA",
      "Community Security Trust (CST)",
      "North Somerset People First",
    ]);
    const groups = [...doc.querySelectorAll<HTMLInputElement>('input[name="helps"]')].map((i) => i.value);
    expect(groups).toEqual([
      "",
      "Deaf people",
      "Disabled people",
      "Jewish people",
      "LGBT+ people",
      "Muslim people",
      "Young people",
    ]);
    expect(checked("helps")).toEqual([""]);
  });

  it("shows the services for the chosen group first, then the services for everyone", async () => {
    const { doc, heading, checked } = await page("/support?helps=LGBT%2B+people");
    expect(heading).toBe("Support for LGBT+ people");
    expect(checked("helps")).toEqual(["LGBT+ people"]);
    const sections = [...doc.querySelectorAll("main h2")].map(text);
    expect(sections).toContain("Support for everyone");
    const before = [...doc.querySelectorAll(".govuk-summary-card__title")].map(text);
    expect(before[0]).toBe("Galop");
    expect(before.slice(1)).toEqual(["SARI (Stand Against Racism and Inequality)", "Victim Support", "Stop Hate UK"]);
  });

  it("puts a service for everyone that names the group with that group's services", async () => {
    const { cards } = await page("/support?helps=deaf+people");
    expect(cards).toEqual(["Stop Hate UK", "SARI (Stand Against Racism and Inequality)", "Victim Support"]);
  });

  it("explains an unknown group and shows every service", async () => {
    const { main, cards } = await page("/support?helps=Martians");
    expect(main).toContain("We do not have services listed for “Martians”.");
    expect(cards).toHaveLength(7);
  });

  it.each([
    ["a 5,000-character group", `/support?helps=${"x".repeat(5_000)}`],
    ["a bracketed name", "/support?helps[]=x"],
    ["a lone percent sign", "/support?helps=%"],
    ["30 repeated groups", `/support?${Array.from({ length: 30 }, () => "helps=Young+people").join("&")}`],
  ])("never fails on %s", async (_label, url) => {
    const res = await request(app).get(url);
    expect([200, 400]).toContain(res.status);
    expect(res.text).toContain("Get support after hate crime");
  });

  it("passes axe and html-validate when filtered", async () => {
    const res = await request(app).get("/support?helps=Disabled+people").expect(200);
    expect(await axeViolations(res.text)).toEqual([]);
    expect(await htmlErrors(res.text)).toEqual([]);
  });
});

describe("matchChoices", () => {
  it("matches ignoring case and spaces, keeps the choices' order, and reports the rest", () => {
    expect(matchChoices(["nailsea", " CLEVEDON ", "Bath", "bath"], ["Clevedon", "Nailsea", "Portishead"])).toEqual({
      matched: ["Clevedon", "Nailsea"],
      unknown: ["Bath", "bath"],
    });
    expect(matchChoices(undefined, ["A"])).toEqual({ matched: [], unknown: [] });
  });
});
