// The languages the public site can be read in. Each has a folder of message catalogues in
// locales/<code>/ (English is the source every other falls back to); PUBLIC_LANGUAGES says which
// of them are offered, because a translation must be checked by a fluent speaker before the
// partnership publishes it (README, Languages). The partner area is in English only.

export interface Language {
  /** In the address (?lang=pl) and the catalogue folder's name. */
  code: string;
  /** The BCP 47 tag for lang and hreflang: Easy Read is English. */
  tag: string;
  /** The language's name in itself, as the language navigation shows it. */
  name: string;
  dir: "ltr" | "rtl";
  /** Made from the English catalogues while the tests run; never offered to the public. */
  pseudo?: "accented" | "mirrored";
}

export const DEFAULT_LANGUAGE = "en";

export const LANGUAGES: readonly Language[] = [
  { code: "en", tag: "en", name: "English", dir: "ltr" },
  { code: "en-easy", tag: "en", name: "Easy Read", dir: "ltr" },
  { code: "pl", tag: "pl", name: "Polski", dir: "ltr" },
  // Pseudo-locales (Android's names): lengthened accented text, and right-to-left text.
  { code: "en-xa", tag: "en-XA", name: "Ƥşéûđô", dir: "ltr", pseudo: "accented" },
  { code: "ar-xb", tag: "ar-XB", name: "Pseudo RTL", dir: "rtl", pseudo: "mirrored" },
];

export const languageByCode = (code: string): Language | undefined => LANGUAGES.find((l) => l.code === code);
