// Dates as GOV.UK writes them: "21 July 2023", "21 July 2023 at 2:05pm".
// Plan dates (quarters, deadlines) are calendar days kept in UTC, so they are shown in UTC;
// moments (when a review was saved) are shown in UK time.
const DAY = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
const UK_DAY = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "long",
  year: "numeric",
  timeZone: "Europe/London",
});
const UK_TIME = new Intl.DateTimeFormat("en-GB", {
  hour: "numeric",
  minute: "2-digit",
  hour12: true,
  timeZone: "Europe/London",
});

export function formatDate(date: Date): string {
  return DAY.format(date);
}

export function formatDateTime(date: Date): string {
  return `${UK_DAY.format(date)} at ${UK_TIME.format(date).replace(/\s/gu, "").toLowerCase()}`;
}

/** When something was saved, as a sentence ends: "at 10:42am" today, else "on 21 July 2023 at 2:05pm". */
export function formatSavedAt(date: Date, now: Date): string {
  const time = UK_TIME.format(date).replace(/\s/gu, "").toLowerCase();
  return UK_DAY.format(date) === UK_DAY.format(now) ? `at ${time}` : `on ${UK_DAY.format(date)} at ${time}`;
}
