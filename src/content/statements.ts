// Dates and promises the accessibility statement and privacy notice make. The partnership must
// review these when the site changes (the accessibility statement at least once a year).

export const accessibilityStatement = {
  /** The standard the site is built and tested to. */
  standard: "WCAG 2.2 AA",
  /** Days as YYYY-MM-DD: each page shows them in its own language. */
  prepared: "2026-11-25",
  lastReviewed: "2026-12-07",
  lastTested: "2026-12-07",
  /** How long we take to answer a request for another format or a reported problem. */
  replyWithinWorkingDays: 10,
  /**
   * What is not yet accessible, said plainly (the regulations ask for it): keys of
   * pages:accessibility.notYetMet in the catalogues, where the words are. A test
   * (tests/integration/plan-pdf-accessible.test.ts) reads the plan's PDF so that what the
   * statement claims for it stays true; remove an item here only when it is fixed.
   */
  notYetMet: ["pdfChecked", "pdfRtl", "latinLanguages", "pdfGlyphs", "languages", "expert"],
} as const;

/**
 * What the online hate incident report (/report/online, issue 14) does with what people tell it.
 * The privacy notice, the cookies page, "Leave this site quickly", "What happens next" and
 * docs/data-protection.md say these things; if the form changes, change them here and there.
 */
export const onlineReports = {
  formPath: "/report/online",
  followUpPath: "/report/follow-up",
  /** About how long the form takes. */
  minutes: 10,
  /** An example of the reference people are given, in the format the form makes. */
  exampleReference: "RH-7K3Q-P9",
  /** Who can read a report: the partnership's coordinators and caseworkers with case access, here. */
  readers: ["SARI", "North Somerset Council's community safety team", "Avon and Somerset Police"],
  /** Wrong receipt codes in a row before a reference is locked, and for how long. */
  wrongCodesBeforeLock: 10,
  lockHours: 1,
  /** A caseworker contacts someone who asked for support within this many working days. */
  supportContactWorkingDays: 5,
  /**
   * Personal data is deleted this long after the case closes (or, for a report that asked for
   * neither support nor the police, after it was received): REPORT_RETENTION_MONTHS' default, 72.
   */
  retentionYears: 6,
  /** Unfinished answers (and the cookie) go after this long without use. */
  draftIdleHours: 2,
  /** The one cookie the form sets (session-only, HttpOnly, SameSite=Strict, path /report/online). */
  cookie: { name: "rhins_report", path: "/report/online" },
  /**
   * The legal reasons below are the design's proposal. Until the partnership's data protection
   * officer confirms them (and the appropriate policy document is written), the privacy notice
   * says they are a draft. Set this to true, with the date, when they are confirmed.
   */
  lawfulBasesConfirmed: false,
  /** What the form asks for. */
  collected: [
    "whether it happened to you, you saw it, or you are reporting for someone else (and how you know them)",
    "what happened, in your own words, and what kind of incident it was",
    "why you think it happened: for example, because of race, religion, sexual orientation, disability, transgender identity, sex or gender, age or an alternative subculture",
    "when and where it happened, and, if you choose, the street or postcode",
    "whether anyone was hurt or needs help",
    "anything you know about the people who did it",
    "whether you have told the police, and the crime reference number",
    "what you would like to happen",
    "if you choose to give them: your name, how to contact you safely, and any language or accessibility needs",
    "if you choose to give them: your age group and the first part of your postcode, for our figures",
  ],
  /** The answers kept, without anything that says who you are, for the partnership's figures. */
  figures: [
    "the month it happened",
    "the area and the kind of place",
    "the kind of incident and why you think it happened",
    "whether it had happened before, whether anyone was hurt, how many people did it and whether the police were told",
    "who reported it (you, a witness or someone else), whether you gave your name, and what you asked for",
    "your age group and the first part of your postcode, if you gave them",
  ],
} as const;

export const privacyNotice = {
  /** YYYY-MM-DD: the page shows it in its own language. */
  lastUpdated: "2026-12-03",
  /** How long the server keeps its record of each request (time, page, internet address). */
  serverLogDays: 30,
  onlineReports,
} as const;
