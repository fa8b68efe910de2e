// A commitment's optional target date and a named contact in each of its lead agencies: set by a
// coordinator through the commitment form (refused, storing nothing, when the date is not real),
// read back into the form, and shown on the review page and in every format of the plan, with the
// updates' evidence links beside their commentary.
import { JSDOM } from "jsdom";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectAccessiblePage } from "../helpers/accessibility.ts";
import { download, parseCsv, pdfText, unzip, wordParagraphs } from "../helpers/download.ts";
import { type Agent, submit } from "../helpers/partners.ts";
import { postReview, reviewPage, type SeededApp, seededApp } from "../helpers/seeded-app.ts";

let s: SeededApp;
let coordinator: Agent;
let agency: Record<"NSC" | "Police" | "SARI", number>;

beforeAll(async () => {
  s = await seededApp();
  coordinator = await s.as("coordinator");
  const all = await s.db.prisma.agency.findMany();
  const idOf = (code: string) => all.find((a) => a.code === code)!.id;
  agency = { NSC: idOf("NSC"), Police: idOf("Police"), SARI: idOf("SARI") };
});
afterAll(async () => s.close());

const form = (id: number) => `/partners/plans/2023-24/commitments/${id}`;
const stored = async (id: number) =>
  s.db.prisma.commitment.findUniqueOrThrow({
    where: { id },
    include: { contacts: { orderBy: { agencyId: "asc" } }, leads: { orderBy: { agencyId: "asc" } } },
  });

describe("a commitment's target date and named contacts", () => {
  it("are saved from the form, read back into it, audited and shown on the review page", async () => {
    const id = s.ids.policeSariCommitment;
    const page = (await coordinator.get(form(id)).expect(200)).text;
    await expectAccessiblePage(page);
    const c = await stored(id);
    const res = await submit(coordinator, form(id), {
      text: c.text,
      leads: [String(agency.Police), String(agency.SARI)],
      "targetDate-day": "31",
      "targetDate-month": "3",
      "targetDate-year": "2024",
      // Every agency's contact field is sent; only the lead agencies' names count.
      "contactAgency[]": [String(agency.NSC), String(agency.Police), String(agency.SARI)],
      "contactName[]": ["Not a lead", "  Inspector Jo Bloggs ", ""],
    });
    expect(res.status).toBe(302);
    const after = await stored(id);
    expect(after.targetDate?.toISOString().slice(0, 10)).toBe("2024-03-31");
    expect(after.contacts.map((x) => [x.agencyId, x.name])).toEqual([[agency.Police, "Inspector Jo Bloggs"]]);
    const event = await s.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "commitment.updated", entityId: String(id) },
      orderBy: { id: "desc" },
    });
    expect(event.after).toMatchObject({ contacts: [{ agencyId: agency.Police, name: "Inspector Jo Bloggs" }] });

    const again = new JSDOM((await coordinator.get(form(id))).text).window.document;
    expect(again.querySelector<HTMLInputElement>("#targetDate-day")?.value).toBe("31");
    expect(again.querySelector<HTMLInputElement>(`#contact-${agency.Police}`)?.value).toBe("Inspector Jo Bloggs");

    const review = (await coordinator.get(reviewPage(id, 1)).expect(200)).text;
    const inset = new JSDOM(review).window.document.querySelector(".govuk-inset-text")?.textContent ?? "";
    expect(inset).toContain("Named contact: Inspector Jo Bloggs (Avon and Somerset Police)");
    expect(inset).toContain("Target date: 31 March 2024");
  });

  it("refuses a date that is not real, keeping what was typed and storing nothing", async () => {
    const id = s.ids.nscCommitment;
    const before = await stored(id);
    const res = await submit(coordinator, form(id), {
      text: "Changed text that must not be saved",
      leads: [String(agency.NSC)],
      "targetDate-day": "31",
      "targetDate-month": "2",
      "targetDate-year": "2024",
      "contactAgency[]": [String(agency.NSC)],
      "contactName[]": ["Sam Lead"],
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('href="#targetDate-day"');
    expect(res.text).toContain("The target date must be a real date");
    const document = new JSDOM(res.text).window.document;
    expect(document.querySelector<HTMLInputElement>("#targetDate-month")?.value).toBe("2");
    expect(document.querySelector<HTMLInputElement>(`#contact-${agency.NSC}`)?.value).toBe("Sam Lead");
    expect(await stored(id)).toEqual(before);
  });

  it("can be left out, and a blank date clears one that was set", async () => {
    const id = s.ids.policeSariCommitment;
    const c = await stored(id);
    const res = await submit(coordinator, form(id), {
      text: c.text,
      leads: [String(agency.Police), String(agency.SARI)],
      "targetDate-day": "",
      "targetDate-month": "",
      "targetDate-year": "",
      "contactAgency[]": [String(agency.Police)],
      "contactName[]": [""],
    });
    expect(res.status).toBe(302);
    expect(await stored(id)).toMatchObject({ targetDate: null, contacts: [] });
    expect((await coordinator.get(reviewPage(id, 1))).text).not.toContain("Target date:");
  });
});

describe("the plan's documents", () => {
  it("show the target date and named contacts under the commitment, and evidence as links with the commentary", async () => {
    const id = s.ids.nscCommitment;
    const c = await stored(id);
    const res = await submit(coordinator, form(id), {
      text: c.text,
      leads: [String(agency.NSC)],
      "targetDate-day": "30",
      "targetDate-month": "9",
      "targetDate-year": "2023",
      "contactAgency[]": [String(agency.NSC)],
      "contactName[]": ["Sam Lead"],
    });
    expect(res.status).toBe(302);
    const officer = await s.as("officer");
    const saved = await postReview(officer, reviewPage(id, 1), {
      status: "AMBER",
      commentary: "Panel terms agreed",
      evidenceTitle1: "Panel terms of reference",
      evidenceUrl1: "https://nsc.example.org/panel-terms",
    });
    expect(saved.status).toBe(302);
    const base = "/partners/plans/2023-24";
    const link = { title: "Panel terms of reference", url: "https://nsc.example.org/panel-terms" };

    const print = new JSDOM((await coordinator.get(`${base}/print?commentary=1`).expect(200)).text).window.document;
    const row = [...print.querySelectorAll("tr")].find((tr) => tr.textContent?.includes(c.text))!;
    expect(row.textContent).toContain("Target date: 30 September 2023");
    expect(row.textContent).toContain("Named contact: Sam Lead (North Somerset Council)");
    expect(row.querySelector(`a[href="${link.url}"]`)?.textContent).toBe(link.title);

    const pdf = await download(coordinator, `${base}/plan.pdf?commentary=1`).expect(200);
    const text = pdfText(pdf.body as Buffer);
    expect(text).toContain("Target date: 30 September 2023");
    expect(text).toContain("Evidence: Panel terms of reference");
    expect((pdf.body as Buffer).toString("latin1")).toContain(link.url);

    const docx = unzip((await download(coordinator, `${base}/plan.docx?commentary=1`).expect(200)).body as Buffer);
    const paragraphs = wordParagraphs(docx("word/document.xml")).map((p) => p.text);
    expect(paragraphs).toContain("Named contact: Sam Lead (North Somerset Council)");
    expect(paragraphs).toContain("Evidence: Panel terms of reference");
    expect(docx("word/_rels/document.xml.rels")).toContain(`Target="${link.url}"`);

    const rows = parseCsv((await download(coordinator, `${base}/reviews.csv`).expect(200)).body as Buffer);
    expect(rows.find((r) => r.Text === c.text && r.Quarter === "Q1")).toMatchObject({
      "Target date": "30 September 2023",
      "Named contacts": "Sam Lead (North Somerset Council)",
      "Evidence links": `${link.title} <${link.url}>`,
    });
  });
});
