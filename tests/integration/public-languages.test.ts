// The public site in every language it offers (README, Languages), run with
// PUBLIC_LANGUAGES=en,en-easy,pl and the two test-only pseudo-locales: every public page in every
// language answers, passes axe and html-validate, has lang and dir on <html>, the language
// navigation and hreflang links, shows no key missing from the catalogues, and sets no cookie;
// the pseudo-locales show no English word that was written into a view instead of a catalogue;
// the language is kept on every internal link and redirect, Accept-Language is only a first
// suggestion, and the page cache keeps each language's pages apart.
import type { RequestListener } from "node:http";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { JSDOM } from "jsdom";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.ts";
import { contactNames } from "../../src/content/contacts.ts";
import type { Database } from "../../src/db/database.ts";
import { seed } from "../../src/db/seed.ts";
import { LOCALES_DIR, MISSING_KEY_MARK, NAMESPACES } from "../../src/middleware/i18n.ts";
import { axeViolations, htmlErrors } from "../helpers/accessibility.ts";
import { testApp } from "../helpers/app.ts";
import { testDatabase } from "../helpers/database.ts";
import { PUBLIC_PAGES } from "../helpers/public-pages.ts";
import { ONLINE_ANSWERS } from "../helpers/reports.ts";

const LANGUAGES = "en,en-easy,pl,en-xa,ar-xb";
/** Every public page, the online report's start page and the page-not-found page. */
const PAGES = [
  ...PUBLIC_PAGES.map((p) => ({ path: p.path, status: 200 })),
  { path: "/report/online", status: 200 },
  { path: "/no-such-page", status: 404 },
];
/** Pages whose own words are not in the catalogues yet: shown in English in <main lang="en">. */
const ENGLISH_ONLY = ["/figures", "/privacy"];
const EXPECTED = {
  en: { tag: "en", dir: "ltr" },
  "en-easy": { tag: "en", dir: "ltr" },
  pl: { tag: "pl", dir: "ltr" },
  "en-xa": { tag: "en-XA", dir: "ltr" },
  "ar-xb": { tag: "ar-XB", dir: "rtl" },
} as const;
type Code = keyof typeof EXPECTED;

let db: Database;
let app: RequestListener;
let cachedApp: ReturnType<typeof testApp>;
beforeAll(async () => {
  db = await testDatabase();
  await seed(db.prisma, { production: false, demoPassword: "correct horse battery staple" });
  ({ app } = testApp(db, { PUBLIC_LANGUAGES: LANGUAGES }));
  cachedApp = testApp(db, { PUBLIC_LANGUAGES: "en,en-easy,pl", PUBLIC_PAGE_CACHE_SECONDS: "60" });
});
afterAll(async () => db.close());

const parse = (html: string) => new JSDOM(html).window.document;
const withLang = (p: string, code: string) => `${p}${p.includes("?") ? "&" : "?"}lang=${code}`;

describe.each(Object.keys(EXPECTED) as Code[])("the public site in %s", (code) => {
  it.each(PAGES)("$path is accessible, valid, fully translated and sets no cookie", async ({ path: page, status }) => {
    const res = await request(app).get(withLang(page, code));
    expect(res.status).toBe(status);
    expect(res.headers["set-cookie"]).toBeUndefined();
    expect(res.headers["content-language"]).toBe(EXPECTED[code].tag);
    const doc = parse(res.text);
    const html = doc.documentElement;
    expect([html.lang, html.dir]).toEqual([EXPECTED[code].tag, EXPECTED[code].dir]);
    // No key missing from every catalogue (i18next would show it marked).
    expect(res.text).not.toContain(MISSING_KEY_MARK);
    // The language navigation: every language, this one current, the others links that keep the page.
    const nav = doc.querySelector("nav.govuk-language-navigation")!;
    expect(nav).not.toBeNull();
    expect(nav.querySelector('[aria-current="true"]')?.getAttribute("lang")).toBe(EXPECTED[code].tag);
    const links = [...nav.querySelectorAll("a")];
    expect(links).toHaveLength(Object.keys(EXPECTED).length - 1);
    for (const link of links) {
      expect(link.getAttribute("hreflang")).toBe(link.getAttribute("lang"));
      expect(link.getAttribute("href")).toMatch(new RegExp(`^${page.split("?")[0]}\\?(.*&)?lang=`));
    }
    expect(doc.querySelectorAll('link[rel="alternate"][hreflang]').length).toBeGreaterThanOrEqual(2);
    // Every internal link keeps the language.
    for (const a of doc.querySelectorAll<HTMLAnchorElement>("a[href^='/']")) {
      const href = a.getAttribute("href")!;
      // The partner area is in English; Exit this page leaves the site.
      if (href.startsWith("/partners") || nav.contains(a) || a.closest(".rhins-exit")) continue;
      expect(new URL(href, "http://x").searchParams.get("lang"), href).toBe(code);
    }
    // An English-only page says so, in the page's language, and marks its main content English.
    const englishOnly = doc.querySelector("main")!.getAttribute("lang") === "en";
    expect(englishOnly).toBe(ENGLISH_ONLY.includes(page) && EXPECTED[code].tag !== "en");
    expect(await axeViolations(res.text)).toEqual([]);
    expect(await htmlErrors(res.text)).toEqual([]);
  });
});

/**
 * The words of a page that are English written in ASCII: in the pseudo-locales every catalogue's
 * letters are accented, so such a word was written into a view or a route instead. Content marked
 * as in a language of its own (lang: English-only pages, the language navigation) is left out, as
 * are names and data.
 */
function asciiWords(doc: Document, allowed: Set<string>): string[] {
  for (const el of doc.querySelectorAll("body [lang], script, style, svg")) el.remove();
  // Each text node on its own, so words of neighbouring elements never run together.
  const texts = [doc.title];
  const walker = doc.createTreeWalker(doc.body, 4 /* NodeFilter.SHOW_TEXT */);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) texts.push(node.textContent ?? "");
  for (const el of doc.querySelectorAll("[aria-label], [title], [alt]"))
    texts.push(...["aria-label", "title", "alt"].map((a) => el.getAttribute(a) ?? ""));
  texts.push(doc.querySelector('meta[name="description"]')?.getAttribute("content") ?? "");
  const words = texts.join(" ").match(/[A-Za-z][A-Za-z']+/g) ?? [];
  return [...new Set(words.filter((w) => !allowed.has(w)))];
}

describe.each(["en-xa", "ar-xb"])("the pseudo-locale %s", (code) => {
  let allowed: Set<string>;
  beforeAll(async () => {
    // Names keep their spelling in every language; data is shown as it was written.
    const { prisma } = db;
    const records = await Promise.all([
      prisma.plan.findMany(),
      prisma.purpose.findMany(),
      prisma.achievement.findMany(),
      prisma.agency.findMany(),
      prisma.reportingCentre.findMany(),
      prisma.supportService.findMany(),
      prisma.objective.findMany(),
      prisma.commitment.findMany(),
      prisma.risk.findMany(),
      prisma.reviewSummary.findMany(),
    ]);
    const strings = (value: unknown): string[] =>
      typeof value === "string"
        ? [value]
        : Array.isArray(value)
          ? value.flatMap(strings)
          : value && typeof value === "object" && !(value instanceof Date)
            ? Object.values(value).flatMap(strings)
            : [];
    const data = [
      ...Object.values(contactNames),
      ...strings(records),
      // The cookies' names, and the languages' own names.
      "rhins_report rhins.sid RHINS North Somerset English Polski Easy Read Pseudo RTL",
    ];
    allowed = new Set(data.join(" ").match(/[A-Za-z][A-Za-z']+/g));
  });

  it.each(PAGES)("$path shows no English word outside the catalogues", async ({ path: page }) => {
    const res = await request(app).get(withLang(page, code));
    expect(asciiWords(parse(res.text), allowed)).toEqual([]);
  });
});

describe("the message catalogues", () => {
  /** Every key of a catalogue, as dotted paths, plural forms under their base key. */
  const keys = (value: unknown, prefix = ""): string[] =>
    value && typeof value === "object" && !Array.isArray(value)
      ? Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k))
      : [prefix.replace(/[_.](zero|one|two|few|many|other)$/, "")];
  const catalogue = (lng: string, ns: string): unknown => {
    const file = path.join(LOCALES_DIR, lng, `${ns}.json`);
    return JSON.parse(readFileSync(file, "utf8"));
  };

  it("has a folder for each real language, with every namespace", () => {
    expect(readdirSync(LOCALES_DIR).sort()).toEqual(["en", "en-easy", "pl"]);
    for (const lng of ["en", "pl"])
      for (const ns of NAMESPACES) expect(() => catalogue(lng, ns), `${lng}/${ns}`).not.toThrow();
  });

  it.each(NAMESPACES)("Polish has every English key of %s, and no other", (ns) => {
    const english = new Set(keys(catalogue("en", ns)));
    const polish = new Set(keys(catalogue("pl", ns)));
    expect([...english].filter((k) => !polish.has(k))).toEqual([]);
    expect([...polish].filter((k) => !english.has(k))).toEqual([]);
  });

  it("Easy Read has only English keys, and the Easy Read pages' own", () => {
    for (const ns of ["pages", "report"]) {
      const english = new Set(keys(catalogue("en", ns)));
      const easy = keys(catalogue("en-easy", ns));
      expect(easy.filter((k) => !english.has(k) && !k.startsWith("easy."))).toEqual([]);
    }
  });
});

describe("choosing a language", () => {
  it("offers only the languages in PUBLIC_LANGUAGES: English and Easy Read by default", async () => {
    const { app: defaultApp } = testApp(db);
    const res = await request(defaultApp).get("/?lang=pl").set("Accept-Language", "pl");
    const doc = parse(res.text);
    expect(doc.documentElement.lang).toBe("en");
    const offered = [...doc.querySelectorAll(".govuk-language-navigation__list-item")].map((li) =>
      li.textContent!.trim().replace(/\s+/g, " "),
    );
    expect(offered).toEqual(["English", "Easy Read Change the language to Easy Read"]);
    expect(res.headers.vary).not.toMatch(/Accept-Language/);
  });

  it("refuses an unknown language, and a pseudo-locale outside the tests", () => {
    expect(loadConfig({ NODE_ENV: "test" }).publicLanguages).toEqual(["en", "en-easy"]);
    expect(loadConfig({ NODE_ENV: "test", PUBLIC_LANGUAGES: "pl, en" }).publicLanguages).toEqual(["en", "pl"]);
    expect(() => loadConfig({ NODE_ENV: "test", PUBLIC_LANGUAGES: "en,xx" })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: "test", PUBLIC_LANGUAGES: "pl" })).toThrow(/must include en/);
    expect(() => loadConfig({ NODE_ENV: "development", PUBLIC_LANGUAGES: "en,en-xa" })).toThrow(/only in tests/);
  });

  it("takes Accept-Language as a first suggestion only, and the address over it", async () => {
    const suggested = await request(app).get("/").set("Accept-Language", "pl-PL,pl;q=0.9,en;q=0.5");
    expect(parse(suggested.text).documentElement.lang).toBe("pl");
    expect(suggested.headers.vary).toMatch(/Accept-Language/);
    const chosen = await request(app).get("/?lang=en").set("Accept-Language", "pl");
    const doc = parse(chosen.text);
    expect(doc.documentElement.lang).toBe("en");
    // Chosen in the address: the links keep it, so the next page is English too.
    expect(doc.querySelector('a[href^="/report?"]')?.getAttribute("href")).toBe("/report?lang=en");
    expect(chosen.headers.vary).not.toMatch(/Accept-Language/);
    const none = await request(app).get("/").set("Accept-Language", "de, fr;q=0.5");
    expect(parse(none.text).documentElement.lang).toBe("en");
  });

  it("keeps the language through the online report's redirects", async () => {
    const res = await request(app).post("/report/online/start?lang=pl");
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/report\/online\/[a-z-]+\?lang=pl$/);
  });

  it("shows Easy Read pages for the pages that have them, plain English for the others", async () => {
    const easy = parse((await request(app).get("/what-is-hate-crime?lang=en-easy")).text);
    expect(easy.querySelector(".rhins-easy-read")).not.toBeNull();
    expect(easy.querySelectorAll(".rhins-easy-read__icon").length).toBeGreaterThan(3);
    expect(easy.querySelector("h1")?.textContent).toBe("What is hate crime?");
    const start = parse((await request(app).get("/report/online?lang=en-easy")).text);
    expect(start.querySelector(".rhins-easy-read")).not.toBeNull();
    expect(start.querySelector("form")?.getAttribute("action")).toBe("/report/online/start?lang=en-easy");
    const plain = parse((await request(app).get("/support?lang=en-easy")).text);
    expect(plain.querySelector(".rhins-easy-read")).toBeNull();
    expect(plain.querySelector("h1")?.textContent).toBe("Get support after hate crime");
  });
});

describe("the page cache with languages", () => {
  it("keeps each language's page apart, whether the address or Accept-Language chose it", async () => {
    const { app: cached } = cachedApp;
    const polish = await request(cached).get("/").set("Accept-Language", "pl");
    const english = await request(cached).get("/").set("Accept-Language", "en-GB");
    const easy = await request(cached).get("/?lang=en-easy");
    expect(parse(polish.text).documentElement.lang).toBe("pl");
    expect(parse(english.text).documentElement.lang).toBe("en");
    expect(english.text).not.toBe(polish.text);
    // Changed without telling the cache: each language's page is served from it, still apart.
    await db.prisma.plan.updateMany({ data: { vision: "Changed without telling anyone" } });
    const again = {
      polish: await request(cached).get("/").set("Accept-Language", "pl;q=1, en;q=0.2"),
      english: await request(cached).get("/"),
      easy: await request(cached).get("/?lang=en-easy"),
    };
    expect(again.polish.text).toBe(polish.text);
    expect(again.english.text).toBe(english.text);
    expect(again.easy.text).toBe(easy.text);
    expect(again.polish.headers.vary).toBe("Accept-Language, Accept-Encoding");
    expect(again.easy.headers.vary).toBe("Accept-Encoding");
    expect(again.polish.headers["content-language"]).toBe("pl");
    for (const res of Object.values(again)) expect(res.headers["set-cookie"]).toBeUndefined();
  });
});

/** A browser filling in the online report in one language: the draft's cookie and token. */
async function reporter(code: string) {
  const started = await request(app).post(`/report/online/start?lang=${code}`);
  const cookie = String([started.headers["set-cookie"]].flat()[0]).split(";")[0]!;
  const get = (url: string) => request(app).get(url).set("Cookie", cookie);
  const first = await get(started.headers.location!);
  const csrf = parse(first.text).querySelector<HTMLInputElement>('input[name="_csrf"]')!.value;
  const post = (url: string, fields: Record<string, string | string[]>) => {
    const body = new URLSearchParams({ _csrf: csrf });
    for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(name, v);
    return request(app).post(url).set("Cookie", cookie).type("form").send(body.toString());
  };
  return { first, get, post, location: started.headers.location! };
}

describe("the online report in other languages", () => {
  it("asks, refuses and checks the answers in Polish, keeping the language to the end", async () => {
    const { first, get, post, location } = await reporter("pl");
    const doc = parse(first.text);
    expect(doc.documentElement.lang).toBe("pl");
    expect(doc.querySelector("main")!.getAttribute("lang")).toBeNull();
    expect(doc.querySelector("h1")?.textContent?.trim()).toBe("Kto składa zgłoszenie?");
    expect(doc.querySelector("form")?.getAttribute("action")).toBe(location);
    // A refused answer: the error summary and the message in Polish, the title too.
    const refused = await post(location, { reporterRole: "", relationship: "" });
    expect(refused.status).toBe(400);
    const errors = parse(refused.text);
    expect(errors.title).toMatch(/^Błąd: Kto składa zgłoszenie\?/);
    expect(errors.querySelector(".govuk-error-summary__list")?.textContent?.trim()).toBe(
      "Wybierz, kto składa zgłoszenie",
    );
    expect(errors.querySelector(".govuk-error-message")?.textContent?.replace(/\s+/g, " ").trim()).toBe(
      "Błąd: Wybierz, kto składa zgłoszenie",
    );
    expect(await axeViolations(refused.text)).toEqual([]);
    expect(await htmlErrors(refused.text)).toEqual([]);
    // Answered: on to the next step, still in Polish.
    const next = await post(location, { reporterRole: "VICTIM", relationship: "" });
    expect(next.status).toBe(303);
    expect(next.headers.location).toBe("/report/online/what-happened?lang=pl");
    const tooLong = await post(next.headers.location!, { narrative: "x".repeat(5001), incidentTypes: [] });
    expect(tooLong.text).toContain("Opis tego, co się stało, może mieć najwyżej 5000 znaków");
    await post(next.headers.location!, { narrative: "Ktoś mnie wyzywał.", incidentTypes: ["VERBAL"] });
    // Check your answers lists the Polish words for the answers given so far' codes.
    const check = await get("/report/online/check-answers?lang=pl");
    expect(check.status).toBe(303); // the other steps come first
    expect(check.headers.location).toBe("/report/online/why?lang=pl");
  });

  it.each(["pl", "en-xa", "ar-xb"])(
    "shows every step and Check your answers in %s, with no English outside the catalogues",
    async (code) => {
      const { first, get, post, location } = await reporter(code);
      const { anonymous } = ONLINE_ANSWERS;
      // Names, the towns (data) and what the person typed are shown as they are.
      const typed = Object.values(anonymous).flatMap((fields) => Object.values(fields).flat());
      const towns = (await db.prisma.reportingCentre.findMany()).map((c) => c.town);
      const allowed = new Set(
        ["RHINS North Somerset English Polski Easy Read Pseudo RTL", ...Object.values(contactNames), ...typed, ...towns]
          .join(" ")
          .match(/[A-Za-z][A-Za-z']+/g),
      );
      const pseudo = code !== "pl";
      if (pseudo) expect(asciiWords(parse(first.text), allowed)).toEqual([]);
      const refused = await post(location, { reporterRole: "", relationship: "" });
      if (pseudo) expect(asciiWords(parse(refused.text), allowed)).toEqual([]);
      let url = location;
      for (const [slug, fields] of Object.entries(anonymous)) {
        const page = await get(`/report/online/${slug}?lang=${code}`);
        expect(page.status, slug).toBe(200);
        expect(page.text).not.toContain(MISSING_KEY_MARK);
        if (pseudo) expect(asciiWords(parse(page.text), allowed), slug).toEqual([]);
        const saved = await post(`/report/online/${slug}?lang=${code}`, fields);
        expect(saved.status, slug).toBe(303);
        url = saved.headers.location!;
      }
      expect(url).toBe(`/report/online/check-answers?lang=${code}`);
      const check = await get(url);
      expect(check.status).toBe(200);
      expect(check.text).not.toContain(MISSING_KEY_MARK);
      expect(await axeViolations(check.text)).toEqual([]);
      // A pseudo-locale's words are a third longer on purpose: its title may pass html-validate's
      // length limit for search results, which real translations are held to.
      const titleTooLong = (e: { rule: string }) => pseudo && e.rule === "long-title";
      expect((await htmlErrors(check.text)).filter((e) => !titleTooLong(e))).toEqual([]);
      const doc = parse(check.text);
      for (const a of doc.querySelectorAll("main a[href^='/']"))
        if (!a.closest(".rhins-exit"))
          expect(new URL(a.getAttribute("href")!, "http://x").searchParams.get("lang")).toBe(code);
      if (pseudo) expect(asciiWords(doc, allowed)).toEqual([]);
      if (code === "pl")
        expect(doc.querySelector("h1")?.textContent).toBe("Sprawdź odpowiedzi przed wysłaniem zgłoszenia");
    },
  );
});
