// Every public page: it answers, has the right single h1 and title, the footer's accessibility
// link, Exit this page (button and plain link), passes axe and html-validate, sets no cookie,
// loads nothing from another origin, and can be cached and revalidated.
import type { RequestListener } from "node:http";
import { JSDOM } from "jsdom";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { contacts } from "../../src/content/contacts.ts";
import { onlineReports } from "../../src/content/statements.ts";
import type { Database } from "../../src/db/database.ts";
import { seed } from "../../src/db/seed.ts";
import { PUBLIC_CACHE_CONTROL } from "../../src/routes/public.ts";
import { axeViolations, htmlErrors } from "../helpers/accessibility.ts";
import { testApp } from "../helpers/app.ts";
import { testDatabase } from "../helpers/database.ts";
import { PUBLIC_PAGES } from "../helpers/public-pages.ts";

let db: Database;
let app: RequestListener;
beforeAll(async () => {
  db = await testDatabase();
  await seed(db.prisma, { production: false, demoPassword: "correct horse battery staple" });
  ({ app } = testApp(db));
});
afterAll(async () => db.close());

function parse(html: string): Document {
  return new JSDOM(html).window.document;
}

const text = (el: Element | null | undefined) => (el?.textContent ?? "").replace(/\s+/g, " ").trim();

/** A section of a page: its heading and everything after it up to the next heading of that level or higher. */
function section(heading: Element | null): Element[] {
  if (!heading) return [];
  const level = Number(heading.tagName.slice(1));
  const parts: Element[] = [];
  for (let el = heading.nextElementSibling; el; el = el.nextElementSibling) {
    if (/^H[1-6]$/.test(el.tagName) && Number(el.tagName.slice(1)) <= level) break;
    parts.push(el);
  }
  return parts;
}
const sectionText = (heading: Element | null) => section(heading).map(text).join(" ");
const sectionLinks = (heading: Element | null) =>
  section(heading).flatMap((el) => [...el.querySelectorAll("a")].map((a) => a.getAttribute("href")));

describe.each(PUBLIC_PAGES)("the public page $path", ({ path, h1 }) => {
  let html: string;
  let doc: Document;
  let headers: Record<string, string | string[] | undefined>;

  beforeAll(async () => {
    const res = await request(app).get(path);
    expect(res.status).toBe(200);
    html = res.text;
    headers = res.headers;
    doc = parse(html);
  });

  it("has exactly one h1, the right one, and a title that ends with RHINS", () => {
    const headings = doc.querySelectorAll("h1");
    expect(headings).toHaveLength(1);
    expect(text(headings[0])).toBe(h1);
    expect(doc.title).toBe(`${h1} – RHINS`);
  });

  it("has a skip link, the landmarks, and the footer links", () => {
    const skip = doc.querySelector("a.govuk-skip-link");
    expect(skip?.getAttribute("href")).toBe("#main-content");
    expect(doc.querySelector("main#main-content")).not.toBeNull();
    expect(doc.querySelector("header")).not.toBeNull();
    expect(doc.querySelector("nav")).not.toBeNull();
    const footer = doc.querySelector("footer");
    const footerLinks = [...(footer?.querySelectorAll("a") ?? [])].map((a) => [text(a), a.getAttribute("href")]);
    expect(footerLinks).toContainEqual(["Accessibility statement", "/accessibility"]);
    expect(footerLinks).toContainEqual(["Privacy", "/privacy"]);
    expect(footerLinks).toContainEqual(["Cookies", "/cookies"]);
    expect(footerLinks).toContainEqual(["Partner sign-in", "/partners/sign-in"]);
  });

  it("shows Exit this page, a plain link to the same neutral site, and the guide to leaving quickly", () => {
    const exit = doc.querySelector('main [data-module="govuk-exit-this-page"] a.govuk-exit-this-page__button');
    expect(exit?.getAttribute("href")).toBe(contacts.exitPage.url);
    expect(text(exit)).toBe("Emergency Exit this page");
    const plain = [...doc.querySelectorAll("main a")].find((a) => text(a) === "Leave this site now");
    expect(plain?.getAttribute("href")).toBe(contacts.exitPage.url);
    expect(plain?.getAttribute("rel")).toContain("noreferrer");
    expect(doc.querySelector('main a[href="/leave-this-site-quickly"]')).not.toBeNull();
  });

  it("has no accessibility violations (axe-core)", async () => {
    expect(await axeViolations(html)).toEqual([]);
  });

  it("is valid HTML (html-validate)", async () => {
    expect(await htmlErrors(html)).toEqual([]);
  });

  it("sets no cookie and loads nothing from another origin", () => {
    expect(headers["set-cookie"]).toBeUndefined();
    const loaded = [...doc.querySelectorAll("script[src], link[href], img[src], iframe[src], source[src]")].map(
      (el) => el.getAttribute("src") ?? el.getAttribute("href") ?? "",
    );
    for (const url of loaded) expect(url).toMatch(/^(\/(?!\/)|data:)/);
  });

  it("can be cached by browsers and a CDN, with an ETag", () => {
    expect(headers["cache-control"]).toBe(PUBLIC_CACHE_CONTROL);
    expect(headers["etag"]).toMatch(/^W\/".+"$/);
  });
});

describe("caching", () => {
  it("gives the same ETag to the same page", async () => {
    const a = await request(app).get("/report").expect(200);
    const b = await request(app).get("/report").expect(200);
    expect(a.headers.etag).toBe(b.headers.etag);
  });

  it("answers a conditional request for an unchanged page with 304", async () => {
    const first = await request(app).get("/").expect(200);
    const again = await request(app).get("/").set("If-None-Match", first.headers.etag!);
    expect(again.status).toBe(304);
    expect(again.text ?? "").toBe("");
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(again.headers["cache-control"]).toBe(PUBLIC_CACHE_CONTROL);
    expect(again.headers["set-cookie"]).toBeUndefined();
  });

  it("sends the new page when the data behind it changes", async () => {
    const first = await request(app).get("/vision").expect(200);
    await db.prisma.plan.update({ where: { startYear: 2023 }, data: { strapline: "Challenge it, report it, end it" } });
    try {
      const again = await request(app).get("/vision").set("If-None-Match", first.headers.etag!).expect(200);
      expect(again.text).toContain("Challenge it, report it, end it");
      expect(again.headers.etag).not.toBe(first.headers.etag);
    } finally {
      await db.prisma.plan.update({
        where: { startYear: 2023 },
        data: { strapline: "Challenge it, report it, stop it" },
      });
    }
  });

  it("compresses pages", async () => {
    const res = await request(app).get("/plan").set("Accept-Encoding", "gzip").expect(200);
    expect(res.headers["content-encoding"]).toBe("gzip");
    expect(res.headers.vary).toMatch(/Accept-Encoding/i);
  });

  it("answers HEAD like GET, without a body", async () => {
    const res = await request(app).head("/report").expect(200);
    expect(res.headers.etag).toMatch(/^W\//);
    expect(res.text ?? "").toBe("");
  });
});

describe("the layout", () => {
  it("marks the current section in the navigation", async () => {
    const doc = parse((await request(app).get("/reporting-centres").expect(200)).text);
    const current = doc.querySelector('nav a[aria-current="page"]');
    expect(text(current)).toBe("Reporting centres");
    const plan = parse((await request(app).get("/plan/2023-24").expect(200)).text);
    expect(text(plan.querySelector('nav a[aria-current="true"]'))).toBe("Our plan");
  });

  it("links partners to their sign-in from the footer, and not from the partner area's own footer", async () => {
    const footerLink = (html: string) => parse(html).querySelector('footer a[href="/partners/sign-in"]');
    const home = await request(app).get("/").expect(200);
    expect(text(footerLink(home.text))).toBe("Partner sign-in");
    const signIn = await request(app).get("/partners/sign-in").expect(200);
    expect(text(parse(signIn.text).querySelector("h1"))).toBe("Sign in to the partner area");
    expect(footerLink(signIn.text)).toBeNull();
  });

  it("shows Exit this page on the 404 page too", async () => {
    const res = await request(app).get("/no-such-page").expect(404);
    const doc = parse(res.text);
    expect(doc.querySelector(".govuk-exit-this-page__button")?.getAttribute("href")).toBe(contacts.exitPage.url);
    expect(await axeViolations(res.text)).toEqual([]);
    expect(await htmlErrors(res.text)).toEqual([]);
  });
});

describe("the home page", () => {
  let doc: Document;
  beforeAll(async () => {
    doc = parse((await request(app).get("/").expect(200)).text);
  });

  it("says who RHINS is and gives the 3 ways to report now", () => {
    const main = text(doc.querySelector("main"));
    expect(main).toContain("RHINS is a partnership of");
    expect(doc.querySelector(`a[href="tel:${contacts.emergency.phone.tel}"]`)).not.toBeNull();
    expect(doc.querySelector(`a[href="tel:${contacts.police.nonEmergency.tel}"]`)).not.toBeNull();
    expect(doc.querySelector(`a[href="${contacts.police.reportOnline}"]`)).not.toBeNull();
    expect(doc.querySelector(`a[href="tel:${contacts.sari.phone.tel}"]`)).not.toBeNull();
    expect(doc.querySelector('a[href="/reporting-centres"]')).not.toBeNull();
  });

  it("links to every public page", () => {
    const links = new Set([...doc.querySelectorAll("a")].map((a) => a.getAttribute("href")));
    for (const path of PUBLIC_PAGES.map((p) => p.path).filter((p) => !p.startsWith("/plan/"))) {
      expect(links, path).toContain(path);
    }
  });

  it("links straight to the reporting centres of each town", () => {
    const towns = [...doc.querySelectorAll('a[href^="/reporting-centres?town="]')].map(text);
    expect(towns).toEqual(["Clevedon", "Nailsea", "Portishead", "Rural areas", "Weston-super-Mare"]);
  });
});

describe("the content", () => {
  it("quotes the phone numbers and web addresses from the one contacts module", async () => {
    const report = (await request(app).get("/report").expect(200)).text;
    for (const phone of [
      contacts.emergency.phone,
      contacts.police.nonEmergency,
      contacts.police.textRelay,
      contacts.sari.phone,
      contacts.stopHateUk.phone,
      contacts.britishTransportPolice.phone,
    ]) {
      expect(report).toContain(`href="tel:${phone.tel}"`);
      expect(report).toContain(phone.display);
    }
    for (const url of [
      contacts.police.reportOnline,
      contacts.trueVision.url,
      contacts.sari.url,
      contacts.stopHateUk.url,
      contacts.britishTransportPolice.url,
    ]) {
      expect(report).toContain(`href="${url}"`);
    }
  });

  it("says how to report on a train (British Transport Police, by text) and on a bus (the local police)", async () => {
    const doc = parse((await request(app).get("/report").expect(200)).text);
    expect(text(doc.querySelector('main a[href="#transport"]'))).toBe("On a bus or train");
    const heading = doc.querySelector("h2#transport");
    expect(text(heading)).toBe("On a bus or train");
    // The section: everything from its heading to the next one.
    const section: Element[] = [];
    for (let el = heading?.nextElementSibling; el && el.tagName !== "H2"; el = el.nextElementSibling) section.push(el);
    const words = section.map(text).join(" ");
    const btp = contacts.britishTransportPolice;
    expect(words).toContain(`If it happens on a train or at a railway station, tell ${btp.name}`);
    expect(words).toContain(`by text: send a message to ${btp.text.display}`);
    expect(words).toContain(`If it happens on a bus or at a bus stop, tell ${contacts.police.name}: call 101`);
    expect(words).toContain("in an emergency, call 999");
    const links = section.flatMap((el) => [...el.querySelectorAll("a")].map((a) => a.getAttribute("href")));
    expect(links).toEqual([
      `sms:${btp.text.tel}`,
      `tel:${btp.phone.tel}`,
      btp.url,
      `tel:${contacts.police.nonEmergency.tel}`,
      "#police",
      `tel:${contacts.emergency.phone.tel}`,
    ]);
  });

  it("names the five monitored characteristics and says it is not your fault", async () => {
    const main = text(parse((await request(app).get("/what-is-hate-crime").expect(200)).text).querySelector("main"));
    for (const words of ["race", "religion", "sexual orientation", "disability", "transgender identity"]) {
      expect(main).toContain(words);
    }
    expect(main).toContain("Online hate");
    expect(main).toContain("It is not your fault.");
  });

  it("shows the vision, purposes, member agencies and achievements from the database", async () => {
    const about = text(parse((await request(app).get("/about").expect(200)).text).querySelector("main"));
    expect(about).toContain("achieve consistency of approach and effective resolution of hate incidents");
    expect(about).toContain("Stand Against Racism and Inequality (SARI)");
    expect(about).toContain("Upskilling Police in responding to hate");
    const vision = (await request(app).get("/vision").expect(200)).text;
    expect(vision).toContain("A North Somerset that embraces difference");
  });

  it("says the public pages set no cookies and names the partner area's cookie", async () => {
    const main = text(parse((await request(app).get("/cookies").expect(200)).text).querySelector("main"));
    expect(main).toContain("do not put any cookies on your device");
    expect(main).toContain("rhins.sid");
    expect(main).toContain(onlineReports.cookie.name);
  });

  it("gives the accessibility statement's standard, contact and enforcement procedure", async () => {
    const main = text(parse((await request(app).get("/accessibility").expect(200)).text).querySelector("main"));
    expect(main).toContain("WCAG 2.2 AA");
    expect(main).toContain("Reporting accessibility problems with this website");
    expect(main).toContain("Enforcement procedure");
    expect(main).toContain("Equality Advisory and Support Service");
  });
});

describe("the online report, in words (issue 14)", () => {
  const page = async (path: string) => parse((await request(app).get(path).expect(200)).text);
  const heading = (doc: Document, words: string) =>
    [...doc.querySelectorAll("main h2, main h3")].find((h) => text(h) === words) ?? null;

  it("is one of the home page's ways to report, with its time and that you need not give your name", async () => {
    const doc = await page("/");
    expect(text(doc.querySelector("main h2.govuk-heading-l"))).toBe("4 ways to report it now");
    const way = heading(doc, "3. Report it online to RHINS");
    expect(sectionText(way)).toContain(`It takes about ${onlineReports.minutes} minutes.`);
    expect(sectionText(way)).toContain("You do not have to give your name.");
    expect(sectionLinks(way)).toEqual([onlineReports.formPath]);
    expect(doc.querySelectorAll(".rhins-ways__item")).toHaveLength(4);
  });

  it("has its own section near the top of /report, listed in On this page, and is a way to report without your name", async () => {
    const doc = await page("/report");
    const onThisPage = [...doc.querySelectorAll("main ul.govuk-list")][0]!;
    const contents = [...onThisPage.querySelectorAll("a")].map((a) => [text(a), a.getAttribute("href")]);
    expect(contents.slice(0, 3)).toEqual([
      ["In an emergency", "#emergency"],
      ["Report online to RHINS", "#report-online"],
      ["Tell the police", "#police"],
    ]);
    const online = doc.querySelector("h2#report-online");
    expect(text(online)).toBe("Report online to RHINS");
    const words = sectionText(online);
    expect(words).toContain(`It takes about ${onlineReports.minutes} minutes.`);
    expect(words).toContain("You do not have to give your name.");
    expect(words).toContain("Do not use the form in an emergency. Call 999.");
    for (const reader of ["SARI", "North Somerset Council", contacts.police.name]) expect(words).toContain(reader);
    expect(sectionLinks(online)).toEqual([
      `tel:${contacts.emergency.phone.tel}`,
      onlineReports.formPath,
      onlineReports.followUpPath,
    ]);
    const anonymous = doc.querySelector("h2#anonymous");
    expect(sectionLinks(anonymous)[0]).toBe(onlineReports.formPath);
    expect(sectionText(anonymous)).toContain("online to RHINS, with our online form. You get a reference number");
  });

  it("says on What happens next what follows each choice, and how to read and answer messages", async () => {
    const doc = await page("/report/what-happens-next");
    const online = doc.querySelector("h2#online");
    expect(text(online)).toBe("If you report online to RHINS");
    expect(sectionLinks(online)).toContain(onlineReports.formPath);
    expect(sectionLinks(online)).toContain(onlineReports.followUpPath);
    const words = sectionText(online);
    expect(words).toContain(`a reference number, like ${onlineReports.exampleReference}, and a receipt code`);
    expect(words).toContain("We show you the receipt code only once.");
    expect(sectionText(heading(doc, "If you asked for support"))).toContain(
      `A caseworker will contact you within ${onlineReports.supportContactWorkingDays} working days.`,
    );
    expect(sectionText(heading(doc, "If you asked us to pass your report to the police"))).toContain(
      `We will pass it to ${contacts.police.name}.`,
    );
    expect(sectionText(heading(doc, "If you asked us just to record it"))).toContain(
      "We add it to the partnership's figures. The figures do not say who you are.",
    );
    const messages = sectionText(heading(doc, "Reading and replying to messages"));
    expect(messages).toContain(
      `If you enter the wrong receipt code ${onlineReports.wrongCodesBeforeLock} times, you will have to wait ${onlineReports.lockHours} hour`,
    );
    expect(messages).toContain(
      `If you lose your receipt code, you cannot read your messages online. Call SARI on ${contacts.sari.phone.display.replace(/\s/g, " ")} and give them your reference number.`,
    );
  });

  describe("the privacy notice", () => {
    let doc: Document;
    beforeAll(async () => {
      doc = await page("/privacy");
    });

    it("no longer says you cannot report on this website, and lists the new section in On this page", () => {
      expect(text(doc.querySelector("main"))).not.toContain("You cannot report");
      expect(doc.querySelector('main a[href="#online-reports"]')).not.toBeNull();
      expect(text(doc.querySelector("h2#online-reports"))).toBe("If you report online to RHINS");
      expect(text(doc.querySelector("main"))).toContain("Last updated 3 December 2026.");
    });

    it("says what is collected, why, the legal reasons, who sees it, how long it is kept and people's rights", () => {
      const subheadings = section(doc.querySelector("h2#online-reports"))
        .filter((el) => el.tagName === "H3")
        .map(text);
      expect(subheadings).toEqual([
        "What we collect",
        "Why we use it",
        "Our legal reasons for using it",
        "Who can see your report",
        "How we keep it safe",
        "How long we keep it",
        "Your rights over your report",
      ]);
      const collected = section(heading(doc, "What we collect")).find((el) => el.tagName === "UL");
      expect([...(collected?.querySelectorAll("li") ?? [])].map(text)).toEqual([...onlineReports.collected]);
      expect(sectionText(heading(doc, "What we collect"))).toContain("You do not have to give your name.");
    });

    it("gives the lawful bases, with the Schedule 1 conditions, and says the DPO must confirm them first", () => {
      const words = sectionText(heading(doc, "Our legal reasons for using it"));
      for (const basis of [
        "UK GDPR Article 6(1)(e)",
        "Crime and Disorder Act 1998",
        "(section 17)",
        "(section 115)",
        "UK GDPR Article 6(1)(f)",
        "UK GDPR Article 9(2)(g)",
        "Schedule 1, Part 2 of the Data Protection Act 2018",
        "statutory and government purposes (paragraph 6)",
        "equality of opportunity or treatment (paragraph 8)",
        "preventing or detecting unlawful acts (paragraph 10)",
        "safeguarding of children and of individuals at risk (paragraph 18)",
        "UK GDPR Article 10",
        "appropriate policy document",
      ]) {
        expect(words).toContain(basis);
      }
      expect(onlineReports.lawfulBasesConfirmed).toBe(false);
      expect(text(section(heading(doc, "Our legal reasons for using it"))[0])).toBe(
        "This part is a draft. The partnership's data protection officer must confirm these legal reasons, and approve our appropriate policy document, before the online form opens.",
      );
    });

    it("names who can read reports, the audit of every opening and the reference-only email", () => {
      const words = sectionText(heading(doc, "Who can see your report"));
      expect(words).toContain(
        "They work for SARI, North Somerset Council's community safety team or Avon and Somerset Police.",
      );
      expect(words).toContain("We only pass your report to the police to look into if you ask us to.");
      expect(words).toContain("who opened it, which report, and when");
      expect(words).toContain("The email gives only the report's reference number.");
    });

    it("says how long reports are kept, as configured, and that the figures stay", () => {
      expect(onlineReports.retentionYears * 12).toBe(loadConfig({}).reports.retentionMonths);
      const words = sectionText(heading(doc, "How long we keep it"));
      expect(words).toContain(`${onlineReports.retentionYears} years after your case is closed`);
      expect(words).toContain(`${onlineReports.retentionYears} years after we got your report`);
      expect(words).toContain(`we delete your answers after ${onlineReports.draftIdleHours} hours without use`);
      for (const item of onlineReports.figures) expect(words).toContain(item);
      expect(sectionText(heading(doc, "How we keep it safe"))).toContain(
        `wrong receipt code ${onlineReports.wrongCodesBeforeLock} times, nobody can read the messages for that report for ${onlineReports.lockHours} hour`,
      );
    });

    it("lists people's rights, how to use them without a name, and the ICO", () => {
      const rights = sectionText(doc.querySelector("h2#your-rights"));
      for (const right of [
        "show you the personal information we hold about you",
        "correct it if it is wrong",
        "delete it",
        "stop using it for a time",
        "stop using it because you object",
      ]) {
        expect(rights).toContain(right);
      }
      expect(sectionLinks(doc.querySelector("h2#your-rights"))).toEqual([
        `tel:${contacts.siteOwner.phone.tel}`,
        contacts.informationCommissioner.url,
        `tel:${contacts.informationCommissioner.phone.tel}`,
      ]);
      expect(sectionText(heading(doc, "Your rights over your report"))).toContain(
        `tell us your reference number, like ${onlineReports.exampleReference}`,
      );
    });
  });

  it("names the form's one cookie on the cookies page and says exactly when it goes", async () => {
    const doc = await page("/cookies");
    const main = text(doc.querySelector("main"));
    expect(main).toContain("The only exception is one cookie while you fill in the online report form.");
    const words = sectionText(heading(doc, "The cookie for the online report form"));
    expect(words).toContain("It holds only a random code.");
    expect(words).toContain("Your browser only sends the cookie to the pages of the form");
    expect(words).toContain("Your browser deletes it when you close the browser.");
    expect(words).toContain(
      `We delete the cookie and your unfinished answers when you send your report, when you select Exit this page, or after ${onlineReports.draftIdleHours} hours without using the form.`,
    );
    expect(words).toContain("Your answers are never in the web address");
    const cells = [...doc.querySelectorAll("table")]
      .find((t) => text(t.querySelector("caption")) === "Cookie used by the online report form")
      ?.querySelectorAll("tbody td");
    expect(text(cells?.[0])).toBe(onlineReports.cookie.name);
    expect(text(cells?.[2])).toContain(`after ${onlineReports.draftIdleHours} hours`);
  });

  it("says on Leave this site quickly what the form leaves on the device, and what Exit this page deletes", async () => {
    const doc = await page("/leave-this-site-quickly");
    const online = doc.querySelector("h2#online-form");
    expect(text(online)).toBe("If you report online");
    const words = sectionText(online);
    expect(words).toContain("The cookie holds a random code, not your answers.");
    expect(words).toContain("Your answers are never in the web address.");
    expect(words).toContain("Your browser does not save copies of the form's pages.");
    expect(words).toContain(
      "If you select Exit this page on the form, we also delete your unfinished answers and the cookie.",
    );
    expect(words).toContain(
      `we delete your answers after ${onlineReports.draftIdleHours} hours without using the form`,
    );
    expect(words).toContain("Anyone who has both can read the messages about your report.");
    expect(sectionLinks(online)).toEqual([onlineReports.formPath, "/cookies"]);
  });
});

describe("the checkers themselves", () => {
  const broken = `<!DOCTYPE html><html><head><title>x</title></head><body><main><img src="/a.png"><a href="/x"></a><h3>Skipped levels</h3><p id="a"></p><p id="a"></p></main></body></html>`;

  it("axe finds real problems", async () => {
    const rules = (await axeViolations(broken)).map((v) => v.rule);
    expect(rules).toEqual(expect.arrayContaining(["html-has-lang", "image-alt", "link-name"]));
  });

  it("html-validate finds real problems", async () => {
    const rules = (await htmlErrors(broken)).map((e) => e.rule);
    expect(rules).toEqual(expect.arrayContaining(["no-dup-id", "wcag/h37"]));
  });
});
