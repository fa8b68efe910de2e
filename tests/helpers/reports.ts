// A report as the online form makes it (services/reports/questions.ts reportFromAnswers), for
// tests that need one stored without going through every page of the form. The personal answers
// are distinctive, so a test can search for them in the database, emails and pages.
import type { FormValues, NewReport } from "../../src/services/reports/questions.ts";

export const NARRATIVE = "A man shouted abuse at me outside the Clevedon library about my headscarf";
export const NAME = "Yasmin Testname";
export const EMAIL = "yasmin.testname@example.com";
export const PHONE = "07700 900 982";
export const LOCATION = "Kenn Moor Drive, BS21 7QX";
export const OFFENDERS = "Tall, about 40, red football shirt";

/** A named report; `anonymous: true` leaves out the contact details (language needs stay). */
export function newReport(overrides: { anonymous?: boolean; narrative?: string } = {}): NewReport {
  const anonymous = overrides.anonymous ?? false;
  return {
    statistics: {
      reporterRole: "VICTIM",
      incidentTypes: ["VERBAL", "THREATS"],
      strands: ["RELIGION", "RACE"],
      incidentMonth: "2026-11",
      incidentDateKnown: true,
      happenedBefore: "YES",
      area: "Clevedon",
      placeType: "STREET",
      anyoneHurt: "NO",
      needsHelpNow: false,
      offenderCount: "ONE",
      policeTold: "YES",
      wants: ["SUPPORT"],
      anonymous,
      ageBand: "25_34",
      postcodeDistrict: "BS21",
    },
    personal: {
      relationship: null,
      narrative: overrides.narrative ?? NARRATIVE,
      incidentDate: "2026-11-28",
      location: LOCATION,
      offenders: OFFENDERS,
      crimeReference: "AS-20261128-0042",
      contact: {
        name: anonymous ? "" : NAME,
        preferredContact: anonymous ? null : "EMAIL",
        phone: anonymous ? "" : PHONE,
        email: anonymous ? "" : EMAIL,
        address: "",
        safeTimes: anonymous ? "" : "Weekdays after 6pm",
        leaveMessage: anonymous ? null : "NO",
        language: "Urdu",
        accessNeeds: ["LARGE_PRINT"],
        otherNeeds: "",
      },
    },
  };
}

/** A week ago, as the online form's date fields take it (never in the future, always in range). */
const lastWeek = new Date(Date.now() - 7 * 86_400_000);

const anonymousAnswers: Record<string, FormValues> = {
  who: { reporterRole: "VICTIM", relationship: "" },
  "what-happened": { narrative: NARRATIVE, incidentTypes: ["VERBAL", "THREATS"] },
  why: { strands: ["RELIGION", "RACE"] },
  when: {
    whenKnown: "DATE",
    "date-day": String(lastWeek.getUTCDate()),
    "date-month": String(lastWeek.getUTCMonth() + 1),
    "date-year": String(lastWeek.getUTCFullYear()),
    approxMonth: "",
    approxYear: "",
    happenedBefore: "YES",
  },
  where: { area: "Clevedon", placeType: "STREET", location: LOCATION },
  hurt: { anyoneHurt: "NO", needsHelpNow: "NO" },
  offenders: { offenderCount: "ONE", offenders: OFFENDERS },
  police: { policeTold: "NO", crimeReference: "" },
  "what-next": { wants: ["SUPPORT"] },
  contact: { contactChoice: "ANONYMOUS", name: "", phone: "", email: "", address: "", safeTimes: "", language: "", otherNeeds: "" }, // prettier-ignore
  "about-you": { ageBand: "25_34", postcodeDistrict: "BS21" },
};

/**
 * What a browser sends on each page of the online form (/report/online), by step in the form's
 * order: anonymous, asking for support; and named, for someone else, with the police told and
 * asked to be told.
 */
export const ONLINE_ANSWERS: { anonymous: Record<string, FormValues>; named: Record<string, FormValues> } = {
  anonymous: anonymousAnswers,
  named: {
    ...anonymousAnswers,
    who: { reporterRole: "ON_BEHALF", relationship: "Her neighbour" },
    police: { policeTold: "YES", crimeReference: "AS-20261128-0042" },
    "what-next": { wants: ["SUPPORT", "POLICE"] },
    contact: {
      contactChoice: "NAMED",
      name: NAME,
      preferredContact: "EMAIL",
      phone: PHONE,
      email: EMAIL,
      address: "",
      safeTimes: "Weekdays after 6pm",
      leaveMessage: "NO",
      language: "Urdu",
      accessNeeds: ["LARGE_PRINT"],
      otherNeeds: "",
    },
  },
};
