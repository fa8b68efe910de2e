// Every fact the public pages quote: phone numbers, web addresses and the neutral site that
// "Exit this page" goes to. Pages take them from here, never write them out, so a number that
// changes is changed once. Directory entries (reporting centres, support services) are in the
// database instead, where coordinators keep them up to date.

export interface Phone {
  /** As people read and dial it: "0117 942 0060", with non-breaking spaces so it never wraps. */
  display: string;
  /** For tel: links: "01179420060". */
  tel: string;
}

/** A phone number as it should be written: its spaces never break across lines. */
export function phone(display: string): Phone {
  return { display: display.trim().replace(/\s+/g, "\u00a0"), tel: display.replace(/[^\d+]/g, "") };
}

/**
 * A link to a map of a place, from its address: an OpenStreetMap search (no account, no cookie on
 * this site, and nothing loaded from another origin until the person follows it).
 */
export function mapLink(...addressParts: (string | null | undefined)[]): string {
  const query = addressParts
    .map((part) => part?.replace(/\s+/g, " ").trim())
    .filter(Boolean)
    .join(", ");
  return `https://www.openstreetmap.org/search?query=${encodeURIComponent(query)}`;
}

export const contacts = {
  /** Where "Exit this page" (the button, Shift three times, and the plain link) sends people. */
  exitPage: { url: "https://www.bbc.co.uk/weather", name: "BBC Weather" },

  emergency: { phone: phone("999"), textRelay: phone("18000") },
  police: {
    name: "Avon and Somerset Police",
    nonEmergency: phone("101"),
    textRelay: phone("18001 101"),
    reportOnline: "https://www.avonandsomerset.police.uk/report/",
    website: "https://www.avonandsomerset.police.uk",
  },
  /** Incidents on trains and at railway stations (buses are for the local police). */
  britishTransportPolice: {
    name: "British Transport Police",
    /** Their text number: discreet, for use on a train. */
    text: phone("61016"),
    phone: phone("0800 40 50 40"),
    url: "https://www.btp.police.uk",
  },
  trueVision: { name: "True Vision", url: "https://www.report-it.org.uk" },
  sari: {
    name: "SARI",
    fullName: "Stand Against Racism and Inequality",
    phone: phone("0117 942 0060"),
    url: "https://www.saricharity.org.uk",
  },
  stopHateUk: { name: "Stop Hate UK", phone: phone("0800 138 1625"), url: "https://www.stophateuk.org" },
  crimestoppers: { name: "Crimestoppers", phone: phone("0800 555 111"), url: "https://crimestoppers-uk.org" },
  policeConduct: { name: "Independent Office for Police Conduct (IOPC)", url: "https://www.policeconduct.gov.uk" },

  /** Who runs this website for the partnership, for the accessibility statement and privacy notice. */
  siteOwner: {
    name: "North Somerset Council",
    team: "Community Safety team",
    phone: phone("01934 888 888"),
    address: "North Somerset Council, Town Hall, Walliscote Grove Road, Weston-super-Mare, BS23 1UJ",
    website: "https://www.n-somerset.gov.uk",
  },
  /** Enforcement of the accessibility regulations (England, Scotland and Wales). */
  equalityAdvisoryService: {
    name: "Equality Advisory and Support Service (EASS)",
    url: "https://www.equalityadvisoryservice.com",
  },
  informationCommissioner: {
    name: "Information Commissioner's Office (ICO)",
    url: "https://ico.org.uk",
    phone: phone("0303 123 1113"),
  },
} as const;

export type Contacts = typeof contacts;

/**
 * The names the message catalogues use, as {{police}}, {{sari}} and so on (i18next's default
 * variables, middleware/i18n.ts): organisations keep their names in every language.
 */
export const contactNames = {
  police: contacts.police.name,
  btp: contacts.britishTransportPolice.name,
  trueVision: contacts.trueVision.name,
  sari: contacts.sari.name,
  sariFull: contacts.sari.fullName,
  /** As text, where a message cannot hold a link (an error message). */
  sariPhone: contacts.sari.phone.display,
  stopHateUk: contacts.stopHateUk.name,
  crimestoppers: contacts.crimestoppers.name,
  iopc: contacts.policeConduct.name,
  siteOwner: contacts.siteOwner.name,
  siteTeam: contacts.siteOwner.team,
  exitSite: contacts.exitPage.name,
};
