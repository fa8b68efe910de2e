// The audit trail reads as plain English, filters by record type (the types present), a date
// range (GOV.UK date inputs, errors in the summary keeping what was typed) and hides sign-ins
// unless asked; the filtered events download as a CSV that neutralises formulas.
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JSDOM } from "jsdom";
import request from "supertest";
import { axeViolations, htmlErrors } from "../helpers/accessibility.ts";
import type { Agent } from "../helpers/partners.ts";
import { submit } from "../helpers/partners.ts";
import { type SeededApp, postReview, reviewPage, seededApp } from "../helpers/seeded-app.ts";

let s: SeededApp;
let coordinator: Agent;
let commitmentName: string;

beforeAll(async () => {
  s = await seededApp();
  const officer = await s.as("officer");
  // Two saves of one update: Amber, then Red with new commentary.
  const path = reviewPage(s.ids.nscCommitment, 1);
  expect((await postReview(officer, path, { status: "AMBER", commentary: "Panel terms agreed" })).status).toBe(302);
  expect((await postReview(officer, path, { status: "RED", commentary: "Chair has resigned" })).status).toBe(302);
  coordinator = await s.as("coordinator");
  // An account whose name a spreadsheet would take for a formula.
  const police = await s.db.prisma.agency.findUniqueOrThrow({ where: { code: "Police" } });
  const added = await submit(coordinator, "/partners/accounts/new", {
    name: '=HYPERLINK("http://evil.example","x")',
    email: "formula@partners.test",
    role: "OFFICER",
    agencyId: String(police.id),
  });
  expect(added.status).toBe(200);
  const c = await s.db.prisma.commitment.findUniqueOrThrow({
    where: { id: s.ids.nscCommitment },
    include: { objective: true },
  });
  commitmentName = `Commitment ${c.objective.number}.${c.position + 1} of the 2023/24 plan`;
});
afterAll(async () => s.close());

const cells = (html: string) =>
  [...new JSDOM(html).window.document.querySelectorAll("tbody tr")].map((row) =>
    [...row.querySelectorAll("td")].map((td) => td.textContent?.replace(/\s+/g, " ").trim() ?? ""),
  );

describe("the audit trail", () => {
  it("describes each event in plain English, without ids or JSON, and hides sign-ins by default", async () => {
    const res = await coordinator.get("/partners/audit");
    expect(res.status).toBe(200);
    expect(await axeViolations(res.text)).toEqual([]);
    expect(await htmlErrors(res.text)).toEqual([]);
    const what = cells(res.text).map((row) => row[2]);
    expect(what).toContain(
      `${commitmentName}, quarter 1, North Somerset Council's update: status Amber → Red, commentary changed`,
    );
    expect(what).toContain(
      `${commitmentName}, quarter 1, North Somerset Council's update: status Amber, commentary written`,
    );
    expect(
      what.some((w) =>
        w?.startsWith('Added an account for =HYPERLINK("http://evil.example","x") (formula@partners.test): Officer'),
      ),
    ).toBe(true);
    expect(res.text).not.toContain("{&#34;");
    expect(what.some((w) => w?.startsWith("Signed in"))).toBe(false);

    const withSignIns = await coordinator.get("/partners/audit?signIns=yes");
    expect(cells(withSignIns.text).map((row) => row[2])).toContain("Signed in");
    expect(withSignIns.text).toMatch(/name="signIns" type="checkbox" value="yes" checked/);
  });

  it("offers the record types present, and filters by one", async () => {
    const res = await coordinator.get("/partners/audit");
    const options = [...new JSDOM(res.text).window.document.querySelectorAll("#entityType option")].map((o) => [
      o.getAttribute("value"),
      o.textContent?.trim(),
    ]);
    expect(options).toContainEqual(["CommitmentReview", "Updates of commitments"]);
    expect(options).toContainEqual(["User", "Accounts"]);
    expect(options.map((o) => o[0])).not.toContain("Review");
    const present = await s.db.prisma.auditEvent.findMany({ distinct: ["entityType"], select: { entityType: true } });
    expect(options.length).toBe(present.length + 1); // and "All records"

    const reviews = await coordinator.get("/partners/audit?entityType=CommitmentReview");
    const rows = cells(reviews.text);
    expect(rows).toHaveLength(2);
    expect(rows.every((row) => row[2]!.startsWith(commitmentName))).toBe(true);
  });

  it("filters by a date range, and says what is wrong with a date, keeping what was typed", async () => {
    const today = new Date();
    const [d, m, y] = [today.getUTCDate(), today.getUTCMonth() + 1, today.getUTCFullYear()];
    const inRange = await coordinator.get(
      `/partners/audit?from-day=${d - 1 || 1}&from-month=${m}&from-year=${y}&to-day=${d}&to-month=${m}&to-year=${y}`,
    );
    expect(inRange.status).toBe(200);
    expect(cells(inRange.text).length).toBeGreaterThan(0);
    const past = await coordinator.get(
      "/partners/audit?from-day=1&from-month=1&from-year=2020&to-day=31&to-month=12&to-year=2020",
    );
    expect(cells(past.text)).toEqual([]);
    expect(past.text).toContain("0 events");

    const wrong = await coordinator.get(
      "/partners/audit?from-day=31&from-month=2&from-year=2024&to-day=5&to-month=&to-year=2024",
    );
    expect(wrong.status).toBe(400);
    expect(await axeViolations(wrong.text)).toEqual([]);
    expect(await htmlErrors(wrong.text)).toEqual([]);
    expect(wrong.text).toContain("There is a problem");
    expect(wrong.text).toContain('<a href="#from-day">The date from must be a real date</a>');
    expect(wrong.text).toContain('<a href="#to-day">The date to must include a month</a>');
    expect(wrong.text).toMatch(/id="from-day" name="from-day" type="text" inputmode="numeric" value="31"/);
    expect(wrong.text).not.toContain("Download these events");

    const backwards = await coordinator.get(
      "/partners/audit?from-day=2&from-month=3&from-year=2024&to-day=1&to-month=3&to-year=2024",
    );
    expect(backwards.status).toBe(400);
    expect(backwards.text).toContain("The date to must be the same as or after the date from");
  });

  it("exports the filtered events as a formula-safe CSV", async () => {
    const page = await coordinator.get("/partners/audit?entityType=User");
    const href = /href="(\/partners\/audit\.csv[^"]*)"/.exec(page.text)![1]!.replaceAll("&amp;", "&");
    expect(href).toBe("/partners/audit.csv?entityType=User");
    const res = await coordinator.get(href).buffer(true);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(res.headers["content-disposition"]).toBe('attachment; filename="audit-trail.csv"');
    const text = res.text ?? String(res.body);
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const rows = parse(text.slice(1), { columns: true }) as Record<string, string>[];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r["Record type"] === "User")).toBe(true);
    expect(rows.some((r) => (r.Action ?? "").startsWith("sign-in"))).toBe(false);
    const created = rows.find((r) => r.Action === "account.created")!;
    expect(created["What happened"]).toMatch(/^Added an account for =HYPERLINK/);
    expect(created.After!.startsWith("{")).toBe(true);
    expect(text).not.toMatch(/(^|,)"[=+\-@]/m);

    // A sign-in typed as a formula ("+" starts a formula too) is in the trail: its cell starts with a quote.
    await submit(request.agent(s.app), "/partners/sign-in", { email: "+1@evil.test", password: "not the password" });
    const signIns = await coordinator.get("/partners/audit.csv?signIns=yes&action=sign-in.failed").buffer(true);
    expect(signIns.text).toContain(`"'+1@evil.test"`);
    expect(signIns.text).not.toMatch(/(^|,)"[=+\-@]/m);
    const officer = await s.as("officer");
    expect((await officer.get("/partners/audit.csv")).status).toBe(403);
  });
});
