// The rules of a report's reference and receipt code, the follow-up lock, the audit trail's words
// for reports, and what a coordinator sees of a report whose personal data was deleted.
import { describe, expect, it } from "vitest";
import { type DescribedEvent, type Names, describe as describeEvent } from "../../src/services/audit-descriptions.ts";
import {
  CODE_ALPHABET,
  FOLLOW_UP_ATTEMPTS,
  FOLLOW_UP_LOCK_MS,
  formatReceiptCode,
  hashReceiptCode,
  isLocked,
  lockEnds,
  locksAfter,
  newReceiptCode,
  newReference,
  normaliseReceiptCode,
  normaliseReference,
  verifyReceiptCode,
} from "../../src/services/reports/follow-up.ts";
import { answerSections } from "../../src/routes/partners/cases/answers.ts";
import { newReport } from "../helpers/reports.ts";

describe("references and receipt codes", () => {
  it("use only characters that cannot be misread: no 0, O, 1, I, L or U", () => {
    expect(CODE_ALPHABET).not.toMatch(/[01OILU]/);
    expect(new Set(CODE_ALPHABET).size).toBe(CODE_ALPHABET.length);
    for (let i = 0; i < 200; i++) {
      expect(newReference()).toMatch(new RegExp(`^RH-[${CODE_ALPHABET}]{4}-[${CODE_ALPHABET}]{2}$`));
      expect(newReceiptCode()).toMatch(new RegExp(`^([${CODE_ALPHABET}]{4}-){3}[${CODE_ALPHABET}]{4}$`));
    }
  });

  it.each([
    ["RH-7K3Q-P9", "RH-7K3Q-P9"],
    ["rh-7k3q-p9", "RH-7K3Q-P9"],
    [" RH 7K3Q P9 ", "RH-7K3Q-P9"],
    ["RH7K3QP9", "RH-7K3Q-P9"],
    ["7K3Q-P9", "RH-7K3Q-P9"],
    ["RH-7K3Q-P", undefined],
    ["RH-7K3Q-P90", undefined],
    ["RH-0K3Q-P9", undefined], // 0 is never in a reference
    ["RH-7K3Q-P9'; --", undefined],
    ["", undefined],
  ])("reads the reference %j as %j", (typed, reference) => {
    expect(normaliseReference(typed)).toBe(reference);
  });

  it("reads a receipt code in any case, with or without spaces and dashes", () => {
    expect(normaliseReceiptCode("7k3q-p9xm 4hdt-w2rc")).toBe("7K3QP9XM4HDTW2RC");
    expect(formatReceiptCode("7K3QP9XM4HDTW2RC")).toBe("7K3Q-P9XM-4HDT-W2RC");
  });

  it("keeps a receipt code as an argon2id hash that the code, however typed, matches", async () => {
    const hash = await hashReceiptCode("7K3Q-P9XM-4HDT-W2RC");
    expect(hash).toMatch(/^\$argon2id\$v=19\$/);
    expect(hash).toMatch(/\bm=4096\b/);
    expect(hash).toMatch(/\bt=1\b/);
    expect(await verifyReceiptCode(hash, "7k3q p9xm 4hdt w2rc")).toBe(true);
    expect(await verifyReceiptCode(hash, "7K3Q-P9XM-4HDT-W2RD")).toBe(false);
    expect(await verifyReceiptCode("not a hash", "7K3Q-P9XM-4HDT-W2RC")).toBe(false);
  });
});

describe("the follow-up lock", () => {
  it("comes after ten wrong codes in a row, for an hour", () => {
    expect(FOLLOW_UP_ATTEMPTS).toBe(10);
    expect(locksAfter(9)).toBe(false);
    expect(locksAfter(10)).toBe(true);
    const now = new Date("2026-12-03T09:00:00Z");
    expect(lockEnds(now)).toEqual(new Date("2026-12-03T10:00:00Z"));
    expect(FOLLOW_UP_LOCK_MS).toBe(60 * 60_000);
    expect(isLocked(null, now)).toBe(false);
    expect(isLocked(new Date("2026-12-03T09:00:01Z"), now)).toBe(true);
    expect(isLocked(now, now)).toBe(false);
  });
});

describe("the audit trail's words for reports", () => {
  const names = {} as Names;
  const event = (action: string): DescribedEvent => ({
    id: 1,
    action,
    entityType: "IncidentReport",
    entityId: "RH-7K3Q-P9",
    actorEmail: "",
    before: null,
    after: action === "report.message-sent" ? { messageId: "x" } : null,
    ip: "",
    createdAt: new Date(),
  });
  it.each([
    ["report.received", "Hate incident report RH-7K3Q-P9 was received from the online form"],
    ["report.viewed", "Opened hate incident report RH-7K3Q-P9"],
    ["report.message-sent", "Sent a message to the reporter of hate incident report RH-7K3Q-P9"],
  ])("%s", (action, sentence) => {
    expect(describeEvent(event(action), names)).toBe(sentence);
  });
});

describe("a report's answers for a coordinator", () => {
  const report = newReport();
  const opened = {
    id: "x",
    reference: "RH-7K3Q-P9",
    receivedAt: new Date(),
    statistics: report.statistics,
    personal: report.personal,
    personalDataDeletedAt: null,
    messages: [],
  };

  it("are in the form's words, a skipped question saying Not given", () => {
    const rows = Object.fromEntries(
      answerSections({ ...opened, statistics: { ...report.statistics, placeType: null } }).flatMap((s) =>
        s.rows.map((r) => [r.key, r.lines]),
      ),
    );
    expect(rows["Who is reporting"]).toEqual(["It happened to me"]);
    expect(rows["Why they think it happened because of who they are"]).toEqual([
      "Religion or belief",
      "Race, ethnicity or nationality",
    ]);
    expect(rows["When it happened"]).toEqual(["28 November 2026"]);
    expect(rows["Type of place"]).toEqual(["Not given"]);
    expect(rows["Accessibility needs"]).toEqual(["Large print"]);
    expect(rows["Address"]).toEqual(["Not given"]); // an empty answer too
    expect(rows["What happened"]).toEqual([report.personal.narrative]);
  });

  it("once the personal data is deleted, are the statistics alone", () => {
    const sections = answerSections({ ...opened, personal: null, personalDataDeletedAt: new Date() });
    const keys = sections.flatMap((s) => s.rows.map((r) => r.key));
    expect(sections.map((s) => s.title)).toEqual(["The incident", "About them (for the partnership's figures)"]);
    expect(keys).toContain("Where it happened");
    for (const gone of ["What happened", "Street or postcode", "About the people who did it", "Crime reference number"])
      expect(keys).not.toContain(gone);
  });
});
