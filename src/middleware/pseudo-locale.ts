// Pseudo-locales for the tests (never offered to the public: config.ts refuses them outside
// NODE_ENV=test): every message of the English catalogues with its letters accented and about a
// third longer, so an English word left on a page was not translated, and a layout that breaks
// with longer words shows it. The mirrored one is the same text on a right-to-left page.
// {{placeholders}}, GOV.UK Frontend's %{count}, $t(nesting) and HTML tags and entities are left as
// they are.

const ACCENTED: Record<string, string> = Object.fromEntries(
  [..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"].map((c, i) => [
    c,
    [..."àƀçđéƒĝĥîĵķļɱñöþǫŕšţûṽŵẋýžÀƁÇĐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ"][i]!,
  ]),
);
const UNTOUCHED = /(\{\{[^}]*\}\}|%\{[^}]*\}|\$t\([^)]*\)|<[^>]*>|&[a-z#0-9]+;)/i;

export function pseudoText(text: string): string {
  return text
    .split(UNTOUCHED)
    .map((part, i) => {
      if (i % 2 === 1) return part;
      const accented = part.replace(/[A-Za-z]/g, (c) => ACCENTED[c]!);
      // About a third longer, as many languages are than English.
      const words = accented.split(/(\s+)/);
      return words.map((w) => (w.trim().length > 3 ? w + "·".repeat(Math.ceil(w.length / 3)) : w)).join("");
    })
    .join("");
}

/** Plural forms a pseudo-locale's rules may ask for (the mirrored one has Arabic's six). */
const PLURAL_FORMS = ["zero", "one", "two", "few", "many", "other"];

export function pseudoCatalogue(
  catalogue: Record<string, unknown>,
  kind: "accented" | "mirrored",
): Record<string, unknown> {
  const entries = Object.entries(catalogue).flatMap(([key, value]): [string, unknown][] => {
    const pseudo =
      typeof value === "string"
        ? pseudoText(value)
        : Array.isArray(value)
          ? value.map((v) =>
              typeof v === "string"
                ? pseudoText(v)
                : v && typeof v === "object"
                  ? pseudoCatalogue(v as Record<string, unknown>, kind)
                  : v,
            )
          : value && typeof value === "object"
            ? pseudoCatalogue(value as Record<string, unknown>, kind)
            : value;
    // Icons are names of pictures, not words.
    if (key === "icon" || key === "href") return [[key, value]];
    // English's "other" stands in for every plural form English does not have.
    const base = /^(.*)_other$/.exec(key)?.[1];
    if (base === undefined) return [[key, pseudo]];
    return PLURAL_FORMS.filter((form) => form === "other" || !(`${base}_${form}` in catalogue)).map((form) => [
      `${base}_${form}`,
      pseudo,
    ]);
  });
  return Object.fromEntries(entries);
}
