// Dates and promises the accessibility statement and privacy notice make. The partnership must
// review these when the site changes (the accessibility statement at least once a year).

export const accessibilityStatement = {
  /** The standard the site is built and tested to. */
  standard: "WCAG 2.2 AA",
  prepared: "25 November 2026",
  lastReviewed: "25 November 2026",
  lastTested: "25 November 2026",
  /** How long we take to answer a request for another format or a reported problem. */
  replyWithinWorkingDays: 10,
} as const;

export const privacyNotice = {
  lastUpdated: "25 November 2026",
  /** How long the server keeps its record of each request (time, page, internet address). */
  serverLogDays: 30,
} as const;
